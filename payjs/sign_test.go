package payjs_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
)

// ---- rinne-dev/payjs published vectors ----

// rinne-dev/payjs sign/sign_test.go and verify_test.go: the JSON
// {"test2": "hehe", "test": 123, "sign": "test"} signed with "test_key" is
// B16319F0C3F2BBDA5CB8B4FFC9048A81; a wrong sign and a missing sign fail.
const (
	rinneJSON = `{"test2": "hehe", "test": 123, "sign": "test"}`
	rinneSign = "B16319F0C3F2BBDA5CB8B4FFC9048A81"
	rinneKey  = "test_key"
)

func TestRinneVector(t *testing.T) {
	params, err := payjs.FlattenJSON([]byte(rinneJSON))
	if err != nil {
		t.Fatal(err)
	}
	// rinne's own rule: keep every value (no array_filter), sort, &key=.
	rinne := signing.MD5Signer{
		Rule:   signing.ParamRule{Exclude: []string{"sign"}, Placement: signing.KeyAppend},
		Secret: signing.NewSecret(rinneKey), Case: signing.Upper,
	}
	if got := rinne.Sign(params); got != rinneSign {
		t.Fatalf("rinne rule: %s, want %s", got, rinneSign)
	}
	// The vector has no falsy value, so PAYJS's PHP rule agrees with it.
	s := payjs.NewSigner(rinneKey)
	if got := s.Sign(params); got != rinneSign {
		t.Fatalf("php rule: %s, want %s", got, rinneSign)
	}
	// verify_test.go: the signed JSON verifies; a wrong sign does not; no sign is
	// reported distinctly (rinne only says "error").
	signed := strings.Replace(rinneJSON, `"test"}`, `"`+rinneSign+`"}`, 1)
	if err := s.VerifyJSON([]byte(signed)); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := s.VerifyJSON([]byte(rinneJSON)); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("wrong sign: %v", err)
	}
	if err := s.VerifyJSON([]byte(`{"test2": "hehe", "test": 123}`)); !errors.Is(err, payjs.ErrUnsigned) {
		t.Fatalf("missing sign: %v", err)
	}
}

// rinne-dev/payjs util/querystring_test.go publishes its flattening of a nested
// document. rinne sorts the flattened names globally, keeps every value and
// writes false as 0; PHP (and this package) sorts only top-level keys, keeps
// nested order, and array_filter drops a top-level false. On this document the
// orders coincide, so the only difference is "bool2=0&", which PHP leaves out.
func TestRinneQueryStringVector(t *testing.T) {
	const doc = `{
"null": null,
"str": "str test",
"int": 2,
"float": 1.23,
"bool": true,
"bool2": false,
"arr": ["test", 123, 1.23],
"obj": {"aaa": "a", "bbb": 123, "ccc": 1.23},
"complex": {"test111": {"test222": {"hehe": "haha"}}, "test222": "haha"}
}`
	const rinne = `arr[0]=test&arr[1]=123&arr[2]=1.23&bool=1&bool2=0&complex[test111][test222][hehe]=haha&complex[test222]=haha&float=1.23&int=2&obj[aaa]=a&obj[bbb]=123&obj[ccc]=1.23&str=str test`
	params, err := payjs.FlattenJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	rule := payjs.Rule()
	rule.Placement = signing.KeyNone
	got := string(rule.Build(params, nil))
	want := strings.Replace(rinne, "bool2=0&", "", 1)
	if got != want {
		t.Fatalf("php string\n got %s\nwant %s", got, want)
	}
}

// ---- an independent PHP-semantics reference ----

// phpArr is an ordered PHP array; phpKV a member. Values are string, int64,
// float64, bool, nil or phpArr.
type phpKV struct {
	k string
	v any
}
type phpArr []phpKV

// phpTruthy is PHP's boolean conversion, which array_filter applies.
func phpTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != "" && x != "0"
	case phpArr:
		return len(x) > 0
	}
	panic(fmt.Sprintf("bad php value %T", v))
}

