package allinpay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// MaxNotificationBytes bounds a notification body: Verify refuses a longer
// one and ParseNotification reads no more. An Alipay complaint notification
// with the buyer's text and its trades is a few KiB.
const MaxNotificationBytes int64 = 64 << 10

// RiskType is a risk notification's risktype. The list is open: a value
// Allinpay adds later is kept as sent.
type RiskType string

// Risk types (fact sheet §5.3). The Alipay complaint notification carries
// none.
const (
	// RiskComplaint: a WeChat Pay complaint; resource is
	// {"complaint_id","action_type"}.
	RiskComplaint RiskType = "COMPLAINT"
	// RiskComplaintV2: a WeChat Pay complaint; resource is {"complaint_id"}.
	RiskComplaintV2 RiskType = "COMPLAINTV2"
	// RiskViolation: a WeChat Pay merchant-violation notice.
	RiskViolation RiskType = "VIOLATION"
)

// ActionType is the action_type of a COMPLAINT notification's resource:
// WeChat's own, which Allinpay relays unchanged (the type package wechatpay
// exports too).
type ActionType = wxcomplaint.ActionType

// Action types of WeChat complaint notifications. Allinpay is seen relaying
// the first four; the others are WeChat's and are mapped the same way.
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

// Notification is a verified Allinpay risk notification (风控通知): a WeChat
// complaint (COMPLAINT, COMPLAINTV2), a WeChat merchant-violation notice
// (VIOLATION), a risk type Allinpay adds later, or an Alipay complaint
// notification (no risktype). Allinpay adds fields over time and asks
// merchants to read them all, so Fields keeps every received field; the
// documented ones are also typed.
//
// It holds buyer data (the Alipay contact and text): String, GoString,
// LogValue and Format print ids and states with that data masked.
type Notification struct {
	// AppID, CusID and OrgID are appid, cusid and orgid as received. CusID
	// is the merchant the notification is about (a sub-merchant for an
	// agent or a group); OrgID is the agent or group, when Allinpay sends it.
	AppID string
	CusID string
	OrgID string
	// SignType is the sign type the notification was verified with: its own
	// signtype, or the client's when it carried none.
	SignType SignType
	// RiskType is risktype as received; empty for the Alipay complaint
	// notification.
	RiskType RiskType
	// Resource is the resource field as received (JSON text), for risk types
	// that carry one.
	Resource string

	// Complaint is the decoded resource of COMPLAINT and COMPLAINTV2.
	Complaint *ComplaintResource
	// Violation is the decoded resource of VIOLATION.
	Violation *Violation
	// Alipay is the Alipay complaint notification's complaint, set when
	// risktype is absent and paychnl is ALIPAY or absent: the form's fields
	// (prodoc/2621) read with the rules of the list and detail records
	// (amounts exactly in fen, Beijing times, the JSON lists typed), its
	// CusID the sub-merchant by the Ref rule (empty for the client's own
	// merchant), its Raw the fields but sign as a JSON object. Allinpay's
	// page does not list id, the key alicomplaintquery takes; Alipay's own
	// complaint record has it, and ID is empty when Allinpay sends none.
	Alipay *AlipayComplaint

	// Fields is every received field, sign included, as received.
	Fields Fields
}

// ComplaintResource is the resource of a WeChat complaint notification. It
// names the complaint and, for COMPLAINT, what happened; fetch the complaint
// or its history for the rest (WeChat's notification carries ids only).
type ComplaintResource struct {
	// ComplaintID is WeChat's complaint id (a JSON string, or a number kept
	// as its exact text).
	ComplaintID string
	// ActionType is action_type (COMPLAINT only; empty for COMPLAINTV2).
	ActionType ActionType
}

// Violation is the resource of a VIOLATION notification. Allinpay documents
// none of it; the fields are those of WeChat Pay's merchant-violation notice,
// which Allinpay relays (unknown ones stay in Notification.Resource).
type Violation struct {
	SubMchID          string    // sub_mchid: the WeChat sub-merchant
	CompanyName       string    // company_name
	RecordID          string    // record_id: WeChat's punishment record
	PunishPlan        string    // punish_plan
	PunishTime        time.Time // punish_time; zero when absent
	PunishDescription string    // punish_description
	RiskType          string    // risk_type: WeChat's violation category
	RiskDescription   string    // risk_description
}

// Fields are a notification's fields as received. Printing them shows the
// routing fields (ids, types, states, times) and "[redacted]" for every other
// value: the contact, the buyer's text, the signature, fields added later.
type Fields map[string]string

// Get returns the field key, or "" when it was not sent.
func (f Fields) Get(key string) string { return f[key] }

