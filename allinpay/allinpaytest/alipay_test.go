package allinpaytest_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

type aliPage struct {
	Code          string           `json:"code"`
	TotalSize     json.Number      `json:"total_size"`
	CurrentPage   json.Number      `json:"current_page"`
	PageSize      json.Number      `json:"page_size"`
	ComplaintList []map[string]any `json:"complaint_list"`
}

func seedAlipay(srv *allinpaytest.Server, base time.Time) []allinpaytest.AlipayComplaint {
	var out []allinpaytest.AlipayComplaint
	for i, id := range []string{"2024112000001", "2024112000002", "2024112000003"} {
		out = append(out, srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{
			ID: id, GmtComplain: base.Add(-time.Duration(i) * time.Hour), ComplainAmount: "12.50",
			ComplainContent: "未收到商品", TradeNo: "2024112022001" + id[10:], OppositeName: "张*",
			Trades: []allinpaytest.AlipayTrade{{TradeNo: "2024112022001" + id[10:], OutNo: "OUT" + id[10:], Amount: "12.50"}},
		}))
	}
	return out
}

func TestAlipayList(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		base := time.Date(2024, 11, 20, 10, 0, 0, 0, cst)
		seeds := seedAlipay(srv, base)
		c := newTestClient(t, srv)
		list := func(f map[string]string) aliPage {
			var p aliPage
			records(t, c.ok("alicomplaintqueryv2", f), &p)
			return p
		}
		p := list(map[string]string{"version": "11"})
		if p.Code != "10000" || p.TotalSize != "3" || len(p.ComplaintList) != 3 || p.PageSize != "10" {
			t.Fatalf("page %+v", p)
		}
		it := p.ComplaintList[0]
		if it["id"] != json.Number(seeds[0].ID) || it["gmt_complain"] != "2024-11-20 10:00:00" || it["complain_amount"] != "12.50" ||
			it["status"] != "WAIT_PROCESS" || it["complaint_trade_info_list"].([]any)[0].(map[string]any)["out_no"] != "OUT001" {
			t.Fatalf("item %v", it)
		}
		var ids []any
		for pg := 1; pg <= 3; pg++ {
			p = list(map[string]string{"current_page_num": json.Number(string(rune('0' + pg))).String(), "page_size": "1"})
			if p.CurrentPage.String() != string(rune('0'+pg)) || len(p.ComplaintList) != 1 {
				t.Fatalf("page %d: %+v", pg, p)
			}
			ids = append(ids, p.ComplaintList[0]["id"])
		}
		if !slices.Equal(ids, []any{json.Number(seeds[0].ID), json.Number(seeds[1].ID), json.Number(seeds[2].ID)}) {
			t.Fatalf("paged ids %v", ids)
		}
		p = list(map[string]string{"gmt_complaint_start": base.Add(-time.Hour).Format(layout), "gmt_complaint_end": base.Add(-time.Hour).Format(layout)})
		if len(p.ComplaintList) != 1 || p.ComplaintList[0]["id"] != json.Number(seeds[1].ID) {
			t.Fatalf("window: %+v", p)
		}
		if p = list(map[string]string{"trade_no": seeds[2].TradeNo}); len(p.ComplaintList) != 1 {
			t.Fatalf("by trade_no: %+v", p)
		}
		if p = list(map[string]string{"task_id": seeds[1].TaskID}); len(p.ComplaintList) != 1 {
			t.Fatalf("by task_id: %+v", p)
		}
		wantMsg(t, c.fail("alicomplaintqueryv2", map[string]string{"page_size": "51"}), allinpaytest.MsgParamPrefix+"page_size")
	})
}

