package allinpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/option"
)

// fullAlipayItem is a list item with every documented field, in the shapes
// Allinpay sends: the id a JSON number, amounts as string and number, an
// empty time, contact under its misspelt name, and an unknown field.
const fullAlipayItem = `{
	"id": 2024112000000123456,
	"task_id": "TK20241120000001",
	"opposite_pid": "2088102122524333",
	"opposite_name": "张三",
	"complain_amount": "100000.00",
	"contactl": "13800138000",
	"gmt_complain": "2024-11-20 10:00:00",
	"gmt_process": "",
	"gmt_overdue": "2024-11-27 10:00:00",
	"gmt_risk_finish_time": null,
	"complain_content": "未收到商品",
	"trade_no": "2024112022001400001",
	"status": "PART_OVERDUE",
	"status_description": "部分超时",
	"merchantNo": "990581007426001",
	"complaint_trade_info_list": [
		{"trade_no": "2024112022001400001", "out_no": "OUT001", "amount": 99999.99, "gmt_trade": "2024-11-19 09:30:00", "status_description": "交易成功"},
		{"trade_no": "2024112022001400002", "out_no": "OUT002", "amount": "0.01", "gmt_trade": ""}
	],
	"brand_new_field": {"x": 1}
}`

func wantFullAlipayItem() AlipayComplaint {
	return AlipayComplaint{
		ID: "2024112000000123456", TaskID: "TK20241120000001", OppositePID: "2088102122524333", OppositeName: "张三",
		ComplainAmount: 10000000, Contact: "13800138000",
		GmtComplain:     time.Date(2024, 11, 20, 10, 0, 0, 0, cntime.Zone),
		GmtOverdue:      time.Date(2024, 11, 27, 10, 0, 0, 0, cntime.Zone),
		ComplainContent: "未收到商品", TradeNo: "2024112022001400001", Status: AlipayStatusPartOverdue,
		StatusDescription: "部分超时", MerchantNo: testCusID,
		ComplaintTradeInfoList: []AlipayTrade{
			{TradeNo: "2024112022001400001", OutNo: "OUT001", Amount: 9999999,
				GmtTrade: time.Date(2024, 11, 19, 9, 30, 0, 0, cntime.Zone), StatusDescription: "交易成功"},
			{TradeNo: "2024112022001400002", OutNo: "OUT002", Amount: 1},
		},
	}
}

// sameAlipay compares decoded complaints without Raw, and times by instant.
func sameAlipay(t *testing.T, got, want AlipayComplaint) {
	t.Helper()
	if got.Raw == nil {
		t.Errorf("Raw not kept")
	}
	got.Raw, want.Raw = nil, nil
	for _, p := range []*AlipayComplaint{&got, &want} {
		for _, tm := range []*time.Time{&p.GmtComplain, &p.GmtProcess, &p.GmtOverdue, &p.GmtRiskFinishTime} {
			if !tm.IsZero() {
				*tm = tm.UTC()
			}
		}
		for i := range p.ComplaintTradeInfoList {
			if tm := &p.ComplaintTradeInfoList[i].GmtTrade; !tm.IsZero() {
				*tm = tm.UTC()
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n%#v\nwant\n%#v", alipayFields(got), alipayFields(want)) // unredacted
	}
}

func alipayPage(t testing.TB, code string, items ...string) string {
	return records(t, `{"code":"`+code+`","msg":"Success","total_size":"`+strconv.Itoa(len(items))+
		`","current_page":1,"page_size":10,"complaint_list":[`+strings.Join(items, ",")+`]}`)
}

var fixedNow = time.Date(2024, 11, 21, 8, 30, 5, 0, time.UTC) // 16:30:05 in Beijing

func TestListAlipayComplaints(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st, option.WithClock(func() time.Time { return fixedNow }))
			f.handle = func(method string, form url.Values) (map[string]string, string) {
				if method != "alicomplaintqueryv2" {
					return nil, "接口不存在"
				}
				return map[string]string{"records": alipayPage(t, "10000", fullAlipayItem)}, ""
			}
			req := &ListAlipayComplaintsRequest{PageNum: 2, PageSize: 50,
				Start: time.Date(2024, 11, 1, 0, 0, 0, 0, cntime.Zone), End: time.Date(2024, 11, 20, 16, 0, 0, 0, time.UTC),
				TradeNo: "2024112022001400001", TaskID: "TK1"}
			before := *req
			p, err := c.ListAlipayComplaints(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if *req != before {
				t.Fatal("request modified")
			}
			got := f.requests[0]
			for k, want := range map[string]string{
				"current_page_num": "2", "page_size": "50", "gmt_complaint_start": "2024-11-01 00:00:00",
				"gmt_complaint_end": "2024-11-21 00:00:00", "trade_no": "2024112022001400001", "task_id": "TK1",
				"timestamp": "20241121163005", "version": "11", "cusid": testCusID, "appid": testAppID,
				"signtype": string(st),
			} {
				if got.Get(k) != want {
					t.Errorf("%s = %q, want %q", k, got.Get(k), want)
				}
			}
			if len(got) != 13 { // the 11 above, randomstr and sign
				t.Errorf("form %v", got)
			}
			if p.Code != "10000" || p.Msg != "Success" || p.TotalSize != 1 || p.CurrentPage != 1 || p.PageSize != 10 ||
				len(p.ComplaintList) != 1 || !json.Valid(p.Raw) {
				t.Fatalf("page %+v", p)
			}
			sameAlipay(t, p.ComplaintList[0], wantFullAlipayItem())
			if !strings.Contains(string(p.ComplaintList[0].Raw), "brand_new_field") {
				t.Error("unknown field not kept in Raw")
			}
			if p.ComplaintList[0].CusID != "" {
				t.Errorf("own merchant's complaint has CusID %q", p.ComplaintList[0].CusID)
			}
		})
	}
}

