package payjs_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
)

const (
	testMchID = "1230000109"
	testKey   = "mock-key-测试 1"
	orderID   = "2019101503054900456615858"
)

// signedBody is the JSON PHP would send for data, signed by the reference.
func signedBody(data phpArr) string {
	return phpJSON(append(data[:len(data):len(data)], phpKV{"sign", phpSign(data, testKey)}))
}

// testCreds are the credentials the tests' reference signs for.
func testCreds() payjs.Credentials {
	return payjs.Credentials{MchID: testMchID, Key: signing.NewSecret(testKey)}
}

// mockClient returns a client on a fresh mock transport.
func mockClient(t *testing.T, opts ...option.Option) (*payjs.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]option.Option{option.WithTransport(mt), option.WithRetry(option.Retry{})}, opts...)
	c, err := payjs.NewClient(testCreds(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// formResponder checks the request is a correctly signed form holding exactly
// want (plus mchid and sign), and answers body.
func formResponder(t *testing.T, want url.Values, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			t.Errorf("content type %q", ct)
		}
		b, _ := io.ReadAll(r.Body)
		got, err := url.ParseQuery(string(b))
		if err != nil {
			t.Errorf("form: %v", err)
		}
		ref := phpArr{}
		for k := range got {
			if k != "sign" {
				ref = append(ref, phpKV{k, got.Get(k)})
			}
		}
		if s := got.Get("sign"); s != phpSign(ref, testKey) {
			t.Errorf("request sign %s, reference %s", s, phpSign(ref, testKey))
		}
		if got.Get("mchid") != testMchID {
			t.Errorf("mchid %q", got.Get("mchid"))
		}
		got.Del("sign")
		got.Del("mchid")
		if len(got) != len(want) {
			t.Errorf("sent %v, want %v", got, want)
		}
		for k := range want {
			if got.Get(k) != want.Get(k) {
				t.Errorf("%s = %q, want %q", k, got.Get(k), want.Get(k))
			}
		}
		return httpmock.NewStringResponse(200, body), nil
	}
}

func checkData(status int64, fee int64) phpArr {
	return phpArr{{"return_code", int64(1)}, {"mchid", testMchID}, {"out_trade_no", "T 100"},
		{"payjs_order_id", orderID}, {"transaction_id", "4200000001"}, {"status", status}, {"openid", ""},
		{"total_fee", fee}, {"paid_time", "2024-11-11 10:00:00"}, {"attach", "备注 一"}}
}

func TestNewClientValidates(t *testing.T) {
	for _, tc := range []struct {
		creds payjs.Credentials
		field string
	}{
		{payjs.Credentials{Key: signing.NewSecret("k")}, "MchID"},
		{payjs.Credentials{MchID: " ", Key: signing.NewSecret("k")}, "MchID"},
		{payjs.Credentials{MchID: "1"}, "Key"},
		{payjs.Credentials{MchID: "1", Key: signing.NewSecret([]byte{})}, "Key"},
	} {
		_, err := payjs.NewClient(tc.creds)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field || !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%+v: %v, want a ValidationError for %s", tc.creds, err, tc.field)
		}
	}
	// A string key and the same key as bytes are one key.
	for _, key := range []signing.Secret{signing.NewSecret("secret-key"), signing.NewSecret([]byte("secret-key"))} {
		c, err := payjs.NewClient(payjs.Credentials{MchID: "1", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Signer().Sign(nil), md5Upper("&key=secret-key"); got != want {
			t.Fatalf("sign %s, want %s", got, want)
		}
		creds := payjs.Credentials{MchID: "1", Key: key}
		for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, creds, creds)} {
			if strings.Contains(s, "secret-key") || !strings.Contains(s, signing.Redacted) {
				t.Fatalf("key printed or not redacted: %s", s)
			}
		}
	}
	// Shared options are checked by package option; their errors reach the caller.
	if _, err := payjs.NewClient(testCreds(), option.WithBaseURL("payjs.cn/api/")); err == nil {
		t.Fatal("a relative base url was accepted")
	}
}

