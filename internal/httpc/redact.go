package httpc

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Redacted replaces every secret that Redact, RedactHeader and RedactURL
// remove.
const Redacted = "[REDACTED]"

// secretNames are parameter, JSON field and XML element names whose values
// are secrets (signatures, keys, tokens) or personal data. Matching is
// case-insensitive and on the whole name.
var secretNames = []string{
	"sign", "signature", "paysign", "pay_sign", "sign_str",
	"key", "appkey", "app_key", "apikey", "api_key", "apiv3", "apiv3key", "apiv3_key", "api_v3_key",
	"mchkey", "mch_key", "merchant_key", "private_key", "privatekey", "secret_key", "sm2_private_key",
	"secret", "appsecret", "app_secret", "client_secret",
	"password", "passwd", "access_token", "token",
	"payer_phone",
}

// secretHeaders are header names whose whole value is a secret.
var secretHeaders = []string{
	"authorization", "proxy-authorization", "cookie", "set-cookie",
	"wechatpay-signature", "x-api-key", "x-auth-token", "x-access-token",
}

var secretNameSet = func() map[string]bool {
	m := make(map[string]bool, len(secretNames))
	for _, n := range secretNames {
		m[n] = true
	}
	return m
}()

// The value of a name=value, name: value or "name":"value" pair: a
// backslash-escaped quoted string (JSON inside a Go-quoted or JSON string),
// a JSON or shell double-quoted string, a single-quoted string, or a bare
// token. An unterminated quote runs to the end of the line, so a truncated
// line cannot leak the tail of a secret.
const valuePattern = `(\\+"(?:[^"\\]|\\+[^"\\])*(?:\\+")?|"(?:[^"\\]|\\.)*"?|'[^']*'?|[^&\s"',;}\]<>()\\]*)`

var (
	names   = strings.Join(secretNames, "|")
	headers = strings.Join(secretHeaders, "|")

	// toEOL is a value that runs to the end of the line, or to the bracket
	// closing a printed http.Header value.
	toEOL = regexp.MustCompile(`^[^\r\n\]]*`)
	// anyValue is valuePattern, anchored.
	anyValue = regexp.MustCompile(`^` + valuePattern)
)

// maxValueScan bounds the text examined for one secret's value. Longer
// values are redacted to the end of the line given to Redact.
const maxValueScan = 2048

// A rule finds the heads of secrets (a parameter name and its separator, a
// header name, an auth scheme) and the extent of the secret that follows
// each head. Heads are found on the original text by every rule, and the
// secrets of all rules are merged before anything is replaced, so that no
// rule can hide a secret from another by consuming its name: in
// `key: "sign":"s"` both `"sign"` (the value of key) and `"s"` go.
type rule struct {
	head  *regexp.Regexp
	value *regexp.Regexp // anchored; nil: the head itself is the secret
}