// With no filters only the common fields and timestamp are sent.
func TestListAlipayComplaintsMinimalForm(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"records": alipayPage(t, "10000")}, ""
	}
	p, err := c.ListAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{})
	if err != nil || len(p.ComplaintList) != 0 {
		t.Fatalf("%+v, %v", p, err)
	}
	var keys []string
	for k := range f.requests[0] {
		keys = append(keys, k)
	}
	if len(keys) != 7 || f.requests[0].Get("timestamp") == "" {
		t.Fatalf("form keys %v", keys)
	}
}

func TestListAlipayComplaintsValidation(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	ctx := context.Background()
	t0 := time.Date(2024, 11, 1, 0, 0, 0, 0, cntime.Zone)
	for _, r := range []*ListAlipayComplaintsRequest{
		nil, {PageSize: 51}, {PageSize: -1}, {PageNum: -1}, {Start: t0, End: t0.Add(-time.Second)}, {CusID: "a/b"},
	} {
		var ve *complaint.ValidationError
		if _, err := c.ListAlipayComplaints(ctx, r); !errors.As(err, &ve) || !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%+v: %v", r, err)
		}
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.ListAlipayComplaints(nil, &ListAlipayComplaintsRequest{}); err == nil {
		t.Error("nil context accepted")
	}
	if len(f.requests) != 0 {
		t.Fatalf("%d requests sent", len(f.requests))
	}
}

// A code other than 10000 is an *AlipayError; Alipay's gateway codes map
// onto the sentinels; a list without a code is not a success.
func TestListAlipayComplaintsCode(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	var body string
	f.handle = func(string, url.Values) (map[string]string, string) { return map[string]string{"records": body}, "" }
	ctx := context.Background()
	cases := []struct {
		records string
		code    string
		is      error
	}{
		{`{"code":"40004","msg":"Business Failed","sub_code":"isv.complaint-not-exist","sub_msg":"投诉单不存在"}`, "40004", complaint.ErrNotFound},
		{`{"code":"40006","msg":"Insufficient Permissions"}`, "40006", complaint.ErrUnauthorized},
		{`{"code":"40002","msg":"Invalid Arguments"}`, "40002", complaint.ErrInvalidRequest},
		{`{"code":20000,"msg":"Service Currently Unavailable"}`, "20000", nil},
		{`{"msg":"no code","complaint_list":[]}`, "", nil},
	}
	for _, tc := range cases {
		body = records(t, tc.records)
		p, err := c.ListAlipayComplaints(ctx, &ListAlipayComplaintsRequest{})
		var ae *AlipayError
		if p != nil || !errors.As(err, &ae) || ae.Code != tc.code || ae.Method != "alicomplaintqueryv2" {
			t.Fatalf("%s: %+v, %v", tc.records, p, err)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: %v is not %v", tc.records, err, tc.is)
		}
		for _, s := range []error{complaint.ErrNotFound, complaint.ErrUnauthorized, complaint.ErrInvalidRequest, complaint.ErrRateLimited} {
			if s != tc.is && errors.Is(err, s) {
				t.Errorf("%s: %v also matches %v", tc.records, err, s)
			}
		}
	}
	body = records(t, `{"code":"40004","msg":"Business Failed","sub_msg":"投诉单不存在"}`)
	_, err := c.ListAlipayComplaints(ctx, &ListAlipayComplaintsRequest{})
	if want := "allinpay: alicomplaintqueryv2: alipay code=40004 msg=Business Failed sub_msg=投诉单不存在"; err.Error() != want {
		t.Errorf("error text %q", err)
	}
}

