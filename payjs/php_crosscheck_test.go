//go:build phpcheck

package payjs_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
)

// runPHP runs a script of testdata/php with one input per line and returns
// its output lines, skipping the test when there is no php.
func runPHP(t *testing.T, script string, lines []string, args ...string) []string {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("no php binary")
	}
	cmd := exec.Command(php, append([]string{"testdata/php/" + script}, args...)...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var res []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		res = append(res, sc.Text())
	}
	if len(res) != len(lines) {
		t.Fatalf("php answered %d of %d lines", len(res), len(lines))
	}
	return res
}

// Keys that PHP 8 compares in surprising ways: int keys, numeric strings with
// whitespace, signs, fractions, exponents and overflow, and text that only
// starts like a number.
var crossKeys = []string{"10", "9", "a", "1a", "-1", "01", "1.0", "1e1", " 1", "1 ", "0x1A", "", "-0", "0", "00",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"99999999999999999999", "100000000000000000000", "1e400", "-1e400", "INF", ".5", "5.", "+5", "1e", "1e+", "1e+1",
	"abc", "A", "_", "return_code", "mchid", "\t2", "2\n", "1.5", "1.50", "15e-1", "-.5", "+.5", ".", "-",
	"9223372036854775808 ", "-9223372036854775808 ", "0009223372036854775807", "1234567890123456789",
	"18446744073709551616", "9223372036854775807.0", "\v3", "3\f", "1\x002", "é", "1é", "0.0", "-0.0", "1E5"}

// TestCrossCheckPHPKsort compares phpKsort with PHP's ksort on random key
// sets, including ones above 16 and 1024 keys, where zend_sort switches from
// insertion sort to quicksort and to a median of five.
func TestCrossCheckPHPKsort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	var sets [][]string
	var lines []string
	for i := range 20000 {
		n := 1 + r.IntN(12)
		switch {
		case i%200 == 0:
			n = 1025 + r.IntN(200)
		case i%5 == 0:
			n = 1 + r.IntN(60)
		}
		seen := map[string]bool{}
		var keys []string
		for len(keys) < n {
			k := crossKeys[r.IntN(len(crossKeys))]
			if n > len(crossKeys)/2 || r.IntN(3) == 0 {
				k = fmt.Sprint(k, r.IntN(3000))
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		b, _ := json.Marshal(keys)
		sets, lines = append(sets, keys), append(lines, string(b))
	}
	out := runPHP(t, "ksort.php", lines)
	for i, keys := range sets {
		var want []int
		if err := json.Unmarshal([]byte(out[i]), &want); err != nil {
			t.Fatal(err, out[i])
		}
		if got := payjs.PHPKsort(keys); !slices.Equal(got, want) {
			t.Fatalf("%q\n got %v\n php %v", keys, got, want)
		}
	}
}

// TestCrossCheckPHPNumber compares phpNumber with json_decode and
// http_build_query on random JSON number literals.
func TestCrossCheckPHPNumber(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var lits []string
	digits := func(b *strings.Builder, n int) {
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
	}
	for range 20000 {
		// Integral floats of 15 digits, where zend_dtoa keeps zeros on a tie.
		u := 100000000000000 + r.Int64N(900000000000000)
		if r.IntN(2) == 0 {
			u = u/10*10 + 5
		}
		lits = append(lits, fmt.Sprintf("%d.0", u), fmt.Sprintf("-%de0", u))
	}
	for range 50000 {
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteByte('-')
		}
		if r.IntN(3) == 0 {
			b.WriteByte('0')
		} else {
			b.WriteByte(byte('1' + r.IntN(9)))
			digits(&b, r.IntN(22))
		}
		if r.IntN(2) == 0 {
			b.WriteByte('.')
			digits(&b, 1+r.IntN(20))
		}
		if r.IntN(2) == 0 {
			b.WriteByte("eE"[r.IntN(2)])
			if r.IntN(2) == 0 {
				b.WriteByte("+-"[r.IntN(2)])
			}
			digits(&b, 1+r.IntN(3))
		}
		lits = append(lits, b.String())
	}
	out := runPHP(t, "number.php", lits)
	for i, lit := range lits {
		var want []any
		if err := json.Unmarshal([]byte(out[i]), &want); err != nil {
			t.Fatal(err, out[i])
		}
		if text, zero := payjs.PHPNumber(lit); text != want[0] || zero != want[1] {
			t.Fatalf("%s: %q %v, php %q %v", lit, text, zero, want[0], want[1])
		}
	}
}

// The tests of this file compare the PHP rules with a real PHP (8.2 was used)
// through the scripts of testdata/php. They need a php binary and run only
// with the build tag phpcheck:
//
//	go test -tags phpcheck -run CrossCheck ./payjs

// TestCrossCheckPHP signs random PAYJS-like answers with a real PHP (the
// payjs-cn/phpsdk algorithm in testdata/php/sign.php) and with this package.
// Unlike FuzzSignPHP its keys include the mixes of numeric and other keys
// that PHP compares in a cycle, since PHP itself is the reference.
func TestCrossCheckPHP(t *testing.T) {
	const key = "cross check 密钥"
	keys := []string{"1a", "2x", "9a", "-1a", "0x1A", "1e", "INF", "9223372036854775808", "1e400"}
	for _, k := range fuzzTopKeys {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	r := rand.New(rand.NewPCG(11, 12))
	var bodies []string
	for range 5000 {
		data := make([]byte, r.IntN(200))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		s := &bytesSource{b: data}
		var top phpArr
		seen := map[string]bool{}
		for range 1 + s.n(20) {
			k := keys[s.n(len(keys))]
			if !seen[k] {
				seen[k] = true
				top = append(top, phpKV{k, fuzzValue(s, 0)})
			}
		}
		bodies = append(bodies, phpJSONObject(top))
	}
	out := runPHP(t, "sign.php", bodies, key)
	signer := payjs.NewSigner(signing.NewSecret(key))
	for i, body := range bodies {
		signed := body[:len(body)-1] + `,"sign":"` + out[i] + `"}`
		if body == "{}" {
			signed = `{"sign":"` + out[i] + `"}`
		}
		if err := signer.VerifyJSON([]byte(signed)); err != nil {
			params, _ := payjs.FlattenJSON([]byte(body))
			t.Fatalf("%s: %v\nstring %q", signed, err, payjs.PHPQuery(params))
		}
	}
	t.Logf("%d answers signed alike by PHP and this package", len(bodies))
}
