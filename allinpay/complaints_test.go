package allinpay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// wxItem is a relayed complaint object. numbersAsStrings sends
// user_complaint_times, apply_refund_amount and the order amount as JSON
// strings; mediaObject sends complaint_media_list as one object.
func wxItem(id, merchant string, numbersAsStrings, mediaObject bool) string {
	num := func(n int) string {
		if numbersAsStrings {
			return fmt.Sprintf(`"%d"`, n)
		}
		return fmt.Sprint(n)
	}
	media := `{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/m1"]}`
	if !mediaObject {
		media = "[" + media + `,{"media_type":"OPERATION_IMAGE","media_url":[]}]`
	}
	return `{"complaint_id":"` + id + `","complaint_time":"2024-05-01T10:00:00+08:00","complaint_detail":"充电宝归还后仍在扣费",` +
		`"complaint_state":"PENDING","complaint_full_refunded":false,"incoming_user_response":true,` +
		`"user_complaint_times":` + num(2) + `,"problem_type":"REFUND","problem_description":"退款",` +
		`"apply_refund_amount":` + num(1500) + `,"payer_phone":"13800001234","complainted_mchid":"1900000109",` +
		`"complaint_order_info":[{"transaction_id":"4200000001","out_trade_no":"T1","amount":` + num(3000) + `}],` +
		`"complaint_media_list":` + media + `,"merchantNo":"` + merchant + `","future_field":"kept"}`
}

// listHandler answers wxcomplaintlistquery from items, paged by
// current_page_num and page_size, with a top-level total_count (as a string,
// like every reply value).
func listHandler(t testing.TB, items []string) func(string, url.Values) (map[string]string, string) {
	return func(method string, form url.Values) (map[string]string, string) {
		if method != "wxcomplaintlistquery" {
			return nil, "接口不存在"
		}
		pageNum, size := 1, 10
		fmt.Sscan(form.Get("current_page_num"), &pageNum)
		fmt.Sscan(form.Get("page_size"), &size)
		from := min((pageNum-1)*size, len(items))
		page := items[from:min(from+size, len(items))]
		return map[string]string{"records": records(t, "["+strings.Join(page, ",")+"]"), "total_count": fmt.Sprint(len(items))}, ""
	}
}

var (
	may1 = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	may8 = may1.Add(7 * 24 * time.Hour)
)

// The list form: the window formatted in China time to the second, version
// 11, paging fields, groupall only when asked, the sub-merchant's cusid, and
// nothing empty; every documented field decodes, numbers as numbers or
// strings, complaint_media_list as array or object, unknown fields in Raw.
func TestListComplaints(t *testing.T) {
	for _, st := range signTypes {
		for _, strs := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/strings=%v", st, strs), func(t *testing.T) {
				c, f := newTestClient(t, st)
				f.handle = listHandler(t, []string{wxItem("200001", "990000000000001", strs, false), wxItem("200002", "990000000000002", strs, true)})
				req := &ListComplaintsRequest{Begin: may1.Add(1500 * time.Millisecond), End: may8, PageNum: 1, PageSize: 20, GroupAll: true, CusID: "990000000000009"}
				before := *req
				p, err := c.ListComplaints(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				if *req != before {
					t.Fatal("request modified")
				}
				r := f.requests[0]
				want := map[string]string{
					"begindate": "2024-05-01 08:00:01", "enddate": "2024-05-08 08:00:00", "version": "11",
					"current_page_num": "1", "page_size": "20", "groupall": "1", "cusid": "990000000000009",
					"appid": testAppID, "signtype": string(st),
				}
				for k, v := range want {
					if r.Get(k) != v {
						t.Errorf("%s = %q, want %q", k, r.Get(k), v)
					}
				}
				for k, vs := range r {
					if vs[0] == "" {
						t.Errorf("empty field %s sent", k)
					}
				}
				if _, ok := r["orgid"]; ok {
					t.Error("empty orgid sent")
				}
				if p.TotalCount != 2 || len(p.Data) != 2 || !strings.HasPrefix(string(p.Raw), "[") {
					t.Fatalf("page %+v", p)
				}
				a, b := p.Data[0], p.Data[1]
				if a.MerchantNo != "990000000000001" || b.MerchantNo != "990000000000002" {
					t.Fatalf("merchantNo %q %q", a.MerchantNo, b.MerchantNo)
				}
				wantTime := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
				if a.ComplaintID != "200001" || !a.ComplaintTime.Equal(wantTime) || a.ComplaintDetail != "充电宝归还后仍在扣费" ||
					a.ComplaintState != StatePending || a.ComplaintFullRefunded || !a.IncomingUserResponse ||
					a.UserComplaintTimes != 2 || a.ProblemType != ProblemRefund || a.ProblemDescription != "退款" ||
					a.ApplyRefundAmount != 1500 || a.PayerPhone != "13800001234" || a.ComplaintedMchID != "1900000109" {
					t.Fatalf("item %+v", a)
				}
				if len(a.ComplaintOrderInfo) != 1 || a.ComplaintOrderInfo[0] != (ComplaintOrder{TransactionID: "4200000001", OutTradeNo: "T1", Amount: 3000}) {
					t.Fatalf("orders %+v", a.ComplaintOrderInfo)
				}
				if len(a.ComplaintMediaList) != 2 || a.ComplaintMediaList[0].MediaType != MediaUserComplaintImage ||
					a.ComplaintMediaList[0].MediaURL[0] != "https://api.mch.weixin.qq.com/v3/merchant-service/images/m1" ||
					a.ComplaintMediaList[1].MediaType != MediaOperationImage {
					t.Fatalf("media %+v", a.ComplaintMediaList)
				}
				if len(b.ComplaintMediaList) != 1 || b.ComplaintMediaList[0].MediaType != MediaUserComplaintImage {
					t.Fatalf("media object %+v", b.ComplaintMediaList)
				}
				if !strings.Contains(string(a.Raw), `"future_field":"kept"`) || !strings.Contains(string(b.Raw), `"200002"`) {
					t.Fatalf("raw %s / %s", a.Raw, b.Raw)
				}
			})
		}
	}
}

