package httpc

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	const R = Redacted
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "GET /v3/merchant-service/complaints-v2 200 OK", "GET /v3/merchant-service/complaints-v2 200 OK"},
		{"sign_type kept", "sign_type=RSA&signtype=MD5", "sign_type=RSA&signtype=MD5"},
		{"query", "https://vsp.allinpay.com/apiweb/tranx/query?cusid=1&sign=ABCdef%2B%2F%3D&appid=2",
			"https://vsp.allinpay.com/apiweb/tranx/query?cusid=1&sign=" + R + "&appid=2"},
		{"form", "mchid=123&total_fee=100&key=k3y&out_trade_no=o1", "mchid=123&total_fee=100&key=" + R + "&out_trade_no=o1"},
		{"appkey", "appkey=0123456789abcdef, app_key: zz", "appkey=" + R + ", app_key: " + R},
		{"base64 sign", "sign=a+b/c==&x=1", "sign=" + R + "&x=1"},
		{"json", `{"mchid":"1900","sign":"MEUCIQ\"x","n":1}`, `{"mchid":"1900","sign":"` + R + `","n":1}`},
		{"json spaces", `{"sign" : "abc def", "key": 12345, "apiv3key":"k"}`, `{"sign" : "` + R + `", "key": ` + R + `, "apiv3key":"` + R + `"}`},
		{"json escaped in string", `body "{\"sign\":\"abc\",\"a\":1}"`, `body "{\"sign\":\"` + R + `\",\"a\":1}"`},
		{"json double escaped", `{\\\"key\\\":\\\"abc\\\"}`, `{\\\"key\\\":\\\"` + R + `\\\"}`},
		{"json unterminated", `{"sign":"abcdef`, `{"sign":"` + R},
		{"single quotes", `sign='abc'`, `sign='` + R + `'`},
		{"signature param", `signature="c2ln",timestamp="1"`, `signature="` + R + `",timestamp="1"`},
		{"api v3 key", "api_v3_key=0123456789abcdef0123456789abcdef", "api_v3_key=" + R},
		{"wechatpay authorization header line",
			"Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1900\",nonce_str=\"n\",signature=\"c2ln\",timestamp=\"1\",serial_no=\"S\"\r\nAccept: */*",
			"Authorization: " + R + "\r\nAccept: */*"},
		{"wechatpay scheme alone", `auth WECHATPAY2-SHA256-RSA2048 mchid="1900",signature="c2ln"`, `auth WECHATPAY2-SHA256-RSA2048 ` + R},
		{"wechatpay SM2 scheme", `WECHATPAY2-SM2-WITH-SM3 mchid="1",signature="c2ln"`, `WECHATPAY2-SM2-WITH-SM3 ` + R},
		{"bearer", "token Bearer eyJhbGciOi.eyJzdWIi.c2ln ok", "token Bearer " + R + " ok"},
		{"basic", "basic dXNlcjpwYXNz", "basic " + R},
		{"printed header map", "map[Authorization:[Bearer abc] Content-Type:[application/json]]", "map[Authorization:[" + R + "] Content-Type:[application/json]]"},
		{"json header", `{"Authorization":"Bearer abc","Accept":"*/*"}`, `{"Authorization":"` + R + `","Accept":"*/*"}`},
		{"json header array", `{"Cookie":["sid=abc"]}`, `{"Cookie":["` + R + `"]}`},
		{"wechatpay-signature header", "Wechatpay-Signature: c2lnbmF0dXJl\nWechatpay-Serial: 5157F09E", "Wechatpay-Signature: " + R + "\nWechatpay-Serial: 5157F09E"},
		{"cookie header", "Cookie: sid=abc; x=y", "Cookie: " + R},
		{"set-cookie header", "Set-Cookie: sid=abc; Path=/", "Set-Cookie: " + R},
		{"xml", "<xml><appid>wx1</appid><sign>ABC</sign></xml>", "<xml><appid>wx1</appid><sign>" + R + "</sign></xml>"},
		{"xml cdata", "<sign><![CDATA[A]B]]></sign>", "<sign>" + R + "</sign>"},
		{"go struct", "{MchID:1900 Key:secret Sign:abc}", "{MchID:1900 Key:" + R + " Sign:" + R + "}"},
		{"printed values", "map[key:[abc] limit:[10]]", "map[key:[" + R + "] limit:[10]]"},
		{"token", "access_token=abc&token=def", "access_token=" + R + "&token=" + R},
		{"empty value left", "sign=&a=1", "sign=&a=1"},
		{"pem", "key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- end", "key " + R + " end"},
		{"pem unterminated", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", R},
		{"case insensitive", "SIGN=abc&Key=def", "SIGN=" + R + "&Key=" + R},
		{"url error", `Post "https://api.mch.weixin.qq.com/x?sign=abc": EOF`, `Post "https://api.mch.weixin.qq.com/x?sign=` + R + `": EOF`},
		{"payer phone", `{"payer_phone":"ciphertext=="}`, `{"payer_phone":"` + R + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactIsIdempotent(t *testing.T) {
	for _, in := range []string{
		`sign=abc&key=def`, `{"sign":"abc"}`, "Authorization: Bearer x", `<key>k</key>`,
		`{\"sign\":\"abc\"}`, "map[Authorization:[Bearer abc]]",
	} {
		once := Redact(in)
		if twice := Redact(once); twice != once {
			t.Errorf("Redact not stable on %q: %q then %q", in, once, twice)
		}
	}
}

func TestRedactHeader(t *testing.T) {
	h := http.Header{
		"Authorization":       {`WECHATPAY2-SHA256-RSA2048 mchid="1",signature="c2ln"`},
		"Cookie":              {"sid=1", "b=2"},
		"Set-Cookie":          {"sid=1"},
		"Wechatpay-Signature": {"c2lnbmF0dXJl"},
		"Wechatpay-Serial":    {"5157F09EFDC096DE15EBE81A47057A72"},
		"Wechatpay-Timestamp": {"1554208460"},
		"X-Api-Key":           {"k"},
		"X-Custom-Token":      {"t"},
		"Content-Type":        {"application/json"},
		"X-Debug":             {"sign=abc"},
		"Request-Id":          {"08F0"},
	}
	orig := h.Clone()
	got := RedactHeader(h)
	want := http.Header{
		"Authorization":       {Redacted},
		"Cookie":              {Redacted, Redacted},
		"Set-Cookie":          {Redacted},
		"Wechatpay-Signature": {Redacted},
		"Wechatpay-Serial":    {"5157F09EFDC096DE15EBE81A47057A72"},
		"Wechatpay-Timestamp": {"1554208460"},
		"X-Api-Key":           {Redacted},
		"X-Custom-Token":      {Redacted},
		"Content-Type":        {"application/json"},
		"X-Debug":             {"sign=" + Redacted},
		"Request-Id":          {"08F0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RedactHeader:\n got %v\nwant %v", got, want)
	}
	if !reflect.DeepEqual(h, orig) {
		t.Errorf("RedactHeader modified its input: %v", h)
	}
	if RedactHeader(nil) != nil {
		t.Error("RedactHeader(nil) != nil")
	}
}

func TestRedactURL(t *testing.T) {
	const R = Redacted
	tests := []struct{ in, want string }{
		{"https://api.mch.weixin.qq.com/v3/merchant-service/complaints-v2?limit=10&offset=0",
			"https://api.mch.weixin.qq.com/v3/merchant-service/complaints-v2?limit=10&offset=0"},
		{"https://vsp.allinpay.com/q?cusid=1&appid=2&sign=ABC%2B%3D&randomstr=r",
			"https://vsp.allinpay.com/q?cusid=1&appid=2&sign=" + R + "&randomstr=r"},
		{"https://payjs.cn/api/complaint?mchid=1&KEY=k&Signature=s&appkey=a&token=t",
			"https://payjs.cn/api/complaint?mchid=1&KEY=" + R + "&Signature=" + R + "&appkey=" + R + "&token=" + R},
		{"https://x.test/?s%69gn=abc", "https://x.test/?s%69gn=" + R},
		{"https://x.test/?sign=&a=1", "https://x.test/?sign=&a=1"},
		{"https://x.test/?sign", "https://x.test/?sign"},
		{"https://x.test/?notify_url=https%3A%2F%2Fshop.test%2Fcb%3Fkey%3Dabc&b=2",
			"https://x.test/?notify_url=https%3A%2F%2Fshop.test%2Fcb%3Fkey%3D" + R + "&b=2"},
		{"https://user:pass@x.test/p?a=1#frag", "https://user:REDACTED@x.test/p?a=1#frag"},
		{"https://user@x.test/p", "https://user@x.test/p"},
		{"/relative/path?sign=1", "/relative/path?sign=" + R},
		{"https://x.test/?a=%zz&sign=1", "https://x.test/?a=%zz&sign=" + R},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		before := *u
		if got := RedactURL(u); got != tt.want {
			t.Errorf("RedactURL(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if *u != before {
			t.Errorf("RedactURL modified %q", tt.in)
		}
	}
	if RedactURL(nil) != "" {
		t.Error(`RedactURL(nil) != ""`)
	}
}

// fuzzSecret is planted in every fuzz input; it is long and odd enough not
// to come out of anything Redact writes.
const fuzzSecret = "Zq7SECRETx9Kw"

// fuzzShapes are the places a secret is planted, each after a space so that
// the fuzzed prefix cannot glue itself onto the parameter name.
var fuzzShapes = []struct{ before, after string }{
	{"sign=", "&"},
	{"key=", ""},
	{"appkey=", " "},
	{`"sign":"`, `"`},
	{`"apiv3_key": "`, `",`},
	{`\"sign\":\"`, `\"`},
	{`signature="`, `",`},
	{"Authorization: Bearer ", "\n"},
	{"Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1\",signature=\"", "\""},
	{"WECHATPAY2-SHA256-RSA2048 signature=\"", "\""},
	{"Bearer ", ""},
	{"Basic ", ")"},
	{"Wechatpay-Signature: ", "\r\n"},
	{"Cookie: sid=", ";"},
	{"<sign>", "</sign>"},
	{"<key><![CDATA[", "]]></key>"},
	{"map[sign:[", "]]"},
	{"{Key:", "}"},
	{`"Authorization":["`, `"]`},
	{"-----BEGIN PRIVATE KEY-----\n", "\n-----END PRIVATE KEY-----"},
}

func FuzzRedact(f *testing.F) {
	seeds := []struct {
		prefix, suffix string
		shape          uint8
	}{
		{"", "", 0},
		{"GET https://x.test/?a=1&", "b=2", 0},
		{`{"a":"`, `"}`, 3},
		{`{"sign":"`, "", 3},
		{`sign="`, "", 0},
		{"key='", "'", 1},
		{"\\", "\\", 5},
		{"Cookie:", "\n", 7},
		{"<sign><![CDATA[", "", 14},
		{"Bearer", "", 10},
		{`"cookie":"\`, `"`, 0},
		{"\xff\xfe", "\x00", 8},
		{"-----BEGIN PRIVATE KEY-----", "", 19},
	}
	for _, s := range seeds {
		f.Add(s.prefix, s.suffix, s.shape)
	}
	f.Fuzz(func(t *testing.T, prefix, suffix string, shape uint8) {
		// Skip inputs that carry the secret themselves: Redact cannot know
		// that text outside a secret's slot is secret.
		if strings.Contains(prefix, fuzzSecret[:4]) || strings.Contains(suffix, fuzzSecret[len(fuzzSecret)-4:]) ||
			strings.Contains(prefix+suffix, fuzzSecret) {
			t.Skip()
		}
		sh := fuzzShapes[int(shape)%len(fuzzShapes)]
		in := prefix + " " + sh.before + fuzzSecret + sh.after + suffix
		out := Redact(in)
		if strings.Contains(out, fuzzSecret) {
			t.Fatalf("secret survived:\n in %q\nout %q", in, out)
		}
		// Stable: redacting again changes nothing that matters.
		if again := Redact(out); strings.Contains(again, fuzzSecret) {
			t.Fatalf("second pass revealed the secret: %q", again)
		}
	})
}

func ExampleRedact() {
	fmt.Println(Redact(`POST /apiweb/tranx/query cusid=990&sign=Q2xpZW50U2ln&randomstr=x`))
	fmt.Println(Redact(`Authorization: WECHATPAY2-SHA256-RSA2048 mchid="1900",signature="c2ln"`))
	fmt.Println(Redact(`{"return_code":1,"sign":"D9F2A1"}`))
	// Output:
	// POST /apiweb/tranx/query cusid=990&sign=[REDACTED]&randomstr=x
	// Authorization: [REDACTED]
	// {"return_code":1,"sign":"[REDACTED]"}
}

func TestRedactLongInputs(t *testing.T) {
	// Each of these made an earlier version quadratic (a minute for 80 KB);
	// a regression shows up as a test timeout, not a timing assertion.
	for _, unit := range []string{`key=`, `key="`, `Cookie: `, `<sign><![CDATA[`, `Bearer `, `\"key\":\"`, `"sign":"a`} {
		s := strings.Repeat(unit, 5000) + " sign=" + fuzzSecret
		if out := Redact(s); strings.Contains(out, fuzzSecret) {
			t.Errorf("%q x 5000: secret survived", unit)
		}
	}
	long := "sign=" + strings.Repeat("A", 5000) + fuzzSecret + "&limit=10"
	if out := Redact(long); strings.Contains(out, fuzzSecret) || strings.Contains(out, "AAAA") {
		t.Errorf("a value longer than the scan window survived: %.80q", out)
	}
}

func BenchmarkRedact(b *testing.B) {
	line := `Post "https://vsp.allinpay.com/apiweb/tranx/query?cusid=990&appid=0000&sign=Q2xpZW50U2ln&randomstr=x": read tcp 10.0.0.1:443: connection reset by peer`
	b.ReportAllocs()
	for b.Loop() {
		Redact(line)
	}
}