func TestCheck(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"check",
		formResponder(t, url.Values{"payjs_order_id": {orderID}}, signedBody(checkData(1, 1000000))))
	r, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 11, 11, 10, 0, 0, 0, cntime.Zone)
	if r.TotalFee != 1000000 || r.Status != payjs.StatusPaid || r.Attach != "备注 一" || !r.PaidTime.Equal(want) ||
		r.OutTradeNo != "T 100" || r.ReturnCode != 1 || r.MchID != testMchID || len(r.Raw) != 11 {
		t.Fatalf("%+v", r)
	}
}

// An unpaid order: status 0 and the empty fields are not signed by PHP.
func TestCheckUnpaidZeroValues(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"check",
		formResponder(t, url.Values{"payjs_order_id": {orderID}}, signedBody(checkData(0, 123456789))))
	r, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != payjs.StatusUnpaid || r.TotalFee != 123456789 {
		t.Fatalf("%+v", r)
	}
}

func TestTamperedResponses(t *testing.T) {
	good := signedBody(checkData(1, 1000000))
	for name, body := range map[string]string{
		"amount":        strings.Replace(good, "1000000", "1000001", 1),
		"sign":          strings.Replace(good, `"sign":"`, `"sign":"0`, 1)[:len(good)-2] + `"}`,
		"added field":   strings.Replace(good, `{`, `{"refund":"1",`, 1),
		"added zero ok": "",
	} {
		if body == "" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder("POST", payjs.Production+"check", httpmock.NewStringResponder(200, body))
			_, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
			if !errors.Is(err, complaint.ErrSignatureInvalid) {
				t.Fatalf("%v", err)
			}
		})
	}
	// A falsy field added by a proxy is not signed by PHP either: still valid.
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"check",
		httpmock.NewStringResponder(200, strings.Replace(good, `{`, `{"extra":"","zero":0,`, 1)))
	if _, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID}); err != nil {
		t.Fatalf("falsy extra fields: %v", err)
	}
}

func TestReturnCodeZero(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"check",
		httpmock.NewStringResponder(200, `{"return_code":0,"return_msg":"查询失败","msg":"订单不存在"}`))
	_, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
	var apiErr *payjs.APIError
	if !errors.As(err, &apiErr) || apiErr.ReturnMsg != "查询失败" || apiErr.Msg != "订单不存在" || apiErr.ReturnCode != "0" {
		t.Fatalf("%v", err)
	}
	if !errors.Is(err, complaint.ErrNotFound) || errors.Is(err, complaint.ErrRateLimited) {
		t.Fatalf("mapping: %v", err)
	}
	if !strings.Contains(err.Error(), "查询失败") {
		t.Fatal(err.Error())
	}
}

func TestAPIErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		e    payjs.APIError
		want error
	}{
		{payjs.APIError{HTTPStatus: 200, ReturnMsg: "接口请求频率过快"}, complaint.ErrRateLimited},
		{payjs.APIError{HTTPStatus: 429}, complaint.ErrRateLimited},
		{payjs.APIError{HTTPStatus: 200, ReturnMsg: "签名错误"}, complaint.ErrUnauthorized},
		{payjs.APIError{HTTPStatus: 200, ReturnMsg: "商户号不存在"}, complaint.ErrUnauthorized},
		{payjs.APIError{HTTPStatus: 200, ReturnMsg: "订单不存在"}, complaint.ErrNotFound},
		{payjs.APIError{HTTPStatus: 200, ReturnMsg: "Sign Error"}, complaint.ErrUnauthorized},
		{payjs.APIError{HTTPStatus: 200, ReturnMsg: "请求过于频繁"}, complaint.ErrRateLimited},
		{payjs.APIError{HTTPStatus: 401}, complaint.ErrUnauthorized},
		{payjs.APIError{HTTPStatus: 403}, complaint.ErrUnauthorized},
		{payjs.APIError{HTTPStatus: 404}, complaint.ErrNotFound},
	} {
		if !errors.Is(&tc.e, tc.want) {
			t.Errorf("%v does not match %v", &tc.e, tc.want)
		}
	}
	plain := &payjs.APIError{HTTPStatus: 200, ReturnMsg: "退款失败"}
	for _, s := range []error{complaint.ErrRateLimited, complaint.ErrUnauthorized, complaint.ErrNotFound} {
		if errors.Is(plain, s) {
			t.Errorf("plain error matches %v", s)
		}
	}
	if errors.Is(&payjs.APIError{HTTPStatus: 500}, complaint.ErrNotFound) || errors.Is(&payjs.APIError{HTTPStatus: 500}, complaint.ErrRateLimited) {
		t.Error("a 500 matches a sentinel")
	}
	if errors.Is(&payjs.APIError{HTTPStatus: 200, ReturnMsg: "商户号不存在"}, complaint.ErrNotFound) {
		t.Error("unknown merchant is not a missing order")
	}
}

