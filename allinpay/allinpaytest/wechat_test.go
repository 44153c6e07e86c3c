package allinpaytest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

var cst = time.FixedZone("CST", 8*3600)

const layout = "2006-01-02 15:04:05"

// seedThree stores three complaints a day apart, the newest at base.
func seedThree(srv *allinpaytest.Server, base time.Time) []allinpaytest.WeChatComplaint {
	var out []allinpaytest.WeChatComplaint
	for i := range 3 {
		out = append(out, srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{
			ComplaintID:   fmt.Sprintf("20020182024111%013d", i),
			ComplaintTime: base.Add(-time.Duration(i) * 24 * time.Hour),
			Detail:        "充电宝归还后仍在扣费",
			ProblemType:   allinpaytest.ProblemRefund, ApplyRefundAmount: 9900,
			Orders: []allinpaytest.WeChatOrder{{TransactionID: "4200000001", OutTradeNo: fmt.Sprintf("TS%d", i), Amount: 9900}},
		}))
	}
	return out
}

func listFields(begin, end time.Time, page, size int) map[string]string {
	f := map[string]string{"begindate": begin.In(cst).Format(layout), "enddate": end.In(cst).Format(layout), "version": "11"}
	if page > 0 {
		f["current_page_num"] = fmt.Sprint(page)
	}
	if size > 0 {
		f["page_size"] = fmt.Sprint(size)
	}
	return f
}

func listIDs(t *testing.T, c *testClient, f map[string]string) ([]string, string) {
	t.Helper()
	out := c.ok("wxcomplaintlistquery", f)
	var items []map[string]any
	records(t, out, &items)
	var ids []string
	for _, it := range items {
		ids = append(ids, it["complaint_id"].(string))
		if it["merchantNo"] == nil {
			t.Fatalf("list item without merchantNo: %v", it)
		}
	}
	return ids, out["total_count"]
}

func TestWeChatList(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		base := time.Date(2024, 11, 20, 10, 0, 0, 0, cst)
		seeds := seedThree(srv, base)
		c := newTestClient(t, srv)
		// Newest first; both ends inclusive at the second.
		ids, total := listIDs(t, c, listFields(seeds[2].ComplaintTime, seeds[0].ComplaintTime, 0, 0))
		if want := []string{seeds[0].ComplaintID, seeds[1].ComplaintID, seeds[2].ComplaintID}; !slices.Equal(ids, want) || total != "3" {
			t.Fatalf("list %v total %s, want %v", ids, total, want)
		}
		ids, _ = listIDs(t, c, listFields(seeds[2].ComplaintTime.Add(time.Second), seeds[0].ComplaintTime.Add(-time.Second), 0, 0))
		if !slices.Equal(ids, []string{seeds[1].ComplaintID}) {
			t.Fatalf("narrow window %v", ids)
		}
		// Paging with page size 1 and past the end.
		var paged []string
		for p := 1; p <= 4; p++ {
			ids, total := listIDs(t, c, listFields(base.Add(-72*time.Hour), base, p, 1))
			if total != "3" {
				t.Fatalf("page %d total %s", p, total)
			}
			paged = append(paged, ids...)
		}
		if len(paged) != 3 || paged[0] != seeds[0].ComplaintID {
			t.Fatalf("paged %v", paged)
		}
		// The item is WeChat's complaint object.
		out := c.ok("wxcomplaintlistquery", listFields(base, base, 0, 0))
		var items []map[string]any
		records(t, out, &items)
		it := items[0]
		if it["complaint_time"] != "2024-11-20T10:00:00+08:00" || it["complaint_state"] != "PENDING" ||
			it["merchantNo"] != srv.CusID() || it["apply_refund_amount"] != json.Number("9900") {
			t.Fatalf("item %v", it)
		}
		if o := it["complaint_order_info"].([]any)[0].(map[string]any); o["amount"] != json.Number("9900") || o["out_trade_no"] != "TS0" {
			t.Fatalf("order %v", o)
		}
	})
}

