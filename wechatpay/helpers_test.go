package wechatpay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// Test keys are generated once per test binary; no key material is committed.
var (
	keysOnce                          sync.Once
	merchantKey, platformKey, pubKey  *rsa.PrivateKey
	platformKey2                      *rsa.PrivateKey
	platformCert, platformCert2       *x509.Certificate
	platformCertPEM, platformCert2PEM []byte
)

const (
	testMchID      = "1900000001"
	testCertSerial = "3775B6A45ACD588826D15E583A95F5DD12345678"
	testPubKeyID   = "PUB_KEY_ID_0000000000000024101100397200000006"
	testAPIv3Key   = "0123456789abcdefghijABCDEFGHIJ01" // 32 bytes
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, cntime.Zone)

func fixedClock() time.Time { return testNow }

func genKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func makeCert(t testing.TB, key *rsa.PrivateKey, serialHex string) (*x509.Certificate, []byte) {
	serial, _ := new(big.Int).SetString(serialHex, 16)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "Tenpay.com Root CA test"},
		NotBefore:    testNow.AddDate(-1, 0, 0),
		NotAfter:     testNow.AddDate(4, 0, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// Platform serials: the first starts with a zero nibble on purpose (fmt's %X
// would drop it).
const (
	platformSerial  = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567"
	platformSerial2 = "7E6D5C4B3A29180706F5E4D3C2B1A09F8E7D6C5B"
)

func testKeys(t testing.TB) {
	keysOnce.Do(func() {
		merchantKey, platformKey, platformKey2, pubKey = genKey(t), genKey(t), genKey(t), genKey(t)
		platformCert, platformCertPEM = makeCert(t, platformKey, platformSerial)
		platformCert2, platformCert2PEM = makeCert(t, platformKey2, platformSerial2)
	})
}

func testCreds(t testing.TB) Credentials {
	testKeys(t)
	k, err := signing.NewRSAPrivateKey(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	return Credentials{MchID: testMchID, CertSerial: testCertSerial, PrivateKey: k, APIv3Key: signing.NewSecret(testAPIv3Key)}
}

// wxKey signs as WeChat does: a platform certificate or the public key.
type wxKey struct {
	serial string
	key    *rsa.PrivateKey
}

func pubKeySigner() wxKey       { testKeys(nil); return wxKey{testPubKeyID, pubKey} }
func platformSigner() wxKey     { testKeys(nil); return wxKey{platformSerial, platformKey} }
func platformSigner2() wxKey    { testKeys(nil); return wxKey{platformSerial2, platformKey2} }
func signAt(ts int64) int64     { return ts }
func nowUnix() int64            { return testNow.Unix() }
func b64(b []byte) string       { return base64.StdEncoding.EncodeToString(b) }
func sha256Hex(b []byte) string { s := sha256.Sum256(b); return fmt.Sprintf("%x", s[:]) }

// signHeaders sets the Wechatpay-* headers over body at ts.
func (k wxKey) signHeaders(h http.Header, ts int64, nonce string, body []byte) {
	msg := strconv.FormatInt(ts, 10) + "\n" + nonce + "\n" + string(body) + "\n"
	d := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, k.key, crypto.SHA256, d[:])
	if err != nil {
		panic(err)
	}
	h.Set("Wechatpay-Timestamp", strconv.FormatInt(ts, 10))
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", b64(sig))
	h.Set("Wechatpay-Serial", k.serial)
	h.Set("Wechatpay-Signature-Type", SignatureTypeRSA)
}

// recorded is one request the mock saw, after its signature was checked.
type recorded struct {
	Method, URI string
	Header      http.Header
	Body        []byte
	SignedBody  []byte // meta JSON for uploads
	Files       map[string][]byte
}

// reply is what a route answers.
type reply struct {
	status int
	body   any // nil, []byte, string or a value to JSON-encode
	header http.Header
	// tamper edits the signed headers or body after signing.
	tamper func(h http.Header, body *[]byte)
	signer *wxKey // overrides the mock's signer
	ts     int64  // overrides the signing time
	raw    bool   // unsigned (image download)
}

type route func(r *recorded) reply

// mock is a small WeChat stand-in on httpmock: it checks each request's
// Authorization with an independent implementation (rsa.VerifyPKCS1v15 over a
// message built here), dispatches by method and escaped path, and signs the
// answer.
type mock struct {
	t      testing.TB
	mt     *httpmock.MockTransport
	signer wxKey
	host   string
	mu     sync.Mutex
	reqs   []*recorded
	routes map[string]route
	now    func() time.Time // the time requests must be signed at
}

func newMock(t testing.TB, host string, signer wxKey) *mock {
	m := &mock{t: t, mt: httpmock.NewMockTransport(), signer: signer, host: host, routes: map[string]route{}, now: fixedClock}
	m.mt.RegisterNoResponder(m.serve)
	return m
}

func (m *mock) on(method, escapedPath string, r route) { m.routes[method+" "+escapedPath] = r }

func (m *mock) requests() []*recorded {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*recorded(nil), m.reqs...)
}

func (m *mock) count(method, escapedPath string) int {
	n := 0
	for _, r := range m.requests() {
		p, _, _ := strings.Cut(r.URI, "?")
		if r.Method == method && p == escapedPath {
			n++
		}
	}
	return n
}

func jsonResp(status int, h http.Header, body []byte) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Request-Id", "08F0A6C4B50610E98C9C1E18C19E9C2620B8C201-0")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
}

func errBody(code, msg string) []byte {
	b, _ := json.Marshal(ErrorBody{Code: code, Message: msg})
	return b
}

