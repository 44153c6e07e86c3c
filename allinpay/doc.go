// Package allinpay is a client for Allinpay 收银宝's (通联支付, cusapi)
// riskfeeback API: the WeChat Pay and Alipay complaints Allinpay relays to its
// merchants, agents and groups.
//
// # Construction
//
// Allinpay signs with RSA (SHA1withRSA) or SM2 (SM3withSM2). A client takes
// the merchant's appid and number, the sign type, and the merchant's private
// key as Allinpay hands it out (bare Base64 PKCS#8) or as PEM:
//
//	c, err := allinpay.NewClient(allinpay.Credentials{
//		AppID:      "00000051",
//		CusID:      "990581007426001",
//		SignType:   allinpay.SignSM2, // or allinpay.SignRSA
//		PrivateKey: signing.NewSecret(keyBase64),
//	}, allinpay.WithEnvironment(allinpay.Test))
//
// The environment (Production by default, or Test) chooses the base URL
// (https://cus.allinpay.com/cusapi/riskfeeback/ or
// https://syb-test.allinpay.com/vsppcusapi/riskfeeback/; option.WithBaseURL
// replaces it) and the public keys Allinpay publishes for it, RSA and SM2,
// which ship as constants. Replies are verified with the published key of the
// client's sign type, or with Credentials.AllinpayPublicKey when Allinpay gave
// the merchant its own (bare Base64 SubjectPublicKeyInfo or PEM);
// notifications signed with the other sign type are verified with that type's
// published key. Keys are checked at construction, which does no I/O; a key of
// the wrong kind or form is an error wrapping signing.ErrKeyInvalid that never
// quotes key material.
//
// # Agents and groups
//
// An agent (代理商) or group merchant (集团商户) sets OrgID and gives its own
// number as CusID: the lists then return every sub-merchant's complaints (a
// group's WeChat list with ListComplaintsRequest.GroupAll, groupall=1), each
// naming its sub-merchant (ListedComplaint.CusID, AlipayComplaint.CusID), and
// calls on one complaint take that sub-merchant's number in the request's
// CusID field. A complaint's sub-merchant travels in complaint.Ref.MerchantID:
// empty for the client's own merchant, the cusid otherwise; the lists, the
// details, the adapter and the notification receiver all apply that one rule.
//
// WithVersion overrides the version sent to one method; the shared options of
// package option (base URL, transport, timeout, retry, logger, response size
// limit) apply as to every provider. Read-only queries are retried under the
// retry policy like GETs; writes and Call only with RetryWrites.
//
// # Signatures
//
// Every request is a UTF-8 form POST to the base URL plus the method name
// (method names are case-sensitive). The client adds appid, cusid, orgid (when
// set), the method's version (11 or 12 as Allinpay documents), a fresh
// randomstr from crypto/rand, signtype and sign. The string to sign is every
// non-empty field but sign, sorted by name, joined as k=v with &, values
// raw; empty fields are neither sent nor signed. SM2 signs requests with the
// appid as user id and Allinpay signs its replies and notifications with
// "Allinpay"; SM2 signatures are the raw 64 bytes r‖s, Base64, and a DER
// signature is refused rather than guessed at.
//
// A reply with retcode other than SUCCESS is an *APIError (Allinpay signs
// only successes, so its retmsg is unauthenticated; errors.Is maps clear
// texts onto complaint's sentinels). On SUCCESS the signature over every
// returned field (not a fixed list; records as its Base64 text) is verified
// before anything is decoded: a reply that fails wraps
// complaint.ErrSignatureInvalid, one that is not what Allinpay sends wraps
// ErrMalformed, and neither returns any data.
//
// # Negotiation history
//
// ListHistory fetches one page of a WeChat complaint's negotiation history
// (wxcomplainthistory); AllHistory pages through all of it:
//
//	for h, err := range c.AllHistory(ctx, &allinpay.ListHistoryRequest{ComplaintID: id}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(h.OperateTime, h.OperateType, h.Operator)
//	}
//
// Allinpay relays WeChat's JSON unchanged, so the items are WeChat's own types
// (the ones package wechatpay exports too): complaint_media_list as object or
// array, empty times as the zero time, limit, offset and total_count as
// numbers or strings. total_count comes only with the page at offset 0.
//
// # WeChat complaints
//
// ListComplaints fetches one page of the WeChat complaints created in a window
// (wxcomplaintlistquery; at most 30 days, refused before any request when
// longer, sent in China time to the second) and AllComplaints pages through
// it by page number. Each item is WeChat's complaint plus MerchantNo, the
// Allinpay merchant it is against. GetComplaint (wxcomplaintdetail), Reply
// (complaintsResp: at most 200 characters and 4 media ids, joined by "#@#"),
// Complete (complaintsComplete), UpdateRefundProgress
// (wxcomplaintsrefundprogress: APPROVE or REJECT, the other action's fields
// refused), UploadImage (wxmerchantimageupload: multipart, the file part
// unsigned), DownloadImage (wxgetmerchantimage: the bytes of imagebase64) and
// GetTransactionComplaint (wxcomplaintorderdetail) act on one complaint.
// Every request takes CusID, the sub-merchant an agent or group acts for.
// Besides WeChat's own leniency, numbers inside records may come as JSON
// strings. The reads (list, detail, history, image download, complaint order)
// are retried like GETs; the writes (reply, complete, refund decision,
// upload) only with RetryWrites.
//
// # Alipay complaints
//
// ListAlipayComplaints (alicomplaintqueryv2) and AllAlipayComplaints page the
// Alipay complaints by complaint time; GetAlipayComplaint (alicomplaintquery,
// whose field is complain_id) adds the processing fields;
// FinishAlipayComplaints (alicomplaintprocessfinish) reports complaints handled
// with a process code sent verbatim (AlipayProcessOther is Alipay's "ORTHER",
// sic) and evidence uploaded with UploadAlipayFile (alicomplaintfileupload).
// AlipayComplaint is the one type for an Alipay complaint, from a list, a
// detail or a notification: complain_amount in fen read exactly from its
// yuan text (never through a float; a malformed amount is an error, never 0),
// times in Beijing time, the buyer's contact and text redacted in prints.
// AlipayComplaint.ToComplaint converts it, mapping the statuses as
// AlipayStatus.State says. An Alipay failure inside a SUCCESS reply (records
// code other than 10000) is an *AlipayError.
//
// # Notifications
//
// Allinpay posts complaint and violation notices as signed forms to the
// merchant's risk-notification URL (风控通知地址). Client.Verify checks one
// from its raw body (every field but sign, by the notification's own
// signtype: RSA, or SM2 with the user id "Allinpay") and returns it typed;
// ParseNotification does the same from an *http.Request. NewReceiver plugs
// the client into complaint.NewHandler, which answers exactly "success" (the
// only answer that stops Allinpay resending, 5 times over about 30 minutes):
//
//	http.Handle("/allinpay/notify", complaint.NewHandler(allinpay.NewReceiver(c), sink,
//		complaint.WithEnrichment(c.Adapter())))
//
// COMPLAINT and COMPLAINTV2 become WeChat complaint events (Kind from
// action_type; the notification carries ids only, so WithEnrichment fetches
// the complaint); the Alipay complaint notification (no risktype) becomes an
// Alipay event whose Complaint is filled from the notification's own fields
// (AlipayComplaint.ToComplaint); VIOLATION, a WeChat merchant-violation
// notice, becomes an event of KindViolation, which sinks that act on
// complaints skip; a risk type this package does not know is verified,
// acknowledged and delivered as complaint.KindOther with the notification in
// Raw, never refused. Allinpay sends no notification id: the event id is
// derived from every received field but sign, so a resend is de-duplicated
// and a later change to the same complaint is not. The time of receipt comes
// from the client's clock (option.WithClock).
//
// # The common model
//
// Client.Adapter returns a complaint.Source and complaint.Responder over
// both channels, routed by complaint.Ref.Channel: for WeChat complaints list,
// get, history, reply, complete and refund decision; for Alipay complaints
// list, get and complete (Completion.Code as the process code, WithProcessCode
// setting the default "ORTHER"), while history, reply and refund decision
// answer errors.ErrUnsupported, as Allinpay relays none of them. List is
// half-open [Since, Until) at exact timestamps over Allinpay's inclusive,
// to-the-second windows, split into chunks of at most 30 days, streamed page
// by page and de-duplicated by id; a zero Since looks back DefaultLookBack.
// WithChannels restricts what List lists; WithGroupAll lists a whole group.
// The package passes complainttest.TestSource against allinpaytest for each
// channel, in both sign types and in agent mode.
//
// # Inferred and configurable
//
// Allinpay documents the request tables and little else; what this package
// infers (marked [inferred] in the documentation of the names concerned) is
// kept configurable where it can matter: the version per method
// (WithVersion; 11 for the lists, 12 for detail, history and complaint order,
// 11 elsewhere), the environment and Allinpay's public key, the Alipay process
// code (WithProcessCode). Inferred and not configurable: list windows include
// both ends to the second (the adapter filters exactly, so either reading
// works); the Alipay list takes the same 30-day chunks although Allinpay
// documents no span; Alipay list items carry merchantNo like WeChat's; the
// Alipay notification may carry id (its page does not list it); opposite_pid
// and opposite_name name the party complained about and gmt_risk_finish_time
// is Alipay's push time, as in Alipay's own complaint API; the retmsg
// keywords errors.Is maps onto complaint's sentinels.
//
// # Other methods
//
// Call signs and posts any riskfeeback method this package does not wrap yet
// and returns the verified reply's fields; RawResponse.Records decodes the
// Base64 records payload.
package allinpay
