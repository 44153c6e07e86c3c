package payjstest_test

import (
	"context"
	"fmt"

	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
)

func ExampleNewServer() {
	srv := payjstest.NewServer()
	defer srv.Close()
	o := srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", TotalFee: 1000000, Paid: true})

	c, _ := payjs.NewClient(payjstest.DefaultMchID, payjstest.DefaultKey, payjs.WithBaseURL(srv.URL))
	ctx := context.Background()
	r, err := c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: o.PayJSOrderID})
	fmt.Println(r.AlreadyRefunded, err)
	// PAYJS answers a repeated refund without sign; the client confirms by check.
	r, err = c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: o.PayJSOrderID})
	fmt.Println(r.AlreadyRefunded, r.Unsigned, err)
	// Output:
	// false <nil>
	// true true <nil>
}
