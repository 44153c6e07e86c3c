package allinpay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/paging"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// Alipay list page sizes: Allinpay's default, and the largest it is asked
// for (epay caps the list at 50; Allinpay documents no limit).
const (
	DefaultAlipayPageSize = 10
	MaxAlipayPageSize     = 50
)

var (
	alipayListEndpoint   = endpoint{name: "alicomplaintqueryv2", version: "11", idempotent: true}
	alipayDetailEndpoint = endpoint{name: "alicomplaintquery", idempotent: true}
	alipayFinishEndpoint = endpoint{name: "alicomplaintprocessfinish"}
	alipayUploadEndpoint = endpoint{name: "alicomplaintfileupload"}
)

// ListAlipayComplaintsRequest asks for one page of Alipay complaints
// (alicomplaintqueryv2, 支付宝查询投诉单列表). Every filter is optional.
type ListAlipayComplaintsRequest struct {
	// PageNum is the 1-based page (current_page_num); 0 means 1.
	PageNum int
	// PageSize is the page size, at most MaxAlipayPageSize; 0 means
	// Allinpay's default, DefaultAlipayPageSize (AllAlipayComplaints asks
	// for MaxAlipayPageSize).
	PageSize int
	// Start and End bound the complaint time (gmt_complaint_start,
	// gmt_complaint_end), sent to the second in Beijing time; zero means no
	// bound. Allinpay documents no span limit for this list.
	Start, End time.Time
	// TradeNo filters by Alipay trade number.
	TradeNo string
	// TaskID filters by Alipay task id.
	TaskID string
	// CusID lists one sub-merchant's complaints (agents and groups); empty
	// means the client's CusID, which for an agent lists every sub-merchant.
	CusID string
}

// alipayListForm is the list request on the wire. timestamp (listed on the
// page, yyyyMMddHHmmss) is the client's clock, so it is signed too.
type alipayListForm struct {
	PageNum   int    `url:"current_page_num,omitempty"`
	PageSize  int    `url:"page_size,omitempty"`
	Start     string `url:"gmt_complaint_start,omitempty"`
	End       string `url:"gmt_complaint_end,omitempty"`
	TradeNo   string `url:"trade_no,omitempty"`
	TaskID    string `url:"task_id,omitempty"`
	CusID     string `url:"cusid,omitempty"`
	Timestamp string `url:"timestamp"`
}

// ListAlipayComplaintsResponse is one page of the Alipay list. Code is
// always "10000" (anything else is an *AlipayError).
type ListAlipayComplaintsResponse struct {
	Code        string
	Msg         string
	TotalSize   int
	CurrentPage int
	PageSize    int
	// ComplaintList holds the page's complaints, each with its own JSON in
	// Raw and, for an agent or group, its sub-merchant in CusID.
	ComplaintList []AlipayComplaint
	// Raw is the decoded records JSON as received.
	Raw json.RawMessage
}

// alipayListWire is the list records object.
type alipayListWire struct {
	alipayResult
	TotalSize     wxcomplaint.FlexInt64 `json:"total_size"`
	CurrentPage   wxcomplaint.FlexInt64 `json:"current_page"`
	PageSize      wxcomplaint.FlexInt64 `json:"page_size"`
	ComplaintList []AlipayComplaint     `json:"complaint_list"`
}

// LogValue makes log/slog print the page's position and size, never its
// complaints.
func (r ListAlipayComplaintsResponse) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("complaints", len(r.ComplaintList)),
		slog.Int("current_page", r.CurrentPage),
		slog.Int("page_size", r.PageSize),
		slog.Int("total_size", r.TotalSize),
	)
}

// listAlipayFields has the response's fields and none of its methods.
type listAlipayFields ListAlipayComplaintsResponse

// Format prints the page as fmt prints a struct, for every verb, without
// Raw; each complaint prints redacted (see AlipayComplaint.Format).
func (r ListAlipayComplaintsResponse) Format(f fmt.State, verb rune) {
	type ListAlipayComplaintsResponse listAlipayFields
	p := ListAlipayComplaintsResponse(r)
	p.Raw = nil
	fmt.Fprintf(f, fmt.FormatString(f, verb), p)
}

// ListAlipayComplaints fetches one page of Alipay complaints, newest first as
// Allinpay orders them [inferred].
func (c *Client) ListAlipayComplaints(ctx context.Context, r *ListAlipayComplaintsRequest) (*ListAlipayComplaintsResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := checkAlipayList(r); err != nil {
		return nil, err
	}
	form := alipayListForm{PageNum: r.PageNum, PageSize: r.PageSize, TradeNo: r.TradeNo, TaskID: r.TaskID,
		CusID: r.CusID, Timestamp: cntime.Format(c.now(), cntime.CompactSecond)}
	if !r.Start.IsZero() {
		form.Start = cntime.Format(r.Start, cntime.DateTime)
	}
	if !r.End.IsZero() {
		form.End = cntime.Format(r.End, cntime.DateTime)
	}
	resp, err := c.call(ctx, alipayListEndpoint, &form)
	if err != nil {
		return nil, err
	}
	b, err := resp.records()
	if err != nil {
		return nil, err
	}
	p, res, err := decodeAlipayList(b)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", alipayListEndpoint.name, err)
	}
	if err := res.err(alipayListEndpoint.name, true); err != nil {
		return nil, err
	}
	for i := range p.ComplaintList {
		p.ComplaintList[i].CusID = c.refMerchant(p.ComplaintList[i].MerchantNo, r.CusID)
	}
	return p, nil
}

