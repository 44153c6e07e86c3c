package wechatpay_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// In real code the keys come from files:
//
//	key, err := wechatpay.LoadPrivateKey(apiclientKeyPEM)      // apiclient_key.pem
//	pub, err := wechatpay.LoadPublicKey(wechatpayPublicKeyPEM) // pub_key.pem
//
// The examples generate throwaway keys instead.
var (
	merchantKey, _  = rsa.GenerateKey(rand.Reader, 2048)
	wechatPayKey, _ = rsa.GenerateKey(rand.Reader, 2048)
)

const pubKeyID = "PUB_KEY_ID_0114232134912410000000000000000001"

func credentials() wechatpay.Credentials {
	key, err := signing.NewRSAPrivateKey(merchantKey)
	if err != nil {
		log.Fatal(err)
	}
	return wechatpay.Credentials{
		MchID:      "1900000001",
		CertSerial: "3775B6A45ACD588826D15E583A95F5DD12345678",
		PrivateKey: key,
		APIv3Key:   signing.NewSecret("0123456789abcdefghijABCDEFGHIJ01"),
	}
}

func ExampleNewClient() {
	// Public-key mode (merchants registered since late 2024 have no platform
	// certificates). Nothing is downloaded at construction.
	client, err := wechatpay.NewClient(credentials(),
		wechatpay.WithPublicKey(pubKeyID, &wechatPayKey.PublicKey),
		option.WithTimeout(10*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.Region(), client.BaseURL())

	// The cross-border API on apihk, with platform certificates downloaded on
	// demand as well as the public key (the grey switch).
	global, err := wechatpay.NewClient(credentials(),
		wechatpay.WithEnvironment(wechatpay.Global),
		wechatpay.WithPublicKey(pubKeyID, &wechatPayKey.PublicKey),
		wechatpay.WithCertificateDownload(),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(global.Region(), global.BaseURL())

	// A client with no way to verify WeChat's signatures is refused.
	_, err = wechatpay.NewClient(credentials())
	fmt.Println(errors.Is(err, complaint.ErrInvalidRequest))
	// Output:
	// mainland https://api.mch.weixin.qq.com
	// global https://apihk.mch.weixin.qq.com
	// true
}

// The adapter sees WeChat's complaints as the common model: a half-open
// window, references that carry the complained merchant, replies by
// reference. Here against the fake server of wechatpaytest.
func ExampleClient_Adapter() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	now := time.Now().Truncate(time.Millisecond)
	for i, age := range []time.Duration{72 * time.Hour, 48 * time.Hour, 24 * time.Hour} {
		c := srv.SampleComplaint(i)
		c.ComplaintID = fmt.Sprintf("20020182025052008007661000%d", i)
		c.ComplaintTime = now.Add(-age)
		srv.AddComplaint(c)
	}
	client, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	src := client.Adapter()
	ctx := context.Background()

	// [3 days ago, 1 day ago): the complaint created exactly at Until is not listed.
	var first complaint.Ref
	for c, err := range src.List(ctx, complaint.ListOptions{Since: now.Add(-72 * time.Hour), Until: now.Add(-24 * time.Hour)}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.Ref(), c.State)
		first = c.Ref()
	}
	if err := src.Reply(ctx, first, complaint.Reply{Content: "您好，已为您安排退款。"}); err != nil {
		log.Fatal(err)
	}
	c, err := src.Get(ctx, first)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.ID, c.State)
	// Output:
	// wechatpay/1900000109/200201820250520080076610001 pending
	// wechatpay/1900000109/200201820250520080076610000 pending
	// 200201820250520080076610000 processing
}

// signedTransport stands in for WeChat Pay: it answers every list request
// with a page of complaints, signed with the WeChat Pay key.
type signedTransport struct{ total int }

func (s signedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	page := wechatpay.ListComplaintsResponse{Limit: limit, Offset: offset, TotalCount: s.total}
	for i := offset; i < min(offset+limit, s.total); i++ {
		page.Data = append(page.Data, wechatpay.Complaint{
			ComplaintID:    fmt.Sprintf("20020182020010108007661%04d", i),
			ComplaintTime:  time.Date(2025, 5, 20, 13, 29, 35, 0, time.FixedZone("CST", 8*3600)),
			ComplaintState: wechatpay.StatePending,
			ComplaintOrderInfo: []wechatpay.ComplaintOrder{{
				TransactionID: "4200000404201909069117582536", OutTradeNo: "A" + strconv.Itoa(i), Amount: int64(100 * (i + 1)),
			}},
		})
	}
	body, _ := json.Marshal(page)
	h := http.Header{"Content-Type": {"application/json"}}
	signResponse(h, body)
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

func signResponse(h http.Header, body []byte) {
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
	d := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + string(body) + "\n"))
	sig, _ := rsa.SignPKCS1v15(nil, wechatPayKey, crypto.SHA256, d[:])
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", pubKeyID)
	h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
}

