package allinpay

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzDecodeComplaintList: the list's records decode to complaints that each
// have an id and their own JSON, or to an error wrapping ErrMalformed; never a
// panic and never a partial list.
func FuzzDecodeComplaintList(f *testing.F) {
	f.Add("[" + wxItem("1", "990000000000001", false, false) + "," + wxItem("2", "990000000000002", true, true) + "]")
	f.Add(`[]`)
	f.Add(`[{"complaint_id":"1","complaint_time":"","complaint_media_list":{"media_type":"X"}}]`)
	f.Add(`[{"complaint_id":"1","user_complaint_times":"x"}]`)
	f.Add(`[{"complaint_id":"1","complaint_order_info":[{"amount":"12"}],"merchantNo":7}]`)
	f.Add(`[null]`)
	f.Add(`{"data":[]}`)
	f.Fuzz(func(t *testing.T, records string) {
		items, err := decodeComplaintList([]byte(records))
		if err != nil {
			if items != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("items %v, error %v", items, err)
			}
			return
		}
		for _, it := range items {
			if it.ComplaintID == "" || len(it.Raw) == 0 {
				t.Fatalf("item without id or raw: %+v", it)
			}
		}
	})
}

// FuzzDecodeTransactionComplaint: wxcomplaintorderdetail's records decode to
// a complaint order with its id, or to WeChat's errcode, or to ErrMalformed.
func FuzzDecodeTransactionComplaint(f *testing.F) {
	f.Add(orderRecords(false))
	f.Add(orderRecords(true))
	f.Add(`{"errcode":40001,"errmsg":"x"}`)
	f.Add(`{"errcode":0,"complaintOrder":{"complaintOrderId":"1","createTime":"2024-05-01 10:00:00","payTime":null}}`)
	f.Add(`{"errcode":0,"complaintOrder":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, records string) {
		out, code, _, err := decodeTransactionComplaint([]byte(records))
		switch {
		case err != nil:
			if out != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v, %v", out, err)
			}
		case code != 0:
			if out != nil {
				t.Fatalf("errcode %d with a result", code)
			}
		case out == nil || out.ComplaintOrderID == "" || len(out.Raw) == 0:
			t.Fatalf("result %+v", out)
		}
	})
}

// listRecords20 is a full page of the WeChat list: 20 complaints.
func listRecords20() []byte {
	items := make([]string, 20)
	for i := range items {
		items[i] = wxItem(fmt.Sprint(200000+i), "990000000000001", false, false)
	}
	return []byte("[" + strings.Join(items, ",") + "]")
}

// BenchmarkDecodeComplaintList decodes a page of 20 complaints the way
// ListComplaints does (split into items, each decoded leniently with its own
// Raw); BenchmarkDecodeComplaintListFloor is a plain encoding/json decode of
// the same bytes into []Complaint, the floor it is compared with.
func BenchmarkDecodeComplaintList(b *testing.B) {
	rec := listRecords20()
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeComplaintList(rec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeComplaintListFloor(b *testing.B) {
	rec := listRecords20()
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	for b.Loop() {
		var out []Complaint
		if err := json.Unmarshal(rec, &out); err != nil {
			b.Fatal(err)
		}
	}
}
