package wxcomplaint

// Enums are open: a value WeChat adds later decodes as-is into the named string
// type, and the mappings onto package complaint send it to the "other" or
// "unknown" value. Values are WeChat's, misspellings included.

// ComplaintState is complaint_state.
type ComplaintState string

// Complaint states.
const (
	StatePending    ComplaintState = "PENDING"    // 待处理
	StateProcessing ComplaintState = "PROCESSING" // 处理中
	StateProcessed  ComplaintState = "PROCESSED"  // 已处理完成
)

// ProblemType is problem_type (mainland only).
type ProblemType string

// Problem types.
const (
	ProblemRefund         ProblemType = "REFUND"           // 申请退款
	ProblemServiceNotWork ProblemType = "SERVICE_NOT_WORK" // 服务权益未生效
	ProblemOthers         ProblemType = "OTHERS"           // 其他
)

// UserTag is one value of user_tag_list: WeChat's risk label for the buyer,
// which is personal data.
type UserTag string

// User tags.
const (
	UserTagTrusted  UserTag = "TRUSTED"
	UserTagHighRisk UserTag = "HIGH_RISK"
)

// MediaType is complaint_media_list[].media_type.
type MediaType string

// Media types.
const (
	MediaUserComplaintImage MediaType = "USER_COMPLAINT_IMAGE"
	MediaOperationImage     MediaType = "OPERATION_IMAGE"
)

// ServiceOrderState is service_order_info[].state (支付分 service orders).
type ServiceOrderState string

// Service order states.
const (
	ServiceOrderDoing   ServiceOrderState = "DOING"
	ServiceOrderRevoked ServiceOrderState = "REVOKED"
	ServiceOrderWaitPay ServiceOrderState = "WAITPAY"
	ServiceOrderDone    ServiceOrderState = "DONE"
)

// AdditionalInfoType is additional_info.type.
type AdditionalInfoType string

// AdditionalInfoSharePower marks a power-bank (充电宝) complaint.
const AdditionalInfoSharePower AdditionalInfoType = "SHARE_POWER_TYPE"

// Priority is the global complaint priority.
type Priority string

// Priorities (global only).
const (
	PriorityPriority Priority = "PRIORITY"
	PriorityGeneral  Priority = "GENERAL"
)

// OperateType is a negotiation history item's operate_type. The misspelt values
// (USER_COMFIRM_COMPLAINT, MERCHANT_REFUSE_RERUND) are WeChat's own.
type OperateType string

// History operate types (domestic list; global stops at
// OperateComplaintEntrustedRefundSystemMessage).
const (
	OperateUserCreateComplaint                   OperateType = "USER_CREATE_COMPLAINT"
	OperateUserContinueComplaint                 OperateType = "USER_CONTINUE_COMPLAINT"
	OperateUserResponse                          OperateType = "USER_RESPONSE"
	OperatePlatformResponse                      OperateType = "PLATFORM_RESPONSE"
	OperateMerchantResponse                      OperateType = "MERCHANT_RESPONSE"
	OperateMerchantConfirmComplete               OperateType = "MERCHANT_CONFIRM_COMPLETE"
	OperateUserCreateComplaintSystemMessage      OperateType = "USER_CREATE_COMPLAINT_SYSTEM_MESSAGE"
	OperateComplaintFullRefundedSystemMessage    OperateType = "COMPLAINT_FULL_REFUNDED_SYSTEM_MESSAGE"
	OperateUserContinueComplaintSystemMessage    OperateType = "USER_CONTINUE_COMPLAINT_SYSTEM_MESSAGE"
	OperateUserRevokeComplaint                   OperateType = "USER_REVOKE_COMPLAINT"
	OperateUserComfirmComplaint                  OperateType = "USER_COMFIRM_COMPLAINT" // sic
	OperatePlatformHelpApplication               OperateType = "PLATFORM_HELP_APPLICATION"
	OperateUserApplyPlatformHelp                 OperateType = "USER_APPLY_PLATFORM_HELP"
	OperateMerchantApproveRefund                 OperateType = "MERCHANT_APPROVE_REFUND"
	OperateMerchantRefuseRerund                  OperateType = "MERCHANT_REFUSE_RERUND" // sic
	OperateUserSubmitSatisfaction                OperateType = "USER_SUBMIT_SATISFACTION"
	OperateServiceOrderCancel                    OperateType = "SERVICE_ORDER_CANCEL"
	OperateServiceOrderComplete                  OperateType = "SERVICE_ORDER_COMPLETE"
	OperateComplaintPartialRefundedSystemMessage OperateType = "COMPLAINT_PARTIAL_REFUNDED_SYSTEM_MESSAGE"
	OperateComplaintRefundReceivedSystemMessage  OperateType = "COMPLAINT_REFUND_RECEIVED_SYSTEM_MESSAGE"
	OperateComplaintEntrustedRefundSystemMessage OperateType = "COMPLAINT_ENTRUSTED_REFUND_SYSTEM_MESSAGE"
	OperateUserApplyPlatformService              OperateType = "USER_APPLY_PLATFORM_SERVICE"
	OperateUserCancelPlatformService             OperateType = "USER_CANCEL_PLATFORM_SERVICE"
	OperatePlatformServiceFinished               OperateType = "PLATFORM_SERVICE_FINISHED"
	OperateUserClickResponse                     OperateType = "USER_CLICK_RESPONSE"
	// Older values some merchants still see in history.
	OperateComplaintFullRefunded                OperateType = "COMPLAINT_FULL_REFUNDED"
	OperateMerchantConfirmCompleteSystemMessage OperateType = "MERCHANT_CONFIRM_COMPLETE_SYSTEM_MESSAGE"
)

// ActionType is the action_type of a decrypted complaint notification.
type ActionType string

// Notification action types.
const (
	ActionCreateComplaint           ActionType = "CREATE_COMPLAINT"
	ActionContinueComplaint         ActionType = "CONTINUE_COMPLAINT"
	ActionUserResponse              ActionType = "USER_RESPONSE"
	ActionResponseByPlatform        ActionType = "RESPONSE_BY_PLATFORM"
	ActionSellerRefund              ActionType = "SELLER_REFUND"
	ActionMerchantResponse          ActionType = "MERCHANT_RESPONSE"
	ActionMerchantConfirmComplete   ActionType = "MERCHANT_CONFIRM_COMPLETE"
	ActionUserApplyPlatformService  ActionType = "USER_APPLY_PLATFORM_SERVICE"
	ActionUserCancelPlatformService ActionType = "USER_CANCEL_PLATFORM_SERVICE"
	ActionPlatformServiceFinished   ActionType = "PLATFORM_SERVICE_FINISHED"
	ActionMerchantApproveRefund     ActionType = "MERCHANT_APPROVE_REFUND"
	ActionMerchantRejectRefund      ActionType = "MERCHANT_REJECT_REFUND"
	ActionRefundSuccess             ActionType = "REFUND_SUCCESS"
)