func TestWeChatListLimits(t *testing.T) {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv)
	base := time.Date(2024, 11, 20, 10, 0, 0, 0, cst)
	// Exactly 30 days is accepted, a second more is not.
	c.ok("wxcomplaintlistquery", listFields(base.Add(-allinpaytest.MaxListSpan), base, 0, 0))
	wantMsg(t, c.fail("wxcomplaintlistquery", listFields(base.Add(-allinpaytest.MaxListSpan-time.Second), base, 0, 0)), allinpaytest.MsgSpanTooLong)
	wantMsg(t, c.fail("wxcomplaintlistquery", listFields(base, base.Add(-time.Second), 0, 0)), allinpaytest.MsgParamPrefix+"enddate")
	wantMsg(t, c.fail("wxcomplaintlistquery", listFields(base, base, 0, allinpaytest.MaxWeChatPageSize+1)), allinpaytest.MsgParamPrefix+"page_size")
	c.ok("wxcomplaintlistquery", listFields(base, base, 0, allinpaytest.MaxWeChatPageSize))
	wantMsg(t, c.fail("wxcomplaintlistquery", map[string]string{"begindate": "2024-11-20", "enddate": base.Format(layout)}), allinpaytest.MsgParamPrefix+"begindate")
	wantMsg(t, c.fail("wxcomplaintlistquery", map[string]string{"enddate": base.Format(layout)}), allinpaytest.MsgParamPrefix+"begindate")
	f := listFields(base, base, 0, 0)
	f["current_page_num"] = "0"
	wantMsg(t, c.fail("wxcomplaintlistquery", f), allinpaytest.MsgParamPrefix+"current_page_num")
}

func TestWeChatHistoryPaging(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		at := time.Date(2023, 5, 30, 23, 22, 56, 0, cst)
		url := srv.AddImage("ChsyMDAy/abc==", []byte("png"))
		var hist []allinpaytest.HistoryEntry
		for i := range 5 {
			hist = append(hist, allinpaytest.HistoryEntry{
				LogID: fmt.Sprintf("30020002023053023225694081%d", i), Operator: allinpaytest.OperatorUser,
				OperateTime: at.Add(time.Duration(i) * time.Minute), OperateType: allinpaytest.OpUserResponse,
				OperateDetails: fmt.Sprintf("留言%d", i),
			})
		}
		hist[0].OperateType = allinpaytest.OpUserCreateComplaint
		hist[0].Media = &allinpaytest.Media{Type: allinpaytest.MediaUserComplaintImage, URLs: []string{url}}
		wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{}, hist...)
		c := newTestClient(t, srv)
		type page struct {
			TotalCount *json.Number      `json:"total_count"`
			Offset     json.Number       `json:"offset"`
			Limit      json.Number       `json:"limit"`
			Data       []json.RawMessage `json:"data"`
		}
		get := func(limit, offset string) page {
			var p page
			records(t, c.ok("wxcomplainthistory", map[string]string{"complaint_id": wc.ComplaintID, "limit": limit, "offset": offset, "version": "12"}), &p)
			return p
		}
		p := get("2", "")
		if p.TotalCount == nil || *p.TotalCount != "5" || len(p.Data) != 2 || p.Offset != "0" || p.Limit != "2" {
			t.Fatalf("first page %+v", p)
		}
		// The first item, shaped as the seed shows it.
		var first map[string]any
		_ = json.Unmarshal(p.Data[0], &first)
		media := first["complaint_media_list"].(map[string]any)
		if first["log_id"] != hist[0].LogID || first["operate_time"] != "2023-05-30T23:22:56+08:00" ||
			first["operate_type"] != "USER_CREATE_COMPLAINT" || first["operator"] != "投诉人" ||
			media["media_type"] != "USER_COMPLAINT_IMAGE" || media["media_url"].([]any)[0] != url ||
			first["image_list"] == nil {
			t.Fatalf("history item %v", first)
		}
		p = get("2", "2")
		if p.TotalCount != nil || len(p.Data) != 2 {
			t.Fatalf("total_count only at offset 0: %+v", p)
		}
		if p = get("2", "4"); len(p.Data) != 1 {
			t.Fatalf("last page %d items", len(p.Data))
		}
		if p = get("", ""); len(p.Data) != 5 || p.Limit != "100" {
			t.Fatalf("defaults: %+v", p)
		}
		wantMsg(t, c.fail("wxcomplainthistory", map[string]string{"complaint_id": wc.ComplaintID, "limit": "301"}), allinpaytest.MsgParamPrefix+"limit")
		wantMsg(t, c.fail("wxcomplainthistory", map[string]string{"complaint_id": wc.ComplaintID, "offset": "-1"}), allinpaytest.MsgParamPrefix+"offset")
		wantMsg(t, c.fail("wxcomplainthistory", map[string]string{"complaint_id": "nope"}), allinpaytest.MsgComplaintNotFound)
	})
}

