package changxiang

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
)

// ComplaintType is the notification's complaint_type, a string code. The list
// is open: only "1" (添加投诉, complaint added) is documented; other codes are
// kept as received, with complaint_type_text, and never rejected.
type ComplaintType string

// ComplaintAdded is the one documented code: a buyer filed a complaint.
const ComplaintAdded ComplaintType = "1"

// Notification is a verified complaint notification of the open platform:
//
//	{"err_no":0,"err_msg":"success","results":{"status":200,"error":null,
//	 "data":{"merchant_order_no":...,"sign":"1B93..."}}}
//
// The data fields are typed below, and kept in Fields exactly as received
// (unknown ones included), which is where null, "" and an absent field stay
// distinct (Lookup). The envelope around data is not signed and is kept as
// received, not interpreted.
//
// It holds buyer data (buyer_mobile, wechat_nickname, qq): String, GoString,
// Format and LogValue mask them; encoding/json does not.
type Notification struct {
	// ErrNo, ErrMsg and Status are err_no, err_msg and results.status as
	// their signed-text form (Field.Value): "0", "success", "200".
	ErrNo  string
	ErrMsg string
	Status string
	// Error is results.error as received (null in the example).
	Error []byte

	// MerchantOrderNo is the merchant's order number.
	MerchantOrderNo string
	// OrderNo is the platform's order number ("cxka…"); it names the
	// complaint (Ref.ID) and the order (Ref.OrderID). Always set.
	OrderNo string
	// ComplaintType is complaint_type as received.
	ComplaintType     ComplaintType
	ComplaintTypeText string
	// WechatNickname and QQ are nil when null or absent.
	WechatNickname *string
	QQ             *string
	// BuyerMobile is the buyer's phone number, masked when printed.
	BuyerMobile complaint.Phone
	// ZFBComplaintNo is the Alipay complaint number.
	ZFBComplaintNo string
	// ComplaintAt is when the complaint was filed, read as Beijing time; zero
	// when null, absent or "".
	ComplaintAt time.Time
	// FinalRefundMoney is final_refund_money in fen, read exactly from its
	// decimal yuan text (see ParseYuan); nil when null, absent or "".
	FinalRefundMoney *int64
	// RefundAt and ComplaintClosedAt are read as Beijing time; zero when
	// null, absent or "".
	RefundAt          time.Time
	ComplaintClosedAt time.Time
	// Sign is the signature that verified.
	Sign string
	// Fields are results.data's members in received order, exactly as
	// received, sign and unknown fields included.
	Fields []Field
}

// Lookup returns the data field named key as received; ok is false when the
// notification did not carry it. field.IsNull tells null from "".
func (n *Notification) Lookup(key string) (field Field, ok bool) { return lookup(n.Fields, key) }

// Verify checks a complaint notification body, given the header and the body
// exactly as received, and returns it typed: the layer for any web framework.
// The body's results.data must carry a sign that verifies under the client's
// rule over the data fields as received; the data must have an order_no;
// complaint_at, refund_at and complaint_closed_at must be empty or times,
// and final_refund_money empty or an exact yuan amount. header may be nil;
// when it names a Content-Type it must be JSON.
//
// Errors match complaint.ErrSignatureInvalid or
// complaint.ErrMalformedNotification and never quote the sign or a value; a
// nil ctx is complaint.CheckContext's error. Verification is local: ctx
// bounds nothing and is taken so that every provider's Verify has one shape.
func (c *Client) Verify(ctx context.Context, header http.Header, body []byte) (*Notification, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if ct := header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return nil, malformed("content type is not JSON")
		}
	}
	env, err := decodeEnvelope(body)
	if err != nil {
		return nil, err
	}
	sig, _ := lookup(env.data, "sign")
	if sig.Value == "" {
		return nil, fmt.Errorf("%w: changxiang: data has no sign", complaint.ErrSignatureInvalid)
	}
	if err := c.rule.Verify(env.data, c.creds.Secret, sig.Value); err != nil {
		return nil, fmt.Errorf("changxiang: notification (rule %s): %w", c.rule.name, err)
	}
	return typed(env, sig.Value)
}

// typed fills a Notification from a verified envelope.
func typed(env *envelope, sig string) (*Notification, error) {
	n := &Notification{Sign: sig, Fields: env.data}
	n.ErrNo, n.ErrMsg = signedText(env.ErrNo), signedText(env.ErrMsg)
	n.Status, n.Error = signedText(env.Results.Status), env.Results.Error
	for _, f := range env.data {
		if err := n.set(f); err != nil {
			return nil, err
		}
	}
	if n.OrderNo == "" {
		return nil, malformed("data has no order_no")
	}
	return n, nil
}

