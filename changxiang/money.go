package changxiang

import (
	"errors"
	"math"
	"strings"
)

// ErrAmount is what ParseYuan answers for text that is not an exact,
// non-negative amount in yuan. Notifications carrying such an amount are
// rejected with an error that matches both ErrAmount and
// complaint.ErrMalformedNotification.
var ErrAmount = errors.New("changxiang: not an exact amount in yuan")

// ParseYuan reads a decimal amount in yuan, as the platform writes money
// ("12.50", "100000.00", a JSON number 12.5 as its text "12.5"), into fen,
// exactly: the digits are read as integers, never through a float, so
// 100000.01 is 10000001 fen. Digits after the second decimal must be zeros
// ("1.500" is 150; "1.005" is not a whole number of fen). A sign, exponent,
// spaces, a lone or trailing point and amounts beyond int64 fen are ErrAmount.
func ParseYuan(s string) (int64, error) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || (hasPoint && frac == "") || !digits(whole) || !digits(frac) {
		return 0, ErrAmount
	}
	if strings.Trim(frac[min(len(frac), 2):], "0") != "" {
		return 0, ErrAmount
	}
	// The amount in fen is the whole digits followed by two decimals.
	var fen int64
	for _, c := range whole + (frac + "00")[:2] {
		d := int64(c - '0')
		if fen > (math.MaxInt64-d)/10 {
			return 0, ErrAmount
		}
		fen = fen*10 + d
	}
	return fen, nil
}

// digits reports whether s holds only ASCII digits ("" does).
func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
