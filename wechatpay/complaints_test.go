package wechatpay

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/wxcomplaint/wxcomplainttest"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

const mainlandHost = "api.mch.weixin.qq.com"
const globalHost = "apihk.mch.weixin.qq.com"

// Shared WeChat complaint fixtures (see wxcomplainttest), under short names.
var (
	mainlandComplaintJSON = wxcomplainttest.MainlandComplaint
	globalComplaintJSON   = wxcomplainttest.GlobalComplaint
	historyItem           = wxcomplainttest.HistoryItem
	page                  = wxcomplainttest.Page
)

func TestListComplaintsMainland(t *testing.T) {
	m := newMock(t, mainlandHost, pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2", func(r *recorded) reply {
		return reply{body: page([]string{mainlandComplaintJSON("200201820200101080076610000", "")}, 10, 0, 1)}
	})
	c := pubKeyClient(t, m)
	req := &ListComplaintsRequest{BeginDate: testNow.AddDate(0, 0, -30), EndDate: testNow, ComplaintedMchID: "1900012181", Language: LanguageEN}
	before := *req
	got, err := c.ListComplaints(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if *req != before {
		t.Error("request was modified")
	}
	rs := m.requests()
	q, _ := url.ParseQuery(strings.SplitN(rs[0].URI, "?", 2)[1])
	want := url.Values{"limit": {"10"}, "offset": {"0"}, "begin_date": {"2025-05-02"}, "end_date": {"2025-06-01"}, "complainted_mchid": {"1900012181"}}
	if q.Encode() != want.Encode() {
		t.Errorf("query %s, want %s (mch_language must not go to mainland)", q.Encode(), want.Encode())
	}
	if rs[0].Header.Get("Wechatpay-Serial") != testPubKeyID {
		t.Errorf("request Wechatpay-Serial = %q, want the public key id", rs[0].Header.Get("Wechatpay-Serial"))
	}
	if rs[0].Header.Get("Accept") != "application/json" {
		t.Errorf("Accept = %q", rs[0].Header.Get("Accept"))
	}
	if got.TotalCount != 1 || len(got.Data) != 1 {
		t.Fatalf("page = %+v", got)
	}
	cp := got.Data[0]
	if cp.ComplaintState != StatePending || cp.ProblemType != ProblemRefund || cp.ApplyRefundAmount != 10 ||
		cp.ComplaintOrderInfo[0].Amount != 3 || cp.ServiceOrderInfo[0].State != ServiceOrderDoing ||
		cp.AdditionalInfo.SharePowerInfo.ReturnAddressInfo.Longitude != "113.9" || !cp.NeedImmediateService ||
		cp.UserTagList[0] != UserTagTrusted || cp.ComplaintMediaList[0].MediaType != MediaUserComplaintImage ||
		cp.PayerOpenID == "" || cp.ComplaintTime.Nanosecond() != 120e6 {
		t.Errorf("decoded complaint = %+v", cp)
	}
	// The page keeps its body; items do not copy theirs, and RawItems gives
	// each one back exactly as sent, unknown fields included.
	if cp.Raw != nil {
		t.Error("list item keeps its own Raw")
	}
	if string(got.Raw) != page([]string{mainlandComplaintJSON("200201820200101080076610000", "")}, 10, 0, 1) {
		t.Errorf("page Raw = %s", got.Raw)
	}
	items, err := got.RawItems()
	if err != nil || len(items) != 1 || string(items[0]) != mainlandComplaintJSON("200201820200101080076610000", "") ||
		!strings.Contains(string(items[0]), "brand_new_field") {
		t.Errorf("raw items %q %v", items, err)
	}
}

