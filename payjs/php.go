package payjs

import (
	"math"
	"strconv"
	"strings"
)

// This file holds the PHP semantics that PAYJS's server applies when it signs:
// how a JSON number becomes a PHP value and then text (json_decode, then
// http_build_query), and the order ksort gives the top-level keys. Each rule
// names the php-src function it follows; the tests hold cases checked against
// PHP 8.2 with its default ini.

// phpPrecision is PHP's "precision" ini setting, 14 by default (php.ini-
// production and -development and the built-in default). http_build_query
// turns a float into text through PHP's ordinary string conversion, which uses
// "precision"; "serialize_precision" (-1, shortest round trip) is only for
// var_export, json_encode and serialize. So a float PAYJS holds as 0.1+0.2 is
// signed as "0.3" although json_encode sends 0.30000000000000004.
const phpPrecision = 14

// phpNumber returns the text http_build_query writes for a JSON number literal
// after json_decode, and whether PHP's array_filter counts the value as falsy.
//
// json_decode (ext/json's scanner) reads a literal without '.', 'e' or 'E' as
// an int when it fits in 64 bits, and as a float otherwise; every other literal
// is a float (zend_strtod, correctly rounded like strconv.ParseFloat; out of
// range is ±INF, underflow ±0). An int is written in decimal ("-0" is 0); a
// float as appendPHPFloat writes it. Zero, int or float of either sign, is
// falsy.
func phpNumber(lit string) (text string, zero bool) {
	if !strings.ContainsAny(lit, ".eE") {
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			// JSON allows no '+' and no leading zeros, so the literal is the
			// decimal text of n, except "-0".
			if n == 0 {
				return "0", true
			}
			return lit, false
		}
	}
	// The reader hands over only literals that encoding/json accepted, so the
	// one possible error is ErrRange, whose ±Inf is also PHP's value.
	f, _ := strconv.ParseFloat(lit, 64)
	return string(appendPHPFloat(nil, f)), f == 0
}

// appendPHPFloat appends f as PHP's string conversion writes a float with the
// default precision (zend_gcvt(f, 14, '.', 'E'), as in smart_str_append_double
// and the old "%.*G"):
//   - the value is rounded to 14 significant digits and trailing zeros are
//     dropped;
//   - with d the decimal exponent of the rounded value (1.5e-7 has d = -7), the
//     exponent form is used when d < -4 or d >= 14, else the plain form;
//   - the exponent form writes the mantissa with a '.' always (a single digit
//     gets ".0": 1e20 is "1.0E+20"), then 'E', the sign, and the exponent
//     without leading zeros ("1.5E-7");
//   - the plain form has no exponent and no trailing ".0" (1.0 is "1", 1e3 is
//     "1000"), and -0.0 keeps its sign ("-0");
//   - infinities are "INF" and "-INF" (NaN cannot come from JSON).
//
// strconv's 'G' format picks the same form by the same rule (exponent < -4 or
// >= precision) and rounds the same way (to nearest, ties to even on the exact
// binary value, as zend_dtoa mode 2); only the exponent is spelled differently
// ("1E+20", "1.5E-07"), which is rewritten here.
func appendPHPFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "INF"...)
	case math.IsInf(f, -1):
		return append(dst, "-INF"...)
	case math.IsNaN(f):
		return append(dst, "NAN"...)
	}
	if a := math.Abs(f); a >= 1e14 && a < 1e15 && a == math.Trunc(a) {
		// An integral float of 15 digits is rounded to 14 by zend_dtoa's
		// "small integer" path when its fast path cannot decide, which is
		// only on an exact tie (last digit 5). Rounding that tie down to the
		// even digit leaves the 14 digits as they are, trailing zeros kept:
		// PHP writes 100000000000005.0 as "1.0000000000000E+14" but
		// 100000000000001.0 as "1.0E+14".
		if u := uint64(a); u%10 == 5 && (u/10)%2 == 0 {
			if math.Signbit(f) {
				dst = append(dst, '-')
			}
			d := strconv.FormatUint(u/10, 10)
			return append(append(append(dst, d[0], '.'), d[1:]...), "E+14"...)
		}
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'G', phpPrecision, 64)
	e := strings.IndexByte(string(dst[start:]), 'E')
	if e < 0 {
		return dst
	}
	e += start
	var exp [6]byte // "E+308" at most
	n := copy(exp[:], dst[e:])
	dst = dst[:e]
	if !strings.Contains(string(dst[start:]), ".") {
		dst = append(dst, ".0"...)
	}
	digits := strings.TrimLeft(string(exp[2:n]), "0")
	return append(append(dst, exp[:2]...), digits...)
}