// Amounts convert to fen exactly; a malformed amount fails the page, it never
// becomes 0.
func TestAlipayAmounts(t *testing.T) {
	item := func(amount string) string { return `{"id":1,"complain_amount":` + amount + `}` }
	c, f := newTestClient(t, SignRSA)
	var body string
	f.handle = func(string, url.Values) (map[string]string, string) { return map[string]string{"records": body}, "" }
	ctx := context.Background()
	for amount, want := range map[string]int64{
		`"12.3"`: 1230, `"12.30"`: 1230, `"0.05"`: 5, `"100000.00"`: 10000000, `100000.00`: 10000000,
		`"99999999.99"`: 9999999999, `0.29`: 29, `"0.57"`: 57, `1`: 100, `null`: 0, `""`: 0,
		`"92233720368547758.07"`: 1<<63 - 1,
	} {
		body = alipayPage(t, "10000", item(amount))
		p, err := c.ListAlipayComplaints(ctx, &ListAlipayComplaintsRequest{})
		if err != nil || p.ComplaintList[0].ComplainAmount != want {
			t.Errorf("complain_amount %s: %+v, %v; want %d fen", amount, p, err, want)
		}
	}
	for _, amount := range []string{`"12.345"`, `"abc"`, `"-1.00"`, `1e3`, `"1,000.00"`, `"92233720368547758.08"`, `true`, `" 1"`} {
		body = alipayPage(t, "10000", item(amount))
		p, err := c.ListAlipayComplaints(ctx, &ListAlipayComplaintsRequest{})
		if p != nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "amount") {
			t.Errorf("complain_amount %s: %+v, %v", amount, p, err)
		}
	}
	body = alipayPage(t, "10000", `{"id":1,"complaint_trade_info_list":[{"amount":"1.001"}]}`)
	if _, err := c.ListAlipayComplaints(ctx, &ListAlipayComplaintsRequest{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed trade amount: %v", err)
	}
}

// alipayPages serves n complaints by current_page_num and page_size, with
// total_size, as Allinpay pages.
func alipayPages(t testing.TB, n int) func(string, url.Values) (map[string]string, string) {
	return func(_ string, form url.Values) (map[string]string, string) {
		pg, _ := strconv.Atoi(form.Get("current_page_num"))
		size, _ := strconv.Atoi(form.Get("page_size"))
		var items []string
		for i := (pg - 1) * size; i < n && i < pg*size; i++ {
			items = append(items, fmt.Sprintf(`{"id":%d,"complain_amount":"1.00"}`, 1000+i))
		}
		return map[string]string{"records": records(t, fmt.Sprintf(
			`{"code":"10000","total_size":%d,"current_page":%d,"page_size":%d,"complaint_list":[%s]}`,
			n, pg, size, strings.Join(items, ",")))}, ""
	}
}

func TestAllAlipayComplaints(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = alipayPages(t, 5)
			req := &ListAlipayComplaintsRequest{PageSize: 2}
			var ids []string
			for a, err := range c.AllAlipayComplaints(context.Background(), req) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, a.ID)
			}
			if want := []string{"1000", "1001", "1002", "1003", "1004"}; !reflect.DeepEqual(ids, want) {
				t.Fatalf("ids %v", ids)
			}
			var pages []string
			for _, r := range f.requests {
				pages = append(pages, r.Get("current_page_num")+"/"+r.Get("page_size"))
			}
			if want := []string{"1/2", "2/2", "3/2"}; !reflect.DeepEqual(pages, want) {
				t.Fatalf("pages %v", pages)
			}
			if req.PageNum != 0 || req.PageSize != 2 {
				t.Fatal("request modified")
			}
		})
	}
}

