package httpc

import (
	"net/http"
	"net/url"
	"regexp"
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

	// -----BEGIN RSA PRIVATE KEY----- ... (also unterminated).
	rePEM = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`)
	// "Authorization": "..." and "Authorization": ["..."] in JSON.
	reHeaderJSON = regexp.MustCompile(`(?i)\\*"(?:` + headers + `)\\*"\s*:\s*\[?\s*` + valuePattern)
	// Authorization: ... in a header dump (to the end of the line) and
	// Authorization:[...] in a printed http.Header (to the bracket).
	reHeaderLine = regexp.MustCompile(`(?i)\b(?:` + headers + `)[ \t]*[:=][ \t]*\[?([^\r\n\]]*)`)
	// WECHATPAY2-SHA256-RSA2048 mchid="...",...,signature="..." anywhere.
	reWechatAuth = regexp.MustCompile(`(?i)\b(WECHATPAY2-[A-Z0-9-]+)[ \t]+([^\r\n\]]*)`)
	// Bearer/Basic/Digest credentials anywhere.
	reScheme = regexp.MustCompile(`(?i)\b(?:bearer|basic|digest)[ \t]+([A-Za-z0-9._~+/=-]+)`)
	// <sign>...</sign>, with or without CDATA.
	reXML = regexp.MustCompile(`(?is)<(?:` + names + `)>(<!\[CDATA\[(?:.*?\]\]>|.*)|[^<]*)`)
	// sign=..., "sign":"...", sign: ..., key:[...] in query strings, form
	// bodies, JSON, Go-printed maps and structs, and free text.
	reParam = regexp.MustCompile(`(?i)\b(?:` + names + `)\\*["']?\s*[:=]\s*\[?` + valuePattern)
)

// Redact removes secrets from a free-text line (a log message, an error
// string, a header or request dump): Authorization values (WECHATPAY2-...,
// Bearer, Basic, Digest), Cookie and Wechatpay-Signature headers, and the
// values of parameters such as sign, signature, key, appkey, apiv3 keys,
// secrets and tokens in query strings, form bodies, JSON (also escaped
// inside a string), XML and Go-printed maps, plus PEM private keys. Each
// secret becomes [Redacted]; the text around it is kept.
//
// Redact over-redacts rather than miss: "key: not found" loses "not".
func Redact(s string) string {
	if s == "" {
		return s
	}
	s = rePEM.ReplaceAllLiteralString(s, Redacted)
	s = replaceGroup(reHeaderJSON, s)
	s = replaceGroup(reHeaderLine, s)
	s = replaceGroup(reWechatAuth, s, 2)
	s = replaceGroup(reScheme, s)
	s = replaceGroup(reXML, s)
	s = replaceGroup(reParam, s)
	return s
}

// replaceGroup replaces the text of one capture group (the last unless
// given) in every match of re with Redacted, keeping the value's quoting.
func replaceGroup(re *regexp.Regexp, s string, group ...int) string {
	g := re.NumSubexp()
	if len(group) > 0 {
		g = group[0]
	}
	matches := re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range matches {
		start, end := m[2*g], m[2*g+1]
		if start < 0 || start == end {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(mask(s[start:end]))
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