func TestHTTPErrorNotRetriedForWrites(t *testing.T) {
	mt := httpmock.NewMockTransport()
	c, err := payjs.NewClient(testCreds(), option.WithTransport(mt), option.WithRetry(option.Retry{MaxRetries: 2}))
	if err != nil {
		t.Fatal(err)
	}
	var refunds, checks atomic.Int32
	mt.RegisterResponder("POST", payjs.Production+"refund", func(*http.Request) (*http.Response, error) {
		refunds.Add(1)
		return httpmock.NewStringResponse(502, "bad gateway"), nil
	})
	mt.RegisterResponder("POST", payjs.Production+"check", func(*http.Request) (*http.Response, error) {
		checks.Add(1)
		return httpmock.NewStringResponse(502, "bad gateway"), nil
	})
	_, err = c.Refund(context.Background(), &payjs.RefundRequest{PayJSOrderID: orderID})
	var apiErr *payjs.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 502 {
		t.Fatalf("%v", err)
	}
	if refunds.Load() != 1 {
		t.Fatalf("refund attempted %d times", refunds.Load())
	}
	_, _ = c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
	if checks.Load() != 3 {
		t.Fatalf("check attempted %d times, want 3", checks.Load())
	}
}

func TestRefund(t *testing.T) {
	c, mt := mockClient(t)
	data := phpArr{{"return_code", int64(1)}, {"return_msg", "退款成功"}, {"payjs_order_id", orderID},
		{"out_trade_no", "T 100"}, {"transaction_id", "4200000001"}}
	mt.RegisterResponder("POST", payjs.Production+"refund",
		formResponder(t, url.Values{"payjs_order_id": {orderID}}, signedBody(data)))
	r, err := c.Refund(context.Background(), &payjs.RefundRequest{PayJSOrderID: orderID})
	if err != nil {
		t.Fatal(err)
	}
	if r.AlreadyRefunded || r.Unsigned || r.Check != nil || r.OutTradeNo != "T 100" || r.ReturnMsg != "退款成功" {
		t.Fatalf("%+v", r)
	}
}