// phpScalar is how http_build_query writes a scalar.
func phpScalar(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	panic("not a scalar")
}

// httpBuildQuery is PHP's http_build_query: urlencoded names and values, nulls
// skipped, arrays recursed in order.
func httpBuildQuery(prefix string, a phpArr, out *[]string) {
	for _, m := range a {
		name := m.k
		if prefix != "" {
			name = prefix + "[" + m.k + "]"
		}
		switch x := m.v.(type) {
		case nil:
		case phpArr:
			httpBuildQuery(name, x, out)
		default:
			*out = append(*out, url.QueryEscape(name)+"="+url.QueryEscape(phpScalar(x)))
		}
	}
}

// phpSign is payjs-cn/phpsdk's sign(): array_filter, ksort, http_build_query,
// urldecode, "&key=", md5, strtoupper.
func phpSign(data phpArr, key string) string {
	var kept phpArr
	for _, m := range data {
		if m.k != "sign" && phpTruthy(m.v) {
			kept = append(kept, m)
		}
	}
	slices.SortStableFunc(kept, func(a, b phpKV) int { return strings.Compare(a.k, b.k) })
	var parts []string
	httpBuildQuery("", kept, &parts)
	s, err := url.QueryUnescape(strings.Join(parts, "&"))
	if err != nil {
		panic(err)
	}
	sum := md5.Sum([]byte(s + "&key=" + key))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// phpJSON is json_encode of an ordered array (lists are written as objects
// keyed by index unless list is set; PAYJS's complaints is a list).
func phpJSON(v any) string {
	switch x := v.(type) {
	case phpArr:
		isList := len(x) > 0
		for i, m := range x {
			if m.k != strconv.Itoa(i) {
				isList = false
			}
		}
		var b strings.Builder
		if isList {
			b.WriteByte('[')
			for i, m := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(phpJSON(m.v))
			}
			b.WriteByte(']')
			return b.String()
		}
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(m.k)
			b.Write(k)
			b.WriteByte(':')
			b.WriteString(phpJSON(m.v))
		}
		b.WriteByte('}')
		return b.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func list(items ...any) phpArr {
	a := make(phpArr, len(items))
	for i, it := range items {
		a[i] = phpKV{strconv.Itoa(i), it}
	}
	return a
}

var phpCases = []struct {
	name string
	data phpArr
}{
	{"doc demo", phpArr{{"mchid", "123456"}}},
	{"zero values", phpArr{{"mchid", "123456"}, {"status", int64(0)}, {"hide", "0"}, {"auto", false},
		{"attach", ""}, {"openid", nil}, {"list", phpArr{}}, {"total_fee", int64(1)}, {"flag", true}}},
	{"chinese with spaces", phpArr{{"mchid", "123456"}, {"body", "测试 订单  两个空格"}, {"attach", "a+b=c&d%41"},
		{"out_trade_no", "T 1"}}},
	{"large amounts", phpArr{{"mchid", "123456"}, {"total_fee", int64(1000000)}, {"refund_fee", int64(123456789)},
		{"big", int64(9007199254740993)}}},
	{"check unpaid", phpArr{{"return_code", int64(1)}, {"mchid", "1230000109"}, {"out_trade_no", "X1"},
		{"payjs_order_id", "2019101503054900456615858"}, {"transaction_id", ""}, {"status", int64(0)},
		{"openid", ""}, {"total_fee", int64(2000000)}, {"paid_time", ""}, {"attach", ""}}},
	{"nested complaints", phpArr{{"return_code", int64(1)}, {"return_msg", "SUCCESS"}, {"complaints", list(
		phpArr{{"complaint_at", "2024-11-11 10:00:00"}, {"out_trade_no", "A 1"}, {"complaint_id", "C1"},
			{"order_id", "2019101503054900456615858"}, {"total_fee", int64(1000000)}, {"body", ""}},
		phpArr{{"complaint_at", "2024-11-12 09:30:00"}, {"out_trade_no", "B2"}, {"order_id", "O2"},
			{"total_fee", int64(0)}, {"body", "没有 收到货"}, {"gone", nil}, {"ok", false}, {"yes", true},
			{"z_first", "order kept"}, {"a_last", "not sorted"}},
	)}}},
	{"nested object and empty nested", phpArr{{"user", phpArr{{"name", ""}, {"age", "test2"}, {"sex", "test3"}}},
		{"empty", phpArr{{"x", phpArr{}}}}, {"mchid", "1"}}},
	{"floats", phpArr{{"mchid", "1"}, {"rate", 1.5}, {"zero", 0.0}, {"nested", list(0.25, int64(0), "0")}}},
}

// TestSignMatchesPHPReference signs each case three ways: PHP reference over
// its typed array, this package over the JSON PHP would encode, and (for flat
// string arrays) over plain Params.
func TestSignMatchesPHPReference(t *testing.T) {
	const key = "k3y with spaces 与中文"
	s := payjs.NewSigner(key)
	for _, tc := range phpCases {
		t.Run(tc.name, func(t *testing.T) {
			want := phpSign(tc.data, key)
			body := phpJSON(tc.data)
			params, err := payjs.FlattenJSON([]byte(body))
			if err != nil {
				t.Fatalf("flatten %s: %v", body, err)
			}
			if got := s.Sign(params); got != want {
				r := payjs.Rule()
				t.Fatalf("json %s\n got %s\nwant %s\nstring %q", body, got, want, r.Build(params, []byte(key)))
			}
			// Round trip: the signed JSON verifies, and an altered copy does not.
			signed := body[:len(body)-1] + `,"sign":"` + want + `"}`
			if err := s.VerifyJSON([]byte(signed)); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := payjs.NewSigner(key + "x").VerifyJSON([]byte(signed)); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Fatalf("wrong key verified: %v", err)
			}
		})
	}
}

