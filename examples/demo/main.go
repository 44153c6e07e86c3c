// Command demo shows tousu working end to end, offline: the shared signers,
// then WeChat Pay and PAYJS complaints read through one common model from the
// in-process fake servers (wechatpaytest, payjstest), answered, and pushed as
// callbacks into complaint.NewHandler, which verifies, de-duplicates and
// dispatches them. Run it with:
//
//	go run ./examples/demo
package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	fmt.Fprintln(out, "tousu demo: everything below runs offline against in-process fake providers")
	ctx := context.Background()
	if err := demoSigning(out); err != nil {
		return err
	}
	if err := demoWeChatPay(ctx, out); err != nil {
		return fmt.Errorf("wechatpay: %w", err)
	}
	if err := demoPAYJS(ctx, out); err != nil {
		return fmt.Errorf("payjs: %w", err)
	}
	fmt.Fprintln(out, "\ndone")
	return nil
}

// printComplaint shows the common model; the buyer's phone prints masked.
func printComplaint(out io.Writer, c *complaint.Complaint) {
	content := []rune(c.Content)
	if len(content) > 18 {
		content = append(content[:18], '…')
	}
	fmt.Fprintf(out, "  %-9s %-28s %-10s ¥%d.%02d  %s  %v\n", c.Provider, c.ID, c.State,
		c.Amount.Amount/100, c.Amount.Amount%100, string(content), c.Contact)
}

// post sends a request to a handler in process and returns the status.
func post(h http.Handler, req *http.Request) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// demoSigning signs the same kind of data the four providers sign.
func demoSigning(out io.Writer) error {
	fmt.Fprintln(out, "\n== signing")

	// PAYJS: PHP array_filter semantics, ksort, raw values, &key=, upper-case MD5.
	payjs := signing.MD5Signer{
		Rule:   signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitPHPFalsy, Placement: signing.KeyAppend},
		Secret: signing.NewSecret("demo-key"),
		Case:   signing.Upper,
	}
	params := []signing.Param{{Key: "mchid", Value: "123456"}, {Key: "total_fee", Value: "1000000"},
		{Key: "body", Value: "测试 订单"}, {Key: "attach", Value: ""}, {Key: "auto", Value: "0"}}
	sig := payjs.Sign(params)
	fmt.Fprintf(out, "PAYJS MD5 (attach=\"\" and auto=0 dropped, body signed raw): %s\n", sig)
	if err := payjs.Verify(params, sig); err != nil {
		return fmt.Errorf("payjs verify: %w", err)
	}

	// Allinpay: sorted non-empty pairs, SHA1withRSA, and SM3withSM2 with the appid as user id.
	allinpay := signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}
	msg := allinpay.Build(signing.ParamsFromMap(map[string]string{
		"appid": "00000051", "cusid": "990581007426001", "randomstr": "82712208", "signtype": "RSA",
		"trxid": "112094120001088317", "version": "11", "orgid": "",
	}), nil)
	fmt.Fprintf(out, "Allinpay string to sign: %s\n", msg)
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	key, err := signing.NewRSAPrivateKey(rk)
	if err != nil {
		return err
	}
	rsaSig, err := signing.SignRSABase64(key, crypto.SHA1, msg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Allinpay RSA-SHA1 signature verifies: %v (key prints as %v)\n",
		signing.VerifyRSABase64(key.Public(), crypto.SHA1, msg, rsaSig) == nil, key)
	sm2Key, err := sm2.GenerateKey(nil)
	if err != nil {
		return err
	}
	sm2Sig, err := sm2.Sign(sm2Key, []byte("00000051"), msg, sm2.Raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Allinpay SM2 signature: %d bytes r||s; verifies with the appid: %v, with the default id: %v\n",
		len(sm2Sig),
		sm2.Verify(sm2Key.Public(), []byte("00000051"), msg, sm2Sig, sm2.Raw) == nil,
		sm2.Verify(sm2Key.Public(), sm2.DefaultUID, msg, sm2Sig, sm2.Raw) == nil)

	// WeChat Pay callbacks: AES-256-GCM with the 32-byte APIv3 key; bad input is an error, not a panic.
	gcm, err := signing.NewAESGCM([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		return err
	}
	ct, err := gcm.Seal(nil, []byte("lgSUQQVhgMrq"), []byte(`{"complaint_id":"200201820200101080076610000","action_type":"CREATE_COMPLAINT"}`), []byte("complaint"))
	if err != nil {
		return err
	}
	pt, err := gcm.Open(nil, []byte("lgSUQQVhgMrq"), ct, []byte("complaint"))
	if err != nil {
		return err
	}
	_, badNonce := gcm.Open(nil, []byte("short"), ct, []byte("complaint"))
	fmt.Fprintf(out, "WeChat AES-GCM opened: %s; a 5-byte nonce gives: %v\n", pt, badNonce)
	return nil
}

