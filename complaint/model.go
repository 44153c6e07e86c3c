package complaint

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Provider names a payment channel.
type Provider string

// The providers tousu speaks to.
const (
	WeChatPay  Provider = "wechatpay"
	Allinpay   Provider = "allinpay"
	PAYJS      Provider = "payjs"
	Changxiang Provider = "changxiang"
)

// Channel is the payment channel a complaint was filed in, for providers that
// relay several: Allinpay relays WeChat Pay and Alipay complaints through
// different calls. Providers that speak for one channel leave it empty.
type Channel string

// Channels.
const (
	ChannelDefault Channel = ""       // the provider's only channel
	ChannelWeChat  Channel = "wechat" // WeChat Pay, relayed (Allinpay wxcomplaint* calls)
	ChannelAlipay  Channel = "alipay" // Alipay, relayed (Allinpay alicomplaint* calls)
)

// Ref names one complaint at its provider, with everything the provider needs
// to act on it. Every Complaint has one (Complaint.Ref) and every Event carries
// one; Source.Get, Source.History and every Responder method take one. It is a
// comparable value: keep it in a database (it encodes to JSON), compare it, use
// it as a map key.
type Ref struct {
	Provider Provider `json:"provider"`
	// ID is the provider's complaint id.
	ID string `json:"id"`
	// MerchantID is the merchant the complaint is against when it is not the
	// client's own: the sub-merchant of a WeChat service provider
	// (complainted_mchid) or of an Allinpay agent (cusid). Empty means the
	// client's own merchant, so a plain merchant need not repeat its id. A
	// provider may still fill it with the merchant's own id where its wire
	// names the merchant (WeChat's complainted_mchid, PAYJS's mchid): compare
	// refs with this in mind, or by Provider, Channel and ID.
	MerchantID string `json:"merchant_id,omitempty"`
	// Channel is the relayed channel (Allinpay); empty for single-channel
	// providers.
	Channel Channel `json:"channel,omitempty"`
	// OrderID is the provider's order id where acting on the complaint needs it
	// (PAYJS refunds by payjs_order_id); empty elsewhere.
	OrderID string `json:"order_id,omitempty"`
}

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r == Ref{} }

// String is a compact form for logs: provider, channel, merchant and id joined
// by "/", empty parts left out. It holds no personal data.
func (r Ref) String() string {
	var b strings.Builder
	b.WriteString(string(r.Provider))
	for _, part := range [...]string{string(r.Channel), r.MerchantID, r.ID} {
		if part != "" {
			b.WriteByte('/')
			b.WriteString(part)
		}
	}
	return b.String()
}

// LogValue makes log/slog print the reference's parts.
func (r Ref) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs, slog.String("provider", string(r.Provider)), slog.String("id", r.ID))
	if r.MerchantID != "" {
		attrs = append(attrs, slog.String("merchant_id", r.MerchantID))
	}
	if r.Channel != "" {
		attrs = append(attrs, slog.String("channel", string(r.Channel)))
	}
	if r.OrderID != "" {
		attrs = append(attrs, slog.String("order_id", r.OrderID))
	}
	return slog.GroupValue(attrs...)
}

// State is a complaint's state normalised across providers. The provider's own
// value is kept in Complaint.ProviderState.
type State string

// Normalised states.
const (
	// StateUnknown: the provider reported no state (PAYJS) or one not yet mapped.
	StateUnknown State = ""
	// StatePending: filed, no merchant action yet (WeChat PENDING, Alipay
	// WAIT_PROCESS/OVERDUE, 畅想 "添加投诉").
	StatePending State = "pending"
	// StateProcessing: the merchant has replied or is handling it (WeChat PROCESSING,
	// Alipay PROCESSING/PART_OVERDUE).
	StateProcessing State = "processing"
	// StateResolved: handling finished (WeChat PROCESSED, Alipay PROCESSED and
	// OVERDUE_PROCESSED).
	StateResolved State = "resolved"
	// StateWithdrawn: the buyer dropped the complaint (Alipay DROP_*, WeChat
	// USER_REVOKE_COMPLAINT in history).
	StateWithdrawn State = "withdrawn"
)

