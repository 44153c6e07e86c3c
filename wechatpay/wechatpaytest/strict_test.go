package wechatpaytest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/wechatpay"
)

// errDetail decodes a WeChat error body's code and detail.
func (r reply) errDetail(t *testing.T) (code, field, location string) {
	t.Helper()
	var e struct {
		Code   string `json:"code"`
		Detail struct {
			Field    string `json:"field"`
			Location string `json:"location"`
		} `json:"detail"`
	}
	r.json(t, &e)
	return e.Code, e.Detail.Field, e.Detail.Location
}

func TestRequiredFieldsSentWhenZero(t *testing.T) {
	t.Run("mainland", func(t *testing.T) {
		s, _ := fixedServer(t)
		tc := newTClient(s)
		c := s.AddComplaint(wechatpay.Complaint{
			ComplaintDetail:    "订单0元也被投诉",
			ProblemType:        wechatpay.ProblemRefund,
			ComplaintOrderInfo: []wechatpay.ComplaintOrder{{TransactionID: "4200000000000000000000000001", OutTradeNo: "T1"}},
			IsAgentMode:        true,
		})
		if c.ProblemDescription != "申请退款" {
			t.Errorf("default problem description %q", c.ProblemDescription)
		}
		r := tc.do(t, http.MethodGet, mainlandList+"/"+c.ComplaintID, nil)
		for _, want := range []string{`"amount":0`, `"problem_description":"申请退款"`, `"complaint_full_refunded":false`, `"incoming_user_response":false`, `"is_agent_mode":true`} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("detail lacks %s: %s", want, r.body)
			}
		}
		// Optional values the seed left zero are absent, as WeChat leaves them out.
		for _, absent := range []string{"payer_phone", "payer_openid", "apply_refund_amount", "user_tag_list", "additional_info", "in_platform_service", "need_immediate_service", "service_order_info", "complaint_media_list", "is_overdue", "priority", "settlement_amount"} {
			if strings.Contains(string(r.body), `"`+absent+`"`) {
				t.Errorf("detail has %s: %s", absent, r.body)
			}
		}
		// Without a problem type the default is 其他; a description cleared later
		// is still sent, empty.
		o := s.AddComplaint(wechatpay.Complaint{ComplaintDetail: "x"})
		s.UpdateComplaint(c.ComplaintID, func(c *wechatpay.Complaint) { c.ProblemDescription = "" })
		for id, want := range map[string]string{o.ComplaintID: `"problem_description":"其他"`, c.ComplaintID: `"problem_description":""`} {
			if r := tc.do(t, http.MethodGet, mainlandList+"/"+id, nil); !strings.Contains(string(r.body), want) {
				t.Errorf("%s lacks %s: %s", id, want, r.body)
			}
		}
	})
	t.Run("global", func(t *testing.T) {
		s, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
		tc := newTClient(s)
		c := s.AddComplaint(wechatpay.Complaint{
			ComplaintDetail:    "not refunded yet",
			ComplaintOrderInfo: []wechatpay.ComplaintOrder{{TransactionID: "4200000000000000000000000001", OutTradeNo: "T1", SettlementAmount: 1000, SettlementCurrency: "HKD", PayerAmount: 922, PayerCurrency: "CNY", TradeTime: s.now()}},
			ComplaintMediaList: wechatpay.MediaList{{MediaType: wechatpay.MediaOperationImage}},
		})
		if c.ProblemDescription != "" {
			t.Errorf("global complaint got a default description %q", c.ProblemDescription)
		}
		r := tc.do(t, http.MethodGet, "/v3/global/merchant-service/complaints/"+c.ComplaintID, nil)
		var got struct {
			Orders []map[string]json.RawMessage `json:"complaint_order_info"`
			Media  []map[string]json.RawMessage `json:"complaint_media_list"`
		}
		r.json(t, &got)
		if len(got.Orders) != 1 || string(got.Orders[0]["settlement_refunded_amount"]) != `"0"` || string(got.Orders[0]["payer_refunded_amount"]) != "0" {
			t.Errorf("refunded amounts: %s", r.body)
		}
		if _, ok := got.Orders[0]["amount"]; ok {
			t.Errorf("global order has amount: %s", r.body)
		}
		if len(got.Media) != 1 || string(got.Media[0]["media_url"]) != "[]" {
			t.Errorf("required media_url: %s", r.body)
		}
		if strings.Contains(string(r.body), "problem_description") {
			t.Errorf("optional global problem_description sent empty: %s", r.body)
		}
		s.UpdateComplaint(c.ComplaintID, func(c *wechatpay.Complaint) { c.ComplaintOrderInfo[0].SettlementRefundedAmount = 500 })
		if r := tc.do(t, http.MethodGet, "/v3/global/merchant-service/complaints/"+c.ComplaintID, nil); !strings.Contains(string(r.body), `"settlement_refunded_amount":"500"`) {
			t.Errorf("refunded: %s", r.body)
		}
	})
}

