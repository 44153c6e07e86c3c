package wechatpay

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/paging"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// Language is the global mch_language query value.
type Language string

// Languages accepted by the global endpoints.
const (
	LanguageZhCN Language = "ZH_CN"
	LanguageZhTW Language = "ZH_TW"
	LanguageZhHK Language = "ZH_HK"
	LanguageEN   Language = "EN"
	LanguageJA   Language = "JA"
	LanguageKO   Language = "KO"
	LanguageTH   Language = "TH"
	LanguageVI   Language = "VI"
	LanguageRU   Language = "RU"
	LanguageDE   Language = "DE"
	LanguageFR   Language = "FR"
	LanguageAR   Language = "AR"
	LanguageES   Language = "ES"
)

// ListComplaintsRequest queries complaints-v2 (mainland) or complaints
// (global). BeginDate and EndDate are calendar days in Beijing time, both
// required, at most 30 days apart.
type ListComplaintsRequest struct {
	BeginDate time.Time
	EndDate   time.Time
	// Limit is the page size, 1..50; 0 means 10.
	Limit int
	// Offset is the 0-based start.
	Offset int
	// ComplaintedMchID narrows a service provider's list to one sub-merchant.
	ComplaintedMchID string
	// Language is the global mch_language; ignored on mainland.
	Language Language
}

// GetComplaintRequest asks for one complaint's detail.
type GetComplaintRequest struct {
	ComplaintID string
	// Language is the global mch_language; ignored on mainland.
	Language Language
}

// ListHistoryRequest queries one complaint's negotiation history.
type ListHistoryRequest struct {
	ComplaintID string
	// Limit is the page size, 1..300; 0 means 100.
	Limit  int
	Offset int
	// Language is the global mch_language; ignored on mainland.
	Language Language
}

// ListComplaintsResponse is one page of complaints. Raw holds the page's body
// as received; RawItems splits it into the items' own JSON.
type ListComplaintsResponse = wxcomplaint.Page[Complaint]

// ListHistoryResponse is one page of history. Raw holds the page's body as
// received; RawItems splits it into the items' own JSON.
type ListHistoryResponse = wxcomplaint.Page[NegotiationHistory]

