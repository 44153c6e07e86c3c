package changxiang

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
)

// ResultCode is the v3 payment callback's result_code.
type ResultCode string

// Result codes.
const (
	ResultSuccess ResultCode = "SUCCESS"
	ResultFail    ResultCode = "FAIL"
)

// PaymentNotification is a verified v3 payment callback (a form POST to the
// order's callback_url). The doc asks for a second confirmation through the
// order query before crediting; Cards in particular is not signed.
//
// Cards holds card secrets: String, GoString, Format and LogValue mask it.
type PaymentNotification struct {
	MchID string
	// TotalFee is total_fee exactly as received. Its unit is not documented;
	// when it is yuan, ParseYuan reads it into fen exactly.
	TotalFee   string
	ResultCode ResultCode
	// TradeNo is the platform's order number.
	TradeNo string
	// OutTradeNo is the merchant's order number.
	OutTradeNo string
	// TimeEnd is time_end read as Beijing time; zero when absent or in a
	// format cntime does not read (the text stays in Fields).
	TimeEnd time.Time
	PayType string
	// Cards are the card secrets the platform delivered. They are NOT covered
	// by the signature: anyone on the path could change them. Confirm them
	// through the order query before handing them out.
	Cards string
	Sign  string
	// Fields holds every received field, sign and unknown fields included.
	Fields url.Values
}

// ID is the callback's de-duplication id: complaint.DeriveEventID over
// trade_no and result_code, so a redelivery is dropped while a SUCCESS after
// a FAIL of the same order is not.
func (p *PaymentNotification) ID() string {
	return complaint.DeriveEventID(p.TradeNo, string(p.ResultCode))
}

// VerifyPayment checks a v3 payment callback body
// (application/x-www-form-urlencoded) and returns it typed: the layer for any
// web framework. The sign must verify under PaymentRule (fixed field order,
// lower-case MD5, cards not signed); a field sent twice and a callback
// without trade_no are malformed; with Credentials.MchID set, a callback for
// another mch_id matches complaint.ErrUnknownKey. header may be nil; when it
// names a Content-Type it must be a form. Errors never quote a value.
func (c *Client) VerifyPayment(ctx context.Context, header http.Header, body []byte) (*PaymentNotification, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if ct := header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, malformed("content type is not a form")
		}
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, malformed("bad form")
	}
	fields := make([]Field, 0, len(v))
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if len(v[k]) != 1 {
			return nil, malformed(fmt.Sprintf("field %q sent more than once", httpc.ProviderText(k)))
		}
		fields = append(fields, Field{Key: k, Value: v[k][0]})
	}
	sig := v.Get("sign")
	if sig == "" {
		return nil, fmt.Errorf("%w: changxiang: payment callback has no sign", complaint.ErrSignatureInvalid)
	}
	if err := PaymentRule.Verify(fields, c.creds.Secret, sig); err != nil {
		return nil, fmt.Errorf("changxiang: payment callback: %w", err)
	}
	p := &PaymentNotification{
		MchID: v.Get("mch_id"), TotalFee: v.Get("total_fee"), ResultCode: ResultCode(v.Get("result_code")),
		TradeNo: v.Get("trade_no"), OutTradeNo: v.Get("out_trade_no"), PayType: v.Get("pay_type"),
		Cards: v.Get("cards"), Sign: sig, Fields: v,
	}
	if c.creds.MchID != "" && p.MchID != c.creds.MchID {
		return nil, fmt.Errorf("%w: changxiang: payment callback for another merchant", complaint.ErrUnknownKey)
	}
	if p.TradeNo == "" {
		return nil, malformed("payment callback has no trade_no")
	}
	p.TimeEnd, _ = cntime.Parse(v.Get("time_end"))
	return p, nil
}

// ParsePaymentNotification reads the payment callback in r through
// complaint.ReadDelivery (bounded, body restored on r) and verifies it with
// VerifyPayment under r's context. Anything but a POST is
// complaint.ErrMalformedNotification.
func (c *Client) ParsePaymentNotification(r *http.Request) (*PaymentNotification, error) {
	d, err := readPost(r)
	if err != nil {
		return nil, err
	}
	return c.VerifyPayment(r.Context(), d.Header, d.Body)
}

// LogValue makes log/slog print the callback without its card secrets.
func (p PaymentNotification) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mch_id", p.MchID),
		slog.String("trade_no", p.TradeNo),
		slog.String("out_trade_no", p.OutTradeNo),
		slog.String("total_fee", p.TotalFee),
		slog.String("result_code", string(p.ResultCode)),
		slog.String("pay_type", p.PayType),
		slog.String("cards", maskAll(p.Cards)),
	)
}

// String is the LogValue summary, card secrets masked.
func (p PaymentNotification) String() string {
	return "changxiang.PaymentNotification" + p.LogValue().String()
}

// GoString is String, so %#v masks too.
func (p PaymentNotification) GoString() string { return p.String() }

// Format prints String for every verb.
func (p PaymentNotification) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// PaymentReceiver plugs v3 payment callbacks into complaint.NewPaymentHandler:
// payments are not complaint events, so they reach a
// complaint.PaymentSink[*PaymentNotification] with the handler's bounded
// read, de-duplication (by PaymentNotification.ID) and panic recovery.
type PaymentReceiver struct {
	c *Client
}

// NewPaymentReceiver returns the payment receiver for c's merchant.
func NewPaymentReceiver(c *Client) *PaymentReceiver { return &PaymentReceiver{c: c} }

// Provider is complaint.Changxiang.
func (*PaymentReceiver) Provider() complaint.Provider { return complaint.Changxiang }

// ReceivePayment verifies one delivery with Client.VerifyPayment and returns
// the notification with its ID.
func (r *PaymentReceiver) ReceivePayment(ctx context.Context, d *complaint.Delivery) (*PaymentNotification, string, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, "", err
	}
	if r == nil || r.c == nil {
		return nil, "", fmt.Errorf("%w: changxiang: payment receiver without client; use NewPaymentReceiver", complaint.ErrInternal)
	}
	if d == nil {
		return nil, "", malformed("nil delivery")
	}
	p, err := r.c.VerifyPayment(ctx, d.Header, d.Body)
	if err != nil {
		return nil, "", err
	}
	return p, p.ID(), nil
}

// Ack is HTTP 200 with the literal body success for nil, which the platform
// requires (also for a duplicate), and otherwise complaint.StatusFor(err)
// with the body fail, after which the platform retries every 2 minutes, up to
// 6 times.
func (*PaymentReceiver) Ack(err error) complaint.Ack {
	if err != nil {
		return complaint.Ack{Status: complaint.StatusFor(err), ContentType: "text/plain; charset=utf-8", Body: []byte("fail")}
	}
	return complaint.Ack{Status: http.StatusOK, ContentType: "text/plain; charset=utf-8", Body: []byte("success")}
}

var _ complaint.PaymentReceiver[*PaymentNotification] = (*PaymentReceiver)(nil)
