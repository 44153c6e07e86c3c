package wechatpay

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
)

func fuzzClient(f *testing.F) *Client {
	testKeys(f)
	c, err := NewClient(testCreds(f), WithPublicKey(testPubKeyID, &pubKey.PublicKey), option.WithClock(fixedClock))
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// FuzzParseNotification feeds the full callback path (headers + body) with
// arbitrary input. It must never panic, and every failure must be one of the
// documented sentinels.
func FuzzParseNotification(f *testing.F) {
	c := fuzzClient(f)
	for _, cb := range []callback{
		{action: "CREATE_COMPLAINT", event: "COMPLAINT.CREATE", complaintID: "C1"},
		{action: "USER_RESPONSE", complaintID: "C2", editHdr: func(h http.Header) { h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc") }},
		{action: "USER_RESPONSE", complaintID: "C3", ts: nowUnix() - 400},
	} {
		h, body := cb.build(f)
		f.Add(body, h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), h.Get("Wechatpay-Signature"), h.Get("Wechatpay-Serial"))
	}
	f.Add([]byte("{}"), "", "", "", "")
	f.Add([]byte("not json"), "1748750400", "n", "%%%", testPubKeyID)
	f.Fuzz(func(t *testing.T, body []byte, ts, nonce, sig, serial string) {
		h := http.Header{}
		h.Set("Wechatpay-Timestamp", ts)
		h.Set("Wechatpay-Nonce", nonce)
		h.Set("Wechatpay-Signature", sig)
		h.Set("Wechatpay-Serial", serial)
		n, err := c.Verify(t.Context(), h, body)
		if err != nil {
			if !errors.Is(err, complaint.ErrSignatureInvalid) && !errors.Is(err, complaint.ErrTimestampSkew) &&
				!errors.Is(err, complaint.ErrUnknownKey) && !errors.Is(err, complaint.ErrMalformedNotification) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		if n.ID == "" {
			t.Fatal("accepted a notification without id")
		}
	})
}

// FuzzDecodeNotification fuzzes the part after signature verification:
// envelope JSON, algorithm, nonce and ciphertext lengths, GCM, plaintext JSON.
func FuzzDecodeNotification(f *testing.F) {
	c := fuzzClient(f)
	for _, cb := range []callback{
		{action: "CREATE_COMPLAINT", event: "COMPLAINT.CREATE", complaintID: "C1"},
		{action: "X", complaintID: "C1", editEnv: func(n *Notification) { n.Resource.Nonce = "short" }},
		{action: "X", complaintID: "C1", editEnv: func(n *Notification) { n.Resource.Ciphertext = "AAAA" }},
		{event: "SECURITY_ECHO.SUCCESS"},
	} {
		_, body := cb.build(f)
		f.Add(body)
	}
	f.Add([]byte(`{"id":"x","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"123456789012","ciphertext":""}}`))
	f.Add([]byte(`{"id":"x","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"123456789012","ciphertext":"` + strings.Repeat("A", 64) + `"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var n Notification
		err := c.decodeNotification(nil, body, &n, nil)
		if err != nil {
			if !errors.Is(err, complaint.ErrMalformedNotification) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		if n.ID == "" || n.Resource.Algorithm != AlgorithmAEADAES256GCM || len(n.Resource.Nonce) != 12 {
			t.Fatalf("accepted %+v", n)
		}
	})
}

// FuzzHeaders fuzzes the signed-header checks of responses and callbacks.
// (The server's Authorization parser is fuzzed in wechatpaytest.)
func FuzzHeaders(f *testing.F) {
	c := fuzzClient(f)
	h, body := callback{action: "USER_RESPONSE", complaintID: "C1"}.build(f)
	f.Add(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), h.Get("Wechatpay-Signature"), h.Get("Wechatpay-Serial"), SignatureTypeRSA)
	f.Add("-1", "", "WECHATPAY/SIGNTEST/", "PUB_KEY_ID_", "")
	f.Add("99999999999999999999", "\n", "====", strings.Repeat("A", 100), "WECHATPAY2-SM2-WITH-SM3")
	f.Fuzz(func(t *testing.T, ts, nonce, sig, serial, sigType string) {
		hh := http.Header{}
		hh.Set("Wechatpay-Timestamp", ts)
		hh.Set("Wechatpay-Nonce", nonce)
		hh.Set("Wechatpay-Signature", sig)
		hh.Set("Wechatpay-Serial", serial)
		hh.Set("Wechatpay-Signature-Type", sigType)
		err := c.verify(t.Context(), hh, body, true)
		if err == nil {
			// Only the genuine header set may pass.
			if ts != h.Get("Wechatpay-Timestamp") || nonce != h.Get("Wechatpay-Nonce") || serial != testPubKeyID {
				t.Fatalf("forged header accepted: %q %q %q", ts, nonce, serial)
			}
		} else if !errors.Is(err, complaint.ErrSignatureInvalid) && !errors.Is(err, complaint.ErrTimestampSkew) && !errors.Is(err, complaint.ErrUnknownKey) {
			t.Fatalf("undocumented error: %v", err)
		}
	})
}