// set types one data field.
func (n *Notification) set(f Field) error {
	var err error
	switch f.Key {
	case "merchant_order_no":
		n.MerchantOrderNo = f.Value
	case "order_no":
		n.OrderNo = f.Value
	case "complaint_type":
		n.ComplaintType = ComplaintType(f.Value)
	case "complaint_type_text":
		n.ComplaintTypeText = f.Value
	case "wechat_nickname":
		n.WechatNickname = nullable(f)
	case "qq":
		n.QQ = nullable(f)
	case "buyer_mobile":
		n.BuyerMobile = complaint.Phone(f.Value)
	case "zfb_complaint_no":
		n.ZFBComplaintNo = f.Value
	case "complaint_at":
		n.ComplaintAt, err = parseTime(f)
	case "refund_at":
		n.RefundAt, err = parseTime(f)
	case "complaint_closed_at":
		n.ComplaintClosedAt, err = parseTime(f)
	case "final_refund_money":
		if f.Value != "" {
			fen, perr := ParseYuan(f.Value)
			if perr != nil {
				return fmt.Errorf("%w: final_refund_money: %w", malformed("bad amount"), perr)
			}
			n.FinalRefundMoney = &fen
		}
	}
	return err
}

func nullable(f Field) *string {
	if f.IsNull() {
		return nil
	}
	return &f.Value
}

// parseTime reads a zone-less time as Beijing time ("" and null are zero).
func parseTime(f Field) (time.Time, error) {
	t, err := cntime.Parse(f.Value)
	if err != nil {
		return time.Time{}, malformed("bad time in " + httpc.ProviderText(f.Key))
	}
	return t, nil
}

// ParseNotification reads the complaint notification in r through
// complaint.ReadDelivery (at most complaint.DefaultMaxBodyBytes; the body is
// restored on r for later readers) and verifies it with Verify under r's
// context. Anything but a POST is complaint.ErrMalformedNotification.
func (c *Client) ParseNotification(r *http.Request) (*Notification, error) {
	d, err := readPost(r)
	if err != nil {
		return nil, err
	}
	return c.Verify(r.Context(), d.Header, d.Body)
}

// readPost reads a POST's delivery for the Parse* methods.
func readPost(r *http.Request) (*complaint.Delivery, error) {
	if r != nil && r.Method != http.MethodPost {
		return nil, malformed("method " + httpc.ProviderText(r.Method))
	}
	return complaint.ReadDelivery(r, complaint.DefaultMaxBodyBytes)
}

// EventID is the notification's de-duplication id: complaint.DeriveEventID
// over order_no, complaint_type, complaint_at, final_refund_money, refund_at
// and complaint_closed_at as received. A redelivery has the same id; a later
// notification of the same complaint (a refund, a close) changes one of them
// and has a new one.
func (n *Notification) EventID() string {
	v := func(k string) string { f, _ := n.Lookup(k); return f.Value }
	return complaint.DeriveEventID(v("order_no"), v("complaint_type"), v("complaint_at"),
		v("final_refund_money"), v("refund_at"), v("complaint_closed_at"))
}

// Kind maps the notification onto the common kinds: complaint_type "1" is
// complaint.KindCreated; for other codes, which are not documented, the
// fields decide: a close time is complaint.KindStateChanged (the complaint
// is resolved), else a refund amount or time is complaint.KindRefunded, else
// complaint.KindOther.
func (n *Notification) Kind() complaint.Kind {
	switch {
	case n.ComplaintType == ComplaintAdded:
		return complaint.KindCreated
	case !n.ComplaintClosedAt.IsZero():
		return complaint.KindStateChanged
	case n.FinalRefundMoney != nil || !n.RefundAt.IsZero():
		return complaint.KindRefunded
	}
	return complaint.KindOther
}

// State is the complaint's normalised state: resolved once it has a close
// time, processing once refunded, pending otherwise.
func (n *Notification) State() complaint.State {
	switch {
	case !n.ComplaintClosedAt.IsZero():
		return complaint.StateResolved
	case n.FinalRefundMoney != nil || !n.RefundAt.IsZero():
		return complaint.StateProcessing
	}
	return complaint.StatePending
}

// Complaint converts the notification to the common model, losslessly (Raw
// is n): ID and the order's ProviderOrderID are order_no (so Ref().OrderID is
// order_no), ChannelID is zfb_complaint_no, the buyer's mobile, nickname and
// qq (Contact.Other["qq"]) are the contact, final_refund_money is the refund
// and the order's refunded amount, and the times are Beijing time. The order
// amount is not in the notification and stays zero.
func (n *Notification) Complaint() *complaint.Complaint {
	refunded := complaint.Money{}
	if n.FinalRefundMoney != nil {
		refunded = complaint.CNY(*n.FinalRefundMoney)
	}
	c := &complaint.Complaint{
		Provider:      complaint.Changxiang,
		ID:            n.OrderNo,
		ChannelID:     n.ZFBComplaintNo,
		State:         n.State(),
		ProviderState: string(n.ComplaintType),
		Problem:       complaint.Problem{Description: n.ComplaintTypeText},
		Orders:        []complaint.Order{{OutTradeNo: n.MerchantOrderNo, ProviderOrderID: n.OrderNo, Refunded: refunded}},
		Refund:        complaint.Refund{Refunded: refunded, RefundedAt: n.RefundAt},
		Contact:       complaint.Contact{Phone: n.BuyerMobile},
		CreatedAt:     n.ComplaintAt,
		UpdatedAt:     n.changedAt(),
		ClosedAt:      n.ComplaintClosedAt,
		Raw:           n,
	}
	if n.WechatNickname != nil {
		c.Contact.Name = *n.WechatNickname
	}
	if n.QQ != nil && *n.QQ != "" {
		c.Contact.Other = map[string]string{"qq": *n.QQ}
	}
	return c
}