// total_size ends paging after a full last page; a start page is honoured; a
// zero page size asks for the largest pages.
func TestAllAlipayComplaintsPaging(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	f.handle = alipayPages(t, 4)
	n := 0
	for _, err := range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 4 || len(f.requests) != 2 {
		t.Fatalf("%d complaints in %d requests", n, len(f.requests))
	}
	f.requests = nil
	var ids []string
	for a, err := range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{PageNum: 2, PageSize: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if !reflect.DeepEqual(ids, []string{"1003"}) || f.requests[0].Get("current_page_num") != "2" {
		t.Fatalf("from page 2: %v", ids)
	}
	f.requests = nil
	for range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{}) {
	}
	if got := f.requests[0].Get("page_size"); got != "50" {
		t.Fatalf("default iterator page_size %q", got)
	}
}

func TestAllAlipayComplaintsBreakAndError(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	f.handle = alipayPages(t, 10)
	for a, err := range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{PageSize: 3}) {
		if err != nil || a.ID != "1000" {
			t.Fatalf("%v, %v", a, err)
		}
		break
	}
	if len(f.requests) != 1 {
		t.Fatalf("%d requests after break", len(f.requests))
	}

	f.requests = nil
	ok := alipayPages(t, 10)
	f.handle = func(m string, form url.Values) (map[string]string, string) {
		if form.Get("current_page_num") == "2" {
			return map[string]string{"records": records(t, `{"code":"40004","msg":"Business Failed"}`)}, ""
		}
		return ok(m, form)
	}
	var items, errs int
	for a, err := range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{PageSize: 3}) {
		if err != nil {
			var ae *AlipayError
			if a != nil || !errors.As(err, &ae) {
				t.Fatalf("%v, %v", a, err)
			}
			errs++
			continue
		}
		items++
	}
	if items != 3 || errs != 1 || len(f.requests) != 2 {
		t.Fatalf("%d items, %d errors, %d requests", items, errs, len(f.requests))
	}

	// A page holding more than page_size complaints would throw page
	// numbering off: an error, not a skipped or repeated complaint.
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"records": alipayPage(t, "10000", `{"id":1}`, `{"id":2}`, `{"id":3}`)}, ""
	}
	for _, err := range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{PageSize: 2}) {
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("oversized page: %v", err)
		}
	}
	for _, err := range c.AllAlipayComplaints(context.Background(), &ListAlipayComplaintsRequest{PageSize: 99}) {
		if !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Fatalf("page_size 99: %v", err)
		}
	}
}

const fullAlipayDetail = `{
	"id": "2024112000000123456",
	"status": "PROCESSED",
	"status_description": "已处理",
	"gmt_complain": "2024-11-20 10:00:00",
	"gmt_process": "2024-11-21 11:12:13",
	"gmt_risk_finish_time": "2024-11-22 00:00:01",
	"complain_amount": 12.5,
	"contact": "buyer@example.com",
	"complain_url": "https://example.invalid/complaint/1",
	"certify_info": ["https://example.invalid/c1.jpg", "https://example.invalid/c2.jpg"],
	"process_code": "ORTHER",
	"process_message": "已联系",
	"process_remark": "退款处理",
	"process_img_url_list": "https://example.invalid/p1.jpg"
}`

