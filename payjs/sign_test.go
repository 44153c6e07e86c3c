package payjs_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
	s := payjs.NewSigner(signing.NewSecret(rinneKey))
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
	got := payjs.PHPQuery(params)
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
		return payjs.RefPHPFloat(x)
	case string:
		return x
	}
	panic("not a scalar")
}

// httpBuildQuery is PHP's http_build_query: urlencoded names and values, nulls
// skipped, arrays recursed in order (for {"":{"":"","a":{"":1}}} PHP 8.2 writes
// "[]=&[a][]=1").
func httpBuildQuery(prefix string, top bool, a phpArr, out *[]string) {
	for _, m := range a {
		name := m.k
		if !top { // a top-level key "" still prefixes its members: "[a]=1"
			name = prefix + "[" + m.k + "]"
		}
		switch x := m.v.(type) {
		case nil:
		case phpArr:
			httpBuildQuery(name, false, x, out)
		default:
			*out = append(*out, url.QueryEscape(name)+"="+url.QueryEscape(phpScalar(x)))
		}
	}
}

// phpSign is payjs-cn/phpsdk's checkSign(): unset sign, array_filter, ksort,
// http_build_query, urldecode, "&key=", md5, strtoupper. Its ksort is the
// tests' reference order, so data's top-level keys must be of the kinds
// RefKsortOrder handles.
func phpSign(data phpArr, key string) string {
	var kept phpArr
	var keys []string
	for _, m := range data {
		if m.k != "sign" && phpTruthy(m.v) {
			kept = append(kept, m)
			keys = append(keys, m.k)
		}
	}
	order, ok := payjs.RefKsortOrder(keys)
	if !ok {
		panic(fmt.Sprintf("keys %q are not for the reference ksort", keys))
	}
	sorted := make(phpArr, len(kept))
	for i, j := range order {
		sorted[i] = kept[j]
	}
	kept = sorted
	var parts []string
	httpBuildQuery("", true, kept, &parts)
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
		return phpJSONObject(x)
	case float64:
		// json_encode writes the shortest text that reads back as x and
		// keeps a float a float: 1.0 is "1.0", not "1".
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return s
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// phpJSONObject is json_encode($a, JSON_FORCE_OBJECT) at the top level: an
// object even when the keys are 0, 1, ... (a PAYJS answer is always one).
func phpJSONObject(a phpArr) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range a {
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
	{"floats PHP writes its own way", phpArr{{"a", 1e3}, {"b", 1.0}, {"c", 1e20}, {"d", 0.1}, {"e", 1.5e-7},
		{"f", 0.1 + 0.2}, {"g", list(math.Copysign(0, -1), 1e15, 100000000000005.0)}, {"h", 12345678901234567890.0}}},
	{"numeric keys", phpArr{{"10", "ten"}, {"9", "nine"}, {"a", "A"}, {"-1", "minus"}, {"01", "one"},
		{"1.5", "x"}, {"return_code", int64(1)}, {"", "empty key"}}},
	{"everything filtered", phpArr{{"a", ""}, {"b", "0"}, {"c", int64(0)}, {"d", false}, {"e", nil}, {"f", phpArr{}},
		{"g", math.Copysign(0, -1)}}},
}

// TestSignMatchesPHPReference signs each case three ways: PHP reference over
// its typed array, this package over the JSON PHP would encode, and (for flat
// string arrays) over plain Params.
func TestSignMatchesPHPReference(t *testing.T) {
	const key = "k3y with spaces 与中文"
	s := payjs.NewSigner(signing.NewSecret(key))
	for _, tc := range phpCases {
		t.Run(tc.name, func(t *testing.T) {
			want := phpSign(tc.data, key)
			body := phpJSON(tc.data)
			params, err := payjs.FlattenJSON([]byte(body))
			if err != nil {
				t.Fatalf("flatten %s: %v", body, err)
			}
			if got := s.Sign(params); got != want {
				t.Fatalf("json %s\n got %s\nwant %s\nstring %q", body, got, want, payjs.PHPQuery(params))
			}
			// Round trip: the signed JSON verifies, and an altered copy does not.
			signed := body[:len(body)-1] + `,"sign":"` + want + `"}`
			if err := s.VerifyJSON([]byte(signed)); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := payjs.NewSigner(signing.NewSecret(key + "x")).VerifyJSON([]byte(signed)); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Fatalf("wrong key verified: %v", err)
			}
		})
	}
}

