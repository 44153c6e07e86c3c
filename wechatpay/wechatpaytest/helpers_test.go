package wechatpaytest

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"testing"
	"time"
)

// This file holds an independent client for the tests: it signs requests and
// checks response signatures straight from WeChat's published wire rules with
// crypto/rsa, sharing no code with the server (or with package wechatpay).

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// errCode returns the code of a WeChat error body.
func (r reply) errCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	r.json(t, &e)
	if e.Message == "" {
		t.Errorf("error body %s has no message", r.body)
	}
	return e.Code
}

type tclient struct {
	srv    *Server
	hc     *http.Client
	key    *rsa.PrivateKey
	mchid  string
	serial string
	now    func() time.Time
	// wechatpaySerial, when set, goes out as the request Wechatpay-Serial.
	wechatpaySerial string
}

func newTClient(s *Server) *tclient {
	return &tclient{srv: s, hc: s.Client(), key: s.MerchantPrivateKey().Key(), mchid: s.MchID(), serial: s.MerchantSerial(), now: s.cfg.now}
}

func nonce32() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// authHeader builds the Authorization value for the string to sign
// METHOD\nURL\nTS\nNONCE\nBODY\n.
func (c *tclient) authHeader(method, target string, signed []byte) string {
	ts := strconv.FormatInt(c.now().Unix(), 10)
	nonce := nonce32()
	msg := method + "\n" + target + "\n" + ts + "\n" + nonce + "\n" + string(signed) + "\n"
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		c.mchid, nonce, ts, c.serial, base64.StdEncoding.EncodeToString(sig))
}

// send sends a request whose Authorization is auth (built by the caller).
func (c *tclient) send(t *testing.T, method, target string, body []byte, contentType, auth string) reply {
	t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.wechatpaySerial != "" {
		req.Header.Set("Wechatpay-Serial", c.wechatpaySerial)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// do signs and sends a JSON (or bodiless) request.
func (c *tclient) do(t *testing.T, method, target string, body any) reply {
	t.Helper()
	var b []byte
	ct := ""
	if body != nil {
		var err error
		if raw, ok := body.([]byte); ok {
			b = raw
		} else if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
		ct = "application/json"
	}
	return c.send(t, method, target, b, ct, c.authHeader(method, target, b))
}

// multipartUpload builds the upload body; meta is the exact meta JSON.
func multipartUpload(t *testing.T, meta []byte, filename string, file []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="meta"`)
	h.Set("Content-Type", "application/json")
	p, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = p.Write(meta)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
	h.Set("Content-Type", "image/png")
	p, err = w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = p.Write(file)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// upload signs the meta JSON (not the multipart body) and uploads.
func (c *tclient) upload(t *testing.T, prefix, filename string, file []byte, sha string) reply {
	t.Helper()
	if sha == "" {
		sha = sha256Hex(file)
	}
	meta := []byte(fmt.Sprintf(`{"filename":"%s","sha256":"%s"}`, filename, sha))
	body, ct := multipartUpload(t, meta, filename, file)
	target := prefix + "/images/upload"
	return c.send(t, http.MethodPost, target, body, ct, c.authHeader(http.MethodPost, target, meta))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// verifyWith checks a response or callback signature (TS\nNONCE\nBODY\n) with
// the key ring and the 5-minute window, the way a careful client does.
func verifyWith(keys map[string]*rsa.PublicKey, h http.Header, body []byte, now time.Time) error {
	serial := h.Get("Wechatpay-Serial")
	key, ok := keys[serial]
	if !ok {
		return fmt.Errorf("unknown serial %q", serial)
	}
	if st := h.Get("Wechatpay-Signature-Type"); st != "" && st != "WECHATPAY2-SHA256-RSA2048" {
		return fmt.Errorf("signature type %q", st)
	}
	ts, err := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp: %v", err)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp skew %v", d)
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return fmt.Errorf("signature not base64")
	}
	msg := h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"
	sum := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

func mustVerify(t *testing.T, s *Server, r reply) {
	t.Helper()
	if r.header.Get("Request-ID") == "" {
		t.Error("no Request-ID")
	}
	if err := verifyWith(s.VerificationKeys(), r.header, r.body, s.cfg.now()); err != nil {
		t.Fatalf("response (%d %s) does not verify: %v", r.status, r.body, err)
	}
}

// openGCM decrypts an AEAD_AES_256_GCM resource with crypto/cipher directly.
func openGCM(t *testing.T, key []byte, nonce, ciphertext, ad string) []byte {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	if len(nonce) != gcm.NonceSize() {
		t.Fatalf("nonce %q is %d bytes", nonce, len(nonce))
	}
	pt, err := gcm.Open(nil, []byte(nonce), ct, []byte(ad))
	if err != nil {
		t.Fatalf("gcm open: %v", err)
	}
	return pt
}

const mainlandList = "/v3/merchant-service/complaints-v2"

func listQuery(begin, end time.Time, limit, offset int) string {
	return fmt.Sprintf("%s?begin_date=%s&end_date=%s&limit=%d&offset=%d", mainlandList,
		begin.Format("2006-01-02"), end.Format("2006-01-02"), limit, offset)
}
