package allinpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
	"github.com/tousu-go/tousu/internal/yuan"
)

// AlipayStatus is an Alipay complaint's status. The list is Alipay's (fact
// sheet §6); a value not listed is kept as sent and maps to
// complaint.StateUnknown.
type AlipayStatus string

// Alipay complaint statuses.
const (
	AlipayStatusWaitProcess          AlipayStatus = "WAIT_PROCESS"           // 待处理
	AlipayStatusOverdue              AlipayStatus = "OVERDUE"                // 超时未处理
	AlipayStatusProcessing           AlipayStatus = "PROCESSING"             // 处理中
	AlipayStatusPartOverdue          AlipayStatus = "PART_OVERDUE"           // 部分超时未处理
	AlipayStatusProcessed            AlipayStatus = "PROCESSED"              // 已处理
	AlipayStatusOverdueProcessed     AlipayStatus = "OVERDUE_PROCESSED"      // 超时处理完成
	AlipayStatusDropComplain         AlipayStatus = "DROP_COMPLAIN"          // 用户撤诉
	AlipayStatusDropOverdueComplain  AlipayStatus = "DROP_OVERDUE_COMPLAIN"  // 超时后用户撤诉
	AlipayStatusDropOverdueProcessed AlipayStatus = "DROP_OVERDUE_PROCESSED" // 超时处理后用户撤诉
	AlipayStatusDropProcessed        AlipayStatus = "DROP_PROCESSED"         // 处理后用户撤诉
)

// State maps the status onto the common model: waiting (also overdue) is
// pending, PROCESSING and PART_OVERDUE are processing, PROCESSED and
// OVERDUE_PROCESSED are resolved, every DROP_* status (the buyer dropped the
// complaint, before or after the merchant handled it) is withdrawn.
func (s AlipayStatus) State() complaint.State {
	switch s {
	case AlipayStatusWaitProcess, AlipayStatusOverdue:
		return complaint.StatePending
	case AlipayStatusProcessing, AlipayStatusPartOverdue:
		return complaint.StateProcessing
	case AlipayStatusProcessed, AlipayStatusOverdueProcessed:
		return complaint.StateResolved
	case AlipayStatusDropComplain, AlipayStatusDropOverdueComplain, AlipayStatusDropOverdueProcessed,
		AlipayStatusDropProcessed:
		return complaint.StateWithdrawn
	}
	return complaint.StateUnknown
}

// AlipayProcessCode says how the merchant handled an Alipay complaint
// (alicomplaintprocessfinish process_code). The list comes from a third-party
// copy of Alipay's documentation [inferred]; any other code is sent verbatim.
type AlipayProcessCode string

// Alipay process codes, spelled as Alipay spells them.
const (
	AlipayProcessConsensusWithClient     AlipayProcessCode = "CONSENSUS_WITH_CLIENT"      // agreed with the buyer
	AlipayProcessRefund                  AlipayProcessCode = "REFUND"                     // refunded
	AlipayProcessRectificationNoRefund   AlipayProcessCode = "RECTIFICATION_NO_REFUND"    // put right, no refund
	AlipayProcessSubmitProofNotContacted AlipayProcessCode = "SUBMIT_PROOF_NOT_CONTACTED" // proof submitted, buyer unreachable
	AlipayProcessOther                   AlipayProcessCode = "ORTHER"                     // other; sic, Alipay's spelling
)