// dayIndex is the Beijing calendar day of t, as days since the epoch.
func dayIndex(t time.Time) int64 {
	y, m, d := t.In(cntime.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func (c *Client) listQuery(r *ListComplaintsRequest) (string, error) {
	if r == nil {
		return "", invalid("request", "is nil")
	}
	if r.BeginDate.IsZero() {
		return "", invalid("begin_date", "is required")
	}
	if r.EndDate.IsZero() {
		return "", invalid("end_date", "is required")
	}
	span := dayIndex(r.EndDate) - dayIndex(r.BeginDate)
	if span < 0 {
		return "", invalid("end_date", "is before begin_date")
	}
	if span > MaxListSpanDays {
		return "", invalid("end_date", "more than 30 days after begin_date")
	}
	limit := r.Limit
	if limit == 0 {
		limit = DefaultListLimit
	}
	if limit < 1 || limit > MaxListLimit {
		return "", invalid("limit", "must be 1..50")
	}
	if r.Offset < 0 {
		return "", invalid("offset", "is negative")
	}
	if err := checkMchID("complainted_mchid", r.ComplaintedMchID, false); err != nil {
		return "", err
	}
	if err := checkLanguage(r.Language); err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(r.Offset))
	q.Set("begin_date", cntime.Format(r.BeginDate, cntime.Date))
	q.Set("end_date", cntime.Format(r.EndDate, cntime.Date))
	if r.ComplaintedMchID != "" {
		q.Set("complainted_mchid", r.ComplaintedMchID)
	}
	if c.region == RegionGlobal && r.Language != "" {
		q.Set("mch_language", string(r.Language))
	}
	return q.Encode(), nil
}

// ListComplaints fetches one page of complaints (complaints-v2 on mainland,
// complaints on global). The date span is at most 30 days, limit 1..50.
func (c *Client) ListComplaints(ctx context.Context, r *ListComplaintsRequest) (*ListComplaintsResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	q, err := c.listQuery(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodGet, c.complaintsPath()+"?"+q, nil, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	page, err := decodeComplaintList(resp.Body, cmp.Or(r.Limit, DefaultListLimit))
	if err != nil {
		return nil, err
	}
	for i := range page.Data {
		c.decryptPhoneField(ctx, &page.Data[i])
	}
	return page, nil
}

// decodeComplaintList is the decoding half of ListComplaints (what
// BenchmarkPageDecode measures); limit is the page size asked for.
func decodeComplaintList(body []byte, limit int) (*ListComplaintsResponse, error) {
	p, err := wxcomplaint.DecodeComplaintPage(body, limit)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: decoding complaint list: %w", err)
	}
	p.Raw = body
	return &p, nil
}

// AllComplaints pages through ListComplaints from r.Offset, yielding every
// complaint; a failed page yields (nil, err) and stops. Stopping the loop early
// stops the paging. r is not modified.
func (c *Client) AllComplaints(ctx context.Context, r *ListComplaintsRequest) iter.Seq2[*Complaint, error] {
	if err := checkIteration(ctx, r == nil); err != nil {
		return paging.Failed[Complaint](err)
	}
	return paging.ByOffset(ctx, *r, func(q *ListComplaintsRequest) *int { return &q.Offset },
		cmp.Or(r.Limit, DefaultListLimit), c.ListComplaints, paging.WeChatItems)
}

// GetComplaint fetches one complaint's detail.
func (c *Client) GetComplaint(ctx context.Context, r *GetComplaintRequest) (*Complaint, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return nil, err
	}
	if err := checkLanguage(r.Language); err != nil {
		return nil, err
	}
	p := c.complaintPath(r.ComplaintID, "")
	if c.region == RegionGlobal && r.Language != "" {
		p += "?mch_language=" + url.QueryEscape(string(r.Language))
	}
	resp, err := c.do(ctx, http.MethodGet, p, nil, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	var out Complaint
	if err := wxcomplaint.DecodeComplaint(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding complaint: %w", err)
	}
	c.decryptPhoneField(ctx, &out)
	return &out, nil
}

// ListHistory fetches one page of a complaint's negotiation history
// (negotiation-historys), limit 1..300.
func (c *Client) ListHistory(ctx context.Context, r *ListHistoryRequest) (*ListHistoryResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return nil, err
	}
	limit := r.Limit
	if limit == 0 {
		limit = DefaultHistoryLimit
	}
	if limit < 1 || limit > MaxHistoryLimit {
		return nil, invalid("limit", "must be 1..300")
	}
	if r.Offset < 0 {
		return nil, invalid("offset", "is negative")
	}
	if err := checkLanguage(r.Language); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(r.Offset))
	if c.region == RegionGlobal && r.Language != "" {
		q.Set("mch_language", string(r.Language))
	}
	resp, err := c.do(ctx, http.MethodGet, c.complaintPath(r.ComplaintID, "negotiation-historys")+"?"+q.Encode(), nil, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	p, err := wxcomplaint.DecodeHistoryPage(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: decoding history: %w", err)
	}
	p.Raw = resp.Body
	return &p, nil
}

// AllHistory pages through ListHistory from r.Offset, yielding every history
// item, oldest first as WeChat lists them; a failed page yields (nil, err) and
// stops. r is not modified.
func (c *Client) AllHistory(ctx context.Context, r *ListHistoryRequest) iter.Seq2[*NegotiationHistory, error] {
	if err := checkIteration(ctx, r == nil); err != nil {
		return paging.Failed[NegotiationHistory](err)
	}
	return paging.ByOffset(ctx, *r, func(q *ListHistoryRequest) *int { return &q.Offset },
		cmp.Or(r.Limit, DefaultHistoryLimit), c.ListHistory, paging.WeChatItems)
}

// checkIteration is what the iterators check before paging: the context, then
// the request.
func checkIteration(ctx context.Context, nilRequest bool) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if nilRequest {
		return invalid("request", "is nil")
	}
	return nil
}