// Verify checks an Allinpay notification from its raw form body, exactly as
// received, and returns it typed: the layer for any web framework. header
// is accepted for the shape every provider shares and not read (Allinpay
// signs no header).
//
// The body is parsed strictly (at most MaxNotificationBytes, UTF-8, no field
// twice, no empty field name); then the signature is checked over every
// received field but sign, by the notification's own signtype (RSA, or SM2
// with the user id "Allinpay") with the Allinpay key of that type (see
// Credentials.AllinpayPublicKey); a notification without signtype is
// checked with the client's sign type. Only then is anything decoded.
//
// Allinpay signs every merchant's notifications with the same key, so the
// signature alone does not say the notification is this client's. For a
// merchant, cusid (which every notification must carry) must be the
// client's, and appid too when sent. A client built with an OrgID (an agent
// or a group) does not know its sub-merchants, and whether a sub-merchant's
// notification carries the agent's appid or its own is not documented: it
// takes any cusid; a sent orgid must be its own, and decides alone; without
// one, a sent appid must be its own. A mismatch is ErrOtherMerchant.
//
// Errors: complaint.ErrBodyTooLarge; complaint.ErrSignatureInvalid for a
// missing, forged or tampered signature and for a signtype this package
// cannot verify ("RSA2", "MD5"); ErrOtherMerchant; an error matching
// complaint.ErrMalformedNotification and ErrMalformed for a body that is
// not a form, a repeated field, or a resource or field that does not decode
// (COMPLAINT and COMPLAINTV2 need a resource with a complaint_id). A risk
// type this package does not know is not an error: it is returned with
// Resource and Fields only. No error quotes a field's value.
func (c *Client) Verify(ctx context.Context, header http.Header, body []byte) (*Notification, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	_ = header
	if int64(len(body)) > MaxNotificationBytes {
		return nil, fmt.Errorf("%w: allinpay: notification of %d bytes exceeds %d", complaint.ErrBodyTooLarge, len(body), MaxNotificationBytes)
	}
	form, err := parseNotificationForm(body)
	if err != nil {
		return nil, err
	}
	st := SignType(form.Get("signtype"))
	if st == "" {
		st = c.signType
	}
	if err := c.verifier.verifyValues(st, form); err != nil {
		return nil, fmt.Errorf("allinpay: notification: %w", err)
	}
	n, err := decodeNotification(form, st)
	if err != nil {
		return nil, err
	}
	if err := c.checkRecipient(n); err != nil {
		return nil, err
	}
	if n.Alipay != nil {
		n.Alipay.CusID = c.refMerchant(n.CusID)
	}
	return n, nil
}

// ParseNotification reads the notification in r through
// complaint.ReadDelivery (at most MaxNotificationBytes; the body is put back
// on r for later readers) and checks it with Verify under r's context. Only
// the body is read: a query string on the notification URL (the merchant's
// own, such as ?shop=1) is not signed by Allinpay and is ignored.
func (c *Client) ParseNotification(r *http.Request) (*Notification, error) {
	d, err := complaint.ReadDelivery(r, MaxNotificationBytes)
	if err != nil {
		return nil, err
	}
	return c.Verify(r.Context(), d.Header, d.Body)
}

// ErrOtherMerchant means a notification with a valid signature names an
// appid, cusid or orgid this client does not speak for: a notification URL
// shared between merchants, or a notification replayed from another one. It
// is returned wrapped in an error that also matches
// complaint.ErrMalformedNotification, so the handler answers 400.
var ErrOtherMerchant = errors.New("allinpay: notification for another merchant")

// notifyError is a malformed notification: it matches both
// complaint.ErrMalformedNotification and ErrMalformed (and what it wraps).
type notifyError struct {
	reason string
	err    error
}

func malformedNotification(reason string, err error) error {
	return &notifyError{reason: reason, err: err}
}

func (e *notifyError) Error() string {
	s := "allinpay: malformed notification: " + e.reason
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *notifyError) Unwrap() error { return e.err }

func (e *notifyError) Is(target error) bool {
	return target == complaint.ErrMalformedNotification || target == ErrMalformed
}

// parseNotificationForm parses a form body as Allinpay posts it (UTF-8,
// URL-encoded as Java's URLEncoder does). url.ParseQuery does the decoding;
// what it lets through and Allinpay never sends is refused here: a field
// given twice (which copy was signed is unknowable), an empty field name,
// bytes that are not UTF-8.
func parseNotificationForm(body []byte) (url.Values, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		// url's errors quote the offending text: keep only the kind.
		return nil, malformedNotification("body is not a URL-encoded form", nil)
	}
	for k, vs := range form {
		switch {
		case k == "":
			return nil, malformedNotification("a field has no name", nil)
		case len(vs) > 1:
			return nil, malformedNotification(fmt.Sprintf("field %q appears %d times", httpc.ProviderText(k), len(vs)), nil)
		case !utf8.ValidString(k) || !utf8.ValidString(vs[0]):
			return nil, malformedNotification("a field is not UTF-8", nil)
		}
	}
	return form, nil
}