func TestSignValuesMatchesPHP(t *testing.T) {
	const key = "abc"
	v := url.Values{"mchid": {"123456"}, "body": {"测试 订单"}, "total_fee": {"1000000"}, "hide": {"0"}, "attach": {""}}
	ref := phpArr{{"mchid", "123456"}, {"body", "测试 订单"}, {"total_fee", "1000000"}, {"hide", "0"}, {"attach", ""}}
	s := payjs.NewSigner(signing.NewSecret(key))
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

// The documented string for the complaint request of the doc demo,
// "mchid=123456&key=xxxxxx", is what the Signer hashes.
func TestDocDemoString(t *testing.T) {
	params := []signing.Param{{Key: "mchid", Value: "123456"}}
	if got := payjs.PHPQuery(params); got != "mchid=123456" {
		t.Fatal(got)
	}
	if got, want := payjs.NewSigner(signing.NewSecret("xxxxxx")).Sign(params), md5Upper("mchid=123456&key=xxxxxx"); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}

func md5Upper(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// TestSignEverythingFiltered: when array_filter leaves nothing, PHP's
// http_build_query gives "" and the string is "&key=<key>", with the "&".
// signing.ParamRule would write "key=<key>" here, one reason the package
// offers no ParamRule for PAYJS.
func TestSignEverythingFiltered(t *testing.T) {
	s := payjs.NewSigner(signing.NewSecret("k3y"))
	want := md5Upper("&key=k3y")
	for _, params := range [][]signing.Param{
		nil,
		{{Key: "sign", Value: "X"}},
		{{Key: "attach", Value: ""}, {Key: "status", Value: "0"}, {Key: "sign", Value: "X"}},
	} {
		if got := s.Sign(params); got != want {
			t.Errorf("%q: %s, want %s", params, got, want)
		}
	}
	// A JSON answer whose fields are all falsy verifies against that sign.
	body := `{"return_code":0,"msg":"","status":0.0,"list":[],"obj":{},"n":null,"f":false,"sign":"` + want + `"}`
	if err := s.VerifyJSON([]byte(body)); err != nil {
		t.Fatal(err)
	}
	r := signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitPHPFalsy, Placement: signing.KeyAppend}
	if string(r.Build(nil, []byte("k3y"))) != "key=k3y" {
		t.Fatal("signing.ParamRule now writes PHP's empty string; revisit the Signer doc, which says it cannot")
	}
}

// TestSignNumericKeys: ksort orders numeric keys as numbers and follows PHP 8.2
// in the mixed, non-transitive case (see TestPHPKsort for the order itself).
func TestSignNumericKeys(t *testing.T) {
	params := []signing.Param{{Key: "10", Value: "a"}, {Key: "9", Value: "b"}, {Key: "a", Value: "c"},
		{Key: "1a", Value: "d"}, {Key: "-1", Value: "e"}, {Key: "01", Value: "f"}, {Key: "sign", Value: "S"}}
	const str = "-1=e&01=f&9=b&10=a&1a=d&a=c"
	if got := payjs.PHPQuery(params); got != str {
		t.Fatalf("got %q, want %q", got, str)
	}
	if got, want := payjs.NewSigner(signing.NewSecret("k")).Sign(params), md5Upper(str+"&key=k"); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
	// The same through JSON, whose order is the PHP array's insertion order.
	sig := md5Upper(str + "&key=k")
	body := `{"10":"a","9":"b","a":"c","1a":"d","-1":"e","01":"f","sign":"` + sig + `"}`
	if err := payjs.NewSigner(signing.NewSecret("k")).VerifyJSON([]byte(body)); err != nil {
		t.Fatal(err)
	}
	// A notification keeps the order of its form body as $_POST does; the
	// cycle 9 < 10 < "1a" < 9 makes the result depend on it.
	c, err := payjs.NewClient(payjs.Credentials{MchID: "1230000109", Key: signing.NewSecret("k")})
	if err != nil {
		t.Fatal(err)
	}
	form := "10=a&9=b&a=c&1a=d&-1=e&01=f&payjs_order_id=X&sign="
	strWithID := "-1=e&01=f&9=b&10=a&1a=d&a=c&payjs_order_id=X"
	if _, err := c.Verify(context.Background(), nil, []byte(form+md5Upper(strWithID+"&key=k"))); err != nil {
		t.Fatalf("wire order: %v", err)
	}
	reordered := "a=c&1a=d&-1=e&01=f&10=a&9=b&payjs_order_id=X&sign=" + md5Upper(strWithID+"&key=k")
	if _, err := c.Verify(context.Background(), nil, []byte(reordered)); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("another wire order gives PHP another string, so the sign must fail: %v", err)
	}
	// url.Values has no order: VerifyValues sorts by bytes first, which gives
	// PHP's result whenever the keys compare without a cycle.
	v := url.Values{"10": {"a"}, "9": {"b"}, "a": {"c"}, "-1": {"e"}, "01": {"f"}}
	v.Set("sign", md5Upper("-1=e&01=f&9=b&10=a&a=c&key=k"))
	if err := payjs.NewSigner(signing.NewSecret("k")).VerifyValues(v); err != nil {
		t.Fatal(err)
	}
}

