// Package payjstest is an in-process fake PAYJS server for tests and demos.
//
// It behaves like payjs.cn/api/ as far as PAYJS documents it: requests must be
// signed with the merchant's key under PAYJS's PHP rule (a wrong signature
// answers return_code=0, "签名错误"), answers are signed the way PAYJS signs
// them (including the nested complaints list, flattened the http_build_query
// way by payjs.FlattenJSON), the complaint call is rate limited (4 hours by
// default), an order it does not hold is answered "订单不存在" (which
// payjs.APIError matches with complaint.ErrNotFound), a repeated refund
// answers return_code=1 without a sign, and a successful check stops payment
// notifications. Messages are PAYJS-like Chinese texts; PAYJS documents none,
// so they are this package's choice. Its own tests check its signatures with
// code independent of package payjs.
//
//	srv := payjstest.NewServer()
//	defer srv.Close()
//	srv.AddOrder(payjstest.Order{PayJSOrderID: "2019101503054900456615858", TotalFee: 100, Paid: true})
//	c, err := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
//
// Complaints are seeded with AddComplaint, each with its complaint_at time
// and the order it is about (stored as a paid order if the fake does not hold
// it, so approving its refund succeeds). For tests that list many times, as
// complainttest.TestSource does, turn the fake's limit off with
// WithComplaintInterval(0) and the client's with payjs.WithPollInterval(0).
//
// Handler is the http.Handler without a listener, for mounting elsewhere.
package payjstest