// Open reports whether the complaint still needs the merchant.
func (s State) Open() bool { return s == StatePending || s == StateProcessing }

// Kind classifies what happened, for both events and history entries. Providers
// map their own codes (WeChat action_type and operate_type, 畅想 complaint_type,
// Allinpay risktype) onto it and keep the original code next to it.
type Kind string

// Normalised kinds. The list is open: unmapped codes become KindOther.
const (
	KindOther           Kind = "other"            // anything not mapped; see the provider code
	KindCreated         Kind = "created"          // buyer filed the complaint
	KindContinued       Kind = "continued"        // buyer complained again
	KindUserMessage     Kind = "user_message"     // buyer wrote a message
	KindPlatformMessage Kind = "platform_message" // the platform (WeChat, Alipay) wrote
	KindMerchantReply   Kind = "merchant_reply"   // the merchant replied
	KindRefundApproved  Kind = "refund_approved"  // merchant approved a refund request
	KindRefundRejected  Kind = "refund_rejected"  // merchant rejected a refund request
	KindRefunded        Kind = "refunded"         // money went back (full or partial)
	KindCompleted       Kind = "completed"        // merchant reported handling complete
	KindPlatformService Kind = "platform_service" // platform assistance asked, cancelled or ended
	KindWithdrawn       Kind = "withdrawn"        // buyer revoked the complaint
	KindConfirmed       Kind = "confirmed"        // buyer confirmed the result
	KindSatisfaction    Kind = "satisfaction"     // buyer rated the handling
	KindStateChanged    Kind = "state_changed"    // state moved, no finer detail
	KindUpdated         Kind = "updated"          // something changed (a poller's diff)
	KindSystem          Kind = "system"           // a system notice in the history
	KindDueSoon         Kind = "due_soon"         // a poller's alert: the deadline is near, no reply yet
	KindOverdue         Kind = "overdue"          // a poller's alert: the deadline passed, no reply yet
)

// Actor says who wrote a history entry.
type Actor string

// Actors.
const (
	ActorUnknown  Actor = ""
	ActorUser     Actor = "user"
	ActorMerchant Actor = "merchant"
	ActorPlatform Actor = "platform"
	ActorSystem   Actor = "system"
)

// Money is an amount in the currency's minor unit: fen for CNY, cents for HKD.
// Currency is an ISO 4217 code; empty means CNY, the currency of every domestic
// provider.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency,omitempty"`
}

// CNY returns fen as a CNY Money.
func CNY(fen int64) Money { return Money{Amount: fen} }

// Order is one payment a complaint is about.
type Order struct {
	// TransactionID is the channel's payment id (WeChat transaction_id, Alipay
	// trade_no).
	TransactionID string `json:"transaction_id,omitempty"`
	// OutTradeNo is the merchant's own order number.
	OutTradeNo string `json:"out_trade_no,omitempty"`
	// ProviderOrderID is the aggregator's order id where there is one (PAYJS
	// payjs_order_id, 畅想 order_no, Allinpay trxid).
	ProviderOrderID string `json:"provider_order_id,omitempty"`
	// Amount is the order amount.
	Amount Money `json:"amount"`
	// Refunded is the amount already refunded, when the provider says.
	Refunded Money `json:"refunded"`
	// PaidAt is when the buyer paid, when known.
	PaidAt time.Time `json:"paid_at,omitzero"`
}

// MediaKind says what a media item is.
type MediaKind string

// Media kinds.
const (
	MediaOther     MediaKind = ""
	MediaUser      MediaKind = "user"      // uploaded by the buyer (WeChat USER_COMPLAINT_IMAGE)
	MediaOperation MediaKind = "operation" // attached to an operation (WeChat OPERATION_IMAGE)
	MediaMerchant  MediaKind = "merchant"  // uploaded by the merchant
)

