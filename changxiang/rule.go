package changxiang

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/signing"
)

// Field is one member of a JSON object (the notification's data) or one form
// field, exactly as received. Rules sign Value; Raw keeps the JSON text so
// that a rule can tell null from "" and a number from a string.
type Field struct {
	Key string
	// Value is the text the rules sign: a JSON string's content (escapes
	// decoded), the JSON text of any other value exactly as received (a
	// number 12.50 stays "12.50", true stays "true", an object or array keeps
	// its own text), and "" for null. For a form field it is the field's value.
	Value string
	// Raw is the value's JSON text as received ("null", "\"1\"", "12.50"); nil
	// for a form field.
	Raw json.RawMessage
}

// JSONField returns the Field a receiver reads for the JSON member key: raw,
// with Value as the rules sign it. raw must be valid JSON (as json.Marshal
// gives); changxiangtest builds notifications with it.
func JSONField(key string, raw json.RawMessage) Field {
	return Field{Key: key, Value: signedText(raw), Raw: raw}
}

// IsNull reports whether the value was JSON null.
func (f Field) IsNull() bool { return string(f.Raw) == "null" }

// personal lists the data fields that hold buyer data, masked whenever a
// Field or a Notification is printed or logged.
var personal = map[string]func(string) string{
	"buyer_mobile":    complaint.MaskPhone,
	"wechat_nickname": complaint.MaskName,
	"qq":              complaint.MaskPhone,
	"cards":           maskAll, // the v3 callback's card secrets
}

func maskAll(s string) string { return strings.Repeat("*", len([]rune(s))) }

// printable is the field's value with buyer data masked.
func (f Field) printable() string {
	if f.IsNull() {
		return "null"
	}
	if mask, ok := personal[f.Key]; ok {
		return mask(f.Value)
	}
	return f.Value
}

// String prints key=value with buyer data (buyer_mobile, wechat_nickname, qq,
// cards) masked.
func (f Field) String() string { return f.Key + "=" + f.printable() }

// GoString is String, so %#v masks too.
func (f Field) GoString() string { return f.String() }

// Format prints String for every verb.
func (f Field) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(f.String())) }

// LogValue makes log/slog print the masked value.
func (f Field) LogValue() slog.Value { return slog.StringValue(f.String()) }

// Rule is one way of computing the sign of the complaint notification from
// its data fields and the secret. 畅想 does not publish its rule, so the
// package ships the candidates (RuleSortedKey, the default, RuleFixedOrder
// and RuleSortedConcat), builds others from a signing.ParamRule (NewMD5Rule)
// and accepts any function (NewRule). The zero Rule is invalid. A Rule is a
// value that is safe for concurrent use.
type Rule struct {
	name string
	// md5 rules: the parameter string and the digest's case.
	params *signing.ParamRule
	hex    signing.HexCase
	// custom rules.
	fn func(fields []Field, secret signing.Secret) string
}

// The candidate rules for the complaint notification's sign, in the order of
// likelihood of the fact sheet. Each excludes "sign" itself.
var (
	// RuleSortedKey is candidate (a), the default: the data's keys sorted in
	// byte order, null and "" values skipped, raw k=v joined by "&" (no URL
	// encoding), "&key=<secret>" appended, MD5 in upper-case hex. It is the
	// WeChat-v2 style that many card and code-payment platforms use, and the
	// sample sign is 32 upper-case hex characters.
	RuleSortedKey = NewMD5Rule("sorted-key", signing.ParamRule{
		Exclude: []string{"sign"}, Omit: signing.OmitEmpty, Placement: signing.KeyAppend,
	}, signing.Upper)
	// RuleFixedOrder is candidate (b): the documented fields in the
	// documented order (merchant_order_no, order_no, complaint_type,
	// complaint_type_text, wechat_nickname, qq, buyer_mobile,
	// zfb_complaint_no, complaint_at, final_refund_money, refund_at,
	// complaint_closed_at), each written k=v even when null or absent (as
	// k=), other fields ignored, "&key=<secret>" appended, MD5 in upper-case
	// hex: the v3 callback's scheme in the sample's case.
	RuleFixedOrder = NewMD5Rule("fixed-order", signing.ParamRule{
		Fields: documentedFields, Placement: signing.KeyAppend,
	}, signing.Upper)
	// RuleSortedConcat is candidate (c): as RuleSortedKey but with the secret
	// appended directly, without "&key=" (the epay habit), MD5 in upper-case
	// hex.
	RuleSortedConcat = NewMD5Rule("sorted-concat", signing.ParamRule{
		Exclude: []string{"sign"}, Omit: signing.OmitEmpty, Placement: signing.KeyConcat,
	}, signing.Upper)

	// DefaultRule is the rule a Client uses unless WithRule says otherwise.
	DefaultRule = RuleSortedKey

	// PaymentRule is the v3 payment callback's documented rule: mch_id,
	// total_fee, result_code, trade_no, out_trade_no, time_end and pay_type
	// in that order (cards is not signed), "&key=<secret>", MD5 in lower-case
	// hex. A different order does not verify.
	PaymentRule = NewMD5Rule("v3-payment", signing.ParamRule{
		Fields: paymentFields, Placement: signing.KeyAppend,
	}, signing.Lower)
)

