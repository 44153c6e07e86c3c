package wechatpaytest

import (
	"crypto"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/tousu-go/tousu/signing"
)

// BenchmarkSignedList measures one authenticated list call through the
// handler: request verification, a 50-item page, response signing.
func BenchmarkSignedList(b *testing.B) {
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	s := newServer(WithClock(func() time.Time { return now }))
	s.URL = "http://wechatpay.test"
	for i := 0; i < 50; i++ {
		s.AddComplaint(s.SampleComplaint(i % 7))
	}
	target := "/v3/merchant-service/complaints-v2?begin_date=2025-06-01&end_date=2025-06-30&limit=50"
	ts := strconv.FormatInt(now.Unix(), 10)
	sig, err := signing.SignRSABase64(s.MerchantPrivateKey(), crypto.SHA256, signMessage("GET", target, ts, "bench", nil))
	if err != nil {
		b.Fatal(err)
	}
	auth := AuthScheme + ` mchid="` + s.MchID() + `",nonce_str="bench",timestamp="` + ts + `",serial_no="` + s.MerchantSerial() + `",signature="` + sig + `"`
	h := s.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
		s.ResetRequests()
	}
}

// BenchmarkBuildNotification measures building one signed, encrypted callback.
func BenchmarkBuildNotification(b *testing.B) {
	s := newServer()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.buildNotification("200201820250101080076610000", "USER_RESPONSE", nil); err != nil {
			b.Fatal(err)
		}
	}
}
