package wechatpay

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
)

// Header names WeChat uses on signed responses and callbacks.
const (
	hdrTimestamp     = "Wechatpay-Timestamp"
	hdrNonce         = "Wechatpay-Nonce"
	hdrSignature     = "Wechatpay-Signature"
	hdrSerial        = "Wechatpay-Serial"
	hdrSignatureType = "Wechatpay-Signature-Type"
	hdrRequestID     = "Request-Id"
)

// authScheme is the Authorization scheme of signed requests.
const authScheme = "WECHATPAY2-SHA256-RSA2048"

// SignatureTypeRSA is the only Wechatpay-Signature-Type this package accepts.
const SignatureTypeRSA = "WECHATPAY2-SHA256-RSA2048"

// ProbeSignaturePrefix starts the deliberately invalid signatures WeChat sends
// to check that merchants verify ("signature probe" traffic).
const ProbeSignaturePrefix = "WECHATPAY/SIGNTEST/"

// MaxClockSkew is the window, both ways, around now within which a response's
// or callback's Wechatpay-Timestamp must fall.
const MaxClockSkew = 5 * time.Minute

const nonceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newNonce returns 32 random alphanumeric characters from crypto/rand.
func newNonce() (string, error) {
	var out [32]byte
	var buf [48]byte
	n := 0
	for n < len(out) {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", fmt.Errorf("wechatpay: nonce: %w", err)
		}
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: reject to keep the draw uniform
				continue
			}
			out[n] = nonceChars[b%62]
			n++
			if n == len(out) {
				break
			}
		}
	}
	return string(out[:]), nil
}

// signatureMessage builds the request string to sign:
// METHOD\nREQUEST_URI\nTIMESTAMP\nNONCE\nBODY\n.
func signatureMessage(method, requestURI string, timestamp int64, nonce string, body []byte) []byte {
	ts := strconv.AppendInt(make([]byte, 0, 20), timestamp, 10)
	msg := make([]byte, 0, len(method)+len(requestURI)+len(ts)+len(nonce)+len(body)+5)
	msg = append(msg, method...)
	msg = append(msg, '\n')
	msg = append(msg, requestURI...)
	msg = append(msg, '\n')
	msg = append(msg, ts...)
	msg = append(msg, '\n')
	msg = append(msg, nonce...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	msg = append(msg, '\n')
	return msg
}

// authorization signs a request and returns the Authorization header value.
// requestURI is the path and raw query exactly as sent (url.URL.RequestURI);
// body is the exact JSON sent, "" for GET and DELETE, or the meta JSON of an
// image upload.
func authorization(key *signing.RSAPrivateKey, mchID, certSerial, method, requestURI string, timestamp int64, nonce string, body []byte) (string, error) {
	sig, err := signing.SignRSABase64(key, crypto.SHA256, signatureMessage(method, requestURI, timestamp, nonce, body))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(authScheme) + len(mchID) + len(nonce) + len(certSerial) + len(sig) + 80)
	b.WriteString(authScheme)
	b.WriteString(` mchid="`)
	b.WriteString(mchID)
	b.WriteString(`",nonce_str="`)
	b.WriteString(nonce)
	b.WriteString(`",timestamp="`)
	b.WriteString(strconv.FormatInt(timestamp, 10))
	b.WriteString(`",serial_no="`)
	b.WriteString(certSerial)
	b.WriteString(`",signature="`)
	b.WriteString(sig)
	b.WriteString(`"`)
	return b.String(), nil
}

// signedHeader holds the four Wechatpay-* values of a signed response or
// callback.
type signedHeader struct {
	timestamp, nonce, signature, serial, sigType string
}

func readSignedHeader(h http.Header) signedHeader {
	return signedHeader{
		timestamp: headerValue(h, hdrTimestamp),
		nonce:     headerValue(h, hdrNonce),
		signature: headerValue(h, hdrSignature),
		serial:    headerValue(h, hdrSerial),
		sigType:   headerValue(h, hdrSignatureType),
	}
}

// headerValue reads a header by its canonical name, falling back to a
// case-insensitive scan for maps built by hand with other spellings.
func headerValue(h http.Header, canonical string) string {
	if v, ok := h[canonical]; ok {
		if len(v) > 0 {
			return v[0]
		}
		return ""
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, canonical) {
			return v[0]
		}
	}
	return ""
}

