// Package allinpaytest is an in-process fake of Allinpay's 收银宝 riskfeeback
// API (WeChat Pay and Alipay complaints relayed by 通联), for the SDK's tests,
// users' tests and offline demos.
//
// It speaks the wire format of the provider fact sheet on its own: it uses
// package allinpay only for the Credentials type (Server.Credentials), and
// signs and verifies with its own code
// (crypto/rsa with SHA-1; tjfoc/gmsm's sm2 with explicit user ids and raw
// r‖s; its own string to sign and its own ASN.1 key encoding), not through
// package signing, so a mistake on either side shows as a failure instead of
// two sides agreeing on it.
//
//   - Requests are UTF-8 form posts to URL()+method (multipart for the two
//     uploads, whose file part is not signed). The fake checks, in order, the
//     method name (case-sensitive: complaintsResp, complaintsComplete), the
//     appid, the signtype (the one the merchant is registered with), the
//     signature (every non-empty field but sign, sorted by key, k=v joined
//     with &; SHA1withRSA, or SM3withSM2 under the appid as user id, raw r‖s,
//     Base64), the cusid, the orgid (required of agents and groups), the
//     version (11 or 12; WithStrictVersions for each page's own), randomstr
//     and timestamp, then the method's fields: a field the method does not take
//     (complaint_id on alicomplaintquery, which takes complain_id), a missing
//     required one, or a field sent twice is refused.
//   - Every refusal is HTTP 200 with {"retcode":"FAIL","retmsg":...},
//     unsigned; the texts are the Msg constants. A SUCCESS answer is a JSON
//     object of strings with randomstr and a sign over every field it holds
//     (SetExtraResponseFields adds more), made with the fake's own "Allinpay"
//     key of the request's sign type (SM2 under the user id "Allinpay").
//     Payloads are records (Base64 of JSON) or the top-level mediaid,
//     imagebase64 and complaint_process_success.
//   - State: WeChat complaints with their negotiation history and refund
//     decisions (AddWeChatComplaint, AddHistory, UpdateWeChatComplaint),
//     Alipay complaints (AddAlipayComplaint), mini-program complaint orders
//     (AddTransactionComplaint), images (AddImage, uploads). Every method of
//     the fact sheet is served: wxcomplaintlistquery, wxcomplaintdetail,
//     wxcomplainthistory, complaintsResp, complaintsComplete,
//     wxcomplaintsrefundprogress, wxmerchantimageupload, wxgetmerchantimage,
//     wxcomplaintorderdetail, alicomplaintqueryv2, alicomplaintquery,
//     alicomplaintprocessfinish and alicomplaintfileupload.
//   - Agents and groups (WithAgent): the list called with the agent number as
//     cusid returns every sub-merchant's complaints (a group's only with
//     groupall=1); acting on a complaint takes its own sub-merchant's cusid.
//   - Faults (InjectFault): the next N requests, of one method or any, get an
//     HTTP status, a FAIL with a chosen retmsg, or a delay; SetTamper changes
//     an answer after it was signed. Requests records what clients sent.
//   - Notifications: ComplaintNotification (COMPLAINT, resource
//     {complaint_id, action_type}), ComplaintV2Notification,
//     ViolationNotification, AlipayComplaintNotification and RiskNotification
//     (any risk type) build them; Notify posts one, signed by its own
//     signtype; Deliver follows Allinpay's resend policy without sleeping;
//     NotifyTimes repeats one; NewNotificationRequest builds the request for a
//     direct handler call.
//
// # Use
//
//	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
//	defer srv.Close()
//	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "充电宝归还后仍在扣费"})
//	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
//	// c talks to the fake: c.Adapter() lists, acts and passes
//	// complainttest.TestSource against it (allinpay's contract_test.go).
//
// Keys gives the key pairs themselves (k.Merchant.PrivateKey signs,
// k.Allinpay.PublicKey verifies) for a client built by hand.
//
// # Keys
//
// The fake holds a merchant key pair and an "Allinpay" key pair of each sign
// type and hands them out as Allinpay does (Keys, KeysFor): bare Base64
// PKCS#8 private keys, bare Base64 SubjectPublicKeyInfo public keys, and both
// as PEM. SM2 keys are generated per server (cheap); RSA keys (2048-bit) are
// generated once per process and shared by role between servers, since a
// suite starts many (WithFreshKeys opts out). WithMerchantKey,
// WithMerchantPublicKey and WithAllinpayKey fix them instead, for example to
// the published test keys under signing/testdata/published.
//
// # Where the fake chooses
//
// Allinpay documents little beyond the request tables, so the fake picks and
// keeps (each marked inferred in the code): the retmsg texts; refusing
// unknown and repeated fields; list windows inclusive at both ends, to the
// second, newest first; page_size at most 20 (WeChat, "建议不超过20") and 50
// (Alipay, as epay caps it); history limit 1..300, oldest first; a reply moves
// PENDING to PROCESSING and may carry up to four uploaded media ids; complete
// is idempotent; one refund decision per complaint and only for
// problem_type REFUND; list items carry merchantNo (Alipay ones too); numbers
// inside records are JSON numbers (WithStringNumbers sends strings); the
// complaint-order records are Base64 like the others with Unix-second times;
// SUCCESS answers carry no appid or cusid; notifications carry appid, cusid,
// orgid (agents), risktype and resource, and the Alipay one no risktype and,
// as Allinpay's page lists its fields, no id;
// an acknowledgement is HTTP 200 with the body exactly "success".
//
// # Files
//
// server.go holds the server, its options and accessors; handler.go routes,
// checks and answers requests, form.go parses them; sign.go signs and
// verifies, keys.go and sm2keys.go make and encode keys; state.go is the
// seeded state; wechat.go and alipay.go serve the methods; faults.go injects
// faults; notify.go builds and posts notifications.
package allinpaytest
