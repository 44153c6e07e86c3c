package wechatpaytest

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/wechatpay"
)

// This file holds what the server sends, written from WeChat's field tables
// (the provider fact sheet §4.3–4.7, the OpenAPI descriptions cited in
// testdata/docs/README.md) and independent of package wechatpay's models and
// tags: a field WeChat documents as required carries no omitempty and is sent
// zero or not; an optional one is left out when the seeded value is zero, as
// WeChat leaves out what is absent. The seeding API keeps taking wechatpay
// values; the converters below are the only place they meet the wire.

// Values the server writes itself, spelled from the fact sheet rather than
// taken from package wechatpay, so a misspelt constant there cannot pass on
// both sides.
const (
	statePending    = "PENDING"
	stateProcessing = "PROCESSING"
	stateProcessed  = "PROCESSED"

	problemRefund         = "REFUND"
	problemServiceNotWork = "SERVICE_NOT_WORK"

	opUserCreateComplaint     = "USER_CREATE_COMPLAINT"
	opUserResponse            = "USER_RESPONSE"
	opMerchantResponse        = "MERCHANT_RESPONSE"
	opMerchantConfirmComplete = "MERCHANT_CONFIRM_COMPLETE"
	opMerchantApproveRefund   = "MERCHANT_APPROVE_REFUND"
	opMerchantRefuseRerund    = "MERCHANT_REFUSE_RERUND" // sic, WeChat's spelling

	mediaUserComplaintImage = "USER_COMPLAINT_IMAGE"

	algorithmAEADAES256GCM = "AEAD_AES_256_GCM"
	signatureTypeRSA       = "WECHATPAY2-SHA256-RSA2048"

	codeParamError        = "PARAM_ERROR"
	codeInvalidRequest    = "INVALID_REQUEST"
	codeSignError         = "SIGN_ERROR"
	codeNoAuth            = "NO_AUTH"
	codeResourceNotExists = "RESOURCE_NOT_EXISTS"
	codeFrequencyLimited  = "FREQUENCY_LIMITED"
	codeSystemError       = "SYSTEM_ERROR"
)

// maxImageBytes is WeChat's upload limit: 2 MB.
const maxImageBytes = 2 << 20

// wireTime is a time as WeChat writes complaint, history and trade times:
// RFC 3339 in Beijing time with milliseconds ("2015-05-20T13:29:35.120+08:00").
type wireTime time.Time

// MarshalJSON implements json.Marshaler.
func (t wireTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).In(cntime.Zone).Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

// wireSecond is a time as WeChat writes callback, certificate, return and
// expiry times: RFC 3339 in Beijing time to the second
// ("2015-05-20T13:29:35+08:00"). Requests may send it with any offset.
type wireSecond time.Time

// IsZero lets omitzero leave an unset optional time out.
func (t wireSecond) IsZero() bool { return time.Time(t).IsZero() }

// MarshalJSON implements json.Marshaler.
func (t wireSecond) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).In(cntime.Zone).Format(time.RFC3339) + `"`), nil
}

// UnmarshalJSON implements json.Unmarshaler: an RFC 3339 string.
func (t *wireSecond) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		// A type error carries the field's path into the PARAM_ERROR.
		return &json.UnmarshalTypeError{Value: "string", Type: reflect.TypeFor[time.Time]()}
	}
	*t = wireSecond(v)
	return nil
}

// ---------------------------------------------------------------------------
// Complaints (list item and detail)

// complaintCore is what mainland and global complaints share, all of it
// required except payer_phone and service_order_info.
type complaintCore struct {
	ComplaintID           string         `json:"complaint_id"`
	ComplaintTime         wireTime       `json:"complaint_time"`
	ComplaintDetail       string         `json:"complaint_detail"`
	ComplaintState        string         `json:"complaint_state"`
	ComplaintedMchID      string         `json:"complainted_mchid"`
	PayerPhone            string         `json:"payer_phone,omitempty"`
	ServiceOrderInfo      []serviceOrder `json:"service_order_info,omitempty"`
	ComplaintFullRefunded bool           `json:"complaint_full_refunded"`
	IncomingUserResponse  bool           `json:"incoming_user_response"`
	UserComplaintTimes    int            `json:"user_complaint_times"`
}

// mainlandComplaint is a complaints-v2 list item or detail (fact sheet §4.3).
type mainlandComplaint struct {
	complaintCore
	PayerOpenID          string          `json:"payer_openid,omitempty"` // detail only
	ComplaintOrderInfo   []mainlandOrder `json:"complaint_order_info,omitempty"`
	ComplaintMediaList   []mainlandMedia `json:"complaint_media_list,omitempty"`
	ProblemDescription   string          `json:"problem_description"`
	ProblemType          string          `json:"problem_type,omitempty"`
	ApplyRefundAmount    int64           `json:"apply_refund_amount,omitempty"`
	UserTagList          []string        `json:"user_tag_list,omitempty"`
	AdditionalInfo       *additionalInfo `json:"additional_info,omitempty"`
	InPlatformService    bool            `json:"in_platform_service,omitempty"`
	NeedImmediateService bool            `json:"need_immediate_service,omitempty"`
	IsAgentMode          bool            `json:"is_agent_mode,omitempty"`
}

