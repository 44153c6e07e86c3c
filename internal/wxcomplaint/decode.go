package wxcomplaint

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Page is one page of a WeChat list answer (complaints or history): the items
// and where they sit.
type Page[T any] struct {
	Data   []T `json:"data"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	// TotalCount is documented as returned when offset is 0.
	TotalCount int `json:"total_count"`
	// Raw is the page's body exactly as received (the response buffer, not a
	// copy). The items' own Raw stay nil so that a page decodes without copying
	// every item; RawItems splits Raw when you want one item's JSON, including
	// fields the item type does not know yet.
	Raw json.RawMessage `json:"-"`
}

// RawItems returns each item of the page as the JSON WeChat sent, in the
// order of Data. It decodes Raw again, so call it only when you need the raw
// form.
func (p *Page[T]) RawItems() ([]json.RawMessage, error) {
	if p.Raw == nil {
		return nil, nil
	}
	return RawItems(p.Raw)
}

// LogValue makes log/slog print the page's position and size, never its items
// (slog.JSONHandler would marshal them with their json tags, payer_phone and
// the buyer's text included).
func (p Page[T]) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("items", len(p.Data)),
		slog.Int("limit", p.Limit),
		slog.Int("offset", p.Offset),
		slog.Int("total_count", p.TotalCount),
	)
}

// pageFields has Page's fields and none of its methods, so Format can hand a
// copy to fmt without calling itself.
type pageFields[T any] Page[T]

// Format prints the page as fmt prints a struct, for every verb, without Raw;
// each item prints redacted (see Complaint and NegotiationHistory).
func (p Page[T]) Format(f fmt.State, verb rune) {
	r := pageFields[T](p)
	r.Raw = nil
	fmt.Fprintf(f, fmt.FormatString(f, verb), r)
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
// complaints); Raw stays nil (the caller that owns body sets it). limit is the page size asked for (WeChat sends at most that
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

// DecodeHistoryPage decodes a negotiation-history answer. Raw and the items'
// Raw stay nil (see RawItems).
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