func TestWeChatReplyAndComplete(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
		c := newTestClient(t, srv)
		var media []string
		for i := range 5 {
			out := c.upload("wxmerchantimageupload", nil, []byte{0x89, 'P', 'N', 'G', byte(i)})
			if out["retcode"] != "SUCCESS" || out["mediaid"] == "" {
				t.Fatalf("upload %v", out)
			}
			media = append(media, out["mediaid"])
		}
		long := strings.Repeat("退", allinpaytest.MaxResponseContent+1)
		wantMsg(t, c.fail("complaintsResp", map[string]string{"complaint_id": wc.ComplaintID, "response_content": long}), allinpaytest.MsgParamPrefix+"response_content")
		wantMsg(t, c.fail("complaintsResp", map[string]string{"complaint_id": wc.ComplaintID, "response_content": "x",
			"response_images": strings.Join(media, "#@#")}), allinpaytest.MsgParamPrefix+"response_images")
		wantMsg(t, c.fail("complaintsResp", map[string]string{"complaint_id": wc.ComplaintID, "response_content": "x",
			"response_images": "unknown"}), allinpaytest.MsgImageNotFound)
		wantMsg(t, c.fail("complaintsResp", map[string]string{"complaint_id": "nope", "response_content": "x"}), allinpaytest.MsgComplaintNotFound)
		// Nothing changed so far.
		if h := srv.History(wc.ComplaintID); len(h) != 1 {
			t.Fatalf("history after failed replies: %v", h)
		}
		ok := strings.Repeat("好", allinpaytest.MaxResponseContent)
		c.ok("complaintsResp", map[string]string{"complaint_id": wc.ComplaintID, "response_content": ok,
			"response_images": strings.Join(media[:4], "#@#")})
		h := srv.History(wc.ComplaintID)
		last := h[len(h)-1]
		if len(h) != 2 || last.OperateType != allinpaytest.OpMerchantResponse || last.OperateDetails != ok ||
			len(last.ImageList) != 4 || last.ImageList[0] != allinpaytest.ImageURL(media[0]) {
			t.Fatalf("history after reply: %+v", h)
		}
		if got, _ := srv.WeChatComplaint(wc.ComplaintID); got.State != allinpaytest.StateProcessing {
			t.Fatalf("state %s", got.State)
		}
		c.ok("complaintsComplete", map[string]string{"complaint_id": wc.ComplaintID})
		c.ok("complaintsComplete", map[string]string{"complaint_id": wc.ComplaintID})
		got, _ := srv.WeChatComplaint(wc.ComplaintID)
		h = srv.History(wc.ComplaintID)
		if got.State != allinpaytest.StateProcessed || len(h) != 3 || h[2].OperateType != allinpaytest.OpMerchantConfirmDone {
			t.Fatalf("after complete: %s %+v", got.State, h)
		}
		var rec map[string]any
		records(t, c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID)), &rec)
		if rec["complaint_state"] != "PROCESSED" {
			t.Fatalf("detail state %v", rec["complaint_state"])
		}
	})
}

func TestWeChatRefundProgress(t *testing.T) {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv)
	refund := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ProblemType: allinpaytest.ProblemRefund})
	other := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ProblemType: allinpaytest.ProblemOthers})
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": other.ComplaintID, "action": "APPROVE"}), allinpaytest.MsgNotRefundRequest)
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "approve"}), allinpaytest.MsgParamPrefix+"action")
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "REJECT"}), allinpaytest.MsgParamPrefix+"reject_reason")
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "REJECT",
		"reject_reason": "已发货", "launch_refund_day": "0"}), allinpaytest.MsgParamPrefix+"launch_refund_day")
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "APPROVE",
		"reject_reason": "x"}), allinpaytest.MsgParamPrefix+"reject_reason")
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "APPROVE",
		"launch_refund_day": "-1"}), allinpaytest.MsgParamPrefix+"launch_refund_day")
	c.ok("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "APPROVE", "launch_refund_day": "0", "remark": "同意"})
	wantMsg(t, c.fail("wxcomplaintsrefundprogress", map[string]string{"complaint_id": refund.ComplaintID, "action": "APPROVE"}), allinpaytest.MsgRefundDecided)
	d := srv.RefundDecisions(refund.ComplaintID)
	if len(d) != 1 || d[0].Action != "APPROVE" || d[0].LaunchRefundDay != "0" || d[0].Remark != "同意" {
		t.Fatalf("decisions %+v", d)
	}
	h := srv.History(refund.ComplaintID)
	if h[len(h)-1].OperateType != allinpaytest.OpMerchantApproveRefund {
		t.Fatalf("history %+v", h)
	}

	rejected := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ProblemType: allinpaytest.ProblemRefund})
	m1 := c.upload("wxmerchantimageupload", nil, []byte("img1"))["mediaid"]
	m2 := c.upload("wxmerchantimageupload", nil, []byte("img2"))["mediaid"]
	c.ok("wxcomplaintsrefundprogress", map[string]string{"complaint_id": rejected.ComplaintID, "action": "REJECT",
		"reject_reason": "商品已发货", "reject_media_list": m1 + "#@#" + m2, "remark": "见物流"})
	d = srv.RefundDecisions(rejected.ComplaintID)
	if len(d) != 1 || d[0].RejectReason != "商品已发货" || !slices.Equal(d[0].RejectMediaList, []string{m1, m2}) {
		t.Fatalf("decisions %+v", d)
	}
	h = srv.History(rejected.ComplaintID)
	if last := h[len(h)-1]; last.OperateType != "MERCHANT_REFUSE_RERUND" || last.OperateDetails != "商品已发货" {
		t.Fatalf("history %+v", last)
	}
}

