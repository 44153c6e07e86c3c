package allinpay

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

var orderDetailEndpoint = endpoint{name: "wxcomplaintorderdetail", version: "12", idempotent: true}

// GetTransactionComplaintRequest names a "complaint order"
// (wxcomplaintorderdetail, prodoc/2388): apparently a WeChat mini-program
// transaction complaint (交易投诉) [inferred].
type GetTransactionComplaintRequest struct {
	// ComplaintOrderID is complaintorderid: required, at most 32 characters.
	ComplaintOrderID string `url:"complaintorderid"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// orderDetailForm adds the documented timestamp (yyyyMMddHHmmss, China time).
type orderDetailForm struct {
	Timestamp string `url:"timestamp"`
	GetTransactionComplaintRequest
}

// TransactionComplaint is records.complaintOrder of wxcomplaintorderdetail:
// the fields prodoc/2388 lists (its table is cut off after them; Raw keeps
// what else comes). Image links expire: fetch the complaint again for fresh
// ones. Printing it with fmt or log/slog never shows the buyer's phone,
// openid, avatar or text.
type TransactionComplaint struct {
	ComplaintOrderID string `json:"complaintOrderId"`
	OrderID          string `json:"orderId"`
	// OpenID is the buyer's openid (personal data).
	OpenID string `json:"openId"`
	// HeadImgURL is the buyer's avatar (personal data).
	HeadImgURL string `json:"headImgUrl"`
	// PhoneNumber is the buyer's phone number; it prints masked.
	PhoneNumber complaint.Phone `json:"phoneNumber"`
	// Type and Status are the complaint's type and status codes, whose values
	// Allinpay does not document; they are kept as sent.
	Type         int64  `json:"type"`
	Status       int64  `json:"status"`
	ProductName  string `json:"productName"`
	TotalCostStr string `json:"totalCostStr"`
	// CreateTime, PayTime and ExpireTime are zero when not sent (or sent as 0).
	CreateTime       time.Time        `json:"createTime"`
	PayTime          time.Time        `json:"payTime"`
	ExpireTime       time.Time        `json:"expireTime"`
	CustomerMaterial CustomerMaterial `json:"customerMaterial"`
	// Raw is complaintOrder's JSON as received, fields this struct does not
	// know included.
	Raw json.RawMessage `json:"-"`
}

// CustomerMaterial is what the buyer submitted.
type CustomerMaterial struct {
	// MediaIDList are the buyer's images.
	MediaIDList []string `json:"mediaIdList"`
	// Content is the buyer's text (personal data).
	Content string `json:"content"`
}

// LogValue makes log/slog print ids, type, status and times, nothing the
// buyer is or wrote.
func (t TransactionComplaint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("complaint_order_id", t.ComplaintOrderID),
		slog.String("order_id", t.OrderID),
		slog.Int64("type", t.Type),
		slog.Int64("status", t.Status),
		slog.Time("create_time", t.CreateTime),
	)
}

// Format prints the complaint as fmt prints a struct, for every verb, with the
// openid, avatar, buyer's text and Raw redacted (the phone masks itself).
func (t TransactionComplaint) Format(f fmt.State, verb rune) {
	type TransactionComplaint struct {
		ComplaintOrderID, OrderID, OpenID, HeadImgURL string
		PhoneNumber                                   complaint.Phone
		Type, Status                                  int64
		ProductName, TotalCostStr                     string
		CreateTime, PayTime, ExpireTime               time.Time
		CustomerMaterial                              CustomerMaterial
	}
	r := TransactionComplaint{t.ComplaintOrderID, t.OrderID, wxcomplaint.Redact(t.OpenID), wxcomplaint.Redact(t.HeadImgURL), t.PhoneNumber,
		t.Type, t.Status, t.ProductName, t.TotalCostStr, t.CreateTime, t.PayTime, t.ExpireTime,
		CustomerMaterial{t.CustomerMaterial.MediaIDList, wxcomplaint.Redact(t.CustomerMaterial.Content)}}
	fmt.Fprintf(f, fmt.FormatString(f, verb), r)
}

// epochTime is a time sent as Unix seconds (a number or a string of digits;
// 0, "" and null are the zero time) or as a date string cntime.Parse reads.
type epochTime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *epochTime) UnmarshalJSON(b []byte) error {
	var n wxcomplaint.FlexInt64
	if err := n.UnmarshalJSON(b); err == nil {
		t.Time = time.Time{}
		if n != 0 {
			t.Time = time.Unix(int64(n), 0).In(cntime.Zone)
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time is neither a number nor a string")
	}
	v, err := cntime.Parse(s)
	if err != nil {
		return fmt.Errorf("time is not a time")
	}
	t.Time = v
	return nil
}

// GetTransactionComplaint fetches a complaint order. It sends the documented
// timestamp (now, China time). A records errcode other than 0 is an *APIError
// whose RetCode is that errcode and RetMsg its errmsg; an unknown complaint
// order matches complaint.ErrNotFound. It is a read and is retried under the
// client's retry policy.
func (c *Client) GetTransactionComplaint(ctx context.Context, r *GetTransactionComplaintRequest) (*TransactionComplaint, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	switch {
	case r == nil:
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case r.ComplaintOrderID == "":
		return nil, &complaint.ValidationError{Field: "complaintorderid", Reason: "is required"}
	case len(r.ComplaintOrderID) > 32:
		return nil, &complaint.ValidationError{Field: "complaintorderid", Reason: "is longer than 32 characters"}
	}
	form := orderDetailForm{Timestamp: cntime.Format(c.now(), cntime.CompactSecond), GetTransactionComplaintRequest: *r}
	resp, err := c.call(ctx, orderDetailEndpoint, &form)
	if err != nil {
		return nil, err
	}
	b, err := resp.records()
	if err != nil {
		return nil, err
	}
	out, code, msg, err := decodeTransactionComplaint(b)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", orderDetailEndpoint.name, err)
	}
	if code != 0 {
		return nil, newAPIError(orderDetailEndpoint.name, 200, strconv.FormatInt(code, 10), msg)
	}
	return out, nil
}

// decodeTransactionComplaint decodes wxcomplaintorderdetail's records: the
// complaint, or WeChat's errcode and errmsg when errcode is not 0. Without
// errcode 0 and a complaintOrder holding its complaintOrderId, it is
// ErrMalformed.
func decodeTransactionComplaint(b []byte) (out *TransactionComplaint, errcode int64, errmsg string, err error) {
	var w struct {
		ErrCode        wxcomplaint.FlexInt64 `json:"errcode"`
		ErrMsg         string                `json:"errmsg"`
		ComplaintOrder json.RawMessage       `json:"complaintOrder"`
	}
	if err := unmarshalRecords(b, &w); err != nil {
		return nil, 0, "", err
	}
	if w.ErrCode != 0 {
		return nil, int64(w.ErrCode), w.ErrMsg, nil
	}
	var o struct {
		*TransactionComplaint
		Type       wxcomplaint.FlexInt64 `json:"type"`
		Status     wxcomplaint.FlexInt64 `json:"status"`
		CreateTime epochTime             `json:"createTime"`
		PayTime    epochTime             `json:"payTime"`
		ExpireTime epochTime             `json:"expireTime"`
	}
	o.TransactionComplaint = new(TransactionComplaint)
	if len(w.ComplaintOrder) == 0 || string(w.ComplaintOrder) == "null" {
		return nil, 0, "", fmt.Errorf("%w: records: no complaintOrder", ErrMalformed)
	}
	if err := json.Unmarshal(w.ComplaintOrder, &o); err != nil {
		return nil, 0, "", fmt.Errorf("%w: records: complaintOrder: %w", ErrMalformed, err)
	}
	if o.TransactionComplaint == nil || o.ComplaintOrderID == "" {
		return nil, 0, "", fmt.Errorf("%w: records: complaintOrder without complaintOrderId", ErrMalformed)
	}
	t := o.TransactionComplaint
	t.Type, t.Status = int64(o.Type), int64(o.Status)
	t.CreateTime, t.PayTime, t.ExpireTime = o.CreateTime.Time, o.PayTime.Time, o.ExpireTime.Time
	t.Raw = w.ComplaintOrder
	return t, 0, "", nil
}