func TestListComplaintsGlobal(t *testing.T) {
	m := newMock(t, globalHost, pubKeySigner())
	m.on("GET", "/v3/global/merchant-service/complaints", func(r *recorded) reply {
		return reply{body: page([]string{globalComplaintJSON("G1")}, 10, 0, 1)}
	})
	c := pubKeyClient(t, m, WithEnvironment(Global))
	got, err := c.ListComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow, Language: LanguageZhHK})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.requests()[0].URI, "mch_language=ZH_HK") {
		t.Errorf("global list lacks mch_language: %s", m.requests()[0].URI)
	}
	o := got.Data[0].ComplaintOrderInfo
	if o[0].SettlementRefundedAmount != 0 || o[1].SettlementRefundedAmount != 200 || o[0].SettlementCurrency != "HKD" ||
		got.Data[0].Priority != PriorityPriority || !got.Data[0].IsOverdue || got.Data[0].ComplaintDetailTrans == "" {
		t.Errorf("global fields: %+v", got.Data[0])
	}
	cc := got.Data[0].ToComplaint()
	if cc.Amount != (complaint.Money{Amount: 1500, Currency: "HKD"}) || cc.Refund.Refunded.Amount != 200 || !cc.Urgent ||
		cc.State != complaint.StateProcessing || cc.Orders[1].PaidAt.IsZero() {
		t.Errorf("converted global complaint: %+v", cc)
	}
}

// WeChat sends "" for a time it does not have; the page still decodes, with
// the zero time there (section "lenient times").
func TestListEmptyTimes(t *testing.T) {
	m := newMock(t, globalHost, pubKeySigner())
	item := strings.Replace(globalComplaintJSON("G1"), `"trade_time":"2025-05-19T10:00:00+08:00"`, `"trade_time":""`, 1)
	m.on("GET", "/v3/global/merchant-service/complaints", func(r *recorded) reply {
		return reply{body: page([]string{item, globalComplaintJSON("G2")}, 10, 0, 2)}
	})
	m.on("GET", "/v3/global/merchant-service/complaints/G1/negotiation-historys", func(r *recorded) reply {
		return reply{body: page([]string{strings.Replace(historyItem("L1", "USER_RESPONSE", ""), `"operate_time":"2025-05-20T13:29:35.120+08:00"`, `"operate_time":""`, 1)}, 100, 0, 1)}
	})
	c := pubKeyClient(t, m, WithEnvironment(Global))
	got, err := c.ListComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if o := got.Data[0].ComplaintOrderInfo; !o[0].TradeTime.IsZero() || o[1].TradeTime.IsZero() || got.Data[1].ComplaintOrderInfo[0].TradeTime.IsZero() {
		t.Errorf("trade times %v %v", o[0].TradeTime, o[1].TradeTime)
	}
	h, err := c.ListHistory(ctx(t), &ListHistoryRequest{ComplaintID: "G1"})
	if err != nil || len(h.Data) != 1 || !h.Data[0].OperateTime.IsZero() || h.Data[0].LogID != "L1" {
		t.Fatalf("history %+v %v", h, err)
	}
	if items, err := h.RawItems(); err != nil || len(items) != 1 || !strings.Contains(string(items[0]), `"operate_time":""`) {
		t.Errorf("raw history items %q %v", items, err)
	}
}

func TestListValidation(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	c := pubKeyClient(t, m)
	cases := map[string]*ListComplaintsRequest{
		"begin_date": {EndDate: testNow},
		"end_date":   {BeginDate: testNow},
		"span":       {BeginDate: testNow.AddDate(0, 0, -31), EndDate: testNow},
		"reversed":   {BeginDate: testNow, EndDate: testNow.AddDate(0, 0, -1)},
		"limit":      {BeginDate: testNow, EndDate: testNow, Limit: 51},
		"neg limit":  {BeginDate: testNow, EndDate: testNow, Limit: -1},
		"offset":     {BeginDate: testNow, EndDate: testNow, Offset: -1},
		"mchid":      {BeginDate: testNow, EndDate: testNow, ComplaintedMchID: strings.Repeat("1", 65)},
		"language":   {BeginDate: testNow, EndDate: testNow, Language: "zh-cn"},
		"nil":        nil,
	}
	for name, r := range cases {
		_, err := c.ListComplaints(ctx(t), r)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want a ValidationError", name, err)
		}
	}
	if _, err := c.ListComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow.AddDate(0, 0, -30), EndDate: testNow, Limit: 50}); errors.As(err, new(*complaint.ValidationError)) {
		t.Errorf("30-day span with limit 50 rejected: %v", err)
	}
	if n := len(m.requests()); n != 1 {
		t.Errorf("%d requests sent, want only the valid one", n)
	}
}

