package allinpay

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"iter"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/paging"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// DefaultHistoryLimit is the page size Allinpay uses when none is given.
const DefaultHistoryLimit = 100

var historyEndpoint = endpoint{name: "wxcomplainthistory", version: "12", idempotent: true}

// ListHistoryRequest asks for one page of a WeChat complaint's negotiation
// history (wxcomplainthistory, 微信查询投诉协商历史).
type ListHistoryRequest struct {
	// ComplaintID is the WeChat complaint id (投诉单号), required.
	ComplaintID string `url:"complaint_id"`
	// Limit is the page size; 0 means DefaultHistoryLimit.
	Limit int `url:"limit,omitempty"`
	// Offset is the 0-based start; total_count comes back only for 0.
	Offset int `url:"offset"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// ListHistoryResponse is one page of history. TotalCount is set only on the
// page at offset 0 (Allinpay sends total_count only then); Raw holds the
// decoded records JSON, and RawItems splits it into the items' own JSON.
type ListHistoryResponse = Page[NegotiationHistory]

// ListHistory fetches one page of a WeChat complaint's negotiation history.
func (c *Client) ListHistory(ctx context.Context, r *ListHistoryRequest) (*ListHistoryResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := checkHistoryRequest(r); err != nil {
		return nil, err
	}
	resp, err := c.call(ctx, historyEndpoint, r)
	if err != nil {
		return nil, err
	}
	b, err := resp.records()
	if err != nil {
		return nil, err
	}
	p, err := decodeHistory(b)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", historyEndpoint.name, err)
	}
	return p, nil
}

// AllHistory pages through ListHistory from r.Offset, yielding every item in
// Allinpay's order; a failed page yields (nil, err) and stops, and so does
// breaking out of the loop. r is not modified.
func (c *Client) AllHistory(ctx context.Context, r *ListHistoryRequest) iter.Seq2[*NegotiationHistory, error] {
	if err := complaint.CheckContext(ctx); err != nil {
		return paging.Failed[NegotiationHistory](err)
	}
	if err := checkHistoryRequest(r); err != nil {
		return paging.Failed[NegotiationHistory](err)
	}
	return paging.ByOffset(ctx, *r, func(q *ListHistoryRequest) *int { return &q.Offset },
		cmp.Or(r.Limit, DefaultHistoryLimit), c.ListHistory, paging.WeChatItems)
}

func checkHistoryRequest(r *ListHistoryRequest) error {
	switch {
	case r == nil:
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case r.ComplaintID == "":
		return &complaint.ValidationError{Field: "complaint_id", Reason: "is required"}
	case r.Limit < 0:
		return &complaint.ValidationError{Field: "limit", Reason: "is negative"}
	case r.Offset < 0:
		return &complaint.ValidationError{Field: "offset", Reason: "is negative"}
	}
	return nil
}

// historyWire is the history records object. limit, offset and total_count
// are taken as numbers or strings: Allinpay echoes its string parameters.
type historyWire struct {
	Data       []NegotiationHistory  `json:"data"`
	Limit      wxcomplaint.FlexInt64 `json:"limit"`
	Offset     wxcomplaint.FlexInt64 `json:"offset"`
	TotalCount wxcomplaint.FlexInt64 `json:"total_count"`
}

// decodeHistory decodes history records: the documented object, or a bare
// array of items (records is an array elsewhere, for the WeChat list).
func decodeHistory(b []byte) (*ListHistoryResponse, error) {
	var w historyWire
	var err error
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		err = unmarshalRecords(b, &w.Data)
	} else {
		err = unmarshalRecords(b, &w)
	}
	if err != nil {
		return nil, err
	}
	if w.Limit < 0 || w.Offset < 0 || w.TotalCount < 0 {
		return nil, fmt.Errorf("%w: records: negative limit, offset or total_count", ErrMalformed)
	}
	return &ListHistoryResponse{Data: w.Data, Limit: int(w.Limit), Offset: int(w.Offset), TotalCount: int(w.TotalCount), Raw: b}, nil
}