// Without paging fields and groupall, none is sent; cusid is the client's.
func TestListComplaintsDefaults(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	f.handle = listHandler(t, nil)
	p, err := c.ListComplaints(context.Background(), &ListComplaintsRequest{Begin: may1, End: may1.Add(MaxListSpan)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != 0 || p.TotalCount != 0 {
		t.Fatalf("page %+v", p)
	}
	r := f.requests[0]
	for _, k := range []string{"current_page_num", "page_size", "groupall"} {
		if _, ok := r[k]; ok {
			t.Errorf("%s sent", k)
		}
	}
	if r.Get("cusid") != testCusID {
		t.Errorf("cusid %q", r.Get("cusid"))
	}
}

// A window of more than 30 days, a missing or reversed end, and negative
// paging are refused before any request.
func TestListComplaintsValidation(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	cases := []struct {
		field string
		r     *ListComplaintsRequest
	}{
		{"enddate", &ListComplaintsRequest{Begin: may1, End: may1.Add(MaxListSpan + time.Second)}},
		{"enddate", &ListComplaintsRequest{Begin: may8, End: may1}},
		{"enddate", &ListComplaintsRequest{Begin: may1}},
		{"begindate", &ListComplaintsRequest{End: may1}},
		{"current_page_num", &ListComplaintsRequest{Begin: may1, End: may8, PageNum: -1}},
		{"page_size", &ListComplaintsRequest{Begin: may1, End: may8, PageSize: -1}},
	}
	for _, tc := range cases {
		_, err := c.ListComplaints(context.Background(), tc.r)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field || !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%+v: %v", tc.r, err)
		}
		n := 0
		for it, err := range c.AllComplaints(context.Background(), tc.r) {
			n++
			if it != nil || !errors.As(err, &ve) || ve.Field != tc.field {
				t.Errorf("iterator %+v: %v", tc.r, err)
			}
		}
		if n != 1 {
			t.Errorf("iterator yielded %d times", n)
		}
	}
	if _, err := c.ListComplaints(context.Background(), nil); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("nil: %v", err)
	}
	//lint:ignore SA1012 a nil context is refused, never replaced
	if _, err := c.ListComplaints(nil, &ListComplaintsRequest{Begin: may1, End: may8}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("nil ctx: %v", err)
	}
	if len(f.requests) != 0 {
		t.Fatalf("%d requests sent", len(f.requests))
	}
}

// AllComplaints pages by number, stops on a short page or the total, breaks
// early without another request, and yields a failed page's error once.
func TestAllComplaints(t *testing.T) {
	var items []string
	for i := range 5 {
		items = append(items, wxItem(fmt.Sprint(300+i), "990000000000001", false, false))
	}
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = listHandler(t, items)
			req := &ListComplaintsRequest{Begin: may1, End: may8, PageSize: 2}
			var ids []string
			for it, err := range c.AllComplaints(context.Background(), req) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, it.ComplaintID)
			}
			if !slices.Equal(ids, []string{"300", "301", "302", "303", "304"}) {
				t.Fatalf("ids %v", ids)
			}
			var pages []string
			for _, r := range f.requests {
				pages = append(pages, r.Get("current_page_num"))
			}
			if !slices.Equal(pages, []string{"1", "2", "3"}) || req.PageNum != 0 {
				t.Fatalf("pages %v, request %+v", pages, req)
			}

			f.requests = nil
			for it, err := range c.AllComplaints(context.Background(), &ListComplaintsRequest{Begin: may1, End: may8, PageSize: 2, PageNum: 2}) {
				if err != nil || it.ComplaintID != "302" {
					t.Fatalf("%v, %v", it, err)
				}
				break
			}
			if len(f.requests) != 1 || f.requests[0].Get("current_page_num") != "2" {
				t.Fatalf("after break: %v", f.requests)
			}
		})
	}
	c, f := newTestClient(t, SignRSA)
	ok := listHandler(t, items)
	f.handle = func(m string, form url.Values) (map[string]string, string) {
		if form.Get("current_page_num") == "2" {
			return nil, "系统繁忙"
		}
		return ok(m, form)
	}
	var n, errs int
	for it, err := range c.AllComplaints(context.Background(), &ListComplaintsRequest{Begin: may1, End: may8, PageSize: 2}) {
		if err != nil {
			var ae *APIError
			if it != nil || !errors.As(err, &ae) || ae.RetMsg != "系统繁忙" {
				t.Fatalf("%v, %v", it, err)
			}
			errs++
			continue
		}
		n++
	}
	if n != 2 || errs != 1 {
		t.Fatalf("%d items, %d errors", n, errs)
	}
}