// AlipayComplaint is an Alipay complaint as Allinpay relays it: an item of
// the alicomplaintqueryv2 list, or the alicomplaintquery detail, which adds
// the processing fields (fact sheet §4.4). Amounts are fen, converted from
// Alipay's yuan exactly; times are Beijing time, zero when Allinpay sent
// none. Printing it (fmt, log/slog) redacts what identifies the buyer.
type AlipayComplaint struct {
	// ID is Alipay's complaint id (a JSON number on the wire, kept as its
	// digits): complain_id of alicomplaintquery, an element of id_list.
	ID string `json:"id"`
	// TaskID is Alipay's task id (task_id), a filter of the list.
	TaskID string `json:"task_id"`
	// OppositePID is the Alipay pid of the party complained about
	// (opposite_pid, 被投诉人pid in Alipay's own complaint API [inferred]:
	// Allinpay does not describe it).
	OppositePID string `json:"opposite_pid"`
	// OppositeName is the name of the party complained about
	// (opposite_name, 被投诉方名称 in Alipay's API [inferred]); a small
	// merchant's is a person's name, so prints mask it.
	OppositeName string `json:"opposite_name"`
	// ComplainAmount is the complained amount in fen (complain_amount, yuan
	// on the wire). 0 when Allinpay sent none; a malformed amount fails the
	// decoding instead of becoming 0.
	ComplainAmount int64 `json:"complain_amount"`
	// Contact is how the buyer can be reached (contact; Allinpay's page
	// misspells it contactl, which is read too), usually a phone number.
	Contact         string `json:"contact"`
	ComplainContent string `json:"complain_content"`
	// GmtComplain is when the buyer complained.
	GmtComplain time.Time `json:"gmt_complain"`
	// GmtProcess is when the merchant finished handling it.
	GmtProcess time.Time `json:"gmt_process"`
	// GmtOverdue is the merchant's deadline (complaint.Complaint.DueAt).
	GmtOverdue time.Time `json:"gmt_overdue"`
	// GmtRiskFinishTime is gmt_risk_finish_time, Alipay's push time (推送时间
	// in Alipay's own complaint API [inferred]), not a closing time.
	GmtRiskFinishTime time.Time `json:"gmt_risk_finish_time"`
	// TradeNo is the Alipay trade number the complaint is about.
	TradeNo           string       `json:"trade_no"`
	Status            AlipayStatus `json:"status"`
	StatusDescription string       `json:"status_description"`
	// ComplaintTradeInfoList lists the trades the complaint is about.
	ComplaintTradeInfoList []AlipayTrade `json:"complaint_trade_info_list"`

	// The detail's fields (alicomplaintquery).

	// ComplainURL is the complaint's page at Alipay.
	ComplainURL string `json:"complain_url"`
	// CertifyInfo holds the buyer's evidence image URLs (an array on the
	// wire; a single string is taken as one URL).
	CertifyInfo []string `json:"certify_info"`
	// ProcessCode, ProcessMessage, ProcessRemark and ProcessImgURLList are the
	// merchant's handling as Alipay recorded it.
	ProcessCode       AlipayProcessCode `json:"process_code"`
	ProcessMessage    string            `json:"process_message"`
	ProcessRemark     string            `json:"process_remark"`
	ProcessImgURLList []string          `json:"process_img_url_list"`

	// MerchantNo is the Allinpay merchant (cusid) of a list item, as
	// Allinpay's lists carry it [inferred from the WeChat list's merchantNo].
	MerchantNo string `json:"merchantNo,omitempty"`

	// CusID is the sub-merchant the complaint is against when it is not the
	// client's own merchant: set by the client from MerchantNo, or from the
	// CusID a detail was asked with, so agents and groups can act on the
	// complaint (it becomes the Ref's MerchantID). Not on the wire.
	CusID string `json:"-"`
	// Raw is the complaint's JSON as received, with every field this struct
	// does not know; nil for a complaint built in code.
	Raw json.RawMessage `json:"-"`
}

// AlipayTrade is one complaint_trade_info_list entry. Only trade_no and
// out_no are documented (fact sheet §4.4); amount, gmt_trade and
// status_description follow Alipay's own complaint API [inferred]. The
// complaint's Raw keeps every field of the entry.
type AlipayTrade struct {
	// TradeNo is Alipay's trade number.
	TradeNo string `json:"trade_no"`
	// OutNo is the merchant's order number (out_no).
	OutNo string `json:"out_no"`
	// Amount is the trade amount in fen (yuan on the wire).
	Amount            int64     `json:"amount"`
	GmtTrade          time.Time `json:"gmt_trade"`
	StatusDescription string    `json:"status_description"`
}

// alipayFields has AlipayComplaint's fields and none of its methods.
type alipayFields AlipayComplaint

