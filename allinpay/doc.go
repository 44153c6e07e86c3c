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
// Replies are verified with the public key Allinpay publishes for the
// environment (Production by default, or Test), or with
// Credentials.AllinpayPublicKey when Allinpay gave the merchant its own.
// Agents and groups set OrgID and list with their own number as CusID; calls on
// one complaint take the sub-merchant's number in the request's CusID field.
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
// # Other methods
//
// Call signs and posts any riskfeeback method this package does not wrap yet
// and returns the verified reply's fields; RawResponse.Records decodes the
// Base64 records payload.
package allinpay
