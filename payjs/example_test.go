package payjs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/signing"
)

func ExampleNewClient() {
	c, err := payjs.NewClient(
		payjs.Credentials{MchID: "1230000109", Key: signing.NewSecret("your-通信密钥")},
		option.WithTimeout(10*time.Second),
		option.WithRetry(option.Retry{MaxRetries: 1}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.MchID(), c) // the key is never printed
	// Output: 1230000109 payjs.Client{mchid=1230000109, key=[REDACTED]}
}

// List complaints through the Adapter against the fake server, and approve a
// refund with nothing but the complaint's Ref (which could come from a
// database).
func ExampleClient_Adapter() {
	srv := payjstest.NewServer()
	defer srv.Close()
	srv.AddComplaint(payjstest.Complaint{ // the fake also stores the paid order
		ComplaintAt: time.Date(2024, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)), OutTradeNo: "A-1", ComplaintID: "C1",
		OrderID: "2019101503054900456615858", TotalFee: 1000000, Body: "没有收到货",
	})

	c, _ := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
	a := c.Adapter() // at most one complaint call per 4 hours
	ctx := context.Background()
	var refs []complaint.Ref
	for cpl, err := range a.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cpl.ID, cpl.Ref().OrderID, cpl.Amount.Amount, cpl.Content)
		refs = append(refs, cpl.Ref())
	}
	for _, err := range a.List(ctx, complaint.ListOptions{}) {
		fmt.Println(errors.Is(err, complaint.ErrRateLimited))
	}
	// Approving the refund refunds the whole order; PAYJS can do nothing else.
	fmt.Println(a.DecideRefund(ctx, refs[0], complaint.RefundDecision{Approve: true}))
	fmt.Println(errors.Is(a.Reply(ctx, refs[0], complaint.Reply{Content: "您好"}), errors.ErrUnsupported))
	// Output:
	// C1 2019101503054900456615858 1000000 没有收到货
	// true
	// <nil>
	// true
}

// Payment notifications go through complaint.NewPaymentHandler: bounded read,
// verification, de-duplication by payjs_order_id (PAYJS's repeated deliveries
// reach the sink once) and PAYJS's answer, 200 "success".
func ExampleNewReceiver() {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", TotalFee: 1000000, Paid: true, Type: payjs.PayTypeAlipay})

	c, _ := payjs.NewClient(srv.Credentials())
	sink := complaint.PaymentSinkFunc[*payjs.Notification](func(_ context.Context, n *payjs.Notification) error {
		fmt.Println("paid:", n.PayJSOrderID, n.TotalFee, n.Type) // mark the order paid
		return nil
	})
	hs := httptest.NewServer(complaint.NewPaymentHandler(payjs.NewReceiver(c), sink))
	defer hs.Close()

	for range 2 {
		res, err := srv.Notify(context.Background(), hs.URL, o.PayJSOrderID, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.Status, res.Body)
	}
	// Output:
	// paid: 2019101503054900456615858 1000000 alipay
	// 200 success
	// 200 success
}

// Verify a notification by hand in any framework.
func ExampleClient_ParseNotification() {
	srv := payjstest.NewServer()
	defer srv.Close()
	c, _ := payjs.NewClient(srv.Credentials())
	mux := http.NewServeMux()
	mux.HandleFunc("/payjs/notify", func(w http.ResponseWriter, r *http.Request) {
		n, err := c.ParseNotification(r)
		if err != nil {
			http.Error(w, "fail", complaint.StatusFor(err))
			return
		}
		fmt.Println("paid:", n.PayJSOrderID, n.TotalFee) // mark the order paid, idempotently
		_, _ = w.Write([]byte("success"))
	})

	// A signed notification from the fake server, then the same one tampered.
	o := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", TotalFee: 100, Paid: true})
	form, _ := srv.Notification(o.PayJSOrderID, nil)
	post := func(body string) {
		req := httptest.NewRequest(http.MethodPost, "/payjs/notify", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	post(form.Encode())
	form.Set("total_fee", "1")
	post(form.Encode())
	// Output:
	// paid: 2019101503054900456615858 100
	// 200 success
	// 401 fail
}