// alipayWire is AlipayComplaint on the wire: the fields whose wire form
// differs from the Go one shadow the embedded ones (encoding/json prefers
// the shallower field).
type alipayWire struct {
	*alipayFields
	ID                     flexString     `json:"id"`
	ComplainAmount         yuan.Fen       `json:"complain_amount"`
	Contactl               string         `json:"contactl,omitempty"`
	GmtComplain            cntime.Time    `json:"gmt_complain"`
	GmtProcess             cntime.Time    `json:"gmt_process"`
	GmtOverdue             cntime.Time    `json:"gmt_overdue"`
	GmtRiskFinishTime      cntime.Time    `json:"gmt_risk_finish_time"`
	CertifyInfo            stringList     `json:"certify_info"`
	ProcessImgURLList      stringList     `json:"process_img_url_list"`
	ComplaintTradeInfoList []alipayTradeW `json:"complaint_trade_info_list"`
}

// alipayTradeW is AlipayTrade on the wire.
type alipayTradeW struct {
	*alipayTradeFields
	Amount   yuan.Fen    `json:"amount"`
	GmtTrade cntime.Time `json:"gmt_trade"`
}

type alipayTradeFields AlipayTrade

// UnmarshalJSON reads Allinpay's form: yuan amounts as strings or numbers
// (exactly; a malformed one is an error), "2006-01-02 15:04:05" times in
// Beijing time ("" or null as zero), the id as a number or a string,
// contactl for contact. It keeps the JSON in Raw.
func (a *AlipayComplaint) UnmarshalJSON(b []byte) error {
	var out AlipayComplaint
	w := alipayWire{alipayFields: (*alipayFields)(&out)}
	if err := json.Unmarshal(b, &w); err != nil {
		return alipayFieldError(err)
	}
	out.ID = string(w.ID)
	out.ComplainAmount = int64(w.ComplainAmount)
	if out.Contact == "" {
		out.Contact = w.Contactl
	}
	out.GmtComplain, out.GmtProcess = w.GmtComplain.Time, w.GmtProcess.Time
	out.GmtOverdue, out.GmtRiskFinishTime = w.GmtOverdue.Time, w.GmtRiskFinishTime.Time
	out.CertifyInfo, out.ProcessImgURLList = w.CertifyInfo, w.ProcessImgURLList
	out.ComplaintTradeInfoList = nil
	if w.ComplaintTradeInfoList != nil {
		out.ComplaintTradeInfoList = make([]AlipayTrade, len(w.ComplaintTradeInfoList))
		for i, t := range w.ComplaintTradeInfoList {
			if t.alipayTradeFields != nil {
				out.ComplaintTradeInfoList[i] = AlipayTrade(*t.alipayTradeFields)
			}
			out.ComplaintTradeInfoList[i].Amount = int64(t.Amount)
			out.ComplaintTradeInfoList[i].GmtTrade = t.GmtTrade.Time
		}
	}
	out.CusID = a.CusID
	out.Raw = bytes.Clone(b)
	*a = out
	return nil
}

