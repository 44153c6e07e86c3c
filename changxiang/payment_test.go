package changxiang

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

// paymentVector is the v3 callback of the tests; its sign is coreutils md5sum
// of "mch_id=10086&total_fee=12.50&result_code=SUCCESS&trade_no=cxka251115066acn
// &out_trade_no=M202411150001&time_end=2025-11-15 14:31:02&pay_type=alipay&key=cx-test-secret".
const paymentSign = "1f34f6ce2eac008edeaf1bc52bb8033b"

func paymentForm() url.Values {
	return url.Values{
		"mch_id": {"10086"}, "total_fee": {"12.50"}, "result_code": {"SUCCESS"}, "trade_no": {"cxka251115066acn"},
		"out_trade_no": {"M202411150001"}, "time_end": {"2025-11-15 14:31:02"}, "pay_type": {"alipay"},
		"cards": {"卡号:A1 卡密:S3CRET"}, "sign": {paymentSign},
	}
}

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

func TestVerifyPayment(t *testing.T) {
	c := newTestClient(t, DefaultRule)
	p, err := c.VerifyPayment(ctx, formHeader, []byte(paymentForm().Encode()))
	if err != nil {
		t.Fatal(err)
	}
	want := PaymentNotification{MchID: "10086", TotalFee: "12.50", ResultCode: ResultSuccess, TradeNo: "cxka251115066acn",
		OutTradeNo: "M202411150001", PayType: "alipay", Cards: "卡号:A1 卡密:S3CRET", Sign: paymentSign}
	if p.MchID != want.MchID || p.TotalFee != want.TotalFee || p.ResultCode != want.ResultCode || p.TradeNo != want.TradeNo ||
		p.OutTradeNo != want.OutTradeNo || p.PayType != want.PayType || p.Cards != want.Cards || p.Sign != want.Sign ||
		!p.TimeEnd.Equal(time.Date(2025, 11, 15, 14, 31, 2, 0, cntime.Zone)) || p.Fields.Get("cards") != want.Cards {
		t.Fatalf("got %#v", p.Fields)
	}
	if p.ID() != complaint.DeriveEventID("cxka251115066acn", "SUCCESS") {
		t.Error("ID")
	}
	if fen, err := ParseYuan(p.TotalFee); err != nil || fen != 1250 {
		t.Error("total fee")
	}
	// cards is not signed: changing it still verifies (the doc says so, and
	// asks for the order query before trusting it). Unknown fields neither.
	f := paymentForm()
	f.Set("cards", "forged")
	f.Set("new_field", "x")
	if p, err := c.VerifyPayment(ctx, nil, []byte(f.Encode())); err != nil || p.Cards != "forged" || p.Fields.Get("new_field") != "x" {
		t.Errorf("unsigned cards: %v %v", p, err)
	}
	// The order of the body does not matter; the fixed order of the rule does.
	reordered := "sign=" + paymentSign + "&pay_type=alipay&time_end=2025-11-15+14%3A31%3A02&out_trade_no=M202411150001" +
		"&trade_no=cxka251115066acn&result_code=SUCCESS&total_fee=12.50&mch_id=10086"
	if _, err := c.VerifyPayment(ctx, nil, []byte(reordered)); err != nil {
		t.Errorf("reordered body: %v", err)
	}
	sorted := md5Hex("mch_id=10086&out_trade_no=M202411150001&pay_type=alipay&result_code=SUCCESS&time_end=2025-11-15 14:31:02" +
		"&total_fee=12.50&trade_no=cxka251115066acn&key=" + testSecret)
	f = paymentForm()
	f.Set("sign", sorted)
	if _, err := c.VerifyPayment(ctx, nil, []byte(f.Encode())); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Errorf("sorted-order sign accepted: %v", err)
	}
	for _, k := range paymentFields {
		f := paymentForm()
		f.Set(k, f.Get(k)+"1")
		if _, err := c.VerifyPayment(ctx, nil, []byte(f.Encode())); !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Errorf("tampered %s: %v", k, err)
		}
	}
	for _, sig := range []string{strings.ToUpper(paymentSign), "", paymentSign[:31]} {
		f := paymentForm()
		f.Set("sign", sig)
		if _, err := c.VerifyPayment(ctx, nil, []byte(f.Encode())); !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Errorf("sign %q: %v", sig, err)
		}
	}
}

func md5Hex(s string) string { return strings.ToLower(md5Upper(s)) }