// Media is an image or file attached to a complaint or a history entry. URL may
// need a signed request to fetch (WeChat) and may expire.
type Media struct {
	Kind         MediaKind `json:"kind,omitempty"`
	ProviderKind string    `json:"provider_kind,omitempty"`
	ID           string    `json:"id,omitempty"`
	URL          string    `json:"url,omitempty"`
}

// Contact is how to reach the buyer. It is personal data: Phone masks itself in
// every format verb, and String, GoString and LogValue mask the name too, so
// printing or logging a Complaint never leaks either.
type Contact struct {
	// Phone is the plaintext phone number when the provider sent it in clear or the
	// caller decrypted it (WeChat payer_phone).
	Phone Phone `json:"phone,omitempty"`
	// EncryptedPhone is the ciphertext as sent, when the phone is encrypted.
	EncryptedPhone string `json:"encrypted_phone,omitempty"`
	// OpenID is the buyer's WeChat openid under the merchant's appid.
	OpenID string `json:"openid,omitempty"`
	// Name is a display name (WeChat nickname, Alipay opposite_name).
	Name string `json:"name,omitempty"`
	// Other holds further handles the provider gives (畅想 "qq", Alipay
	// "opposite_pid", a free-text "contact").
	Other map[string]string `json:"other,omitempty"`
}

// Phone is a phone number in clear. It is personal data, so every way of
// printing it masks it with MaskPhone: String, GoString, LogValue and Format
// for every verb (%v, %+v, %#v, %s, %q, %x, ...), also when it sits inside a
// struct printed with %+v. Plain returns the number itself. encoding/json
// writes it in clear, because a stored complaint needs it; that is also what
// slog's JSON handler does with a struct that has no LogValue method, so every
// tousu type that holds a Phone has one.
type Phone string

// Plain returns the phone number unmasked. Do not log it.
func (p Phone) Plain() string { return string(p) }

// String returns the masked number ("186******66").
func (p Phone) String() string { return MaskPhone(string(p)) }

// GoString returns the masked number, quoted.
func (p Phone) GoString() string { return strconv.Quote(p.String()) }

// Format prints the masked number for every verb.
func (p Phone) Format(f fmt.State, verb rune) {
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		_, _ = io.WriteString(f, p.GoString())
		return
	}
	_, _ = io.WriteString(f, p.String())
}

// LogValue makes log/slog print the masked number.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MaskPhone keeps the first three and last two characters of a phone number and
// masks the rest ("186******66"). Short values are masked entirely.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-5) + string(r[len(r)-2:])
}

// MaskName keeps the first character of a name and masks the rest ("张**"); a
// one-character name is masked entirely.
func MaskName(n string) string {
	r := []rune(n)
	if len(r) < 2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:1]) + strings.Repeat("*", len(r)-1)
}

// String describes the contact with the phone and the name masked.
func (c Contact) String() string {
	var b strings.Builder
	b.WriteString("Contact{")
	if c.Phone != "" {
		b.WriteString("phone=" + c.Phone.String() + " ")
	}
	if c.Phone == "" && c.EncryptedPhone != "" {
		b.WriteString("phone=encrypted ")
	}
	if c.Name != "" {
		b.WriteString("name=" + MaskName(c.Name))
	}
	return strings.TrimSpace(b.String()) + "}"
}

// GoString is String, so %#v masks the phone and the name as well.
func (c Contact) GoString() string { return c.String() }

// LogValue makes log/slog print the masked form.
func (c Contact) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Problem is what the buyer complains about.
type Problem struct {
	// Type is the normalised category.
	Type ProblemType `json:"type,omitempty"`
	// ProviderType is the provider's own code (WeChat problem_type).
	ProviderType string `json:"provider_type,omitempty"`
	// Description is the category text (WeChat problem_description, 畅想
	// complaint_type_text).
	Description string `json:"description,omitempty"`
}

// ProblemType is a normalised complaint category.
type ProblemType string

// Problem types.
const (
	ProblemOther          ProblemType = ""
	ProblemRefund         ProblemType = "refund"           // the buyer wants money back
	ProblemServiceNotWork ProblemType = "service_not_work" // paid service or benefit not delivered
)