func TestGetAlipayComplaint(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = func(method string, form url.Values) (map[string]string, string) {
				if method != "alicomplaintquery" || form.Get("complain_id") != "2024112000000123456" {
					return nil, "投诉单不存在"
				}
				return map[string]string{"records": records(t, fullAlipayDetail)}, ""
			}
			a, err := c.GetAlipayComplaint(context.Background(), &GetAlipayComplaintRequest{ComplainID: "2024112000000123456"})
			if err != nil {
				t.Fatal(err)
			}
			r := f.requests[0]
			if r.Has("complaint_id") || r.Get("version") != "11" || r.Get("cusid") != testCusID || r.Has("timestamp") {
				t.Errorf("form %v", r)
			}
			sameAlipay(t, *a, AlipayComplaint{
				ID: "2024112000000123456", Status: AlipayStatusProcessed, StatusDescription: "已处理",
				GmtComplain:       time.Date(2024, 11, 20, 10, 0, 0, 0, cntime.Zone),
				GmtProcess:        time.Date(2024, 11, 21, 11, 12, 13, 0, cntime.Zone),
				GmtRiskFinishTime: time.Date(2024, 11, 22, 0, 0, 1, 0, cntime.Zone),
				ComplainAmount:    1250, Contact: "buyer@example.com", ComplainURL: "https://example.invalid/complaint/1",
				CertifyInfo: []string{"https://example.invalid/c1.jpg", "https://example.invalid/c2.jpg"},
				ProcessCode: AlipayProcessOther, ProcessMessage: "已联系", ProcessRemark: "退款处理",
				ProcessImgURLList: []string{"https://example.invalid/p1.jpg"},
			})

			_, err = c.GetAlipayComplaint(context.Background(), &GetAlipayComplaintRequest{ComplainID: "1"})
			var ae *APIError
			if !errors.As(err, &ae) || !errors.Is(err, complaint.ErrNotFound) || ae.RetMsg != "投诉单不存在" {
				t.Fatalf("unknown id: %v", err)
			}
		})
	}
}

// A sub-merchant's detail is asked with its cusid and keeps it.
func TestGetAlipayComplaintSubMerchant(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"records": records(t, `{"id":7,"code":"10000","msg":"Success"}`)}, ""
	}
	a, err := c.GetAlipayComplaint(context.Background(), &GetAlipayComplaintRequest{ComplainID: "7", CusID: "990581007426002"})
	if err != nil || a.ID != "7" || a.CusID != "990581007426002" || f.requests[0].Get("cusid") != "990581007426002" {
		t.Fatalf("%+v, %v, %v", a, err, f.requests[0])
	}
	if got := a.ToComplaint().Ref(); got != (complaint.Ref{Provider: complaint.Allinpay, ID: "7", MerchantID: "990581007426002", Channel: complaint.ChannelAlipay}) {
		t.Fatalf("ref %+v", got)
	}
}