func TestAllComplaintsPages(t *testing.T) {
	m := newMock(t, mainlandHost, pubKeySigner())
	const total = 23
	m.on("GET", "/v3/merchant-service/complaints-v2", func(r *recorded) reply {
		u, _ := url.Parse(r.URI)
		var limit, offset int
		fmt.Sscan(u.Query().Get("limit"), &limit)
		fmt.Sscan(u.Query().Get("offset"), &offset)
		var items []string
		for i := offset; i < min(offset+limit, total); i++ {
			items = append(items, mainlandComplaintJSON(fmt.Sprintf("C%03d", i), ""))
		}
		tc := 0
		if offset == 0 {
			tc = total
		}
		return reply{body: page(items, limit, offset, tc)}
	})
	c := pubKeyClient(t, m)
	var ids []string
	for cp, err := range c.AllComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow, Limit: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cp.ComplaintID)
	}
	if len(ids) != total || ids[0] != "C000" || ids[22] != "C022" {
		t.Errorf("ids = %v", ids)
	}
	if n := m.count("GET", "/v3/merchant-service/complaints-v2"); n != 3 {
		t.Errorf("%d page requests, want 3", n)
	}
	// Stopping early stops paging.
	before := len(m.requests())
	for range c.AllComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow, Limit: 5}) {
		break
	}
	if len(m.requests()) != before+1 {
		t.Errorf("early break made %d requests", len(m.requests())-before)
	}
}

func TestAllComplaintsYieldsError(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2", func(r *recorded) reply {
		return reply{status: 429, body: errBody("FREQUENCY_LIMITED", "频率限制")}
	})
	c := pubKeyClient(t, m)
	n := 0
	for cp, err := range c.AllComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow}) {
		n++
		if cp != nil || !errors.Is(err, complaint.ErrRateLimited) {
			t.Errorf("got %v, %v", cp, err)
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times", n)
	}
}

func TestGetComplaintBothRegions(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		t.Run(string(env), func(t *testing.T) {
			host, p := mainlandHost, "/v3/merchant-service/complaints-v2/200201820200101080076610000"
			body := mainlandComplaintJSON("200201820200101080076610000", "")
			if env == Global {
				host, p = globalHost, "/v3/global/merchant-service/complaints/200201820200101080076610000"
				body = globalComplaintJSON("200201820200101080076610000")
			}
			m := newMock(t, host, pubKeySigner())
			m.on("GET", p, func(r *recorded) reply { return reply{body: body} })
			c := pubKeyClient(t, m, WithEnvironment(env))
			got, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "200201820200101080076610000", Language: LanguageEN})
			if err != nil {
				t.Fatal(err)
			}
			if got.ComplaintID != "200201820200101080076610000" {
				t.Errorf("got %+v", got)
			}
			// A detail answer is the complaint's own JSON: Raw is that body.
			if string(got.Raw) != body {
				t.Errorf("Raw = %s", got.Raw)
			}
			uri := m.requests()[0].URI
			if (env == Global) != strings.Contains(uri, "mch_language=EN") {
				t.Errorf("uri %s", uri)
			}
		})
	}
}

func TestGetComplaintNotFoundAndValidation(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2/missing", func(r *recorded) reply {
		return reply{status: 404, body: errBody("RESOURCE_NOT_EXISTS", "投诉单不存在")}
	})
	c := pubKeyClient(t, m)
	_, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "missing"})
	var ae *APIError
	if !errors.Is(err, complaint.ErrNotFound) || !errors.As(err, &ae) || ae.RequestID == "" || ae.Code != "RESOURCE_NOT_EXISTS" {
		t.Errorf("err = %v", err)
	}
	for _, id := range []string{"", strings.Repeat("9", 65)} {
		if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: id}); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("id %q: %v", id, err)
		}
	}
	// A path-hostile id is escaped, not interpreted.
	m.on("GET", "/v3/merchant-service/complaints-v2/a%2F..%2Fb", func(r *recorded) reply { return reply{body: mainlandComplaintJSON("a/../b", "")} })
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "a/../b"}); err != nil {
		t.Errorf("escaped id: %v", err)
	}
}

