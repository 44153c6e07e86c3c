package allinpay

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// Printing notifications. They hold buyer data (the Alipay contact and
// text, in the typed fields and in Fields), so every way of printing them
// (String, GoString, LogValue, and Format for every verb, which fmt also
// uses for a notification inside another struct) shows one summary: ids,
// types, states and times, the contact masked with complaint.MaskPhone and
// the complained-about name with complaint.MaskName, the buyer's text and
// the signature never. Encode the fields yourself to store them whole.

// redacted replaces a value that is not printed: the same mark as the WeChat
// complaint types print.
const redacted = wxcomplaint.Redacted

// printableFields are the notification fields printed as they are: routing
// ids, types, states, times and the amount. Every other value (contact,
// complain_content, opposite_name, resource, sign, fields added later) is
// printed as redacted.
var printableFields = map[string]bool{
	"appid": true, "cusid": true, "orgid": true, "signtype": true, "risktype": true, "paychnl": true,
	"id": true, "task_id": true, "status": true, "status_description": true, "complain_amount": true,
	"opposite_pid": true, "gmt_complain": true, "gmt_overdue": true, "gmt_process": true, "gmt_risk_finish_time": true,
}

// LogValue makes log/slog print every field name, with the values of the
// routing fields and "[redacted]" for the others.
func (f Fields) LogValue() slog.Value {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		v := redacted
		if printableFields[k] || f[k] == "" {
			v = f[k]
		}
		attrs = append(attrs, slog.String(k, v))
	}
	return slog.GroupValue(attrs...)
}

// String is the LogValue summary.
func (f Fields) String() string { return summary("allinpay.Fields", f.LogValue()) }

// GoString is String, so %#v redacts as well.
func (f Fields) GoString() string { return f.String() }

// Format prints String for every verb.
func (f Fields) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(f.String())) }

// LogValue makes log/slog print the notification's ids, types and states, the
// decoded resource's ids, and the Alipay complaint through its own LogValue
// (AlipayComplaint.LogValue: the contact and the name masked).
func (n Notification) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("risktype", string(n.RiskType))}
	attrs = appendNonEmpty(attrs, "appid", n.AppID, "cusid", n.CusID, "orgid", n.OrgID, "signtype", string(n.SignType))
	if c := n.Complaint; c != nil {
		attrs = appendNonEmpty(attrs, "complaint_id", c.ComplaintID, "action_type", string(c.ActionType))
	}
	if v := n.Violation; v != nil {
		attrs = appendNonEmpty(attrs, "record_id", v.RecordID, "violation_type", v.RiskType)
	}
	if n.Alipay != nil {
		attrs = append(attrs, slog.Any("alipay", n.Alipay.LogValue()))
	}
	return slog.GroupValue(append(attrs, slog.Int("fields", len(n.Fields)))...)
}

// String is the LogValue summary.
func (n Notification) String() string { return summary("allinpay.Notification", n.LogValue()) }

// GoString is String, so %#v masks as well.
func (n Notification) GoString() string { return n.String() }

// Format prints String for every verb.
func (n Notification) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(n.String())) }

// appendNonEmpty appends key/value pairs (kv has an even length) as string
// attributes, leaving out empty values.
func appendNonEmpty(attrs []slog.Attr, kv ...string) []slog.Attr {
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] != "" {
			attrs = append(attrs, slog.String(kv[i], kv[i+1]))
		}
	}
	return attrs
}

// summary renders a group value as name[k=v k=v], nested groups in
// brackets (slog.Value's own text form).
func summary(name string, v slog.Value) string { return name + v.Resolve().String() }