// decodeAlipayList decodes list records and returns Alipay's result next to
// the page, for the caller to check; errors wrap ErrMalformed.
func decodeAlipayList(b []byte) (*ListAlipayComplaintsResponse, *alipayResult, error) {
	var w alipayListWire
	if err := unmarshalRecords(b, &w); err != nil {
		return nil, nil, err
	}
	if w.TotalSize < 0 || w.CurrentPage < 0 || w.PageSize < 0 {
		return nil, nil, fmt.Errorf("%w: records: negative total_size, current_page or page_size", ErrMalformed)
	}
	return &ListAlipayComplaintsResponse{Code: string(w.Code), Msg: w.Msg, TotalSize: int(w.TotalSize),
		CurrentPage: int(w.CurrentPage), PageSize: int(w.PageSize), ComplaintList: w.ComplaintList, Raw: b}, &w.alipayResult, nil
}

// AllAlipayComplaints pages through ListAlipayComplaints from r.PageNum,
// yielding every complaint in Allinpay's order; a failed page yields (nil,
// err) and stops, and so does breaking out of the loop. A PageSize of 0 asks
// for MaxAlipayPageSize. Pages are numbered, so a complaint filed while
// paging can shift one to the next page and yield it twice: de-duplicate by
// ID when that matters. r is not modified.
func (c *Client) AllAlipayComplaints(ctx context.Context, r *ListAlipayComplaintsRequest) iter.Seq2[*AlipayComplaint, error] {
	if err := complaint.CheckContext(ctx); err != nil {
		return paging.Failed[AlipayComplaint](err)
	}
	if err := checkAlipayList(r); err != nil {
		return paging.Failed[AlipayComplaint](err)
	}
	req := *r
	if req.PageSize == 0 {
		req.PageSize = MaxAlipayPageSize
	}
	// Each page's total_size decides whether another page follows (a
	// complaint filed while paging raises it), as for the WeChat list.
	list := func(ctx context.Context, q *ListAlipayComplaintsRequest) (*ListAlipayComplaintsResponse, error) {
		page, err := c.ListAlipayComplaints(ctx, q)
		if err == nil && len(page.ComplaintList) > q.PageSize {
			return nil, fmt.Errorf("allinpay: %s: %w: %d complaints on a page of %d",
				alipayListEndpoint.name, ErrMalformed, len(page.ComplaintList), q.PageSize)
		}
		return page, err
	}
	return paging.ByNumber(ctx, req, func(q *ListAlipayComplaintsRequest) *int { return &q.PageNum }, req.PageSize, list,
		func(p *ListAlipayComplaintsResponse) ([]AlipayComplaint, int) { return p.ComplaintList, p.TotalSize })
}

func checkAlipayList(r *ListAlipayComplaintsRequest) error {
	switch {
	case r == nil:
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case r.PageNum < 0:
		return &complaint.ValidationError{Field: "current_page_num", Reason: "is negative"}
	case r.PageSize < 0 || r.PageSize > MaxAlipayPageSize:
		return &complaint.ValidationError{Field: "page_size", Reason: fmt.Sprintf("must be 0 to %d", MaxAlipayPageSize)}
	case !r.Start.IsZero() && !r.End.IsZero() && r.End.Before(r.Start):
		return &complaint.ValidationError{Field: "gmt_complaint_end", Reason: "is before gmt_complaint_start"}
	case !isID(r.CusID):
		return &complaint.ValidationError{Field: "cusid", Reason: "must be at most 32 letters, digits, '-' or '_'"}
	}
	return nil
}

