package wxcomplaint

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// ComplaintMedia is one entry of complaint_media_list.
type ComplaintMedia struct {
	MediaType MediaType `json:"media_type"`
	// MediaURL holds full URLs (https://api.mch.weixin.qq.com/v3/merchant-service/images/<media_id>);
	// fetch them with the provider client's image download, verbatim.
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
// zero. Decode it with DecodeComplaint or DecodeComplaintPage (or Unmarshal),
// which accept WeChat's irregular shapes; it has no UnmarshalJSON of its own, so
// that a page of them decodes at the speed of plain encoding/json.
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
	// merchant's API certificate key, Base64. Decrypt it with the merchant's
	// private key (wechatpay: Client.DecryptPayerPhone or
	// WithPayerPhoneDecryption).
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
	// client decrypts it. Never sent; masked in every print and log (see
	// complaint.Phone).
	PayerPhonePlaintext complaint.Phone `json:"-"`
	// Raw is the complaint's JSON exactly as received, including fields this
	// struct does not know yet, where keeping it costs nothing: DecodeComplaint
	// (one complaint, a detail answer) sets it to the body it decoded, not a
	// copy. A page's items leave it nil; the page body holds them (see
	// RawItems), so a page is not copied item by item on every decode.
	Raw json.RawMessage `json:"-"`
}

// LogValue makes log/slog print a summary without personal data: ids, state,
// problem type and time. payer_phone (ciphertext or plaintext), payer_openid,
// the buyer's text, the user tags and Raw are left out; slog.JSONHandler would
// otherwise marshal the ciphertext with its json tag.
func (c Complaint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("complaint_id", c.ComplaintID),
		slog.String("complainted_mchid", c.ComplaintedMchID),
		slog.String("complaint_state", string(c.ComplaintState)),
		slog.String("problem_type", string(c.ProblemType)),
		slog.Time("complaint_time", c.ComplaintTime),
	)
}

// plainComplaint has Complaint's fields and none of its methods, so Format can
// hand a copy to fmt without calling itself.
type plainComplaint Complaint

// Format prints the complaint as fmt prints a struct, for every verb (%v, %+v,
// %#v, %s, ...), with the personal data replaced by [redacted]: payer_phone
// (the ciphertext), payer_openid, the buyer's text and its translation (which
// may hold a phone number), the user tags, and Raw, which holds all of them.
// PayerPhonePlaintext masks itself. Lists of complaints print through this too.
func (c Complaint) Format(f fmt.State, verb rune) {
	type Complaint plainComplaint // prints as wxcomplaint.Complaint under %#v
	r := Complaint(c)
	r.PayerPhone = Redact(r.PayerPhone)
	r.PayerOpenID = Redact(r.PayerOpenID)
	r.ComplaintDetail = Redact(r.ComplaintDetail)
	r.ComplaintDetailTrans = Redact(r.ComplaintDetailTrans)
	if len(r.UserTagList) > 0 {
		r.UserTagList = []UserTag{Redacted}
	}
	r.Raw = nil
	fmt.Fprintf(f, fmt.FormatString(f, verb), r)
}

// Redacted replaces personal data in prints, here and in the providers that
// relay WeChat's complaints (allinpay prints its own types the same way).
const Redacted = "[redacted]"

// Redact is Redacted for a non-empty s and "" for an empty one: a print
// shows that there was something, never what.
func Redact(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}