func (m *mock) serve(req *http.Request) (*http.Response, error) {
	if m.host != "" && req.URL.Host != m.host {
		m.t.Errorf("request to host %q, want %q", req.URL.Host, m.host)
	}
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	rec := &recorded{Method: req.Method, URI: req.URL.RequestURI(), Header: req.Header.Clone(), Body: body, SignedBody: body}
	if ct := req.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
		_, params, _ := mime.ParseMediaType(ct)
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		rec.Files = map[string][]byte{}
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			rec.Files[p.FormName()] = b
			rec.Files[p.FormName()+".content-type"] = []byte(p.Header.Get("Content-Type"))
			if p.FormName() == "meta" {
				rec.SignedBody = b
			}
		}
	}
	if err := verifyAuthorization(req.Header.Get("Authorization"), rec, &merchantKey.PublicKey, m.now().Unix()); err != nil {
		m.t.Errorf("request %s %s: %v", req.Method, rec.URI, err)
		return jsonResp(401, nil, errBody("SIGN_ERROR", "签名错误")), nil
	}
	m.mu.Lock()
	m.reqs = append(m.reqs, rec)
	m.mu.Unlock()
	p := req.URL.EscapedPath()
	h, ok := m.routes[req.Method+" "+p]
	if !ok {
		return jsonResp(404, nil, errBody("RESOURCE_NOT_EXISTS", "no route "+p)), nil
	}
	r := h(rec)
	var out []byte
	switch b := r.body.(type) {
	case nil:
	case []byte:
		out = b
	case string:
		out = []byte(b)
	default:
		var err error
		if out, err = json.Marshal(b); err != nil {
			m.t.Fatal(err)
		}
	}
	hdr := r.header
	if hdr == nil {
		hdr = http.Header{}
	}
	if r.status == 0 {
		r.status = 200
	}
	if !r.raw {
		s := m.signer
		if r.signer != nil {
			s = *r.signer
		}
		ts := r.ts
		if ts == 0 {
			ts = nowUnix()
		}
		s.signHeaders(hdr, ts, "n0nce"+strconv.Itoa(len(m.requests())), out)
	}
	if r.tamper != nil {
		r.tamper(hdr, &out)
	}
	return jsonResp(r.status, hdr, out), nil
}

// authParams splits an Authorization header the client built into its
// parameters, by hand (the package has no parser of its own: only servers
// read the header).
func authParams(h string) (map[string]string, error) {
	const scheme = "WECHATPAY2-SHA256-RSA2048 "
	if !strings.HasPrefix(h, scheme) {
		return nil, fmt.Errorf("authorization scheme: %q", h)
	}
	params := map[string]string{}
	for _, kv := range strings.Split(h[len(scheme):], ",") {
		k, v, _ := strings.Cut(kv, "=")
		uq, err := strconv.Unquote(v)
		if err != nil {
			return nil, fmt.Errorf("param %s not quoted", k)
		}
		params[k] = uq
	}
	return params, nil
}

// verifyAuthorization is the server side of request signing, written
// independently of transport.go: parse the header by hand, rebuild the
// message, verify with crypto/rsa.
func verifyAuthorization(h string, rec *recorded, pub *rsa.PublicKey, now int64) error {
	params, err := authParams(h)
	if err != nil {
		return err
	}
	if params["mchid"] != testMchID || params["serial_no"] != testCertSerial {
		return fmt.Errorf("mchid/serial: %v", params)
	}
	nonce := params["nonce_str"]
	if len(nonce) != 32 {
		return fmt.Errorf("nonce length %d", len(nonce))
	}
	for _, c := range nonce {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("nonce not alphanumeric")
		}
	}
	ts, err := strconv.ParseInt(params["timestamp"], 10, 64)
	if err != nil || ts != now {
		return fmt.Errorf("timestamp %q", params["timestamp"])
	}
	msg := rec.Method + "\n" + rec.URI + "\n" + params["timestamp"] + "\n" + nonce + "\n" + string(rec.SignedBody) + "\n"
	sig, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil {
		return err
	}
	d := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig)
}

// newTestClient builds a client on the mock with the test clock; opts must
// give it a verification key.
func newTestClient(t testing.TB, m *mock, opts ...option.Option) *Client {
	t.Helper()
	base := []option.Option{option.WithTransport(m.mt), option.WithClock(fixedClock), option.WithRetry(option.Retry{})}
	c, err := NewClient(testCreds(t), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pubKeyClient is the common setup: public-key mode, mainland.
func pubKeyClient(t testing.TB, m *mock, opts ...option.Option) *Client {
	testKeys(t)
	return newTestClient(t, m, append([]option.Option{WithPublicKey(testPubKeyID, &pubKey.PublicKey)}, opts...)...)
}

func ctx(t testing.TB) context.Context {
	if tt, ok := t.(*testing.T); ok {
		return tt.Context()
	}
	return context.Background()
}

// encryptResource seals plaintext with the test APIv3 key.
func encryptResource(t testing.TB, plaintext []byte, aad, nonce string) EncryptedResource {
	a, err := signing.NewAESGCM([]byte(testAPIv3Key))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := a.Seal(nil, []byte(nonce), plaintext, []byte(aad))
	if err != nil {
		t.Fatal(err)
	}
	return EncryptedResource{OriginalType: "complaint", Algorithm: AlgorithmAEADAES256GCM, Ciphertext: b64(ct), AssociatedData: aad, Nonce: nonce}
}

var _ = signAt

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
