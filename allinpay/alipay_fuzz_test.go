package allinpay

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
)

// FuzzAlipayRecords decodes arbitrary records as the Alipay list and detail
// do. Nothing panics; a decoded complaint has a non-negative amount, keeps
// valid JSON in Raw, and encodes to Allinpay's form, which decodes back to the
// same ids, amounts, status and times (to the second, the wire's precision).
func FuzzAlipayRecords(f *testing.F) {
	f.Add([]byte(`{"code":"10000","msg":"Success","total_size":1,"current_page":1,"page_size":10,"complaint_list":[` + fullAlipayItem + `]}`))
	f.Add([]byte(fullAlipayDetail))
	f.Add([]byte(`{"code":"40004","msg":"Business Failed"}`))
	f.Add([]byte(`{"code":"10000","total_size":"2","complaint_list":[{"id":"1","complain_amount":"12.345"}]}`))
	f.Add([]byte(`{"code":10000,"complaint_list":[{"id":1,"complain_amount":1e3,"gmt_complain":"2024-11-20T10:00:00.5+08:00"}]}`))
	f.Add([]byte(`{"code":"10000","complaint_list":[{"id":null,"certify_info":"u","complaint_trade_info_list":[{"amount":"0.10"}]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var all []AlipayComplaint
		if p, _, err := decodeAlipayList(b); err == nil {
			if p.TotalSize < 0 || p.CurrentPage < 0 || p.PageSize < 0 {
				t.Fatalf("negative paging %+v", p)
			}
			all = append(all, p.ComplaintList...)
		}
		if a, res, err := decodeAlipayDetail(b); err == nil && res.err("", false) == nil {
			all = append(all, *a)
		}
		for _, a := range all {
			checkAlipayRoundTrip(t, a)
		}
	})
}

func checkAlipayRoundTrip(t *testing.T, a AlipayComplaint) {
	t.Helper()
	if a.ComplainAmount < 0 || !json.Valid(a.Raw) {
		t.Fatalf("amount %d, raw %q", a.ComplainAmount, a.Raw)
	}
	times := func(c *AlipayComplaint) []time.Time {
		ts := []time.Time{c.GmtComplain, c.GmtProcess, c.GmtOverdue, c.GmtRiskFinishTime}
		for _, tr := range c.ComplaintTradeInfoList {
			ts = append(ts, tr.GmtTrade)
		}
		return ts
	}
	for _, tm := range times(&a) {
		if y := tm.In(cntime.Zone).Year(); !tm.IsZero() && (y < 1 || y > 9999) {
			return // RFC 3339 input near year 0 or 9999 has no "2006-01-02 15:04:05" form in Beijing time
		}
	}
	enc, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	var back AlipayComplaint
	if err := json.Unmarshal(enc, &back); err != nil {
		t.Fatalf("decoding %s: %v", enc, err)
	}
	same := back.ID == a.ID && back.ComplainAmount == a.ComplainAmount && back.Status == a.Status &&
		back.Contact == a.Contact && len(back.ComplaintTradeInfoList) == len(a.ComplaintTradeInfoList)
	if same {
		for i := range a.ComplaintTradeInfoList {
			same = same && back.ComplaintTradeInfoList[i].Amount == a.ComplaintTradeInfoList[i].Amount
		}
		bt, at := times(&back), times(&a)
		for i := range at {
			same = same && bt[i].Equal(at[i].Truncate(time.Second))
		}
	}
	if !same {
		t.Fatalf("round trip changed the complaint:\n%s", enc)
	}
}