func TestRefundRepeatUnsigned(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"refund",
		httpmock.NewStringResponder(200, `{"return_code":1,"return_msg":"订单已退款","payjs_order_id":"`+orderID+`"}`))
	mt.RegisterResponder("POST", payjs.Production+"check",
		formResponder(t, url.Values{"payjs_order_id": {orderID}}, signedBody(checkData(1, 500))))
	r, err := c.Refund(context.Background(), &payjs.RefundRequest{PayJSOrderID: orderID})
	if err != nil {
		t.Fatal(err)
	}
	if !r.AlreadyRefunded || !r.Unsigned || r.Check == nil || r.Check.TotalFee != 500 || r.OutTradeNo != "T 100" {
		t.Fatalf("%+v", r)
	}
	if mt.GetCallCountInfo()["POST "+payjs.Production+"check"] != 1 {
		t.Fatal("no confirming check")
	}

	// The confirming check fails: the error says both.
	c2, mt2 := mockClient(t)
	mt2.RegisterResponder("POST", payjs.Production+"refund",
		httpmock.NewStringResponder(200, `{"return_code":1,"return_msg":"订单已退款"}`))
	mt2.RegisterResponder("POST", payjs.Production+"check",
		httpmock.NewStringResponder(200, `{"return_code":0,"return_msg":"订单不存在"}`))
	_, err = c2.Refund(context.Background(), &payjs.RefundRequest{PayJSOrderID: orderID})
	if !errors.Is(err, payjs.ErrUnsigned) || !errors.Is(err, complaint.ErrNotFound) {
		t.Fatalf("%v", err)
	}
	// Unsigned success elsewhere is ErrUnsigned, not tampering.
	mt2.RegisterResponder("POST", payjs.Production+"close", httpmock.NewStringResponder(200, `{"return_code":1}`))
	_, err = c2.CloseOrder(context.Background(), &payjs.CloseRequest{PayJSOrderID: orderID})
	if !errors.Is(err, payjs.ErrUnsigned) || errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatalf("%v", err)
	}
}

func TestCloseAndReverse(t *testing.T) {
	c, mt := mockClient(t)
	for _, ep := range []string{"close", "reverse"} {
		data := phpArr{{"return_code", int64(1)}, {"return_msg", ep + " ok"}, {"payjs_order_id", orderID}}
		mt.RegisterResponder("POST", payjs.Production+ep, formResponder(t, url.Values{"payjs_order_id": {orderID}}, signedBody(data)))
	}
	cr, err := c.CloseOrder(context.Background(), &payjs.CloseRequest{PayJSOrderID: orderID})
	if err != nil || cr.PayJSOrderID != orderID || cr.ReturnMsg != "close ok" {
		t.Fatalf("%+v %v", cr, err)
	}
	rr, err := c.Reverse(context.Background(), &payjs.ReverseRequest{PayJSOrderID: orderID})
	if err != nil || rr.PayJSOrderID != orderID || rr.ReturnCode != 1 {
		t.Fatalf("%+v %v", rr, err)
	}
	if _, err := c.CloseOrder(context.Background(), &payjs.CloseRequest{}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatal(err)
	}
	if _, err := c.Reverse(context.Background(), nil); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatal(err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Fatalf("%d calls", n)
	}
}

var complaintItems = list(
	phpArr{{"complaint_at", "2024-11-11 10:00:00"}, {"out_trade_no", "A 1"}, {"complaint_id", "C1"},
		{"order_id", orderID}, {"total_fee", int64(1000000)}, {"body", ""}, {"future_field", "新字段"}},
	phpArr{{"complaint_at", "2024-11-12 09:30:00"}, {"out_trade_no", "B2"}, {"order_id", "O2"},
		{"total_fee", int64(250)}, {"body", "没有 收到货"}},
)