// Malformed list payloads are ErrMalformed, never a partial page.
func TestListComplaintsMalformed(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	for name, fields := range map[string]map[string]string{
		"object":          {"records": records(t, `{"data":[]}`)},
		"no id":           {"records": records(t, `[{"complaint_state":"PENDING"}]`)},
		"bad number":      {"records": records(t, `[{"complaint_id":"1","user_complaint_times":"two"}]`)},
		"bad total":       {"records": records(t, `[]`), "total_count": "x"},
		"negative total":  {"records": records(t, `[]`), "total_count": "-1"},
		"not base64":      {"records": "%%%"},
		"bad time":        {"records": records(t, `[{"complaint_id":"1","complaint_time":"yesterday"}]`)},
		"media not media": {"records": records(t, `[{"complaint_id":"1","complaint_media_list":"x"}]`)},
	} {
		f.handle = func(string, url.Values) (map[string]string, string) { return fields, "" }
		p, err := c.ListComplaints(context.Background(), &ListComplaintsRequest{Begin: may1, End: may8})
		if p != nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, %v", name, p, err)
		}
	}
	// An empty time is the zero time, as WeChat sends it.
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"records": records(t, `[{"complaint_id":"1","complaint_time":"","complaint_media_list":{"media_type":"X","media_url":[]}}]`)}, ""
	}
	p, err := c.ListComplaints(context.Background(), &ListComplaintsRequest{Begin: may1, End: may8})
	if err != nil || !p.Data[0].ComplaintTime.IsZero() || p.Data[0].ComplaintMediaList[0].MediaType != "X" {
		t.Fatalf("%+v, %v", p, err)
	}
}

// A listed complaint prints and logs its merchant, never the buyer's text or
// phone.
func TestListedComplaintPrint(t *testing.T) {
	it, err := decodeComplaint([]byte(wxItem("1", "990000000000001", false, false)))
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "c", it)
	for _, s := range []string{fmt.Sprint(it), fmt.Sprintf("%+v", it), fmt.Sprintf("%#v", it), logged.String()} {
		if !strings.Contains(s, "990000000000001") || strings.Contains(s, "13800001234") || strings.Contains(s, "充电宝") {
			t.Errorf("printed %s", s)
		}
	}
}

// Detail: complaint_id and the sub-merchant's cusid at version 12; the
// complaint decodes with Raw; an unknown complaint is ErrNotFound.
func TestGetComplaint(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = func(m string, form url.Values) (map[string]string, string) {
				if m != "wxcomplaintdetail" {
					return nil, "接口不存在"
				}
				if form.Get("complaint_id") != "200001" {
					return nil, "投诉单不存在"
				}
				return map[string]string{"records": records(t, wxItem("200001", "990000000000001", true, true))}, ""
			}
			got, err := c.GetComplaint(context.Background(), &GetComplaintRequest{ComplaintID: "200001", CusID: "990000000000001"})
			if err != nil {
				t.Fatal(err)
			}
			if got.ComplaintID != "200001" || got.ApplyRefundAmount != 1500 || got.ComplaintOrderInfo[0].Amount != 3000 ||
				len(got.ComplaintMediaList) != 1 || !strings.Contains(string(got.Raw), "future_field") {
				t.Fatalf("%+v", got)
			}
			r := f.requests[0]
			if r.Get("version") != "12" || r.Get("cusid") != "990000000000001" || r.Get("complaint_id") != "200001" {
				t.Fatalf("form %v", r)
			}
			_, err = c.GetComplaint(context.Background(), &GetComplaintRequest{ComplaintID: "404"})
			var ae *APIError
			if !errors.Is(err, complaint.ErrNotFound) || !errors.As(err, &ae) || ae.Method != "wxcomplaintdetail" {
				t.Fatalf("not found: %v", err)
			}
		})
	}
	c, f := newTestClient(t, SignRSA)
	if _, err := c.GetComplaint(context.Background(), &GetComplaintRequest{}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatalf("no id: %v", err)
	}
	f.handle = func(string, url.Values) (map[string]string, string) { return nil, "" }
	if _, err := c.GetComplaint(context.Background(), &GetComplaintRequest{ComplaintID: "1"}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("no records: %v", err)
	}
}
