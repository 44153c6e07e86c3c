package allinpay

import "github.com/tousu-go/tousu/internal/wxcomplaint"

// Allinpay relays WeChat Pay's complaint JSON unchanged inside records, so
// the WeChat complaint types are WeChat Pay's own (package wxcomplaint, the
// same types package wechatpay exports). Printing them redacts what buyers
// wrote.

// NegotiationHistory is one item of a WeChat complaint's negotiation history
// (wxcomplainthistory). Its complaint_media_list is one object on the wire
// here, not a list; MediaList takes both.
type NegotiationHistory = wxcomplaint.NegotiationHistory

// ComplaintMedia is one complaint_media_list entry: a media type and WeChat
// media URLs, to be fetched through Allinpay's image download.
type ComplaintMedia = wxcomplaint.ComplaintMedia

// MediaList is complaint_media_list, decoded from an object or an array.
type MediaList = wxcomplaint.MediaList

// MediaType is a media list's media_type (USER_COMPLAINT_IMAGE,
// OPERATION_IMAGE); unknown values are kept as sent.
type MediaType = wxcomplaint.MediaType

// OperateType is a history item's operate_type, WeChat's misspellings
// included (USER_COMFIRM_COMPLAINT, MERCHANT_REFUSE_RERUND); unknown values
// are kept as sent.
type OperateType = wxcomplaint.OperateType

// Page is one page of an offset/limit list relayed from WeChat: the items,
// limit, offset and total_count (sent only for offset 0), and Raw, the
// decoded records JSON as received.
type Page[T any] = wxcomplaint.Page[T]