func TestComplaintsShapes(t *testing.T) {
	asObject := phpArr{{"1", complaintItems[0].v}, {"0", complaintItems[1].v}} // received order kept
	for _, tc := range []struct {
		name  string
		value any
		ids   []string
	}{
		{"list", complaintItems, []string{"C1", "O2@2024-11-12 09:30:00"}},
		{"index object", asObject, []string{"C1", "O2@2024-11-12 09:30:00"}}, // received, not index, order
		{"json string", phpJSON(complaintItems), []string{"C1", "O2@2024-11-12 09:30:00"}},
		{"empty string", "", nil},
		{"null", nil, nil},
		{"empty list", phpArr{}, nil},
		{"false", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mockClient(t)
			data := phpArr{{"return_code", int64(1)}, {"return_msg", "SUCCESS"}, {"complaints", tc.value}}
			mt.RegisterResponder("POST", payjs.Production+"complaint", formResponder(t, url.Values{}, signedBody(data)))
			r, err := c.Complaints(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for i := range r.Complaints {
				ids = append(ids, r.Complaints[i].ID())
			}
			if strings.Join(ids, ",") != strings.Join(tc.ids, ",") {
				t.Fatalf("ids %q want %q", ids, tc.ids)
			}
			for _, rec := range r.Complaints {
				if rec.ComplaintID == "C1" {
					if rec.TotalFee != 1000000 || string(rec.Raw["future_field"]) != `"新字段"` || rec.Body != "" ||
						rec.OrderID != orderID || rec.ComplaintAt.IsZero() {
						t.Fatalf("%+v", rec)
					}
				}
			}
		})
	}
	// Not a list: a decoding error, not a panic or an empty list.
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"complaint", httpmock.NewStringResponder(200,
		signedBody(phpArr{{"return_code", int64(1)}, {"complaints", "not a list"}})))
	if _, err := c.Complaints(context.Background(), nil); !errors.Is(err, payjs.ErrMalformed) {
		t.Fatal(err)
	}
}

func TestComplaintsRateLimitedByPAYJS(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", payjs.Production+"complaint",
		httpmock.NewStringResponder(200, `{"return_code":0,"return_msg":"请求过于频繁"}`))
	_, err := c.Complaints(context.Background(), nil)
	if !errors.Is(err, complaint.ErrRateLimited) {
		t.Fatal(err)
	}
}

func TestJSONBodyMode(t *testing.T) {
	c, mt := mockClient(t, payjs.WithJSONBody(), option.WithBaseURL("https://example.test/api/"))
	mt.RegisterResponder("POST", "https://example.test/api/check", func(r *http.Request) (*http.Response, error) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("content type %q", ct)
		}
		var m map[string]string
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Error(err)
		}
		if m["sign"] != phpSign(phpArr{{"mchid", testMchID}, {"payjs_order_id", orderID}}, testKey) {
			t.Errorf("sign %q", m["sign"])
		}
		return httpmock.NewStringResponse(200, signedBody(checkData(1, 1))), nil
	})
	if _, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID}); err != nil {
		t.Fatal(err)
	}
}

func TestCallDropsEmptyAndZero(t *testing.T) {
	c, mt := mockClient(t)
	data := phpArr{{"return_code", int64(1)}, {"return_msg", "ok"}, {"qrcode", "https://x/q?a=1&b= 2"}, {"total_fee", int64(1000000)}}
	mt.RegisterResponder("POST", payjs.Production+"native",
		formResponder(t, url.Values{"total_fee": {"1000000"}, "body": {"测试 订单"}}, signedBody(data)))
	r, err := c.Call(context.Background(), "native", url.Values{
		"total_fee": {"1000000"}, "body": {"测试 订单"}, "attach": {""}, "hide": {"0"}, "auto": {}, "sign": {"x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Fields["total_fee"]) != "1000000" {
		t.Fatal(string(r.Body))
	}
	if _, err := c.Call(context.Background(), "../x", nil); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatal(err)
	}
}

func TestMalformedResponses(t *testing.T) {
	for _, body := range []string{`not json`, `[]`, `{"return_msg":"no code"}`, `{"return_code":1,"a":1,"a":2,"sign":"X"}`} {
		c, mt := mockClient(t)
		mt.RegisterResponder("POST", payjs.Production+"close", httpmock.NewStringResponder(200, body))
		_, err := c.CloseOrder(context.Background(), &payjs.CloseRequest{PayJSOrderID: orderID})
		if !errors.Is(err, payjs.ErrMalformed) {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// A signature never appears in an error message.
func TestErrorsCarryNoSecrets(t *testing.T) {
	c, mt := mockClient(t)
	body := strings.Replace(signedBody(checkData(1, 1)), `"total_fee":1`, `"total_fee":2`, 1)
	mt.RegisterResponder("POST", payjs.Production+"check", httpmock.NewStringResponder(200, body))
	_, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
	if !errors.Is(err, signing.ErrSignatureInvalid) || strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), phpSign(checkData(1, 1), testKey)) {
		t.Fatalf("%v", err)
	}
}

// A check answer signed without PHP's empty-value filter (status=0 and openid=
// signed too) fails by default and verifies WithLenientVerification.
func TestLenientVerification(t *testing.T) {
	data := checkData(0, 100)
	var sb strings.Builder
	keys := make([]string, 0, len(data))
	vals := map[string]string{}
	for _, kv := range data {
		keys = append(keys, kv.k)
		vals[kv.k] = fmt.Sprint(kv.v)
	}
	slices.Sort(keys)
	for _, k := range keys {
		sb.WriteString(k + "=" + vals[k] + "&")
	}
	sum := md5.Sum([]byte(sb.String() + "key=" + testKey))
	body := phpJSON(append(data[:len(data):len(data)], phpKV{"sign", strings.ToUpper(hex.EncodeToString(sum[:]))}))

	for _, lenient := range []bool{false, true} {
		var opts []option.Option
		if lenient {
			opts = append(opts, payjs.WithLenientVerification())
		}
		c, mt := mockClient(t, opts...)
		mt.RegisterResponder("POST", payjs.Production+"check", httpmock.NewStringResponder(200, body))
		_, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: orderID})
		if lenient && err != nil {
			t.Fatalf("lenient client rejected the no-filter signature: %v", err)
		}
		if !lenient && !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Fatalf("strict client accepted the no-filter signature: %v", err)
		}
	}
}