func TestHistoryBothRegions(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		t.Run(string(env), func(t *testing.T) {
			p := "/v3/merchant-service/complaints-v2/C1/negotiation-historys"
			if env == Global {
				p = "/v3/global/merchant-service/complaints/C1/negotiation-historys"
			}
			m := newMock(t, "", pubKeySigner())
			items := []string{
				historyItem("L1", "USER_CREATE_COMPLAINT", `,"complaint_media_list":{"media_type":"USER_COMPLAINT_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/m1"]}`),
				historyItem("L2", "MERCHANT_REFUSE_RERUND", `,"operate_details":"已发货","image_list":["https://api.mch.weixin.qq.com/v3/merchant-service/images/m2"]`),
				historyItem("L3", "USER_COMFIRM_COMPLAINT", `,"user_appy_platform_service_reason":"R","user_appy_platform_service_reason_description":"D"`),
				historyItem("L4", "MERCHANT_RESPONSE", `,"normal_message":{"blocks":[{"type":"TEXT","text":{"text":"您好","color":"DEFAULT","is_bold":false}}],"sender_identity":"MANUAL"}`),
				historyItem("L5", "USER_CLICK_RESPONSE", `,"click_message":{"message_content":{"a":1},"action_id":"x","clicked_log_id":"L4"}`),
				historyItem("L6", "SOMETHING_NEW", ``),
			}
			m.on("GET", p, func(r *recorded) reply {
				u, _ := url.Parse(r.URI)
				if u.Query().Get("offset") != "0" {
					return reply{body: page(nil, 300, 6, 0)}
				}
				return reply{body: page(items, 300, 0, len(items))}
			})
			c := pubKeyClient(t, m, WithEnvironment(env))
			var got []*NegotiationHistory
			for h, err := range c.AllHistory(ctx(t), &ListHistoryRequest{ComplaintID: "C1", Limit: 300, Language: LanguageEN}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, h)
			}
			if len(got) != 6 {
				t.Fatalf("got %d items", len(got))
			}
			if got[0].ComplaintMediaList[0].MediaURL[0] == "" || got[1].OperateType != OperateMerchantRefuseRerund ||
				got[2].UserAppyPlatformServiceReason != "R" || got[3].NormalMessage.Blocks[0].Text.Text != "您好" ||
				got[4].ClickMessage.ClickedLogID != "L4" || got[5].OperateType != "SOMETHING_NEW" {
				t.Errorf("items: %+v", got)
			}
			e := got[1].ToEntry()
			if e.Kind != complaint.KindRefundRejected || e.Actor != complaint.ActorMerchant || e.Content != "已发货" ||
				len(e.Media) != 1 || e.Media[0].ID != "m2" || e.Raw != got[1] {
				t.Errorf("entry = %+v", e)
			}
			if k := got[2].ToEntry().Kind; k != complaint.KindConfirmed {
				t.Errorf("COMFIRM kind = %s", k)
			}
			if e := got[3].ToEntry(); e.Content != "您好" || e.Kind != complaint.KindMerchantReply {
				t.Errorf("normal message entry = %+v", e)
			}
			if k := got[5].ToEntry().Kind; k != complaint.KindOther {
				t.Errorf("unknown type kind = %s", k)
			}
			uri := m.requests()[0].URI
			if !strings.Contains(uri, "limit=300") || (env == Global) != strings.Contains(uri, "mch_language=EN") {
				t.Errorf("uri %s", uri)
			}
		})
	}
}

func TestHistoryLimit(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	for _, l := range []int{-1, 301} {
		if _, err := c.ListHistory(ctx(t), &ListHistoryRequest{ComplaintID: "C1", Limit: l}); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("limit %d: %v", l, err)
		}
	}
}

