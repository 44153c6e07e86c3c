// Package wxcomplaint holds WeChat Pay's v3 complaint data types (complaint,
// order, media list, negotiation history, rich messages, their enums and the
// lenient field types) and their mapping onto the common model of package
// complaint.
//
// Two providers speak this JSON: wechatpay, which gets it from WeChat Pay
// directly, and allinpay, whose WeChat complaint calls relay it unchanged inside
// their own answers. A provider never imports another provider, so the types
// live here; package wechatpay re-exports them under their public names
// (wechatpay.Complaint is wxcomplaint.Complaint).
//
// Decoding is plain encoding/json into plain fields (time.Time for times), so a
// page decodes at nearly the cost of json.Unmarshal into an equivalent struct.
// WeChat's irregular shapes (an empty string for a time it has not got,
// complaint_media_list as an object in history items and sometimes elsewhere,
// amounts as strings) are handled by Unmarshal and the Decode functions, which
// retry once through a lenient rewrite only when the plain decode fails. The
// package imports no HTTP client and no provider.
package wxcomplaint
