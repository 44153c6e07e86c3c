package allinpay_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

// Alipay complaints come page by page; the iterator pages for the caller, and
// each complaint converts to the common model with its amount in fen.
func ExampleClient_AllAlipayComplaints() {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	at := time.Date(2024, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2024112000000001", ComplainAmount: "100000.00", GmtComplain: at})
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2024112000000002", ComplainAmount: "0.05",
		GmtComplain: at.Add(-time.Hour), Status: "DROP_COMPLAIN"})

	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	for a, err := range c.AllAlipayComplaints(context.Background(), &allinpay.ListAlipayComplaintsRequest{}) {
		if err != nil {
			log.Fatal(err)
		}
		cc := a.ToComplaint()
		fmt.Println(cc.Ref(), cc.Amount.Amount, cc.State, cc.ProviderState)
	}
	// Output:
	// allinpay/alipay/2024112000000001 10000000 pending WAIT_PROCESS
	// allinpay/alipay/2024112000000002 5 withdrawn DROP_COMPLAIN
}