func TestWritesBothRegions(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		t.Run(string(env), func(t *testing.T) {
			prefix := "/v3/merchant-service/complaints-v2/C1/"
			if env == Global {
				prefix = "/v3/global/merchant-service/complaints/C1/"
			}
			m := newMock(t, "", pubKeySigner())
			m.on("POST", prefix+"response", func(r *recorded) reply { return reply{status: 204} })
			m.on("POST", prefix+"complete", func(r *recorded) reply { return reply{status: 204} })
			m.on("POST", prefix+"update-refund-progress", func(r *recorded) reply { return reply{status: 204} })
			m.on("POST", prefix+"response-immediate-service", func(r *recorded) reply { return reply{body: `{"log_id":"LOG1"}`} })
			c := pubKeyClient(t, m, WithEnvironment(env))
			rr := &ReplyRequest{ComplaintID: "C1", ComplaintedMchID: "1900012181", ResponseContent: "已为您退款",
				ResponseImages: []string{"m1"}, JumpURL: "https://shop.example/x", JumpURLText: "查看"}
			if err := c.Reply(ctx(t), rr); err != nil {
				t.Fatal(err)
			}
			if err := c.Complete(ctx(t), &CompleteRequest{ComplaintID: "C1", ComplaintedMchID: "1900012181"}); err != nil {
				t.Fatal(err)
			}
			day := 0
			err := c.UpdateRefundProgress(ctx(t), &UpdateRefundProgressRequest{ComplaintID: "C1", Action: RefundApprove, LaunchRefundDay: &day})
			_, err2 := c.ReplyImmediateService(ctx(t), &ImmediateServiceRequest{ComplaintID: "C1", ComplaintedMchID: "1900012181",
				IdempotentID: "id-1", Message: NormalMessage{Blocks: []MessageBlock{{Type: BlockText, Text: &TextBlock{Text: "hi"}}}}})
			errDecide := c.Adapter().DecideRefund(ctx(t), complaint.Ref{Provider: complaint.WeChatPay, ID: "C1"}, complaint.RefundDecision{Approve: true})
			if env == Global {
				for _, e := range []error{err, err2, errDecide} {
					if !errors.Is(e, errors.ErrUnsupported) {
						t.Errorf("global: %v, want ErrUnsupported", e)
					}
				}
				if n := len(m.requests()); n != 2 {
					t.Errorf("%d requests, want 2", n)
				}
			} else {
				if err != nil || err2 != nil || errDecide != nil {
					t.Fatal(err, err2, errDecide)
				}
			}
			rs := m.requests()
			var body map[string]any
			if err := json.Unmarshal(rs[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			if body["response_content"] != "已为您退款" || body["complainted_mchid"] != "1900012181" || body["complaint_id"] != nil {
				t.Errorf("reply body = %s", rs[0].Body)
			}
			if rs[0].Header.Get("Content-Type") != "application/json" {
				t.Errorf("content type %q", rs[0].Header.Get("Content-Type"))
			}
			if env == Mainland {
				if string(rs[2].Body) != `{"action":"APPROVE","launch_refund_day":0}` {
					t.Errorf("refund body = %s", rs[2].Body)
				}
				if !strings.Contains(string(rs[3].Body), `"idempotent_id":"id-1"`) || !strings.Contains(string(rs[3].Body), `"message":{"blocks":[{"type":"TEXT"`) {
					t.Errorf("immediate body = %s", rs[3].Body)
				}
			}
		})
	}
}

func TestReplyValidation(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	c := pubKeyClient(t, m)
	ok := func() *ReplyRequest {
		return &ReplyRequest{ComplaintID: "C1", ComplaintedMchID: "1", ResponseContent: "好"}
	}
	cases := map[string]func(r *ReplyRequest){
		"no content": func(r *ReplyRequest) { r.ResponseContent = "" },
		"201 runes":  func(r *ReplyRequest) { r.ResponseContent = strings.Repeat("好", 201) },
		"emoji":      func(r *ReplyRequest) { r.ResponseContent = "谢谢😀" },
		"bad utf8":   func(r *ReplyRequest) { r.ResponseContent = "\xff" },
		"5 images":   func(r *ReplyRequest) { r.ResponseImages = []string{"a", "b", "c", "d", "e"} },
		"http jump":  func(r *ReplyRequest) { r.JumpURL = "http://shop.example" },
		"no mchid":   func(r *ReplyRequest) { r.ComplaintedMchID = "" },
		"no id":      func(r *ReplyRequest) { r.ComplaintID = "" },
		"mini noapp": func(r *ReplyRequest) { r.MiniProgramJumpInfo = &MiniProgramJumpInfo{Path: "p", Text: "t"} },
		"emoji text": func(r *ReplyRequest) { r.JumpURL = "https://x.example"; r.JumpURLText = "看😀" },
	}
	for name, edit := range cases {
		r := ok()
		edit(r)
		if err := c.Reply(ctx(t), r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	r := ok()
	r.ResponseContent = strings.Repeat("好", 200)
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/response", func(*recorded) reply { return reply{status: 204} })
	if err := c.Reply(ctx(t), r); err != nil {
		t.Errorf("200 runes rejected: %v", err)
	}
	gc := pubKeyClient(t, m, WithEnvironment(Global))
	r = ok()
	r.MiniProgramJumpInfo = &MiniProgramJumpInfo{AppID: "a", Path: "p", Text: "t"}
	if err := gc.Reply(ctx(t), r); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("global mini program: %v", err)
	}
	if n := len(m.requests()); n != 1 {
		t.Errorf("%d requests sent", n)
	}
}

func TestRefundAndImmediateValidation(t *testing.T) {
	c := pubKeyClient(t, newMock(t, "", pubKeySigner()))
	neg := -1
	bad := []*UpdateRefundProgressRequest{
		{ComplaintID: "C1"},
		{ComplaintID: "C1", Action: "MAYBE"},
		{ComplaintID: "C1", Action: RefundReject, RejectMediaList: []string{"1", "2", "3", "4", "5"}},
		{ComplaintID: "C1", Action: RefundReject, RejectReason: "证据😀"},
		{ComplaintID: "C1", Action: RefundApprove, LaunchRefundDay: &neg},
	}
	for i, r := range bad {
		if err := c.UpdateRefundProgress(ctx(t), r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("refund case %d: %v", i, err)
		}
	}
	msg := NormalMessage{Blocks: []MessageBlock{{Type: BlockText, Text: &TextBlock{Text: "hi"}}}}
	badIS := []*ImmediateServiceRequest{
		{ComplaintID: "C1", ComplaintedMchID: "1", Message: msg},
		{ComplaintID: "C1", ComplaintedMchID: "1", Message: msg, IdempotentID: strings.Repeat("x", 129)},
		{ComplaintID: "C1", ComplaintedMchID: "1", IdempotentID: "i"},
		{ComplaintID: "C1", ComplaintedMchID: "1", IdempotentID: "i", Message: NormalMessage{Blocks: []MessageBlock{{Type: BlockButton, Button: &Button{Text: "b", Action: MessageAction{ActionType: MessageActionJumpURL, JumpURL: "http://x"}}}}}},
		{ComplaintID: "C1", ComplaintedMchID: "1", IdempotentID: "i", Message: NormalMessage{Blocks: []MessageBlock{{Type: BlockText}}}},
		{ComplaintID: "C1", IdempotentID: "i", Message: msg},
	}
	for i, r := range badIS {
		if _, err := c.ReplyImmediateService(ctx(t), r); !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("immediate case %d: %v", i, err)
		}
	}
}

func TestNotificationURLBothRegions(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		t.Run(string(env), func(t *testing.T) {
			p := "/v3/merchant-service/complaint-notifications"
			host := mainlandHost
			if env == Global {
				p, host = "/v3/global/merchant-service/complaint-notifications", globalHost
			}
			m := newMock(t, host, pubKeySigner())
			state := ""
			for _, method := range []string{"POST", "PUT"} {
				m.on(method, p, func(r *recorded) reply {
					var req NotificationURLRequest
					_ = json.Unmarshal(r.Body, &req)
					state = req.URL
					return reply{body: NotificationURL{MchID: testMchID, URL: state}}
				})
			}
			m.on("GET", p, func(r *recorded) reply {
				if state == "" {
					return reply{status: 404, body: errBody("RESOURCE_NOT_EXISTS", "未设置")}
				}
				return reply{body: NotificationURL{MchID: testMchID, URL: state}}
			})
			m.on("DELETE", p, func(r *recorded) reply { state = ""; return reply{status: 204} })
			c := pubKeyClient(t, m, WithEnvironment(env))
			if got, err := c.CreateNotificationURL(ctx(t), &NotificationURLRequest{URL: "https://shop.example/notify"}); err != nil || got.URL != "https://shop.example/notify" || got.MchID != testMchID {
				t.Fatalf("create: %+v %v", got, err)
			}
			if got, err := c.UpdateNotificationURL(ctx(t), &NotificationURLRequest{URL: "https://shop.example/n2"}); err != nil || got.URL != "https://shop.example/n2" {
				t.Fatalf("update: %+v %v", got, err)
			}
			if got, err := c.GetNotificationURL(ctx(t)); err != nil || got.URL != "https://shop.example/n2" {
				t.Fatalf("get: %+v %v", got, err)
			}
			if err := c.DeleteNotificationURL(ctx(t)); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetNotificationURL(ctx(t)); !errors.Is(err, complaint.ErrNotFound) {
				t.Fatalf("get after delete: %v", err)
			}
			// The DELETE (204, empty body) was verified too: its signature covers "".
			if rs := m.requests(); rs[3].Method != "DELETE" || len(rs[3].Body) != 0 {
				t.Errorf("delete request: %+v", rs[3])
			}
			// https, or http:// to a loopback host (a local handler behind a fake
			// server); anything else is refused before a request is sent.
			before := len(m.requests())
			for _, u := range []string{"http://shop.example/n", "http://10.0.0.1/n", "http://127.0.0.1.example/n", "http://[::2]/n",
				"http://localhost.example/n", "ftp://127.0.0.1/n", "http:///n", "127.0.0.1/n", "https://", "http://0.0.0.0/n"} {
				if _, err := c.CreateNotificationURL(ctx(t), &NotificationURLRequest{URL: u}); !errors.Is(err, complaint.ErrInvalidRequest) {
					t.Errorf("create %s: %v", u, err)
				}
				if _, err := c.UpdateNotificationURL(ctx(t), &NotificationURLRequest{URL: u}); !errors.Is(err, complaint.ErrInvalidRequest) {
					t.Errorf("update %s: %v", u, err)
				}
			}
			if n := len(m.requests()); n != before {
				t.Errorf("%d refused urls were sent", n-before)
			}
			for _, u := range []string{"http://localhost:8080/notify", "http://LocalHost/n", "http://127.0.0.1:9/n", "http://127.8.9.10/n",
				"http://[::1]:8443/n?x=1"} {
				if got, err := c.CreateNotificationURL(ctx(t), &NotificationURLRequest{URL: u}); err != nil || got.URL != u {
					t.Errorf("create %s: %+v %v", u, got, err)
				}
				if got, err := c.UpdateNotificationURL(ctx(t), &NotificationURLRequest{URL: u}); err != nil || got.URL != u {
					t.Errorf("update %s: %+v %v", u, got, err)
				}
			}
		})
	}
}

