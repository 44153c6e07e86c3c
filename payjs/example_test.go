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
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
)

func ExampleNewClient() {
	c, err := payjs.NewClient("1230000109", "your-通信密钥",
		payjs.WithTimeout(10*time.Second),
		payjs.WithRetry(payjs.Retry{MaxRetries: 1}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.MchID(), c) // the key is never printed
	// Output: 1230000109 payjs.Client{mchid=1230000109, key=[REDACTED]}
}

// List complaints through the Source adapter against the fake server.
func ExampleSource_List() {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", OutTradeNo: "A-1", TotalFee: 1000000, Paid: true})
	srv.AddComplaint(payjstest.Complaint{
		ComplaintAt: time.Date(2024, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)), OutTradeNo: "A-1", ComplaintID: "C1",
		OrderID: o.PayJSOrderID, TotalFee: 1000000, Body: "没有收到货",
	})

	c, _ := payjs.NewClient(payjstest.DefaultMchID, payjstest.DefaultKey, payjs.WithBaseURL(srv.URL))
	src := payjs.NewSource(c) // at most one call per 4 hours
	ctx := context.Background()
	for cpl, err := range src.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cpl.ID, cpl.Orders[0].ProviderOrderID, cpl.Amount.Amount, cpl.Content)
	}
	for _, err := range src.List(ctx, complaint.ListOptions{}) {
		fmt.Println(errors.Is(err, complaint.ErrRateLimited))
	}
	// Approving the refund refunds the whole order.
	fmt.Println(src.DecideRefund(ctx, "C1", complaint.RefundDecision{Approve: true}))
	// Output:
	// C1 2019101503054900456615858 1000000 没有收到货
	// true
	// <nil>
}

// Verify payment notifications with complaint.NewHandler; PAYJS's duplicate
// deliveries reach the sink once.
func ExampleNewReceiver() {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", TotalFee: 1000000, Paid: true, Type: payjs.PayTypeAlipay})

	c, _ := payjs.NewClient(payjstest.DefaultMchID, payjstest.DefaultKey)
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		n := e.Raw.(*payjs.Notification)
		fmt.Println(e.ProviderKind, e.ID, n.TotalFee, n.Type)
		return nil
	})
	hs := httptest.NewServer(complaint.NewHandler(payjs.NewReceiver(c), sink))
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
	// payment 2019101503054900456615858 1000000 alipay
	// 200 success
	// 200 success
}

// Verify a notification by hand in any framework.
func ExampleClient_ParseNotification() {
	c, _ := payjs.NewClient(payjstest.DefaultMchID, payjstest.DefaultKey)
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
	srv := payjstest.NewServer()
	defer srv.Close()
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
