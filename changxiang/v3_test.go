package changxiang

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

func mockClient(t *testing.T, opts ...option.Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]option.Option{option.WithTransport(mt)}, opts...)
	c, err := NewClient(Credentials{Secret: secret(), AppKey: "cxtest-app-key"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

var payReq = CreatePayRequest{GoodsID: "G100", GoodsNum: 2, OrderID: "M202411150001", APIDomain: "shop.example.com", IsMobile: true}

func TestCreatePay(t *testing.T) {
	c, mt := mockClient(t)
	// coreutils md5sum of "app_key=cxtest-app-key&api_domain=shop.example.com&goods_id=G100&goods_num=2
	// &order_id=M202411150001&is_mobile=1&key=cx-test-secret".
	const sign = "703e85dd9ccdeade73fbc76071473f15"
	var got url.Values
	mt.RegisterResponder(http.MethodGet, V3BaseURL+"create_pay", func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		got = q
		return httpmock.NewStringResponse(200, `{"code":200,"data":{"pay_url":"https://pay/x","qr_code":"qr","pay_list":[{"id":1,"pay_url":"https://pay/1"},{"id":"wx","pay_url":"https://pay/2"}]}}`), nil
	})
	req := payReq
	req.CallbackURL, req.IPAddress = "https://shop.example.com/cx/pay", "203.0.113.9"
	resp, err := c.CreatePay(ctx, &req)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"app_key": "cxtest-app-key", "goods_id": "G100", "goods_num": "2", "is_mobile": "1",
		"order_id": "M202411150001", "api_domain": "shop.example.com", "sign": sign,
		"callback_url": "https://shop.example.com/cx/pay", "ip_address": "203.0.113.9"}
	for k, v := range want {
		if got[k] == nil || got[k][0] != v {
			t.Errorf("%s = %v, want %s", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("query %v", got)
	}
	if resp.PayURL != "https://pay/x" || resp.QRCode != "qr" || len(resp.PayList) != 2 || resp.PayList[0] != (PayOption{ID: "1", PayURL: "https://pay/1"}) ||
		resp.PayList[1].ID != "wx" || !strings.Contains(string(resp.Body), "pay_list") {
		t.Errorf("resp %+v", resp)
	}
	// Optional fields are left out when empty, and is_mobile=0.
	req = payReq
	req.IsMobile = false
	if _, err := c.CreatePay(ctx, &req); err != nil {
		t.Fatal(err)
	}
	if got["is_mobile"][0] != "0" || got["callback_url"] != nil || got["ip_address"] != nil {
		t.Errorf("query %v", got)
	}
	if got["sign"][0] != md5Hex("app_key=cxtest-app-key&api_domain=shop.example.com&goods_id=G100&goods_num=2&order_id=M202411150001&is_mobile=0&key="+testSecret) {
		t.Error("sign for is_mobile=0")
	}
}

func TestCreatePayErrors(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, V3BaseURL+"create_pay", httpmock.NewStringResponder(200, `{"code":"403","msg":"签名错误"}`))
	_, err := c.CreatePay(ctx, &payReq)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "403" || ae.Msg != "签名错误" || ae.HTTPStatus != 200 || ae.Endpoint != "create_pay" ||
		err.Error() != "changxiang: create_pay: http status 200: code 403: 签名错误" {
		t.Errorf("code 403: %v", err)
	}
	if errors.Is(err, complaint.ErrUnauthorized) {
		t.Error("a code is not mapped")
	}
	// A 5xx is not retried by default: create_pay creates an order.
	mt.RegisterResponder(http.MethodGet, V3BaseURL+"create_pay", httpmock.NewStringResponder(502, `bad gateway`))
	mt.ZeroCallCounters()
	_, err = c.CreatePay(ctx, &payReq)
	if !errors.As(err, &ae) || ae.HTTPStatus != 502 || ae.Code != "" || mt.GetTotalCallCount() != 1 ||
		err.Error() != "changxiang: create_pay: http status 502" {
		t.Errorf("502: %v, %d calls", err, mt.GetTotalCallCount())
	}
	retry := option.DefaultRetry()
	retry.RetryWrites, retry.MinWait, retry.MaxWait = true, 0, 0
	rc, rmt := mockClient(t, option.WithRetry(retry))
	rmt.RegisterResponder(http.MethodGet, V3BaseURL+"create_pay", httpmock.NewStringResponder(502, `bad gateway`))
	if _, err := rc.CreatePay(ctx, &payReq); err == nil || rmt.GetTotalCallCount() != 1+retry.MaxRetries {
		t.Errorf("RetryWrites: %v, %d calls", err, rmt.GetTotalCallCount())
	}
	mt.RegisterResponder(http.MethodGet, V3BaseURL+"create_pay", httpmock.NewStringResponder(200, `not json`))
	if _, err := c.CreatePay(ctx, &payReq); !errors.As(err, &ae) || ae.Code != "" {
		t.Errorf("not json: %v", err)
	}
	mt.RegisterResponder(http.MethodGet, V3BaseURL+"create_pay", httpmock.NewErrorResponder(io.ErrUnexpectedEOF))
	if _, err := c.CreatePay(ctx, &payReq); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("transport: %v", err)
	}
	bad := []struct {
		field string
		edit  func(r *CreatePayRequest)
	}{
		{"goods_id", func(r *CreatePayRequest) { r.GoodsID = "" }},
		{"goods_num", func(r *CreatePayRequest) { r.GoodsNum = 0 }},
		{"order_id", func(r *CreatePayRequest) { r.OrderID = "" }},
		{"api_domain", func(r *CreatePayRequest) { r.APIDomain = "" }},
	}
	for _, b := range bad {
		r := payReq
		b.edit(&r)
		var ve *complaint.ValidationError
		if _, err := c.CreatePay(ctx, &r); !errors.As(err, &ve) || ve.Field != b.field {
			t.Errorf("%s: %v", b.field, err)
		}
	}
	var ve *complaint.ValidationError
	if _, err := c.CreatePay(ctx, nil); !errors.As(err, &ve) || ve.Field != "request" {
		t.Errorf("nil: %v", err)
	}
	noKey, _ := NewClient(Credentials{Secret: secret()})
	if _, err := noKey.CreatePay(ctx, &payReq); !errors.As(err, &ve) || ve.Field != "AppKey" {
		t.Errorf("no app key: %v", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.CreatePay(nil, &payReq); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Errorf("nil ctx: %v", err)
	}
}

func TestCall(t *testing.T) {
	c, mt := mockClient(t)
	var body []byte
	var ctype string
	mt.RegisterResponder(http.MethodPost, "https://open.example.com/api/order/query", func(r *http.Request) (*http.Response, error) {
		body, _ = io.ReadAll(r.Body)
		ctype = r.Header.Get("Content-Type")
		resp := httpmock.NewStringResponse(200, `{"err_no":0}`)
		resp.Header.Set("X-Test", "1")
		return resp, nil
	})
	params := map[string]string{"order_no": "cxka1", "app_key": "k", "empty": "", "sign": "ignored"}
	resp, err := c.Call(ctx, &RawRequest{URL: "https://open.example.com/api/order/query", Params: params})
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]string
	if err := json.Unmarshal(body, &sent); err != nil || ctype != "application/json" {
		t.Fatalf("%s %s %v", ctype, body, err)
	}
	if want := md5Upper("app_key=k&order_no=cxka1&key=" + testSecret); sent["sign"] != want || sent["order_no"] != "cxka1" || sent["empty"] != "" || len(sent) != 4 {
		t.Errorf("sent %v, sign want %s", sent, want)
	}
	if resp.Status != 200 || string(resp.Body) != `{"err_no":0}` || resp.Header.Get("X-Test") != "1" {
		t.Errorf("resp %+v", resp)
	}
	if params["sign"] != "ignored" || len(params) != 4 {
		t.Error("caller's params changed")
	}
	// Form, own rule and sign key, relative URL.
	mt.RegisterResponder(http.MethodPost, V3BaseURL+"query", func(r *http.Request) (*http.Response, error) {
		_ = r.ParseForm()
		body = []byte(r.PostForm.Encode())
		return httpmock.NewStringResponse(200, `ok`), nil
	})
	lower := NewMD5Rule("lower", signing.ParamRule{Fields: []string{"b", "a"}, Placement: signing.KeyAppend}, signing.Lower)
	if _, err := c.Call(ctx, &RawRequest{URL: "query", Params: map[string]string{"a": "1", "b": "2"}, Rule: lower, SignKey: "sig", Form: true}); err != nil {
		t.Fatal(err)
	}
	if want := "a=1&b=2&sig=" + md5Hex("b=2&a=1&key="+testSecret); string(body) != want {
		t.Errorf("form %s, want %s", body, want)
	}
	for st, sentinel := range map[int]error{429: complaint.ErrRateLimited, 401: complaint.ErrUnauthorized, 403: complaint.ErrUnauthorized, 404: complaint.ErrNotFound} {
		mt.RegisterResponder(http.MethodPost, V3BaseURL+"x", httpmock.NewStringResponder(st, `{}`))
		_, err := c.Call(ctx, &RawRequest{URL: "x?token=secret"})
		var ae *APIError
		if !errors.Is(err, sentinel) || !errors.As(err, &ae) || ae.HTTPStatus != st || strings.Contains(err.Error(), "token") {
			t.Errorf("%d: %v", st, err)
		}
		for _, other := range []error{complaint.ErrRateLimited, complaint.ErrUnauthorized, complaint.ErrNotFound, complaint.ErrInvalidRequest} {
			if other != sentinel && errors.Is(err, other) && !(st == 403 && other == complaint.ErrUnauthorized) {
				t.Errorf("%d matches %v", st, other)
			}
		}
	}
	mt.RegisterResponder(http.MethodPost, V3BaseURL+"down", httpmock.NewErrorResponder(io.ErrUnexpectedEOF))
	if _, err := c.Call(ctx, &RawRequest{URL: "down"}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("transport: %v", err)
	}
	mt.RegisterResponder(http.MethodPost, V3BaseURL+"created", httpmock.NewStringResponder(299, `{}`))
	if _, err := c.Call(ctx, &RawRequest{URL: "created"}); err != nil {
		t.Errorf("299: %v", err)
	}
	mt.RegisterResponder(http.MethodPost, V3BaseURL+"moved", httpmock.NewStringResponder(300, `{}`))
	if _, err := c.Call(ctx, &RawRequest{URL: "moved"}); err == nil {
		t.Error("300 accepted")
	}
	var ve *complaint.ValidationError
	if _, err := c.Call(ctx, nil); !errors.As(err, &ve) {
		t.Errorf("nil: %v", err)
	}
	if _, err := c.Call(ctx, &RawRequest{}); !errors.As(err, &ve) {
		t.Errorf("no URL: %v", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.Call(nil, &RawRequest{URL: "x"}); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Errorf("nil ctx: %v", err)
	}
}