// checkHeader validates everything about a signed header that needs no key:
// presence, signature type, probe signatures, and the timestamp window.
func checkHeader(sh *signedHeader, now time.Time) error {
	if sh.signature == "" || sh.timestamp == "" || sh.nonce == "" || sh.serial == "" {
		return fmt.Errorf("%w: missing Wechatpay-* signature headers", complaint.ErrSignatureInvalid)
	}
	if sh.sigType != "" && sh.sigType != SignatureTypeRSA {
		return fmt.Errorf("%w: unsupported signature type", complaint.ErrSignatureInvalid)
	}
	if strings.HasPrefix(sh.signature, ProbeSignaturePrefix) {
		return fmt.Errorf("%w: signature probe", complaint.ErrSignatureInvalid)
	}
	ts, err := strconv.ParseInt(sh.timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: Wechatpay-Timestamp is not a number", complaint.ErrSignatureInvalid)
	}
	d := now.Unix() - ts
	if d > int64(MaxClockSkew/time.Second) || d < -int64(MaxClockSkew/time.Second) {
		return fmt.Errorf("%w: Wechatpay-Timestamp is %ds away from now", complaint.ErrTimestampSkew, d)
	}
	return nil
}

// verifySignature checks sig over ts\nnonce\nbody\n without building the
// message: the parts are hashed in place.
func verifySignature(pub *rsa.PublicKey, sh *signedHeader, body []byte) error {
	// An RSA-4096 signature is 512 bytes; anything longer is not ours.
	if len(sh.signature) > 700 {
		return fmt.Errorf("%w: signature too long", complaint.ErrSignatureInvalid)
	}
	var sigBuf [528]byte
	n, err := base64.StdEncoding.Decode(sigBuf[:], []byte(sh.signature))
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", complaint.ErrSignatureInvalid)
	}
	h := sha256.New()
	h.Write([]byte(sh.timestamp))
	h.Write(nl)
	h.Write([]byte(sh.nonce))
	h.Write(nl)
	h.Write(body)
	h.Write(nl)
	var sum [sha256.Size]byte
	if pub == nil || pub.N == nil {
		return fmt.Errorf("%w: nil verification key", complaint.ErrUnknownKey)
	}
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h.Sum(sum[:0]), sigBuf[:n]); err != nil {
		return complaint.ErrSignatureInvalid
	}
	return nil
}

var nl = []byte{'\n'}

// verifyWith checks a signed header and body against one key.
func (c *Client) verifyWith(pub *rsa.PublicKey, h http.Header, body []byte, now time.Time) error {
	sh := readSignedHeader(h)
	if err := checkHeader(&sh, now); err != nil {
		return err
	}
	return verifySignature(pub, &sh, body)
}

// verify checks a signed response or callback: the four headers, the
// 5-minute window both ways, the key by serial (with one on-demand
// certificate download under ctx when download is set and the client allows
// it), and the RSA signature over the raw body.
func (c *Client) verify(ctx context.Context, h http.Header, body []byte, download bool) error {
	sh := readSignedHeader(h)
	now := c.now()
	if err := checkHeader(&sh, now); err != nil {
		return err
	}
	pub, err := c.keyFor(ctx, sh.serial, now, download)
	if err != nil {
		return err
	}
	return verifySignature(pub, &sh, body)
}

// verification modes of a request
type verifyMode int

const (
	verifyResponse verifyMode = iota // verify the signed response (default)
	verifyNone                       // caller verifies (certificate bootstrap) or the response is unsigned
)

type signBodyKey struct{}

// signHook signs each attempt just before it is sent, over the request URI
// as it will go on the wire, with a fresh timestamp and nonce.
func (c *Client) signHook(_ *resty.Client, r *http.Request) error {
	body, _ := r.Context().Value(signBodyKey{}).([]byte)
	nonce, err := newNonce()
	if err != nil {
		return err
	}
	auth, err := authorization(c.key, c.mchID, c.serial, r.Method, r.URL.RequestURI(), c.now().Unix(), nonce, body)
	if err != nil {
		return fmt.Errorf("wechatpay: signing request: %w", err)
	}
	r.Header.Set("Authorization", auth)
	if s := c.requestSerial(); s != "" {
		r.Header.Set(hdrSerial, s)
	}
	return nil
}