// UnmarshalJSON gives each entry its own fields before decoding into them.
func (t *alipayTradeW) UnmarshalJSON(b []byte) error {
	type plain alipayTradeW // without this method
	w := plain{alipayTradeFields: new(alipayTradeFields)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = alipayTradeW(w)
	return nil
}

// MarshalJSON writes Allinpay's form, so that an encoded complaint decodes to
// the same value: amounts as yuan strings with two decimals, times as
// "2006-01-02 15:04:05" in Beijing time (null when zero).
func (a AlipayComplaint) MarshalJSON() ([]byte, error) {
	w := alipayWire{
		alipayFields:      (*alipayFields)(&a),
		ID:                flexString(a.ID),
		ComplainAmount:    yuan.Fen(a.ComplainAmount),
		GmtComplain:       cntime.Time{Time: a.GmtComplain},
		GmtProcess:        cntime.Time{Time: a.GmtProcess},
		GmtOverdue:        cntime.Time{Time: a.GmtOverdue},
		GmtRiskFinishTime: cntime.Time{Time: a.GmtRiskFinishTime},
		CertifyInfo:       a.CertifyInfo,
		ProcessImgURLList: a.ProcessImgURLList,
	}
	if a.ComplaintTradeInfoList != nil {
		w.ComplaintTradeInfoList = make([]alipayTradeW, len(a.ComplaintTradeInfoList))
		for i := range a.ComplaintTradeInfoList {
			t := &a.ComplaintTradeInfoList[i]
			w.ComplaintTradeInfoList[i] = alipayTradeW{alipayTradeFields: (*alipayTradeFields)(t),
				Amount: yuan.Fen(t.Amount), GmtTrade: cntime.Time{Time: t.GmtTrade}}
		}
	}
	return json.Marshal(w)
}

// alipayFieldError names the field a yuan amount failed in, without its
// value (any text may sit in a malformed field).
func alipayFieldError(err error) error {
	if e := amountError(err); e != nil {
		return e
	}
	return err
}

// amountError is "amount: " and the yuan sentinel err matches, nil when it
// matches none: yuan's errors never repeat the amount.
func amountError(err error) error {
	for _, e := range []error{yuan.ErrSyntax, yuan.ErrNegative, yuan.ErrPrecision, yuan.ErrRange, yuan.ErrEmpty} {
		if errors.Is(err, e) {
			return fmt.Errorf("amount: %w", e)
		}
	}
	return nil
}

// flexString is a JSON string, or a number kept as its literal text (Alipay
// ids and codes), null as "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*s = flexString(b)
	default:
		return errors.New("id: not a string or a number")
	}
	return nil
}

// stringList is a list of strings, also given as one string ("" and null as
// none).
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = nil
		if s != "" {
			*l = stringList{s}
		}
		return nil
	}
	var v []string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*l = v
	return nil
}

// LogValue makes log/slog print ids, status, amount (fen) and times, the
// contact masked (complaint.MaskPhone) and the complained-about name masked
// (complaint.MaskName); never the buyer's text, only that there is one.
// Empty fields are left out.
func (a AlipayComplaint) LogValue() slog.Value {
	attrs := appendNonEmpty(nil, "id", a.ID, "task_id", a.TaskID, "status", string(a.Status))
	attrs = append(attrs, slog.Int64("complain_amount", a.ComplainAmount))
	if a.CusID != "" {
		attrs = append(attrs, slog.String("cusid", a.CusID))
	}
	if a.OppositeName != "" {
		attrs = append(attrs, slog.String("opposite_name", complaint.MaskName(a.OppositeName)))
	}
	if a.Contact != "" {
		attrs = append(attrs, slog.String("contact", complaint.MaskPhone(a.Contact)))
	}
	if a.ComplainContent != "" {
		attrs = append(attrs, slog.String("complain_content", redacted))
	}
	for _, t := range []slog.Attr{
		slog.Time("gmt_complain", a.GmtComplain),
		slog.Time("gmt_process", a.GmtProcess),
		slog.Time("gmt_overdue", a.GmtOverdue),
		slog.Time("gmt_risk_finish_time", a.GmtRiskFinishTime),
	} {
		if !t.Value.Time().IsZero() {
			attrs = append(attrs, t)
		}
	}
	return slog.GroupValue(attrs...)
}

// Format prints the complaint as fmt prints a struct, for every verb, with
// the buyer's contact, name, Alipay user id and text replaced by [redacted],
// and without Raw, which holds all of them.
func (a AlipayComplaint) Format(f fmt.State, verb rune) {
	type AlipayComplaint alipayFields // prints as allinpay.AlipayComplaint under %#v
	r := AlipayComplaint(a)
	for _, s := range []*string{&r.Contact, &r.OppositeName, &r.OppositePID, &r.ComplainContent} {
		*s = wxcomplaint.Redact(*s)
	}
	r.Raw = nil
	fmt.Fprintf(f, fmt.FormatString(f, verb), r)
}

// alipayResult is the result part of an Alipay answer inside records: code
// "10000" is success.
type alipayResult struct {
	Code    flexString `json:"code"`
	Msg     string     `json:"msg"`
	SubCode string     `json:"sub_code"`
	SubMsg  string     `json:"sub_msg"`
}

