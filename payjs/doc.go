// Package payjs is the PAYJS (payjs.cn) client of tousu: the complaint list,
// the order calls a complaint workflow needs (check, refund, close, reverse),
// payment-notification verification, and adapters to the common complaint model.
//
// # Client
//
//	c, err := payjs.NewClient("1234567890", key) // mchid, 通信密钥
//	resp, err := c.Complaints(ctx, nil)          // POST https://payjs.cn/api/complaint
//	_, err = c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: resp.Complaints[0].OrderID})
//
// Requests are form posts (WithJSONBody switches to JSON) that never send empty
// or "0" values. Every answer is verified: return_code=0 is an *APIError
// carrying return_msg and msg, a bad sign is signing.ErrSignatureInvalid, and
// return_code=1 without a sign is ErrUnsigned, which Refund handles (PAYJS
// answers a repeated refund so) by confirming the order with a signed Check. A
// successful Check stops PAYJS's payment notifications for the order; Refund
// always refunds the whole order. Call is a signed raw request for the
// endpoints not wrapped here.
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
// four hours. NewSource makes the client a complaint.Source for a poller: it
// refuses (complaint.ErrRateLimited, no I/O) to list more often than
// DefaultPollInterval, converts records losslessly (ID is complaint_id, or
// order_id@complaint_at when PAYJS sends none), and returns
// errors.ErrUnsupported for Get and History. As a complaint.Responder it can
// only refund the whole complained order (DecideRefund with Approve).
//
// # Payment notifications
//
//	http.Handle("/payjs/notify", complaint.NewHandler(payjs.NewReceiver(c), sink))
//
// The receiver verifies every received form field (type=alipay and unknown
// future fields included), yields one Event per notification with Kind
// complaint.KindOther, ProviderKind EventKindPayment and ID payjs_order_id (so
// PAYJS's repeated deliveries reach the sink once), and answers HTTP 200
// "success". Without the handler use Client.ParseNotification or Client.Verify.
//
// Package payjstest is an in-process fake PAYJS server for tests and demos.
package payjs
