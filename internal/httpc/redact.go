package httpc

import (
	"net/url"
	"strconv"
	"strings"
)

// URLPath is the path of a URL as a log line or an error may show it: no
// scheme, host or user info, no query, no fragment. Allinpay and PAYJS sign in
// the query and user info holds passwords, so only the path is ever logged.
// A string that does not parse as a URL is cut at its first '?' or '#' and
// after its "scheme://host"; an empty path on a host is "/".
func URLPath(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return pathOf(u)
	}
	p := raw
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = "/"
		}
	}
	// Unparsable: it may hold control characters.
	return ProviderText(p)
}

// pathOf is the escaped path of u; escaping keeps it on one line.
func pathOf(u *url.URL) string {
	if p := u.EscapedPath(); p != "" || u.Host == "" {
		return p
	}
	return "/"
}

// ErrorText is err's message fit for a log line: every URL in it reduced to
// [URLPath], on one line of at most MaxProviderText runes. net/http and resty
// put the whole request URL, query signature and all, into their errors
// (*url.Error); ErrorText replaces each one it can reach with errors.Unwrap
// exactly, and then any quoted URL or bare "scheme://" word left in the text,
// because resty wraps some errors (a URL it cannot parse) in a type that does
// not unwrap. nil gives "".
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	walkErrors(err, 0, func(e error) {
		if ue, ok := e.(*url.Error); ok && ue.URL != "" {
			p := URLPath(ue.URL)
			s = strings.ReplaceAll(s, strconv.Quote(ue.URL), strconv.Quote(p))
			s = strings.ReplaceAll(s, ue.URL, p)
		}
	})
	return ProviderText(stripURLs(s))
}

// walkErrors calls f on err and everything it wraps, depth-first, to a
// bounded depth so that a cyclic chain cannot hang a log call.
func walkErrors(err error, depth int, f func(error)) {
	if err == nil || depth > 32 {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), depth+1, f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, depth+1, f)
		}
	}
}

// stripURLs reduces to [URLPath] each Go-quoted string (net/url prints URLs
// with %q) that looks like a URL (holds "://", '?' or '#', or starts with
// '/'), and each bare word holding "://". Other text is kept as it is.
func stripURLs(s string) string {
	if !strings.ContainsAny(s, `"?#`) && !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '"':
			q, err := strconv.QuotedPrefix(s[i:])
			if err != nil {
				// Unterminated or malformed: the rest of the text is the
				// quoted value.
				if rest := s[i+1:]; looksLikeURL(rest) {
					b.WriteString(`"` + URLPath(rest))
				} else {
					b.WriteString(s[i:])
				}
				return b.String()
			}
			i += len(q)
			if v, err := strconv.Unquote(q); err == nil && looksLikeURL(v) {
				q = strconv.Quote(URLPath(v))
			}
			b.WriteString(q)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			b.WriteByte(c)
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r\"", rune(s[j])) {
				j++
			}
			w := s[i:j]
			if strings.Contains(w, "://") {
				w = URLPath(w)
			}
			b.WriteString(w)
			i = j
		}
	}
	return b.String()
}

func looksLikeURL(v string) bool {
	return strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?#") || strings.Contains(v, "://")
}
