package allinpay

import "github.com/tousu-go/tousu/internal/wxcomplaint"

// Allinpay relays WeChat Pay's complaint JSON unchanged inside records, so
// the WeChat complaint types are WeChat Pay's own (package wxcomplaint, the
// same types package wechatpay exports), with the same methods (State, Kind,
// Actor, MediaKind, ToComplaint, ToEntry, LogValue, Format). Printing them
// redacts what buyers wrote. Enums are open: a value WeChat adds later
// decodes as-is into the named string type. The constants below are the same
// values as wechatpay's, so callers compare without importing anything
// internal.

// Complaint is a WeChat complaint as wxcomplaintdetail returns it (and as the
// list items carry it; see ListedComplaint). Raw holds its JSON as received,
// including fields the struct does not know yet.
type Complaint = wxcomplaint.Complaint

// ComplaintOrder is one complaint_order_info entry: transaction_id,
// out_trade_no and amount (fen).
type ComplaintOrder = wxcomplaint.ComplaintOrder

// NegotiationHistory is one item of a WeChat complaint's negotiation history
// (wxcomplainthistory). Its complaint_media_list is one object on the wire
// here, not a list; MediaList takes both.
type NegotiationHistory = wxcomplaint.NegotiationHistory

// ComplaintMedia is one complaint_media_list entry: a media type and WeChat
// media URLs, to be fetched with Client.DownloadImage.
type ComplaintMedia = wxcomplaint.ComplaintMedia

// MediaList is complaint_media_list, decoded from an object or an array.
type MediaList = wxcomplaint.MediaList

// Page is one page of an offset/limit list relayed from WeChat: the items,
// limit, offset and total_count (sent only for offset 0), and Raw, the
// decoded records JSON as received.
type Page[T any] = wxcomplaint.Page[T]

// ComplaintState is complaint_state; State maps it onto the common model.
type ComplaintState = wxcomplaint.ComplaintState

// Complaint states. Allinpay documents PENDING and PROCESSING; PROCESSED is
// seen in practice.
const (
	StatePending    = wxcomplaint.StatePending    // 待处理
	StateProcessing = wxcomplaint.StateProcessing // 处理中
	StateProcessed  = wxcomplaint.StateProcessed  // 已处理完成
)

// ProblemType is problem_type.
type ProblemType = wxcomplaint.ProblemType

// Problem types.
const (
	ProblemRefund         = wxcomplaint.ProblemRefund         // 申请退款
	ProblemServiceNotWork = wxcomplaint.ProblemServiceNotWork // 服务权益未生效
	ProblemOthers         = wxcomplaint.ProblemOthers         // 其他
)

// MediaType is a media list's media_type; unknown values are kept as sent.
type MediaType = wxcomplaint.MediaType

// Media types.
const (
	MediaUserComplaintImage = wxcomplaint.MediaUserComplaintImage // 用户投诉图片
	MediaOperationImage     = wxcomplaint.MediaOperationImage     // 操作流水图片
)

// OperateType is a history item's operate_type; Kind and Actor map it onto
// the common model. The misspelt values are WeChat's own.
type OperateType = wxcomplaint.OperateType

// History operate types. Go has no alias for a set of constants, so each is
// the wxcomplaint constant under the name wechatpay gives it too.
const (
	OperateUserCreateComplaint                   = wxcomplaint.OperateUserCreateComplaint
	OperateUserContinueComplaint                 = wxcomplaint.OperateUserContinueComplaint
	OperateUserResponse                          = wxcomplaint.OperateUserResponse
	OperatePlatformResponse                      = wxcomplaint.OperatePlatformResponse
	OperateMerchantResponse                      = wxcomplaint.OperateMerchantResponse
	OperateMerchantConfirmComplete               = wxcomplaint.OperateMerchantConfirmComplete
	OperateUserCreateComplaintSystemMessage      = wxcomplaint.OperateUserCreateComplaintSystemMessage
	OperateComplaintFullRefundedSystemMessage    = wxcomplaint.OperateComplaintFullRefundedSystemMessage
	OperateUserContinueComplaintSystemMessage    = wxcomplaint.OperateUserContinueComplaintSystemMessage
	OperateUserRevokeComplaint                   = wxcomplaint.OperateUserRevokeComplaint
	OperateUserComfirmComplaint                  = wxcomplaint.OperateUserComfirmComplaint // sic
	OperatePlatformHelpApplication               = wxcomplaint.OperatePlatformHelpApplication
	OperateUserApplyPlatformHelp                 = wxcomplaint.OperateUserApplyPlatformHelp
	OperateMerchantApproveRefund                 = wxcomplaint.OperateMerchantApproveRefund
	OperateMerchantRefuseRerund                  = wxcomplaint.OperateMerchantRefuseRerund // sic
	OperateUserSubmitSatisfaction                = wxcomplaint.OperateUserSubmitSatisfaction
	OperateServiceOrderCancel                    = wxcomplaint.OperateServiceOrderCancel
	OperateServiceOrderComplete                  = wxcomplaint.OperateServiceOrderComplete
	OperateComplaintPartialRefundedSystemMessage = wxcomplaint.OperateComplaintPartialRefundedSystemMessage
	OperateComplaintRefundReceivedSystemMessage  = wxcomplaint.OperateComplaintRefundReceivedSystemMessage
	OperateComplaintEntrustedRefundSystemMessage = wxcomplaint.OperateComplaintEntrustedRefundSystemMessage
	OperateUserApplyPlatformService              = wxcomplaint.OperateUserApplyPlatformService
	OperateUserCancelPlatformService             = wxcomplaint.OperateUserCancelPlatformService
	OperatePlatformServiceFinished               = wxcomplaint.OperatePlatformServiceFinished
	OperateUserClickResponse                     = wxcomplaint.OperateUserClickResponse
	// Older values some merchants still see in history.
	OperateComplaintFullRefunded                = wxcomplaint.OperateComplaintFullRefunded
	OperateMerchantConfirmCompleteSystemMessage = wxcomplaint.OperateMerchantConfirmCompleteSystemMessage
)

// RefundAction is wxcomplaintsrefundprogress's action.
type RefundAction string

// Refund actions.
const (
	RefundApprove RefundAction = "APPROVE" // 同意退款
	RefundReject  RefundAction = "REJECT"  // 拒绝退款
)
