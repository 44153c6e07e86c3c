package payjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

// OrderStatus is check's status field. The enum is open: unknown values are
// kept.
type OrderStatus int

// Order statuses.
const (
	StatusUnpaid OrderStatus = 0
	StatusPaid   OrderStatus = 1
)

// PayType is the channel of an order (the type field). Empty is WeChat.
type PayType string

// Pay types.
const (
	PayTypeWeChat PayType = ""
	PayTypeAlipay PayType = "alipay"
)

// CheckRequest asks for one order.
type CheckRequest struct {
	// PayJSOrderID is the PAYJS order number (payjs_order_id; a complaint's
	// order_id). Querying by out_trade_no is not offered by PAYJS.
	PayJSOrderID string `url:"payjs_order_id"`
}

// CheckResponse is a verified answer to Check.
type CheckResponse struct {
	ReturnCode    int
	ReturnMsg     string
	MchID         string
	OutTradeNo    string
	PayJSOrderID  string
	TransactionID string
	Status        OrderStatus
	OpenID        string
	// TotalFee is the order amount in fen.
	TotalFee int64
	// PaidTime is paid_time read as Beijing time; zero when absent.
	PaidTime time.Time
	Attach   string
	// Raw holds every field as received, including ones added after this
	// package was written.
	Raw map[string]json.RawMessage
}

// RefundRequest refunds one whole order. PAYJS has no amount parameter.
type RefundRequest struct {
	PayJSOrderID string `url:"payjs_order_id"`
}

// RefundResponse is the answer to Refund.
type RefundResponse struct {
	ReturnCode    int
	ReturnMsg     string
	PayJSOrderID  string
	OutTradeNo    string
	TransactionID string
	// Refund is the refund field: "1" when the order had already been refunded
	// (newer documentation only).
	Refund string
	// AlreadyRefunded reports a repeat refund: Refund == "1", or an unsigned
	// return_code=1 answer (see Unsigned).
	AlreadyRefunded bool
	// Unsigned reports that PAYJS answered return_code=1 without a sign, which it
	// does for an order refunded before. Nothing of that answer is trusted: the
	// order fields above come from the signed Check in Check.
	Unsigned bool
	// Check is the signed order query made to confirm an unsigned answer; nil
	// otherwise. Note that a successful check stops PAYJS's payment
	// notifications for the order.
	Check *CheckResponse
	// Raw holds every field as received.
	Raw map[string]json.RawMessage
}

// CloseRequest closes an unpaid order (orders of the last 30 days).
type CloseRequest struct {
	PayJSOrderID string `url:"payjs_order_id"`
}

// CloseResponse is a verified answer to CloseOrder.
type CloseResponse struct {
	ReturnCode   int
	ReturnMsg    string
	PayJSOrderID string
	Raw          map[string]json.RawMessage
}

// ReverseRequest reverses an abnormal micropay or facepay order (within about 7
// days).
type ReverseRequest struct {
	PayJSOrderID string `url:"payjs_order_id"`
}

// ReverseResponse is a verified answer to Reverse.
type ReverseResponse struct {
	ReturnCode   int
	ReturnMsg    string
	PayJSOrderID string
	Raw          map[string]json.RawMessage
}

// ComplaintRequest asks for the merchant's complaints. PAYJS takes no
// parameters besides mchid; the struct exists for future ones.
type ComplaintRequest struct{}

// ComplaintResponse is a verified answer to Complaints.
type ComplaintResponse struct {
	ReturnCode int
	ReturnMsg  string
	// Complaints in the order PAYJS sent them; empty when PAYJS sent "", null,
	// false, [] or {}, or left the field out.
	Complaints []ComplaintRecord
	Raw        map[string]json.RawMessage
}

