package wechatpay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// This file holds every wire type of the complaint API, mainland and global.
// JSON tags are WeChat's, misspellings included. Enums are open: a value WeChat
// adds later decodes as-is into the named string type.

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

// UserTag is one value of user_tag_list.
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

// Language is the global mch_language query value.
type Language string

// Languages accepted by the global endpoints.
const (
	LanguageZhCN Language = "ZH_CN"
	LanguageZhTW Language = "ZH_TW"
	LanguageZhHK Language = "ZH_HK"
	LanguageEN   Language = "EN"
	LanguageJA   Language = "JA"
	LanguageKO   Language = "KO"
	LanguageTH   Language = "TH"
	LanguageVI   Language = "VI"
	LanguageRU   Language = "RU"
	LanguageDE   Language = "DE"
	LanguageFR   Language = "FR"
	LanguageAR   Language = "AR"
	LanguageES   Language = "ES"
)

// RefundAction is update-refund-progress action.
type RefundAction string

// Refund actions.
const (
	RefundApprove RefundAction = "APPROVE"
	RefundReject  RefundAction = "REJECT"
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

// EventType is a notification envelope's event_type.
type EventType string

// Event types.
const (
	EventComplaintCreate      EventType = "COMPLAINT.CREATE"
	EventComplaintStateChange EventType = "COMPLAINT.STATE_CHANGE"
	EventSecurityEchoSuccess  EventType = "SECURITY_ECHO.SUCCESS"
)

// AlgorithmAEADAES256GCM is the only resource algorithm WeChat uses for
// callbacks and certificate downloads.
const AlgorithmAEADAES256GCM = "AEAD_AES_256_GCM"

// SignatureTypeRSA is the only Wechatpay-Signature-Type this package accepts.
const SignatureTypeRSA = "WECHATPAY2-SHA256-RSA2048"

// SenderIdentity is NormalMessage.sender_identity.
type SenderIdentity string

// Sender identities.
const (
	SenderUnknown SenderIdentity = "UNKNOWN"
	SenderManual  SenderIdentity = "MANUAL"  // a person
	SenderMachine SenderIdentity = "MACHINE" // a bot
)

// BlockType is a message block's type.
type BlockType string

// Block types.
const (
	BlockText        BlockType = "TEXT"
	BlockImage       BlockType = "IMAGE"
	BlockLink        BlockType = "LINK"
	BlockFAQList     BlockType = "FAQ_LIST"
	BlockButton      BlockType = "BUTTON"
	BlockButtonGroup BlockType = "BUTTON_GROUP"
)

// TextColor is a text block's color.
type TextColor string

// Text colors.
const (
	TextColorDefault   TextColor = "DEFAULT"
	TextColorSecondary TextColor = "SECONDARY"
)

// ImageStyleType is an image block's image_style_type.
type ImageStyleType string

// Image styles.
const (
	ImageStyleNarrow ImageStyleType = "IMAGE_STYLE_TYPE_NARROW"
	ImageStyleWide   ImageStyleType = "IMAGE_STYLE_TYPE_WIDE"
)

// ButtonLayout is a button group's button_layout.
type ButtonLayout string

// Button layouts.
const (
	LayoutUnknown    ButtonLayout = "LAYOUT_UNKNOWN"
	LayoutHorizontal ButtonLayout = "LAYOUT_HORIZONTAL"
	LayoutVertical   ButtonLayout = "LAYOUT_VERTICAL"
)

// MessageActionType is MessageAction.action_type (what a link or button does).
type MessageActionType string

// Message action types.
const (
	MessageActionSendMessage     MessageActionType = "ACTION_TYPE_SEND_MESSAGE"
	MessageActionJumpURL         MessageActionType = "ACTION_TYPE_JUMP_URL"
	MessageActionJumpMiniProgram MessageActionType = "ACTION_TYPE_JUMP_MINI_PROGRAM"
)

// CertificateAlgorithmType is the algorithm_type query of /v3/certificates.
type CertificateAlgorithmType string

// Certificate algorithm types.
const (
	CertificateRSA CertificateAlgorithmType = "RSA"
	CertificateSM2 CertificateAlgorithmType = "SM2"
	CertificateAll CertificateAlgorithmType = "ALL"
)

// ---------------------------------------------------------------------------
// Lenient field types

// FlexInt64 decodes a JSON number or a JSON string holding an integer (global
// settlement_refunded_amount is a string in WeChat's spec and a number in
// practice). null and "" decode as 0. It encodes as a JSON string, as the spec
// shows.
type FlexInt64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*f = 0
			return nil
		}
		b = []byte(s)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("wechatpay: amount is not an integer")
	}
	*f = FlexInt64(n)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f FlexInt64) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, strconv.FormatInt(int64(f), 10)), nil
}

