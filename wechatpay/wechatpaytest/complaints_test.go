package wechatpaytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// fixedServer runs on a fixed clock so dates and paging are deterministic.
func fixedServer(t *testing.T, opts ...Option) (*Server, time.Time) {
	t.Helper()
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, cntime.Zone)
	s := NewServer(append([]Option{WithClock(func() time.Time { return now })}, opts...)...)
	t.Cleanup(s.Close)
	return s, now
}

func TestListPaging(t *testing.T) {
	s, now := fixedServer(t)
	// 23 complaints inside the window (one a day), 2 outside it.
	for i := 0; i < 25; i++ {
		c := s.SampleComplaint(i)
		c.ComplaintTime = now.AddDate(0, 0, -i)
		s.AddComplaint(c)
	}
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	begin, end := now.AddDate(0, 0, -22), now
	var ids []string
	var last time.Time
	for offset := 0; ; offset += 10 {
		r := tc.do(t, http.MethodGet, listQuery(begin, end, 10, offset), nil)
		if r.status != 200 {
			t.Fatalf("offset %d: %d %s", offset, r.status, r.body)
		}
		if err := verifyWith(s.VerificationKeys(), r.header, r.body, now); err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		r.json(t, &raw)
		_, hasTotal := raw["total_count"]
		if hasTotal != (offset == 0) {
			t.Errorf("offset %d: total_count present = %v", offset, hasTotal)
		}
		var page wechatpay.ListComplaintsResponse
		r.json(t, &page)
		if page.Limit != 10 || page.Offset != offset {
			t.Errorf("limit/offset %d/%d", page.Limit, page.Offset)
		}
		if offset == 0 && page.TotalCount != 23 {
			t.Errorf("total_count %d, want 23", page.TotalCount)
		}
		for _, c := range page.Data {
			if !last.IsZero() && c.ComplaintTime.After(last) {
				t.Errorf("not newest first: %v after %v", c.ComplaintTime, last)
			}
			last = c.ComplaintTime
			ids = append(ids, c.ComplaintID)
			if c.PayerOpenID != "" {
				t.Error("payer_openid in a list item")
			}
		}
		if len(page.Data) < 10 {
			if len(page.Data) != 3 {
				t.Errorf("last page has %d", len(page.Data))
			}
			break
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("duplicate %s", id)
		}
		seen[id] = true
	}
	if len(ids) != 23 {
		t.Errorf("paged %d complaints, want 23", len(ids))
	}
	// Past the end: an empty array, not null.
	r := tc.do(t, http.MethodGet, listQuery(begin, end, 10, 40), nil)
	if !strings.Contains(string(r.body), `"data":[]`) {
		t.Errorf("past the end: %s", r.body)
	}
	// complainted_mchid filters.
	r = tc.do(t, http.MethodGet, listQuery(begin, end, 50, 0)+"&complainted_mchid=1230000109", nil)
	var page wechatpay.ListComplaintsResponse
	r.json(t, &page)
	if len(page.Data) != 0 || page.TotalCount != 0 {
		t.Errorf("other sub-merchant sees %d", len(page.Data))
	}
}

func TestListValidation(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	d := func(days int) string { return now.AddDate(0, 0, days).Format("2006-01-02") }
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"begin_date=" + d(-30) + "&end_date=" + d(0), 200},
		{"begin_date=" + d(-31) + "&end_date=" + d(0), 400},
		{"begin_date=" + d(0) + "&end_date=" + d(-1), 400},
		{"end_date=" + d(0), 400},
		{"begin_date=" + d(0), 400},
		{"begin_date=2025/06/01&end_date=" + d(0), 400},
		{"begin_date=" + d(0) + "&end_date=" + d(0) + "&limit=0", 400},
		{"begin_date=" + d(0) + "&end_date=" + d(0) + "&limit=51", 400},
		{"begin_date=" + d(0) + "&end_date=" + d(0) + "&limit=50", 200},
		{"begin_date=" + d(0) + "&end_date=" + d(0) + "&limit=1", 200},
		{"begin_date=" + d(0) + "&end_date=" + d(0) + "&offset=-1", 400},
		{"begin_date=" + d(0) + "&end_date=" + d(0) + "&limit=x", 400},
	} {
		r := tc.do(t, http.MethodGet, mainlandList+"?"+tt.query, nil)
		if r.status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.query, r.status, tt.want, r.body)
		}
		if r.status == 400 && r.errCode(t) != "PARAM_ERROR" {
			t.Errorf("%s: %s", tt.query, r.body)
		}
	}
	// Default limit is 10.
	r := tc.do(t, http.MethodGet, mainlandList+"?begin_date="+d(0)+"&end_date="+d(0), nil)
	var page wechatpay.ListComplaintsResponse
	r.json(t, &page)
	if page.Limit != 10 {
		t.Errorf("default limit %d", page.Limit)
	}
}

