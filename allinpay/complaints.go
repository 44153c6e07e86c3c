package allinpay

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"strconv"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/paging"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// Limits of the WeChat complaint list (wxcomplaintlistquery, prodoc/1391).
const (
	// MaxListSpan is the longest window between Begin and End: 30 days.
	MaxListSpan = 30 * 24 * time.Hour
	// DefaultListPageSize is the page size Allinpay uses when none is given.
	DefaultListPageSize = 10
	// MaxListPageSize is the page size Allinpay advises not to exceed
	// ("建议不超过20"); it is advice, not a limit the client enforces.
	MaxListPageSize = 20
)

var (
	listEndpoint   = endpoint{name: "wxcomplaintlistquery", version: "11", idempotent: true}
	detailEndpoint = endpoint{name: "wxcomplaintdetail", version: "12", idempotent: true}
)

// ListComplaintsRequest asks for one page of the WeChat complaints created in
// a window (wxcomplaintlistquery, 微信查询投诉单列表).
type ListComplaintsRequest struct {
	// Begin and End bound the complaints' creation times (begindate,
	// enddate): both required, End not before Begin, at most MaxListSpan
	// apart. They are sent to the second (sub-seconds dropped) as
	// yyyy-MM-dd HH:mm:ss in China time, whatever their location; Allinpay
	// includes both ends [inferred].
	Begin time.Time `url:"-"`
	End   time.Time `url:"-"`
	// PageNum is the 1-based page (current_page_num); 0 means 1.
	PageNum int `url:"current_page_num,omitempty"`
	// PageSize is the page size; 0 means DefaultListPageSize. Allinpay
	// advises at most MaxListPageSize.
	PageSize int `url:"page_size,omitempty"`
	// GroupAll lists a whole group's complaints (groupall=1), for a group
	// listing with its group number as CusID.
	GroupAll bool `url:"groupall,int,omitempty"`
	// CusID is the merchant whose complaints are listed; empty means the
	// client's CusID (an agent's or group's own number lists all its
	// merchants').
	CusID string `url:"cusid,omitempty"`
}

// listForm is what ListComplaints sends: the request with its window
// formatted.
type listForm struct {
	BeginDate string `url:"begindate"`
	EndDate   string `url:"enddate"`
	ListComplaintsRequest
}

// ListedComplaint is one item of the WeChat complaint list: WeChat's
// complaint as Allinpay relays it, and MerchantNo, the Allinpay merchant
// (cusid) it is against, which agents and groups pass as CusID to act on it.
// Its Raw holds the item's JSON as received.
type ListedComplaint struct {
	Complaint
	MerchantNo string `json:"merchantNo"`
	// CusID is the sub-merchant the complaint is against when it is not the
	// client's own merchant (MerchantNo, else the cusid the list was asked
	// with; empty for the client's own), set by ListComplaints; it becomes
	// the Ref's MerchantID. Not on the wire.
	CusID string `json:"-"`
}

// ToComplaint converts the complaint to the common model with WeChat's
// converter (Complaint.ToComplaint, which Allinpay's relay shares with
// package wechatpay) and names it as Allinpay does: Provider allinpay,
// Channel wechat, ChannelID the WeChat complaint id, MerchantID the
// Allinpay sub-merchant (CusID; complainted_mchid, WeChat's own merchant
// number, stays in Raw). Raw is l itself. Use this, not the embedded
// Complaint's ToComplaint, whose Ref would name WeChat Pay.
func (l *ListedComplaint) ToComplaint() *complaint.Complaint {
	if l == nil {
		return nil
	}
	out := l.Complaint.ToComplaint()
	out.Provider, out.Channel, out.ChannelID = complaint.Allinpay, complaint.ChannelWeChat, l.ComplaintID
	out.MerchantID = l.CusID
	out.Raw = l
	return out
}

// LogValue makes log/slog print the merchant and the complaint's redacted
// summary (see Complaint.LogValue).
func (c ListedComplaint) LogValue() slog.Value {
	return slog.GroupValue(slog.String("merchant_no", c.MerchantNo), slog.Any("complaint", c.Complaint))
}

// Format prints the item as fmt prints a struct, for every verb, with the
// complaint redacted as Complaint.Format redacts it (without it, the
// embedded complaint's Format would print the complaint alone).
func (c ListedComplaint) Format(f fmt.State, verb rune) {
	type ListedComplaint struct {
		Complaint         Complaint
		MerchantNo, CusID string
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), ListedComplaint{c.Complaint, c.MerchantNo, c.CusID})
}