// MediaList is complaint_media_list. It is an array of objects in list and
// detail responses and a single object in history items; it decodes both (and
// null) into a slice. It always encodes as an array.
type MediaList []ComplaintMedia

// UnmarshalJSON implements json.Unmarshaler.
func (m *MediaList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*m = nil
		return nil
	case b[0] == '{':
		var one ComplaintMedia
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*m = MediaList{one}
		return nil
	}
	var many []ComplaintMedia
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*m = many
	return nil
}

// ---------------------------------------------------------------------------
// Complaints

// ComplaintMedia is one entry of complaint_media_list.
type ComplaintMedia struct {
	MediaType MediaType `json:"media_type"`
	// MediaURL holds full URLs (https://api.mch.weixin.qq.com/v3/merchant-service/images/<media_id>);
	// fetch them with Client.DownloadImage, verbatim.
	MediaURL []string `json:"media_url"`
}

// ComplaintOrder is one complaint_order_info entry. Mainland orders carry
// Amount; global orders carry the settlement and payer fields instead.
type ComplaintOrder struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	// Amount is the order amount in fen (mainland).
	Amount int64 `json:"amount,omitempty"`

	// Global only: amounts in the minor unit of their currency.
	SettlementAmount         int64     `json:"settlement_amount,omitempty"`
	SettlementRefundedAmount FlexInt64 `json:"settlement_refunded_amount,omitempty"`
	SettlementCurrency       string    `json:"settlement_currency,omitempty"`
	PayerAmount              int64     `json:"payer_amount,omitempty"`
	PayerRefundedAmount      int64     `json:"payer_refunded_amount,omitempty"`
	PayerCurrency            string    `json:"payer_currency,omitempty"`
	TradeTime                time.Time `json:"trade_time,omitzero"`
}

// ServiceOrder is one service_order_info entry (支付分 service orders).
type ServiceOrder struct {
	OrderID    string            `json:"order_id"`
	OutOrderNo string            `json:"out_order_no"`
	State      ServiceOrderState `json:"state"`
}

// ReturnAddressInfo is where a power bank was returned.
type ReturnAddressInfo struct {
	ReturnAddress string `json:"return_address,omitempty"`
	Longitude     string `json:"longitude,omitempty"`
	Latitude      string `json:"latitude,omitempty"`
}

// SharePowerInfo describes a power-bank rental complaint.
type SharePowerInfo struct {
	ReturnTime        time.Time          `json:"return_time,omitzero"`
	ReturnAddressInfo *ReturnAddressInfo `json:"return_address_info,omitempty"`
	// IsReturnedToSameMachine is a sibling of ReturnAddressInfo on the wire.
	IsReturnedToSameMachine bool `json:"is_returned_to_same_machine"`
}

// AdditionalInfo is additional_info.
type AdditionalInfo struct {
	Type           AdditionalInfoType `json:"type"`
	SharePowerInfo *SharePowerInfo    `json:"share_power_info,omitempty"`
}

