//go:build phpcheck

package payjs_test

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/payjs"
)

// TestCrossCheckPHP signs random PAYJS-like answers with a real PHP (the
// payjs-cn/phpsdk algorithm in testdata/php/sign.php) and with this package.
// It needs a php binary and runs only with -tags phpcheck:
//
//	go test -tags phpcheck -run TestCrossCheckPHP ./payjs
//
// Unlike FuzzSignPHP its keys include the mixes of numeric and other keys
// that PHP compares in a cycle, since PHP itself is the reference.
func TestCrossCheckPHP(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("no php binary")
	}
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
	cmd := exec.Command(php, "testdata/php/sign.php", key)
	cmd.Stdin = strings.NewReader(strings.Join(bodies, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	signer := payjs.NewSigner(key)
	n := 0
	for i := 0; sc.Scan(); i++ {
		body := bodies[i]
		signed := body[:len(body)-1] + `,"sign":"` + sc.Text() + `"}`
		if body == "{}" {
			signed = `{"sign":"` + sc.Text() + `"}`
		}
		if err := signer.VerifyJSON([]byte(signed)); err != nil {
			params, _ := payjs.FlattenJSON([]byte(body))
			t.Fatalf("%s: %v\nstring %q", signed, err, payjs.PHPQuery(params))
		}
		n++
	}
	if n != len(bodies) {
		t.Fatalf("php signed %d of %d bodies", n, len(bodies))
	}
	t.Logf("%d answers signed alike by PHP and this package", len(bodies))
}
