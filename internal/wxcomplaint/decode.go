package wxcomplaint

import (
	"bytes"
	"encoding/json"
)

// Page is the envelope of WeChat's list answers: one page of items and where
// it sits.
type Page[T any] struct {
	Data   []T `json:"data"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	// TotalCount is documented as returned when offset is 0.
	TotalCount int `json:"total_count"`
}

// complaintWire is a complaint as it is decoded: complaint_media_list lands in
// a plain slice instead of MediaList, whose UnmarshalJSON (it accepts the
// object form too) makes encoding/json scan the list three times per item. The
// outer field shadows the embedded one for encoding/json. The object form
// still decodes, through Unmarshal's fallback.
type complaintWire struct {
	Complaint
	ComplaintMediaList []ComplaintMedia `json:"complaint_media_list,omitempty"`
}

func (w *complaintWire) complaint() Complaint {
	c := w.Complaint
	c.ComplaintMediaList = w.ComplaintMediaList
	return c
}

// DecodeComplaint decodes one complaint (a detail answer, or one relayed by
// another provider) and keeps body in c.Raw without copying it: the caller must
// not modify body afterwards. On error c is left zero.
func DecodeComplaint(body []byte, c *Complaint) error {
	var w complaintWire
	if err := Unmarshal(body, &w); err != nil {
		*c = Complaint{}
		return err
	}
	*c = w.complaint()
	c.Raw = body
	return nil
}

// DecodeComplaintPage decodes a complaint list answer (complaints-v2, global
// complaints). Items' Raw stay nil: RawItems splits the body when a caller
// wants the raw JSON, so the common case does not copy every item.
// Data is nil when the page has no items.
func DecodeComplaintPage(body []byte) (Page[Complaint], error) {
	// encoding/json appends into the capacity a slice already has, so sizing
	// it from the number of items saves the doublings a growing slice of large
	// structs costs. Counting the key gives the number of items of a WeChat
	// page (a JSON string cannot hold an unescaped quote, so the bytes only
	// occur as the key, or as a value equal to it); a wrong count costs only
	// capacity, and it is capped at a page of 64 (WeChat's limit is 50).
	n := min(bytes.Count(body, complaintIDKey), maxPreallocItems)
	w := Page[complaintWire]{Data: make([]complaintWire, 0, n)}
	if err := Unmarshal(body, &w); err != nil {
		return Page[Complaint]{}, err
	}
	p := Page[Complaint]{Limit: w.Limit, Offset: w.Offset, TotalCount: w.TotalCount}
	if len(w.Data) > 0 {
		p.Data = make([]Complaint, len(w.Data))
		for i := range w.Data {
			p.Data[i] = w.Data[i].complaint()
		}
	}
	return p, nil
}

var complaintIDKey = []byte(`"complaint_id"`)

const maxPreallocItems = 64

// DecodeHistoryPage decodes a negotiation-historys answer. Items' Raw stay nil
// (see RawItems).
func DecodeHistoryPage(body []byte) (Page[NegotiationHistory], error) {
	var p Page[NegotiationHistory]
	if err := Unmarshal(body, &p); err != nil {
		return Page[NegotiationHistory]{}, err
	}
	return p, nil
}

// RawItems returns the items of a list answer's data array, each exactly as
// received (a copy, so body may be reused). It is the on-request way to the raw
// JSON of one item, including fields the typed structs do not know yet.
func RawItems(body []byte) ([]json.RawMessage, error) {
	var p struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	return p.Data, nil
}