// Complaint is a complaint as the list and detail endpoints return it, mainland
// and global. Detail adds PayerOpenID (mainland). Fields a region lacks stay
// zero.
type Complaint struct {
	ComplaintID           string         `json:"complaint_id"`
	ComplaintTime         time.Time      `json:"complaint_time"`
	ComplaintDetail       string         `json:"complaint_detail"`
	ComplaintState        ComplaintState `json:"complaint_state"`
	ComplaintedMchID      string         `json:"complainted_mchid"`
	ComplaintFullRefunded bool           `json:"complaint_full_refunded"`
	IncomingUserResponse  bool           `json:"incoming_user_response"`
	ProblemDescription    string         `json:"problem_description,omitempty"`
	UserComplaintTimes    int            `json:"user_complaint_times"`
	// PayerPhone is the buyer's phone number, RSA-OAEP encrypted with the
	// merchant's API certificate key, Base64. Decrypt it with
	// Client.DecryptPayerPhone or WithPayerPhoneDecryption.
	PayerPhone string `json:"payer_phone,omitempty"`
	// PayerOpenID is the buyer's openid (mainland detail only).
	PayerOpenID          string           `json:"payer_openid,omitempty"`
	ComplaintOrderInfo   []ComplaintOrder `json:"complaint_order_info,omitempty"`
	ServiceOrderInfo     []ServiceOrder   `json:"service_order_info,omitempty"`
	ComplaintMediaList   MediaList        `json:"complaint_media_list,omitempty"`
	ProblemType          ProblemType      `json:"problem_type,omitempty"`
	ApplyRefundAmount    int64            `json:"apply_refund_amount,omitempty"`
	UserTagList          []UserTag        `json:"user_tag_list,omitempty"`
	AdditionalInfo       *AdditionalInfo  `json:"additional_info,omitempty"`
	InPlatformService    bool             `json:"in_platform_service,omitempty"`
	NeedImmediateService bool             `json:"need_immediate_service,omitempty"`
	IsAgentMode          bool             `json:"is_agent_mode,omitempty"`

	// Global only.
	IsOverdue            bool     `json:"is_overdue,omitempty"`
	Priority             Priority `json:"priority,omitempty"`
	ComplaintDetailTrans string   `json:"complaint_detail_trans,omitempty"`

	// PayerPhonePlaintext is the decrypted phone number, filled only when the
	// client was built WithPayerPhoneDecryption. Never sent; masked in every
	// print and log (see complaint.Phone).
	PayerPhonePlaintext complaint.Phone `json:"-"`
	// Raw is the complaint's JSON exactly as received, including fields this
	// struct does not know yet.
	Raw json.RawMessage `json:"-"`
}

// LogValue makes log/slog print a summary without personal data: ids, state,
// problem type and time. payer_phone (ciphertext or plaintext), payer_openid,
// the buyer's text and Raw are left out; slog.JSONHandler would otherwise
// marshal the ciphertext with its json tag.
func (c Complaint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("complaint_id", c.ComplaintID),
		slog.String("complainted_mchid", c.ComplaintedMchID),
		slog.String("complaint_state", string(c.ComplaintState)),
		slog.String("problem_type", string(c.ProblemType)),
		slog.Time("complaint_time", c.ComplaintTime),
	)
}

// UnmarshalJSON decodes leniently and keeps the raw bytes in Raw.
func (c *Complaint) UnmarshalJSON(b []byte) error {
	type plain Complaint
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	p.Raw = append(json.RawMessage(nil), b...)
	*c = Complaint(p)
	return nil
}

// ListComplaintsRequest queries complaints-v2 (mainland) or complaints
// (global). BeginDate and EndDate are calendar days in Beijing time, both
// required, at most 30 days apart.
type ListComplaintsRequest struct {
	BeginDate time.Time
	EndDate   time.Time
	// Limit is the page size, 1..50; 0 means 10.
	Limit int
	// Offset is the 0-based start.
	Offset int
	// ComplaintedMchID narrows a service provider's list to one sub-merchant.
	ComplaintedMchID string
	// Language is the global mch_language; ignored on mainland.
	Language Language
}

