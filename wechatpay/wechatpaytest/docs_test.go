package wechatpaytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/wechatpay"
)

// These tests hold the server to the JSON examples of WeChat's documentation
// (testdata/docs; README.md there names the source of every file). Requests
// are decoded into the server's own structs and responses are compared key by
// key with the examples, so a tag the server gets wrong fails here whatever
// package wechatpay does.

func readDoc(t *testing.T, name string) ([]byte, any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b, v
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return v
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// shapeDiff lists where got differs from the documented want in keys and JSON
// types: a documented key missing (unless subset), an undocumented key, a
// different type. Every element of an array is held to the documented first
// element.
func shapeDiff(path string, want, got any, subset bool) []string {
	if jsonKind(want) != jsonKind(got) {
		return []string{fmt.Sprintf("%s: %s, documented %s", path, jsonKind(got), jsonKind(want))}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		var keys []string
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv, inDoc := w[k]
			gv, sent := g[k]
			switch {
			case !sent && !subset:
				out = append(out, path+"."+k+": documented, not sent")
			case !inDoc:
				out = append(out, path+"."+k+": sent, not documented")
			case sent:
				out = append(out, shapeDiff(path+"."+k, wv, gv, subset)...)
			}
		}
	case []any:
		g := got.([]any)
		if len(w) > 0 && len(g) == 0 && !subset {
			out = append(out, path+": empty, documented with elements")
		}
		for i, e := range g {
			if len(w) > 0 {
				out = append(out, shapeDiff(fmt.Sprintf("%s[%d]", path, i), w[0], e, subset)...)
			}
		}
	}
	return out
}

func mustMatchShape(t *testing.T, name string, want, got any) {
	t.Helper()
	for _, d := range shapeDiff("", want, got, false) {
		t.Errorf("%s: %s", name, d)
	}
}

// mustEqualDoc requires got to be the documented value exactly (after the
// shape check, so a failure says which key or type is wrong first).
func mustEqualDoc(t *testing.T, name string, want, got any) {
	t.Helper()
	mustMatchShape(t, name, want, got)
	if !reflect.DeepEqual(want, got) {
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		t.Errorf("%s: values differ\n got %s\nwant %s", name, g, w)
	}
}

func TestDocumentedRequestsDecode(t *testing.T) {
	for _, tt := range []struct {
		file     string
		into     func() any
		required []string
	}{
		{"request_response_mainland.json", func() any { return new(mainlandReplyBody) }, replyRequired},
		{"request_response_global.json", func() any { return new(replyBody) }, replyRequired},
		{"request_complete.json", func() any { return new(completeBody) }, completeRequired},
		{"request_update_refund_progress.json", func() any { return new(refundProgressBody) }, refundRequired},
		{"request_response_immediate_service.json", func() any { return new(immediateServiceBody) }, immediateRequired},
		{"request_complaint_notifications.json", func() any { return new(notificationURLRequest) }, notifyURLRequired},
		{"request_image_meta.json", func() any { return new(imageMeta) }, metaRequired},
	} {
		t.Run(tt.file, func(t *testing.T) {
			raw, doc := readDoc(t, tt.file)
			v := tt.into()
			if bad := decodeStrict(raw, v, tt.required); bad != nil {
				t.Fatalf("documented request refused: %s", bad.body)
			}
			again, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			mustEqualDoc(t, tt.file, doc, jsonValue(t, again))
		})
	}
	// The mainland reply's mini program link is not part of the global reply.
	raw, _ := readDoc(t, "request_response_mainland.json")
	bad := decodeStrict(raw, new(replyBody), replyRequired)
	if bad == nil || bad.status != 400 || !strings.Contains(string(bad.body), `"field":"mini_program_jump_info"`) {
		t.Errorf("global reply accepted mini_program_jump_info: %+v", bad)
	}
}

// docTime and friends are the documented example values, for seeding.
var (
	docComplaintTime = time.Date(2015, 5, 20, 13, 29, 35, 120e6, cntime.Zone)
	docSecondTime    = time.Date(2015, 5, 20, 13, 29, 35, 0, cntime.Zone)
)

const (
	docMediaURL = "https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx"
	docListKey  = "Qe41VhP/sGdNeTHMQGlxCWiUyHu6XNO9GCYln2Luv4HhwJzZBfcL12sB+PgZcS5NhePBog30NgJ1xRaK+gbGDKwpg=="
	docMchID    = "1900012181"
)

