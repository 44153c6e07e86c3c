package wechatpaytest

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/wechatpay"
)

func TestGlobalRegion(t *testing.T) {
	s, now := fixedServer(t, WithRegion(wechatpay.RegionGlobal), WithKeyMode(CertificateMode))
	tc := newTClient(s)
	c := s.AddComplaint(s.SampleComplaint(0))
	const base = "/v3/global/merchant-service/complaints"

	if got := downloadCerts(t, s, tc, "/v3/global/certificates"); len(got) != 1 {
		t.Errorf("global certificates: %d", len(got))
	}
	q := "?begin_date=" + now.AddDate(0, 0, -1).Format("2006-01-02") + "&end_date=" + now.Format("2006-01-02")
	r := tc.do(t, http.MethodGet, base+q+"&limit=10&mch_language=EN", nil)
	if r.status != 200 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	var page wechatpay.ListComplaintsResponse
	r.json(t, &page)
	if len(page.Data) != 1 {
		t.Fatalf("%d items", len(page.Data))
	}
	item := page.Data[0]
	o := item.ComplaintOrderInfo[0]
	if o.Amount != 0 || o.SettlementCurrency != "HKD" || o.PayerCurrency != "CNY" || o.SettlementAmount == 0 || o.TradeTime.IsZero() || item.Priority == "" || item.ComplaintDetailTrans == "" {
		t.Errorf("global item %+v", item)
	}
	for _, field := range []string{"problem_type", "apply_refund_amount", "user_tag_list", "additional_info", "need_immediate_service", "payer_openid", `"amount"`} {
		if strings.Contains(string(r.body), field) {
			t.Errorf("global list has %s", field)
		}
	}
	if r := tc.do(t, http.MethodGet, base+q+"&mch_language=zh_CN", nil); r.status != 400 {
		t.Errorf("bad language: %d", r.status)
	}
	if r := tc.do(t, http.MethodGet, base+"/"+c.ComplaintID+"?mch_language=ZH_HK", nil); r.status != 200 || strings.Contains(string(r.body), "payer_openid") {
		t.Errorf("detail: %d %s", r.status, r.body)
	}
	if r := tc.do(t, http.MethodGet, base+"/"+c.ComplaintID+"/negotiation-historys?limit=5&mch_language=EN", nil); r.status != 200 {
		t.Errorf("history: %d", r.status)
	}
	if r := tc.do(t, http.MethodPost, base+"/"+c.ComplaintID+"/response", wechatpay.ReplyRequest{ComplaintedMchID: s.MchID(), ResponseContent: "Refund arranged."}); r.status != 204 {
		t.Errorf("reply: %d %s", r.status, r.body)
	}
	if r := tc.do(t, http.MethodPost, base+"/"+c.ComplaintID+"/complete", wechatpay.CompleteRequest{ComplaintedMchID: s.MchID()}); r.status != 204 {
		t.Errorf("complete: %d", r.status)
	}
	if got, _ := s.Complaint(c.ComplaintID); got.ComplaintState != wechatpay.StateProcessed {
		t.Errorf("state %s", got.ComplaintState)
	}
	// What global lacks.
	for _, p := range []string{base + "/" + c.ComplaintID + "/update-refund-progress", base + "/" + c.ComplaintID + "/response-immediate-service"} {
		if r := tc.do(t, http.MethodPost, p, map[string]string{"action": "APPROVE"}); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	// Mainland paths do not exist on apihk.
	for _, p := range []string{mainlandList + q, "/v3/certificates", "/v3/merchant-service/complaint-notifications"} {
		if r := tc.do(t, http.MethodGet, p, nil); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	if r := tc.do(t, http.MethodPost, "/v3/global/merchant-service/complaint-notifications", wechatpay.NotificationURLRequest{URL: "https://shop.example.hk/n"}); r.status != 200 {
		t.Errorf("global notification url: %d", r.status)
	}
	// Images: upload under the global prefix; download needs complaint_id.
	if r := tc.upload(t, "/v3/global/merchant-service", "a.png", SamplePNG(), ""); r.status != 200 {
		t.Errorf("upload: %d %s", r.status, r.body)
	}
	mediaURL := c.ComplaintMediaList[0].MediaURL[0]
	if !strings.HasPrefix(mediaURL, s.URL+"/v3/global/merchant-service/images/") {
		t.Fatalf("media url %q", mediaURL)
	}
	u, _ := url.Parse(mediaURL)
	if r := tc.do(t, http.MethodGet, u.RequestURI(), nil); r.status != 400 || r.errCode(t) != "PARAM_ERROR" {
		t.Errorf("download without complaint_id: %d %s", r.status, r.body)
	}
	if r := tc.do(t, http.MethodGet, u.RequestURI()+"?complaint_id=1", nil); r.status != 404 {
		t.Errorf("download for an unknown complaint: %d", r.status)
	}
	r = tc.do(t, http.MethodGet, u.RequestURI()+"?complaint_id="+c.ComplaintID, nil)
	if r.status != 200 || !bytes.Equal(r.body, SamplePNG()) || r.header.Get("Wechatpay-Signature") != "" {
		t.Errorf("download: %d", r.status)
	}
}

func TestGlobalHistoryDropsMainlandOnlyFields(t *testing.T) {
	s, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
	tc := newTClient(s)
	c := s.AddComplaint(s.SampleComplaint(1))
	s.AddHistory(c.ComplaintID, wechatpay.NegotiationHistory{
		Operator: "商户", OperateType: wechatpay.OperateMerchantResponse,
		NormalMessage: &wechatpay.NormalMessage{Blocks: []wechatpay.MessageBlock{{Type: wechatpay.BlockText, Text: &wechatpay.TextBlock{Text: "x"}}}},
	})
	r := tc.do(t, http.MethodGet, "/v3/global/merchant-service/complaints/"+c.ComplaintID+"/negotiation-historys", nil)
	if r.status != 200 || strings.Contains(string(r.body), "normal_message") {
		t.Errorf("%d %s", r.status, r.body)
	}
	if h := s.History(c.ComplaintID); h[len(h)-1].NormalMessage == nil {
		t.Error("stored entry lost its message")
	}
}
