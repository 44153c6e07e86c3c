package payjstest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
)

func ExampleNewServer() {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", TotalFee: 1000000, Paid: true})

	c, err := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	r, err := c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: o.PayJSOrderID})
	fmt.Println(r.AlreadyRefunded, err)
	// PAYJS answers a repeated refund without sign; the client confirms by check.
	r, err = c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: o.PayJSOrderID})
	fmt.Println(r.AlreadyRefunded, r.Unsigned, err)
	// An order PAYJS does not hold.
	_, err = c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: "2019101503054900000000000"})
	fmt.Println(errors.Is(err, complaint.ErrNotFound))
	// Output:
	// false <nil>
	// true true <nil>
	// true
}

// Seed complaints with their times and orders, then list and refund them
// through the client's Adapter.
func ExampleHandler_AddComplaint() {
	srv := payjstest.NewServer(payjstest.WithComplaintInterval(0))
	defer srv.Close()
	at := time.Date(2024, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: at, ComplaintID: "C1", OrderID: "2019101503054900456615858",
		OutTradeNo: "A-1", TotalFee: 1000000, Body: "没有收到货"})
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: at.Add(time.Hour), ComplaintID: "C2", OrderID: "2019101503054900456615859",
		OutTradeNo: "A-2", TotalFee: 100})

	c, _ := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
	a := c.Adapter(payjs.WithPollInterval(0))
	ctx := context.Background()
	for cpl, err := range a.List(ctx, complaint.ListOptions{Since: at, Until: at.Add(time.Hour)}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cpl.ID, cpl.Ref().OrderID, cpl.CreatedAt.Equal(at))
		fmt.Println(a.DecideRefund(ctx, cpl.Ref(), complaint.RefundDecision{Approve: true}))
	}
	o, _ := srv.Order("2019101503054900456615858")
	fmt.Println(o.Refunded)
	// Output:
	// C1 2019101503054900456615858 true
	// <nil>
	// true
}