// ListComplaintsResponse is one page of complaints.
type ListComplaintsResponse struct {
	Data   []Complaint `json:"data"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
	// TotalCount is documented as returned when offset is 0.
	TotalCount int `json:"total_count"`
}

// GetComplaintRequest asks for one complaint's detail.
type GetComplaintRequest struct {
	ComplaintID string
	// Language is the global mch_language; ignored on mainland.
	Language Language
}

// ---------------------------------------------------------------------------
// Negotiation history

// ClickMessage is a history item's click_message.
type ClickMessage struct {
	MessageContent json.RawMessage `json:"message_content,omitempty"`
	ActionID       string          `json:"action_id,omitempty"`
	ClickedLogID   string          `json:"clicked_log_id,omitempty"`
}

// NegotiationHistory is one item of negotiation-historys (sic).
type NegotiationHistory struct {
	LogID       string      `json:"log_id"`
	Operator    string      `json:"operator"`
	OperateTime time.Time   `json:"operate_time"`
	OperateType OperateType `json:"operate_type"`
	// OperateDetails is the refusal reason for MERCHANT_REFUSE_RERUND and the
	// score for USER_SUBMIT_SATISFACTION.
	OperateDetails string `json:"operate_details,omitempty"`
	// ImageList holds up to 4 image URLs, each valid for about an hour.
	ImageList []string `json:"image_list,omitempty"`
	// ComplaintMediaList is a single object on the wire here; see MediaList.
	ComplaintMediaList                       MediaList      `json:"complaint_media_list,omitempty"`
	UserAppyPlatformServiceReason            string         `json:"user_appy_platform_service_reason,omitempty"`             // sic
	UserAppyPlatformServiceReasonDescription string         `json:"user_appy_platform_service_reason_description,omitempty"` // sic
	NormalMessage                            *NormalMessage `json:"normal_message,omitempty"`
	ClickMessage                             *ClickMessage  `json:"click_message,omitempty"`

	// Raw is the item's JSON exactly as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes leniently and keeps the raw bytes in Raw.
func (h *NegotiationHistory) UnmarshalJSON(b []byte) error {
	type plain NegotiationHistory
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	p.Raw = append(json.RawMessage(nil), b...)
	*h = NegotiationHistory(p)
	return nil
}

// ListHistoryRequest queries one complaint's negotiation history.
type ListHistoryRequest struct {
	ComplaintID string
	// Limit is the page size, 1..300; 0 means 100.
	Limit  int
	Offset int
	// Language is the global mch_language; ignored on mainland.
	Language Language
}

// ListHistoryResponse is one page of history.
type ListHistoryResponse struct {
	Data       []NegotiationHistory `json:"data"`
	Limit      int                  `json:"limit"`
	Offset     int                  `json:"offset"`
	TotalCount int                  `json:"total_count"`
}

// ---------------------------------------------------------------------------
// Rich messages (response-immediate-service; history normal_message)

// MiniProgramJumpInfo points at a mini program page.
type MiniProgramJumpInfo struct {
	AppID string `json:"appid"`
	Path  string `json:"path"`
	Text  string `json:"text"`
}

// MessageInfo is the message a SEND_MESSAGE action sends.
type MessageInfo struct {
	Content    string `json:"content"`
	CustomData string `json:"custom_data,omitempty"`
}

// MessageAction is what a link, button or FAQ does when clicked.
type MessageAction struct {
	ActionType          MessageActionType    `json:"action_type"`
	JumpURL             string               `json:"jump_url,omitempty"`
	MiniProgramJumpInfo *MiniProgramJumpInfo `json:"mini_program_jump_info,omitempty"`
	MessageInfo         *MessageInfo         `json:"message_info,omitempty"`
	ActionID            string               `json:"action_id,omitempty"`
}

// InvalidInfo says when a clickable element expires.
type InvalidInfo struct {
	ExpiredTime    time.Time `json:"expired_time,omitzero"`
	MultiClickable bool      `json:"multi_clickable"`
}

// TextBlock is a TEXT block's text.
type TextBlock struct {
	Text   string    `json:"text"`
	Color  TextColor `json:"color,omitempty"`
	IsBold bool      `json:"is_bold,omitempty"`
}

// ImageBlock is an IMAGE block's image.
type ImageBlock struct {
	MediaID        string         `json:"media_id"`
	ImageStyleType ImageStyleType `json:"image_style_type,omitempty"`
}

// LinkBlock is a LINK block's link.
type LinkBlock struct {
	Text        string        `json:"text"`
	Action      MessageAction `json:"action"`
	InvalidInfo *InvalidInfo  `json:"invalid_info,omitempty"`
}

// FAQ is one question of a FAQ_LIST block.
type FAQ struct {
	FAQID    string        `json:"faq_id"`
	FAQTitle string        `json:"faq_title"`
	Action   MessageAction `json:"action"`
}

// FAQListBlock is a FAQ_LIST block's faq_list.
type FAQListBlock struct {
	FAQs []FAQ `json:"faqs"`
}

// Button is a BUTTON block's button, or one button of a group.
type Button struct {
	Text        string        `json:"text"`
	Action      MessageAction `json:"action"`
	InvalidInfo *InvalidInfo  `json:"invalid_info,omitempty"`
}

// ButtonGroup is a BUTTON_GROUP block's button_group.
type ButtonGroup struct {
	Buttons      []Button     `json:"buttons"`
	ButtonLayout ButtonLayout `json:"button_layout,omitempty"`
	InvalidInfo  *InvalidInfo `json:"invalid_info,omitempty"`
}

// MessageBlock is one block of a NormalMessage; the field matching Type is set.
type MessageBlock struct {
	Type        BlockType     `json:"type"`
	Text        *TextBlock    `json:"text,omitempty"`
	Image       *ImageBlock   `json:"image,omitempty"`
	Link        *LinkBlock    `json:"link,omitempty"`
	FAQList     *FAQListBlock `json:"faq_list,omitempty"`
	Button      *Button       `json:"button,omitempty"`
	ButtonGroup *ButtonGroup  `json:"button_group,omitempty"`
}

// NormalMessage is a rich message (endpoint response-immediate-service, and
// history normal_message). SenderIdentity sits inside the message.
type NormalMessage struct {
	Blocks         []MessageBlock `json:"blocks"`
	SenderIdentity SenderIdentity `json:"sender_identity,omitempty"`
	CustomData     string         `json:"custom_data,omitempty"`
}

// ---------------------------------------------------------------------------
// Writes

// ReplyRequest is the body of .../{complaint_id}/response. ComplaintID goes
// into the path. Content is at most 200 characters with no 4-byte characters
// (no emoji); at most 4 images; JumpURL must be https. MiniProgramJumpInfo is
// mainland only.
type ReplyRequest struct {
	ComplaintID         string               `json:"-"`
	ComplaintedMchID    string               `json:"complainted_mchid"`
	ResponseContent     string               `json:"response_content"`
	ResponseImages      []string             `json:"response_images,omitempty"`
	JumpURL             string               `json:"jump_url,omitempty"`
	JumpURLText         string               `json:"jump_url_text,omitempty"`
	MiniProgramJumpInfo *MiniProgramJumpInfo `json:"mini_program_jump_info,omitempty"`
}

// CompleteRequest is the body of .../{complaint_id}/complete.
type CompleteRequest struct {
	ComplaintID      string `json:"-"`
	ComplaintedMchID string `json:"complainted_mchid"`
}

// UpdateRefundProgressRequest is the body of .../update-refund-progress
// (mainland only). It has no complainted_mchid. LaunchRefundDay is used with
// APPROVE (working days until the refund starts; 0 = today, hence a pointer);
// RejectReason and RejectMediaList (≤ 4 media ids) with REJECT.
type UpdateRefundProgressRequest struct {
	ComplaintID     string       `json:"-"`
	Action          RefundAction `json:"action"`
	LaunchRefundDay *int         `json:"launch_refund_day,omitempty"`
	RejectReason    string       `json:"reject_reason,omitempty"`
	RejectMediaList []string     `json:"reject_media_list,omitempty"`
	Remark          string       `json:"remark,omitempty"`
}

// ImmediateServiceRequest is the body of .../response-immediate-service
// (mainland only). IdempotentID (≤ 128 characters) makes retries safe.
type ImmediateServiceRequest struct {
	ComplaintID      string        `json:"-"`
	ComplaintedMchID string        `json:"complainted_mchid"`
	Message          NormalMessage `json:"message"`
	IdempotentID     string        `json:"idempotent_id"`
}

// ImmediateServiceResponse is its answer.
type ImmediateServiceResponse struct {
	LogID string `json:"log_id"`
}

// ---------------------------------------------------------------------------
// Notification URL

// NotificationURLRequest is the body of the create and update calls; URL must
// be https.
type NotificationURLRequest struct {
	URL string `json:"url"`
}

// NotificationURL is what the create, query and update calls return.
type NotificationURL struct {
	MchID string `json:"mchid"`
	URL   string `json:"url"`
}

// ---------------------------------------------------------------------------
// Images

// MaxImageBytes is the upload limit: 2 MB.
const MaxImageBytes = 2 << 20

// UploadImageRequest uploads a JPG, PNG or BMP of at most 2 MB. Filename must
// end in .jpg, .png or .bmp and match the data.
type UploadImageRequest struct {
	Filename string
	Data     []byte
}

// ImageMeta is the multipart "meta" part, which is also the signed body.
// SHA256 is the lowercase hex digest of the file.
type ImageMeta struct {
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
}

// UploadImageResponse is the upload's answer.
type UploadImageResponse struct {
	MediaID string `json:"media_id"`
}

// DownloadImageRequest fetches a complaint image by its media URL exactly as
// WeChat returned it; it is never re-escaped. ComplaintID is required on
// global and ignored on mainland.
type DownloadImageRequest struct {
	MediaURL    string
	ComplaintID string
}

// DownloadImageResponse streams the image. The caller must Close Body.
type DownloadImageResponse struct {
	Body          io.ReadCloser
	ContentType   string
	ContentLength int64
	RequestID     string
}

// ---------------------------------------------------------------------------
// Notifications and certificates

// EncryptedResource is an AEAD_AES_256_GCM-encrypted payload (callback
// resource, downloaded certificate).
type EncryptedResource struct {
	OriginalType   string `json:"original_type,omitempty"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data,omitempty"`
	Nonce          string `json:"nonce"`
}