func TestWeChatImages(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		c := newTestClient(t, srv)
		img := []byte("\x89PNG\r\n\x1a\n fake image bytes")
		out := c.upload("wxmerchantimageupload", map[string]string{"version": "11"}, img)
		id := out["mediaid"]
		if got, ok := srv.Image(id); !ok || !bytes.Equal(got, img) {
			t.Fatalf("stored image %q %v", got, ok)
		}
		reqs := srv.Requests()
		if r := reqs[len(reqs)-1]; !bytes.Equal(r.File, img) || r.FileName != "evidence.png" || r.Fields.Has("file") {
			t.Fatalf("recorded upload %+v", r)
		}
		// Download by the full, escaped WeChat URL.
		u := allinpaytest.ImageURL(id)
		if !strings.Contains(u, "%2F") || !strings.Contains(u, "%3D%3D") {
			t.Fatalf("media URL not escaped as WeChat's: %s", u)
		}
		got := c.ok("wxgetmerchantimage", map[string]string{"imgurl": u})
		if b, _ := base64.StdEncoding.DecodeString(got["imagebase64"]); !bytes.Equal(b, img) {
			t.Fatalf("imagebase64 %q", got["imagebase64"])
		}
		wantMsg(t, c.fail("wxgetmerchantimage", map[string]string{"imgurl": allinpaytest.ImageURL("unknown")}), allinpaytest.MsgImageNotFound)
		wantMsg(t, c.fail("wxgetmerchantimage", map[string]string{"imgurl": "https://example.com/x"}), allinpaytest.MsgParamPrefix+"imgurl")
		// An upload without its file, and an empty file.
		wantMsg(t, c.fail("wxmerchantimageupload", nil), allinpaytest.MsgParamPrefix+"file")
		wantMsg(t, c.upload("wxmerchantimageupload", nil, nil)["retmsg"], allinpaytest.MsgParamPrefix+"file")
		// The file part is not signed: the signature over the text fields holds
		// whatever the file is, but a text field added after signing breaks it.
		wantMsg(t, c.upload("wxmerchantimageupload", map[string]string{"extra": "1"}, img)["retmsg"], allinpaytest.MsgParamPrefix+"extra")
	})
}

func TestWeChatOrderDetail(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithStringNumbers())
	defer srv.Close()
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, cst)
	o := srv.AddTransactionComplaint(allinpaytest.TransactionComplaint{ComplaintOrderID: "1234567890", OrderID: "O1",
		Type: 2, Status: 1, CreateTime: at, TotalCostStr: "12.50", MediaIDList: []string{"m1"}, Content: "未发货"})
	c := newTestClient(t, srv)
	var rec struct {
		ErrCode        json.Number    `json:"errcode"`
		ComplaintOrder map[string]any `json:"complaintOrder"`
	}
	records(t, c.ok("wxcomplaintorderdetail", map[string]string{"complaintorderid": o.ComplaintOrderID, "timestamp": "20240102030405", "version": "12"}), &rec)
	co := rec.ComplaintOrder
	if rec.ErrCode != "0" || co["complaintOrderId"] != "1234567890" || co["createTime"] != fmt.Sprint(at.Unix()) ||
		co["type"] != "2" || co["customerMaterial"].(map[string]any)["content"] != "未发货" {
		t.Fatalf("order detail %+v", rec)
	}
	wantMsg(t, c.fail("wxcomplaintorderdetail", map[string]string{"complaintorderid": strings.Repeat("1", 33)}), allinpaytest.MsgParamPrefix+"complaintorderid")
	wantMsg(t, c.fail("wxcomplaintorderdetail", map[string]string{"complaintorderid": "999"}), allinpaytest.MsgComplaintNotFound)
}
