// Package changxiang is the 畅想自动发卡 (Changxiang card-issuing platform,
// "cxka…" orders) client of tousu: the open platform's complaint
// notification, verified and typed, and the older v3 API's create_pay and
// payment callback.
//
// # The complaint notification
//
// The platform POSTs JSON to the merchant's complaint URL:
//
//	{"err_no":0,"err_msg":"success","results":{"status":200,"error":null,
//	 "data":{"merchant_order_no":"M202411150001","order_no":"cxka251115066acn",
//	  "complaint_type":"1","complaint_type_text":"添加投诉", ...,
//	  "sign":"1B93A9D90503A2B7245C6CD89463AB2B"}}}
//
// and expects HTTP 200 with the body {}. Client.Verify (any framework),
// Client.ParseNotification (an *http.Request) and NewReceiver (for
// complaint.NewHandler) check it and return a Notification with every
// documented field typed: complaint_type as an open string enum
// (ComplaintType; unknown codes are kept, never rejected), times read as
// Beijing time, final_refund_money in fen read exactly from its decimal yuan
// text (ParseYuan; never through a float), null and "" kept apart (pointers
// for the fields the example shows null, and Lookup for every field), and
// unknown fields kept in Fields. The buyer's mobile, nickname and qq are
// masked whenever a Notification is printed or logged and never appear in an
// error.
//
//	c, err := changxiang.NewClient(changxiang.Credentials{Secret: signing.NewSecret(secret)})
//	sink := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
//		return queue.Push(ctx, e) // e.Complaint is the whole complaint
//	})
//	http.Handle("/changxiang/complaint", complaint.NewHandler(changxiang.NewReceiver(c), sink))
//
// Each notification becomes one complaint.Event that carries the whole
// complaint (Notification.Event): Ref{Provider: "changxiang", ID: order_no,
// OrderID: order_no}. The platform sends no event id; the id is derived from
// order_no, complaint_type, complaint_at, final_refund_money, refund_at and
// complaint_closed_at (Notification.EventID), so a redelivery reaches the
// sink once while a later refund or close of the same complaint reaches it
// again.
//
// # The sign rule is not published
//
// 畅想 publishes the notification's shape but not how its sign is computed,
// and no secret goes with the example's sign, so no rule can be checked
// against public material. The package therefore verifies with a pluggable
// Rule and says which one it uses:
//   - RuleSortedKey (the default, the most likely): data keys sorted, sign,
//     null and "" left out, raw k=v joined by &, &key=<secret> appended, MD5
//     in upper-case hex;
//   - RuleFixedOrder: the documented fields in the documented order, as the
//     v3 callback does, upper-case;
//   - RuleSortedConcat: sorted, with the secret appended without &key=;
//   - NewMD5Rule for another parameter rule, NewRule for any function.
//
// Values are signed exactly as received: a JSON string's content, and any
// other value's JSON text (a number 12.50 is signed as "12.50", never
// re-formatted). Signatures are compared in constant time.
//
// Confirm the rule once with a real notification: capture one body as
// received (before any framework re-encodes it) and run
//
//	rule, err := changxiang.FindRule(body, signing.NewSecret(secret))
//
// which reports the candidate that verifies it, or an error matching
// complaint.ErrSignatureInvalid when none does (then check the secret, or ask
// the platform for its rule and express it with NewRule). Then pin it:
// NewClient(creds, changxiang.WithRule(rule)). Until then, a notification
// that fails to verify is answered with a failure and dispatches nothing.
//
// The platform documents no retry policy. Before acting on money because of a
// complaint, confirm the order's state with the platform, as its v3 doc
// demands for payments.
//
// # Push only
//
// The platform publishes no call to list, read, reply to, complete or refund
// complaints, so there is no complaint.Source or complaint.Responder:
// Client.Source answers ErrPushOnly, which matches errors.ErrUnsupported, and
// a complaint.Poller cannot serve this provider. Notifications carry the whole
// complaint, so complaint.WithEnrichment is not needed either.
//
// # The v3 API
//
// CreatePay calls v3 create_pay (GET https://payapi.cxka.com/api/v3/create_pay)
// with its fixed-order, lower-case MD5 signature (app_key, api_domain,
// goods_id, goods_num, order_id, is_mobile, &key=<secret>), known from public
// integration code. The v3 payment callback (a form POST to callback_url) is
// verified by Client.VerifyPayment, Client.ParsePaymentNotification and
// NewPaymentReceiver for complaint.NewPaymentHandler, with PaymentRule: mch_id,
// total_fee, result_code, trade_no, out_trade_no, time_end, pay_type in that
// order, &key=<secret>, lower-case MD5; cards is not signed. The receiver
// answers the literal success (also to a duplicate) or fail.
//
//	http.Handle("/changxiang/pay", complaint.NewPaymentHandler(changxiang.NewPaymentReceiver(c),
//		complaint.PaymentSinkFunc[*changxiang.PaymentNotification](credit)))
//
// # Other calls
//
// The open platform's payment, order-query, payout and face-verification
// calls, and its base URL, are not published; nor are v3's order query
// fields. The package guesses no structs for them: Client.Call sends a signed
// raw request (the client's rule, or the one in RawRequest) to a URL you give
// and returns the answer unverified.
//
// Package changxiangtest is a fake 畅想 sender for tests and demos: it signs
// notifications with any rule and posts them, including a complaint's later
// refund and close, and v3 payment callbacks.
package changxiang