var rules = []rule{
	// -----BEGIN RSA PRIVATE KEY----- ... (also unterminated).
	{head: regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`)},
	// "Authorization": "..." and "Authorization": ["..."] in JSON.
	{regexp.MustCompile(`(?i)\\*"(?:` + headers + `)\\*"\s*:\s*\[?\s*`), anyValue},
	// Authorization: ... in a header dump (to the end of the line) and
	// Authorization:[...] in a printed http.Header (to the bracket).
	{regexp.MustCompile(`(?i)\b(?:` + headers + `)[ \t]*[:=][ \t]*\[?`), toEOL},
	// WECHATPAY2-SHA256-RSA2048 mchid="...",...,signature="..." anywhere.
	{regexp.MustCompile(`(?i)\bWECHATPAY2-[A-Z0-9-]+[ \t]+`), toEOL},
	// Bearer/Basic/Digest credentials anywhere.
	{regexp.MustCompile(`(?i)\b(?:bearer|basic|digest)[ \t]+`), regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+`)},
	// <sign>...</sign>, with or without CDATA.
	{regexp.MustCompile(`(?i)<(?:` + names + `)>`), regexp.MustCompile(`^(?s:<!\[CDATA\[(?:.*?\]\]>|.*)|[^<]*)`)},
	// sign=..., "sign":"...", sign: ..., key:[...] in query strings, form
	// bodies, JSON, Go-printed maps and structs, and free text.
	{regexp.MustCompile(`(?i)\b(?:` + names + `)\\*["']?\s*[:=]\s*\[?`), anyValue},
}

// Redact removes secrets from a free-text line (a log message, an error
// string, a header or request dump): Authorization values (WECHATPAY2-...,
// Bearer, Basic, Digest), Cookie and Wechatpay-Signature headers, and the
// values of parameters such as sign, signature, key, appkey, apiv3 keys,
// secrets and tokens in query strings, form bodies, JSON (also escaped
// inside a string), XML and Go-printed maps and structs, plus PEM private
// keys. Each secret becomes [Redacted]; the text around it is kept.
//
// Redact over-redacts rather than miss: "key: not found" loses "not".
func Redact(s string) string {
	// Every rule's head needs one of these; most query values and short
	// messages have none and skip the regular expressions.
	if !strings.ContainsAny(s, "=:<- \t") {
		return s
	}
	var spans [][2]int
	tail := len(s) // everything from tail on is already a secret
	for _, r := range rules {
		for _, m := range r.head.FindAllStringIndex(s, -1) {
			if r.value == nil {
				if m[0] >= tail {
					break
				}
				if m[1] == len(s) {
					tail = m[0]
				}
				spans = append(spans, [2]int{m[0], m[1]})
				continue
			}
			if m[1] >= tail {
				break
			}
			// Scanning a bounded window keeps Redact linear on text full
			// of names; a value that fills the window is taken to run to
			// the end.
			w := s[m[1]:min(len(s), m[1]+maxValueScan)]
			v := r.value.FindStringIndex(w)
			if v == nil || v[1] == 0 {
				continue
			}
			end := m[1] + v[1]
			if v[1] == maxValueScan {
				end = len(s)
			}
			if end == len(s) {
				tail = min(tail, m[1])
			}
			spans = append(spans, [2]int{m[1], end})
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		if start < last {
			start = last
		}
		v := s[start:end]
		if quotePrefix(v) == v || strings.Trim(v, "[]\\\"' ") == "REDACTED" {
			continue // only a quote, or redacted already
		}
		b.WriteString(s[last:start])
		b.WriteString(mask(v))
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// mask returns Redacted in the quoting of v, so that redacted JSON stays
// JSON. A value that is only its opening quote is left alone.
func mask(v string) string {
	open := quotePrefix(v)
	if open == "" {
		return Redacted
	}
	if len(v) == len(open) {
		return v
	}
	closing := ""
	if len(v) >= 2*len(open) && strings.HasSuffix(v, open) {
		closing = open
	}
	return open + Redacted + closing
}

// quotePrefix is the opening quote of v including any escaping backslashes.
func quotePrefix(v string) string {
	i := 0
	for i < len(v) && v[i] == '\\' {
		i++
	}
	if i < len(v) && (v[i] == '"' || v[i] == '\'' && i == 0) {
		return v[:i+1]
	}
	return ""
}

// IsSecretHeader reports whether the named header carries a credential or
// signature, and so is dropped by RedactHeader.
func IsSecretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, h := range secretHeaders {
		if n == h {
			return true
		}
	}
	for _, part := range []string{"signature", "secret", "token", "password", "api-key", "apikey", "authorization", "cookie"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// RedactHeader returns a copy of h in which the values of credential and
// signature headers (Authorization, Cookie, Wechatpay-Signature, anything
// named like a token or secret) are [Redacted] and every other value has
// passed through [Redact]. h is not modified; nil gives nil.
func RedactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		secret := IsSecretHeader(k)
		for i, v := range vs {
			if secret {
				c[i] = Redacted
			} else {
				c[i] = Redact(v)
			}
		}
		out[k] = c
	}
	return out
}

// RedactURL returns u as a string with the values of secret query
// parameters (sign, signature, key, appkey, token, ...) and any password in
// the user info replaced by [Redacted]. Other parameters keep their order
// and encoding, except that secrets embedded in their values (a notify URL
// carrying its own key) are redacted too. nil gives "".
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		if _, ok := c.User.Password(); ok {
			c.User = url.UserPassword(c.User.Username(), "REDACTED")
		}
	}
	if c.RawQuery != "" {
		c.RawQuery = redactQuery(c.RawQuery)
	}
	return c.String()
}

// redactQuery redacts a raw query string in place of its parameters,
// without re-encoding or reordering the ones it keeps.
func redactQuery(q string) string {
	var b strings.Builder
	b.Grow(len(q))
	for i, part := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, value, hasValue := strings.Cut(part, "=")
		uname, err := url.QueryUnescape(name)
		if err != nil {
			uname = name
		}
		switch {
		case !hasValue:
			b.WriteString(Redact(part))
		case secretNameSet[strings.ToLower(uname)]:
			b.WriteString(name)
			b.WriteByte('=')
			if value != "" {
				b.WriteString(Redacted)
			}
		default:
			b.WriteString(name)
			b.WriteByte('=')
			uv, err := url.QueryUnescape(value)
			if err != nil {
				b.WriteString(Redact(value))
				continue
			}
			if r := Redact(uv); r != uv {
				b.WriteString(strings.ReplaceAll(url.QueryEscape(r), url.QueryEscape(Redacted), Redacted))
			} else {
				b.WriteString(value)
			}
		}
	}
	return b.String()
}