// TestNilContext: every exported call taking a context answers a nil one with
// complaint.CheckContext's error, sends nothing and does not panic.
func TestNilContext(t *testing.T) {
	c, mt := mockClient(t)
	var nilCtx context.Context
	a := c.Adapter(payjs.WithPollInterval(0))
	ref := complaint.Ref{Provider: complaint.PAYJS, ID: "C1", OrderID: orderID}
	firstErr := func(errs []error) error {
		if len(errs) != 1 {
			return fmt.Errorf("%d errors: %v", len(errs), errs)
		}
		return errs[0]
	}
	for what, call := range map[string]func() error{
		"Check":      func() error { _, err := c.Check(nilCtx, &payjs.CheckRequest{PayJSOrderID: orderID}); return err },
		"Refund":     func() error { _, err := c.Refund(nilCtx, &payjs.RefundRequest{PayJSOrderID: orderID}); return err },
		"CloseOrder": func() error { _, err := c.CloseOrder(nilCtx, &payjs.CloseRequest{PayJSOrderID: orderID}); return err },
		"Reverse":    func() error { _, err := c.Reverse(nilCtx, &payjs.ReverseRequest{PayJSOrderID: orderID}); return err },
		"Complaints": func() error { _, err := c.Complaints(nilCtx, nil); return err },
		"Call":       func() error { _, err := c.Call(nilCtx, "check", nil); return err },
		"Verify":     func() error { _, err := c.Verify(nilCtx, nil, []byte("a=1")); return err },
		"ReceivePayment": func() error {
			_, _, err := payjs.NewReceiver(c).ReceivePayment(nilCtx, &complaint.Delivery{Body: []byte("a=1")})
			return err
		},
		"List":         func() error { return firstErr(seqErrs(a.List(nilCtx, complaint.ListOptions{}))) },
		"Get":          func() error { _, err := a.Get(nilCtx, ref); return err },
		"History":      func() error { return firstErr(seqErrs(a.History(nilCtx, ref))) },
		"Reply":        func() error { return a.Reply(nilCtx, ref, complaint.Reply{Content: "x"}) },
		"Complete":     func() error { return a.Complete(nilCtx, ref, complaint.Completion{}) },
		"DecideRefund": func() error { return a.DecideRefund(nilCtx, ref, complaint.RefundDecision{Approve: true}) },
	} {
		err := call()
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != "ctx" || !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s with a nil context: %v, want complaint.CheckContext's error", what, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}
