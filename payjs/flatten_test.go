package payjs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
)

// flattenSeeds are the seed corpus of the reader's fuzz targets: real PAYJS
// answers, the package's test bodies, and JSON edge cases (escapes,
// surrogates, invalid UTF-8, numbers, nesting, duplicates, whitespace,
// trailing data). They were the corpus on which the hand-written scanner and
// the encoding/json reader had to agree, before the scanner was removed.
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
	`{"a":123456789012345678901234567890}`, `{"a":1e400}`, `{"a":-1e400,"b":[1e-400,-1e-400,-0.0]}`,
	`{"a":1e3,"b":1.0,"c":1e20,"d":0.1,"e":-0.0,"f":1.5e-7,"g":0.30000000000000004,"h":[100000000000005.0]}`,
	`{"a":9223372036854775807,"b":9223372036854775808,"c":-9223372036854775808,"d":-9223372036854775809}`,
	// Keys PHP's ksort orders as numbers.
	`{"10":"a","9":"b","a":"c","1a":"d","-1":"e","01":"f","sign":"x"}`, `{"1":"x","1.0":"y","01":"z"}`,
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

// checkFlatten checks readMessage on body against constructions that do not
// share its code, and reports the first disagreement ("" when none):
//   - no panic; an error always wraps ErrMalformed;
//   - it accepts only what json.Valid accepts, and only objects;
//   - it accepts every valid object unless refLimits finds a duplicate key or
//     nesting past maxDepth;
//   - its Params are, as a multiset, what refFlatten makes of the same body
//     decoded by json.Unmarshal (order is checked by FuzzSignPHP, whose
//     bodies have a known order), and sign and return_code are read as in
//     that decoding;
//   - the signer round-trips: Sign then Verify succeeds, the body with that
//     sign added verifies with VerifyJSON, and a changed sign does not.
func checkFlatten(body []byte) (diff string) {
	defer func() {
		if r := recover(); r != nil {
			diff = fmt.Sprintf("panic: %v", r)
		}
	}()
	m, err := readMessage(body)
	trimmed := strings.TrimLeft(string(body), " \t\r\n")
	isObject := json.Valid(body) && strings.HasPrefix(trimmed, "{")
	if err != nil {
		if !errors.Is(err, ErrMalformed) {
			return fmt.Sprintf("error does not wrap ErrMalformed: %v", err)
		}
		if isObject {
			if why := refLimits(body); why == "" {
				return fmt.Sprintf("rejects a valid object: %v", err)
			}
		}
		return ""
	}
	if !isObject {
		return "accepts what is not a valid JSON object"
	}
	if why := refLimits(body); why != "" {
		return "accepts an object with " + why
	}
	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("encoding/json: %v", err)
	}
	want := refFlatten(v)
	got := make([]string, len(m.params))
	for i, p := range m.params {
		got[i] = p.Key + "\x00" + p.Path + "\x00" + p.Value
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Sprintf("params\n got %q\nwant %q", got, want)
	}
	sign, hasSign := v["sign"]
	s, isString := sign.(string)
	if m.signIsString != isString || m.sign != s ||
		m.signPresent != (hasSign && sign != nil && sign != false && sign != "") {
		return fmt.Sprintf("sign read as %q (string %v, present %v), decoded %#v", m.sign, m.signIsString, m.signPresent, sign)
	}
	rc, hasRC := v["return_code"]
	wantRC := ""
	switch x := rc.(type) {
	case string:
		wantRC = x
	case json.Number:
		wantRC = string(x)
	}
	if m.hasReturn != hasRC || m.returnCode != wantRC {
		return fmt.Sprintf("return_code read as %q (%v), decoded %#v", m.returnCode, m.hasReturn, rc)
	}
	return checkRoundTrip(body, m)
}

// checkRoundTrip signs the Params of an accepted body and checks that the
// signature verifies, in Params and in the body with the sign added.
func checkRoundTrip(body []byte, m *message) string {
	signer := NewSigner(signing.NewSecret("fuzz-key"))
	if err := signer.Verify(m.params, signer.Sign(m.params)); err != nil {
		return fmt.Sprintf("round trip: %v", err)
	}
	// The body's own entries, which include arrays that print nothing.
	sig := signing.MD5Hex(signer.sum(m.params, m.entries, true), signing.Upper)
	if _, has := refTopKeys(body)["sign"]; has {
		return ""
	}
	end := strings.LastIndexByte(string(body), '}')
	sep := ","
	if len(m.params) == 0 && !strings.Contains(string(body[:end]), ":") {
		sep = ""
	}
	signed := string(body[:end]) + sep + `"sign":"` + sig + `"` + string(body[end:])
	if err := signer.VerifyJSON([]byte(signed)); err != nil {
		return fmt.Sprintf("signed body %q does not verify: %v", signed, err)
	}
	bad := []byte(signed)
	i := strings.LastIndex(signed, sig)
	bad[i] = map[bool]byte{true: '1', false: '0'}[bad[i] == '0']
	if err := signer.VerifyJSON(bad); !errors.Is(err, signing.ErrSignatureInvalid) {
		return fmt.Sprintf("altered sign: %v", err)
	}
	return ""
}