// TestSignFloats: a float in a JSON answer is signed as PHP writes the float
// json_decode gives (see TestPHPFloat for the rule).
func TestSignFloats(t *testing.T) {
	params, err := payjs.FlattenJSON([]byte(`{"a":1e3,"b":1.0,"c":1e20,"d":0.1,"e":-0.0,"f":1.5e-7,` +
		`"g":[-0.0,0.30000000000000004],"h":12345678901234567890,"i":9223372036854775807}`))
	if err != nil {
		t.Fatal(err)
	}
	const want = "a=1000&b=1&c=1.0E+20&d=0.1&f=1.5E-7&g[0]=-0&g[1]=0.3&h=1.2345678901235E+19&i=9223372036854775807"
	if got := payjs.PHPQuery(params); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestSignerNeverPrintsKey(t *testing.T) {
	s := payjs.NewSigner(signing.NewSecret("supersecret"))
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
	// 1e+06 is a float to PHP, which writes it "1000000".
	want := []string{"total_fee=1000000", "big=123456789", "f=1000000", "zero=0", "neg0=0", "t=1", "f2=",
		"s=0", "l[0][a]=", "l[0][c]=0", "l[0][e][x]=1", "sign=S"}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if s := payjs.PHPQuery(params); s != "big=123456789&f=1000000&l[0][a]=&l[0][c]=0&l[0][e][x]=1&t=1&total_fee=1000000" {
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
	s := payjs.NewSigner(signing.NewSecret("k"))
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
	strict := payjs.NewSigner(signing.NewSecret("key-123"))
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

// ---- structure-aware fuzzing against the PHP reference ----

// bytesSource turns fuzz input into choices; it gives zeros when exhausted.
type bytesSource struct{ b []byte }

func (s *bytesSource) n(max int) int {
	if len(s.b) == 0 || max <= 1 {
		return 0
	}
	v := int(s.b[0]) % max
	s.b = s.b[1:]
	return v
}

// Top-level keys of the kinds the reference ksort orders: "", numbers (PHP int
// keys and numeric strings, equal values included) and names.
var fuzzTopKeys = []string{"", "0", "1", "2", "9", "10", "100", "-1", "-20", "01", "1.0", "1.5", " 3", "4 ", "1e1",
	"-0", ".5", "5.", "+7", "a", "b", "A", "Z", "_", "mchid", "return_code", "return_msg", "total_fee", "attach",
	"complaints", "sign", "中文", "a b", "a&b=c"}

var fuzzStrings = []string{"", "0", "0.0", " ", "00", "false", "null", "1", "abc", "测试 订单", "a+b=c&d%41", "\x00",
	"\t\n", "\"\\/", "😀", "\ufffd", "1e3", "-0"}

var fuzzFloats = []float64{0, math.Copysign(0, -1), 1, 1e3, 1e20, 0.1, 1.5e-7, 0.1 + 0.2, 1e14, 1e15, 123456789012345,
	100000000000005, 937839368060595, 5e-324, 1.7976931348623157e308, -2.5, 1.0 / 3, 12345678901234567890}

var fuzzInts = []int64{0, 1, -1, 100, 1000000, 123456789, math.MaxInt64, math.MinInt64, 9007199254740993}

// fuzzValue builds a PHP value: scalars of every JSON kind and, below depth
// 3, arrays (lists or keyed, possibly empty).
func fuzzValue(s *bytesSource, depth int) any {
	kinds := 6
	if depth < 3 {
		kinds = 8
	}
	switch s.n(kinds) {
	case 0:
		return fuzzStrings[s.n(len(fuzzStrings))]
	case 1:
		return fuzzInts[s.n(len(fuzzInts))]
	case 2:
		return fuzzFloats[s.n(len(fuzzFloats))]
	case 3:
		return s.n(2) == 1
	case 4:
		return nil
	case 5:
		return strings.Repeat("x", s.n(3)) + fuzzStrings[s.n(len(fuzzStrings))]
	case 6:
		items := make([]any, s.n(4))
		for i := range items {
			items[i] = fuzzValue(s, depth+1)
		}
		return list(items...)
	}
	var a phpArr
	seen := map[string]bool{}
	for range s.n(4) {
		k := fuzzStrings[s.n(len(fuzzStrings))] + fuzzTopKeys[s.n(len(fuzzTopKeys))]
		if !seen[k] {
			seen[k] = true
			a = append(a, phpKV{k, fuzzValue(s, depth+1)})
		}
	}
	return a
}

// FuzzSignPHP builds a PHP array from the input, encodes it as json_encode
// would, and checks that FlattenJSON plus Signer sign it exactly as the PHP
// reference (array_filter, ksort, http_build_query over the typed values)
// does, and that the signed body verifies. Unlike FuzzFlattenJSON it knows the
// order the server had, so it checks the order of the signed string too.
func FuzzSignPHP(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x05\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Add([]byte("complaints: a list of records with floats and nested keys"))
	for _, tc := range phpCases {
		f.Add([]byte(tc.name))
	}
	const key = "fuzz key 密钥"
	signer := payjs.NewSigner(signing.NewSecret(key))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &bytesSource{b: data}
		var top phpArr
		seen := map[string]bool{}
		for range s.n(10) {
			k := fuzzTopKeys[s.n(len(fuzzTopKeys))]
			if !seen[k] {
				seen[k] = true
				top = append(top, phpKV{k, fuzzValue(s, 0)})
			}
		}
		body := phpJSONObject(top)
		params, err := payjs.FlattenJSON([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		want := phpSign(top, key)
		if got := signer.Sign(params); got != want {
			t.Fatalf("%s\n got %s\nwant %s\nstring %q", body, got, want, payjs.PHPQuery(params))
		}
		if seen["sign"] {
			return
		}
		signed := body[:len(body)-1]
		if len(top) > 0 {
			signed += ","
		}
		signed += `"sign":"` + want + `"}`
		if err := signer.VerifyJSON([]byte(signed)); err != nil {
			t.Fatalf("%s: %v", signed, err)
		}
	})
}

// TestSignArrayThatPrintsNothing: {"5":[null]} is a non-empty array, so
// array_filter keeps it and ksort sorts it, though http_build_query writes
// nothing for it. In a key set PHP compares in a cycle that changes the order
// of the others; PHP 8.2 signs the body below as "1a=b&9=c&10=a", and without
// the "5" entry as "10=a&1a=b&9=c". VerifyJSON keeps the entry; Params
// cannot hold it, so signing FlattenJSON's Params gives the other string.
func TestSignArrayThatPrintsNothing(t *testing.T) {
	s := payjs.NewSigner(signing.NewSecret("k"))
	body := `{"5":[null],"9":"c","1a":"b","10":"a","sign":"` + md5Upper("1a=b&9=c&10=a&key=k") + `"}`
	if err := s.VerifyJSON([]byte(body)); err != nil {
		t.Fatal(err)
	}
	params, err := payjs.FlattenJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := payjs.PHPQuery(params); got != "10=a&1a=b&9=c" {
		t.Fatalf("Params-only string %q", got)
	}
}
