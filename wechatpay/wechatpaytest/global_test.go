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
	// /v3/global/certificates takes no query at all, algorithm_type included.
	for _, q := range []string{"?algorithm_type=RSA", "?algorithm_type=ALL", "?limit=1"} {
		if r := tc.do(t, http.MethodGet, "/v3/global/certificates"+q, nil); r.status != 400 || r.errCode(t) != "PARAM_ERROR" {
			t.Errorf("global certificates%s: %d %s", q, r.status, r.body)
		}
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
	// Images: upload under the global prefix.
	if r := tc.upload(t, "/v3/global/merchant-service", "a.png", SamplePNG(), ""); r.status != 200 {
		t.Errorf("upload: %d %s", r.status, r.body)
	}
}

// The global list gives out mainland-form media URLs, as WeChat's does; the
// image downloads from the global path with the complaint it belongs to, and
// from the mainland-form URL itself (which takes no query).
func TestGlobalImageDownload(t *testing.T) {
	s, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
	tc := newTClient(s)
	c := s.AddComplaint(s.SampleComplaint(0))
	other := s.AddComplaint(s.SampleComplaint(1))
	mediaURL := c.ComplaintMediaList[0].MediaURL[0]
	if !strings.HasPrefix(mediaURL, s.URL+"/v3/merchant-service/images/") {
		t.Fatalf("global media url %q is not in the mainland form", mediaURL)
	}
	u, _ := url.Parse(mediaURL)
	mediaID := strings.TrimPrefix(u.EscapedPath(), "/v3/merchant-service/images/")
	if !strings.Contains(mediaID, "%2F") || !strings.HasSuffix(mediaID, "%3D%3D") {
		t.Fatalf("media id %q", mediaID)
	}
	// The list carries the same form on the wire.
	q := "?begin_date=2025-06-29&end_date=2025-06-30"
	if r := tc.do(t, http.MethodGet, "/v3/global/merchant-service/complaints"+q, nil); !strings.Contains(string(r.body), `"media_url":["`+mediaURL+`"]`) {
		t.Errorf("list does not carry %s: %s", mediaURL, r.body)
	}
	global := "/v3/global/merchant-service/images/" + mediaID
	for _, tt := range []struct {
		name, target string
		status       int
		code         string
	}{
		{"no complaint_id", global, 400, "PARAM_ERROR"},
		{"empty complaint_id", global + "?complaint_id=", 400, "PARAM_ERROR"},
		{"unknown complaint", global + "?complaint_id=200201820250101000000000000", 404, "RESOURCE_NOT_EXISTS"},
		{"another complaint's image", global + "?complaint_id=" + other.ComplaintID, 404, "RESOURCE_NOT_EXISTS"},
		{"extra query", global + "?complaint_id=" + c.ComplaintID + "&mch_language=EN", 400, "PARAM_ERROR"},
		{"mainland form with a query", u.EscapedPath() + "?complaint_id=" + c.ComplaintID, 400, "PARAM_ERROR"},
		{"decoded id", strings.NewReplacer("%2F", "/", "%3D", "=").Replace(global) + "?complaint_id=" + c.ComplaintID, 404, "RESOURCE_NOT_EXISTS"},
		{"unknown image on the mainland form", "/v3/merchant-service/images/NOPE.png", 404, "RESOURCE_NOT_EXISTS"},
	} {
		r := tc.do(t, http.MethodGet, tt.target, nil)
		if r.status != tt.status || r.errCode(t) != tt.code {
			t.Errorf("%s: %d %s, want %d %s", tt.name, r.status, r.body, tt.status, tt.code)
		}
	}
	for name, target := range map[string]string{
		"global path":  global + "?complaint_id=" + c.ComplaintID,
		"mainland URL": u.RequestURI(),
	} {
		r := tc.do(t, http.MethodGet, target, nil)
		if r.status != 200 || !bytes.Equal(r.body, SamplePNG()) || r.header.Get("Wechatpay-Signature") != "" {
			t.Errorf("%s: %d, signed %v", name, r.status, r.header.Get("Wechatpay-Signature") != "")
		}
	}
	// An uploaded image belongs to the complaint once a reply used it.
	up := tc.upload(t, "/v3/global/merchant-service", "proof.png", SamplePNG(), "")
	var media struct {
		MediaID string `json:"media_id"`
	}
	up.json(t, &media)
	target := "/v3/global/merchant-service/images/" + media.MediaID + "?complaint_id=" + other.ComplaintID
	if r := tc.do(t, http.MethodGet, target, nil); r.status != 404 {
		t.Errorf("unused upload: %d", r.status)
	}
	reply := map[string]any{"complainted_mchid": s.MchID(), "response_content": "Refund arranged.", "response_images": []string{media.MediaID}}
	if r := tc.do(t, http.MethodPost, "/v3/global/merchant-service/complaints/"+other.ComplaintID+"/response", reply); r.status != 204 {
		t.Fatalf("reply: %d %s", r.status, r.body)
	}
	if r := tc.do(t, http.MethodGet, target, nil); r.status != 200 || !bytes.Equal(r.body, SamplePNG()) {
		t.Errorf("replied image: %d %s", r.status, r.body)
	}
	// A mainland server has no global path.
	m, _ := fixedServer(t)
	mc := m.AddComplaint(m.SampleComplaint(0))
	mu, _ := url.Parse(mc.ComplaintMediaList[0].MediaURL[0])
	if r := newTClient(m).do(t, http.MethodGet, "/v3/global/merchant-service/images/"+strings.TrimPrefix(mu.EscapedPath(), "/v3/merchant-service/images/")+"?complaint_id="+mc.ComplaintID, nil); r.status != 404 {
		t.Errorf("global path on mainland: %d", r.status)
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
