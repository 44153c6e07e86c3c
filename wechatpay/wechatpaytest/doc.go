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
//   - requests are read as WeChat reads them, into the server's own structs
//     written from WeChat's field tables, not package wechatpay's: an unknown
//     field (or one spelled in another letter case), a wrong JSON type or a
//     missing required field is 400 PARAM_ERROR naming the field, and so is a
//     query parameter the endpoint does not take (for example algorithm_type
//     on /v3/global/certificates; /v3/certificates takes RSA, SM2 or ALL);
//   - answers are encoded from the server's own structs too: every field
//     WeChat documents as required is sent, zero or not (global refunded
//     amounts before any refund, a 0-fen amount), optional ones are left out
//     when the seeded value is zero, and region-only fields appear only in
//     their region; the tests hold them to WeChat's documented JSON examples
//     (testdata/docs);
//   - complaints, history, uploaded images and the notification URL are kept in
//     memory: list (complaints-v2, begin/end dates within 30 days, limit 1..50,
//     offset paging), detail, negotiation-historys (limit 1..300), reply,
//     complete, refund decision and immediate-service replies change state and
//     append history, documented limits answer 400 PARAM_ERROR;
//   - the Global region serves the /v3/global/... family with its differences;
//     its complaints carry mainland-form media URLs, as WeChat's do, and an
//     image downloads from /v3/global/merchant-service/images/{media_id} with
//     the required complaint_id of the complaint it belongs to (or from the
//     mainland-form URL itself, which takes no query);
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
// ClientOptions gives option.WithBaseURL, option.WithHTTPClient,
// option.WithClock, wechatpay.WithEnvironment and the verification keys of the
// server's key mode; append more options after them.
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
// # Notification URLs and local handlers
//
// The create and update calls accept what the SDK's CreateNotificationURL and
// UpdateNotificationURL accept, each side with its own code: an absolute https
// URL of any length (WeChat documents no limit), or an http:// URL whose host
// is a loopback host (localhost in any letter case, an address in
// 127.0.0.0/8, or [::1]; not an IPv4-mapped or zoned IPv6 address), so an
// httptest.Server on the test machine can be registered and receive the
// callbacks (see the localHandler example). Real WeChat accepts https only.
// SetNotificationURL registers any URL without checking it.
//
// # Where the fake chooses
//
// Some behaviour is undocumented or unknown; the fake picks one and keeps it:
// the list is newest first and carries total_count only at offset 0 (as
// documented); history is oldest first with total_count on every page;
// complete on a PROCESSED complaint is a no-op 204; the notification-URL
// create overwrites an existing URL; a mainland complaint seeded without a
// problem description answers the name of its problem type (see
// AddComplaint); optional booleans are sent only when true, except
// is_returned_to_same_machine, which WeChat's example shows as false; a
// history entry sends one complaint_media_list object, its first;
// immediate-service replies are accepted for any complaint; refund decisions
// only for problem_type REFUND; media ids are matched exactly as escaped in
// their URL (a re-escaped or unescaped id is 404); callbacks are not retried;
// there are no SM2 certificates. Invalid options make NewServer panic, as
// httptest.NewServer does when it cannot listen.
//
// # Files
//
// server.go and client.go hold the server and its options; handler.go routes
// requests and auth.go verifies their signatures; decode.go reads request
// bodies and queries strictly; wire.go and message.go are what the server
// sends; respond.go signs answers and injects faults; state.go seeds and
// inspects complaints; complaints.go, history.go and actions.go serve the
// complaint endpoints; images.go, notifyurl.go and certificates.go the others;
// notify.go sends callbacks; seed.go makes sample complaints; keys.go makes
// keys and certificates.
package wechatpaytest