// documentedFields are the data fields of the published example, in its order.
var documentedFields = []string{
	"merchant_order_no", "order_no", "complaint_type", "complaint_type_text", "wechat_nickname", "qq",
	"buyer_mobile", "zfb_complaint_no", "complaint_at", "final_refund_money", "refund_at", "complaint_closed_at",
}

// paymentFields are the signed fields of the v3 payment callback, in order.
var paymentFields = []string{"mch_id", "total_fee", "result_code", "trade_no", "out_trade_no", "time_end", "pay_type"}

// Candidates returns the candidate rules of the complaint notification,
// most likely first: RuleSortedKey, RuleFixedOrder, RuleSortedConcat.
func Candidates() []Rule { return []Rule{RuleSortedKey, RuleFixedOrder, RuleSortedConcat} }

// NewMD5Rule returns a rule that signs the parameter string p builds from the
// fields (null values as "", see Field.Value) and the secret with MD5,
// written in hex of case c; verification requires that case. Use it for a
// variant the candidates miss, such as lower-case hex or a sign_type to
// exclude.
func NewMD5Rule(name string, p signing.ParamRule, c signing.HexCase) Rule {
	return Rule{name: name, params: &p, hex: c}
}

// NewRule returns a rule whose sign is sign(fields, secret): for a scheme no
// parameter rule expresses. fields are the data's members in received order,
// "sign" among them. Verification compares the result with the received
// sign in constant time, exactly (case included).
func NewRule(name string, sign func(fields []Field, secret signing.Secret) string) Rule {
	return Rule{name: name, fn: sign}
}

// Name is the rule's name ("sorted-key"), for reports and logs.
func (r Rule) Name() string { return r.name }

// String is the name.
func (r Rule) String() string { return "changxiang.Rule(" + r.name + ")" }

// IsZero reports whether r is the invalid zero Rule.
func (r Rule) IsZero() bool { return r.params == nil && r.fn == nil }

// errZeroRule is what a zero Rule answers.
var errZeroRule = errors.New("changxiang: zero Rule; use a candidate, NewMD5Rule or NewRule")

// Sign returns the sign of fields under r. A zero Rule signs nothing ("").
func (r Rule) Sign(fields []Field, secret signing.Secret) string {
	switch {
	case r.fn != nil:
		return r.fn(fields, secret)
	case r.params != nil:
		var buf [16]signing.Param
		s := signing.MD5Signer{Rule: *r.params, Secret: secret, Case: r.hex}
		return s.Sign(params(buf[:0], fields))
	}
	return ""
}

// Verify checks sig against fields under r in constant time. A mismatch is
// complaint.ErrSignatureInvalid; the error never quotes the sign or a value.
func (r Rule) Verify(fields []Field, secret signing.Secret, sig string) error {
	switch {
	case r.fn != nil:
		if subtle.ConstantTimeCompare([]byte(r.fn(fields, secret)), []byte(sig)) != 1 {
			return complaint.ErrSignatureInvalid
		}
		return nil
	case r.params != nil:
		var buf [16]signing.Param
		s := signing.MD5Signer{Rule: *r.params, Secret: secret, Case: r.hex}
		return s.Verify(params(buf[:0], fields), sig)
	}
	return errZeroRule
}

// params turns fields into signing.Params, appending to dst.
func params(dst []signing.Param, fields []Field) []signing.Param {
	for _, f := range fields {
		dst = append(dst, signing.Param{Key: f.Key, Value: f.Value})
	}
	return dst
}

// FindRule reports which rule signed a captured complaint notification: body
// is the request body exactly as received, secret the merchant's API secret.
// It tries candidates in order (Candidates() when none are given) and
// returns the first that verifies. When none does, the error matches
// complaint.ErrSignatureInvalid and names the rules tried; a body that is not
// a notification matches complaint.ErrMalformedNotification. Use it once
// with a real notification to confirm the rule, then pass the rule to
// WithRule (see the package documentation).
func FindRule(body []byte, secret signing.Secret, candidates ...Rule) (Rule, error) {
	if len(candidates) == 0 {
		candidates = Candidates()
	}
	env, err := decodeEnvelope(body)
	if err != nil {
		return Rule{}, err
	}
	sig, ok := lookup(env.data, "sign")
	if !ok || sig.Value == "" {
		return Rule{}, fmt.Errorf("%w: changxiang: data has no sign", complaint.ErrSignatureInvalid)
	}
	names := make([]string, 0, len(candidates))
	for _, r := range candidates {
		if r.Verify(env.data, secret, sig.Value) == nil {
			return r, nil
		}
		names = append(names, r.name)
	}
	return Rule{}, fmt.Errorf("%w: changxiang: no rule matches (tried %s); check the secret, or capture the platform's rule with NewRule",
		complaint.ErrSignatureInvalid, strings.Join(names, ", "))
}