// alipaySuccess is Alipay's success code.
const alipaySuccess = "10000"

// err returns the failure r reports, nil on success. An absent code is a
// success unless required (the list documents one; the detail and the
// upload do not).
func (r *alipayResult) err(method string, required bool) error {
	if r.Code == alipaySuccess || (r.Code == "" && !required) {
		return nil
	}
	return &AlipayError{Method: method, Code: httpc.ProviderText(string(r.Code)), Msg: httpc.ProviderText(r.Msg),
		SubCode: httpc.ProviderText(r.SubCode), SubMsg: httpc.ProviderText(r.SubMsg)}
}

// AlipayError is Alipay's failure relayed inside a reply Allinpay marked
// SUCCESS: records whose code is not "10000" (a code Alipay's gateway sends,
// with msg and, by Alipay's convention, sub_code and sub_msg [inferred]), or
// an alicomplaintprocessfinish that reports no success. Like APIError's, its
// text comes from the network and is reduced to one bounded line; unlike a
// FAIL it was signed by Allinpay.
type AlipayError struct {
	// Method is the riskfeeback method called.
	Method string
	// Code is Alipay's code ("40004"), empty when Alipay sent none.
	Code string
	// Msg is Alipay's msg ("Business Failed").
	Msg string
	// SubCode and SubMsg are Alipay's detail, when sent.
	SubCode string
	SubMsg  string
}

// Error describes the failure with Alipay's own codes and text.
func (e *AlipayError) Error() string {
	var b strings.Builder
	b.WriteString("allinpay: " + e.Method + ": alipay")
	for _, p := range [][2]string{{"code", e.Code}, {"msg", e.Msg}, {"sub_code", e.SubCode}, {"sub_msg", e.SubMsg}} {
		if p[1] != "" {
			b.WriteString(" " + p[0] + "=" + p[1])
		}
	}
	return b.String()
}

// Is maps the failure onto complaint's sentinels by Alipay's gateway codes
// [inferred from Alipay's public gateway documentation]: 20001 (insufficient
// authorisation) and 40006 (insufficient permissions) are
// complaint.ErrUnauthorized, 40001 (missing parameter) and 40002 (invalid
// parameter) complaint.ErrInvalidRequest; otherwise msg and sub_msg are read
// with APIError's keyword rules (不存在 is complaint.ErrNotFound, ...).
func (e *AlipayError) Is(target error) bool {
	switch e.Code {
	case "20001", "40006":
		return target == complaint.ErrUnauthorized
	case "40001", "40002":
		return target == complaint.ErrInvalidRequest
	}
	return (&APIError{Method: e.Method, HTTPStatus: 200, RetMsg: e.Msg + " " + e.SubMsg}).Is(target)
}

// alipayJSONFields are the Alipay complaint fields that a form (the Alipay
// complaint notification, fact sheet §5.2) carries as JSON text.
var alipayJSONFields = []string{"complaint_trade_info_list", "certify_info", "process_img_url_list"}

// decodeAlipayFields reads an Alipay complaint from form fields, as the
// Alipay complaint notification sends it: every field a string, the lists
// as JSON text (a list that is not JSON is taken as a string, which
// certify_info and process_img_url_list read as one URL). It applies the
// same rules as the records: amounts exactly in fen, Beijing times, contactl.
// Raw is the fields as a JSON object. Repeated fields are refused by the
// verifier before this runs; the first value is read. Errors wrap
// ErrMalformed.
func decodeAlipayFields(fields url.Values) (*AlipayComplaint, error) {
	obj := make(map[string]json.RawMessage, len(fields))
	for k, vs := range fields {
		if len(vs) == 0 {
			continue
		}
		v := vs[0]
		if slices.Contains(alipayJSONFields, k) && json.Valid([]byte(v)) {
			obj[k] = json.RawMessage(v)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, httpc.ProviderText(k), err)
		}
		obj[k] = b
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var a AlipayComplaint
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return &a, nil
}
