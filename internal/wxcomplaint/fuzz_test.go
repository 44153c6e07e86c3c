package wxcomplaint

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzModels decodes arbitrary JSON as one complaint and as one history item.
// Nothing panics, and wherever encoding/json decodes the input into the
// exported types directly, the package's decoders give the same value (their
// fast path and their lenient retry change nothing that encoding/json gets
// right). Seeds: testdata/fuzz/FuzzModels and below.
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
		if plainErr == nil {
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
// page. Nothing panics; a decoded complaint page agrees, item by item, with
// decoding each raw item alone.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(page([]string{mainlandComplaintJSON("C1", "x"), globalComplaintJSON("G1")}, 10, 0, 2)))
	f.Add([]byte(page([]string{strings.Replace(mainlandComplaintJSON("C1", ""), `"complaint_time":"2025-05-20T13:29:35.120+08:00"`, `"complaint_time":""`, 1)}, 10, 0, 1)))
	f.Add([]byte(page([]string{historyItem("L1", "USER_RESPONSE", `,"complaint_media_list":{"media_type":"X","media_url":["u"]}`), historyItem("L2", "X", `,"operate_time":""`)}, 100, 0, 2)))
	f.Add([]byte(`{"data":null,"limit":0}`))
	f.Add([]byte(`{"data":[null,{}],"data":[{"complaint_id":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeComplaintPage(b)
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
			if items, err := RawItems(b); err == nil {
				if len(items) != len(p.Data) {
					t.Fatalf("%d raw items, %d decoded", len(items), len(p.Data))
				}
				for i, item := range items {
					var one Complaint
					if err := DecodeComplaint(item, &one); err != nil {
						t.Fatalf("item %d decodes in the page, not alone: %v", i, err)
					}
					one.Raw = nil
					if !reflect.DeepEqual(one, p.Data[i]) {
						t.Fatalf("item %d: alone %+v\nin page %+v", i, one, p.Data[i])
					}
				}
			}
		}
		if hp, err := DecodeHistoryPage(b); err == nil {
			for i := range hp.Data {
				_ = hp.Data[i].ToEntry()
			}
		}
	})
}