// NotificationResource is a complaint notification's decrypted resource.
// It carries ids only: fetch the detail or history for the rest.
type NotificationResource struct {
	ComplaintID string     `json:"complaint_id"`
	ActionType  ActionType `json:"action_type"`
}

// Notification is a complaint callback: the envelope as sent, and the decrypted
// resource after ParseNotification.
type Notification struct {
	// ID is unique per notification; redeliveries repeat it.
	ID           string            `json:"id"`
	CreateTime   time.Time         `json:"create_time"`
	EventType    EventType         `json:"event_type"`
	ResourceType string            `json:"resource_type"`
	Summary      string            `json:"summary"`
	Resource     EncryptedResource `json:"resource"`

	// Decrypted is the opened resource (filled by ParseNotification and
	// Receiver; never encoded).
	Decrypted NotificationResource `json:"-"`
	// RequestID is the callback's Request-ID header, when present.
	RequestID string `json:"-"`
}

// Certificate is one entry of /v3/certificates data[].
type Certificate struct {
	SerialNo           string            `json:"serial_no"`
	EffectiveTime      time.Time         `json:"effective_time"`
	ExpireTime         time.Time         `json:"expire_time"`
	EncryptCertificate EncryptedResource `json:"encrypt_certificate"`
}

// CertificatesResponse is the /v3/certificates (and /v3/global/certificates)
// answer.
type CertificatesResponse struct {
	Data []Certificate `json:"data"`
}

