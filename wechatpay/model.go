package wechatpay

import "github.com/tousu-go/tousu/internal/wxcomplaint"

// The complaint model: WeChat's complaint, order, media, history and rich
// message types with their enums. They are defined in internal/wxcomplaint,
// because Allinpay relays the same JSON and a provider never imports another
// provider; the names below are the same types (aliases), with the same
// methods (State, Kind, Actor, MediaKind, ToComplaint, ToEntry, LogValue,
// Format). JSON tags are WeChat's, misspellings included. Enums are open: a
// value WeChat adds later decodes as-is into the named string type.

// Complaint is a complaint as the list and detail endpoints return it, mainland
// and global. Detail adds PayerOpenID (mainland); fields a region lacks stay
// zero. Raw holds the JSON as received for GetComplaint; list items leave it
// nil and their page keeps the body (ListComplaintsResponse.RawItems).
// Printing a Complaint with fmt (any verb) or log/slog never shows the payer's
// phone, openid, text or tags.
type Complaint = wxcomplaint.Complaint

// ComplaintMedia is one entry of complaint_media_list; fetch its URLs with
// Client.DownloadImage, verbatim.
type ComplaintMedia = wxcomplaint.ComplaintMedia

// MediaList is complaint_media_list: an array in list and detail answers and
// one object in history items; it decodes both into a slice.
type MediaList = wxcomplaint.MediaList

// ComplaintOrder is one complaint_order_info entry. Mainland orders carry
// Amount; global orders carry the settlement and payer fields instead.
type ComplaintOrder = wxcomplaint.ComplaintOrder

// FlexInt64 decodes a JSON number or a string holding an integer (global
// settlement_refunded_amount).
type FlexInt64 = wxcomplaint.FlexInt64

// ServiceOrder is one service_order_info entry (支付分 service orders).
type ServiceOrder = wxcomplaint.ServiceOrder

// AdditionalInfo is additional_info.
type AdditionalInfo = wxcomplaint.AdditionalInfo

// SharePowerInfo describes a power-bank rental complaint.
type SharePowerInfo = wxcomplaint.SharePowerInfo

// ReturnAddressInfo is where a power bank was returned.
type ReturnAddressInfo = wxcomplaint.ReturnAddressInfo

// NegotiationHistory is one item of negotiation-historys (sic). Printing it
// with fmt or log/slog never shows what people wrote.
type NegotiationHistory = wxcomplaint.NegotiationHistory

// ClickMessage is a history item's click_message.
type ClickMessage = wxcomplaint.ClickMessage

// Rich messages (response-immediate-service; history normal_message).
type (
	// NormalMessage is a rich message; SenderIdentity sits inside it.
	NormalMessage = wxcomplaint.NormalMessage
	// MessageBlock is one block of a NormalMessage; the field matching Type is
	// set.
	MessageBlock = wxcomplaint.MessageBlock
	// TextBlock is a TEXT block's text.
	TextBlock = wxcomplaint.TextBlock
	// ImageBlock is an IMAGE block's image.
	ImageBlock = wxcomplaint.ImageBlock
	// LinkBlock is a LINK block's link.
	LinkBlock = wxcomplaint.LinkBlock
	// FAQ is one question of a FAQ_LIST block.
	FAQ = wxcomplaint.FAQ
	// FAQListBlock is a FAQ_LIST block's faq_list.
	FAQListBlock = wxcomplaint.FAQListBlock
	// Button is a BUTTON block's button, or one button of a group.
	Button = wxcomplaint.Button
	// ButtonGroup is a BUTTON_GROUP block's button_group.
	ButtonGroup = wxcomplaint.ButtonGroup
	// MessageAction is what a link, button or FAQ does when clicked.
	MessageAction = wxcomplaint.MessageAction
	// MessageInfo is the message a SEND_MESSAGE action sends.
	MessageInfo = wxcomplaint.MessageInfo
	// MiniProgramJumpInfo points at a mini program page.
	MiniProgramJumpInfo = wxcomplaint.MiniProgramJumpInfo
	// InvalidInfo says when a clickable element expires.
	InvalidInfo = wxcomplaint.InvalidInfo
)

// ComplaintState is complaint_state; State maps it onto the common model.
type ComplaintState = wxcomplaint.ComplaintState

// Complaint states.
const (
	StatePending    = wxcomplaint.StatePending    // 待处理
	StateProcessing = wxcomplaint.StateProcessing // 处理中
	StateProcessed  = wxcomplaint.StateProcessed  // 已处理完成
)

// ProblemType is problem_type (mainland only).
type ProblemType = wxcomplaint.ProblemType

// Problem types.
const (
	ProblemRefund         = wxcomplaint.ProblemRefund         // 申请退款
	ProblemServiceNotWork = wxcomplaint.ProblemServiceNotWork // 服务权益未生效
	ProblemOthers         = wxcomplaint.ProblemOthers         // 其他
)

// UserTag is one value of user_tag_list (personal data: a risk label).
type UserTag = wxcomplaint.UserTag

