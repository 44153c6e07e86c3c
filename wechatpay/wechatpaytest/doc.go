// Package wechatpaytest is an in-process fake WeChat Pay APIv3 server for the
// consumer complaint API (消费者投诉2.0), for the SDK's tests, users' tests and
// offline demos.
//
// It behaves like WeChat where that matters to a client:
//
//   - every request's Authorization (WECHATPAY2-SHA256-RSA2048, mchid,
//     serial_no, nonce_str, timestamp within 5 minutes, an RSA-SHA256 signature
//     over METHOD\nRequestURI\nTIMESTAMP\nNONCE\nBODY\n, the meta JSON for
//     uploads) is verified independently of package wechatpay's signer, and a
//     wrong one is answered 401 SIGN_ERROR with detail.sign_information;
//   - every JSON response, errors included, is signed (Wechatpay-Timestamp,
//     -Nonce, -Signature, -Serial, -Signature-Type) and carries a Request-ID;
//     the image download is unsigned;
//   - the platform identity is a WeChat Pay public key (PublicKeyMode, the
//     default; /v3/certificates answers 404 as it does for new merchants),
//     platform certificates served encrypted from /v3/certificates
//     (CertificateMode), or both during the grey switch (BothModes, where the
//     request's Wechatpay-Serial picks the signing key), with rotation;
//   - complaints, history, uploaded images and the notification URL are kept in
//     memory: list (complaints-v2, begin/end dates within 30 days, limit 1..50,
//     offset paging), detail, negotiation-historys (limit 1..300), reply,
//     complete, refund decision and immediate-service replies change state and
//     append history, documented limits answer 400 PARAM_ERROR;
//   - the Global region serves the /v3/global/... family with its differences;
//   - complaint callbacks are encrypted with AES-256-GCM under the APIv3 key,
//     signed, and POSTed to the registered URL (Notify) or built for a direct
//     handler call (NewNotificationRequest).
//
// # Use
//
//	srv := wechatpaytest.NewServer()
//	defer srv.Close()
//	srv.Seed(20) // realistic complaints with Chinese text, orders, images
//	client, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
//
// The server generates the merchant key pair, the APIv3 key and its own
// signing identities unless options supply them; MerchantPrivateKey,
// APIv3Key, PublicKeyID, PublicKey, Certificates and VerificationKeys expose
// them. Handler serves in-process through a custom http.RoundTripper. Inspect
// state with Complaint, History, Requests and Deliveries; simulate the buyer
// with UserResponds, AddHistory and UpdateComplaint.
//
// Client error paths: SetRateLimit (429 FREQUENCY_LIMITED) and InjectFault
// (tampered body, stale or future timestamp, WECHATPAY/SIGNTEST probe
// signature, unknown serial, unsigned response, 500 SYSTEM_ERROR) act on the
// next matching response; WithNotifyFault, WithResourceNonce and
// WithAlgorithm do the same for callbacks.
//
// # Keys
//
// RSA key generation is slow, so generated keys are cached per process and
// shared, by role, between servers that do not set their own. Identifiers are
// never shared: each server draws its own merchant serial, public-key id,
// certificate serials and APIv3 key, so one server's client does not accept
// another server's signatures. WithFreshKeys generates keys for one server.
//
// # Where the fake chooses
//
// Some behaviour is undocumented or unknown; the fake picks one and keeps it:
// the list is newest first and carries total_count only at offset 0 (as
// documented); history is oldest first with total_count on every page;
// complete on a PROCESSED complaint is a no-op 204; the notification-URL
// create overwrites an existing URL; http:// notification URLs are accepted
// for loopback hosts only (so an httptest.Server can receive callbacks);
// immediate-service replies are accepted for any complaint; refund decisions
// only for problem_type REFUND; media ids are matched exactly as escaped in
// their URL (a re-escaped or unescaped id is 404); callbacks are not retried;
// there are no SM2 certificates. Invalid options make NewServer panic, as
// httptest.NewServer does when it cannot listen.
package wechatpaytest