// Refund is what is known about money going back to the buyer.
type Refund struct {
	// Requested is the amount the buyer asked for (WeChat apply_refund_amount).
	Requested Money `json:"requested"`
	// Refunded is the amount refunded so far (畅想 final_refund_money).
	Refunded Money `json:"refunded"`
	// Full reports that every order was refunded in full (WeChat
	// complaint_full_refunded).
	Full bool `json:"full,omitempty"`
	// RefundedAt is when the refund happened, when known.
	RefundedAt time.Time `json:"refunded_at,omitzero"`
}

// Complaint is one buyer complaint, the same shape for every provider.
// Converters are lossless: what does not map stays in Raw, the provider's own
// typed struct (for example *wechatpay.Complaint).
type Complaint struct {
	Provider Provider `json:"provider"`
	// ID is the provider's complaint id. Where a provider has none (old PAYJS
	// responses) the provider package derives a stable one and says how.
	ID string `json:"id"`
	// MerchantID is the merchant the complaint is against (WeChat
	// complainted_mchid, Allinpay cusid, PAYJS mchid).
	MerchantID string `json:"merchant_id,omitempty"`
	// Channel is the relayed channel (Allinpay: WeChat or Alipay); empty for
	// single-channel providers.
	Channel Channel `json:"channel,omitempty"`
	// ChannelID is the id at the underlying channel when the provider relays one
	// (Allinpay relays WeChat and Alipay complaints; 畅想 gives an Alipay number).
	ChannelID string `json:"channel_id,omitempty"`

	State         State  `json:"state"`
	ProviderState string `json:"provider_state,omitempty"`

	Problem Problem `json:"problem"`
	// Content is the buyer's own text.
	Content string  `json:"content,omitempty"`
	Orders  []Order `json:"orders,omitempty"`
	// Amount is the complained amount: the provider's figure, or the sum of Orders.
	Amount  Money   `json:"amount"`
	Refund  Refund  `json:"refund"`
	Contact Contact `json:"contact"`
	Media   []Media `json:"media,omitempty"`

	// Times the buyer has complained about this (WeChat user_complaint_times).
	Times int `json:"times,omitempty"`
	// AwaitingReply: the buyer wrote and the merchant has not answered yet.
	AwaitingReply bool `json:"awaiting_reply,omitempty"`
	// Urgent: the provider asks for an immediate answer (WeChat
	// need_immediate_service).
	Urgent bool `json:"urgent,omitempty"`
	// PlatformAssisting: the platform's support is involved.
	PlatformAssisting bool `json:"platform_assisting,omitempty"`
	// Tags are provider labels such as WeChat's TRUSTED or HIGH_RISK.
	Tags []string `json:"tags,omitempty"`

	CreatedAt time.Time `json:"created_at,omitzero"`
	// UpdatedAt is the last change the provider reports, when it reports one.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// DueAt is when the merchant must have responded by: the provider's own
	// deadline where it sends one (Alipay gmt_overdue), otherwise an estimate
	// from a DeadlineRule (DueEstimated is then set; WeChat complaints get
	// DefaultRespondWithin after creation). Zero when neither applies.
	DueAt time.Time `json:"due_at,omitzero"`
	// DueEstimated says DueAt comes from a DeadlineRule, a rule of thumb,
	// not from the provider.
	DueEstimated bool `json:"due_estimated,omitempty"`
	// Overdue is the provider's own statement that the merchant missed the
	// deadline (WeChat global is_overdue). IsOverdue also applies DueAt.
	Overdue bool `json:"overdue,omitempty"`
	// ClosedAt is when the complaint was closed, when known.
	ClosedAt time.Time `json:"closed_at,omitzero"`

	// Raw is the provider's own struct, unchanged.
	Raw any `json:"-"`
}