// User tags.
const (
	UserTagTrusted  = wxcomplaint.UserTagTrusted
	UserTagHighRisk = wxcomplaint.UserTagHighRisk
)

// MediaType is complaint_media_list[].media_type.
type MediaType = wxcomplaint.MediaType

// Media types.
const (
	MediaUserComplaintImage = wxcomplaint.MediaUserComplaintImage
	MediaOperationImage     = wxcomplaint.MediaOperationImage
)

// ServiceOrderState is service_order_info[].state.
type ServiceOrderState = wxcomplaint.ServiceOrderState

// Service order states.
const (
	ServiceOrderDoing   = wxcomplaint.ServiceOrderDoing
	ServiceOrderRevoked = wxcomplaint.ServiceOrderRevoked
	ServiceOrderWaitPay = wxcomplaint.ServiceOrderWaitPay
	ServiceOrderDone    = wxcomplaint.ServiceOrderDone
)

// AdditionalInfoType is additional_info.type.
type AdditionalInfoType = wxcomplaint.AdditionalInfoType

// AdditionalInfoSharePower marks a power-bank (充电宝) complaint.
const AdditionalInfoSharePower = wxcomplaint.AdditionalInfoSharePower

// Priority is the global complaint priority.
type Priority = wxcomplaint.Priority

// Priorities (global only).
const (
	PriorityPriority = wxcomplaint.PriorityPriority
	PriorityGeneral  = wxcomplaint.PriorityGeneral
)

// OperateType is a history item's operate_type; Kind and Actor map it onto the
// common model. The misspelt values are WeChat's own.
type OperateType = wxcomplaint.OperateType

// History operate types (domestic list; global stops at
// OperateComplaintEntrustedRefundSystemMessage).
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

// ActionType is the action_type of a decrypted complaint notification; Kind
// maps it onto the common model.
type ActionType = wxcomplaint.ActionType

// Notification action types.
const (
	ActionCreateComplaint           = wxcomplaint.ActionCreateComplaint
	ActionContinueComplaint         = wxcomplaint.ActionContinueComplaint
	ActionUserResponse              = wxcomplaint.ActionUserResponse
	ActionResponseByPlatform        = wxcomplaint.ActionResponseByPlatform
	ActionSellerRefund              = wxcomplaint.ActionSellerRefund
	ActionMerchantResponse          = wxcomplaint.ActionMerchantResponse
	ActionMerchantConfirmComplete   = wxcomplaint.ActionMerchantConfirmComplete
	ActionUserApplyPlatformService  = wxcomplaint.ActionUserApplyPlatformService
	ActionUserCancelPlatformService = wxcomplaint.ActionUserCancelPlatformService
	ActionPlatformServiceFinished   = wxcomplaint.ActionPlatformServiceFinished
	ActionMerchantApproveRefund     = wxcomplaint.ActionMerchantApproveRefund
	ActionMerchantRejectRefund      = wxcomplaint.ActionMerchantRejectRefund
	ActionRefundSuccess             = wxcomplaint.ActionRefundSuccess
)

// SenderIdentity is NormalMessage.sender_identity.
type SenderIdentity = wxcomplaint.SenderIdentity

// Sender identities.
const (
	SenderUnknown = wxcomplaint.SenderUnknown
	SenderManual  = wxcomplaint.SenderManual  // a person
	SenderMachine = wxcomplaint.SenderMachine // a bot
)

// BlockType is a message block's type.
type BlockType = wxcomplaint.BlockType

// Block types.
const (
	BlockText        = wxcomplaint.BlockText
	BlockImage       = wxcomplaint.BlockImage
	BlockLink        = wxcomplaint.BlockLink
	BlockFAQList     = wxcomplaint.BlockFAQList
	BlockButton      = wxcomplaint.BlockButton
	BlockButtonGroup = wxcomplaint.BlockButtonGroup
)

// TextColor is a text block's color.
type TextColor = wxcomplaint.TextColor

// Text colors.
const (
	TextColorDefault   = wxcomplaint.TextColorDefault
	TextColorSecondary = wxcomplaint.TextColorSecondary
)

// ImageStyleType is an image block's image_style_type.
type ImageStyleType = wxcomplaint.ImageStyleType

// Image styles.
const (
	ImageStyleNarrow = wxcomplaint.ImageStyleNarrow
	ImageStyleWide   = wxcomplaint.ImageStyleWide
)

// ButtonLayout is a button group's button_layout.
type ButtonLayout = wxcomplaint.ButtonLayout

// Button layouts.
const (
	LayoutUnknown    = wxcomplaint.LayoutUnknown
	LayoutHorizontal = wxcomplaint.LayoutHorizontal
	LayoutVertical   = wxcomplaint.LayoutVertical
)

// MessageActionType is MessageAction.action_type.
type MessageActionType = wxcomplaint.MessageActionType

// Message action types.
const (
	MessageActionSendMessage     = wxcomplaint.MessageActionSendMessage
	MessageActionJumpURL         = wxcomplaint.MessageActionJumpURL
	MessageActionJumpMiniProgram = wxcomplaint.MessageActionJumpMiniProgram
)