func TestStrictRequestBodies(t *testing.T) {
	s, _ := fixedServer(t)
	g, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
	c := s.AddComplaint(s.SampleComplaint(2)) // REFUND
	gc := g.AddComplaint(g.SampleComplaint(2))
	mch := s.MchID()
	msg := `{"blocks":[{"type":"TEXT","text":{"text":"您好"}}]}`
	base := mainlandList + "/" + c.ComplaintID
	gbase := "/v3/global/merchant-service/complaints/" + gc.ComplaintID
	for _, tt := range []struct {
		name, target, body, field string
		global                    bool
	}{
		{"reply unknown field", base + "/response", `{"complainted_mchid":"` + mch + `","response_content":"x","extra":1}`, "extra", false},
		{"reply wrong type", base + "/response", `{"complainted_mchid":"` + mch + `","response_content":1}`, "response_content", false},
		{"reply images not an array", base + "/response", `{"complainted_mchid":"` + mch + `","response_content":"x","response_images":"a.png"}`, "response_images", false},
		{"reply missing content", base + "/response", `{"complainted_mchid":"` + mch + `"}`, "response_content", false},
		{"reply missing mchid", base + "/response", `{"response_content":"x"}`, "complainted_mchid", false},
		{"reply key in other case", base + "/response", `{"complainted_mchid":"` + mch + `","Response_Content":"x"}`, "Response_Content", false},
		{"reply camelCase key", base + "/response", `{"complaintedMchid":"` + mch + `","response_content":"x"}`, "complaintedMchid", false},
		{"reply mini program unknown key", base + "/response", `{"complainted_mchid":"` + mch + `","response_content":"x","mini_program_jump_info":{"appid":"a","path":"p","text":"t","app_id":"a"}}`, "app_id", false},
		{"global reply mini program", gbase + "/response", `{"complainted_mchid":"` + mch + `","response_content":"x","mini_program_jump_info":{"appid":"a","path":"p","text":"t"}}`, "mini_program_jump_info", true},
		{"complete unknown field", base + "/complete", `{"complainted_mchid":"` + mch + `","complaint_id":"` + c.ComplaintID + `"}`, "complaint_id", false},
		{"complete empty object", base + "/complete", `{}`, "complainted_mchid", false},
		{"complete null", base + "/complete", `null`, "body", false},
		{"complete array", base + "/complete", `[]`, "body", false},
		{"complete trailing data", base + "/complete", `{"complainted_mchid":"` + mch + `"}{}`, "body", false},
		{"refund with complainted_mchid", base + "/update-refund-progress", `{"action":"APPROVE","complainted_mchid":"` + mch + `"}`, "complainted_mchid", false},
		{"refund days as string", base + "/update-refund-progress", `{"action":"APPROVE","launch_refund_day":"3"}`, "launch_refund_day", false},
		{"refund missing action", base + "/update-refund-progress", `{"launch_refund_day":3}`, "action", false},
		{"immediate sender outside message", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","idempotent_id":"1","message":` + msg + `,"message_sender_identity":"MANUAL"}`, "message_sender_identity", false},
		{"immediate bold as string", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","idempotent_id":"1","message":{"blocks":[{"type":"TEXT","text":{"text":"x","is_bold":"yes"}}]}}`, "message.blocks.text.is_bold", false},
		{"immediate bad expiry", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","idempotent_id":"1","message":{"blocks":[{"type":"BUTTON","button":{"text":"x","action":{"action_type":"ACTION_TYPE_SEND_MESSAGE","message_info":{"content":"y"}},"invalid_info":{"expired_time":"tomorrow"}}}]}}`, "message.blocks.button.invalid_info.expired_time", false},
		{"immediate repeated key in other case", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","idempotent_id":"1","message":{"blocks":[{"type":"TEXT","text":{"Text":"x"},"text":{"text":"y"}}]}}`, "Text", false},
		{"immediate missing message", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","idempotent_id":"1"}`, "message", false},
		{"immediate missing idempotent_id", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","message":` + msg + `}`, "idempotent_id", false},
		{"immediate action without appid", base + "/response-immediate-service", `{"complainted_mchid":"` + mch + `","idempotent_id":"1","message":{"blocks":[{"type":"BUTTON","button":{"text":"x","action":{"action_type":"ACTION_TYPE_JUMP_MINI_PROGRAM","mini_program_jump_info":{"path":"p"}}}}]}}`, "message.blocks[0].button.action.mini_program_jump_info.appid", false},
		{"notification url with mchid", "/v3/merchant-service/complaint-notifications", `{"url":"https://shop.example/n","mchid":"` + mch + `"}`, "mchid", false},
		{"notification url missing", "/v3/merchant-service/complaint-notifications", `{"URL":"https://shop.example/n"}`, "URL", false},
	} {
		srv := s
		if tt.global {
			srv = g
		}
		tc := newTClient(srv)
		before := len(srv.History(c.ComplaintID)) + len(srv.History(gc.ComplaintID))
		r := tc.do(t, http.MethodPost, tt.target, []byte(tt.body))
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
			continue
		}
		if code, field, _ := r.errDetail(t); code != "PARAM_ERROR" || field != tt.field {
			t.Errorf("%s: %s %q, want PARAM_ERROR %q: %s", tt.name, code, field, tt.field, r.body)
		}
		if after := len(srv.History(c.ComplaintID)) + len(srv.History(gc.ComplaintID)); after != before {
			t.Errorf("%s: a refused request changed history", tt.name)
		}
	}
	if got, _ := s.Complaint(c.ComplaintID); got.ComplaintState != wechatpay.StatePending || s.NotificationURL() != "" {
		t.Error("a refused request changed state")
	}

	// The upload's meta part is held to the same rules.
	tc := newTClient(s)
	for name, tt := range map[string]struct{ meta, field string }{
		"unknown field":  {`{"filename":"a.png","sha256":"%s","size":1}`, "size"},
		"missing sha256": {`{"filename":"a.png"}`, "sha256"},
		"wrong type":     {`{"filename":"a.png","sha256":1}`, "sha256"},
	} {
		meta := strings.Replace(tt.meta, "%s", sha256Hex(SamplePNG()), 1)
		body, ct := multipartUpload(t, []byte(meta), "a.png", SamplePNG())
		const target = "/v3/merchant-service/images/upload"
		r := tc.send(t, http.MethodPost, target, body, ct, tc.authHeader(http.MethodPost, target, []byte(meta)))
		if code, field, _ := r.errDetail(t); r.status != 400 || code != "PARAM_ERROR" || field != tt.field {
			t.Errorf("upload %s: %d %s", name, r.status, r.body)
		}
	}
}

func TestStrictQueries(t *testing.T) {
	s, _ := fixedServer(t)
	g, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
	c := s.AddComplaint(s.SampleComplaint(0))
	gc := g.AddComplaint(g.SampleComplaint(0))
	dates := "begin_date=2025-06-29&end_date=2025-06-30"
	media := strings.TrimPrefix(c.ComplaintMediaList[0].MediaURL[0], s.URL)
	for _, tt := range []struct {
		name, method, target, field string
		global                      bool
	}{
		{"list language on mainland", http.MethodGet, mainlandList + "?" + dates + "&mch_language=EN", "mch_language", false},
		{"list v1 sub_mchid", http.MethodGet, mainlandList + "?" + dates + "&sub_mchid=1230000109", "sub_mchid", false},
		{"list parameter twice", http.MethodGet, mainlandList + "?" + dates + "&limit=5&limit=6", "limit", false},
		{"list parameter in other case", http.MethodGet, mainlandList + "?" + dates + "&Limit=5", "Limit", false},
		{"list bad escape", http.MethodGet, mainlandList + "?" + dates + "&x=%zz", "query", false},
		{"global list unknown", http.MethodGet, "/v3/global/merchant-service/complaints?" + dates + "&complaint_id=1", "complaint_id", true},
		{"detail language on mainland", http.MethodGet, mainlandList + "/" + c.ComplaintID + "?mch_language=EN", "mch_language", false},
		{"global detail limit", http.MethodGet, "/v3/global/merchant-service/complaints/" + gc.ComplaintID + "?limit=1", "limit", true},
		{"history language on mainland", http.MethodGet, mainlandList + "/" + c.ComplaintID + "/negotiation-historys?mch_language=EN", "mch_language", false},
		{"history unknown", http.MethodGet, mainlandList + "/" + c.ComplaintID + "/negotiation-historys?page=1", "page", false},
		{"notification url query", http.MethodGet, "/v3/merchant-service/complaint-notifications?mchid=1", "mchid", false},
		{"image with complaint_id on mainland", http.MethodGet, media + "?complaint_id=" + c.ComplaintID, "complaint_id", false},
		{"complete with query", http.MethodPost, mainlandList + "/" + c.ComplaintID + "/complete?complainted_mchid=" + s.MchID(), "complainted_mchid", false},
	} {
		srv := s
		if tt.global {
			srv = g
		}
		var body any
		if tt.method == http.MethodPost {
			body = map[string]string{"complainted_mchid": srv.MchID()}
		}
		r := newTClient(srv).do(t, tt.method, tt.target, body)
		if code, field, loc := r.errDetail(t); r.status != 400 || code != "PARAM_ERROR" || field != tt.field || loc != "query" {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	// What each endpoint takes is accepted.
	for _, tt := range []struct {
		srv    *Server
		target string
	}{
		{s, mainlandList + "?" + dates + "&limit=5&offset=0&complainted_mchid=" + s.MchID()},
		{g, "/v3/global/merchant-service/complaints?" + dates + "&limit=5&offset=0&complainted_mchid=" + g.MchID() + "&mch_language=EN"},
		{s, mainlandList + "/" + c.ComplaintID + "/negotiation-historys?limit=5&offset=0"},
		{g, "/v3/global/merchant-service/complaints/" + gc.ComplaintID + "/negotiation-historys?limit=5&offset=0&mch_language=JA"},
		{g, "/v3/global/merchant-service/complaints/" + gc.ComplaintID + "?mch_language=ZH_HK"},
		{s, media},
	} {
		if r := newTClient(tt.srv).do(t, http.MethodGet, tt.target, nil); r.status != 200 {
			t.Errorf("%s: %d %s", tt.target, r.status, r.body)
		}
	}
}

func TestNotificationURLRule(t *testing.T) {
	s, _ := fixedServer(t)
	tc := newTClient(s)
	const p = "/v3/merchant-service/complaint-notifications"
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://shop.example/wechat/complaints", true},
		{"https://127.0.0.1/n", true},
		{"http://localhost/n", true},
		{"http://LocalHost:8080/n", true},
		{"http://127.0.0.1:41234/wechatpay/complaints", true},
		{"http://127.255.255.254/n", true},
		{"http://[::1]:8080/n", true},
		{"http://shop.example/n", false},
		{"http://localhost.shop.example/n", false},
		{"http://127.0.0.1.nip.io/n", false},
		{"http://128.0.0.1/n", false},
		{"http://0.0.0.0:8080/n", false},
		{"http://10.0.0.1/n", false},
		{"http://[::ffff:127.0.0.1]/n", false},
		{"http://[fe80::1%25lo]/n", false},
		{"ftp://localhost/n", false},
		{"//localhost/n", false},
		{"https://", false},
		{"localhost:8080/n", false},
	} {
		r := tc.do(t, http.MethodPost, p, map[string]string{"url": tt.url})
		if tt.ok {
			var got struct{ MchID, URL string }
			r.json(t, &got)
			if r.status != 200 || got.URL != tt.url || s.NotificationURL() != tt.url {
				t.Errorf("%s refused: %d %s", tt.url, r.status, r.body)
			}
			continue
		}
		if code, field, _ := r.errDetail(t); r.status != 400 || code != "PARAM_ERROR" || field != "url" {
			t.Errorf("%s accepted: %d %s", tt.url, r.status, r.body)
		}
		// Update follows the same rule.
		if r := tc.do(t, http.MethodPut, p, map[string]string{"url": tt.url}); r.status != 400 {
			t.Errorf("update to %s: %d", tt.url, r.status)
		}
	}
}
