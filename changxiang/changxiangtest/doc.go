// Package changxiangtest is a fake 畅想 sender for tests and demos: it plays
// the platform's side of the complaint notification and of the v3 payment
// callback.
//
// A Sender keeps complaints (Add), moves them to later states (Refund,
// Close), builds their signed JSON notifications in the layout of the
// platform's published example (Body; BodyWithSign for a forged one) and
// posts them to a URL (Notify, Post). It signs with any changxiang.Rule
// (WithRule: a candidate or a custom one) and secret (WithSecret), so a test
// can check what a client configured with another rule makes of it. The codes
// it uses for a refund and a close (TypeRefunded "3", TypeClosed "4") are not
// documented by the platform; changxiang's event mapping does not depend on
// them.
//
//	s := changxiangtest.NewSender()
//	c, err := changxiang.NewClient(s.Credentials())
//	srv := httptest.NewServer(complaint.NewHandler(changxiang.NewReceiver(c), sink))
//	cpl := s.Add(changxiangtest.Complaint{MerchantOrderNo: "M1", BuyerMobile: "18612045566"})
//	res, err := s.Notify(ctx, srv.URL, cpl.OrderNo)  // 200 {}
//	_, err = s.Refund(cpl.OrderNo, "12.50", time.Now())
//	res, err = s.Notify(ctx, srv.URL, cpl.OrderNo)   // a new event
//
// PaymentForm and NotifyPayment build and post v3 payment callbacks signed
// with changxiang.PaymentRule.
package changxiangtest