func ExampleClient_AllComplaints() {
	client, err := wechatpay.NewClient(credentials(),
		wechatpay.WithPublicKey(pubKeyID, &wechatPayKey.PublicKey),
		option.WithTransport(signedTransport{total: 3}), // omit in real code
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	end := time.Date(2025, 5, 31, 0, 0, 0, 0, time.UTC)
	req := &wechatpay.ListComplaintsRequest{BeginDate: end.AddDate(0, 0, -30), EndDate: end, Limit: 2}
	// The iterator pages (two requests here) and stops at the first error.
	for c, err := range client.AllComplaints(ctx, req) {
		if err != nil {
			log.Fatal(err)
		}
		common := c.ToComplaint()
		fmt.Println(c.ComplaintID, common.State, common.Amount.Amount, "fen")
	}
	// Output:
	// 200201820200101080076610000 pending 100 fen
	// 200201820200101080076610001 pending 200 fen
	// 200201820200101080076610002 pending 300 fen
}

// complaintCallback builds what WeChat POSTs to the notification URL.
func complaintCallback(id, complaintID string, action wechatpay.ActionType) *http.Request {
	aead, _ := signing.NewAESGCM([]byte("0123456789abcdefghijABCDEFGHIJ01"))
	pt, _ := json.Marshal(wechatpay.NotificationResource{ComplaintID: complaintID, ActionType: action})
	ct, _ := aead.Seal(nil, []byte("lgSUQQVhgMrq"), pt, []byte("complaint"))
	body, _ := json.Marshal(wechatpay.Notification{
		ID: id, CreateTime: time.Now(), EventType: wechatpay.EventComplaintStateChange, ResourceType: "encrypt-resource",
		Summary: "投诉状态变更",
		Resource: wechatpay.EncryptedResource{OriginalType: "complaint", Algorithm: wechatpay.AlgorithmAEADAES256GCM,
			Ciphertext: base64.StdEncoding.EncodeToString(ct), AssociatedData: "complaint", Nonce: "lgSUQQVhgMrq"},
	})
	r := httptest.NewRequest(http.MethodPost, "/notify/wechatpay", bytes.NewReader(body))
	signResponse(r.Header, body)
	return r
}

func ExampleNewReceiver() {
	client, err := wechatpay.NewClient(credentials(), wechatpay.WithPublicKey(pubKeyID, &wechatPayKey.PublicKey))
	if err != nil {
		log.Fatal(err)
	}
	sink := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
		fmt.Println("event:", e.Kind, e.ProviderKind, e.Ref)
		return nil // enqueue and return: WeChat wants an answer within seconds
	})
	// In production also pass complaint.WithEnrichment(client.Adapter()) to have
	// the handler fetch the complaint detail before the sink runs.
	handler := complaint.NewHandler(wechatpay.NewReceiver(client), sink)
	// http.Handle("/notify/wechatpay", handler)

	deliveries := []*http.Request{
		complaintCallback("1f5b9cd1-7205-58fe-827e-ee8b12bc8169", "200201820200101080076610000", wechatpay.ActionUserResponse),
		complaintCallback("1f5b9cd1-7205-58fe-827e-ee8b12bc8169", "200201820200101080076610000", wechatpay.ActionUserResponse), // redelivery
	}
	probe := complaintCallback("probe", "x", wechatpay.ActionUserResponse)
	probe.Header.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/"+probe.Header.Get("Wechatpay-Signature"))
	deliveries = append(deliveries, probe)

	for _, r := range deliveries {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, r)
		fmt.Println(strings.TrimSpace(strconv.Itoa(rec.Code) + " " + rec.Body.String()))
	}
	// Output:
	// event: user_message USER_RESPONSE wechatpay/200201820200101080076610000
	// 200
	// 200
	// 401 {"code":"FAIL","message":"signature verification failed"}
}

func ExampleClient_ParseNotification() {
	client, err := wechatpay.NewClient(credentials(), wechatpay.WithPublicKey(pubKeyID, &wechatPayKey.PublicKey))
	if err != nil {
		log.Fatal(err)
	}
	// Inside your own handler, with any framework that gives you the
	// *http.Request untouched:
	n, err := client.ParseNotification(complaintCallback("evt-1", "200201820200101080076610000", wechatpay.ActionMerchantConfirmComplete))
	if err != nil {
		// answer 401/400 with {"code":"FAIL",...}; errors.Is(err, complaint.ErrSignatureInvalid) etc.
		log.Fatal(err)
	}
	fmt.Println(n.ID, n.EventType, n.Decrypted.ComplaintID, n.Decrypted.ActionType)
	// Output:
	// evt-1 COMPLAINT.STATE_CHANGE 200201820200101080076610000 MERCHANT_CONFIRM_COMPLETE
}