// phpIntKey reports whether PHP stores the array key k as an integer: k is the
// canonical decimal text of an int64 (no '+', no leading zeros, not "-0"), as
// ZEND_HANDLE_NUMERIC_STR decides. json_decode(..., true) and $a['10'] = ...
// both turn such keys into ints.
func phpIntKey(k string) (int64, bool) {
	if k == "" || len(k) > 20 || (k[0] != '-' && (k[0] < '0' || k[0] > '9')) {
		return 0, false
	}
	n, err := strconv.ParseInt(k, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != k {
		return 0, false
	}
	return n, true
}

// phpNum is a numeric string as is_numeric_string reads it.
type phpNum struct {
	isFloat bool
	l       int64   // the value when !isFloat
	f       float64 // the value when isFloat
	// oflow is +1 or -1 for an integer string too long for int64 (PHP reads
	// it as the float f and remembers which side it overflowed), else 0.
	oflow int
}

// phpWhitespace is the whitespace is_numeric_string skips before and after a
// number.
const phpWhitespace = " \t\n\r\v\f"

// phpNumeric is PHP 8's _is_numeric_string_ex(s, allow_errors=false) with both
// the int and the float result requested, as zendi_smart_strcmp and
// compare_longs_to_string call it (Zend/zend_operators.c):
//   - leading whitespace (" \t\n\r\v\f") is skipped, then an optional '+' or
//     '-';
//   - then either digits, or '.' followed by a digit;
//   - digits alone are an int; a '.' or an exponent ('e' or 'E', optional
//     sign, at least one digit) after them makes a float, read by zend_strtod
//     from the sign on;
//   - an int of 20 or more digits after its leading zeros, or of exactly 19
//     whose text (with what follows it) is not below "9223372036854775808"
//     ("-9223372036854775808" itself stays an int), overflows: it is the float
//     of its text with oflow set to its sign;
//   - only whitespace may follow; anything else, including a NUL byte, makes
//     the string non-numeric. So "1a", "0x1A", "1e", " " and "" are not
//     numeric, while " 1", "1 ", "01", "+1", "1.", ".5" and "1e3" are.
func phpNumeric(s string) (phpNum, bool) {
	s = strings.TrimLeft(s, phpWhitespace)
	p := 0
	neg := false
	if p < len(s) && (s[p] == '-' || s[p] == '+') {
		neg = s[p] == '-'
		p++
	}
	var n phpNum
	if p < len(s) && s[p] == '.' {
		if p+1 < len(s) && isDigit(s[p+1]) {
			return phpNumFloat(s, n)
		}
		return phpNum{}, false
	}
	if p == len(s) || !isDigit(s[p]) {
		return phpNum{}, false
	}
	for p < len(s) && s[p] == '0' {
		p++
	}
	first := p
	// PHP stops counting at 20 digits: the value overflows int64 anyway.
	for p < len(s) && p-first < 20 && isDigit(s[p]) {
		p++
	}
	digits := p - first
	if digits < 20 && p < len(s) {
		switch c := s[p]; {
		case c == '.':
			return phpNumFloat(s, n)
		case c == 'e' || c == 'E':
			e := p + 1
			if e < len(s) && (s[e] == '-' || s[e] == '+') {
				e++
			}
			if e < len(s) && isDigit(s[e]) {
				return phpNumFloat(s, n)
			}
		}
	}
	overflow := digits >= 20
	if digits == 19 {
		// PHP compares the digits and what follows them (whitespace, or the
		// string is rejected either way) with the magnitude of math.MinInt64.
		c := strings.Compare(s[first:], "9223372036854775808")
		overflow = !(c < 0 || (c == 0 && neg))
	}
	if overflow {
		n.oflow = 1
		if neg {
			n.oflow = -1
		}
		return phpNumFloat(s, n)
	}
	if !onlyWhitespace(s[p:]) {
		return phpNum{}, false
	}
	// As PHP does: the magnitude in 64 unsigned bits, then negated, which
	// gives math.MinInt64 for "-9223372036854775808".
	u, _ := strconv.ParseUint("0"+s[first:p], 10, 64)
	n.l = int64(u)
	if neg {
		n.l = -n.l
	}
	return n, true
}

// phpNumFloat finishes phpNumeric for a float: zend_strtod reads the longest
// prefix of s of the form [+-]digits[.digits][e[+-]digits] (at least one
// mantissa digit; an exponent without digits is not read), and only whitespace
// may follow it.
func phpNumFloat(s string, n phpNum) (phpNum, bool) {
	p := 0
	if p < len(s) && (s[p] == '-' || s[p] == '+') {
		p++
	}
	for p < len(s) && isDigit(s[p]) {
		p++
	}
	if p < len(s) && s[p] == '.' {
		p++
		for p < len(s) && isDigit(s[p]) {
			p++
		}
	}
	if p < len(s) && (s[p] == 'e' || s[p] == 'E') {
		q := p + 1
		if q < len(s) && (s[q] == '-' || s[q] == '+') {
			q++
		}
		if q < len(s) && isDigit(s[q]) {
			for q < len(s) && isDigit(s[q]) {
				q++
			}
			p = q
		}
	}
	if !onlyWhitespace(s[p:]) {
		return phpNum{}, false
	}
	// The prefix is in strconv's syntax too; out of range gives ±Inf, as in
	// zend_strtod.
	n.f, _ = strconv.ParseFloat(s[:p], 64)
	n.isFloat = true
	return n, true
}

func onlyWhitespace(s string) bool { return strings.Trim(s, phpWhitespace) == "" }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// sign3 is ZEND_THREEWAY_COMPARE / ZEND_NORMALIZE_BOOL of a difference: NaN
// (inf - inf) is 0.
func sign3(d float64) int {
	switch {
	case d > 0:
		return 1
	case d < 0:
		return -1
	}
	return 0
}

// phpSmartStrcmp is zendi_smart_strcmp of two string keys: two numeric
// strings compare as numbers (ints exactly, otherwise as floats, with the
// overflow rules below), any other pair byte by byte.
func phpSmartStrcmp(a, b phpKey) int {
	if !a.numeric || !b.numeric {
		return strings.Compare(a.s, b.s)
	}
	x, y := a.num, b.num
	if x.oflow != 0 && x.oflow == y.oflow && x.f-y.f == 0 {
		// Both overflowed to the same side: the floats lost the difference.
		return strings.Compare(a.s, b.s)
	}
	if !x.isFloat && !y.isFloat {
		return cmpInt(x.l, y.l)
	}
	dx, dy := x.f, y.f
	switch {
	case !x.isFloat:
		if y.oflow != 0 {
			return -y.oflow
		}
		dx = float64(x.l)
	case !y.isFloat:
		if x.oflow != 0 {
			return x.oflow
		}
		dy = float64(y.l)
	case dx == dy && (math.IsInf(dx, 0)):
		return strings.Compare(a.s, b.s)
	}
	return sign3(dx - dy)
}

// phpCompareLongToString is PHP 8's compare_longs_to_string of an int key l
// and a string key s: a numeric string compares as its number, any other as
// the int's decimal text against the string, byte by byte.
func phpCompareLongToString(l int64, s phpKey) int {
	switch {
	case !s.numeric:
		return strings.Compare(strconv.FormatInt(l, 10), s.s)
	case s.num.isFloat:
		return sign3Threeway(float64(l), s.num.f)
	}
	return cmpInt(l, s.num.l)
}

// sign3Threeway is ZEND_THREEWAY_COMPARE: equal is 0, else by <.
func sign3Threeway(a, b float64) int {
	switch {
	case a == b:
		return 0
	case a < b:
		return -1
	}
	return 1
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// phpKey is a top-level key as PHP holds it: an int (l) or a string (s), and
// for a string what is_numeric_string makes of it, read once per sort.
type phpKey struct {
	s       string
	l       int64
	isInt   bool
	numeric bool
	num     phpNum
}

func newPHPKey(k string) phpKey {
	l, ok := phpIntKey(k)
	pk := phpKey{s: k, l: l, isInt: ok}
	if !ok {
		pk.num, pk.numeric = phpNumeric(k)
	}
	return pk
}

// phpKeyCompare is ksort's SORT_REGULAR comparison of two keys in PHP >= 8.2
// (php_array_key_compare_unstable_i in ext/standard/array.c): two int keys
// compare as ints, two string keys with zendi_smart_strcmp, an int and a string
// key with zend_compare (compare_longs_to_string). PHP 7 up to 8.1 compared an
// int key with a non-numeric string key as if the string were 0 (issue
// php/php-src#9296, fixed for 8.2); PAYJS's PHP version is not known, and for
// keys that are not numeric strings, the only ones PAYJS is known to send, all
// versions agree with byte order.
//
// This order is not transitive: 9 < 10 (ints), 10 < "1a" and "1a" < 9 (the
// ints as text, byte by byte). The result of ksort then depends on the sort
// algorithm, which phpKsort reproduces.
func phpKeyCompare(a, b phpKey) int {
	switch {
	case a.isInt && b.isInt:
		return cmpInt(a.l, b.l)
	case !a.isInt && !b.isInt:
		return phpSmartStrcmp(a, b)
	case a.isInt:
		return phpCompareLongToString(a.l, b)
	}
	return -phpCompareLongToString(b.l, a)
}

// phpKsort orders the keys as PHP 8's ksort($a) orders an array whose keys are
// keys, in that insertion order: it returns the indexes of keys in sorted
// order. Ties (0 from phpKeyCompare, such as 1 and "1.0") keep insertion order,
// as PHP 8's stable sort does (php_array_key_compare with RETURN_STABLE_SORT).
//
// Because phpKeyCompare is not a total order on every key set, the sort must
// make the very comparisons PHP's does, so this is zend_sort (Zend/zend_sort.c):
// an insertion sort for up to 16 elements (fixed compare-and-swap sequences for
// 2 to 5, a linear then a two-step search for more) and, above that, a
// quicksort whose pivot is the median of 3 (5 from 1024 elements) that recurses
// into the smaller part. When the order is total any sort gives the same
// result; the tests check both against PHP.
func phpKsort(keys []string) []int {
	k := make([]phpKey, len(keys))
	for i, s := range keys {
		k[i] = newPHPKey(s)
	}
	order := make([]int, len(keys))
	ksortKeys(order, k)
	return order
}

// ksortKeys is phpKsort on keys already read, writing into order (of the same
// length), so that the signer can keep both on its stack.
func ksortKeys(order []int, k []phpKey) {
	for i := range order {
		order[i] = i
	}
	zendSort(order, func(a, b int) int {
		if c := phpKeyCompare(k[a], k[b]); c != 0 {
			return c
		}
		return cmpInt(int64(a), int64(b))
	})
}

// zendSort is zend_sort over a, comparing elements with cmp.
func zendSort(a []int, cmp func(x, y int) int) {
	for len(a) > 16 {
		n := len(a)
		mid := n >> 1
		if n>>10 != 0 {
			d := mid >> 1
			zendSort5(a, 0, d, mid, mid+d, n-1, cmp)
		} else {
			zendSort3(a, 0, mid, n-1, cmp)
		}
		a[1], a[mid] = a[mid], a[1]
		const pivot = 1
		i, j := pivot+1, n-1
	partition:
		for {
			for cmp(a[pivot], a[i]) > 0 {
				if i++; i == j {
					break partition
				}
			}
			if j--; j == i {
				break
			}
			for cmp(a[j], a[pivot]) > 0 {
				if j--; j == i {
					break partition
				}
			}
			a[i], a[j] = a[j], a[i]
			if i++; i == j {
				break
			}
		}
		a[pivot], a[i-1] = a[i-1], a[pivot]
		if i-1 < n-i {
			zendSort(a[:i-1], cmp)
			a = a[i:]
		} else {
			zendSort(a[i:], cmp)
			a = a[:i-1]
		}
	}
	zendInsertSort(a, cmp)
}

// zendInsertSort is zend_insert_sort.
func zendInsertSort(a []int, cmp func(x, y int) int) {
	switch n := len(a); n {
	case 0, 1:
	case 2:
		zendSort2(a, 0, 1, cmp)
	case 3:
		zendSort3(a, 0, 1, 2, cmp)
	case 4:
		zendSort4(a, 0, 1, 2, 3, cmp)
	case 5:
		zendSort5(a, 0, 1, 2, 3, 4, cmp)
	default:
		insert := func(i, j int) {
			for k := i; k > j; k-- {
				a[k], a[k-1] = a[k-1], a[k]
			}
		}
		// The first six: search back one by one.
		for i := 1; i < 6; i++ {
			j := i - 1
			if cmp(a[j], a[i]) <= 0 {
				continue
			}
			for j != 0 {
				j--
				if cmp(a[j], a[i]) <= 0 {
					j++
					break
				}
			}
			insert(i, j)
		}
		// The rest: search back two at a time, then settle the last step.
		for i := 6; i < n; i++ {
			j := i - 1
			if cmp(a[j], a[i]) <= 0 {
				continue
			}
			for {
				j -= 2
				if cmp(a[j], a[i]) <= 0 {
					j++
					if cmp(a[j], a[i]) <= 0 {
						j++
					}
					break
				}
				if j == 0 {
					break
				}
				if j == 1 {
					j--
					if cmp(a[i], a[j]) > 0 {
						j++
					}
					break
				}
			}
			insert(i, j)
		}
	}
}

func zendSort2(a []int, x, y int, cmp func(x, y int) int) {
	if cmp(a[x], a[y]) > 0 {
		a[x], a[y] = a[y], a[x]
	}
}

func zendSort3(a []int, x, y, z int, cmp func(x, y int) int) {
	if cmp(a[x], a[y]) <= 0 {
		if cmp(a[y], a[z]) <= 0 {
			return
		}
		a[y], a[z] = a[z], a[y]
		zendSort2(a, x, y, cmp)
		return
	}
	if cmp(a[z], a[y]) <= 0 {
		a[x], a[z] = a[z], a[x]
		return
	}
	a[x], a[y] = a[y], a[x]
	zendSort2(a, y, z, cmp)
}

func zendSort4(a []int, w, x, y, z int, cmp func(x, y int) int) {
	zendSort3(a, w, x, y, cmp)
	if cmp(a[y], a[z]) > 0 {
		a[y], a[z] = a[z], a[y]
		if cmp(a[x], a[y]) > 0 {
			a[x], a[y] = a[y], a[x]
			zendSort2(a, w, x, cmp)
		}
	}
}

func zendSort5(a []int, v, w, x, y, z int, cmp func(x, y int) int) {
	zendSort4(a, v, w, x, y, cmp)
	if cmp(a[y], a[z]) > 0 {
		a[y], a[z] = a[z], a[y]
		if cmp(a[x], a[y]) > 0 {
			a[x], a[y] = a[y], a[x]
			if cmp(a[w], a[x]) > 0 {
				a[w], a[x] = a[x], a[w]
				zendSort2(a, v, w, cmp)
			}
		}
	}
}