func TestGetAlipayComplaintErrors(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	var body string
	f.handle = func(string, url.Values) (map[string]string, string) { return map[string]string{"records": body}, "" }
	ctx := context.Background()
	for _, tc := range []struct {
		records string
		check   func(error) bool
	}{
		{`{"code":"40004","msg":"Business Failed","sub_msg":"投诉单不存在"}`, func(err error) bool {
			var ae *AlipayError
			return errors.As(err, &ae) && errors.Is(err, complaint.ErrNotFound)
		}},
		{`[]`, func(err error) bool { return errors.Is(err, ErrMalformed) }},
		{`{"id":1,"complain_amount":"1.2.3"}`, func(err error) bool { return errors.Is(err, ErrMalformed) }},
		{`{"id":1,"gmt_complain":"yesterday"}`, func(err error) bool { return errors.Is(err, ErrMalformed) }},
		{`{"id":true}`, func(err error) bool { return errors.Is(err, ErrMalformed) }},
		{`{"id":1,"certify_info":{"a":1}}`, func(err error) bool { return errors.Is(err, ErrMalformed) }},
	} {
		body = records(t, tc.records)
		a, err := c.GetAlipayComplaint(ctx, &GetAlipayComplaintRequest{ComplainID: "1"})
		if a != nil || !tc.check(err) {
			t.Errorf("%s: %+v, %v", tc.records, a, err)
		}
	}
	for _, r := range []*GetAlipayComplaintRequest{nil, {}} {
		if _, err := c.GetAlipayComplaint(ctx, r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

func TestFinishAlipayComplaints(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = func(method string, form url.Values) (map[string]string, string) {
				if method != "alicomplaintprocessfinish" {
					return nil, "接口不存在"
				}
				return map[string]string{"complaint_process_success": "true"}, ""
			}
			req := &FinishAlipayComplaintsRequest{
				IDs: []string{"2024112000000123456", "7"}, ProcessCode: AlipayProcessOther, Remark: "已退款 & 致歉",
				Images: []AlipayImage{{ImgURL: "https://example.invalid/f?a=1&b=<2>", ImgURLKey: "A*key1"}},
			}
			if err := c.FinishAlipayComplaints(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			r := f.requests[0]
			for k, want := range map[string]string{
				"id_list":       `[2024112000000123456,7]`,
				"process_code":  "ORTHER",
				"remark":        "已退款 & 致歉",
				"img_file_list": `[{"img_url":"https://example.invalid/f?a=1&b=<2>","img_url_key":"A*key1"}]`,
				"version":       "11",
			} {
				if r.Get(k) != want {
					t.Errorf("%s = %q, want %q", k, r.Get(k), want)
				}
			}
		})
	}
}

func TestFinishAlipayComplaintsAnswers(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	var answer map[string]string
	f.handle = func(string, url.Values) (map[string]string, string) { return answer, "" }
	ctx := context.Background()
	req := &FinishAlipayComplaintsRequest{IDs: []string{"1"}, ProcessCode: AlipayProcessRefund}

	answer = map[string]string{"complaint_process_success": "false"}
	var ae *AlipayError
	if err := c.FinishAlipayComplaints(ctx, req); !errors.As(err, &ae) || ae.Msg != "complaint_process_success=false" {
		t.Errorf("false: %v", err)
	}
	answer = map[string]string{}
	if err := c.FinishAlipayComplaints(ctx, req); !errors.Is(err, ErrMalformed) {
		t.Errorf("absent: %v", err)
	}
	if r := f.requests[0]; r.Has("img_file_list") || r.Has("remark") || r.Get("id_list") != "[1]" || r.Get("process_code") != "REFUND" {
		t.Errorf("form %v", r)
	}
	f.requests = nil
	for _, r := range []*FinishAlipayComplaintsRequest{
		nil, {ProcessCode: "REFUND"}, {IDs: []string{"1"}}, {IDs: []string{"x1"}, ProcessCode: "REFUND"},
		{IDs: []string{"01"}, ProcessCode: "REFUND"}, {IDs: []string{""}, ProcessCode: "REFUND"},
		{IDs: []string{"12345678901234567890"}, ProcessCode: "REFUND"},
		{IDs: []string{"1"}, ProcessCode: "REFUND", Images: []AlipayImage{{ImgURL: "u"}}},
	} {
		if err := c.FinishAlipayComplaints(ctx, r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%+v: %v", r, err)
		}
	}
	if len(f.requests) != 0 {
		t.Fatalf("invalid requests sent: %d", len(f.requests))
	}
}

func TestAlipayStatusState(t *testing.T) {
	for s, want := range map[AlipayStatus]complaint.State{
		AlipayStatusWaitProcess:          complaint.StatePending,
		AlipayStatusOverdue:              complaint.StatePending,
		AlipayStatusProcessing:           complaint.StateProcessing,
		AlipayStatusPartOverdue:          complaint.StateProcessing,
		AlipayStatusProcessed:            complaint.StateResolved,
		AlipayStatusOverdueProcessed:     complaint.StateResolved,
		AlipayStatusDropComplain:         complaint.StateWithdrawn,
		AlipayStatusDropOverdueComplain:  complaint.StateWithdrawn,
		AlipayStatusDropOverdueProcessed: complaint.StateWithdrawn,
		AlipayStatusDropProcessed:        complaint.StateWithdrawn,
		"":                               complaint.StateUnknown,
		"SOMETHING_NEW":                  complaint.StateUnknown,
		"wait_process":                   complaint.StateUnknown, // values are case-sensitive
	} {
		if got := s.State(); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
		a := AlipayComplaint{ID: "1", Status: s}
		if c := a.ToComplaint(); c.State != want || c.ProviderState != string(s) {
			t.Errorf("%q converted to %q / %q", s, c.State, c.ProviderState)
		}
	}
}

func TestAlipayToComplaint(t *testing.T) {
	a := wantFullAlipayItem()
	a.CusID = "990581007426002"
	a.CertifyInfo = []string{"https://example.invalid/c1.jpg"}
	a.ProcessImgURLList = []string{"https://example.invalid/p1.jpg"}
	c := a.ToComplaint()
	want := &complaint.Complaint{
		Provider: complaint.Allinpay, ID: a.ID, MerchantID: "990581007426002", Channel: complaint.ChannelAlipay, ChannelID: a.ID,
		State: complaint.StateProcessing, ProviderState: "PART_OVERDUE", Content: "未收到商品",
		Amount: complaint.CNY(10000000),
		Orders: []complaint.Order{
			{TransactionID: "2024112022001400001", OutTradeNo: "OUT001", Amount: complaint.CNY(9999999), PaidAt: a.ComplaintTradeInfoList[0].GmtTrade},
			{TransactionID: "2024112022001400002", OutTradeNo: "OUT002", Amount: complaint.CNY(1)},
		},
		// opposite_name and opposite_pid are the party complained about,
		// not the buyer: they stay in Raw.
		Contact: complaint.Contact{Phone: "13800138000"},
		Media: []complaint.Media{
			{Kind: complaint.MediaUser, ProviderKind: "certify_info", URL: "https://example.invalid/c1.jpg"},
			{Kind: complaint.MediaMerchant, ProviderKind: "process_img_url_list", URL: "https://example.invalid/p1.jpg"},
		},
		CreatedAt: a.GmtComplain, DueAt: a.GmtOverdue,
		Raw: &a,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("converted\n%#v\nwant\n%#v", c, want)
	}
	if c.Raw.(*AlipayComplaint) != &a {
		t.Fatal("Raw is not the complaint itself")
	}
	if ref := c.Ref(); ref != (complaint.Ref{Provider: complaint.Allinpay, ID: a.ID, MerchantID: "990581007426002", Channel: complaint.ChannelAlipay}) {
		t.Fatalf("ref %+v", ref)
	}

	// A complaint with only trade_no has that order; a non-phone contact goes
	// to Other; a final state closes at gmt_process.
	b := AlipayComplaint{ID: "2", TradeNo: "T1", Contact: "wx: buyer_01", Status: AlipayStatusDropComplain,
		GmtProcess: time.Date(2024, 1, 2, 3, 4, 5, 0, cntime.Zone)}
	cb := b.ToComplaint()
	if !reflect.DeepEqual(cb.Orders, []complaint.Order{{TransactionID: "T1"}}) || cb.Contact.Phone != "" ||
		cb.Contact.Other["contact"] != "wx: buyer_01" || !cb.ClosedAt.Equal(b.GmtProcess) || cb.MerchantID != "" {
		t.Fatalf("%+v", cb)
	}
	b.Status = AlipayStatusProcessing
	if cb := b.ToComplaint(); !cb.ClosedAt.IsZero() || !cb.UpdatedAt.Equal(b.GmtProcess) {
		t.Fatalf("open complaint closed at %v", cb.ClosedAt)
	}
	// gmt_risk_finish_time is Alipay's push time: it closes nothing.
	b.GmtRiskFinishTime = b.GmtProcess.Add(time.Hour)
	if cb := b.ToComplaint(); !cb.ClosedAt.IsZero() {
		t.Fatalf("open complaint closed at %v by its push time", cb.ClosedAt)
	}
	b.Status = AlipayStatusProcessed
	if cb := b.ToComplaint(); !cb.ClosedAt.Equal(b.GmtProcess) {
		t.Fatalf("closed at %v, want gmt_process", cb.ClosedAt)
	}
	if (*AlipayComplaint)(nil).ToComplaint() != nil {
		t.Fatal("nil converts to a complaint")
	}
}

func TestIsPhone(t *testing.T) {
	for s, want := range map[string]bool{
		"13800138000": true, "+86 138 0013 8000": true, "0571-88888888": true, "12345": true,
		"1234": false, "": false, "138001380001380013800": false, "buyer@example.com": false,
		"-13800138000": false, "138+00": false, "１３８００１３８０００": false,
	} {
		if isPhone(s) != want {
			t.Errorf("isPhone(%q) = %v", s, !want)
		}
	}
}

// Encoding a complaint writes Allinpay's form, which decodes back to it.
func TestAlipayComplaintJSONRoundTrip(t *testing.T) {
	a := wantFullAlipayItem()
	a.CertifyInfo = []string{"u1"}
	a.GmtRiskFinishTime = time.Date(2024, 11, 28, 0, 0, 0, 0, cntime.Zone)
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"complain_amount":"100000.00"`, `"gmt_complain":"2024-11-20 10:00:00"`,
		`"gmt_process":null`, `"amount":"99999.99"`, `"id":"2024112000000123456"`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("encoding lacks %s: %s", frag, b)
		}
	}
	var back AlipayComplaint
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	sameAlipay(t, back, a)
}

// Printing and logging never show the buyer's contact, name, id or text.
func TestAlipayComplaintRedacted(t *testing.T) {
	var a AlipayComplaint
	if err := json.Unmarshal([]byte(fullAlipayItem), &a); err != nil {
		t.Fatal(err)
	}
	p := ListAlipayComplaintsResponse{ComplaintList: []AlipayComplaint{a}, Raw: a.Raw}
	for _, s := range []string{
		fmt.Sprint(a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), fmt.Sprintf("%v", &a), fmt.Sprintf("%+v", p),
		fmt.Sprintf("%#v", p), fmt.Sprintf("%+v", []AlipayComplaint{a}), a.LogValue().String(), p.LogValue().String(),
	} {
		for _, secret := range []string{"13800138000", "张三", "2088102122524333", "未收到商品"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q printed in %s", secret, s)
			}
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", a), "TK20241120000001") {
		t.Error("print lost the non-personal fields")
	}
}

// The Alipay complaint notification's form decodes with the records' rules.
func TestDecodeAlipayFields(t *testing.T) {
	form := url.Values{
		"cusid": {testCusID}, "appid": {testAppID}, "signtype": {"RSA"}, "sign": {"s"}, "paychnl": {"ALIPAY"},
		"task_id": {"TK1"}, "complain_amount": {"100000.00"}, "complain_content": {"未收到商品"},
		"complaint_trade_info_list": {`[{"trade_no":"T1","out_no":"O1","amount":"0.01"}]`},
		"contact":                   {"13800138000"}, "gmt_complain": {"2024-11-20 10:00:00"}, "gmt_overdue": {"2024-11-27 10:00:00"},
		"gmt_process": {""}, "gmt_risk_finish_time": {""}, "opposite_name": {"张三"}, "opposite_pid": {"2088"},
		"status": {"WAIT_PROCESS"}, "status_description": {"待处理"}, "certify_info": {"https://example.invalid/1.jpg"},
	}
	a, err := decodeAlipayFields(form)
	if err != nil {
		t.Fatal(err)
	}
	if a.ComplainAmount != 10000000 || a.TaskID != "TK1" || a.Status != AlipayStatusWaitProcess || a.Contact != "13800138000" ||
		!a.GmtComplain.Equal(time.Date(2024, 11, 20, 10, 0, 0, 0, cntime.Zone)) || !a.GmtProcess.IsZero() ||
		!reflect.DeepEqual(a.ComplaintTradeInfoList, []AlipayTrade{{TradeNo: "T1", OutNo: "O1", Amount: 1}}) ||
		!reflect.DeepEqual(a.CertifyInfo, []string{"https://example.invalid/1.jpg"}) || !json.Valid(a.Raw) ||
		!strings.Contains(string(a.Raw), `"paychnl":"ALIPAY"`) {
		t.Fatalf("%#v", alipayFields(*a))
	}
	for k, v := range map[string]string{"complain_amount": "1.001", "gmt_complain": "soon", "complaint_trade_info_list": `[{"amount":"x"}]`} {
		bad := url.Values{k: {v}}
		if a, err := decodeAlipayFields(bad); a != nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s=%s: %v, %v", k, v, a, err)
		}
	}
}

// The Alipay list names the order by trade_no while a notification of the
// same version may carry no trade at all: both reads have one fingerprint,
// so the poller does not report the notified complaint again as changed.
func TestAlipayFingerprintIgnoresUnrefundedOrderNaming(t *testing.T) {
	listed := AlipayComplaint{ID: "7", TradeNo: "T1", Status: AlipayStatusWaitProcess, ComplainAmount: 3990,
		GmtComplain: time.Date(2025, 11, 15, 7, 0, 0, 0, cntime.Zone)}
	notified := listed
	notified.TradeNo = ""
	a, b := listed.ToComplaint(), notified.ToComplaint()
	if len(a.Orders) != 1 || len(b.Orders) != 0 {
		t.Fatalf("orders %d and %d: the test needs one read with the order and one without", len(a.Orders), len(b.Orders))
	}
	if complaint.Fingerprint(a) != complaint.Fingerprint(b) {
		t.Fatal("naming an unrefunded order changed the fingerprint")
	}
	notified.Status = AlipayStatusProcessed
	if complaint.Fingerprint(notified.ToComplaint()) == complaint.Fingerprint(a) {
		t.Fatal("a state change kept the fingerprint")
	}
}
