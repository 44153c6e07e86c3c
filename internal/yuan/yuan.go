package yuan

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Sentinels, so callers can tell an absent amount from a malformed one.
var (
	// ErrEmpty: the amount is the empty string.
	ErrEmpty = errors.New("yuan: empty amount")
	// ErrSyntax: the amount is not digits with an optional decimal part.
	ErrSyntax = errors.New("yuan: not a decimal amount")
	// ErrNegative: the amount has a minus sign.
	ErrNegative = errors.New("yuan: negative amount")
	// ErrPrecision: the amount has a non-zero digit beyond the fen.
	ErrPrecision = errors.New("yuan: amount finer than a fen")
	// ErrRange: the amount in fen does not fit an int64.
	ErrRange = errors.New("yuan: amount out of range")
)

// ParseFen returns the yuan amount s in fen: "12.3" and "12.30" are 1230,
// "0.05" is 5, "100000.00" is 10000000. See the package documentation for the
// accepted form.
func ParseFen(s string) (int64, error) {
	if s == "" {
		return 0, ErrEmpty
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	fen, err := parseUnsigned(s)
	if neg && !errors.Is(err, ErrSyntax) {
		return 0, ErrNegative // "-0.00" too: an amount is never signed
	}
	return fen, err
}

// parseUnsigned reads digits with an optional fraction. A syntax error is
// reported before a digit beyond the fen, and that before a value too large:
// the most basic fault first.
func parseUnsigned(s string) (int64, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, ErrSyntax
	}
	if len(frac) > 2 && strings.Trim(frac[2:], "0") != "" {
		return 0, ErrPrecision
	}
	var n int64
	for i := 0; i < len(whole); i++ {
		if n > (math.MaxInt64-9)/10 {
			return 0, ErrRange
		}
		n = n*10 + int64(whole[i]-'0')
	}
	var f int64
	for i := 0; i < len(frac) && i < 2; i++ {
		f += int64(frac[i]-'0') * [2]int64{10, 1}[i]
	}
	if n > (math.MaxInt64-f)/100 {
		return 0, ErrRange
	}
	return n*100 + f, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// FormatFen writes fen as yuan with two decimals ("12.30", "-0.05"), the form
// ParseFen reads back.
func FormatFen(fen int64) string {
	var b []byte
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	c := u % 100
	return string(append(b, '.', byte('0'+c/10), byte('0'+c%10)))
}

// ParseJSON reads an amount given in JSON as a number (its literal text,
// 12.30) or a string ("12.30"). null and "" give 0 with no error: the provider
// said nothing about the amount. Anything else that ParseFen rejects is an
// error, never 0.
func ParseJSON(b []byte) (int64, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return 0, ErrSyntax
	case string(b) == "null":
		return 0, nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, ErrSyntax
		}
		if s == "" {
			return 0, nil
		}
		return ParseFen(s)
	}
	return ParseFen(string(b))
}

// Fen is an amount in fen that decodes from yuan in JSON (see ParseJSON) and
// encodes as a yuan string with two decimals, so a decoded value encodes back
// to what the provider meant.
type Fen int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Fen) UnmarshalJSON(b []byte) error {
	v, err := ParseJSON(b)
	if err != nil {
		return err
	}
	*f = Fen(v)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f Fen) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, FormatFen(int64(f))), nil
}