// docComplaint is the documented complaint as a seeded model value. The
// region decides which of its fields are sent.
func docComplaint(payerPhone, openID string) wechatpay.Complaint {
	return wechatpay.Complaint{
		ComplaintID:      "200201820200101080076610000",
		ComplaintTime:    docComplaintTime,
		ComplaintDetail:  "反馈一个重复扣费的问题",
		ComplaintState:   "PENDING",
		ComplaintedMchID: docMchID,
		PayerPhone:       payerPhone,
		PayerOpenID:      openID,
		ComplaintOrderInfo: []wechatpay.ComplaintOrder{{
			TransactionID:            "4200000404201909069117582536",
			OutTradeNo:               "20190906154617947762231",
			Amount:                   3,
			SettlementAmount:         1000,
			SettlementRefundedAmount: 0,
			SettlementCurrency:       "HKD",
			PayerAmount:              922,
			PayerRefundedAmount:      0,
			PayerCurrency:            "CNY",
			TradeTime:                docComplaintTime,
		}},
		ServiceOrderInfo:   []wechatpay.ServiceOrder{{OrderID: "15646546545165651651", OutOrderNo: "1234323JKHDFE1243252", State: "DOING"}},
		ComplaintMediaList: wechatpay.MediaList{{MediaType: "USER_COMPLAINT_IMAGE", MediaURL: []string{docMediaURL}}},
		ProblemDescription: "不满意商家服务",
		UserComplaintTimes: 1,
		ProblemType:        "REFUND",
		ApplyRefundAmount:  10,
		UserTagList:        []wechatpay.UserTag{"TRUSTED"},
		AdditionalInfo: &wechatpay.AdditionalInfo{
			Type: "SHARE_POWER_TYPE",
			SharePowerInfo: &wechatpay.SharePowerInfo{
				ReturnTime: docSecondTime,
				ReturnAddressInfo: &wechatpay.ReturnAddressInfo{
					ReturnAddress: "广东省深圳市南山区海天二路南山区后海腾讯滨海大厦(海天二路西)",
					Longitude:     "113.93535488533665",
					Latitude:      "22.52305518747831",
				},
			},
		},
		InPlatformService:    true,
		NeedImmediateService: true,
		IsOverdue:            true,
		Priority:             "PRIORITY",
		ComplaintDetailTrans: "不满意商家服务",
	}
}

// docHistory is the documented history item as a seeded model value; its
// rich message is the immediate-service example's.
func docHistory(t *testing.T) wechatpay.NegotiationHistory {
	raw, _ := readDoc(t, "request_response_immediate_service.json")
	var req immediateServiceBody
	if bad := decodeStrict(raw, &req, immediateRequired); bad != nil {
		t.Fatalf("%s", bad.body)
	}
	return wechatpay.NegotiationHistory{
		LogID:                                    "300285320210322170000071077",
		Operator:                                 "投诉人",
		OperateTime:                              docComplaintTime,
		OperateType:                              "USER_CREATE_COMPLAINT",
		OperateDetails:                           "已与用户电话沟通解决",
		ImageList:                                []string{"https://qpic.cn/xxx"},
		ComplaintMediaList:                       wechatpay.MediaList{{MediaType: "USER_COMPLAINT_IMAGE", MediaURL: []string{docMediaURL}}},
		UserAppyPlatformServiceReason:            "商家响应不及时",
		UserAppyPlatformServiceReasonDescription: "一周前就提交咨询了，到现在商家还没理我",
		NormalMessage:                            messageFromWire(&req.Message),
		ClickMessage: &wechatpay.ClickMessage{
			MessageContent: json.RawMessage(`{"content":"example_content"}`),
			ActionID:       "example_action_id",
			ClickedLogID:   "300285320210322170000071077",
		},
	}
}

// pageOf checks a list or history page against its documented example: the
// page's keys and types, and its one item exactly.
func pageOf(t *testing.T, name string, r reply) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", name, r.status, r.body)
	}
	_, doc := readDoc(t, name)
	got := jsonValue(t, r.body)
	mustMatchShape(t, name, doc, got)
	items, _ := got.(map[string]any)["data"].([]any)
	if len(items) != 1 {
		t.Fatalf("%s: %d items", name, len(items))
	}
	mustEqualDoc(t, name+" data[0]", doc.(map[string]any)["data"].([]any)[0], items[0])
}

