package payjs

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The expected strings below follow from the rules written in php.go; each
// was also printed by PHP 8.2.36 (CLI, default ini: precision=14,
// serialize_precision=-1) with json_decode('{"a":LIT}', true), http_build_query
// and urldecode, or with ksort, the way PAYJS's PHP SDK signs.

// phpFloatCases: float → the text http_build_query writes for it.
var phpFloatCases = []struct {
	f    float64
	want string
}{
	{1000, "1000"},               // 1e3: decimal exponent 3 < 14, plain form, no ".0"
	{1, "1"},                     // 1.0: plain form drops the fraction
	{1e20, "1.0E+20"},            // exponent 20 >= 14: exponent form, lone digit gets ".0"
	{0.1, "0.1"},                 // exponent -1 >= -4: plain form
	{math.Copysign(0, -1), "-0"}, // -0.0 keeps its sign
	{0, "0"},
	{1.5e-7, "1.5E-7"},                       // exponent -7 < -4; exponent without leading zeros
	{0.30000000000000004, "0.3"},             // 14 significant digits, trailing zeros dropped
	{1e14, "1.0E+14"},                        // exponent 14 is not below 14
	{1e13, "10000000000000"},                 // exponent 13: plain, all 14 digits
	{123456789012345, "1.2345678901234E+14"}, // 15 digits rounded to 14 (5 ties to even 4)
	{1234567890123456, "1.2345678901235E+15"},
	{999999999999999, "1.0E+15"}, // rounds up into the next decade
	{0.0001, "0.0001"},           // exponent -4: still plain
	{0.00001, "1.0E-5"},          // exponent -5: exponent form
	{0.000099999999999999, "9.9999999999999E-5"},
	{2.5e-5, "2.5E-5"},
	{1.7976931348623157e308, "1.7976931348623E+308"},
	{5e-324, "4.9406564584125E-324"}, // the smallest subnormal, 14 digits of its exact value
	{-1.5e300, "-1.5E+300"},
	{9007199254740993, "9.007199254741E+15"}, // 2^53+1 is read as 2^53; trailing zeros of the 14 digits dropped
	{12345678901234567890, "1.2345678901235E+19"},
	{99999999999999.99, "1.0E+14"},
	{4.35, "4.35"},
	{1.0 / 3, "0.33333333333333"},
	{100000000000001, "1.0E+14"},             // 15 digits, 1 rounds down: zeros dropped
	{100000000000005, "1.0000000000000E+14"}, // an exact tie rounded down keeps them (zend_dtoa)
	{100000000000015, "1.0000000000002E+14"}, // a tie rounded up to even
	{937839368060605, "9.3783936806060E+14"}, // found by comparing with PHP
	{937839368060595, "9.378393680606E+14"},  // a tie rounded up: the carried 9s are dropped
	{100000000000095, "1.000000000001E+14"},
	{-120000000000005, "-1.2000000000000E+14"},
	{120000000000003, "1.2E+14"},
	{math.Inf(1), "INF"}, // 1e400 in JSON overflows to INF in PHP too
	{math.Inf(-1), "-INF"},
}