// Ref returns the reference that names c at its provider. Its OrderID is the
// ProviderOrderID of c's order when c is about exactly one order that has one
// (PAYJS payjs_order_id), which is what such providers act on.
func (c *Complaint) Ref() Ref {
	r := Ref{Provider: c.Provider, ID: c.ID, MerchantID: c.MerchantID, Channel: c.Channel}
	if len(c.Orders) == 1 {
		r.OrderID = c.Orders[0].ProviderOrderID
	}
	return r
}

// LogValue makes log/slog print a summary without personal data: ids, state,
// problem type, amount, times and the masked contact. The buyer's text, media
// URLs and Raw are left out (the text may itself hold a phone number), and the
// phone is masked even under slog.JSONHandler, which would otherwise marshal
// Contact with its json tags. Encode the Complaint with encoding/json to store
// it whole.
func (c Complaint) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String("provider", string(c.Provider)),
		slog.String("id", c.ID),
	)
	if c.MerchantID != "" {
		attrs = append(attrs, slog.String("merchant_id", c.MerchantID))
	}
	attrs = append(attrs,
		slog.String("state", string(c.State)),
		slog.String("provider_state", c.ProviderState),
		slog.String("problem", string(c.Problem.Type)),
		slog.Int64("amount", c.Amount.Amount),
	)
	if c.Amount.Currency != "" {
		attrs = append(attrs, slog.String("currency", c.Amount.Currency))
	}
	if ct := c.Contact; ct.Phone != "" || ct.EncryptedPhone != "" || ct.Name != "" {
		attrs = append(attrs, slog.String("contact", c.Contact.String()))
	}
	if !c.CreatedAt.IsZero() {
		attrs = append(attrs, slog.Time("created_at", c.CreatedAt))
	}
	return slog.GroupValue(attrs...)
}

// Event is one thing that happened to a complaint, as pushed by a provider or
// found by a poller.
type Event struct {
	// ID de-duplicates deliveries: the same event delivered twice has the same ID
	// (WeChat's envelope id; for providers that send none, an id derived from the
	// verified fields that define the change, see DeriveEventID). The Store sees
	// it together with the provider (DedupeKey).
	ID string `json:"id"`
	// Ref names the complaint.
	Ref  Ref  `json:"ref"`
	Kind Kind `json:"kind"`
	// ProviderKind is the provider's own code (WeChat action_type, 畅想
	// complaint_type).
	ProviderKind string `json:"provider_kind,omitempty"`
	// Complaint is filled when the notification carries the complaint (畅想,
	// Allinpay Alipay notifies) or the handler enriched the event with a Get.
	Complaint *Complaint `json:"complaint,omitempty"`
	// Time is when the provider says the event happened, or when it was received.
	Time time.Time `json:"time,omitzero"`
	// Raw is the provider's own notification struct.
	Raw any `json:"-"`
}

// LogValue makes log/slog print the event's ids, kind and time, and the
// complaint through Complaint.LogValue (phone masked), never Raw.
func (e Event) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", e.ID),
		slog.Any("ref", e.Ref),
		slog.String("kind", string(e.Kind)),
		slog.String("provider_kind", e.ProviderKind),
	}
	if !e.Time.IsZero() {
		attrs = append(attrs, slog.Time("time", e.Time))
	}
	if e.Complaint != nil {
		attrs = append(attrs, slog.Any("complaint", e.Complaint.LogValue()))
	}
	return slog.GroupValue(attrs...)
}

// DedupeKey is the key a Store sees: provider and event id.
func (e *Event) DedupeKey() string { return string(e.Ref.Provider) + ":" + e.ID }

// Entry is one line of a complaint's negotiation history.
type Entry struct {
	ID           string    `json:"id,omitempty"`
	Actor        Actor     `json:"actor,omitempty"`
	ActorName    string    `json:"actor_name,omitempty"`
	Kind         Kind      `json:"kind"`
	ProviderKind string    `json:"provider_kind,omitempty"`
	Content      string    `json:"content,omitempty"`
	Media        []Media   `json:"media,omitempty"`
	Time         time.Time `json:"time,omitzero"`
	Raw          any       `json:"-"`
}