func TestSignValuesMatchesPHP(t *testing.T) {
	const key = "abc"
	v := url.Values{"mchid": {"123456"}, "body": {"测试 订单"}, "total_fee": {"1000000"}, "hide": {"0"}, "attach": {""}}
	ref := phpArr{{"mchid", "123456"}, {"body", "测试 订单"}, {"total_fee", "1000000"}, {"hide", "0"}, {"attach", ""}}
	s := payjs.NewSigner(key)
	want := phpSign(ref, key)
	if got := s.SignValues(v); got != want {
		t.Fatalf("got %s want %s", got, want)
	}
	v.Set("sign", want)
	if err := s.VerifyValues(v); err != nil {
		t.Fatal(err)
	}
	v.Set("sign", strings.ToLower(want))
	if err := s.VerifyValues(v); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("lower-case sign: %v", err)
	}
	v.Set("sign", want)
	v.Add("body", "again")
	if err := s.VerifyValues(v); !errors.Is(err, payjs.ErrMalformed) {
		t.Fatalf("repeated key: %v", err)
	}
}

// The documented string for the complaint request of the doc demo.
func TestDocDemoString(t *testing.T) {
	r := payjs.Rule()
	got := string(r.Build([]signing.Param{{Key: "mchid", Value: "123456"}}, []byte("xxxxxx")))
	if got != "mchid=123456&key=xxxxxx" {
		t.Fatal(got)
	}
}

func TestSignerNeverPrintsKey(t *testing.T) {
	s := payjs.NewSigner("supersecret")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s)} {
		if strings.Contains(out, "supersecret") {
			t.Fatal(out)
		}
	}
}

