package wechatpaytest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/wechatpay"
)

func TestRateLimit(t *testing.T) {
	s, _ := fixedServer(t, WithRateLimit(2))
	tc := newTClient(s)
	const p = "/v3/merchant-service/complaint-notifications"
	for i := 0; i < 2; i++ {
		if r := tc.do(t, http.MethodGet, p, nil); r.status != 404 {
			t.Fatalf("call %d: %d", i, r.status)
		}
	}
	r := tc.do(t, http.MethodGet, p, nil)
	if r.status != http.StatusTooManyRequests || r.errCode(t) != "FREQUENCY_LIMITED" {
		t.Fatalf("third call: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	s.SetRateLimit(-1)
	if r := tc.do(t, http.MethodGet, p, nil); r.status != 404 {
		t.Errorf("after lifting the limit: %d", r.status)
	}
	s.SetRateLimit(0)
	if r := tc.do(t, http.MethodGet, p, nil); r.status != 429 {
		t.Errorf("limit 0: %d", r.status)
	}
}

func TestFaults(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	c := s.AddComplaint(s.SampleComplaint(1))
	detail := mainlandList + "/" + c.ComplaintID
	keys := s.VerificationKeys()

	s.InjectFault(FaultTamperedBody)
	r := tc.do(t, http.MethodGet, detail, nil)
	if r.status != 200 || verifyWith(keys, r.header, r.body, now) == nil {
		t.Errorf("tampered body verified (%d)", r.status)
	}

	s.InjectFault(FaultStaleTimestamp)
	r = tc.do(t, http.MethodGet, detail, nil)
	ts, _ := strconv.ParseInt(r.header.Get("Wechatpay-Timestamp"), 10, 64)
	if d := now.Sub(time.Unix(ts, 0)); d != 10*time.Minute {
		t.Errorf("stale timestamp is %v old", d)
	}
	if err := verifyWith(keys, r.header, r.body, time.Unix(ts, 0)); err != nil {
		t.Errorf("stale response not honestly signed: %v", err)
	}
	if verifyWith(keys, r.header, r.body, now) == nil {
		t.Error("stale response accepted now")
	}

	s.InjectFault(FaultFutureTimestamp)
	r = tc.do(t, http.MethodGet, detail, nil)
	if verifyWith(keys, r.header, r.body, now) == nil {
		t.Error("future response accepted")
	}

	s.InjectFault(FaultProbeSignature)
	r = tc.do(t, http.MethodGet, detail, nil)
	if !strings.HasPrefix(r.header.Get("Wechatpay-Signature"), "WECHATPAY/SIGNTEST/") {
		t.Errorf("probe signature %q", r.header.Get("Wechatpay-Signature"))
	}

	s.InjectFault(FaultUnknownSerial)
	r = tc.do(t, http.MethodGet, detail, nil)
	if _, ok := keys[r.header.Get("Wechatpay-Serial")]; ok || !serialRE.MatchString(r.header.Get("Wechatpay-Serial")) {
		t.Errorf("unknown-serial fault used %q", r.header.Get("Wechatpay-Serial"))
	}

	s.InjectFault(FaultUnsigned)
	r = tc.do(t, http.MethodGet, detail, nil)
	if r.header.Get("Wechatpay-Signature") != "" || r.header.Get("Request-ID") == "" {
		t.Error("unsigned fault still signed")
	}

	// Each fault is used once: the next response is clean again.
	r = tc.do(t, http.MethodGet, detail, nil)
	mustVerify(t, s, r)

	// A 500 runs nothing.
	s.InjectFault(FaultServerError)
	r = tc.do(t, http.MethodPost, detail+"/response", wechatpay.ReplyRequest{ComplaintedMchID: s.MchID(), ResponseContent: "您好"})
	if r.status != 500 || r.errCode(t) != "SYSTEM_ERROR" {
		t.Fatalf("server error: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	if got, _ := s.Complaint(c.ComplaintID); got.ComplaintState != wechatpay.StatePending || len(s.History(c.ComplaintID)) != 1 {
		t.Error("a 500 changed state")
	}

	// Path-scoped faults wait for their path.
	s.InjectFault(FaultServerError, "/v3/merchant-service/complaint-notifications")
	if r := tc.do(t, http.MethodGet, detail, nil); r.status != 200 {
		t.Errorf("scoped fault hit another path: %d", r.status)
	}
	if r := tc.do(t, http.MethodGet, "/v3/merchant-service/complaint-notifications", nil); r.status != 500 {
		t.Errorf("scoped fault missed: %d", r.status)
	}
	// Signature faults skip the unsigned download.
	m := s.AddComplaint(s.SampleComplaint(0))
	s.InjectFault(FaultTamperedBody)
	if r := tc.do(t, http.MethodGet, strings.TrimPrefix(m.ComplaintMediaList[0].MediaURL[0], s.URL), nil); r.status != 200 || string(r.body) != string(SamplePNG()) {
		t.Error("tamper fault applied to an image")
	}
	r = tc.do(t, http.MethodGet, detail, nil)
	if verifyWith(keys, r.header, r.body, now) == nil {
		t.Error("tamper fault lost")
	}
	// Tampering a 204 still breaks the signature.
	s.InjectFault(FaultTamperedBody)
	r = tc.do(t, http.MethodPost, detail+"/complete", wechatpay.CompleteRequest{ComplaintedMchID: s.MchID()})
	if r.status != 204 || verifyWith(keys, r.header, r.body, now) == nil {
		t.Error("tampered 204 verified")
	}
}