func TestVerifyPaymentRejects(t *testing.T) {
	c := newTestClient(t, DefaultRule)
	resign := func(f url.Values) []byte {
		fields := make([]Field, 0, len(f))
		for k := range f {
			fields = append(fields, Field{Key: k, Value: f.Get(k)})
		}
		f.Set("sign", PaymentRule.Sign(fields, secret()))
		return []byte(f.Encode())
	}
	other := paymentForm()
	other.Set("mch_id", "999")
	if _, err := c.VerifyPayment(ctx, nil, resign(other)); !errors.Is(err, complaint.ErrUnknownKey) {
		t.Errorf("other merchant: %v", err)
	}
	anyMch, _ := NewClient(Credentials{Secret: secret()})
	if p, err := anyMch.VerifyPayment(ctx, nil, resign(other)); err != nil || p.MchID != "999" {
		t.Errorf("no MchID configured: %v", err)
	}
	noTrade := paymentForm()
	noTrade.Del("trade_no")
	if _, err := c.VerifyPayment(ctx, nil, resign(noTrade)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("no trade_no: %v", err)
	}
	badTime := paymentForm()
	badTime.Set("time_end", "1700000000")
	if p, err := c.VerifyPayment(ctx, nil, resign(badTime)); err != nil || !p.TimeEnd.IsZero() || p.Fields.Get("time_end") != "1700000000" {
		t.Errorf("unknown time format: %v %v", p, err)
	}
	body := string(resign(paymentForm()))
	for name, b := range map[string]string{
		"twice":     body + "&trade_no=x",
		"bad form":  body + "&%zz=1",
		"no sign":   strings.Replace(body, "sign=", "nosign=", 1),
		"empty":     "",
		"json body": `{"mch_id":"10086"}`,
	} {
		_, err := c.VerifyPayment(ctx, nil, []byte(b))
		if !errors.Is(err, complaint.ErrMalformedNotification) && !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Errorf("%s: %v", name, err)
		}
		if name == "twice" || name == "bad form" {
			if !errors.Is(err, complaint.ErrMalformedNotification) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err != nil && strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("%s: error leaks cards", name)
		}
	}
	if _, err := c.VerifyPayment(ctx, http.Header{"Content-Type": {"application/json"}}, []byte(body)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("json content type: %v", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.VerifyPayment(nil, nil, []byte(body)); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Errorf("nil ctx: %v", err)
	}
	fail := paymentForm()
	fail.Set("result_code", "FAIL")
	p, err := c.VerifyPayment(ctx, nil, resign(fail))
	if err != nil || p.ResultCode != ResultFail || p.ID() == complaint.DeriveEventID("cxka251115066acn", "SUCCESS") {
		t.Errorf("FAIL: %v %v", p, err)
	}
}

func TestPaymentReceiverAndParse(t *testing.T) {
	c := newTestClient(t, DefaultRule)
	r := NewPaymentReceiver(c)
	body := []byte(paymentForm().Encode())
	p, id, err := r.ReceivePayment(ctx, &complaint.Delivery{Header: formHeader, Body: body})
	if err != nil || id != p.ID() || r.Provider() != complaint.Changxiang {
		t.Fatalf("%v %q %v", p, id, err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, _, err := r.ReceivePayment(nil, &complaint.Delivery{Body: body}); !errors.Is(err, complaint.ErrInvalidRequest) { //nolint:staticcheck
		t.Errorf("nil ctx: %v", err)
	}
	if _, _, err := r.ReceivePayment(ctx, nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("nil delivery: %v", err)
	}
	if _, _, err := (&PaymentReceiver{}).ReceivePayment(ctx, &complaint.Delivery{Body: body}); !errors.Is(err, complaint.ErrInternal) {
		t.Errorf("zero receiver: %v", err)
	}
	if _, id, err := r.ReceivePayment(ctx, &complaint.Delivery{Body: []byte("sign=x")}); err == nil || id != "" {
		t.Errorf("forged: %q %v", id, err)
	}
	if a := r.Ack(nil); a.Status != 200 || string(a.Body) != "success" || a.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("ack %+v", a)
	}
	if a := r.Ack(complaint.ErrSignatureInvalid); a.Status != 401 || string(a.Body) != "fail" {
		t.Errorf("ack fail %+v", a)
	}
	if a := r.Ack(complaint.ErrInFlight); a.Status != 503 || string(a.Body) != "fail" {
		t.Errorf("ack in flight %+v", a)
	}
	req := httptest.NewRequest(http.MethodPost, "/pay", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p, err := c.ParsePaymentNotification(req); err != nil || p.TradeNo != "cxka251115066acn" {
		t.Errorf("parse: %v %v", p, err)
	}
	if _, err := c.ParsePaymentNotification(httptest.NewRequest(http.MethodPut, "/pay", nil)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Errorf("PUT: %v", err)
	}
	// Card secrets never print.
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("p", "p", p, "pv", *p)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s %q", p, p, p, p, p), p.String(), p.GoString(), buf.String()} {
		if strings.Contains(out, "S3CRET") || strings.Contains(out, "卡密") {
			t.Errorf("cards leak: %s", out)
		}
	}
	if s := p.String(); !strings.Contains(s, "trade_no=cxka251115066acn") || !strings.Contains(s, "cards=***************") ||
		!strings.Contains(s, "total_fee=12.50") || !strings.Contains(s, "result_code=SUCCESS") || !strings.Contains(s, "mch_id=10086") ||
		!strings.Contains(s, "out_trade_no=M202411150001") || !strings.Contains(s, "pay_type=alipay") {
		t.Errorf("String = %s", s)
	}
}
