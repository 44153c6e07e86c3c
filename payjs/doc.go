// Package payjs is the PAYJS (payjs.cn) client of tousu: the complaint list,
// the order calls a complaint workflow needs (check, refund, close, reverse),
// payment-notification verification, and the adapter to the common complaint
// model.
//
// # Client
//
//	c, err := payjs.NewClient(payjs.Credentials{
//		MchID: "1234567890",
//		Key:   signing.NewSecret(key), // 通信密钥, a string or a []byte
//	}, option.WithTimeout(10*time.Second))
//	resp, err := c.Complaints(ctx, nil) // POST https://payjs.cn/api/complaint
//	_, err = c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: resp.Complaints[0].OrderID})
//
// The shared options of package option configure the HTTP side (base URL,
// transport, timeout, retry, logger, clock); WithJSONBody and
// WithLenientVerification are PAYJS's own. Requests are form posts
// (WithJSONBody switches to JSON) that never send empty or "0" values. Every
// answer is verified: return_code=0 is an *APIError carrying return_msg and
// msg, a bad sign is signing.ErrSignatureInvalid, and return_code=1 without a
// sign is ErrUnsigned, which Refund handles (PAYJS answers a repeated refund
// so) by confirming the order with a signed Check. A successful Check stops
// PAYJS's payment notifications for the order; Refund always refunds the
// whole order. Call is a signed raw request for the endpoints not wrapped
// here. Every call taking a context answers a nil one with
// complaint.CheckContext's error.
//
// # Signing
//
// PAYJS signs with its PHP SDK's rule (Signer): top-level falsy values dropped
// as array_filter does, keys ordered as PHP 8.2's ksort orders them (numeric
// keys by value), raw "k=v" joined by "&" (no URL encoding), nested arrays and
// objects flattened the http_build_query way in received order, "&key=<key>"
// appended (even to an empty string), upper-case MD5. Responses are verified
// over the fields exactly as received: FlattenJSON reads the JSON in order with
// encoding/json's token stream and writes each value as PHP would after
// json_decode, so a total_fee of 1000000 is signed as "1000000", never
// "1e+06", and a float as PHP writes floats (1e3 as "1000", 1e20 as
// "1.0E+20"). See FlattenJSON for the falsy and float rules.
//
// Which empty-value filter the PAYJS server applies is inferred from its PHP
// SDK, not documented. WithLenientVerification (Signer.Lenient) additionally
// accepts a signature computed without the filter, for deployments that see
// valid answers fail only because of an empty or zero field; it is off by
// default.
//
// # Complaints
//
// PAYJS never pushes complaints and limits the list call to about once every
// four hours. Client.Adapter makes the client a complaint.Source,
// complaint.Responder and complaint.Throttled for a poller:
//
//	a := c.Adapter() // payjs.WithPollInterval changes the 4-hour guard
//	for cpl, err := range a.List(ctx, complaint.ListOptions{Since: since}) {
//		...
//		err = a.DecideRefund(ctx, cpl.Ref(), complaint.RefundDecision{Approve: true})
//	}
//
// It lists the half-open window [Since, Until) by complaint_at, refuses
// (complaint.ErrRateLimited, no I/O) to call PAYJS more often than
// DefaultPollInterval, and converts records losslessly: ID is complaint_id, or
// order_id@complaint_at when PAYJS sends none (ComplaintRecord.DerivedID), and
// the complaint's Ref carries the order_id as OrderID. PAYJS can only refund
// the whole complained order, so DecideRefund with Approve refunds
// ref.OrderID; Get, History, Reply, Complete and a rejection are
// errors.ErrUnsupported. See Adapter for records without a readable time and
// for what counts against the poll interval.
//
// # Payment notifications
//
// Payment notifications are not complaint events; they take their own typed
// path through the core handler:
//
//	sink := complaint.PaymentSinkFunc[*payjs.Notification](func(ctx context.Context, n *payjs.Notification) error {
//		return markPaid(ctx, n.OutTradeNo, n.TotalFee)
//	})
//	http.Handle("/payjs/notify", complaint.NewPaymentHandler(payjs.NewReceiver(c), sink))
//
// The receiver verifies every received form field (type=alipay and unknown
// future fields included), de-duplicates by payjs_order_id (so PAYJS's
// repeated deliveries reach the sink once), and answers HTTP 200 "success".
// Without the handler, use Client.ParseNotification with an *http.Request or
// Client.Verify with the header and body from any framework.
//
// Package payjstest is an in-process fake PAYJS server for tests and demos.
package payjs
