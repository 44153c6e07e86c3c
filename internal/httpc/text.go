package httpc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxProviderText is how many runes of provider-controlled text (an error
// message, a field name, a request id) an error string carries.
const MaxProviderText = 200

// ProviderText makes text a provider sent safe to put into an error string or a
// log line: control characters (newlines that could forge log lines, terminal
// escapes) become spaces, invalid UTF-8 becomes U+FFFD, and anything past MaxProviderText runes is cut with an
// ellipsis, so a hostile or broken answer cannot flood logs.
func ProviderText(s string) string {
	clean := utf8.ValidString(s)
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) {
			clean = false
		}
	}
	if clean && n <= MaxProviderText {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), MaxProviderText*4) + 3)
	i := 0
	for _, r := range s {
		if i == MaxProviderText {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}
