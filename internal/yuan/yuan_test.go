package yuan

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"testing"
)

func TestParseFen(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  error
	}{
		{"0", 0, nil},
		{"0.00", 0, nil},
		{"0.05", 5, nil},
		{"0.5", 50, nil},
		{"12", 1200, nil},
		{"12.3", 1230, nil},
		{"12.30", 1230, nil},
		{"12.300", 1230, nil}, // trailing zeros beyond the fen are exact
		{"12.30000000000000000000000", 1230, nil},
		{"0.29", 29, nil}, // 0.29*100 is 28.999999999999996 in float64
		{"100000.00", 10000000, nil},
		{"99999999.99", 9999999999, nil},
		{"007.10", 710, nil},
		{"92233720368547758.07", math.MaxInt64, nil},
		{"92233720368547758.08", 0, ErrRange},
		{"92233720368547759", 0, ErrRange},
		{"99999999999999999999999999", 0, ErrRange},
		{"", 0, ErrEmpty},
		{"12.345", 0, ErrPrecision},
		{"12.301", 0, ErrPrecision},
		{"0.001", 0, ErrPrecision},
		{"-1", 0, ErrNegative},
		{"-0.00", 0, ErrNegative},
		{"-", 0, ErrSyntax},
		{"+1", 0, ErrSyntax},
		{"1e3", 0, ErrSyntax},
		{"1E3", 0, ErrSyntax},
		{"1.5e2", 0, ErrSyntax},
		{".5", 0, ErrSyntax},
		{"12.", 0, ErrSyntax},
		{".", 0, ErrSyntax},
		{"1.2.3", 0, ErrSyntax},
		{" 12.30", 0, ErrSyntax},
		{"12.30 ", 0, ErrSyntax},
		{"12,30", 0, ErrSyntax},
		{"1_000", 0, ErrSyntax},
		{"0x10", 0, ErrSyntax},
		{"１２", 0, ErrSyntax}, // full-width digits
		{"NaN", 0, ErrSyntax},
		{"Inf", 0, ErrSyntax},
		{"12.3x", 0, ErrSyntax},
		{"12.30x", 0, ErrSyntax},                // a syntax error after the fen
		{"12.305x", 0, ErrSyntax},               // syntax wins over precision
		{"99999999999999999999x", 0, ErrSyntax}, // and over range
		{"99999999999999999999.5", 0, ErrRange},
		{"9227000000000000000.001", 0, ErrPrecision}, // precision before range
		{"-0.001", 0, ErrNegative},                   // the sign before precision
		{"-1x", 0, ErrSyntax},
		{"0.001.0", 0, ErrSyntax},
	}
	for _, tc := range cases {
		got, err := ParseFen(tc.in)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("ParseFen(%q) error = %v, want %v", tc.in, err, tc.err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseFen(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestFormatFen(t *testing.T) {
	for fen, want := range map[int64]string{
		0: "0.00", 5: "0.05", 50: "0.50", 1230: "12.30", 10000000: "100000.00",
		-5: "-0.05", -1230: "-12.30", math.MaxInt64: "92233720368547758.07",
		math.MinInt64: "-92233720368547758.08",
	} {
		if got := FormatFen(fen); got != want {
			t.Errorf("FormatFen(%d) = %q, want %q", fen, got, want)
		}
	}
}

func TestParseJSON(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  error
	}{
		{`12.30`, 1230, nil},
		{`"12.30"`, 1230, nil},
		{`100000.00`, 10000000, nil},
		{`"100000.00"`, 10000000, nil},
		{`12`, 1200, nil},
		{` 0.05 `, 5, nil},
		{`null`, 0, nil},
		{`""`, 0, nil},
		{`1e2`, 0, ErrSyntax},
		{`-3.00`, 0, ErrNegative},
		{`"-3.00"`, 0, ErrNegative},
		{`"12.345"`, 0, ErrPrecision},
		{`"abc"`, 0, ErrSyntax},
		{`" 12"`, 0, ErrSyntax},
		{`true`, 0, ErrSyntax},
		{`{}`, 0, ErrSyntax},
		{`[]`, 0, ErrSyntax},
		{``, 0, ErrSyntax},
		{`"\u0031\u0032"`, 1200, nil}, // the string's value counts, escapes decoded
	}
	for _, tc := range cases {
		got, err := ParseJSON([]byte(tc.in))
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) || got != tc.want {
			t.Errorf("ParseJSON(%s) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestFenJSON(t *testing.T) {
	var v struct {
		A Fen `json:"a"`
		B Fen `json:"b"`
		C Fen `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a":"12.30","b":100000.01,"c":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 1230 || v.B != 10000001 || v.C != 0 {
		t.Fatalf("%+v", v)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != `{"a":"12.30","b":"100000.01","c":"0.00"}` {
		t.Fatalf("%s, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"1.234"}`), &v); !errors.Is(err, ErrPrecision) {
		t.Fatalf("malformed amount: %v", err)
	}
}

// Errors never repeat the input, which may be anything a provider put in the
// field.
func TestErrorsDoNotEchoInput(t *testing.T) {
	for _, in := range []string{"13800138000x", "-13800138000", "1.23456", "99999999999999999999"} {
		_, err := ParseFen(in)
		if err == nil || regexp.MustCompile(`[0-9]{4}`).MatchString(err.Error()) {
			t.Errorf("ParseFen(%q): %v", in, err)
		}
	}
}

// grammar is the accepted form, written as a regular expression independent of
// the parser.
var grammar = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// FuzzParseFen checks ParseFen against math/big: an input of the accepted form
// parses to exactly 100 times its rational value when that is a whole number
// within int64, fails with ErrPrecision when it is not whole, ErrRange when it
// is too large; any other input fails. Accepted values format back to
// themselves.
func FuzzParseFen(f *testing.F) {
	for _, s := range []string{"0", "12.3", "12.30", "0.05", "100000.00", "12.300", "12.345", "-1", "1e3", ".5",
		"12.", "", "92233720368547758.07", "92233720368547758.08", "00.10", "1.2.3", "+5"} {
		f.Add(s)
	}
	hundred := big.NewRat(100, 1)
	maxFen := new(big.Rat).SetInt64(math.MaxInt64)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFen(s)
		if !grammar.MatchString(s) {
			if err == nil {
				t.Fatalf("ParseFen(%q) = %d, want an error", s, got)
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrNegative) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("ParseFen(%q): %v", s, err)
			}
			return
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("big.Rat rejects %q", s)
		}
		r.Mul(r, hundred)
		switch {
		case !r.IsInt():
			if !errors.Is(err, ErrPrecision) {
				t.Fatalf("ParseFen(%q) = %d, %v; want ErrPrecision", s, got, err)
			}
		case r.Cmp(maxFen) > 0:
			if !errors.Is(err, ErrRange) {
				t.Fatalf("ParseFen(%q) = %d, %v; want ErrRange", s, got, err)
			}
		default:
			if err != nil || strconv.FormatInt(got, 10) != r.Num().String() {
				t.Fatalf("ParseFen(%q) = %d, %v; want %s", s, got, err, r.Num())
			}
			back, err := ParseFen(FormatFen(got))
			if err != nil || back != got {
				t.Fatalf("FormatFen(%d) = %q reads back as %d, %v", got, FormatFen(got), back, err)
			}
		}
	})
}

// FuzzFormatFen: every non-negative fen amount survives a round trip.
func FuzzFormatFen(f *testing.F) {
	for _, n := range []int64{0, 1, 99, 100, 1230, math.MaxInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		if n < 0 {
			n = -(n + 1)
		}
		got, err := ParseFen(FormatFen(n))
		if err != nil || got != n {
			t.Fatalf("%d → %q → %d, %v", n, FormatFen(n), got, err)
		}
	})
}
