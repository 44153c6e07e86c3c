package payjs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tousu-go/tousu/complaint"
)

// Complaints lists the merchant's complained orders (POST complaint). req may be
// nil.
//
// PAYJS limits this endpoint: "本接口有频率限制,建议每4个小时请求一次" (poll about
// once every 4 hours). This method does not throttle; the Adapter does, and a
// poller should use it. The call is never retried automatically, so a retry cannot
// spend the limit. A refusal by PAYJS for frequency matches
// complaint.ErrRateLimited.
//
// complaints is decoded tolerantly: a list of records, an object keyed by index
// (received order kept), a JSON text holding either, or "", null, false, [] and
// {} for none. Unknown fields of each record are kept in its Raw.
func (c *Client) Complaints(ctx context.Context, req *ComplaintRequest) (*ComplaintResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	_ = req // no parameters yet
	body, _, err := c.post(ctx, "complaint", nil, false)
	if err != nil {
		return nil, err
	}
	return decodeComplaintResponse(body)
}

func decodeComplaintResponse(body []byte) (*ComplaintResponse, error) {
	f, err := decodeFields(body)
	if err != nil {
		return nil, err
	}
	code, err := f.int("return_code")
	if err != nil {
		return nil, fmt.Errorf("payjs: complaint: %w", err)
	}
	list, err := decodeComplaintList(f["complaints"])
	if err != nil {
		return nil, fmt.Errorf("payjs: complaint: %w", err)
	}
	return &ComplaintResponse{ReturnCode: int(code), ReturnMsg: f.str("return_msg"), Complaints: list, Raw: f}, nil
}

// decodeComplaintList decodes the complaints field in any shape PAYJS may use.
func decodeComplaintList(raw json.RawMessage) ([]ComplaintRecord, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil
	}
	switch raw[0] {
	case 'n', 'f':
		if s := string(raw); s == "null" || s == "false" {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: complaints is neither a list nor empty", ErrMalformed)
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%w: complaints: %w", ErrMalformed, err)
		}
		s = strings.TrimSpace(s)
		if s == "" || s == "[]" || s == "{}" || s == "null" {
			return nil, nil
		}
		// A list JSON-encoded into a string, the doc's "string(255)" taken at
		// its word. Only one level of such encoding is unwrapped.
		if s[0] != '[' && s[0] != '{' {
			return nil, fmt.Errorf("%w: complaints is a string that holds no list", ErrMalformed)
		}
		return decodeComplaintContainer([]byte(s))
	case '[', '{':
		return decodeComplaintContainer(raw)
	}
	return nil, fmt.Errorf("%w: complaints is neither a list nor empty", ErrMalformed)
}

// decodeComplaintContainer reads an array, or an object keyed by index, of
// records, in received order.
func decodeComplaintContainer(raw []byte) ([]ComplaintRecord, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: complaints: %w", ErrMalformed, err)
	}
	open, _ := tok.(json.Delim)
	var out []ComplaintRecord
	for dec.More() {
		if open == '{' {
			if _, err := dec.Token(); err != nil { // the index key
				return nil, fmt.Errorf("%w: complaints: %w", ErrMalformed, err)
			}
		}
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			return nil, fmt.Errorf("%w: complaints[%d]: %w", ErrMalformed, len(out), err)
		}
		rec, err := decodeComplaintRecord(item)
		if err != nil {
			return nil, fmt.Errorf("complaints[%d]: %w", len(out), err)
		}
		out = append(out, rec)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: complaints: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("%w: complaints: trailing data", ErrMalformed)
	}
	return out, nil
}

func decodeComplaintRecord(item json.RawMessage) (ComplaintRecord, error) {
	item = bytes.TrimSpace(item)
	if len(item) == 0 || item[0] != '{' {
		return ComplaintRecord{}, fmt.Errorf("%w: record is not an object", ErrMalformed)
	}
	f, err := decodeFields(item)
	if err != nil {
		return ComplaintRecord{}, err
	}
	r := ComplaintRecord{
		ComplaintAt: f.time("complaint_at"), ComplaintAtText: f.str("complaint_at"),
		OutTradeNo: f.str("out_trade_no"), ComplaintID: f.str("complaint_id"), OrderID: f.str("order_id"),
		Body: f.str("body"), Raw: f,
	}
	if r.TotalFee, err = f.int("total_fee"); err != nil {
		return ComplaintRecord{}, err
	}
	return r, nil
}