// changedAt is the latest of the notification's times.
func (n *Notification) changedAt() time.Time {
	t := n.ComplaintAt
	for _, u := range [...]time.Time{n.RefundAt, n.ComplaintClosedAt} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// Event converts the notification to a complaint event carrying the whole
// complaint: ID is EventID, Kind is Kind, ProviderKind is complaint_type,
// Time is the latest of complaint_at, refund_at and complaint_closed_at, and
// Raw is n.
func (n *Notification) Event() complaint.Event {
	c := n.Complaint()
	return complaint.Event{
		ID:           n.EventID(),
		Ref:          c.Ref(),
		Kind:         n.Kind(),
		ProviderKind: string(n.ComplaintType),
		Complaint:    c,
		Time:         c.UpdatedAt,
		Raw:          n,
	}
}

// LogValue makes log/slog print the notification's ids, type, times and
// refund, with the buyer's mobile, nickname and qq masked.
func (n Notification) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("order_no", n.OrderNo),
		slog.String("merchant_order_no", n.MerchantOrderNo),
		slog.String("complaint_type", string(n.ComplaintType)),
		slog.String("zfb_complaint_no", n.ZFBComplaintNo),
	}
	for _, f := range n.Fields {
		if _, ok := personal[f.Key]; ok && !f.IsNull() {
			attrs = append(attrs, slog.String(f.Key, f.printable()))
		}
	}
	if !n.ComplaintAt.IsZero() {
		attrs = append(attrs, slog.Time("complaint_at", n.ComplaintAt))
	}
	if n.FinalRefundMoney != nil {
		attrs = append(attrs, slog.Int64("final_refund_fen", *n.FinalRefundMoney))
	}
	if !n.RefundAt.IsZero() {
		attrs = append(attrs, slog.Time("refund_at", n.RefundAt))
	}
	if !n.ComplaintClosedAt.IsZero() {
		attrs = append(attrs, slog.Time("complaint_closed_at", n.ComplaintClosedAt))
	}
	return slog.GroupValue(attrs...)
}

// String is the LogValue summary: buyer data masked.
func (n Notification) String() string { return "changxiang.Notification" + n.LogValue().String() }

// GoString is String, so %#v masks too.
func (n Notification) GoString() string { return n.String() }

// Format prints String for every verb.
func (n Notification) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(n.String())) }

// Receiver plugs complaint notifications into complaint.NewHandler: it
// verifies each delivery with Client.Verify and turns it into one
// complaint.Event carrying the whole complaint (no enrichment needed), with
// the id EventID derives, so that a redelivery reaches the sink once while a
// later refund or close of the same complaint reaches it again.
type Receiver struct {
	c *Client
}

// NewReceiver returns the receiver for c's complaint notifications.
func NewReceiver(c *Client) *Receiver { return &Receiver{c: c} }

// Provider is complaint.Changxiang.
func (*Receiver) Provider() complaint.Provider { return complaint.Changxiang }

// Receive verifies one delivery and returns its event.
func (r *Receiver) Receive(ctx context.Context, d *complaint.Delivery) ([]complaint.Event, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil || r.c == nil {
		return nil, fmt.Errorf("%w: changxiang: receiver without client; use NewReceiver", complaint.ErrInternal)
	}
	if d == nil {
		return nil, malformed("nil delivery")
	}
	n, err := r.c.Verify(ctx, d.Header, d.Body)
	if err != nil {
		return nil, err
	}
	return []complaint.Event{n.Event()}, nil
}

// Ack is the client's success answer (200 with {} unless WithAck changed it)
// for nil, and otherwise complaint.StatusFor(err) with the JSON body
// {"err_no":1,"err_msg":"fail"}, which never echoes the error; the platform
// documents only the success answer.
func (r *Receiver) Ack(err error) complaint.Ack {
	if err != nil {
		return complaint.Ack{Status: complaint.StatusFor(err), ContentType: "application/json",
			Body: []byte(`{"err_no":1,"err_msg":"fail"}`)}
	}
	a := defaultAck
	if r != nil && r.c != nil {
		a = r.c.ack
	}
	a.Body = append([]byte(nil), a.Body...)
	return a
}

var _ complaint.Receiver = (*Receiver)(nil)