var wechatTimeRE = regexp.MustCompile(`"complaint_time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00"`)

func TestDetail(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	seeded := s.AddComplaint(s.SampleComplaint(0))
	r := tc.do(t, http.MethodGet, mainlandList+"/"+seeded.ComplaintID, nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if !wechatTimeRE.Match(r.body) {
		t.Errorf("complaint_time not in WeChat's format: %s", r.body)
	}
	var got wechatpay.Complaint
	r.json(t, &got)
	if got.ComplaintID != seeded.ComplaintID || got.PayerOpenID == "" || !got.ComplaintTime.Equal(seeded.ComplaintTime) ||
		got.ComplaintDetail != seeded.ComplaintDetail || got.ComplaintState != wechatpay.StatePending ||
		got.ProblemType != wechatpay.ProblemRefund || got.AdditionalInfo == nil || len(got.ComplaintOrderInfo) != 1 ||
		got.ComplaintOrderInfo[0].Amount != 9900 || got.ComplaintedMchID != s.MchID() {
		t.Errorf("detail %+v", got)
	}
	// payer_phone is RSA-OAEP to the merchant key and decrypts to the plaintext.
	pt, err := signing.DecryptOAEPBase64(s.MerchantPrivateKey(), got.PayerPhone)
	if err != nil || string(pt) != seeded.PayerPhonePlaintext.Plain() || !strings.HasPrefix(string(pt), "138") {
		t.Errorf("payer_phone: %v", err)
	}
	if strings.Contains(string(r.body), seeded.PayerPhonePlaintext.Plain()) {
		t.Error("plaintext phone on the wire")
	}
	r = tc.do(t, http.MethodGet, mainlandList+"/200201820250101000000000000", nil)
	if r.status != 404 || r.errCode(t) != "RESOURCE_NOT_EXISTS" {
		t.Errorf("unknown id: %d %s", r.status, r.body)
	}
}

func TestHistoryPaging(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	c := s.AddComplaint(s.SampleComplaint(1))
	for i := 0; i < 120; i++ {
		s.UserResponds(c.ComplaintID, fmt.Sprintf("第%d条留言", i))
	}
	target := mainlandList + "/" + c.ComplaintID + "/negotiation-historys"
	r := tc.do(t, http.MethodGet, target, nil)
	var page wechatpay.ListHistoryResponse
	r.json(t, &page)
	if page.Limit != 100 || len(page.Data) != 100 || page.TotalCount != 121 {
		t.Errorf("default page: limit %d, %d items, total %d", page.Limit, len(page.Data), page.TotalCount)
	}
	if page.Data[0].OperateType != wechatpay.OperateUserCreateComplaint || page.Data[1].OperateDetails != "第0条留言" {
		t.Errorf("order: %+v %+v", page.Data[0], page.Data[1])
	}
	r = tc.do(t, http.MethodGet, target+"?limit=300&offset=100", nil)
	page = wechatpay.ListHistoryResponse{}
	r.json(t, &page)
	if len(page.Data) != 21 || page.Offset != 100 || page.Data[20].OperateDetails != "第119条留言" {
		t.Errorf("second page: %d items", len(page.Data))
	}
	for _, q := range []string{"?limit=0", "?limit=301", "?offset=-3"} {
		if r := tc.do(t, http.MethodGet, target+q, nil); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	if r := tc.do(t, http.MethodGet, mainlandList+"/1/negotiation-historys", nil); r.status != 404 {
		t.Errorf("unknown complaint: %d", r.status)
	}
	if got, _ := s.Complaint(c.ComplaintID); !got.IncomingUserResponse {
		t.Error("UserResponds did not set incoming_user_response")
	}
}

func TestReplyCompleteStateMachine(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	c := s.AddComplaint(s.SampleComplaint(2))
	s.UserResponds(c.ComplaintID, "请尽快处理")
	base := mainlandList + "/" + c.ComplaintID

	r := tc.do(t, http.MethodPost, base+"/response", wechatpay.ReplyRequest{ComplaintedMchID: s.MchID(), ResponseContent: "您好，我们已安排退款，预计1-3个工作日到账。"})
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("reply: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	got, _ := s.Complaint(c.ComplaintID)
	if got.ComplaintState != wechatpay.StateProcessing || got.IncomingUserResponse {
		t.Errorf("after the first reply: %s, incoming %v", got.ComplaintState, got.IncomingUserResponse)
	}
	h := s.History(c.ComplaintID)
	last := h[len(h)-1]
	if last.OperateType != wechatpay.OperateMerchantResponse || last.Operator != "商户" || last.OperateDetails != "您好，我们已安排退款，预计1-3个工作日到账。" || last.LogID == "" || !last.OperateTime.Equal(now) {
		t.Errorf("history entry %+v", last)
	}

	r = tc.do(t, http.MethodPost, base+"/complete", wechatpay.CompleteRequest{ComplaintedMchID: s.MchID()})
	if r.status != http.StatusNoContent {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	got, _ = s.Complaint(c.ComplaintID)
	if got.ComplaintState != wechatpay.StateProcessed {
		t.Errorf("after complete: %s", got.ComplaintState)
	}
	h = s.History(c.ComplaintID)
	if h[len(h)-1].OperateType != wechatpay.OperateMerchantConfirmComplete {
		t.Errorf("last entry %s", h[len(h)-1].OperateType)
	}
	// Completing again is harmless and adds nothing.
	n := len(h)
	if r := tc.do(t, http.MethodPost, base+"/complete", wechatpay.CompleteRequest{ComplaintedMchID: s.MchID()}); r.status != 204 || len(s.History(c.ComplaintID)) != n {
		t.Errorf("second complete: %d", r.status)
	}
	// The wire history shows the new entries with WeChat's time format.
	r = tc.do(t, http.MethodGet, base+"/negotiation-historys", nil)
	if !strings.Contains(string(r.body), `"operate_type":"MERCHANT_CONFIRM_COMPLETE"`) || !strings.Contains(string(r.body), `"operate_time":"2025-06-30T12:00:00.000+08:00"`) {
		t.Errorf("history on the wire: %s", r.body)
	}
}

func TestReplyValidation(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	c := s.AddComplaint(s.SampleComplaint(1))
	target := mainlandList + "/" + c.ComplaintID + "/response"
	ok := func() wechatpay.ReplyRequest {
		return wechatpay.ReplyRequest{ComplaintedMchID: s.MchID(), ResponseContent: "已处理"}
	}
	up := tc.upload(t, "/v3/merchant-service", "a.png", SamplePNG(), "")
	var media wechatpay.UploadImageResponse
	up.json(t, &media)
	for _, tt := range []struct {
		name   string
		edit   func(*wechatpay.ReplyRequest)
		status int
		code   string
	}{
		{"200 characters", func(r *wechatpay.ReplyRequest) { r.ResponseContent = strings.Repeat("好", 200) }, 204, ""},
		{"201 characters", func(r *wechatpay.ReplyRequest) { r.ResponseContent = strings.Repeat("好", 201) }, 400, "PARAM_ERROR"},
		{"emoji", func(r *wechatpay.ReplyRequest) { r.ResponseContent = "已处理😀" }, 400, "PARAM_ERROR"},
		{"empty", func(r *wechatpay.ReplyRequest) { r.ResponseContent = "" }, 400, "PARAM_ERROR"},
		{"no mchid", func(r *wechatpay.ReplyRequest) { r.ComplaintedMchID = "" }, 400, "PARAM_ERROR"},
		{"other mchid", func(r *wechatpay.ReplyRequest) { r.ComplaintedMchID = "1230000109" }, 403, "NO_AUTH"},
		{"http jump url", func(r *wechatpay.ReplyRequest) { r.JumpURL = "http://shop.example/after-sale" }, 400, "PARAM_ERROR"},
		{"https jump url", func(r *wechatpay.ReplyRequest) {
			r.JumpURL, r.JumpURLText = "https://shop.example/after-sale", "查看售后进度"
		}, 204, ""},
		{"uploaded image", func(r *wechatpay.ReplyRequest) { r.ResponseImages = []string{media.MediaID} }, 204, ""},
		{"unknown image", func(r *wechatpay.ReplyRequest) { r.ResponseImages = []string{"NOPE.png"} }, 400, "PARAM_ERROR"},
		{"5 images", func(r *wechatpay.ReplyRequest) {
			r.ResponseImages = []string{media.MediaID, media.MediaID, media.MediaID, media.MediaID, media.MediaID}
		}, 400, "PARAM_ERROR"},
		{"mini program incomplete", func(r *wechatpay.ReplyRequest) {
			r.MiniProgramJumpInfo = &wechatpay.MiniProgramJumpInfo{AppID: "wx1234567890abcdef"}
		}, 400, "PARAM_ERROR"},
	} {
		req := ok()
		tt.edit(&req)
		r := tc.do(t, http.MethodPost, target, req)
		if r.status != tt.status {
			t.Errorf("%s: %d, want %d: %s", tt.name, r.status, tt.status, r.body)
			continue
		}
		if tt.code != "" && r.errCode(t) != tt.code {
			t.Errorf("%s: %s", tt.name, r.body)
		}
	}
	// Not JSON, or not declared as JSON.
	if r := tc.do(t, http.MethodPost, target, []byte("{")); r.status != 400 {
		t.Errorf("broken JSON: %d", r.status)
	}
	b := []byte(`{"complainted_mchid":"` + s.MchID() + `","response_content":"x"}`)
	if r := tc.send(t, http.MethodPost, target, b, "text/plain", tc.authHeader("POST", target, b)); r.status != 400 {
		t.Errorf("text/plain: %d", r.status)
	}
	if r := tc.do(t, http.MethodGet, target, nil); r.status != 405 {
		t.Errorf("GET on response: %d", r.status)
	}
	if r := tc.do(t, http.MethodPost, mainlandList+"/1/response", ok()); r.status != 404 {
		t.Errorf("unknown complaint: %d", r.status)
	}
}

func TestRefundProgress(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	refund := s.AddComplaint(s.SampleComplaint(2)) // REFUND
	other := s.AddComplaint(s.SampleComplaint(1))  // SERVICE_NOT_WORK
	path := func(id string) string { return mainlandList + "/" + id + "/update-refund-progress" }
	days := 3
	zero := 0

	if r := tc.do(t, http.MethodPost, path(other.ComplaintID), wechatpay.UpdateRefundProgressRequest{Action: wechatpay.RefundApprove, LaunchRefundDay: &days}); r.status != 400 {
		t.Errorf("refund decision on a non-refund complaint: %d", r.status)
	}
	for name, req := range map[string]wechatpay.UpdateRefundProgressRequest{
		"no action":        {},
		"bad action":       {Action: "MAYBE"},
		"reject no reason": {Action: wechatpay.RefundReject},
		"negative days":    {Action: wechatpay.RefundApprove, LaunchRefundDay: func() *int { n := -1; return &n }()},
		"5 reject media":   {Action: wechatpay.RefundReject, RejectReason: "x", RejectMediaList: []string{"a", "b", "c", "d", "e"}},
	} {
		if r := tc.do(t, http.MethodPost, path(refund.ComplaintID), req); r.status != 400 || r.errCode(t) != "PARAM_ERROR" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	r := tc.do(t, http.MethodPost, path(refund.ComplaintID), wechatpay.UpdateRefundProgressRequest{Action: wechatpay.RefundApprove, LaunchRefundDay: &zero, Remark: "已核实"})
	if r.status != 204 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	h := s.History(refund.ComplaintID)
	if e := h[len(h)-1]; e.OperateType != wechatpay.OperateMerchantApproveRefund || !strings.Contains(e.OperateDetails, "当天") {
		t.Errorf("approve entry %+v", e)
	}
	if got, _ := s.Complaint(refund.ComplaintID); got.ComplaintState != wechatpay.StateProcessing {
		t.Errorf("state after approve: %s", got.ComplaintState)
	}
	r = tc.do(t, http.MethodPost, path(refund.ComplaintID), wechatpay.UpdateRefundProgressRequest{Action: wechatpay.RefundReject, RejectReason: "商品已使用，不支持退款"})
	if r.status != 204 {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	h = s.History(refund.ComplaintID)
	if e := h[len(h)-1]; e.OperateType != "MERCHANT_REFUSE_RERUND" || e.OperateDetails != "商品已使用，不支持退款" {
		t.Errorf("reject entry %+v", e)
	}
}

func TestImmediateService(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	c := s.AddComplaint(s.SampleComplaint(1))
	target := mainlandList + "/" + c.ComplaintID + "/response-immediate-service"
	req := wechatpay.ImmediateServiceRequest{
		ComplaintedMchID: s.MchID(),
		IdempotentID:     "6f1c2b8e-1b7a-4c55-9a63-2f0f3d3c8c11",
		Message: wechatpay.NormalMessage{
			SenderIdentity: wechatpay.SenderManual,
			Blocks: []wechatpay.MessageBlock{
				{Type: wechatpay.BlockText, Text: &wechatpay.TextBlock{Text: "您好，请选择问题类型"}},
				{Type: wechatpay.BlockButtonGroup, ButtonGroup: &wechatpay.ButtonGroup{
					ButtonLayout: wechatpay.LayoutHorizontal,
					Buttons: []wechatpay.Button{
						{Text: "申请退款", Action: wechatpay.MessageAction{ActionType: wechatpay.MessageActionSendMessage, MessageInfo: &wechatpay.MessageInfo{Content: "我要退款"}}},
						{Text: "查看订单", Action: wechatpay.MessageAction{ActionType: wechatpay.MessageActionJumpURL, JumpURL: "https://shop.example/orders"}},
					},
				}},
			},
		},
	}
	r := tc.do(t, http.MethodPost, target, req)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	var resp wechatpay.ImmediateServiceResponse
	r.json(t, &resp)
	h := s.History(c.ComplaintID)
	e := h[len(h)-1]
	if resp.LogID == "" || e.LogID != resp.LogID || e.NormalMessage == nil || len(e.NormalMessage.Blocks) != 2 {
		t.Fatalf("log %q, entry %+v", resp.LogID, e)
	}
	// Same idempotent_id: same log id, no second entry.
	r = tc.do(t, http.MethodPost, target, req)
	var again wechatpay.ImmediateServiceResponse
	r.json(t, &again)
	if again.LogID != resp.LogID || len(s.History(c.ComplaintID)) != len(h) {
		t.Errorf("retry created a new entry: %q vs %q", again.LogID, resp.LogID)
	}
	bad := req
	bad.IdempotentID = strings.Repeat("x", 129)
	if r := tc.do(t, http.MethodPost, target, bad); r.status != 400 {
		t.Errorf("long idempotent_id: %d", r.status)
	}
	bad = req
	bad.IdempotentID = "other"
	bad.Message = wechatpay.NormalMessage{Blocks: []wechatpay.MessageBlock{{Type: wechatpay.BlockLink, Link: &wechatpay.LinkBlock{Text: "x", Action: wechatpay.MessageAction{ActionType: wechatpay.MessageActionJumpURL, JumpURL: "http://x"}}}}}
	if r := tc.do(t, http.MethodPost, target, bad); r.status != 400 {
		t.Errorf("http link: %d", r.status)
	}
	bad.Message = wechatpay.NormalMessage{}
	if r := tc.do(t, http.MethodPost, target, bad); r.status != 400 {
		t.Errorf("no blocks: %d", r.status)
	}
}

func TestNotificationURLCRUD(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	const p = "/v3/merchant-service/complaint-notifications"
	if r := tc.do(t, http.MethodGet, p, nil); r.status != 404 || r.errCode(t) != "RESOURCE_NOT_EXISTS" {
		t.Errorf("query before create: %d %s", r.status, r.body)
	}
	if r := tc.do(t, http.MethodPut, p, wechatpay.NotificationURLRequest{URL: "https://shop.example/n"}); r.status != 404 {
		t.Errorf("update before create: %d", r.status)
	}
	for _, bad := range []string{"", "http://shop.example/n", "ftp://x/y", "https://"} {
		if r := tc.do(t, http.MethodPost, p, wechatpay.NotificationURLRequest{URL: bad}); r.status != 400 {
			t.Errorf("create %q: %d", bad, r.status)
		}
	}
	r := tc.do(t, http.MethodPost, p, wechatpay.NotificationURLRequest{URL: "https://shop.example/wechat/complaints"})
	var got wechatpay.NotificationURL
	r.json(t, &got)
	if r.status != 200 || got.MchID != s.MchID() || got.URL != "https://shop.example/wechat/complaints" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	r = tc.do(t, http.MethodGet, p, nil)
	r.json(t, &got)
	if r.status != 200 || got.URL != "https://shop.example/wechat/complaints" {
		t.Errorf("query: %s", r.body)
	}
	r = tc.do(t, http.MethodPut, p, wechatpay.NotificationURLRequest{URL: "http://127.0.0.1:8080/notify"})
	r.json(t, &got)
	if r.status != 200 || s.NotificationURL() != "http://127.0.0.1:8080/notify" {
		t.Errorf("update to loopback http: %d %s", r.status, r.body)
	}
	r = tc.do(t, http.MethodDelete, p, nil)
	if r.status != 204 || len(r.body) != 0 || s.NotificationURL() != "" {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	if r := tc.do(t, http.MethodDelete, p, nil); r.status != 404 {
		t.Errorf("second delete: %d", r.status)
	}
	if r := tc.do(t, http.MethodPatch, p, nil); r.status != 405 {
		t.Errorf("PATCH: %d", r.status)
	}
}

func TestUnknownPath(t *testing.T) {
	s, now := fixedServer(t)
	tc := newTClient(s)
	tc.now = func() time.Time { return now }
	for _, p := range []string{"/v3/merchant-service/complaints-v3", mainlandList + "/1/nope", "/v3/global/merchant-service/complaints", mainlandList + "/1/response/x"} {
		if r := tc.do(t, http.MethodGet, p, nil); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}