func TestPHPFloat(t *testing.T) {
	for _, c := range phpFloatCases {
		if got := string(appendPHPFloat([]byte("x="), c.f)); got != "x="+c.want {
			t.Errorf("appendPHPFloat(%v) = %q, want %q", c.f, got, "x="+c.want)
		}
		if got := refPHPFloat(c.f); got != c.want {
			t.Errorf("refPHPFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

// FuzzPHPFloat compares the production float text (strconv's 'G' rewritten)
// with the tests' php_gcvt layout of strconv's 'e' digits, and checks that the
// text reads back within the 14-digit rounding.
func FuzzPHPFloat(f *testing.F) {
	for _, c := range phpFloatCases {
		f.Add(math.Float64bits(c.f))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		if math.IsNaN(x) {
			return
		}
		got := string(appendPHPFloat(nil, x))
		if want := refPHPFloat(x); got != want {
			t.Fatalf("%v (%#x): %q, reference %q", x, bits, got, want)
		}
		if math.IsInf(x, 0) {
			return
		}
		back, err := strconv.ParseFloat(got, 64)
		if err != nil && !math.IsInf(back, 0) {
			t.Fatalf("%q does not parse: %v", got, err)
		}
		if x != 0 && math.Abs(back-x) > 5e-14*math.Abs(x) {
			t.Fatalf("%q is %v, too far from %v", got, back, x)
		}
		if strings.ContainsAny(got, "e+") && !strings.Contains(got, "E+") {
			t.Fatalf("%q: not PHP's exponent form", got)
		}
	})
}

func TestPHPNumber(t *testing.T) {
	for _, c := range []struct {
		lit, want string
		zero      bool
	}{
		{"0", "0", true},
		{"-0", "0", true}, // an int: 0 has no sign
		{"0.0", "0", true},
		{"-0.0", "-0", true}, // a float: -0.0 keeps it
		{"0e5", "0", true},
		{"-1e-400", "-0", true}, // underflows to -0.0, as zend_strtod does
		{"1e3", "1000", false},
		{"1E+2", "100", false},
		{"1.0", "1", false},
		{"1e20", "1.0E+20", false},
		{"0.1", "0.1", false},
		{"1.5e-7", "1.5E-7", false},
		{"1000000", "1000000", false}, // an int keeps its digits, never 1e+06
		{"9223372036854775807", "9223372036854775807", false},
		{"9223372036854775808", "9.2233720368548E+18", false}, // beyond int64: a float
		{"-9223372036854775808", "-9223372036854775808", false},
		{"-9223372036854775809", "-9.2233720368548E+18", false},
		{"12345678901234567890", "1.2345678901235E+19", false},
		{"1e400", "INF", false},
		{"-1e400", "-INF", false},
	} {
		text, zero := phpNumber(c.lit)
		if text != c.want || zero != c.zero {
			t.Errorf("phpNumber(%s) = %q, %v; want %q, %v", c.lit, text, zero, c.want, c.zero)
		}
		if rt, rz := refNumber(c.lit); rt != c.want || rz != c.zero {
			t.Errorf("refNumber(%s) = %q, %v; want %q, %v", c.lit, rt, rz, c.want, c.zero)
		}
	}
}

func TestPHPNumeric(t *testing.T) {
	type n = phpNum
	for s, want := range map[string]*phpNum{
		"1":                      {l: 1},
		"01":                     {l: 1},
		"-0":                     {l: 0},
		"+5":                     {l: 5},
		" 1":                     {l: 1},
		"1 ":                     {l: 1},
		"\t\n\r\v\f1\f":          {l: 1},
		"1.":                     {isFloat: true, f: 1},
		".5":                     {isFloat: true, f: 0.5},
		"-.5":                    {isFloat: true, f: -0.5},
		"1e3":                    {isFloat: true, f: 1000},
		"1E-3":                   {isFloat: true, f: 0.001},
		"1.5e+2 ":                {isFloat: true, f: 150},
		"1e400":                  {isFloat: true, f: math.Inf(1)},
		"9223372036854775807":    {l: math.MaxInt64},
		"-9223372036854775808":   {l: math.MinInt64},
		"0009223372036854775807": {l: math.MaxInt64}, // leading zeros do not count
		"9223372036854775808":    {isFloat: true, f: 9223372036854775808, oflow: 1},
		"-9223372036854775809":   {isFloat: true, f: -9223372036854775809, oflow: -1},
		// "-9223372036854775808" followed by a space is compared by strcmp
		// with its trailing space, so it no longer equals the limit.
		"-9223372036854775808 ":   {isFloat: true, f: -9223372036854775808, oflow: -1},
		"99999999999999999999":    {isFloat: true, f: 1e20, oflow: 1}, // 20 digits
		"123456789012345678901.5": {isFloat: true, f: 123456789012345678901.5, oflow: 1},
		"":                        nil,
		" ":                       nil,
		"a":                       nil,
		"1a":                      nil,
		"0x1A":                    nil,
		"1e":                      nil,
		"1e+":                     nil,
		".":                       nil,
		"-":                       nil,
		"--1":                     nil,
		"1 a":                     nil,
		"1\x00":                   nil,
		"INF":                     nil,
		"NAN":                     nil,
		"1_0":                     nil,
		"1.5.":                    nil,
	} {
		got, ok := phpNumeric(s)
		switch {
		case want == nil && ok:
			t.Errorf("phpNumeric(%q) = %+v, want not numeric", s, got)
		case want != nil && (!ok || got != n(*want)):
			t.Errorf("phpNumeric(%q) = %+v, %v; want %+v", s, got, ok, *want)
		}
	}
}

// ksortCases: keys in insertion order → ksort's order, as PHP 8.2 printed it.
var ksortCases = []struct{ in, want []string }{
	// The brief's mixed set: "10", "9" and "-1" are int keys, "01" a numeric
	// string (1), "a" and "1a" are not numeric. Ints and "01" compare as
	// numbers; an int against "a" or "1a" compares as its decimal text; so 9 <
	// 10 < "1a" < 9 is a cycle and the result is zend_sort's.
	{[]string{"10", "9", "a", "1a", "-1", "01"}, []string{"-1", "01", "9", "10", "1a", "a"}},
	{[]string{"a", "1a", "-1", "01", "10", "9"}, []string{"-1", "01", "10", "1a", "9", "a"}},
	// The cycle alone: the order depends on where the insertion sort starts.
	{[]string{"9", "10", "1a"}, []string{"9", "10", "1a"}},
	{[]string{"1a", "10", "9"}, []string{"9", "10", "1a"}},
	{[]string{"10", "1a", "9"}, []string{"10", "1a", "9"}},
	{[]string{"1a", "9", "10"}, []string{"1a", "9", "10"}},
	// PAYJS-like names with numeric keys: numbers first, by value.
	{[]string{"total_fee", "10", "mchid", "9", "return_code", "100", "-5"},
		[]string{"-5", "9", "10", "100", "mchid", "return_code", "total_fee"}},
	// Equal values (1, "01", "1.0") keep insertion order: the sort is stable.
	{[]string{"1", "01", "1.0"}, []string{"1", "01", "1.0"}},
	{[]string{"1.0", "01", "1"}, []string{"1.0", "01", "1"}},
	// Numeric strings with whitespace, a fraction, an exponent.
	{[]string{"1e1", "10", "9.5", " 9", "9 "}, []string{" 9", "9 ", "9.5", "1e1", "10"}},
	// "" is below every text; "-0" is a numeric string equal to the int 0.
	{[]string{"", "0", "-0", "a", "-1"}, []string{"", "-1", "0", "-0", "a"}},
	// Overflow: "9223372036854775808" is a float string; the ints at the ends
	// of int64 compare with such strings as floats.
	{[]string{"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"99999999999999999999", "1e400"},
		[]string{"-9223372036854775808", "-9223372036854775809", "9223372036854775807", "9223372036854775808",
			"99999999999999999999", "1e400"}},
	// More than 16 keys: zend_sort's quicksort step, with mixed keys.
	{[]string{"b", "a", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1", "0", "-1", "-2", "-3", "x1", "1x", "2x", "z"},
		[]string{"-3", "-2", "-1", "0", "1", "1x", "2", "10", "2x", "3", "4", "5", "6", "7", "8", "9", "a", "b", "x1", "z"}},
	// Strings that are not numeric to PHP ("0x1A", "1e", "INF") sort as text.
	{[]string{"0x1A", "26", "1e", "1e+", "INF", "1 ", "\t1", "+1", ".5", "5."},
		[]string{".5", "0x1A", "1 ", "\t1", "+1", "1e", "1e+", "5.", "26", "INF"}},
}

func TestPHPKsort(t *testing.T) {
	for _, c := range ksortCases {
		order := phpKsort(c.in)
		got := make([]string, len(order))
		for i, j := range order {
			got[i] = c.in[j]
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ksort %q\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestPHPKsortMatchesReference: on key sets where PHP's comparison is a total
// order, zend_sort (insertion sort and quicksort alike) must give what any
// stable sort gives, here the tests' own order.
func TestPHPKsortMatchesReference(t *testing.T) {
	pool := []string{"", "0", "1", "2", "9", "10", "11", "100", "-1", "-20", "01", "1.0", "1.5", " 3", "4 ", "1e1",
		"-0", ".5", "5.", "+7", "a", "b", "A", "Z", "_", "mchid", "return_code", "total_fee", "attach", "中文", "zz",
		"a b", "a\x00"}
	r := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		n := 1 + r.IntN(len(pool))
		keys := slices.Clone(pool)
		r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		keys = keys[:n]
		want, ok := refKsortOrder(keys)
		if !ok {
			t.Fatalf("reference cannot order %q", keys)
		}
		if got := phpKsort(keys); !slices.Equal(got, want) {
			t.Fatalf("%q\n got %v\nwant %v", keys, got, want)
		}
	}
	// Sizes past 16 and past 1024 take zend_sort's other paths.
	for _, n := range []int{17, 40, 1030} {
		keys := make([]string, n)
		for i := range keys {
			if i%3 == 0 {
				keys[i] = "k" + strconv.Itoa(r.IntN(1e6))
			} else {
				keys[i] = strconv.Itoa(r.IntN(2e6) - 1e6)
			}
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		want, _ := refKsortOrder(keys)
		if got := phpKsort(keys); !slices.Equal(got, want) {
			t.Fatalf("%d keys differ", len(keys))
		}
	}
}
