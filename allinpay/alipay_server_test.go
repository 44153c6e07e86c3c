package allinpay_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
)

var beijing = time.FixedZone("CST", 8*3600)

// onFake runs f against a fresh allinpaytest server of each sign type, with a
// client built the way users build one for it.
func onFake(t *testing.T, f func(t *testing.T, srv *allinpaytest.Server, c *allinpay.Client), opts ...allinpaytest.Option) {
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		t.Run(string(st), func(t *testing.T) {
			srv := allinpaytest.NewServer(append([]allinpaytest.Option{allinpaytest.WithSignType(st)}, opts...)...)
			t.Cleanup(srv.Close)
			clock := func() time.Time { return time.Date(2024, 11, 21, 8, 0, 0, 0, time.UTC) }
			c, err := allinpay.NewClient(srv.Credentials(), append(srv.ClientOptions(), option.WithClock(clock))...)
			if err != nil {
				t.Fatal(err)
			}
			f(t, srv, c)
		})
	}
}

// seedAlipayFake adds three complaints an hour apart, the newest first in
// the returned slice, one of them above ¥100,000.
func seedAlipayFake(srv *allinpaytest.Server, cusid string) []allinpaytest.AlipayComplaint {
	base := time.Date(2024, 11, 20, 10, 0, 0, 0, beijing)
	var out []allinpaytest.AlipayComplaint
	for i, amount := range []string{"100000.00", "12.30", "0.05"} {
		id := "202411200000000" + string(rune('1'+i))
		out = append(out, srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{
			ID: id, CusID: cusid, GmtComplain: base.Add(-time.Duration(i) * time.Hour), ComplainAmount: amount,
			OppositePID: "2088000000000" + id[len(id)-1:], OppositeName: "买家", Contact: "13800138000",
			ComplainContent: "未收到商品", TradeNo: "T" + id, GmtOverdue: base.Add(7 * 24 * time.Hour),
			Trades: []allinpaytest.AlipayTrade{{TradeNo: "T" + id, OutNo: "OUT" + id, Amount: amount,
				GmtTrade: base.Add(-24 * time.Hour), StatusDescription: "交易成功"}},
			CertifyInfo: []string{"https://example.invalid/" + id + ".jpg"},
			Extra:       map[string]any{"future_field": "kept"},
		}))
	}
	return out
}