// ComplaintRecord is one complained order as PAYJS lists it. PAYJS warns that
// the fields may change, so every field is also kept in Raw.
type ComplaintRecord struct {
	// ComplaintAt is complaint_at read as Beijing time; zero when absent or in an
	// unknown format (the text is in ComplaintAtText).
	ComplaintAt     time.Time
	ComplaintAtText string
	OutTradeNo      string
	// ComplaintID is absent from the older documentation and from some answers.
	ComplaintID string
	// OrderID is the PAYJS order number, the payjs_order_id that Check, Refund
	// and Close take.
	OrderID string
	// TotalFee is the order amount in fen.
	TotalFee int64
	// Body is the complaint text; may be empty.
	Body string
	// Raw holds every field of the record as received.
	Raw map[string]json.RawMessage
}

// fields is a decoded JSON object with lenient typed accessors.
type fields map[string]json.RawMessage

func decodeFields(body []byte) (fields, error) {
	var f fields
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if f == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	return f, nil
}

// str reads a string, accepting a number or bool as its literal text and null
// as "".
func (f fields) str(k string) string {
	raw, ok := f[k]
	if !ok {
		return ""
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// int reads an integer sent as a number or a numeric string; "", null and
// absence are 0.
func (f fields) int(k string) (int64, error) {
	s := strings.TrimSpace(f.str(k))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Integral floats ("100.0", "1e6") are accepted; fractions are not.
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || fl != float64(int64(fl)) || fl > 1<<53 || fl < -(1<<53) {
			return 0, fmt.Errorf("%w: %s is not an integer", ErrMalformed, k)
		}
		n = int64(fl)
	}
	return n, nil
}

// time reads a zone-less Beijing time; an unknown format is zero, not an error,
// so a changed format never hides the record (the text stays in Raw).
func (f fields) time(k string) time.Time {
	t, err := cntime.Parse(f.str(k))
	if err != nil {
		return time.Time{}
	}
	return t
}

// ints reads several integer fields, stopping at the first error.
func (f fields) ints(dst map[string]*int64) error {
	for k, p := range dst {
		n, err := f.int(k)
		if err != nil {
			return err
		}
		*p = n
	}
	return nil
}

// ToComplaint converts a record to the common model, losslessly: the record
// itself is Raw. mchid is the merchant the client lists for; it becomes
// MerchantID.
//
// ID is the record's ID (complaint_id, or a derived id when PAYJS sends none;
// see DerivedID). The single Order carries order_id as ProviderOrderID, so the
// complaint's Ref has the OrderID that Adapter.DecideRefund refunds. State is
// StateUnknown: PAYJS reports no complaint state. Amount and the Order carry
// total_fee in fen; CreatedAt is complaint_at in Beijing time, zero when PAYJS
// sent none or one in an unknown format.
func (r *ComplaintRecord) ToComplaint(mchid string) *complaint.Complaint {
	amount := complaint.CNY(r.TotalFee)
	return &complaint.Complaint{
		Provider:   complaint.PAYJS,
		ID:         r.ID(),
		MerchantID: mchid,
		State:      complaint.StateUnknown,
		Content:    r.Body,
		Orders:     []complaint.Order{{OutTradeNo: r.OutTradeNo, ProviderOrderID: r.OrderID, Amount: amount}},
		Amount:     amount,
		CreatedAt:  r.ComplaintAt,
		Raw:        r,
	}
}

// ID is the record's dedupe id: complaint_id when present, otherwise DerivedID.
func (r *ComplaintRecord) ID() string {
	if r.ComplaintID != "" {
		return r.ComplaintID
	}
	return r.DerivedID()
}

// DerivedID is the id of a record without complaint_id (PAYJS's older
// answers): order_id + "@" + complaint_at as sent, for example
// "2019101503054900456615858@2024-11-11 10:00:00". When order_id is empty,
// out_trade_no stands in for it with an "out:" prefix. It is stable across
// polls as long as PAYJS repeats the same record, and it is only a name: the
// order to refund travels in the Ref's OrderID, never parsed back from the id.
func (r *ComplaintRecord) DerivedID() string {
	order := r.OrderID
	if order == "" {
		order = "out:" + r.OutTradeNo
	}
	return order + "@" + r.ComplaintAtText
}
