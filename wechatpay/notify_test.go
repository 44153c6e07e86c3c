package wechatpay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/signing"
)

// callback builds a signed complaint callback as WeChat sends it.
type callback struct {
	id, event, action, complaintID string
	ts                             int64
	signer                         wxKey
	editEnv                        func(n *Notification)
	editBody                       func(b []byte) []byte // after signing
	signedEdit                     func(b []byte) []byte // before signing
	editPlain                      func(b []byte) []byte // the resource before encryption
	editHdr                        func(h http.Header)
}

func (cb callback) build(t testing.TB) (http.Header, []byte) {
	if cb.id == "" {
		cb.id = "1f5b9cd1-7205-58fe-827e-ee8b12bc8169"
	}
	if cb.event == "" {
		cb.event = string(EventComplaintStateChange)
	}
	if cb.signer.key == nil {
		cb.signer = pubKeySigner()
	}
	if cb.ts == 0 {
		cb.ts = nowUnix()
	}
	pt, _ := json.Marshal(NotificationResource{ComplaintID: cb.complaintID, ActionType: ActionType(cb.action)})
	if cb.editPlain != nil {
		pt = cb.editPlain(pt)
	}
	n := Notification{ID: cb.id, CreateTime: testNow, EventType: EventType(cb.event), ResourceType: "encrypt-resource",
		Summary: "投诉状态变更", Resource: encryptResource(t, pt, "complaint", "lgSUQQVhgMrq")}
	if cb.editEnv != nil {
		cb.editEnv(&n)
	}
	body, _ := json.Marshal(n)
	if cb.signedEdit != nil {
		body = cb.signedEdit(body)
	}
	h := http.Header{"Content-Type": {"application/json"}, "Request-Id": {"REQ-1"}}
	cb.signer.signHeaders(h, cb.ts, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", body)
	if cb.editBody != nil {
		body = cb.editBody(body)
	}
	if cb.editHdr != nil {
		cb.editHdr(h)
	}
	return h, body
}

func (cb callback) request(t testing.TB) *http.Request {
	h, body := cb.build(t)
	r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	r.Header = h
	return r
}

func TestParseNotification(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	for _, tc := range []struct{ event, action string }{
		{"COMPLAINT.CREATE", "CREATE_COMPLAINT"},
		{"COMPLAINT.STATE_CHANGE", "MERCHANT_REJECT_REFUND"},
		{"COMPLAINT.STATE_CHANGE", "SOME_FUTURE_ACTION"},
	} {
		r := callback{event: tc.event, action: tc.action, complaintID: "200201820200101080076610000"}.request(t)
		n, err := c.ParseNotification(r)
		if err != nil {
			t.Fatalf("%s: %v", tc.action, err)
		}
		if n.ID != "1f5b9cd1-7205-58fe-827e-ee8b12bc8169" || string(n.EventType) != tc.event || string(n.Decrypted.ActionType) != tc.action ||
			n.Decrypted.ComplaintID != "200201820200101080076610000" || n.RequestID != "REQ-1" || n.Summary != "投诉状态变更" {
			t.Errorf("notification %+v", n)
		}
		if rest, _ := io.ReadAll(r.Body); len(rest) == 0 {
			t.Error("body not restored")
		}
		e := NotificationEvent(n)
		wantRef := complaint.Ref{Provider: complaint.WeChatPay, ID: "200201820200101080076610000"}
		if e.ID != n.ID || e.Ref != wantRef || e.ProviderKind != tc.action || !e.Time.Equal(testNow) || e.Raw != n || e.Complaint != nil {
			t.Errorf("event %+v", e)
		}
		want := map[string]complaint.Kind{"CREATE_COMPLAINT": complaint.KindCreated, "MERCHANT_REJECT_REFUND": complaint.KindRefundRejected,
			"SOME_FUTURE_ACTION": complaint.KindStateChanged}[tc.action]
		if e.Kind != want {
			t.Errorf("%s kind %s, want %s", tc.action, e.Kind, want)
		}
	}
}

func TestVerifyHeaderForms(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	h, body := callback{action: "USER_RESPONSE", complaintID: "C1"}.build(t)
	check := func(what string, h http.Header) {
		t.Helper()
		n, err := c.Verify(ctx(t), h, body)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n.Decrypted.ComplaintID != "C1" || n.Decrypted.ActionType != ActionUserResponse || n.RequestID != "REQ-1" {
			t.Errorf("%s: %+v", what, n)
		}
	}
	check("canonical header", h)
	// Hand-built maps with other spellings still work.
	lower := http.Header{}
	for k, v := range h {
		lower[strings.ToLower(k)] = v
	}
	check("lower-case header map", lower)
	// Without a Signature-Type header the RSA default applies.
	h.Del("Wechatpay-Signature-Type")
	check("no signature type", h)
}

// Every layer answers a nil context with complaint.CheckContext's error
// before looking at the input, and never panics.
func TestNotificationNilContext(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	h, body := callback{action: "USER_RESPONSE", complaintID: "C1"}.build(t)
	var nilCtx context.Context
	if n, err := c.Verify(nilCtx, h, body); n != nil || !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("Verify(nil ctx): %v %v", n, err)
	}
	d := &complaint.Delivery{Method: http.MethodPost, Header: h, Body: body}
	if ev, err := NewReceiver(c).Receive(nilCtx, d); ev != nil || !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("Receive(nil ctx): %v %v", ev, err)
	}
	if ev, err := NewReceiver(c).Receive(ctx(t), nil); ev != nil || !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("Receive(nil delivery): %v %v", ev, err)
	}
}

