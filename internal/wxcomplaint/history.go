package wxcomplaint

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// ClickMessage is a history item's click_message.
type ClickMessage struct {
	MessageContent json.RawMessage `json:"message_content,omitempty"`
	ActionID       string          `json:"action_id,omitempty"`
	ClickedLogID   string          `json:"clicked_log_id,omitempty"`
}

// NegotiationHistory is one item of negotiation-historys (sic). Decode it with
// DecodeHistoryPage or Unmarshal.
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

	// Raw is the item's JSON exactly as received when the caller kept it. Page
	// decoding leaves it nil; the page body holds every item (see RawItems).
	Raw json.RawMessage `json:"-"`
}

// LogValue makes log/slog print the item without what people wrote: log id,
// operator role, operate type and time. operate_details, the platform-service
// reasons, the messages and Raw are left out.
func (h NegotiationHistory) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("log_id", h.LogID),
		slog.String("operator", h.Operator),
		slog.String("operate_type", string(h.OperateType)),
		slog.Time("operate_time", h.OperateTime),
	)
}

// plainHistory has NegotiationHistory's fields and none of its methods.
type plainHistory NegotiationHistory

// Format prints the item as fmt prints a struct, for every verb, with what
// people wrote replaced by [redacted]: operate_details (a buyer's message or a
// refusal reason may hold a phone number), the platform-service reasons and
// Raw. The rich and click messages are pointers, which fmt prints as
// addresses.
func (h NegotiationHistory) Format(f fmt.State, verb rune) {
	type NegotiationHistory plainHistory // prints as wxcomplaint.NegotiationHistory under %#v
	r := NegotiationHistory(h)
	r.OperateDetails = Redact(r.OperateDetails)
	r.UserAppyPlatformServiceReason = Redact(r.UserAppyPlatformServiceReason)
	r.UserAppyPlatformServiceReasonDescription = Redact(r.UserAppyPlatformServiceReasonDescription)
	r.Raw = nil
	fmt.Fprintf(f, fmt.FormatString(f, verb), r)
}