type mainlandOrder struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	Amount        int64  `json:"amount"`
}

type serviceOrder struct {
	OrderID    string `json:"order_id,omitempty"`
	OutOrderNo string `json:"out_order_no,omitempty"`
	State      string `json:"state,omitempty"`
}

// mainlandMedia is one complaint_media_list entry; media_url is optional on
// mainland.
type mainlandMedia struct {
	MediaType string   `json:"media_type"`
	MediaURL  []string `json:"media_url,omitempty"`
}

type additionalInfo struct {
	Type           string          `json:"type,omitempty"`
	SharePowerInfo *sharePowerInfo `json:"share_power_info,omitempty"`
}

// sharePowerInfo sends is_returned_to_same_machine whenever it is sent at
// all: WeChat's own example shows it as false.
type sharePowerInfo struct {
	ReturnTime              wireSecond         `json:"return_time,omitzero"`
	ReturnAddressInfo       *returnAddressInfo `json:"return_address_info,omitempty"`
	IsReturnedToSameMachine bool               `json:"is_returned_to_same_machine"`
}

type returnAddressInfo struct {
	ReturnAddress string `json:"return_address,omitempty"`
	Longitude     string `json:"longitude,omitempty"`
	Latitude      string `json:"latitude,omitempty"`
}

// globalComplaint is a global (apihk) list item or detail (fact sheet §4.7):
// no payer_openid, problem_type, refund, tag, additional or service flags;
// problem_description optional; orders in two currencies.
type globalComplaint struct {
	complaintCore
	ComplaintOrderInfo   []globalOrder `json:"complaint_order_info,omitempty"`
	IsOverdue            bool          `json:"is_overdue,omitempty"`
	Priority             string        `json:"priority,omitempty"`
	ComplaintMediaList   []globalMedia `json:"complaint_media_list,omitempty"`
	ProblemDescription   string        `json:"problem_description,omitempty"`
	ComplaintDetailTrans string        `json:"complaint_detail_trans,omitempty"`
}

// globalOrder: every field is required, refunded amounts included (0 before
// any refund). settlement_refunded_amount is a string in WeChat's spec.
type globalOrder struct {
	TransactionID            string   `json:"transaction_id"`
	OutTradeNo               string   `json:"out_trade_no"`
	SettlementAmount         int64    `json:"settlement_amount"`
	SettlementRefundedAmount string   `json:"settlement_refunded_amount"`
	SettlementCurrency       string   `json:"settlement_currency"`
	PayerAmount              int64    `json:"payer_amount"`
	PayerRefundedAmount      int64    `json:"payer_refunded_amount"`
	PayerCurrency            string   `json:"payer_currency"`
	TradeTime                wireTime `json:"trade_time"`
}

// globalMedia: both fields required on global.
type globalMedia struct {
	MediaType string   `json:"media_type"`
	MediaURL  []string `json:"media_url"`
}

// ---------------------------------------------------------------------------
// Negotiation history (fact sheet §4.4; complaint_media_list is one object)

// historyCore is what mainland and global history items share.
type historyCore struct {
	LogID          string   `json:"log_id"`
	Operator       string   `json:"operator"`
	OperateTime    wireTime `json:"operate_time"`
	OperateType    string   `json:"operate_type"`
	OperateDetails string   `json:"operate_details,omitempty"`
	ImageList      []string `json:"image_list,omitempty"`
}

type mainlandHistory struct {
	historyCore
	ComplaintMediaList                       *mainlandMedia `json:"complaint_media_list,omitempty"`
	UserAppyPlatformServiceReason            string         `json:"user_appy_platform_service_reason,omitempty"`             // sic
	UserAppyPlatformServiceReasonDescription string         `json:"user_appy_platform_service_reason_description,omitempty"` // sic
	NormalMessage                            *wireMessage   `json:"normal_message,omitempty"`
	ClickMessage                             *clickMessage  `json:"click_message,omitempty"`
}

type clickMessage struct {
	MessageContent json.RawMessage `json:"message_content,omitempty"`
	ActionID       string          `json:"action_id,omitempty"`
	ClickedLogID   string          `json:"clicked_log_id,omitempty"`
}

// globalHistory has no platform-service reasons and no rich messages.
type globalHistory struct {
	historyCore
	ComplaintMediaList *globalMedia `json:"complaint_media_list,omitempty"`
}