func TestFlattenJSON(t *testing.T) {
	body := `{"total_fee":1000000,"big":123456789,"f":1e+06,"zero":0.0,"neg0":-0,"t":true,"f2":false,"n":null,` +
		`"e":[],"o":{},"s":"0","l":[{"a":"","b":null,"c":false,"d":[],"e":{"x":1}}],"sign":"S"}`
	params, err := payjs.FlattenJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range params {
		got = append(got, p.Name()+"="+p.Value)
	}
	want := []string{"total_fee=1000000", "big=123456789", "f=1e+06", "zero=0", "neg0=0", "t=1", "f2=",
		"s=0", "l[0][a]=", "l[0][c]=0", "l[0][e][x]=1", "sign=S"}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	r := payjs.Rule()
	r.Placement = signing.KeyNone
	if s := string(r.Build(params, nil)); s != "big=123456789&f=1e+06&l[0][a]=&l[0][c]=0&l[0][e][x]=1&t=1&total_fee=1000000" {
		t.Fatal(s)
	}
}

func TestFlattenJSONRejects(t *testing.T) {
	for _, body := range []string{
		``, `[]`, `"x"`, `{`, `{"a":1}x`, `{"a":1}{"b":2}`, `{"a":1,"a":2}`, `{"l":[{"x":1,"x":2}]}`,
		`{"a":` + strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40) + `}`, `{"a":[1,}`, `{1:2}`,
	} {
		if _, err := payjs.FlattenJSON([]byte(body)); !errors.Is(err, payjs.ErrMalformed) {
			t.Errorf("%q: %v", body, err)
		}
	}
	// Many keys switch duplicate detection to a map; a late duplicate is found.
	var b bytes.Buffer
	b.WriteString("{")
	for i := range 100 {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"k5":1}`)
	if _, err := payjs.FlattenJSON(b.Bytes()); !errors.Is(err, payjs.ErrMalformed) {
		t.Fatalf("late duplicate: %v", err)
	}
}

func TestVerifyJSONSignShapes(t *testing.T) {
	s := payjs.NewSigner("k")
	for body, want := range map[string]error{
		`{"a":"1"}`:                payjs.ErrUnsigned,
		`{"a":"1","sign":""}`:      payjs.ErrUnsigned,
		`{"a":"1","sign":null}`:    payjs.ErrUnsigned,
		`{"a":"1","sign":123}`:     signing.ErrSignatureInvalid,
		`{"a":"1","sign":{"x":1}}`: signing.ErrSignatureInvalid,
		`{"a":"1","sign":"ABC"}`:   signing.ErrSignatureInvalid,
	} {
		if err := s.VerifyJSON([]byte(body)); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", body, err, want)
		}
	}
}

func TestLenientSignerAcceptsTheNoFilterCandidate(t *testing.T) {
	strict := payjs.NewSigner("key-123")
	params := []signing.Param{{Key: "mchid", Value: "1230000109"}, {Key: "attach", Value: ""},
		{Key: "status", Value: "0"}, {Key: "total_fee", Value: "100"}}
	// What a signer that keeps every value (PAYJS's Java demo) would send.
	keepAll := signing.MD5Signer{Rule: signing.ParamRule{Exclude: []string{"sign"}, Placement: signing.KeyAppend},
		Secret: signing.NewSecret("key-123"), Case: signing.Upper}
	sig := keepAll.Sign(params)
	if sig == strict.Sign(params) {
		t.Fatal("test data does not separate the two rules")
	}
	if err := strict.Verify(params, sig); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("strict signer accepted the no-filter signature: %v", err)
	}
	lenient := strict.Lenient()
	if err := lenient.Verify(params, sig); err != nil {
		t.Fatalf("lenient signer rejected the no-filter signature: %v", err)
	}
	if err := lenient.Verify(params, strict.Sign(params)); err != nil {
		t.Fatalf("lenient signer rejected the PHP signature: %v", err)
	}
	if lenient.Sign(params) != strict.Sign(params) {
		t.Fatal("a lenient signer must still sign with the PHP rule")
	}
	forged := []byte(sig)
	forged[0] ^= 1
	if err := lenient.Verify(params, string(forged)); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("lenient signer accepted a forged signature: %v", err)
	}
}
