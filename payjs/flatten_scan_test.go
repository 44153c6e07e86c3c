package payjs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
)

// flattenSeeds are bodies on which the scanner and the encoding/json
// reference must agree: real PAYJS answers, the package's test bodies, and
// JSON edge cases (escapes, surrogates, invalid UTF-8, numbers, nesting,
// duplicates, whitespace, trailing data).
var flattenSeeds = []string{
	// Answers and test bodies.
	`{"return_code":1,"mchid":"1230000109","out_trade_no":"T 100","payjs_order_id":"2019101503054900456615858",` +
		`"transaction_id":"4200000001","status":1,"openid":"","total_fee":1000000,"paid_time":"2024-11-11 10:00:00",` +
		`"attach":"备注 一","sign":"9B2C7D6B6C0E1F5E6A1C5D3B7E8F9A0B"}`,
	`{"return_code":1,"return_msg":"SUCCESS","complaints":[{"complaint_at":"2024-11-11 10:00:00","out_trade_no":"A 1",` +
		`"complaint_id":"C0","order_id":"2019101503054900456615858","total_fee":1000000,"body":"没有 收到货"},` +
		`{"complaint_at":"2024-11-11 10:00:00","out_trade_no":"A 1","complaint_id":"C1","order_id":"O2",` +
		`"total_fee":0,"body":"","gone":null,"ok":false,"yes":true}],"sign":"00000000000000000000000000000000"}`,
	`{"return_code":0,"return_msg":"签名错误"}`,
	`{"return_code":"0","msg":"bad"}`,
	`{"test2": "hehe", "test": 123, "sign": "test"}`,
	`{"total_fee":1000000,"big":123456789,"f":1e+06,"zero":0.0,"neg0":-0,"t":true,"f2":false,"n":null,` +
		`"e":[],"o":{},"s":"0","l":[{"a":"","b":null,"c":false,"d":[],"e":{"x":1}}],"sign":"S"}`,
	"{\n\"null\": null,\n\"str\": \"str test\",\n\"int\": 2,\n\"float\": 1.23,\n\"bool\": true,\n\"bool2\": false,\n" +
		"\"arr\": [\"test\", 123, 1.23],\n\"obj\": {\"aaa\": \"a\", \"bbb\": 123, \"ccc\": 1.23},\n" +
		"\"complex\": {\"test111\": {\"test222\": {\"hehe\": \"haha\"}}, \"test222\": \"haha\"}\n}",
	`{"a":"1","sign":""}`, `{"a":"1","sign":null}`, `{"a":"1","sign":123}`, `{"a":"1","sign":{"x":1}}`,
	`{"a":"1","sign":false}`, `{"a":"1","sign":true}`, `{"a":"1","sign":[]}`, `{"sign":"\u0041BC"}`,
	`{"return_code":true}`, `{"return_code":null}`, `{"return_code":{"a":1}}`, `{"return_code":1.0e0}`,
	// Rejected by both.
	``, `[]`, `"x"`, `{`, `{"a":1}x`, `{"a":1}{"b":2}`, `{"a":1,"a":2}`, `{"l":[{"x":1,"x":2}]}`, `{"a":[1,}`,
	`{1:2}`, `{,}`, `{"a":1,}`, `{"a" 1}`, `{"a"::1}`, `[1]`, `{"a":[,1]}`, `{"a":[1 2]}`, `{"a":[1}`, `{"a":{]}`,
	`{"a":tru}`, `{"a":truex}`, `{"a":nul}`, `{"a":True}`, `{"a":'x'}`, "\ufeff{}", `{"a":1}]`, `{}}`, `{} x`,
	// Whitespace.
	" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ 1 , { \"b\" : 2 } ] \t\r\n} \t\r\n", "{\f}", "{\v}", "{\u00a0}", "{}\x00",
	`{}`, `{"":1}`, `{"":{"a":1}}`, `{"":[{"sign":"x"}],"a":2}`, `{"a":{"":{"":[""]}}}`,
	// Numbers.
	`{"a":-0,"b":0e5,"c":1E+06,"d":0.0e-0,"e":-0.000,"f":10,"g":0.1,"h":1e0,"i":-1.5E-3}`,
	`{"a":00}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":+1}`, `{"a":1e}`, `{"a":1e+}`, `{"a":0x10}`,
	`{"a":-01}`, `{"a":1.5.5}`, `{"a":1ee5}`, `{"a":Infinity}`, `{"a":NaN}`, `{"a":-0.0e+00}`, `{"a":[0,-0,0.0]}`,
	`{"a":123456789012345678901234567890}`, `{"a":1e400}`,
	// Escapes and surrogates.
	`{"a":"\"\\\/\b\f\n\r\t"}`, `{"a":"\u0000\u001f\u007f\u00e9\u4e2d"}`, `{"a":"\'"}`, `{"a":"\x41"}`,
	`{"a":"\u12"}`, `{"a":"\u12g4"}`, `{"a":"\U0041"}`, `{"a":"\ud83d\ude00"}`, `{"a":"\uD83D\uDE00"}`,
	`{"a":"\ud83d"}`, `{"a":"\ude00"}`, `{"a":"\ude00\ud83d"}`, `{"a":"\ud83d\ud83d\ude00"}`, `{"a":"\ud83dx"}`,
	`{"a":"\ud83d\u0041"}`, `{"a":"\ud83d\n"}`, `{"a":"\ud83d\u00"}`, `{"a":"\ud83d\uzzzz"}`, `{"a":"\ud800\udc00"}`,
	`{"a":"\udbff\udfff"}`, `{"a":"\ud83d\\ude00"}`, `{"a":"\`, `{"a":"\u`, `{"a":"\ud83d\u`, `{"a":"abc`,
	`{"\u0061":1,"a":2}`, `{"a\u0000b":1}`, `{"sign":"\ud83d"}`, `{"\ufffd":1,"\ud800":2}`,
	// Raw control characters, DEL and UTF-8.
	"{\"a\":\"x\x01y\"}", "{\"a\":\"\ty\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\xe4\xb8\"}",
	"{\"a\":\"\xe4\xb8\xad\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xf4\x90\x80\x80\"}",
	"{\"a\":\"x\xffy\\n\xfe\"}", "{\"\xff\":1,\"\xfe\":2}", "{\"\xff\":1,\"\\ufffd\":2}", "{\"a\":\"\xef\xbf\xbd\"}",
	"{\"a\":1}\xff", "{\xff}", "{\"a\":\xff}",
	// Nesting.
	`{"a":` + strings.Repeat(`[`, 31) + strings.Repeat(`]`, 31) + `}`,
	`{"a":` + strings.Repeat(`[`, 32) + strings.Repeat(`]`, 32) + `}`,
	`{"a":` + strings.Repeat(`{"b":`, 30) + `1` + strings.Repeat(`}`, 30) + `}`,
	`{"a":` + strings.Repeat(`{"b":`, 31) + `1` + strings.Repeat(`}`, 31) + `}`,
	`{"a":` + strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40) + `}`,
	`{"a":` + strings.Repeat(`[`, 40),
	`{"a":[[1,2],[3,[4,{"x":[5]}]],{"y":{"z":[null,true,false,""]}}]}`,
	// Duplicates at every level, and the switch to a map.
	`{"a":{"b":1,"b":2}}`, `{"a":[{"b":1},{"b":2}],"c":{"b":1}}`, `{"a":{"b":{"c":1}},"b":{"c":2}}`,
	manyKeys(17, -1), manyKeys(17, 16), manyKeys(40, 39), manyKeys(40, 0), manyKeys(100, 5),
}

// manyKeys is an object of n distinct keys, and a repeat of key dup unless
// dup is negative.
func manyKeys(n, dup int) string {
	var b strings.Builder
	b.WriteString(`{"o":{`)
	for i := range n {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	if dup >= 0 {
		fmt.Fprintf(&b, `"k%d":0,`, dup)
	}
	b.WriteString(`"end":1}}`)
	return b.String()
}

// flattenSeedFiles are the JSON bodies of testdata.
func flattenSeedFiles(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, dir := range []string{"responses", "complaints"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		if err != nil || len(files) == 0 {
			tb.Fatalf("no seeds in testdata/%s: %v", dir, err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// diffFlatten reports how readMessage and refReadMessage disagree on body, or
// "" when they agree.
func diffFlatten(body []byte) string {
	got, gerr := readMessage(body)
	want, werr := refReadMessage(body)
	switch {
	case gerr != nil && !errors.Is(gerr, ErrMalformed):
		return fmt.Sprintf("scanner error does not wrap ErrMalformed: %v", gerr)
	case werr != nil && !errors.Is(werr, ErrMalformed):
		return fmt.Sprintf("reference error does not wrap ErrMalformed: %v", werr)
	case gerr != nil && werr != nil:
		return ""
	case gerr != nil:
		return fmt.Sprintf("scanner rejects what the reference accepts: %v", gerr)
	case werr != nil:
		return fmt.Sprintf("scanner accepts what the reference rejects (%v): %+v", werr, *got)
	}
	if !slices.Equal(got.params, want.params) {
		return fmt.Sprintf("params\n got %q\nwant %q", got.params, want.params)
	}
	if got.sign != want.sign || got.signPresent != want.signPresent || got.signIsString != want.signIsString ||
		got.returnCode != want.returnCode || got.hasReturn != want.hasReturn {
		return fmt.Sprintf("message\n got %+v\nwant %+v", *got, *want)
	}
	return ""
}

// FuzzFlattenDifferential: the scanner behind readMessage and the
// encoding/json Decoder.Token reference both fail (with ErrMalformed) or both
// succeed with the same Params, sign and return_code.
func FuzzFlattenDifferential(f *testing.F) {
	for _, b := range flattenSeedFiles(f) {
		f.Add(b)
	}
	for _, s := range flattenSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := diffFlatten(body); d != "" {
			t.Fatalf("%q: %s", body, d)
		}
	})
}

func TestFlattenDifferentialSeeds(t *testing.T) {
	for _, b := range flattenSeedFiles(t) {
		if d := diffFlatten(b); d != "" {
			t.Errorf("%q: %s", b, d)
		}
	}
	for _, s := range flattenSeeds {
		if d := diffFlatten([]byte(s)); d != "" {
			t.Errorf("%q: %s", s, d)
		}
	}
}

// TestFlattenDifferentialMutations compares the two readers on deterministic
// byte-level mutations of the seeds, so plain `go test` covers far more than
// the seed list without the fuzzing engine.
func TestFlattenDifferentialMutations(t *testing.T) {
	seeds := flattenSeedFiles(t)
	for _, s := range flattenSeeds {
		seeds = append(seeds, []byte(s))
	}
	alphabet := []byte("{}[]:,\"\\/ \t\n\r-+.0123456789eEuUdDabfnrtl\x00\x1f\x7f\x80\xbf\xc0\xed\xf4\xff")
	rng := rand.New(rand.NewPCG(1, 2))
	n := 30000
	if testing.Short() {
		n = 3000
	}
	for range n {
		b := slices.Clone(seeds[rng.IntN(len(seeds))])
		for range 1 + rng.IntN(3) {
			switch op := rng.IntN(4); {
			case len(b) == 0 || op == 0:
				i := rng.IntN(len(b) + 1)
				b = slices.Insert(b, i, alphabet[rng.IntN(len(alphabet))])
			case op == 1:
				b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
			case op == 2:
				i := rng.IntN(len(b))
				b = slices.Delete(b, i, i+1)
			default:
				i, j := rng.IntN(len(b)), rng.IntN(len(b))
				if i > j {
					i, j = j, i
				}
				b = slices.Insert(b, rng.IntN(len(b)+1), slices.Clone(b[i:j])...)
			}
		}
		if d := diffFlatten(b); d != "" {
			t.Fatalf("%q: %s", b, d)
		}
	}
}

// TestFlattenEmptyTopKey pins the case the old reader got wrong: a top-level
// key "" holding a container is flattened under Key "" as http_build_query
// writes it ("[a]=1"), not merged into the top level.
func TestFlattenEmptyTopKey(t *testing.T) {
	m, err := readMessage([]byte(`{"":{"a":1,"sign":"x"},"b":[{"":2}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []signing.Param{{Key: "", Path: "[a]", Value: "1"}, {Key: "", Path: "[sign]", Value: "x"},
		{Key: "b", Path: "[0][]", Value: "2"}}
	if !slices.Equal(m.params, want) || m.signPresent || m.sign != "" {
		t.Fatalf("got %q sign %v %q", m.params, m.signPresent, m.sign)
	}
}

// TestFlattenStrings pins string decoding: escapes, surrogate pairs, lone
// surrogates and invalid UTF-8 become what encoding/json makes of them.
func TestFlattenStrings(t *testing.T) {
	for in, want := range map[string]string{
		`"plain 中文"`:            "plain 中文",
		`"\"\\\/\b\f\n\r\t"`:    "\"\\/\b\f\n\r\t",
		`"\u4e2D\u0000"`:        "中\x00",
		`"\ud83d\ude00"`:        "😀",
		`"\ud83d"`:              "\ufffd",
		`"\ude00\ud83d\ude00"`:  "\ufffd😀",
		`"\ud83d\u0041"`:        "\ufffdA",
		"\"a\xffb\xe4\xb8\"":    "a\ufffdb\ufffd\ufffd",
		"\"\xed\xa0\x80\"":      "\ufffd\ufffd\ufffd",
		"\"\xef\xbf\xbd\\n\"":   "\ufffd\n",
		"\"x\xf0\x9f\x98\x80\"": "x😀",
	} {
		m, err := readMessage([]byte(`{"k":` + in + `}`))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if len(m.params) != 1 || m.params[0].Value != want {
			t.Errorf("%s: got %q, want %q", in, m.params, want)
		}
	}
}

// unmarshalFloor is the floor of the comparison: a plain json.Unmarshal of the
// same body into map[string]any, which neither keeps order nor numbers' text.
func unmarshalFloor(body []byte) (*message, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	return &message{}, nil
}

// BenchmarkReadMessage compares the scanner with the encoding/json reference
// on the bodies of the check and complaint answers.
func BenchmarkReadMessage(b *testing.B) {
	var complaints strings.Builder
	complaints.WriteString(`{"return_code":1,"return_msg":"SUCCESS","complaints":[`)
	for i := range 10 {
		if i > 0 {
			complaints.WriteByte(',')
		}
		fmt.Fprintf(&complaints, `{"complaint_at":"2024-11-11 10:00:00","out_trade_no":"A 1","complaint_id":"C%d",`+
			`"order_id":"2019101503054900456615858","total_fee":1000000,"body":"没有 收到货"}`, i)
	}
	complaints.WriteString(`],"sign":"00000000000000000000000000000000"}`)
	bodies := []struct {
		name string
		body []byte
	}{
		{"check", []byte(flattenSeeds[0])},
		{"complaints", []byte(complaints.String())},
	}
	for _, bb := range bodies {
		for _, impl := range []struct {
			name string
			read func([]byte) (*message, error)
		}{{"scanner", readMessage}, {"reference", refReadMessage}, {"tokens", tokenReadMessage}, {"unmarshal-floor", unmarshalFloor}} {
			b.Run(bb.name+"/"+impl.name, func(b *testing.B) {
				b.SetBytes(int64(len(bb.body)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := impl.read(bb.body); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
