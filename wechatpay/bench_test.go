package wechatpay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/tousu-go/tousu/complaint"
	"io"
	"net/http"
	"testing"
)

func BenchmarkSignRequest(b *testing.B) {
	creds := testCreds(b)
	body := []byte(`{"complainted_mchid":"1900012181","response_content":"已为您退款"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Authorization(creds.PrivateKey, testMchID, testCertSerial, "POST",
			"/v3/merchant-service/complaints-v2/200201820200101080076610000/response", 1748750400, "593BEC0C930BF1AFEB40B4A08C8FB242", body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNonce(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewNonce(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallback is the whole callback path: header checks, key lookup,
// RSA verify over the raw body, envelope decode, GCM open, plaintext decode.
func BenchmarkCallback(b *testing.B) {
	c := pubKeyClient(b, newMock(b, "", pubKeySigner()))
	h, body := callback{action: "USER_RESPONSE", complaintID: "200201820200101080076610000"}.build(b)
	r := NewReceiver(c)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		ev, err := r.Receive(ctx, h, body)
		if err != nil || len(ev) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallbackBareCrypto is the floor: the same RSA verify and GCM open
// with the standard library and nothing else (no JSON, no checks).
func BenchmarkCallbackBareCrypto(b *testing.B) {
	h, body := callback{action: "USER_RESPONSE", complaintID: "200201820200101080076610000"}.build(b)
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		b.Fatal(err)
	}
	sig, _ := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	msg := []byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n")
	ct, _ := base64.StdEncoding.DecodeString(n.Resource.Ciphertext)
	block, _ := aes.NewCipher([]byte(testAPIv3Key))
	gcm, _ := cipher.NewGCM(block)
	nonce, aad := []byte(n.Resource.Nonce), []byte(n.Resource.AssociatedData)
	pub := &pubKey.PublicKey
	dst := make([]byte, 0, len(ct))
	b.ReportAllocs()
	for b.Loop() {
		d := sha256.Sum256(msg)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
			b.Fatal(err)
		}
		if _, err := gcm.Open(dst[:0], nonce, ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPageDecodeConvert decodes a 50-item complaints-v2 page and
// converts every item to the common model.
func BenchmarkPageDecodeConvert(b *testing.B) {
	items := make([]string, 50)
	for i := range items {
		items[i] = mainlandComplaintJSON(fmt.Sprintf("2002018202001010800766%05d", i), "")
	}
	body := []byte(page(items, 50, 0, 50))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p ListComplaintsResponse
		if err := json.Unmarshal(body, &p); err != nil {
			b.Fatal(err)
		}
		for i := range p.Data {
			if p.Data[i].ToComplaint() == nil {
				b.Fatal("nil")
			}
		}
	}
}

// discardWriter is the cheapest http.ResponseWriter, so the benchmark below
// measures the handler rather than httptest's recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(s int)           { w.status = s }

// BenchmarkHandlerCallback is a callback through complaint.NewHandler, as a
// merchant's server runs it: bounded body read, the receiver's verify, decrypt
// and decode, the de-duplication claim, the sink and the acknowledgement.
// Compare with BenchmarkCallbackBareCrypto.
func BenchmarkHandlerCallback(b *testing.B) {
	c := pubKeyClient(b, newMock(b, "", pubKeySigner()))
	const n = 512
	hdrs := make([]http.Header, n)
	bodies := make([][]byte, n)
	for i := range n {
		hdrs[i], bodies[i] = callback{id: fmt.Sprintf("1f5b9cd1-7205-58fe-827e-%012d", i),
			action: "USER_RESPONSE", complaintID: "200201820200101080076610000"}.build(b)
	}
	h := complaint.NewHandler(NewReceiver(c), complaint.SinkFunc(func(context.Context, *complaint.Event) error { return nil }))
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := bodies[i%n]
		r := &http.Request{Method: http.MethodPost, Header: hdrs[i%n], ContentLength: int64(len(body)),
			Body: io.NopCloser(bytes.NewReader(body))}
		h.ServeHTTP(w, r.WithContext(b.Context()))
		if w.status != http.StatusOK && w.status != http.StatusNoContent {
			b.Fatalf("status %d", w.status)
		}
	}
}