func TestAlipayDetailFinishUpload(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		seeds := seedAlipay(srv, time.Date(2024, 11, 20, 10, 0, 0, 0, cst))
		c := newTestClient(t, srv)
		var d map[string]any
		records(t, c.ok("alicomplaintquery", map[string]string{"complain_id": seeds[0].ID}), &d)
		if d["id"] != json.Number(seeds[0].ID) || d["status"] != "WAIT_PROCESS" || d["process_code"] != "" {
			t.Fatalf("detail %v", d)
		}
		wantMsg(t, c.fail("alicomplaintquery", map[string]string{"complain_id": "1"}), allinpaytest.MsgComplaintNotFound)

		up := c.upload("alicomplaintfileupload", nil, []byte("evidence"))
		var file struct{ FileKey, FileURL string }
		var raw map[string]string
		records(t, up, &raw)
		file.FileKey, file.FileURL = raw["file_key"], raw["file_url"]
		if b, ok := srv.AlipayFile(file.FileKey); !ok || string(b) != "evidence" || file.FileURL == "" {
			t.Fatalf("uploaded %v", raw)
		}
		imgs, _ := json.Marshal([]map[string]string{{"img_url": file.FileURL, "img_url_key": file.FileKey}})
		// Malformed lists and unknown ids change nothing.
		wantMsg(t, c.fail("alicomplaintprocessfinish", map[string]string{"id_list": seeds[0].ID, "process_code": "ORTHER"}), allinpaytest.MsgParamPrefix+"id_list")
		wantMsg(t, c.fail("alicomplaintprocessfinish", map[string]string{"id_list": `[]`, "process_code": "ORTHER"}), allinpaytest.MsgParamPrefix+"id_list")
		wantMsg(t, c.fail("alicomplaintprocessfinish", map[string]string{"id_list": `[` + seeds[0].ID + `,1]`, "process_code": "ORTHER"}), allinpaytest.MsgComplaintNotFound)
		wantMsg(t, c.fail("alicomplaintprocessfinish", map[string]string{"id_list": `[` + seeds[0].ID + `]`, "process_code": "ORTHER",
			"img_file_list": `[{"img_url":"x","key":"y"}]`}), allinpaytest.MsgParamPrefix+"img_file_list")
		wantMsg(t, c.fail("alicomplaintprocessfinish", map[string]string{"id_list": `[` + seeds[0].ID + `]`, "process_code": "ORTHER",
			"img_file_list": `[{"img_url":"x","img_url_key":"unknown"}]`}), allinpaytest.MsgImageNotFound)
		if got, _ := srv.AlipayComplaint(seeds[0].ID); got.Status != "WAIT_PROCESS" {
			t.Fatalf("state changed by a failed finish: %s", got.Status)
		}
		// ids as numbers and as strings, the process code verbatim.
		out := c.ok("alicomplaintprocessfinish", map[string]string{"id_list": `[` + seeds[0].ID + `,"` + seeds[1].ID + `"]`,
			"process_code": allinpaytest.ProcessOther, "remark": "已与用户协商", "img_file_list": string(imgs)})
		if out["complaint_process_success"] != "true" {
			t.Fatalf("finish answer %v", out)
		}
		for _, s := range seeds[:2] {
			got, _ := srv.AlipayComplaint(s.ID)
			if got.Status != "PROCESSED" || got.ProcessCode != "ORTHER" || got.ProcessRemark != "已与用户协商" ||
				len(got.ProcessImages) != 1 || got.ProcessImages[0].ImgURLKey != file.FileKey || got.GmtProcess.IsZero() {
				t.Fatalf("after finish %+v", got)
			}
		}
		records(t, c.ok("alicomplaintquery", map[string]string{"complain_id": seeds[0].ID}), &d)
		if d["process_code"] != "ORTHER" || d["process_img_url_list"].([]any)[0] != file.FileURL {
			t.Fatalf("detail after finish %v", d)
		}
		if got, _ := srv.AlipayComplaint(seeds[2].ID); got.Status != "WAIT_PROCESS" {
			t.Fatal("an unlisted complaint was finished")
		}
	})
}

func TestStringNumbers(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithStringNumbers())
	defer srv.Close()
	seeds := seedAlipay(srv, time.Now())
	c := newTestClient(t, srv)
	var p map[string]any
	records(t, c.ok("alicomplaintqueryv2", nil), &p)
	if p["total_size"] != "3" || p["complaint_list"].([]any)[0].(map[string]any)["id"] != seeds[0].ID {
		t.Fatalf("string numbers: %v", p)
	}
}