// GetAlipayComplaintRequest asks for one Alipay complaint (alicomplaintquery,
// 支付宝查询投诉单详情).
type GetAlipayComplaintRequest struct {
	// ComplainID is Alipay's complaint id (AlipayComplaint.ID). The field is
	// complain_id on the wire, not complaint_id.
	ComplainID string `url:"complain_id"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups (the complaint's CusID, its Ref's MerchantID); empty means the
	// client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// GetAlipayComplaint fetches one Alipay complaint with its processing
// fields. An unknown id is Allinpay's FAIL, an *APIError matching
// complaint.ErrNotFound.
func (c *Client) GetAlipayComplaint(ctx context.Context, r *GetAlipayComplaintRequest) (*AlipayComplaint, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	switch {
	case r == nil:
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case r.ComplainID == "":
		return nil, &complaint.ValidationError{Field: "complain_id", Reason: "is required"}
	}
	resp, err := c.call(ctx, alipayDetailEndpoint, r)
	if err != nil {
		return nil, err
	}
	b, err := resp.records()
	if err != nil {
		return nil, err
	}
	a, res, err := decodeAlipayDetail(b)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", alipayDetailEndpoint.name, err)
	}
	if err := res.err(alipayDetailEndpoint.name, false); err != nil {
		return nil, err
	}
	a.CusID = c.refMerchant(a.MerchantNo, r.CusID)
	return a, nil
}

// decodeAlipayDetail decodes detail records, the complaint object, and
// Alipay's result, which it may carry; errors wrap ErrMalformed. Alipay's
// result is decoded first: a failure answer need not be a valid complaint.
func decodeAlipayDetail(b []byte) (*AlipayComplaint, *alipayResult, error) {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, nil, fmt.Errorf("%w: records: not a json object", ErrMalformed)
	}
	var res alipayResult
	if err := unmarshalRecords(b, &res); err != nil {
		return nil, nil, err
	}
	if res.err("", false) != nil {
		return &AlipayComplaint{}, &res, nil
	}
	var a AlipayComplaint
	if err := unmarshalRecords(b, &a); err != nil {
		return nil, nil, err
	}
	return &a, &res, nil
}

// AlipayImage is an evidence image of a finish call (img_file_list): the
// file_url and file_key an upload returned (AlipayFile.Image).
type AlipayImage struct {
	ImgURL    string `json:"img_url"`
	ImgURLKey string `json:"img_url_key"`
}

// FinishAlipayComplaintsRequest reports the merchant's handling of Alipay
// complaints (alicomplaintprocessfinish, 支付宝处理完成).
type FinishAlipayComplaintsRequest struct {
	// IDs are the complaints' ids (AlipayComplaint.ID), at least one; sent as
	// the JSON array id_list of numbers, Alipay's type for the ids.
	IDs []string
	// ProcessCode says how they were handled; required. AlipayProcessOther
	// ("ORTHER") is what third-party code sends by default.
	ProcessCode AlipayProcessCode
	// Remark is the merchant's note to the buyer and Alipay.
	Remark string
	// Images are evidence images uploaded with UploadAlipayFile, sent as the
	// JSON array img_file_list; none sends no img_file_list.
	Images []AlipayImage
	// CusID is the sub-merchant the complaints are against, for agents and
	// groups; empty means the client's CusID.
	CusID string
}

type alipayFinishForm struct {
	IDList      string `url:"id_list"`
	ProcessCode string `url:"process_code"`
	Remark      string `url:"remark,omitempty"`
	ImgFileList string `url:"img_file_list,omitempty"`
	CusID       string `url:"cusid,omitempty"`
}

// FinishAlipayComplaints reports the complaints handled. It returns nil once
// Allinpay answered complaint_process_success "true"; any other value is an
// *AlipayError (a failure inside a successful reply is an error, never a
// field to check), an answer without it ErrMalformed. It is a write, retried
// only with option.Retry.RetryWrites.
func (c *Client) FinishAlipayComplaints(ctx context.Context, r *FinishAlipayComplaintsRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	form, err := alipayFinishWire(r)
	if err != nil {
		return err
	}
	resp, err := c.call(ctx, alipayFinishEndpoint, form)
	if err != nil {
		return err
	}
	switch v := resp.get("complaint_process_success"); v {
	case "true":
		return nil
	case "":
		return fmt.Errorf("allinpay: %s: %w: no complaint_process_success", alipayFinishEndpoint.name, ErrMalformed)
	default:
		return &AlipayError{Method: alipayFinishEndpoint.name, Msg: "complaint_process_success=" + httpc.ProviderText(v)}
	}
}

// alipayFinishWire checks r and builds its form: id_list and img_file_list
// as JSON text.
func alipayFinishWire(r *FinishAlipayComplaintsRequest) (*alipayFinishForm, error) {
	switch {
	case r == nil:
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case len(r.IDs) == 0:
		return nil, &complaint.ValidationError{Field: "id_list", Reason: "is empty"}
	case r.ProcessCode == "":
		return nil, &complaint.ValidationError{Field: "process_code", Reason: "is required"}
	}
	for _, id := range r.IDs {
		// A JSON number: digits, no leading zero, within Alipay's long.
		if id == "" || len(id) > 19 || !isDigits(id) || (id[0] == '0' && len(id) > 1) {
			return nil, &complaint.ValidationError{Field: "id_list", Reason: "holds an id that is not an Alipay complaint id (digits)"}
		}
	}
	form := &alipayFinishForm{IDList: "[" + strings.Join(r.IDs, ",") + "]", ProcessCode: string(r.ProcessCode),
		Remark: r.Remark, CusID: r.CusID}
	if len(r.Images) > 0 {
		for _, im := range r.Images {
			if im.ImgURL == "" || im.ImgURLKey == "" {
				return nil, &complaint.ValidationError{Field: "img_file_list", Reason: "holds an image without img_url or img_url_key"}
			}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // URLs as written: & stays &, not \u0026
		if err := enc.Encode(r.Images); err != nil {
			return nil, fmt.Errorf("allinpay: %s: img_file_list: %w", alipayFinishEndpoint.name, err)
		}
		form.ImgFileList = strings.TrimSuffix(b.String(), "\n")
	}
	return form, nil
}