// refTopKeys decodes the top-level keys of a valid object.
func refTopKeys(body []byte) map[string]json.RawMessage {
	var v map[string]json.RawMessage
	_ = json.Unmarshal(body, &v)
	return v
}

// refLimits walks a valid JSON document and reports a duplicate key in an
// object or nesting deeper than maxDepth, the two things readMessage refuses
// beyond JSON's grammar.
func refLimits(body []byte) string {
	var walk func(v json.RawMessage, depth int) string
	walk = func(v json.RawMessage, depth int) string {
		v = json.RawMessage(strings.TrimLeft(string(v), " \t\r\n"))
		if len(v) == 0 || (v[0] != '{' && v[0] != '[') {
			return ""
		}
		if depth > maxDepth {
			return "nesting too deep"
		}
		dec := json.NewDecoder(strings.NewReader(string(v)))
		dec.Token()
		seen := map[string]bool{}
		for dec.More() {
			if v[0] == '{' {
				k, _ := dec.Token()
				if seen[k.(string)] {
					return fmt.Sprintf("duplicate key %q", k)
				}
				seen[k.(string)] = true
			}
			var item json.RawMessage
			if err := dec.Decode(&item); err != nil {
				return err.Error()
			}
			if why := walk(item, depth+1); why != "" {
				return why
			}
		}
		return ""
	}
	return walk(body, 1)
}

// refFlatten is FlattenJSON's documented result, built from a decoded map:
// sorted "key\x00path\x00value" strings.
func refFlatten(v map[string]any) []string {
	var out []string
	var nested func(key, path string, x any)
	nested = func(key, path string, x any) {
		switch x := x.(type) {
		case nil:
		case bool:
			out = append(out, key+"\x00"+path+"\x00"+map[bool]string{true: "1", false: "0"}[x])
		case json.Number:
			text, _ := refNumber(string(x))
			out = append(out, key+"\x00"+path+"\x00"+text)
		case string:
			out = append(out, key+"\x00"+path+"\x00"+x)
		case map[string]any:
			for k, y := range x {
				nested(key, path+"["+k+"]", y)
			}
		case []any:
			for i, y := range x {
				nested(key, path+"["+strconv.Itoa(i)+"]", y)
			}
		}
	}
	for k, x := range v {
		switch x := x.(type) {
		case bool:
			out = append(out, k+"\x00\x00"+map[bool]string{true: "1", false: ""}[x])
		case json.Number:
			text, zero := refNumber(string(x))
			if zero {
				text = "0"
			}
			out = append(out, k+"\x00\x00"+text)
		default:
			nested(k, "", x)
		}
	}
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// FuzzFlattenJSON runs checkFlatten on arbitrary bytes, seeded with the
// corpus the scanner and the token reader were compared on.
func FuzzFlattenJSON(f *testing.F) {
	for _, b := range seedBodies(f, "responses", "complaints") {
		f.Add(b)
	}
	for _, s := range flattenSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := checkFlatten(body); d != "" {
			t.Fatalf("%q: %s", body, d)
		}
	})
}

func TestFlattenSeeds(t *testing.T) {
	for _, b := range seedBodies(t, "responses", "complaints") {
		if d := checkFlatten(b); d != "" {
			t.Errorf("%q: %s", b, d)
		}
	}
	for _, s := range flattenSeeds {
		if d := checkFlatten([]byte(s)); d != "" {
			t.Errorf("%q: %s", s, d)
		}
	}
}

// TestFlattenMutations runs checkFlatten on deterministic byte-level
// mutations of the seeds, so plain `go test` covers far more than the seed
// list without the fuzzing engine.
func TestFlattenMutations(t *testing.T) {
	seeds := seedBodies(t, "responses", "complaints")
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
		if d := checkFlatten(b); d != "" {
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

// BenchmarkReadMessage measures the reader on the bodies of the check and
// complaint answers beside its floor, a plain json.Unmarshal of the same body
// into map[string]any (which keeps neither order nor numbers' text).
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
		}{{"reader", readMessage}, {"unmarshal-floor", unmarshalFloor}} {
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