func TestAPIErrorMapping(t *testing.T) {
	cases := []struct {
		status int
		code   string
		want   error
	}{
		{429, "", complaint.ErrRateLimited},
		{403, "FREQUENCY_LIMITED", complaint.ErrRateLimited},
		{400, "RATE_LIMITED", complaint.ErrRateLimited},
		{404, "", complaint.ErrNotFound},
		{400, "RESOURCE_NOT_EXISTS", complaint.ErrNotFound},
		{401, "SIGN_ERROR", complaint.ErrUnauthorized},
		{403, "NO_AUTH", complaint.ErrUnauthorized},
		{400, "PARAM_ERROR", complaint.ErrInvalidRequest},
		{400, "INVALID_REQUEST", complaint.ErrInvalidRequest},
	}
	for _, tc := range cases {
		e := &APIError{StatusCode: tc.status, Code: tc.code}
		if !errors.Is(e, tc.want) {
			t.Errorf("%d %s does not match %v", tc.status, tc.code, tc.want)
		}
	}
	if errors.Is(&APIError{StatusCode: 500, Code: "SYSTEM_ERROR"}, complaint.ErrNotFound) {
		t.Error("500 matched not found")
	}
	// SIGN_ERROR keeps sign_information.
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply {
		return reply{status: 401, body: `{"code":"SIGN_ERROR","message":"签名错误","detail":{"detail":{"issue":"sign not match"},"field":"signature","location":"authorization","sign_information":{"method":"GET","sign_message_length":99,"truncated_sign_message":"GET\n/v3/...\n","url":"/v3/merchant-service/complaints-v2/C1"}}}`}
	})
	_, err := pubKeyClient(t, m).GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
	var ae *APIError
	if !errors.As(err, &ae) || !errors.Is(err, complaint.ErrUnauthorized) || ae.Detail == nil || ae.Detail.SignInformation == nil ||
		ae.Detail.SignInformation.SignMessageLength != 99 || ae.Detail.Location != "authorization" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "SIGN_ERROR") || !strings.Contains(err.Error(), "request-id") {
		t.Errorf("message %q", err.Error())
	}
}