// ListComplaintsResponse is one page of the WeChat complaint list.
type ListComplaintsResponse struct {
	// Data are the page's complaints, newest first as Allinpay lists them.
	Data []ListedComplaint
	// TotalCount is the top-level total_count: all complaints in the window
	// (0 when Allinpay sends none).
	TotalCount int
	// Raw is the decoded records JSON as received (nil when the reply had no
	// records).
	Raw json.RawMessage
}

// ListComplaints fetches one page of the WeChat complaints created in
// [Begin, End]. A window longer than MaxListSpan is refused before any
// request. It is a read and is retried under the client's retry policy.
func (c *Client) ListComplaints(ctx context.Context, r *ListComplaintsRequest) (*ListComplaintsResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := checkListRequest(r); err != nil {
		return nil, err
	}
	form := listForm{
		BeginDate:             cntime.Format(r.Begin, cntime.DateTime),
		EndDate:               cntime.Format(r.End, cntime.DateTime),
		ListComplaintsRequest: *r,
	}
	resp, err := c.call(ctx, listEndpoint, &form)
	if err != nil {
		return nil, err
	}
	out, err := decodeListReply(resp.get("records"), resp.get("total_count"))
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", listEndpoint.name, err)
	}
	for i := range out.Data {
		out.Data[i].CusID = c.refMerchant(out.Data[i].MerchantNo, r.CusID)
	}
	return out, nil
}

// AllComplaints pages through ListComplaints from r.PageNum, yielding every
// complaint in the window; a failed page yields (nil, err) and stops, and so
// does breaking out of the loop. The list is newest first and paged by number,
// so a complaint created while paging can shift an item onto the next page,
// where it is yielded again; callers that must not see one twice key on
// ComplaintID. r is not modified.
func (c *Client) AllComplaints(ctx context.Context, r *ListComplaintsRequest) iter.Seq2[*ListedComplaint, error] {
	if err := complaint.CheckContext(ctx); err != nil {
		return paging.Failed[ListedComplaint](err)
	}
	if err := checkListRequest(r); err != nil {
		return paging.Failed[ListedComplaint](err)
	}
	return paging.ByNumber(ctx, *r, func(q *ListComplaintsRequest) *int { return &q.PageNum },
		cmp.Or(r.PageSize, DefaultListPageSize), c.ListComplaints,
		func(p *ListComplaintsResponse) ([]ListedComplaint, int) { return p.Data, p.TotalCount })
}

func checkListRequest(r *ListComplaintsRequest) error {
	if r == nil {
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	}
	begin, end := r.Begin.Truncate(time.Second), r.End.Truncate(time.Second)
	switch {
	case r.Begin.IsZero():
		return &complaint.ValidationError{Field: "begindate", Reason: "is required"}
	case r.End.IsZero():
		return &complaint.ValidationError{Field: "enddate", Reason: "is required"}
	case end.Before(begin):
		return &complaint.ValidationError{Field: "enddate", Reason: "is before begindate"}
	case end.Sub(begin) > MaxListSpan:
		return &complaint.ValidationError{Field: "enddate", Reason: "is more than 30 days after begindate"}
	case r.PageNum < 0:
		return &complaint.ValidationError{Field: "current_page_num", Reason: "is negative"}
	case r.PageSize < 0:
		return &complaint.ValidationError{Field: "page_size", Reason: "is negative"}
	}
	return nil
}

// decodeListReply decodes the list's payload: records, Base64 of a JSON array
// of complaints, and the top-level total_count. A reply without records is an
// empty page [inferred: Allinpay does not say whether an empty list sends
// "[]" or nothing].
func decodeListReply(records, totalCount string) (*ListComplaintsResponse, error) {
	out := &ListComplaintsResponse{}
	if totalCount != "" {
		n, err := strconv.Atoi(totalCount)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: total_count is not a count", ErrMalformed)
		}
		out.TotalCount = n
	}
	if records == "" {
		return out, nil
	}
	b, err := decodeRecords(records)
	if err != nil {
		return nil, err
	}
	if out.Data, err = decodeComplaintList(b); err != nil {
		return nil, err
	}
	out.Raw = b
	return out, nil
}

