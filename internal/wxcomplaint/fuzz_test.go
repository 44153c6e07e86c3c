package wxcomplaint

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzModels decodes arbitrary JSON as one complaint and as one history item.
// Nothing panics, and wherever encoding/json decodes the input into the
// exported types directly, the package's decoders give the same value (their
// fast path and their lenient retry change nothing that encoding/json gets
// right). Inputs with a member name twice in one object are left out of that
// comparison: JSON leaves them undefined, and encoding/json itself merges or
// replaces the second value depending on the Go type it decodes into.
// Seeds: testdata/fuzz/FuzzModels and below.
func FuzzModels(f *testing.F) {
	f.Add([]byte(mainlandComplaintJSON("C1", "")))
	f.Add([]byte(globalComplaintJSON("G1")))
	f.Add([]byte(historyItem("L1", "USER_RESPONSE", `,"complaint_media_list":{"media_type":"X","media_url":["u"]}`)))
	f.Add([]byte(`{"complaint_media_list":null,"settlement_refunded_amount":"12"}`))
	f.Add([]byte(`{"complaint_time":"","complaint_order_info":[{"trade_time":""}],"complaint_media_list":{"media_url":["a"]}}`))
	f.Add([]byte(`{"complaint_media_list":{"media_type":"A"},"complaint_media_list":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var plain Complaint
		plainErr := json.Unmarshal(b, &plain)
		var c Complaint
		err := DecodeComplaint(b, &c)
		if plainErr == nil && !hasDuplicateNames(b) {
			if err != nil {
				t.Fatalf("encoding/json decodes it, DecodeComplaint fails: %v", err)
			}
			if string(c.Raw) != string(b) {
				t.Fatal("Raw is not the input")
			}
			c.Raw = nil
			if !reflect.DeepEqual(c, plain) {
				t.Fatalf("DecodeComplaint %+v\nencoding/json %+v", c, plain)
			}
		}
		if err == nil {
			_ = c.ToComplaint()
		} else if !reflect.DeepEqual(c, Complaint{}) {
			t.Fatal("partial result on error")
		}
		var h NegotiationHistory
		if Unmarshal(b, &h) == nil {
			_ = h.ToEntry()
		}
	})
}

// FuzzDecodePage decodes arbitrary bytes as a complaint page and a history
// page. Nothing panics; wherever encoding/json decodes the input into the
// exported types directly, DecodeComplaintPage gives the same page (its
// in-place decoding and its lenient retry change nothing encoding/json gets
// right), and RawItems splits the same number of items.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(page([]string{mainlandComplaintJSON("C1", "x"), globalComplaintJSON("G1")}, 10, 0, 2)))
	f.Add([]byte(page([]string{strings.Replace(mainlandComplaintJSON("C1", ""), `"complaint_time":"2025-05-20T13:29:35.120+08:00"`, `"complaint_time":""`, 1)}, 10, 0, 1)))
	f.Add([]byte(page([]string{historyItem("L1", "USER_RESPONSE", `,"complaint_media_list":{"media_type":"X","media_url":["u"]}`), historyItem("L2", "X", `,"operate_time":""`)}, 100, 0, 2)))
	f.Add([]byte(`{"data":null,"limit":0}`))
	f.Add([]byte(`{"data":[null,{}],"data":[{"complaint_id":"x"}]}`))
	f.Add([]byte(`{"data":[{"complaint_detail":"a","complaint_id":"1"}],"DATA":[{"complaint_id":"2"},{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeComplaintPage(b, len(b)%7) // any page size, in place or copied
		var plain Page[Complaint]
		if json.Unmarshal(b, &plain) == nil && !hasDuplicateNames(b) {
			if err != nil {
				t.Fatalf("encoding/json decodes it, DecodeComplaintPage fails: %v", err)
			}
			if len(plain.Data) == 0 {
				plain.Data = nil
			}
			if !reflect.DeepEqual(p, plain) {
				t.Fatalf("DecodeComplaintPage %+v\nencoding/json %+v", p, plain)
			}
		}
		if err != nil {
			if p.Data != nil || p.Limit != 0 || p.TotalCount != 0 {
				t.Fatalf("partial page on error: %+v", p)
			}
		} else {
			for i := range p.Data {
				if p.Data[i].Raw != nil {
					t.Fatal("page item kept Raw")
				}
				_ = p.Data[i].ToComplaint()
			}
			if items, err := RawItems(b); err == nil && len(items) != len(p.Data) {
				t.Fatalf("%d raw items, %d decoded", len(items), len(p.Data))
			}
		}
		if hp, err := DecodeHistoryPage(b); err == nil {
			for i := range hp.Data {
				_ = hp.Data[i].ToEntry()
			}
		}
	})
}

// hasDuplicateNames reports whether some object in b has a member name twice,
// compared as encoding/json matches names (case-insensitively; the folding
// here errs towards reporting a duplicate).
func hasDuplicateNames(b []byte) bool {
	type frame struct {
		object, wantName bool
		names            map[string]bool
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.object {
					top.wantName = true // this container is the member's value
				}
				stack = append(stack, &frame{object: t == '{', wantName: t == '{', names: map[string]bool{}})
			default:
				stack = stack[:len(stack)-1]
			}
		default:
			if top == nil || !top.object {
				continue
			}
			if !top.wantName {
				top.wantName = true // a scalar value; a name comes next
				continue
			}
			name := strings.ToLower(strings.ToUpper(t.(string)))
			if top.names[name] {
				return true
			}
			top.names[name] = true
			top.wantName = false
		}
	}
}
