package changxiang

import (
	"crypto/md5"
	"encoding/json"
	"net/url"
	"testing"
)

var benchSum [md5.Size]byte

// BenchmarkVerify verifies the published example (signed with the test
// secret under the default rule) through Client.Verify: decoding the
// envelope in order with raw values, building the parameter string, MD5,
// the constant-time comparison, and typing the fields.
func BenchmarkVerify(b *testing.B) {
	c := newTestClient(b, RuleSortedKey)
	body := seedWithSign(b, seedSignSortedKey)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Verify(ctx, nil, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMD5Floor is the floor of BenchmarkVerify: a bare MD5 of the
// string the default rule builds for the same notification, prebuilt.
func BenchmarkMD5Floor(b *testing.B) {
	s := []byte("buyer_mobile=18612045566&complaint_at=2025-11-15 14:30:00&complaint_type=1&complaint_type_text=添加投诉" +
		"&merchant_order_no=M202411150001&order_no=cxka251115066acn&zfb_complaint_no=ZFB20241115001&key=" + testSecret)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		benchSum = md5.Sum(s)
	}
}

// BenchmarkUnmarshalFloor is a second floor: a plain json.Unmarshal of the
// same body into map[string]any, which neither keeps the order nor the raw
// values nor verifies anything.
func BenchmarkUnmarshalFloor(b *testing.B) {
	body := seedWithSign(b, seedSignSortedKey)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPayment verifies a v3 payment callback.
func BenchmarkVerifyPayment(b *testing.B) {
	c := newTestClient(b, DefaultRule)
	body := []byte(paymentForm().Encode())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.VerifyPayment(ctx, nil, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseQueryFloor is BenchmarkVerifyPayment's floor: url.ParseQuery
// of the same body.
func BenchmarkParseQueryFloor(b *testing.B) {
	body := paymentForm().Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := url.ParseQuery(body); err != nil {
			b.Fatal(err)
		}
	}
}