// decodeComplaintList decodes the list's records JSON: an array of
// complaints, each keeping its own JSON in Raw.
func decodeComplaintList(b []byte) ([]ListedComplaint, error) {
	var items []json.RawMessage
	if err := unmarshalRecords(b, &items); err != nil {
		return nil, err
	}
	out := make([]ListedComplaint, len(items))
	for i, item := range items {
		var err error
		if out[i], err = decodeComplaint(item); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
	}
	return out, nil
}

// complaintWire decodes a relayed complaint with Allinpay's leniency on top
// of WeChat's (wxcomplaint.Unmarshal: empty times, complaint_media_list as
// object or array): the numbers may come as JSON strings. The outer fields
// shadow the embedded complaint's for encoding/json.
type complaintWire struct {
	*Complaint
	MerchantNo         string                `json:"merchantNo"`
	UserComplaintTimes wxcomplaint.FlexInt64 `json:"user_complaint_times"`
	ApplyRefundAmount  wxcomplaint.FlexInt64 `json:"apply_refund_amount"`
	ComplaintOrderInfo []orderWire           `json:"complaint_order_info"`
}

// orderWire is a complaint_order_info entry whose amount may be a string.
type orderWire struct {
	*ComplaintOrder
	Amount wxcomplaint.FlexInt64 `json:"amount"`
}

// decodeComplaint decodes one complaint object (a list item or the detail's
// records) and keeps b in Raw. A complaint without complaint_id is
// ErrMalformed.
func decodeComplaint(b []byte) (ListedComplaint, error) {
	w := complaintWire{Complaint: new(Complaint)}
	if err := unmarshalRecords(b, &w); err != nil {
		return ListedComplaint{}, err
	}
	var out ListedComplaint
	if w.Complaint != nil { // nil after the lenient retry when no complaint field was present
		out.Complaint = *w.Complaint
	}
	if out.ComplaintID == "" {
		return ListedComplaint{}, fmt.Errorf("%w: complaint without complaint_id", ErrMalformed)
	}
	out.MerchantNo = w.MerchantNo
	out.UserComplaintTimes = int(w.UserComplaintTimes)
	out.ApplyRefundAmount = int64(w.ApplyRefundAmount)
	out.ComplaintOrderInfo = nil
	for _, o := range w.ComplaintOrderInfo {
		var order ComplaintOrder
		if o.ComplaintOrder != nil {
			order = *o.ComplaintOrder
		}
		order.Amount = int64(o.Amount)
		out.ComplaintOrderInfo = append(out.ComplaintOrderInfo, order)
	}
	out.Raw = b
	return out, nil
}

// GetComplaintRequest names a WeChat complaint (wxcomplaintdetail).
type GetComplaintRequest struct {
	// ComplaintID is the WeChat complaint id (投诉单号), required.
	ComplaintID string `url:"complaint_id"`
	// CusID is the sub-merchant the complaint is against (the list item's
	// MerchantNo), for agents and groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// GetComplaint fetches one WeChat complaint's detail; Raw holds its JSON as
// received. Complaint.ToComplaint is WeChat's converter and names WeChat Pay:
// for the common model under Allinpay's name use Adapter.Get, or wrap the
// complaint in a ListedComplaint with its CusID. An unknown complaint is an *APIError matching
// complaint.ErrNotFound. It is a read and is retried under the client's retry
// policy.
func (c *Client) GetComplaint(ctx context.Context, r *GetComplaintRequest) (*Complaint, error) {
	l, err := c.getComplaint(ctx, r)
	if err != nil {
		return nil, err
	}
	return &l.Complaint, nil
}

// getComplaint is GetComplaint with the merchant kept: merchantNo when the
// detail carries one, and CusID by the Ref rule (refMerchant), for the
// adapter.
func (c *Client) getComplaint(ctx context.Context, r *GetComplaintRequest) (*ListedComplaint, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return nil, err
	}
	resp, err := c.call(ctx, detailEndpoint, r)
	if err != nil {
		return nil, err
	}
	b, err := resp.records()
	if err != nil {
		return nil, err
	}
	item, err := decodeComplaint(b)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", detailEndpoint.name, err)
	}
	item.CusID = c.refMerchant(item.MerchantNo, r.CusID)
	return &item, nil
}

// checkComplaintID requires a complaint id.
func checkComplaintID(id string) error {
	if id == "" {
		return &complaint.ValidationError{Field: "complaint_id", Reason: "is required"}
	}
	return nil
}