// decodeNotification types a verified form; st is the sign type it was
// verified with.
func decodeNotification(form url.Values, st SignType) (*Notification, error) {
	n := &Notification{
		AppID:    form.Get("appid"),
		CusID:    form.Get("cusid"),
		OrgID:    form.Get("orgid"),
		SignType: st,
		RiskType: RiskType(form.Get("risktype")),
		Resource: form.Get("resource"),
		Fields:   make(Fields, len(form)),
	}
	for k, vs := range form {
		n.Fields[k] = vs[0]
	}
	var err error
	switch {
	case n.RiskType == RiskComplaint || n.RiskType == RiskComplaintV2:
		n.Complaint, err = decodeComplaintResource(n.Resource)
	case n.RiskType == RiskViolation:
		n.Violation, err = decodeViolation(n.Resource)
	case n.RiskType == "" && (n.Fields.Get("paychnl") == "" || strings.EqualFold(n.Fields.Get("paychnl"), "ALIPAY")):
		n.Alipay, err = decodeAlipayNotification(form)
	}
	if err != nil {
		return nil, err
	}
	if n.CusID == "" {
		return nil, malformedNotification("no cusid", nil)
	}
	return n, nil
}

// jsonText decodes a JSON string, or a number kept as its exact text (a
// 27-digit WeChat complaint id survives), or null as "".
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(b, []byte{'"'}) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("allinpay: not a string or a number")
	}
	*t = jsonText(n)
	return nil
}

// decodeObject decodes a resource that must be a JSON object into v.
func decodeObject(what, s string, v any) error {
	if s == "" {
		return malformedNotification(what+" is missing", nil)
	}
	b := []byte(strings.TrimSpace(s))
	if len(b) == 0 || b[0] != '{' {
		return malformedNotification(what+" is not a JSON object", nil)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return malformedNotification(what+" does not decode", jsonError(err))
	}
	return nil
}

// jsonError keeps the kind of a JSON error without the text it quotes: the
// offset of a syntax error, the field of a type error, the yuan sentinel of
// a malformed amount.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at offset %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("field %s has the wrong type", httpc.ProviderText(te.Field))
	}
	if e := amountError(err); e != nil {
		return e
	}
	return errors.New("wrong shape")
}

func decodeComplaintResource(s string) (*ComplaintResource, error) {
	var w struct {
		ComplaintID jsonText `json:"complaint_id"`
		ActionType  jsonText `json:"action_type"`
	}
	if err := decodeObject("resource", s, &w); err != nil {
		return nil, err
	}
	if w.ComplaintID == "" {
		return nil, malformedNotification("resource has no complaint_id", nil)
	}
	return &ComplaintResource{ComplaintID: string(w.ComplaintID), ActionType: ActionType(w.ActionType)}, nil
}

func decodeViolation(s string) (*Violation, error) {
	var w struct {
		SubMchID          jsonText    `json:"sub_mchid"`
		CompanyName       jsonText    `json:"company_name"`
		RecordID          jsonText    `json:"record_id"`
		PunishPlan        jsonText    `json:"punish_plan"`
		PunishTime        cntime.Time `json:"punish_time"`
		PunishDescription jsonText    `json:"punish_description"`
		RiskType          jsonText    `json:"risk_type"`
		RiskDescription   jsonText    `json:"risk_description"`
	}
	if err := decodeObject("resource", s, &w); err != nil {
		return nil, err
	}
	return &Violation{
		SubMchID: string(w.SubMchID), CompanyName: string(w.CompanyName), RecordID: string(w.RecordID),
		PunishPlan: string(w.PunishPlan), PunishTime: w.PunishTime.Time, PunishDescription: string(w.PunishDescription),
		RiskType: string(w.RiskType), RiskDescription: string(w.RiskDescription),
	}, nil
}

// decodeAlipayNotification reads the Alipay complaint of a verified form
// through decodeAlipayFields, without sign. Its errors name the field's
// trouble, never its value.
func decodeAlipayNotification(form url.Values) (*AlipayComplaint, error) {
	fields := make(url.Values, len(form))
	for k, vs := range form {
		if k != "sign" {
			fields[k] = vs
		}
	}
	a, err := decodeAlipayFields(fields)
	if err != nil {
		return nil, malformedNotification("alipay complaint fields do not decode", jsonError(err))
	}
	return a, nil
}

// checkRecipient refuses a verified notification about a merchant the client
// does not speak for (see Verify).
func (c *Client) checkRecipient(n *Notification) error {
	field := ""
	switch {
	case c.orgid != "" && n.OrgID != "":
		// Allinpay names the agent or group: that binds, whatever appid a
		// sub-merchant's notification carries.
		if n.OrgID != c.orgid {
			field = "orgid"
		}
	case n.AppID != "" && n.AppID != c.appid:
		field = "appid"
	case c.orgid == "" && n.CusID != c.cusid:
		field = "cusid"
	}
	if field != "" {
		return fmt.Errorf("%w: %w: %s is not the client's", complaint.ErrMalformedNotification, ErrOtherMerchant, field)
	}
	return nil
}