// RawResponse is a verified response to a signed request.
type RawResponse struct {
	StatusCode int
	Header     http.Header
	// Body is the raw body exactly as received.
	Body      []byte
	RequestID string
}

// do sends one signed request. path is relative to the base URL, with its
// query already encoded, or an absolute URL. body is the exact bytes sent
// (JSON), nil for none. A non-2xx answer is *APIError.
func (c *Client) do(ctx context.Context, method, path string, body []byte, hdr http.Header, mode verifyMode) (*RawResponse, error) {
	return c.doSigned(ctx, method, path, body, body, hdr, mode)
}

func (c *Client) doSigned(ctx context.Context, method, path string, body, signBody []byte, hdr http.Header, mode verifyMode) (*RawResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	u := path
	if !strings.Contains(path, "://") {
		u = c.baseURL + path
	}
	req := c.http.R().SetContext(context.WithValue(ctx, signBodyKey{}, signBody)).
		SetHeader("Accept", "application/json")
	for k, v := range hdr {
		req.Header[k] = v
	}
	if body != nil {
		if req.Header.Get("Content-Type") == "" {
			req.SetHeader("Content-Type", "application/json")
		}
		req.SetBody(body)
	}
	resp, err := req.Execute(method, u)
	if err != nil {
		return nil, sendError(ctx, method, path, err)
	}
	raw := &RawResponse{
		StatusCode: resp.StatusCode(),
		Header:     resp.Header(),
		Body:       resp.Body(),
		RequestID:  resp.Header().Get(hdrRequestID),
	}
	if raw.StatusCode < 200 || raw.StatusCode > 299 {
		if mode == verifyNone {
			return nil, newAPIError(raw)
		}
		return nil, c.errorAnswer(ctx, method, path, raw)
	}
	if mode == verifyResponse {
		if err := c.verify(ctx, raw.Header, raw.Body, true); err != nil {
			return nil, &ResponseError{Method: method, Path: httpc.URLPath(path), StatusCode: raw.StatusCode, RequestID: raw.RequestID, Err: err}
		}
	}
	return raw, nil
}

// sendError is the error of a request that got no answer: the context's
// error when the caller gave up (so that it matches context.Canceled or
// context.DeadlineExceeded), else the transport's, with the path and no query.
func sendError(ctx context.Context, method, target string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	}
	return fmt.Errorf("wechatpay: %s %s: %w", method, httpc.URLPath(target), err)
}

// errorAnswer turns a non-2xx answer into its error. An answer that carries a
// Wechatpay-Signature is verified like a success: if it verifies, the
// *APIError is marked Verified; if not, the answer is not trusted and a
// *ResponseError comes back instead. An unsigned answer (gateways and load
// balancers send some) is an *APIError with Verified false.
func (c *Client) errorAnswer(ctx context.Context, method, path string, raw *RawResponse) error {
	e := newAPIError(raw)
	if headerValue(raw.Header, hdrSignature) == "" {
		return e
	}
	if err := c.verify(ctx, raw.Header, raw.Body, true); err != nil {
		return &ResponseError{Method: method, Path: httpc.URLPath(path), StatusCode: raw.StatusCode, RequestID: raw.RequestID, Err: err}
	}
	e.Verified = true
	return e
}

// Do sends a signed request to an endpoint this package does not wrap and
// verifies the signed response. path is relative to the base URL, with any
// query already encoded ("/v3/merchant-service/complaints-v2?limit=1&..."). body
// is the exact JSON to send, nil for none. Reads are retried per the retry
// policy; writes only with Retry.RetryWrites.
func (c *Client) Do(ctx context.Context, method, path string, body []byte) (*RawResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	method = strings.ToUpper(method)
	if !strings.HasPrefix(path, "/") {
		return nil, &complaint.ValidationError{Field: "path", Reason: "must start with /"}
	}
	return c.do(ctx, method, path, body, nil, verifyResponse)
}
