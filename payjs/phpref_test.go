package payjs

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// This file holds the tests' own constructions of the PHP rules, written
// differently from php.go so that the two check each other.

// refPHPFloat lays out a float as php_gcvt does (main/snprintf.c) with
// precision 14: zend_dtoa gives at most 14 significant digits and the decimal
// point position decpt (value = 0.DIGITS × 10^decpt); decpt < -3 or decpt > 14
// selects "D.DDDE±X", decpt <= 0 "0.000DDD", else the digits with the point
// inside or zeros after them. The digits come here from strconv's 'e' format
// with 13 decimals (14 digits, correctly rounded, ties to even), not from 'G'.
func refPHPFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case f == 0 && math.Signbit(f):
		return "-0"
	case f == 0:
		return "0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', 13, 64), "e")
	digits := mant[:1] + mant[2:]
	x, _ := strconv.Atoi(exp)
	decpt := x + 1
	// zend_dtoa drops trailing zeros, except in its path for integers below
	// 1e15 when it rounds an exact half (a 15-digit integer ending in 5)
	// down, keeping its first 14 digits as they are.
	tieKept := f == math.Trunc(f) && decpt == 15 && uint64(f)%10 == 5 && digits == strconv.FormatUint(uint64(f)/10, 10)
	if !tieKept {
		digits = strings.TrimRight(digits, "0")
	}
	switch {
	case decpt < -3 || decpt > 14:
		frac := digits[1:]
		if frac == "" {
			frac = "0"
		}
		e := decpt - 1
		esign := "+"
		if e < 0 {
			esign, e = "-", -e
		}
		return sign + digits[:1] + "." + frac + "E" + esign + strconv.Itoa(e)
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case len(digits) <= decpt:
		return sign + digits + strings.Repeat("0", decpt-len(digits))
	}
	return sign + digits[:decpt] + "." + digits[decpt:]
}

// refNumber is json_decode then http_build_query for a JSON number literal,
// and whether it is zero: a literal with no '.', 'e' or 'E' that fits int64 is
// an int, anything else a float.
func refNumber(lit string) (string, bool) {
	if !strings.ContainsAny(lit, ".eE") {
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return strconv.FormatInt(n, 10), n == 0
		}
	}
	f, _ := strconv.ParseFloat(lit, 64)
	return refPHPFloat(f), f == 0
}

// refKsortOrder is ksort's order for key sets where PHP's comparison is a
// total order: keys that are "" , numeric (PHP ints, or strings that PHP reads
// as numbers, with no overflow), or names whose first byte is above '9'. Then
// "" sorts first (it is below every text), numbers next by value (an int key
// against a name compares as its decimal text, which starts with '-' or a
// digit), equal values in given order, and names last, byte by byte. It
// returns false when a key is of none of these kinds.
func refKsortOrder(keys []string) ([]int, bool) {
	type k struct {
		rank int
		v    float64
		s    string
		i    int
	}
	ks := make([]k, len(keys))
	for i, s := range keys {
		ks[i] = k{s: s, i: i}
		switch {
		case s == "":
		case s[0] > '9':
			ks[i].rank = 2
		default:
			t := strings.Trim(s, " \t\n\r\v\f")
			v, err := strconv.ParseFloat(t, 64)
			if err != nil || strings.Trim(t, "0123456789.eE+-") != "" || math.Abs(v) > 1e15 {
				return nil, false
			}
			ks[i].rank, ks[i].v = 1, v
		}
	}
	slices.SortStableFunc(ks, func(a, b k) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if a.rank == 1 {
			return cmp.Compare(a.v, b.v)
		}
		return strings.Compare(a.s, b.s)
	})
	out := make([]int, len(ks))
	for i, x := range ks {
		out[i] = x.i
	}
	return out, true
}