// demoWeChatPay lists, answers and receives WeChat Pay complaints.
func demoWeChatPay(ctx context.Context, out io.Writer) error {
	fmt.Fprintln(out, "\n== WeChat Pay (wechatpaytest: public-key mode, signed responses, encrypted callbacks)")
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	seeded := srv.Seed(3)
	client, err := wechatpay.NewClient(srv.Credentials(), append(srv.ClientOptions(), wechatpay.WithPayerPhoneDecryption())...)
	if err != nil {
		return err
	}
	defer client.Close()

	// One typed API: the adapter is a complaint.Source and a complaint.Responder.
	adapter := client.Adapter()
	var src complaint.Source = adapter
	var resp complaint.Responder = adapter
	fmt.Fprintln(out, "complaints of the last 30 days, in the common model (payer_phone decrypted, printed masked):")
	for c, err := range src.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			return err
		}
		printComplaint(out, c)
	}

	// The merchant's callback endpoint: verify, dedupe, enrich, dispatch. The
	// sink holds the first delivery until released, to show a redelivery
	// arriving while it is still in flight.
	var dispatched []string
	hold, held := make(chan struct{}), make(chan struct{})
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		if len(dispatched) == 0 {
			close(held)
			<-hold
		}
		dispatched = append(dispatched, e.ID)
		state := "not fetched"
		if e.Complaint != nil {
			state = string(e.Complaint.State)
		}
		fmt.Fprintf(out, "  sink: %s (%s) for %s, complaint fetched by enrichment: state %s\n",
			e.Kind, e.ProviderKind, e.Ref, state)
		return nil
	})
	endpoint := complaint.NewHandler(wechatpay.NewReceiver(client), sink, complaint.WithEnrichment(src))

	ref := seeded[0].ToComplaint().Ref()
	srv.UserResponds(ref.ID, "请尽快处理，谢谢")
	const eventID = "5e1c0a4e-0d5c-5d8e-9f3a-2a4b6c8d0e1f"
	notification := func(opts ...wechatpaytest.NotifyOption) (*http.Request, error) {
		return srv.NewNotificationRequest(ref.ID, wechatpay.ActionUserResponse, opts...)
	}
	first, err := notification(wechatpaytest.WithEventID(eventID))
	if err != nil {
		return err
	}
	firstDone := make(chan int)
	go func() { firstDone <- post(endpoint, first) }()
	<-held
	again, err := notification(wechatpaytest.WithEventID(eventID))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-34s -> HTTP %d (WeChat will retry; success now could lose the event)\n",
		"redelivery while the first runs", post(endpoint, again))
	close(hold)
	fmt.Fprintf(out, "%-34s -> HTTP %d\n", "user message callback", <-firstDone)
	deliveries := []struct {
		what string
		opts []wechatpaytest.NotifyOption
	}{
		{"the same callback again", []wechatpaytest.NotifyOption{wechatpaytest.WithEventID(eventID)}},
		{"probe signature", []wechatpaytest.NotifyOption{wechatpaytest.WithNotifyFault(wechatpaytest.FaultProbeSignature)}},
		{"5-byte GCM nonce", []wechatpaytest.NotifyOption{wechatpaytest.WithResourceNonce("short")}},
	}
	for _, d := range deliveries {
		req, err := notification(d.opts...)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-34s -> HTTP %d\n", d.what, post(endpoint, req))
	}
	oversize := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(strings.Repeat("x", 2<<20)))
	fmt.Fprintf(out, "%-34s -> HTTP %d\n", "2 MiB body", post(endpoint, oversize))
	if len(dispatched) != 1 {
		return fmt.Errorf("the sink ran %d times, want once", len(dispatched))
	}

	// Answer through the Responder, then read the history through the Source.
	// The complaint's Ref carries what WeChat needs to act on it.
	if err := resp.Reply(ctx, ref, complaint.Reply{Content: "您好，已为您办理退款，请留意到账。"}); err != nil {
		return err
	}
	if err := resp.Complete(ctx, ref, complaint.Completion{}); err != nil {
		return err
	}
	c, err := src.Get(ctx, ref)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "after reply and complete, %s is %s (%s); history:\n", ref, c.State, c.ProviderState)
	for e, err := range src.History(ctx, ref) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-9s %-16s %s\n", e.Actor, e.Kind, e.ProviderKind)
	}
	return nil
}

