package wechatpay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

func BenchmarkSignRequest(b *testing.B) {
	creds := testCreds(b)
	body := []byte(`{"complainted_mchid":"1900012181","response_content":"已为您退款"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := authorization(creds.PrivateKey, testMchID, testCertSerial, "POST",
			"/v3/merchant-service/complaints-v2/200201820200101080076610000/response", 1748750400, "593BEC0C930BF1AFEB40B4A08C8FB242", body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNonce(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newNonce(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallback is the whole callback path: header checks, key lookup,
// RSA verify over the raw body, envelope decode, GCM open, plaintext decode.
func BenchmarkCallback(b *testing.B) {
	c := pubKeyClient(b, newMock(b, "", pubKeySigner()))
	h, body := callback{action: "USER_RESPONSE", complaintID: "200201820200101080076610000"}.build(b)
	r := NewReceiver(c)
	ctx := b.Context()
	d := &complaint.Delivery{Method: http.MethodPost, Header: h, Body: body}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := r.Receive(ctx, d)
		if err != nil || len(ev) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallbackStdJSON is BenchmarkCallback with the hand-written
// scanner of fastjson.go out of the way: the same callback, with the first
// character of the envelope id and of the resource's complaint_id written as
// a \u escape (equal JSON), which the scanner declines at once, so
// encoding/json decodes the envelope and the resource.
func BenchmarkCallbackStdJSON(b *testing.B) {
	c := pubKeyClient(b, newMock(b, "", pubKeySigner()))
	h, body := callback{action: "USER_RESPONSE", complaintID: "200201820200101080076610000",
		signedEdit: func(b []byte) []byte { return bytes.Replace(b, []byte(`"id":"1`), []byte(`"id":"\u0031`), 1) },
		editPlain: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"complaint_id":"2`), []byte(`"complaint_id":"\u0032`), 1)
		},
	}.build(b)
	var n Notification
	var v envelopeView
	if fastEnvelope(body, &n, &v) {
		b.Fatal("the scanner took the escaped envelope")
	}
	r := NewReceiver(c)
	ctx := b.Context()
	d := &complaint.Delivery{Method: http.MethodPost, Header: h, Body: body}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := r.Receive(ctx, d)
		if err != nil || len(ev) != 1 || ev[0].Ref.ID != "200201820200101080076610000" {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallbackBareCrypto is the floor: the same RSA verify and GCM open
// with the standard library and nothing else (no JSON, no checks).
func BenchmarkCallbackBareCrypto(b *testing.B) {
	h, body := callback{action: "USER_RESPONSE", complaintID: "200201820200101080076610000"}.build(b)
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		b.Fatal(err)
	}
	sig, _ := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	msg := []byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n")
	ct, _ := base64.StdEncoding.DecodeString(n.Resource.Ciphertext)
	block, _ := aes.NewCipher([]byte(testAPIv3Key))
	gcm, _ := cipher.NewGCM(block)
	nonce, aad := []byte(n.Resource.Nonce), []byte(n.Resource.AssociatedData)
	pub := &pubKey.PublicKey
	dst := make([]byte, 0, len(ct))
	b.ReportAllocs()
	for b.Loop() {
		d := sha256.Sum256(msg)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
			b.Fatal(err)
		}
		if _, err := gcm.Open(dst[:0], nonce, ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}

// The page benchmarks decode one realistic 50-item complaints-v2 page: every
// item has a payer_phone ciphertext (344 Base64 characters, as RSA-2048 OAEP
// gives), one or two orders, a media list of one to three URLs with ids in the
// form WeChat uses (percent-encoded, about 110 characters) and, on some items,
// a second media group, service orders, additional_info and user tags.
// BenchmarkPageDecodeFloor is the floor: encoding/json into a struct with the
// same fields as plain string, int64, bool, []string and time.Time, no custom
// unmarshalers, from the same bytes.

type floorMedia struct {
	MediaType string   `json:"media_type"`
	MediaURL  []string `json:"media_url"`
}
type floorOrder struct {
	TransactionID            string    `json:"transaction_id"`
	OutTradeNo               string    `json:"out_trade_no"`
	Amount                   int64     `json:"amount,omitempty"`
	SettlementAmount         int64     `json:"settlement_amount,omitempty"`
	SettlementRefundedAmount int64     `json:"settlement_refunded_amount,omitempty"`
	SettlementCurrency       string    `json:"settlement_currency,omitempty"`
	PayerAmount              int64     `json:"payer_amount,omitempty"`
	PayerRefundedAmount      int64     `json:"payer_refunded_amount,omitempty"`
	PayerCurrency            string    `json:"payer_currency,omitempty"`
	TradeTime                time.Time `json:"trade_time,omitzero"`
}
type floorServiceOrder struct {
	OrderID    string `json:"order_id"`
	OutOrderNo string `json:"out_order_no"`
	State      string `json:"state"`
}
type floorShare struct {
	ReturnTime        time.Time `json:"return_time,omitzero"`
	ReturnAddressInfo *struct {
		ReturnAddress string `json:"return_address,omitempty"`
		Longitude     string `json:"longitude,omitempty"`
		Latitude      string `json:"latitude,omitempty"`
	} `json:"return_address_info,omitempty"`
	IsReturnedToSameMachine bool `json:"is_returned_to_same_machine"`
}
type floorComplaint struct {
	ComplaintID           string              `json:"complaint_id"`
	ComplaintTime         time.Time           `json:"complaint_time"`
	ComplaintDetail       string              `json:"complaint_detail"`
	ComplaintState        string              `json:"complaint_state"`
	ComplaintedMchID      string              `json:"complainted_mchid"`
	ComplaintFullRefunded bool                `json:"complaint_full_refunded"`
	IncomingUserResponse  bool                `json:"incoming_user_response"`
	ProblemDescription    string              `json:"problem_description,omitempty"`
	UserComplaintTimes    int                 `json:"user_complaint_times"`
	PayerPhone            string              `json:"payer_phone,omitempty"`
	PayerOpenID           string              `json:"payer_openid,omitempty"`
	ComplaintOrderInfo    []floorOrder        `json:"complaint_order_info,omitempty"`
	ServiceOrderInfo      []floorServiceOrder `json:"service_order_info,omitempty"`
	ComplaintMediaList    []floorMedia        `json:"complaint_media_list,omitempty"`
	ProblemType           string              `json:"problem_type,omitempty"`
	ApplyRefundAmount     int64               `json:"apply_refund_amount,omitempty"`
	UserTagList           []string            `json:"user_tag_list,omitempty"`
	AdditionalInfo        *struct {
		Type           string      `json:"type"`
		SharePowerInfo *floorShare `json:"share_power_info,omitempty"`
	} `json:"additional_info,omitempty"`
	InPlatformService    bool   `json:"in_platform_service,omitempty"`
	NeedImmediateService bool   `json:"need_immediate_service,omitempty"`
	IsAgentMode          bool   `json:"is_agent_mode,omitempty"`
	IsOverdue            bool   `json:"is_overdue,omitempty"`
	Priority             string `json:"priority,omitempty"`
	ComplaintDetailTrans string `json:"complaint_detail_trans,omitempty"`
}
type floorPage struct {
	Data       []floorComplaint `json:"data"`
	Limit      int              `json:"limit"`
	Offset     int              `json:"offset"`
	TotalCount int              `json:"total_count"`
}

// benchPage builds an n-item complaints-v2 page (see above).
func benchPage(n int) []byte {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	details := []string{"商家未发货，申请退款", "充电宝归还后仍在扣费，请尽快处理，谢谢", "重复扣款两次，客服电话打不通，已经等了三天了，希望尽快退款，否则继续投诉", "服务未生效"}
	var items []string
	for i := range n {
		var ph strings.Builder
		for j := range 344 {
			ph.WriteByte(b64[(i*31+j*7)%64])
		}
		orders := fmt.Sprintf(`{"transaction_id":"42000012%020d","out_trade_no":"20250520%012d","amount":%d}`, i, i, 100+i*37)
		if i%3 == 0 {
			orders += fmt.Sprintf(`,{"transaction_id":"42000013%020d","out_trade_no":"20250521%012d","amount":%d}`, i, i, 990)
		}
		var urls []string
		for k := range 1 + i%3 {
			urls = append(urls, fmt.Sprintf(`"https://api.mch.weixin.qq.com/v3/merchant-service/images/ChsyMDAyMDgwMjAyMjAyMTgxMTA0NDEzMTEwMzASGzMwMDIwMDAyMDIy%04d%dMDIxODE1MDQ0MTcwOTI5NhgAIO%%2FFR1pAGKAMwAjgB"`, i, k))
		}
		media := `{"media_type":"USER_COMPLAINT_IMAGE","media_url":[` + strings.Join(urls, ",") + `]}`
		if i%4 == 0 {
			media += `,{"media_type":"OPERATION_IMAGE","media_url":["https://api.mch.weixin.qq.com/v3/merchant-service/images/op` + fmt.Sprint(i) + `.jpg"]}`
		}
		extra := ""
		if i%5 == 0 {
			extra += fmt.Sprintf(`,"service_order_info":[{"order_id":"1564654654516%05d","out_order_no":"1234323JKHDFE%05d","state":"DOING"}]`, i, i)
		}
		if i%10 == 0 {
			extra += `,"additional_info":{"type":"SHARE_POWER_TYPE","share_power_info":{"return_time":"2025-05-19T14:44:14+08:00","return_address_info":{"return_address":"广东省深圳市南山区海天一路","longitude":"113.941","latitude":"22.528"},"is_returned_to_same_machine":false}}`
		}
		if i%2 == 0 {
			extra += `,"user_tag_list":["TRUSTED"]`
		}
		problem := []string{"REFUND", "SERVICE_NOT_WORK", "OTHERS"}[i%3]
		items = append(items, fmt.Sprintf(`{"complaint_id":"2002018202505200800766%05d","complaint_time":"2025-05-20T13:%02d:35.120+08:00","complaint_detail":%q,"complaint_state":"%s","complainted_mchid":"1900012181","complaint_full_refunded":%t,"incoming_user_response":%t,"problem_description":"不满意商家服务","user_complaint_times":%d,"payer_phone":"%s","complaint_order_info":[%s],"complaint_media_list":[%s],"problem_type":"%s","apply_refund_amount":%d%s,"in_platform_service":%t,"need_immediate_service":%t,"is_agent_mode":false}`,
			i, i%60, details[i%len(details)], []string{"PENDING", "PROCESSING", "PROCESSED"}[i%3], i%7 == 0, i%2 == 1, 1+i%3, ph.String(), orders, media, problem, 100+i, extra, i%9 == 0, i%11 == 0))
	}
	return []byte(fmt.Sprintf(`{"data":[%s],"limit":%d,"offset":0,"total_count":%d}`, strings.Join(items, ","), n, n))
}

func BenchmarkPageDecodeFloor(b *testing.B) {
	body := benchPage(50)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p floorPage
		if err := json.Unmarshal(body, &p); err != nil || len(p.Data) != 50 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPageDecode is what ListComplaints does with the body it received.
func BenchmarkPageDecode(b *testing.B) {
	body := benchPage(50)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodeComplaintList(body, 50)
		if err != nil || len(p.Data) != 50 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPageDecodeConvert decodes the page and converts every item to the
// common model, as Source().List does.
func BenchmarkPageDecodeConvert(b *testing.B) {
	body := benchPage(50)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodeComplaintList(body, 50)
		if err != nil {
			b.Fatal(err)
		}
		for i := range p.Data {
			if p.Data[i].ToComplaint() == nil {
				b.Fatal("nil")
			}
		}
	}
}

// BenchmarkPageDecodeLenient is the slow path: the same page with one empty
// trade_time, so the plain decode fails and the page is regularised and
// decoded again.
func BenchmarkPageDecodeLenient(b *testing.B) {
	body := bytes.Replace(benchPage(50), []byte(`"amount":990}`), []byte(`"amount":990,"trade_time":""}`), 1)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodeComplaintList(body, 50)
		if err != nil || len(p.Data) != 50 {
			b.Fatal(err)
		}
	}
}

// discardWriter is the cheapest http.ResponseWriter, so the benchmark below
// measures the handler rather than httptest's recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(s int)           { w.status = s }

// BenchmarkHandlerCallback is a callback through complaint.NewHandler, as a
// merchant's server runs it: bounded body read, the receiver's verify, decrypt
// and decode, the de-duplication claim, the sink and the acknowledgement.
// Compare with BenchmarkCallbackBareCrypto.
func BenchmarkHandlerCallback(b *testing.B) {
	c := pubKeyClient(b, newMock(b, "", pubKeySigner()))
	const n = 512
	hdrs := make([]http.Header, n)
	bodies := make([][]byte, n)
	for i := range n {
		hdrs[i], bodies[i] = callback{id: fmt.Sprintf("1f5b9cd1-7205-58fe-827e-%012d", i),
			action: "USER_RESPONSE", complaintID: "200201820200101080076610000"}.build(b)
	}
	h := complaint.NewHandler(NewReceiver(c), complaint.SinkFunc(func(context.Context, *complaint.Event) error { return nil }))
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := bodies[i%n]
		r := &http.Request{Method: http.MethodPost, Header: hdrs[i%n], ContentLength: int64(len(body)),
			Body: io.NopCloser(bytes.NewReader(body))}
		h.ServeHTTP(w, r.WithContext(b.Context()))
		if w.status != http.StatusOK && w.status != http.StatusNoContent {
			b.Fatalf("status %d", w.status)
		}
	}
}