func TestDocumentedComplaintResponses(t *testing.T) {
	t.Run("mainland", func(t *testing.T) {
		s, _ := fixedServer(t)
		tc := newTClient(s)
		list := s.AddComplaint(docComplaint(docListKey, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"))
		pageOf(t, "response_complaints_mainland.json", tc.do(t, http.MethodGet, mainlandList+"?begin_date=2015-05-20&end_date=2015-05-20&limit=5", nil))

		// The detail example has its own payer_phone, and payer_openid.
		s.UpdateComplaint(list.ComplaintID, func(c *wechatpay.Complaint) { c.PayerPhone = "sGdNeTHMQGlxCWiUyHu6XNO9GCYln2Luv4HhwJzZBfcL12sB" })
		r := tc.do(t, http.MethodGet, mainlandList+"/"+list.ComplaintID, nil)
		_, doc := readDoc(t, "response_complaint_mainland.json")
		mustEqualDoc(t, "response_complaint_mainland.json", doc, jsonValue(t, r.body))

		s.AddComplaint(docComplaint(docListKey, ""), docHistory(t))
		pageOf(t, "response_history_mainland.json", tc.do(t, http.MethodGet, mainlandList+"/"+list.ComplaintID+"/negotiation-historys?limit=50", nil))
	})
	t.Run("global", func(t *testing.T) {
		s, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
		tc := newTClient(s)
		const base = "/v3/global/merchant-service/complaints"
		c := s.AddComplaint(docComplaint(docListKey, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), docHistory(t))
		pageOf(t, "response_complaints_global.json", tc.do(t, http.MethodGet, base+"?begin_date=2015-05-20&end_date=2015-05-20&limit=5&mch_language=ZH_CN", nil))
		r := tc.do(t, http.MethodGet, base+"/"+c.ComplaintID+"?mch_language=EN", nil)
		_, doc := readDoc(t, "response_complaint_global.json")
		mustEqualDoc(t, "response_complaint_global.json", doc, jsonValue(t, r.body))
		pageOf(t, "response_history_global.json", tc.do(t, http.MethodGet, base+"/"+c.ComplaintID+"/negotiation-historys?limit=50", nil))
	})
}

func TestDocumentedOtherResponses(t *testing.T) {
	for _, region := range []wechatpay.Region{wechatpay.RegionMainland, wechatpay.RegionGlobal} {
		t.Run(region.String(), func(t *testing.T) {
			s, _ := fixedServer(t, WithRegion(region), WithMchID(docMchID), WithKeyMode(CertificateMode))
			tc := newTClient(s)
			prefix, certs, upload := "/v3/merchant-service", "/v3/certificates", "response_images_upload_mainland.json"
			if region == wechatpay.RegionGlobal {
				prefix, certs, upload = "/v3/global/merchant-service", "/v3/global/certificates", "response_images_upload_global.json"
			}

			// The documented create request gets the documented answer, as do
			// query and update.
			raw, _ := readDoc(t, "request_complaint_notifications.json")
			_, doc := readDoc(t, "response_complaint_notifications.json")
			for _, m := range []string{http.MethodPost, http.MethodGet, http.MethodPut} {
				var body any
				if m != http.MethodGet {
					body = raw
				}
				r := tc.do(t, m, prefix+"/complaint-notifications", body)
				if r.status != http.StatusOK {
					t.Fatalf("%s: %d %s", m, r.status, r.body)
				}
				mustEqualDoc(t, m+" response_complaint_notifications.json", doc, jsonValue(t, r.body))
			}

			r := tc.upload(t, prefix, "image.png", SamplePNG(), "")
			_, doc = readDoc(t, upload)
			mustMatchShape(t, upload, doc, jsonValue(t, r.body))

			r = tc.do(t, http.MethodGet, certs, nil)
			_, doc = readDoc(t, "response_certificates.json")
			mustMatchShape(t, "response_certificates.json", doc, jsonValue(t, r.body))

			// Error bodies carry only documented keys.
			r = tc.do(t, http.MethodPost, prefix+"/complaint-notifications", map[string]string{"url": "http://shop.example/n"})
			_, doc = readDoc(t, "response_error.json")
			got := jsonValue(t, r.body)
			for _, d := range shapeDiff("", doc, got, true) {
				t.Errorf("error body: %s", d)
			}
			if e := got.(map[string]any); e["code"] != "PARAM_ERROR" || e["message"] == "" || e["detail"].(map[string]any)["field"] != "url" {
				t.Errorf("error body %s", r.body)
			}
		})
	}
	t.Run("immediate service", func(t *testing.T) {
		s, _ := fixedServer(t)
		tc := newTClient(s)
		c := s.AddComplaint(s.SampleComplaint(1))
		r := tc.do(t, http.MethodPost, mainlandList+"/"+c.ComplaintID+"/response-immediate-service", map[string]any{
			"complainted_mchid": s.MchID(), "idempotent_id": "550e8400-e29b-41d4-a716-446655440000",
			"message": map[string]any{"blocks": []any{map[string]any{"type": "TEXT", "text": map[string]any{"text": "您好"}}}},
		})
		_, doc := readDoc(t, "response_response_immediate_service.json")
		mustMatchShape(t, "response_response_immediate_service.json", doc, jsonValue(t, r.body))
	})
	t.Run("callback", func(t *testing.T) {
		s, _ := fixedServer(t)
		req, err := s.NewNotificationRequest("200201820200101080076610000", wechatpay.ActionUserResponse, WithEventID("1f5b9cd1-7205-58fe-827e-ee8b12bc8169"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		_, doc := readDoc(t, "callback_complaint.json")
		mustMatchShape(t, "callback_complaint.json", doc, jsonValue(t, b))
	})
}