// ---------------------------------------------------------------------------
// Errors on the wire

// SignInformation is the debugging detail of a 401 SIGN_ERROR: what WeChat
// thinks was signed.
type SignInformation struct {
	Method               string `json:"method,omitempty"`
	URL                  string `json:"url,omitempty"`
	SignMessageLength    int    `json:"sign_message_length,omitempty"`
	TruncatedSignMessage string `json:"truncated_sign_message,omitempty"`
}

// ErrorDetail is an error body's detail.
type ErrorDetail struct {
	Field           string           `json:"field,omitempty"`
	Value           json.RawMessage  `json:"value,omitempty"`
	Issue           string           `json:"issue,omitempty"`
	Location        string           `json:"location,omitempty"`
	SignInformation *SignInformation `json:"sign_information,omitempty"`
}

// ErrorBody is the JSON body of a non-2xx answer.
type ErrorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Detail  *ErrorDetail `json:"detail,omitempty"`
}

// Error codes WeChat documents.
const (
	CodeParamError        = "PARAM_ERROR"
	CodeInvalidRequest    = "INVALID_REQUEST"
	CodeSignError         = "SIGN_ERROR"
	CodeNoAuth            = "NO_AUTH"
	CodeResourceNotExists = "RESOURCE_NOT_EXISTS"
	CodeFrequencyLimited  = "FREQUENCY_LIMITED"
	CodeRateLimited       = "RATE_LIMITED"
	CodeSystemError       = "SYSTEM_ERROR"
)