func TestAlipayOnFake(t *testing.T) {
	onFake(t, func(t *testing.T, srv *allinpaytest.Server, c *allinpay.Client) {
		seeds := seedAlipayFake(srv, "")
		ctx := context.Background()
		var got []*allinpay.AlipayComplaint
		for a, err := range c.AllAlipayComplaints(ctx, &allinpay.ListAlipayComplaintsRequest{PageSize: 2,
			Start: time.Date(2024, 11, 19, 0, 0, 0, 0, beijing), End: time.Date(2024, 11, 21, 0, 0, 0, 0, beijing)}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, a)
		}
		if len(got) != 3 {
			t.Fatalf("%d complaints", len(got))
		}
		for i, a := range got {
			s := seeds[i]
			if a.ID != s.ID || a.TaskID != s.TaskID || a.OppositePID != s.OppositePID || a.OppositeName != s.OppositeName ||
				a.Contact != s.Contact || a.ComplainContent != s.ComplainContent || a.TradeNo != s.TradeNo ||
				a.Status != allinpay.AlipayStatusWaitProcess || a.StatusDescription != s.StatusDescription ||
				!a.GmtComplain.Equal(s.GmtComplain) || !a.GmtOverdue.Equal(s.GmtOverdue) || !a.GmtProcess.IsZero() ||
				a.MerchantNo != srv.CusID() || a.CusID != "" || len(a.ComplaintTradeInfoList) != 1 ||
				a.ComplaintTradeInfoList[0].OutNo != "OUT"+s.ID || !a.ComplaintTradeInfoList[0].GmtTrade.Equal(s.Trades[0].GmtTrade) ||
				a.ComplaintTradeInfoList[0].StatusDescription != "交易成功" {
				t.Errorf("complaint %d: %+v", i, a)
			}
		}
		if !strings.Contains(string(got[0].Raw), `"future_field":"kept"`) {
			t.Errorf("unknown field not kept: %s", got[0].Raw)
		}
		for i, fen := range []int64{10000000, 1230, 5} {
			if got[i].ComplainAmount != fen || got[i].ComplaintTradeInfoList[0].Amount != fen {
				t.Errorf("complaint %d amount %d / %d fen, want %d", i, got[i].ComplainAmount, got[i].ComplaintTradeInfoList[0].Amount, fen)
			}
		}
		var pages []string
		for _, r := range srv.Requests() {
			if r.Method != "alicomplaintqueryv2" || r.RetCode != "SUCCESS" {
				t.Fatalf("request %+v", r)
			}
			if r.Fields.Get("timestamp") != "20241121160000" || r.Fields.Get("gmt_complaint_start") != "2024-11-19 00:00:00" ||
				r.Fields.Get("gmt_complaint_end") != "2024-11-21 00:00:00" {
				t.Errorf("fields %v", r.Fields)
			}
			pages = append(pages, r.Fields.Get("current_page_num"))
		}
		if !reflect.DeepEqual(pages, []string{"1", "2"}) {
			t.Fatalf("pages %v", pages)
		}

		// The detail adds the processing fields.
		d, err := c.GetAlipayComplaint(ctx, &allinpay.GetAlipayComplaintRequest{ComplainID: seeds[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		if d.ID != seeds[0].ID || d.ComplainAmount != 10000000 || !reflect.DeepEqual(d.CertifyInfo, seeds[0].CertifyInfo) ||
			d.ProcessCode != "" || len(d.ProcessImgURLList) != 0 {
			t.Fatalf("detail %+v", d)
		}
		_, err = c.GetAlipayComplaint(ctx, &allinpay.GetAlipayComplaintRequest{ComplainID: "999"})
		var ae *allinpay.APIError
		if !errors.As(err, &ae) || !errors.Is(err, complaint.ErrNotFound) || ae.RetMsg != allinpaytest.MsgComplaintNotFound {
			t.Fatalf("unknown id: %v", err)
		}

		// Upload evidence, finish with it, and read the result back.
		f, err := c.UploadAlipayFile(ctx, &allinpay.UploadAlipayFileRequest{FileName: "proof.png", Data: []byte("\x89PNG\r\n\x1a\nimage")})
		if err != nil {
			t.Fatal(err)
		}
		if b, ok := srv.AlipayFile(f.FileKey); !ok || string(b) != "\x89PNG\r\n\x1a\nimage" {
			t.Fatalf("stored file %q, %v", b, ok)
		}
		if err := c.FinishAlipayComplaints(ctx, &allinpay.FinishAlipayComplaintsRequest{
			IDs: []string{seeds[0].ID, seeds[1].ID}, ProcessCode: allinpay.AlipayProcessOther, Remark: "已联系买家",
			Images: []allinpay.AlipayImage{f.Image()},
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range seeds[:2] {
			d, err := c.GetAlipayComplaint(ctx, &allinpay.GetAlipayComplaintRequest{ComplainID: s.ID})
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != allinpay.AlipayStatusProcessed || d.ProcessCode != "ORTHER" || d.ProcessRemark != "已联系买家" ||
				!reflect.DeepEqual(d.ProcessImgURLList, []string{f.FileURL}) || d.GmtProcess.IsZero() {
				t.Fatalf("finished %+v", d)
			}
			if c := d.ToComplaint(); c.State != complaint.StateResolved || c.ClosedAt.IsZero() {
				t.Fatalf("converted %+v", c)
			}
		}
		if st, _ := srv.AlipayComplaint(seeds[2].ID); st.Status != "WAIT_PROCESS" {
			t.Fatalf("unlisted complaint finished: %q", st.Status)
		}
		var fin allinpaytest.Request
		for _, r := range srv.Requests() {
			if r.Method == "alicomplaintprocessfinish" {
				fin = r
			}
		}
		if fin.Fields.Get("id_list") != "["+seeds[0].ID+","+seeds[1].ID+"]" || fin.Fields.Get("process_code") != "ORTHER" ||
			fin.Fields.Get("img_file_list") != `[{"img_url":"`+f.FileURL+`","img_url_key":"`+f.FileKey+`"}]` {
			t.Fatalf("finish fields %v", fin.Fields)
		}
		if err := c.FinishAlipayComplaints(ctx, &allinpay.FinishAlipayComplaintsRequest{IDs: []string{"999"},
			ProcessCode: allinpay.AlipayProcessRefund}); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("finish of an unknown id: %v", err)
		}
	})
}

// Numbers sent as strings decode the same.
func TestAlipayOnFakeStringNumbers(t *testing.T) {
	onFake(t, func(t *testing.T, srv *allinpaytest.Server, c *allinpay.Client) {
		seeds := seedAlipayFake(srv, "")
		p, err := c.ListAlipayComplaints(context.Background(), &allinpay.ListAlipayComplaintsRequest{PageNum: 2, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if p.TotalSize != 3 || p.CurrentPage != 2 || p.PageSize != 2 || len(p.ComplaintList) != 1 || p.ComplaintList[0].ID != seeds[2].ID {
			t.Fatalf("%+v", p)
		}
	}, allinpaytest.WithStringNumbers())
}

// A malformed amount from the server is an error, not a zero.
func TestAlipayOnFakeMalformedAmount(t *testing.T) {
	onFake(t, func(t *testing.T, srv *allinpaytest.Server, c *allinpay.Client) {
		srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "1", ComplainAmount: "12.345"})
		p, err := c.ListAlipayComplaints(context.Background(), &allinpay.ListAlipayComplaintsRequest{})
		if p != nil || !errors.Is(err, allinpay.ErrMalformed) {
			t.Fatalf("%+v, %v", p, err)
		}
		if _, err := c.GetAlipayComplaint(context.Background(), &allinpay.GetAlipayComplaintRequest{ComplainID: "1"}); !errors.Is(err, allinpay.ErrMalformed) {
			t.Fatalf("detail: %v", err)
		}
	})
}

// An agent lists every sub-merchant's complaints with its own number; each
// complaint carries its sub-merchant into the reference, which is what the
// detail and the finish call need.
func TestAlipayOnFakeAgent(t *testing.T) {
	const org, sub1, sub2 = "990581000000001", "990581007426101", "990581007426102"
	onFake(t, func(t *testing.T, srv *allinpaytest.Server, c *allinpay.Client) {
		seedAlipayFake(srv, sub1)
		srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "77", CusID: sub2, ComplainAmount: "1.00",
			GmtComplain: time.Date(2024, 11, 20, 12, 0, 0, 0, beijing)})
		ctx := context.Background()
		refs := map[string]complaint.Ref{}
		for a, err := range c.AllAlipayComplaints(ctx, &allinpay.ListAlipayComplaintsRequest{}) {
			if err != nil {
				t.Fatal(err)
			}
			refs[a.ID] = a.ToComplaint().Ref()
		}
		if len(refs) != 4 || refs["77"].MerchantID != sub2 || refs["2024112000000001"].MerchantID != sub1 ||
			refs["77"].Channel != complaint.ChannelAlipay || refs["77"].Provider != complaint.Allinpay {
			t.Fatalf("refs %+v", refs)
		}
		for _, r := range srv.Requests() {
			if r.Fields.Get("cusid") != org || r.Fields.Get("orgid") != org {
				t.Fatalf("list fields %v", r.Fields)
			}
		}
		ref := refs["77"]
		d, err := c.GetAlipayComplaint(ctx, &allinpay.GetAlipayComplaintRequest{ComplainID: ref.ID, CusID: ref.MerchantID})
		if err != nil || d.CusID != sub2 || d.ToComplaint().Ref() != ref {
			t.Fatalf("%+v, %v", d, err)
		}
		// Without the sub-merchant the complaint is not the agent's own.
		if _, err := c.GetAlipayComplaint(ctx, &allinpay.GetAlipayComplaintRequest{ComplainID: ref.ID}); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("agent number: %v", err)
		}
		if err := c.FinishAlipayComplaints(ctx, &allinpay.FinishAlipayComplaintsRequest{IDs: []string{ref.ID},
			ProcessCode: allinpay.AlipayProcessRefund, CusID: ref.MerchantID}); err != nil {
			t.Fatal(err)
		}
		if st, _ := srv.AlipayComplaint("77"); st.Status != "PROCESSED" || st.ProcessCode != "REFUND" {
			t.Fatalf("%+v", st)
		}
		f, err := c.UploadAlipayFile(ctx, &allinpay.UploadAlipayFileRequest{FileName: "a.jpg", Data: []byte{0xff, 0xd8, 0xff}, CusID: sub1})
		if err != nil || f.FileKey == "" {
			t.Fatalf("%+v, %v", f, err)
		}
		// One sub-merchant's list.
		p, err := c.ListAlipayComplaints(ctx, &allinpay.ListAlipayComplaintsRequest{CusID: sub2})
		if err != nil || len(p.ComplaintList) != 1 || p.ComplaintList[0].CusID != sub2 {
			t.Fatalf("%+v, %v", p, err)
		}
	}, allinpaytest.WithAgent(allinpaytest.ModeAgent, org, sub1, sub2))
}

// Faults injected by the fake surface as typed errors.
func TestAlipayOnFakeFaults(t *testing.T) {
	onFake(t, func(t *testing.T, srv *allinpaytest.Server, c *allinpay.Client) {
		srv.InjectFault(allinpaytest.Fault{Method: "alicomplaintqueryv2", Count: 1, FailMsg: "请求过于频繁"})
		_, err := c.ListAlipayComplaints(context.Background(), &allinpay.ListAlipayComplaintsRequest{})
		if !errors.Is(err, complaint.ErrRateLimited) {
			t.Fatalf("%v", err)
		}
		srv.SetTamper(func(method string, fields map[string]string) { fields["records"] += "=" })
		_, err = c.ListAlipayComplaints(context.Background(), &allinpay.ListAlipayComplaintsRequest{})
		if !errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Fatalf("tampered reply: %v", err)
		}
	})
}
