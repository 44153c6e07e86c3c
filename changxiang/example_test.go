package changxiang_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
)

var exampleAt = time.Date(2025, 11, 15, 14, 30, 0, 0, cntime.Zone)

// Verify a captured notification and read it typed; the buyer's phone is
// masked when printed.
func ExampleClient_Verify() {
	sender := changxiangtest.NewSender() // plays the platform
	body, _ := sender.Body(changxiangtest.Complaint{MerchantOrderNo: "M202411150001", OrderNo: "cxka251115066acn",
		Type: "1", TypeText: "添加投诉", BuyerMobile: "18612045566", ComplaintAt: exampleAt})

	c, _ := changxiang.NewClient(changxiang.Credentials{Secret: signing.NewSecret(changxiangtest.DefaultSecret)})
	n, err := c.Verify(context.Background(), nil, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.OrderNo, n.ComplaintType, n.ComplaintTypeText, n.ComplaintAt.Format(time.RFC3339))
	fmt.Println(n.BuyerMobile, n.WechatNickname == nil)

	_, err = c.Verify(context.Background(), nil, []byte(`{"results":{"data":{"order_no":"x","sign":"00"}}}`))
	fmt.Println(err)
	// Output:
	// cxka251115066acn 1 添加投诉 2025-11-15T14:30:00+08:00
	// 186******66 true
	// changxiang: notification (rule sorted-key): signing: signature invalid: md5 signature has length 2, want 32
}

// Find which candidate rule signed a real notification, then pin it.
func ExampleFindRule() {
	secret := signing.NewSecret("merchant-secret")
	platform := changxiangtest.NewSender(changxiangtest.WithSecret(secret), changxiangtest.WithRule(changxiang.RuleFixedOrder))
	captured, _ := platform.Body(changxiangtest.Complaint{OrderNo: "cxka251115066acn", Type: "1", ComplaintAt: exampleAt})

	rule, err := changxiang.FindRule(captured, secret)
	fmt.Println(rule.Name(), err)

	c, _ := changxiang.NewClient(changxiang.Credentials{Secret: secret}, changxiang.WithRule(rule))
	_, err = c.Verify(context.Background(), nil, captured)
	fmt.Println(err)

	_, err = changxiang.FindRule(captured, signing.NewSecret("wrong secret"))
	fmt.Println(err)
	// Output:
	// fixed-order <nil>
	// <nil>
	// signing: signature invalid: changxiang: no rule matches (tried sorted-key, fixed-order, sorted-concat); check the secret, or capture the platform's rule with NewRule
}

// Amounts are read exactly, never through a float.
func ExampleParseYuan() {
	for _, s := range []string{"100000.01", "12.5", "0.07", "1.005"} {
		fen, err := changxiang.ParseYuan(s)
		fmt.Println(fen, err)
	}
	// Output:
	// 10000001 <nil>
	// 1250 <nil>
	// 7 <nil>
	// 0 changxiang: not an exact amount in yuan: yuan: amount finer than a fen
}

// The receiver behind complaint.NewHandler: a complaint, its redelivery, its
// refund and a forgery.
func ExampleNewReceiver() {
	ctx := context.Background()
	sender := changxiangtest.NewSender()
	c, _ := changxiang.NewClient(sender.Credentials())
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		fmt.Println("event:", e.Kind, e.Ref.ID, e.Complaint.State, e.Complaint.Refund.Refunded.Amount)
		return nil
	})
	srv := httptest.NewServer(complaint.NewHandler(changxiang.NewReceiver(c), sink))
	defer srv.Close()

	cpl := sender.Add(changxiangtest.Complaint{OrderNo: "cxka251115066acn", ComplaintAt: exampleAt})
	res, _ := sender.Notify(ctx, srv.URL, cpl.OrderNo)
	fmt.Println(res.Status, res.Body)
	res, _ = sender.Notify(ctx, srv.URL, cpl.OrderNo) // a redelivery: answered, not dispatched
	fmt.Println(res.Status, res.Body)
	_, _ = sender.Refund(cpl.OrderNo, "100000.00", exampleAt.Add(time.Hour))
	res, _ = sender.Notify(ctx, srv.URL, cpl.OrderNo)
	fmt.Println(res.Status, res.Body)

	forger := changxiangtest.NewSender(changxiangtest.WithSecret(signing.NewSecret("guess")))
	forger.Add(cpl)
	res, _ = forger.Notify(ctx, srv.URL, cpl.OrderNo)
	fmt.Println(res.Status, res.Body)
	// Output:
	// event: created cxka251115066acn pending 0
	// 200 {}
	// 200 {}
	// event: refunded cxka251115066acn processing 10000000
	// 200 {}
	// 401 {"err_no":1,"err_msg":"fail"}
}

// The v3 payment callback through complaint.NewPaymentHandler.
func ExampleNewPaymentReceiver() {
	ctx := context.Background()
	sender := changxiangtest.NewSender()
	c, _ := changxiang.NewClient(sender.Credentials())
	sink := complaint.PaymentSinkFunc[*changxiang.PaymentNotification](func(_ context.Context, p *changxiang.PaymentNotification) error {
		fmt.Println("paid:", p.TradeNo, p.TotalFee, p.ResultCode, p)
		return nil
	})
	srv := httptest.NewServer(complaint.NewPaymentHandler(changxiang.NewPaymentReceiver(c), sink))
	defer srv.Close()

	p := changxiangtest.Payment{TotalFee: "12.50", TradeNo: "cxka251115066acn", OutTradeNo: "M1", PayType: "alipay", Cards: "CARD-SECRET"}
	res, _ := sender.NotifyPayment(ctx, srv.URL, p)
	fmt.Println(res.Body)
	res, _ = sender.NotifyPayment(ctx, srv.URL, p)
	fmt.Println(res.Body)
	// Output:
	// paid: cxka251115066acn 12.50 SUCCESS changxiang.PaymentNotification[mch_id=10086 trade_no=cxka251115066acn out_trade_no=M1 total_fee=12.50 result_code=SUCCESS pay_type=alipay cards=***********]
	// success
	// success
}
