// Package wechatpay is a typed client for the WeChat Pay APIv3 consumer
// complaint API (消费者投诉2.0), mainland and global (Hong Kong): list, detail
// and negotiation history with iterators, replies (plain and rich
// "immediate service" messages), completion, refund decisions, the complaint
// notification URL, image upload and download, callback verification and
// decryption, platform certificates and the WeChat Pay public key, and
// payer_phone decryption. WeChat's official Go SDK has no complaint API.
//
// # Client
//
// NewClient takes the merchant's credentials and options and never does I/O.
// Options shared by every tousu provider (base URL, HTTP client or transport,
// timeout, retry, logger, clock, user agent, response limit) come from package
// option; WeChat's own are in this package:
//
//	key, _ := wechatpay.LoadPrivateKey(apiclientKeyPEM) // PKCS#8 or PKCS#1
//	pub, _ := wechatpay.LoadPublicKey(pubKeyPEM)        // 微信支付公钥
//	client, err := wechatpay.NewClient(wechatpay.Credentials{
//		MchID:      "1900000001",
//		CertSerial: "3775B6A45ACD588826D15E583A95F5DD........", // merchant API certificate
//		PrivateKey: key,
//		APIv3Key:   signing.NewSecret(apiV3Key), // exactly 32 bytes
//	},
//		wechatpay.WithPublicKey("PUB_KEY_ID_...", pub),
//		option.WithTimeout(10*time.Second),
//		option.WithLogger(logger),
//	)
//
// A client needs a way to verify WeChat's signatures; without any of the keys
// below, NewClient refuses it. Verification keys, by mode:
//   - public-key mode (merchants registered since late 2024): WithPublicKey;
//     nothing is ever downloaded;
//   - platform certificates: WithPlatformCertificates for certificates you
//     hold, WithCertificateDownload to fetch /v3/certificates on demand
//     (RefreshCertificates), on your schedule (RefreshCertificatesEvery, stopped
//     by its context or Close), and once when a response or callback names an
//     unknown certificate serial (at most once a minute);
//   - both at once during the switch (灰度切换): every key sits in one ring by
//     serial, and WithRequestSerial chooses the Wechatpay-Serial request header
//     that tells WeChat which key to sign with (default: the public key id).
//
// Environments are Mainland, MainlandBackup and Global (apihk, /v3/global/...
// paths); option.WithBaseURL points any of them at a proxy or a fake server
// (wechatpaytest), keeping the environment's paths. Endpoints
// the global API lacks (update-refund-progress, response-immediate-service)
// return errors matching errors.ErrUnsupported.
//
// # Requests and responses
//
// Every request is signed (WECHATPAY2-SHA256-RSA2048 over method, request-target
// as sent, timestamp, a 32-character nonce and the exact body; the meta JSON for
// uploads) and every attempt of a retried request is signed afresh. Every call
// that takes a context answers a nil one with complaint.CheckContext's error and
// a cancelled one with an error matching the context's.
//
// What is verified, over the raw body (the four Wechatpay-* headers, a 5-minute
// window both ways, the key by serial, the RSA signature):
//   - every 2xx answer, except an image download's image stream, which WeChat
//     does not sign; a 2xx answer that does not verify is a *ResponseError;
//   - every non-2xx answer that carries a Wechatpay-Signature: it becomes an
//     *APIError with Verified true, or a *ResponseError when it does not
//     verify; a non-2xx answer without one (gateways send some) is an
//     *APIError with Verified false;
//   - the platform certificates download (RefreshCertificates) is checked by
//     the signature of the certificates it returns, and its error answers are
//     not verified.
//
// Verification failures match complaint.ErrSignatureInvalid (also for WeChat's
// WECHATPAY/SIGNTEST probes), complaint.ErrTimestampSkew or
// complaint.ErrUnknownKey. *APIError matches complaint.ErrRateLimited,
// ErrNotFound, ErrUnauthorized and ErrInvalidRequest.
// Documented limits (30-day list span, page sizes, 200-character replies without
// emoji, 4 images, https URLs, 2 MB jpg/png/bmp uploads, 128-character
// idempotency keys) are checked before anything is sent and reported as
// *complaint.ValidationError.
//
// Lists page for you:
//
//	for c, err := range client.AllComplaints(ctx, &wechatpay.ListComplaintsRequest{
//		BeginDate: time.Now().AddDate(0, 0, -29), EndDate: time.Now(),
//	}) {
//		if err != nil { ... }
//		fmt.Println(c.ComplaintID, c.ComplaintState)
//	}
//
// Answers are decoded with plain encoding/json into plain fields (times are
// time.Time); WeChat's irregular shapes (an empty string for a time it does not
// have, complaint_media_list as an object, amounts as strings) are accepted
// through a slower retry that runs only when the plain decode fails. The raw
// JSON stays reachable: GetComplaint sets Complaint.Raw to the body, and
// ListComplaints and ListHistory keep the page body in the response's Raw,
// whose RawItems method gives each item as sent (items do not copy their own
// JSON, so a page decodes at nearly the cost of json.Unmarshal).
//
// Image URLs (complaint_media_list, image_list) are fetched with DownloadImage
// exactly as WeChat wrote them: media ids contain %2F, + and %3D that must not
// be re-escaped. On global, where the list returns mainland-form URLs, the
// download goes to the global images path on apihk with the complaint id.
//
// payer_phone arrives encrypted with the merchant's own certificate;
// DecryptPayerPhone opens it, or WithPayerPhoneDecryption does it for every
// list and detail call. The plaintext is a complaint.Phone, masked in every
// print. Complaint, NegotiationHistory and the list responses print (fmt, any
// verb) and log (log/slog, text or JSON) without the payer's phone, openid,
// text or tags.
//
// Do sends a signed, verified request to an endpoint this package does not wrap.
//
// # Callbacks
//
// Three layers, use the one that fits your framework:
//   - client.Verify(ctx, header, body) checks a callback from its header and
//     raw body: signature, algorithm, decryption of the resource with the
//     APIv3 key; it returns the envelope with its {complaint_id, action_type};
//   - client.ParseNotification(r) reads the body of r (bounded, put back) and
//     calls Verify;
//   - NewReceiver(client) plugs into complaint.NewHandler, which de-duplicates
//     by envelope id and answers WeChat (200 with no body, or 4xx/5xx with
//     {"code":"FAIL","message":...} so WeChat redelivers). Verified callbacks
//     that are not about a complaint (SECURITY_ECHO.SUCCESS) are answered
//     success and dispatch nothing.
//
// Callbacks carry ids only; WithEnrichment has the handler fetch the detail
// through the adapter before the sink runs:
//
//	http.Handle("/notify/wechatpay", complaint.NewHandler(
//		wechatpay.NewReceiver(client), sink,
//		complaint.WithEnrichment(client.Adapter()),
//	))
//
// Never hand a body your framework decoded and re-encoded to these functions:
// the signature covers the bytes WeChat sent.
//
// # Common model
//
// Complaint.ToComplaint, NegotiationHistory.ToEntry and NotificationEvent
// convert to package complaint's model (the original struct stays in Raw).
// client.Adapter() is a complaint.Source and complaint.Responder over the
// half-open window [Since, Until), taking complaint.Ref values whose empty
// MerchantID means the client's own merchant (see Adapter):
//
//	src := client.Adapter(wechatpay.WithLanguage(wechatpay.LanguageEN)) // global only
//	for c, err := range src.List(ctx, complaint.ListOptions{Since: since}) {
//		if err != nil { ... }
//		err = src.Reply(ctx, c.Ref(), complaint.Reply{Content: "您好，已为您处理"})
//	}
package wechatpay