// An empty create_time is the zero time, not a rejected callback (WeChat
// would redeliver it forever).
func TestNotificationEmptyCreateTime(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	h, body := callback{action: "USER_RESPONSE", complaintID: "C1", signedEdit: func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"create_time":"`+testNow.Format(time.RFC3339)+`"`), []byte(`"create_time":""`), 1)
	}}.build(t)
	if !bytes.Contains(body, []byte(`"create_time":""`)) {
		t.Fatalf("body not edited: %s", body)
	}
	n, err := c.Verify(ctx(t), h, body)
	if err != nil {
		t.Fatal(err)
	}
	if !n.CreateTime.IsZero() || n.Decrypted.ComplaintID != "C1" || n.Decrypted.ActionType != ActionUserResponse || n.ID == "" {
		t.Errorf("notification %+v", n)
	}
}

func TestNotificationFailures(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	otherKey, err := signing.NewAESGCM([]byte("ffffffffffffffffffffffffffffffff"))
	if err != nil {
		t.Fatal(err)
	}
	base := callback{action: "USER_RESPONSE", complaintID: "C1"}
	with := func(edit func(cb *callback)) callback { cb := base; edit(&cb); return cb }
	cases := map[string]struct {
		cb   callback
		want error
	}{
		"probe": {with(func(cb *callback) {
			cb.editHdr = func(h http.Header) { h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/"+h.Get("Wechatpay-Signature")) }
		}), complaint.ErrSignatureInvalid},
		"probe only": {with(func(cb *callback) {
			cb.editHdr = func(h http.Header) { h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/") }
		}), complaint.ErrSignatureInvalid},
		"tampered": {with(func(cb *callback) {
			cb.editBody = func(b []byte) []byte {
				return bytes.Replace(b, []byte("COMPLAINT.STATE_CHANGE"), []byte("COMPLAINT.CREATE"), 1)
			}
		}), complaint.ErrSignatureInvalid},
		"re-encoded": {with(func(cb *callback) {
			cb.editBody = func(b []byte) []byte { return append(b, '\n') }
		}), complaint.ErrSignatureInvalid},
		"stale":          {with(func(cb *callback) { cb.ts = nowUnix() - 301 }), complaint.ErrTimestampSkew},
		"future":         {with(func(cb *callback) { cb.ts = nowUnix() + 3600 }), complaint.ErrTimestampSkew},
		"unknown serial": {with(func(cb *callback) { cb.signer = platformSigner() }), complaint.ErrUnknownKey},
		"sig type": {with(func(cb *callback) {
			cb.editHdr = func(h http.Header) { h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3") }
		}), complaint.ErrSignatureInvalid},
		"no headers": {with(func(cb *callback) {
			cb.editHdr = func(h http.Header) { h.Del("Wechatpay-Signature"); h.Del("Wechatpay-Serial") }
		}), complaint.ErrSignatureInvalid},
		"algorithm": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.Algorithm = "AEAD_AES_128_GCM" }
		}), complaint.ErrMalformedNotification},
		"nonce 11": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.Nonce = "lgSUQQVhgMr" }
		}), complaint.ErrMalformedNotification},
		"nonce 13": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.Nonce = "lgSUQQVhgMrqq" }
		}), complaint.ErrMalformedNotification},
		"short ciphertext": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.Ciphertext = b64([]byte("tiny")) }
		}), complaint.ErrMalformedNotification},
		"empty ciphertext": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.Ciphertext = "" }
		}), complaint.ErrMalformedNotification},
		"not base64": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.Ciphertext = "@@@@" }
		}), complaint.ErrMalformedNotification},
		"wrong apiv3 key": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) {
				ct, _ := otherKey.Seal(nil, []byte(n.Resource.Nonce), []byte(`{"complaint_id":"C1"}`), []byte("complaint"))
				n.Resource.Ciphertext = b64(ct)
			}
		}), signing.ErrDecrypt},
		"aad changed": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.Resource.AssociatedData = "certificate" }
		}), complaint.ErrMalformedNotification},
		"no id": {with(func(cb *callback) {
			cb.editEnv = func(n *Notification) { n.ID = "" }
		}), complaint.ErrMalformedNotification},
		"no complaint id": {with(func(cb *callback) { cb.complaintID = "" }), complaint.ErrMalformedNotification},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.ParseNotification(tc.cb.request(t))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Signed but not JSON.
	h := http.Header{}
	body := []byte("<xml>not json</xml>")
	pubKeySigner().signHeaders(h, nowUnix(), "n", body)
	if _, err := c.Verify(context.Background(), h, body); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("signed non-json: %v", err)
	}
	if _, err := c.ParseNotification(nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("nil request: %v", err)
	}
}

func TestNotificationUnknownSerialDownloadsOnce(t *testing.T) {
	testKeys(t)
	m := newMock(t, "", platformSigner())
	m.on("GET", "/v3/certificates", func(*recorded) reply { return reply{body: certsBody(t, platformCertPEM)} })
	c := newTestClient(t, m, WithPublicKey(testPubKeyID, &pubKey.PublicKey), WithCertificateDownload())
	r := callback{action: "USER_RESPONSE", complaintID: "C1", signer: platformSigner()}.request(t)
	if _, err := c.ParseNotification(r); err != nil {
		t.Fatal(err)
	}
	// The key is now known: no second download.
	h, body := callback{action: "USER_RESPONSE", complaintID: "C1", signer: platformSigner()}.build(t)
	if _, err := c.Verify(ctx(t), h, body); err != nil {
		t.Fatal(err)
	}
	// Another unknown serial within a minute of the download does not
	// download again: a flood of forged serials costs one download a minute.
	h, body = callback{action: "USER_RESPONSE", complaintID: "C1", signer: platformSigner2()}.build(t)
	if _, err := c.Verify(ctx(t), h, body); !errors.Is(err, complaint.ErrUnknownKey) {
		t.Errorf("Verify with unknown serial: %v", err)
	}
	if n := m.count("GET", "/v3/certificates"); n != 1 {
		t.Errorf("%d downloads", n)
	}
}

type countingSink struct {
	n      atomic.Int32
	events []*complaint.Event
}

func (s *countingSink) HandleEvent(_ context.Context, e *complaint.Event) error {
	s.n.Add(1)
	s.events = append(s.events, e)
	return nil
}

func serveCallback(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestReceiverWithHandler(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply { return reply{body: mainlandComplaintJSON("C1", "")} })
	c := pubKeyClient(t, m)
	sink := &countingSink{}
	h := complaint.NewHandler(NewReceiver(c), sink, complaint.WithEnrichment(c.Adapter()))

	good := callback{action: "CREATE_COMPLAINT", event: "COMPLAINT.CREATE", complaintID: "C1"}
	for i := 0; i < 2; i++ { // a delivery and its redelivery
		rec := serveCallback(h, good.request(t))
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("delivery %d: %d %q", i, rec.Code, rec.Body.String())
		}
	}
	if sink.n.Load() != 1 {
		t.Fatalf("dispatched %d times, want once", sink.n.Load())
	}
	e := sink.events[0]
	wantRef := complaint.Ref{Provider: complaint.WeChatPay, ID: "C1"}
	if e.Ref != wantRef || e.Complaint == nil || e.Complaint.ID != "C1" || e.Kind != complaint.KindCreated ||
		e.ID != "1f5b9cd1-7205-58fe-827e-ee8b12bc8169" {
		t.Errorf("event %+v", e)
	}

	bad := map[string]struct {
		r      *http.Request
		status int
	}{
		"probe": {callback{action: "USER_RESPONSE", complaintID: "C2", editHdr: func(h http.Header) {
			h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc")
		}}.request(t), 401},
		"stale":     {callback{action: "USER_RESPONSE", complaintID: "C2", ts: nowUnix() - 600}.request(t), 401},
		"malformed": {callback{action: "USER_RESPONSE", complaintID: "C2", editEnv: func(n *Notification) { n.Resource.Nonce = "x" }}.request(t), 400},
		"oversize": {func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(make([]byte, complaint.DefaultMaxBodyBytes+10)))
			return r
		}(), 413},
		"garbage": {httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader("{{{")), 401},
	}
	for name, tc := range bad {
		rec := serveCallback(h, tc.r)
		var ack struct{ Code, Message string }
		if rec.Code != tc.status || json.Unmarshal(rec.Body.Bytes(), &ack) != nil || ack.Code != "FAIL" || ack.Message == "" {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "WECHATPAY") || strings.Contains(rec.Body.String(), "serial") {
			t.Errorf("%s: ack leaks detail: %s", name, rec.Body.String())
		}
	}
	if sink.n.Load() != 1 {
		t.Errorf("bad callbacks dispatched: %d", sink.n.Load())
	}

	// A verified non-complaint event (security echo) is acknowledged, not dispatched.
	echo := callback{event: "SECURITY_ECHO.SUCCESS", id: "echo-1"}
	if rec := serveCallback(h, echo.request(t)); rec.Code != 200 {
		t.Errorf("echo: %d", rec.Code)
	}
	if sink.n.Load() != 1 {
		t.Error("echo dispatched")
	}
}

func TestAckShape(t *testing.T) {
	r := NewReceiver(nil)
	if a := r.Ack(nil); a.Status != 200 || len(a.Body) != 0 {
		t.Errorf("success ack %+v", a)
	}
	if _, err := r.Receive(context.Background(), &complaint.Delivery{}); !errors.Is(err, complaint.ErrInternal) {
		t.Errorf("nil client: %v", err)
	}
	a := r.Ack(errors.New("secret details 18612345678"))
	if a.Status != 500 || strings.Contains(string(a.Body), "1861") || a.ContentType != "application/json" {
		t.Errorf("failure ack %+v", a)
	}
	if r.Provider() != complaint.WeChatPay {
		t.Error("provider")
	}
	// A redelivery while the first delivery is in flight is told to come
	// back later: 503, which WeChat retries.
	a = r.Ack(fmt.Errorf("handler: %w", complaint.ErrInFlight))
	var ack struct{ Code, Message string }
	if a.Status != http.StatusServiceUnavailable || json.Unmarshal(a.Body, &ack) != nil || ack.Code != "FAIL" || ack.Message == "" {
		t.Errorf("in-flight ack %d %s", a.Status, a.Body)
	}
}

func TestParseNotificationOversize(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(make([]byte, MaxNotificationBytes+1)))
	if _, err := c.ParseNotification(r); !errors.Is(err, complaint.ErrBodyTooLarge) {
		t.Errorf("oversize: %v", err)
	}
}
