package payjs

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
)

// Notification is a verified PAYJS payment notification (notify_url).
type Notification struct {
	// ReturnCode is 1 for a paid order.
	ReturnCode int
	// TotalFee is the amount in fen.
	TotalFee      int64
	OutTradeNo    string
	PayJSOrderID  string
	TransactionID string
	// TimeEnd is time_end read as Beijing time; zero when absent or in an
	// unknown format (the text stays in Fields).
	TimeEnd time.Time
	OpenID  string
	// Attach is the merchant's data from the order; often absent.
	Attach string
	MchID  string
	// Type is "alipay" for Alipay orders and empty for WeChat.
	Type PayType
	// Fields holds every received field, including sign and fields added after
	// this package was written.
	Fields url.Values
}

// Verify checks a payment notification body (application/x-www-form-urlencoded)
// and returns it typed: the layer for any web framework, given the header and
// the body exactly as received. The signature covers every received field,
// including type and unknown ones, with the PHP rule, taking the fields in the
// order of the body as PHP's $_POST does; a field sent twice is rejected. A
// notification for another mchid matches complaint.ErrUnknownKey. header may
// be nil; when it names a Content-Type it must be a form.
//
// Errors match complaint.ErrSignatureInvalid, complaint.ErrMalformedNotification
// or complaint.ErrUnknownKey; a nil ctx is complaint.CheckContext's error.
// Verification is local: ctx bounds nothing yet and is taken so that every
// provider's Verify has the same shape.
func (c *Client) Verify(ctx context.Context, header http.Header, body []byte) (*Notification, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if ct := header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, fmt.Errorf("%w: payjs: content type is not a form", complaint.ErrMalformedNotification)
		}
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: payjs: %w", complaint.ErrMalformedNotification, err)
	}
	params, sig, err := formParams(v, formOrder(string(body)))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", complaint.ErrMalformedNotification, err)
	}
	if sig == "" {
		return nil, fmt.Errorf("%w: payjs: notification has no sign", complaint.ErrSignatureInvalid)
	}
	if err := c.signer.Verify(params, sig); err != nil {
		return nil, fmt.Errorf("payjs: notification: %w", err)
	}
	n := &Notification{
		OutTradeNo: v.Get("out_trade_no"), PayJSOrderID: v.Get("payjs_order_id"),
		TransactionID: v.Get("transaction_id"), OpenID: v.Get("openid"), Attach: v.Get("attach"),
		MchID: v.Get("mchid"), Type: PayType(v.Get("type")), Fields: v,
	}
	if n.MchID != "" && n.MchID != c.mchid {
		return nil, fmt.Errorf("%w: payjs: notification for another merchant", complaint.ErrUnknownKey)
	}
	if n.PayJSOrderID == "" {
		return nil, fmt.Errorf("%w: payjs: notification has no payjs_order_id", complaint.ErrMalformedNotification)
	}
	code, err := formInt(v, "return_code")
	if err != nil {
		return nil, err
	}
	n.ReturnCode = int(code)
	if n.TotalFee, err = formInt(v, "total_fee"); err != nil {
		return nil, err
	}
	if t, err := cntime.Parse(v.Get("time_end")); err == nil {
		n.TimeEnd = t
	}
	return n, nil
}

func formInt(v url.Values, k string) (int64, error) {
	s := strings.TrimSpace(v.Get(k))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: payjs: %s is not an integer", complaint.ErrMalformedNotification, k)
	}
	return n, nil
}

// ParseNotification reads the payment notification in r through
// complaint.ReadDelivery (at most complaint.DefaultMaxBodyBytes; the body is
// restored on r for later readers) and verifies it with Verify under r's
// context. Anything but a POST is complaint.ErrMalformedNotification.
func (c *Client) ParseNotification(r *http.Request) (*Notification, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: payjs: nil request", complaint.ErrMalformedNotification)
	}
	if r.Method != http.MethodPost {
		return nil, fmt.Errorf("%w: payjs: method %s", complaint.ErrMalformedNotification, httpc.ProviderText(r.Method))
	}
	d, err := complaint.ReadDelivery(r, complaint.DefaultMaxBodyBytes)
	if err != nil {
		return nil, err
	}
	return c.Verify(r.Context(), d.Header, d.Body)
}

// Receiver plugs PAYJS payment notifications into complaint.NewPaymentHandler:
// payments are not complaint events, so they reach a
// complaint.PaymentSink[*Notification] of their own, with the handler's
// bounded read, de-duplication (by payjs_order_id, so PAYJS's expected
// repeated deliveries reach the sink once) and panic recovery. PAYJS never
// pushes complaints; list them through Client.Adapter with a poller.
//
// Ack answers HTTP 200 with body "success" (PAYJS only looks at the status);
// failures answer complaint.StatusFor(err) with body "fail", which PAYJS marks
// as a failed delivery.
type Receiver struct {
	c *Client
}

// NewReceiver returns the receiver for c's merchant.
func NewReceiver(c *Client) *Receiver { return &Receiver{c: c} }

// Provider is complaint.PAYJS.
func (r *Receiver) Provider() complaint.Provider { return complaint.PAYJS }

// ReceivePayment verifies one delivery with Client.Verify and returns the
// notification with payjs_order_id as its de-duplication id.
func (r *Receiver) ReceivePayment(ctx context.Context, d *complaint.Delivery) (*Notification, string, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, "", err
	}
	if r == nil || r.c == nil {
		return nil, "", errors.New("payjs: receiver has no client; use NewReceiver")
	}
	if d == nil {
		return nil, "", fmt.Errorf("%w: payjs: nil delivery", complaint.ErrMalformedNotification)
	}
	n, err := r.c.Verify(ctx, d.Header, d.Body)
	if err != nil {
		return nil, "", err
	}
	return n, n.PayJSOrderID, nil
}

// Ack is 200 "success" for nil, else complaint.StatusFor(err) with "fail".
func (r *Receiver) Ack(err error) complaint.Ack {
	if err != nil {
		return complaint.Ack{Status: complaint.StatusFor(err), ContentType: "text/plain; charset=utf-8", Body: []byte("fail")}
	}
	return complaint.Ack{Status: http.StatusOK, ContentType: "text/plain; charset=utf-8", Body: []byte("success")}
}

var _ complaint.PaymentReceiver[*Notification] = (*Receiver)(nil)
