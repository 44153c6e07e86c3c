package allinpay_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
)

// The adapter lists both channels as the common model over a half-open
// window, acts on a complaint through its Ref, and answers what Allinpay
// does not relay for Alipay with errors.ErrUnsupported.
func ExampleClient_Adapter() {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	cst := time.FixedZone("CST", 8*3600)
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, cst)
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020240501000000000001",
		ComplaintTime: day.Add(9 * time.Hour), Orders: []allinpaytest.WeChatOrder{{TransactionID: "4200", Amount: 990}}})
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2024050100000001", GmtComplain: day.Add(10 * time.Hour),
		ComplainAmount: "12.50"})
	// Created exactly at Until: not listed.
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020240502000000000001", ComplaintTime: day.Add(24 * time.Hour)})

	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	a := c.Adapter()
	var refs []complaint.Ref
	for cp, err := range a.List(ctx, complaint.ListOptions{Since: day, Until: day.Add(24 * time.Hour)}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cp.Ref(), cp.State, cp.Amount.Amount, cp.CreatedAt.In(cst).Format(time.TimeOnly))
		refs = append(refs, cp.Ref())
	}
	for _, ref := range refs {
		err := a.Reply(ctx, ref, complaint.Reply{Content: "您好，已为您处理。"})
		fmt.Println("reply", ref.Channel, err == nil, errors.Is(err, errors.ErrUnsupported))
		err = a.Complete(ctx, ref, complaint.Completion{Remark: "已处理"})
		cp, _ := a.Get(ctx, ref)
		fmt.Println("complete", ref.Channel, err, cp.State)
	}
	// Output:
	// allinpay/wechat/200000020240501000000000001 pending 990 09:00:00
	// allinpay/alipay/2024050100000001 pending 1250 10:00:00
	// reply wechat true false
	// complete wechat <nil> resolved
	// reply alipay false true
	// complete alipay <nil> resolved
}
