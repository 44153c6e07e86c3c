package wxcomplaint

import (
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

// complaintWire is a complaint as it is decoded. complaint_media_list lands
// in a plain slice instead of MediaList, whose UnmarshalJSON (it accepts the
// object form too) makes encoding/json scan the list three times per item;
// the outer field shadows the embedded one for encoding/json, and the object
// form still decodes, through Unmarshal's fallback. The complaint is embedded
// by pointer so that a page decodes straight into the slice it returns:
// encoding/json fills a non-nil embedded pointer in place.
type complaintWire struct {
	*Complaint
	ComplaintMediaList []ComplaintMedia `json:"complaint_media_list,omitempty"`
}

// DecodeComplaint decodes one complaint (a detail answer, or one relayed by
// another provider) and keeps body in c.Raw without copying it: the caller must
// not modify body afterwards. On error c is left zero.
func DecodeComplaint(body []byte, c *Complaint) error {
	*c = Complaint{}
	w := complaintWire{Complaint: c}
	if err := Unmarshal(body, &w); err != nil {
		*c = Complaint{}
		return err
	}
	if w.Complaint != c {
		// The lenient retry decoded into a fresh value (or none at all).
		*c = Complaint{}
		if w.Complaint != nil {
			*c = *w.Complaint
		}
	}
	c.ComplaintMediaList = w.ComplaintMediaList
	c.Raw = body
	return nil
}

// DecodeComplaintPage decodes a complaint list answer (complaints-v2, global
// complaints). limit is the page size asked for (WeChat sends at most that
// many items), or 0 when unknown; it only sizes memory. Items' Raw stay nil:
// RawItems splits the body when a caller wants the raw JSON, so the common
// case does not copy every item. Data is nil when the page has no items.
func DecodeComplaintPage(body []byte, limit int) (Page[Complaint], error) {
	// The items are allocated once, at their final place, and encoding/json
	// decodes into them through the wires' pointers: it appends array
	// elements into a slice's spare capacity, decoding into what is there.
	// The count is the page size asked for, bounded by what the body can hold
	// (a complaint with only its required fields takes some 290 bytes) and by
	// 64; a wrong count only costs memory or a copy.
	n := len(body)/minComplaintBytes + 1
	if limit > 0 {
		n = min(n, limit)
	}
	n = min(n, maxPreallocItems)
	items := make([]Complaint, n)
	wires := make([]complaintWire, n)
	for i := range wires {
		wires[i].Complaint = &items[i]
	}
	w := Page[complaintWire]{Data: wires[:0]}
	if err := Unmarshal(body, &w); err != nil {
		return Page[Complaint]{}, err
	}
	p := Page[Complaint]{Limit: w.Limit, Offset: w.Offset, TotalCount: w.TotalCount}
	if len(w.Data) == 0 {
		return p, nil
	}
	if !decodedInPlace(w.Data, items) {
		// More items than counted, or the lenient retry (which starts from a
		// zero page): encoding/json allocated some items itself.
		items = make([]Complaint, len(w.Data))
		for i := range w.Data {
			if w.Data[i].Complaint != nil {
				items[i] = *w.Data[i].Complaint
			}
		}
	}
	p.Data = items[:len(w.Data)]
	for i := range p.Data {
		p.Data[i].ComplaintMediaList = w.Data[i].ComplaintMediaList
	}
	return p, nil
}

// decodedInPlace reports whether every decoded wire points at its own item.
func decodedInPlace(wires []complaintWire, items []Complaint) bool {
	if len(wires) > len(items) {
		return false
	}
	for i := range wires {
		if wires[i].Complaint != &items[i] {
			return false
		}
	}
	return true
}

const (
	minComplaintBytes = 256
	maxPreallocItems  = 64
)

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
