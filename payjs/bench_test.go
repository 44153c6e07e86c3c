package payjs_test

import (
	"context"
	"crypto/md5"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
)

var benchSink string

func benchComplaintBody() []byte {
	items := make([]any, 0, 10)
	for i := range 10 {
		items = append(items, phpArr{{"complaint_at", "2024-11-11 10:00:00"}, {"out_trade_no", "A 1"},
			{"complaint_id", "C" + string(rune('0'+i))}, {"order_id", orderID}, {"total_fee", int64(1000000)},
			{"body", "没有 收到货"}})
	}
	return []byte(signedBody(phpArr{{"return_code", int64(1)}, {"return_msg", "SUCCESS"}, {"complaints", list(items...)}}))
}

// BenchmarkSign signs a typical request (check) from prepared Params.
func BenchmarkSign(b *testing.B) {
	s := payjs.NewSigner(signing.NewSecret(testKey))
	params := []signing.Param{{Key: "mchid", Value: testMchID}, {Key: "payjs_order_id", Value: orderID}}
	b.ReportAllocs()
	for b.Loop() {
		benchSink = s.Sign(params)
	}
}

// BenchmarkSignValues signs form values, as the client does.
func BenchmarkSignValues(b *testing.B) {
	s := payjs.NewSigner(signing.NewSecret(testKey))
	v := url.Values{"mchid": {testMchID}, "payjs_order_id": {orderID}}
	b.ReportAllocs()
	for b.Loop() {
		benchSink = s.SignValues(v)
	}
}

// BenchmarkVerifyCheckResponse verifies a signed check answer.
func BenchmarkVerifyCheckResponse(b *testing.B) {
	s := payjs.NewSigner(signing.NewSecret(testKey))
	body := []byte(signedBody(checkData(1, 1000000)))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.VerifyJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyComplaintResponse verifies a complaint answer of 10 nested
// records.
func BenchmarkVerifyComplaintResponse(b *testing.B) {
	s := payjs.NewSigner(signing.NewSecret(testKey))
	body := benchComplaintBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.VerifyJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalCheckResponse is the floor of BenchmarkVerifyCheckResponse:
// a plain json.Unmarshal of the same body into map[string]any, which neither
// keeps the order nor verifies anything.
func BenchmarkUnmarshalCheckResponse(b *testing.B) {
	benchUnmarshal(b, []byte(signedBody(checkData(1, 1000000))))
}

// BenchmarkUnmarshalComplaintResponse is the floor of
// BenchmarkVerifyComplaintResponse.
func BenchmarkUnmarshalComplaintResponse(b *testing.B) { benchUnmarshal(b, benchComplaintBody()) }

func benchUnmarshal(b *testing.B, body []byte) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMD5Prebuilt is the floor of hashing alone: md5.Sum of the already
// built string of the complaint answer, no parsing.
func BenchmarkMD5Prebuilt(b *testing.B) {
	params, err := payjs.FlattenJSON(benchComplaintBody())
	if err != nil {
		b.Fatal(err)
	}
	str := []byte(payjs.PHPQuery(params) + "&key=" + testKey)
	b.SetBytes(int64(len(str)))
	b.ReportAllocs()
	for b.Loop() {
		sum := md5.Sum(str)
		benchSink = string(sum[:1])
	}
}

// BenchmarkMD5PrebuiltCheck is md5.Sum of the check answer's prebuilt string.
func BenchmarkMD5PrebuiltCheck(b *testing.B) {
	params, _ := payjs.FlattenJSON([]byte(signedBody(checkData(1, 1000000))))
	str := []byte(payjs.PHPQuery(params) + "&key=" + testKey)
	b.ReportAllocs()
	for b.Loop() {
		sum := md5.Sum(str)
		benchSink = string(sum[:1])
	}
}

// benchNotification is a signed payment notification body.
func benchNotification(b *testing.B) (*payjs.Client, []byte) {
	c, err := payjs.NewClient(testCreds())
	if err != nil {
		b.Fatal(err)
	}
	v := url.Values{"return_code": {"1"}, "total_fee": {"1000000"}, "out_trade_no": {"T 100"},
		"payjs_order_id": {orderID}, "transaction_id": {"4200000001"}, "time_end": {"2024-11-11 10:00:00"},
		"openid": {"o7LFAwUGXqD2dL0dIMA7ahlrE9Vs"}, "attach": {"中文 附言"}, "mchid": {testMchID}}
	v.Set("sign", payjs.NewSigner(signing.NewSecret(testKey)).SignValues(v))
	return c, []byte(v.Encode())
}

// BenchmarkVerifyNotification verifies a payment notification, the callback
// path of PAYJS.
func BenchmarkVerifyNotification(b *testing.B) {
	c, body := benchNotification(b)
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Verify(ctx, nil, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseNotificationForm is the floor of BenchmarkVerifyNotification:
// url.ParseQuery of the same body, no signature.
func BenchmarkParseNotificationForm(b *testing.B) {
	_, body := benchNotification(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := url.ParseQuery(string(body)); err != nil {
			b.Fatal(err)
		}
	}
}