// demoPAYJS polls PAYJS complaints, refunds one, and receives payment
// notifications.
func demoPAYJS(ctx context.Context, out io.Writer) error {
	fmt.Fprintln(out, "\n== PAYJS (payjstest: PHP-exact MD5, poll-only complaints, 4-hour limit)")
	srv := payjstest.NewServer()
	defer srv.Close()
	order := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", OutTradeNo: "SHOP-1001",
		TotalFee: 1280000, Paid: true}) // ¥12,800: amounts of ¥10,000 and more break other Go SDKs
	srv.AddComplaint(payjstest.Complaint{ComplaintID: "PC20241111001", ComplaintAt: time.Now().Add(-time.Hour),
		OutTradeNo: order.OutTradeNo, OrderID: order.PayJSOrderID, TotalFee: order.TotalFee, Body: "付款后没有收到卡密"})

	client, err := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
	if err != nil {
		return err
	}
	adapter := client.Adapter()
	fmt.Fprintln(out, "polled complaints, in the same common model:")
	var refs []complaint.Ref
	for c, err := range adapter.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			return err
		}
		printComplaint(out, c)
		refs = append(refs, c.Ref()) // store it; it carries the order id a refund needs
	}
	for _, err := range adapter.List(ctx, complaint.ListOptions{}) {
		fmt.Fprintf(out, "polling again at once is refused locally: rate limited = %v\n", errors.Is(err, complaint.ErrRateLimited))
	}
	if len(refs) != 1 {
		return fmt.Errorf("listed %d complaints, want 1", len(refs))
	}
	// A new adapter (a restarted process) refunds from the stored reference alone.
	if err := client.Adapter().DecideRefund(ctx, refs[0], complaint.RefundDecision{Approve: true}); err != nil {
		return err
	}
	o, _ := srv.Order(order.PayJSOrderID)
	fmt.Fprintf(out, "approved the refund of %s: order refunded = %v\n", refs[0].OrderID, o.Refunded)
	r, err := client.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: order.PayJSOrderID})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "a repeated refund (PAYJS answers it unsigned) is confirmed by check: already refunded = %v\n", r.AlreadyRefunded)

	// Payment notifications are not complaint events: a typed path of their
	// own, with the same verification, de-duplication and answers.
	dispatched := 0
	endpoint := complaint.NewPaymentHandler(payjs.NewReceiver(client),
		complaint.PaymentSinkFunc[*payjs.Notification](func(_ context.Context, n *payjs.Notification) error {
			dispatched++
			fmt.Fprintf(out, "  payment sink: %s paid ¥%d.%02d\n", n.OutTradeNo, n.TotalFee/100, n.TotalFee%100)
			return nil
		}))
	form, err := srv.Notification(order.PayJSOrderID, map[string]string{"type": "alipay"})
	if err != nil {
		return err
	}
	for _, what := range []string{"payment notification", "the same notification"} {
		req := httptest.NewRequest(http.MethodPost, "/notify/payjs", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		fmt.Fprintf(out, "%-34s -> HTTP %d\n", what, post(endpoint, req))
	}
	form.Set("total_fee", "1")
	req := httptest.NewRequest(http.MethodPost, "/notify/payjs", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fmt.Fprintf(out, "%-34s -> HTTP %d\n", "amount tampered", post(endpoint, req))
	if dispatched != 1 {
		return fmt.Errorf("the payment sink ran %d times, want once", dispatched)
	}
	return nil
}