// page is a list or history page. data is always an array (never null);
// total_count is sent when total is set.
type page[T any] struct {
	Data       []T  `json:"data"`
	Limit      int  `json:"limit"`
	Offset     int  `json:"offset"`
	TotalCount *int `json:"total_count,omitempty"`
}

// ---------------------------------------------------------------------------
// Other answers

type notificationURLBody struct {
	MchID string `json:"mchid"`
	URL   string `json:"url"`
}

type mediaIDBody struct {
	MediaID string `json:"media_id"`
}

type logIDBody struct {
	LogID string `json:"log_id"`
}

type certificatesBody struct {
	Data []certificateBody `json:"data"`
}

type certificateBody struct {
	SerialNo           string        `json:"serial_no"`
	EffectiveTime      wireSecond    `json:"effective_time"`
	ExpireTime         wireSecond    `json:"expire_time"`
	EncryptCertificate encryptedBody `json:"encrypt_certificate"`
}

// encryptedBody is an AES-256-GCM sealed value (certificate or callback
// resource); original_type is set on callbacks only.
type encryptedBody struct {
	OriginalType   string `json:"original_type,omitempty"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
}

// notificationEnvelope is a complaint callback body (fact sheet §5.1).
type notificationEnvelope struct {
	ID           string        `json:"id"`
	CreateTime   wireSecond    `json:"create_time"`
	EventType    string        `json:"event_type"`
	ResourceType string        `json:"resource_type"`
	Summary      string        `json:"summary"`
	Resource     encryptedBody `json:"resource"`
}

// notificationResource is the decrypted resource: ids only (fact sheet §5.2).
type notificationResource struct {
	ComplaintID string `json:"complaint_id"`
	ActionType  string `json:"action_type"`
}

// errorBody is WeChat's error answer {code, message, detail?} (fact sheet §2).
type errorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Detail  *errorDetail `json:"detail,omitempty"`
}

type errorDetail struct {
	Field           string           `json:"field,omitempty"`
	Issue           string           `json:"issue,omitempty"`
	Location        string           `json:"location,omitempty"`
	SignInformation *signInformation `json:"sign_information,omitempty"`
}

// signInformation is what a 401 SIGN_ERROR says was verified.
type signInformation struct {
	Method               string `json:"method"`
	URL                  string `json:"url"`
	SignMessageLength    int    `json:"sign_message_length"`
	TruncatedSignMessage string `json:"truncated_sign_message"`
}

// ---------------------------------------------------------------------------
// From the seeded model to the wire

// defaultProblemDescription is what a mainland complaint seeded without a
// problem description answers: the name of its problem type, as WeChat's
// pages give it (the field is required on mainland).
func defaultProblemDescription(t wechatpay.ProblemType) string {
	switch string(t) {
	case problemRefund:
		return "申请退款"
	case problemServiceNotWork:
		return "服务权益未生效"
	}
	return "其他"
}

func coreOf(c *wechatpay.Complaint) complaintCore {
	w := complaintCore{
		ComplaintID:           c.ComplaintID,
		ComplaintTime:         wireTime(c.ComplaintTime),
		ComplaintDetail:       c.ComplaintDetail,
		ComplaintState:        string(c.ComplaintState),
		ComplaintedMchID:      c.ComplaintedMchID,
		PayerPhone:            c.PayerPhone,
		ComplaintFullRefunded: c.ComplaintFullRefunded,
		IncomingUserResponse:  c.IncomingUserResponse,
		UserComplaintTimes:    c.UserComplaintTimes,
	}
	for _, o := range c.ServiceOrderInfo {
		w.ServiceOrderInfo = append(w.ServiceOrderInfo, serviceOrder{OrderID: o.OrderID, OutOrderNo: o.OutOrderNo, State: string(o.State)})
	}
	return w
}

func toMainland(c *wechatpay.Complaint, detail bool) mainlandComplaint {
	w := mainlandComplaint{
		complaintCore:        coreOf(c),
		ProblemDescription:   c.ProblemDescription,
		ProblemType:          string(c.ProblemType),
		ApplyRefundAmount:    c.ApplyRefundAmount,
		AdditionalInfo:       toAdditionalInfo(c.AdditionalInfo),
		InPlatformService:    c.InPlatformService,
		NeedImmediateService: c.NeedImmediateService,
		IsAgentMode:          c.IsAgentMode,
	}
	if detail {
		w.PayerOpenID = c.PayerOpenID
	}
	for _, o := range c.ComplaintOrderInfo {
		w.ComplaintOrderInfo = append(w.ComplaintOrderInfo, mainlandOrder{TransactionID: o.TransactionID, OutTradeNo: o.OutTradeNo, Amount: o.Amount})
	}
	for _, m := range c.ComplaintMediaList {
		w.ComplaintMediaList = append(w.ComplaintMediaList, mainlandMedia{MediaType: string(m.MediaType), MediaURL: slices.Clone(m.MediaURL)})
	}
	for _, t := range c.UserTagList {
		w.UserTagList = append(w.UserTagList, string(t))
	}
	return w
}

func toGlobal(c *wechatpay.Complaint) globalComplaint {
	w := globalComplaint{
		complaintCore:        coreOf(c),
		IsOverdue:            c.IsOverdue,
		Priority:             string(c.Priority),
		ProblemDescription:   c.ProblemDescription,
		ComplaintDetailTrans: c.ComplaintDetailTrans,
	}
	for _, o := range c.ComplaintOrderInfo {
		w.ComplaintOrderInfo = append(w.ComplaintOrderInfo, globalOrder{
			TransactionID:            o.TransactionID,
			OutTradeNo:               o.OutTradeNo,
			SettlementAmount:         o.SettlementAmount,
			SettlementRefundedAmount: strconv.FormatInt(int64(o.SettlementRefundedAmount), 10),
			SettlementCurrency:       o.SettlementCurrency,
			PayerAmount:              o.PayerAmount,
			PayerRefundedAmount:      o.PayerRefundedAmount,
			PayerCurrency:            o.PayerCurrency,
			TradeTime:                wireTime(o.TradeTime),
		})
	}
	for _, m := range c.ComplaintMediaList {
		w.ComplaintMediaList = append(w.ComplaintMediaList, toGlobalMedia(m))
	}
	return w
}

func toGlobalMedia(m wechatpay.ComplaintMedia) globalMedia {
	urls := slices.Clone(m.MediaURL)
	if urls == nil {
		urls = []string{} // required: an empty array, never null
	}
	return globalMedia{MediaType: string(m.MediaType), MediaURL: urls}
}

func toAdditionalInfo(a *wechatpay.AdditionalInfo) *additionalInfo {
	if a == nil {
		return nil
	}
	w := &additionalInfo{Type: string(a.Type)}
	if sp := a.SharePowerInfo; sp != nil {
		w.SharePowerInfo = &sharePowerInfo{ReturnTime: wireSecond(sp.ReturnTime), IsReturnedToSameMachine: sp.IsReturnedToSameMachine}
		if ra := sp.ReturnAddressInfo; ra != nil {
			w.SharePowerInfo.ReturnAddressInfo = &returnAddressInfo{ReturnAddress: ra.ReturnAddress, Longitude: ra.Longitude, Latitude: ra.Latitude}
		}
	}
	return w
}

func historyCoreOf(h *wechatpay.NegotiationHistory) historyCore {
	return historyCore{
		LogID:          h.LogID,
		Operator:       h.Operator,
		OperateTime:    wireTime(h.OperateTime),
		OperateType:    string(h.OperateType),
		OperateDetails: h.OperateDetails,
		ImageList:      slices.Clone(h.ImageList),
	}
}

// A history item carries one complaint_media_list object on the wire; a
// seeded entry with several sends its first.
func toMainlandHistory(h *wechatpay.NegotiationHistory) mainlandHistory {
	w := mainlandHistory{
		historyCore:                              historyCoreOf(h),
		UserAppyPlatformServiceReason:            h.UserAppyPlatformServiceReason,
		UserAppyPlatformServiceReasonDescription: h.UserAppyPlatformServiceReasonDescription,
		NormalMessage:                            messageToWire(h.NormalMessage),
	}
	if len(h.ComplaintMediaList) > 0 {
		m := h.ComplaintMediaList[0]
		w.ComplaintMediaList = &mainlandMedia{MediaType: string(m.MediaType), MediaURL: slices.Clone(m.MediaURL)}
	}
	if cm := h.ClickMessage; cm != nil {
		w.ClickMessage = &clickMessage{ActionID: cm.ActionID, ClickedLogID: cm.ClickedLogID}
		if json.Valid(cm.MessageContent) {
			w.ClickMessage.MessageContent = slices.Clone(cm.MessageContent)
		}
	}
	return w
}

func toGlobalHistory(h *wechatpay.NegotiationHistory) globalHistory {
	w := globalHistory{historyCore: historyCoreOf(h)}
	if len(h.ComplaintMediaList) > 0 {
		m := toGlobalMedia(h.ComplaintMediaList[0])
		w.ComplaintMediaList = &m
	}
	return w
}

// mediaIDOf returns the media id of a media URL as it appears there (escaped),
// or "" when the URL is not an image URL.
func mediaIDOf(u string) string {
	_, rest, ok := strings.Cut(u, "/merchant-service/images/")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}