func TestDoRaw(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("POST", "/v3/security/echo", func(r *recorded) reply { return reply{body: r.Body} })
	c := pubKeyClient(t, m)
	resp, err := c.Do(ctx(t), "post", "/v3/security/echo", []byte(`{"echo_message":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"echo_message":"hi"}` || resp.RequestID == "" || resp.StatusCode != 200 {
		t.Errorf("resp = %+v", resp)
	}
	if _, err := c.Do(ctx(t), "GET", "v3/x", nil); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("relative path: %v", err)
	}
}

func TestPayerPhone(t *testing.T) {
	testKeys(t)
	ct, err := signing.EncryptOAEP(&merchantKey.PublicKey, []byte("18612345678"))
	if err != nil {
		t.Fatal(err)
	}
	enc := b64(ct)
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply { return reply{body: mainlandComplaintJSON("C1", enc)} })
	m.on("GET", "/v3/merchant-service/complaints-v2/C2", func(*recorded) reply { return reply{body: mainlandComplaintJSON("C2", "bm90LWEtY2lwaGVydGV4dA==")} })

	plain := pubKeyClient(t, m)
	got, err := plain.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.PayerPhonePlaintext != "" {
		t.Error("decrypted without the option")
	}
	if p, err := plain.DecryptPayerPhone(got); err != nil || p != "18612345678" {
		t.Errorf("DecryptPayerPhone = %q, %v", p, err)
	}

	var logs strings.Builder
	auto := pubKeyClient(t, m, WithPayerPhoneDecryption(), option.WithLogger(newTextLogger(&logs)))
	got, err = auto.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
	if err != nil || got.PayerPhonePlaintext != "18612345678" {
		t.Fatalf("auto: %q %v", got.PayerPhonePlaintext, err)
	}
	cc := got.ToComplaint()
	if cc.Contact.Phone != "18612345678" || cc.Contact.EncryptedPhone != enc {
		t.Errorf("contact %+v", cc.Contact)
	}
	if s := fmt.Sprintf("%v %+v", cc.Contact, cc.Contact); strings.Contains(s, "18612345678") {
		t.Error("contact prints the phone")
	}
	got, err = auto.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C2"})
	if err != nil || got.PayerPhonePlaintext != "" {
		t.Errorf("bad ciphertext: %q %v", got.PayerPhonePlaintext, err)
	}
	if strings.Contains(logs.String(), "18612345678") || !strings.Contains(logs.String(), "payer_phone decryption failed") {
		t.Errorf("logs: %s", logs.String())
	}
	if _, err := DecryptPayerPhone(plain.key, "!!"); !errors.Is(err, signing.ErrDecrypt) {
		t.Errorf("bad base64: %v", err)
	}
}

// An optional boolean is sent when true and left out when false, as WeChat
// leaves it out: a clickable element's multi_clickable.
func TestImmediateServiceOptionalBooleans(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/response-immediate-service", func(*recorded) reply { return reply{body: `{"log_id":"L"}`} })
	c := pubKeyClient(t, m)
	for _, multi := range []bool{false, true} {
		btn := Button{Text: "查看", Action: MessageAction{ActionType: MessageActionSendMessage, MessageInfo: &MessageInfo{Content: "x"}},
			InvalidInfo: &InvalidInfo{ExpiredTime: testNow.Add(time.Hour), MultiClickable: multi}}
		if _, err := c.ReplyImmediateService(ctx(t), &ImmediateServiceRequest{ComplaintID: "C1", ComplaintedMchID: "1", IdempotentID: "k",
			Message: NormalMessage{Blocks: []MessageBlock{{Type: BlockButton, Button: &btn}}}}); err != nil {
			t.Fatal(err)
		}
		rs := m.requests()
		body := string(rs[len(rs)-1].Body)
		if strings.Contains(body, `"multi_clickable"`) != multi || (multi && !strings.Contains(body, `"multi_clickable":true`)) {
			t.Errorf("multi_clickable %t: body %s", multi, body)
		}
	}
}
