package httpc

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestURLPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.mch.weixin.qq.com/v3/merchant-service/complaints-v2?limit=10&offset=0", "/v3/merchant-service/complaints-v2"},
		{"https://vsp.allinpay.com/apiweb/tranx/query?cusid=1&sign=ABC%2B%3D#frag", "/apiweb/tranx/query"},
		{"https://user:pass@x.test/p?a=1#frag", "/p"},
		{"https://x.test", "/"},
		{"https://x.test?sign=1", "/"},
		{"/relative/path?sign=1", "/relative/path"},
		{"/a%2Fb/c?x", "/a%2Fb/c"},
		{"/c d?x", "/c%20d"},
		{"", ""},
		{"?sign=1", ""},
		// Unparsable (control character, bad host): cut by hand.
		{"https://x.test/p\n?sign=1", "/p "},
		{"https://us er:pw@x y/p/q?sign=1", "/p/q"},
		{"https://x y?sign=1#f", "/"},
		{"/p\x7f#frag?x", "/p "},
	}
	for _, tt := range tests {
		if got := URLPath(tt.in); got != tt.want {
			t.Errorf("URLPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// opaque wraps an error without Unwrap, as resty's noRetryErr does.
type opaque struct{ err error }

func (o opaque) Error() string { return o.err.Error() }

func TestErrorText(t *testing.T) {
	full := "https://user:PASSWD@vsp.allinpay.com/apiweb/tranx/query?cusid=1&sign=SIGNSECRET&key=KEYSECRET#FRAG"
	ue := &url.Error{Op: "Post", URL: full, Err: errors.New("read tcp 10.0.0.1:443: connection reset by peer")}
	bad := &url.Error{Op: "parse", URL: "/v3/x?sign=SIGNSECRET\n", Err: errors.New("net/url: invalid control character in URL")}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain", errors.New("resty: response body too large"), "resty: response body too large"},
		{"url error", ue, `Post "/apiweb/tranx/query": read tcp 10.0.0.1:443: connection reset by peer`},
		{"wrapped", fmt.Errorf("wechatpay: %w", ue), `wechatpay: Post "/apiweb/tranx/query": read tcp 10.0.0.1:443: connection reset by peer`},
		{"joined", errors.Join(errors.New("a"), ue), "a Post \"/apiweb/tranx/query\": read tcp 10.0.0.1:443: connection reset by peer"},
		{"opaque", opaque{ue}, `Post "/apiweb/tranx/query": read tcp 10.0.0.1:443: connection reset by peer`},
		{"opaque parse", opaque{bad}, `parse "/v3/x": net/url: invalid control character in URL`},
		// The odd quote pairs with the one opening the URL, so only the
		// unwrapped *url.Error finds it.
		{"odd quote before", fmt.Errorf(`field "a: %w`, bad), `field "a: parse "/v3/x": net/url: invalid control character in URL`},
		{"bare url", errors.New("GET https://x.test/p?sign=SIGNSECRET failed"), "GET /p failed"},
		{"unterminated quote", errors.New(`bad "https://x.test/p?sign=SIGNSECRET`), `bad "/p`},
		{"quoted non-url kept", errors.New(`json: unknown field "complaint_id"`), `json: unknown field "complaint_id"`},
		{"unterminated non-url kept", errors.New(`say "hi`), `say "hi`},
		{"multi-line", errors.New("a\nb"), "a b"},
	}
	for _, tt := range tests {
		got := ErrorText(tt.err)
		if got != tt.want {
			t.Errorf("%s: ErrorText = %q, want %q", tt.name, got, tt.want)
		}
		for _, s := range []string{"SIGNSECRET", "KEYSECRET", "PASSWD", "FRAG", "?"} {
			if strings.Contains(got, s) {
				t.Errorf("%s: %q survived in %q", tt.name, s, got)
			}
		}
	}
	long := errors.New(strings.Repeat("x", 5*MaxProviderText))
	if got := ErrorText(long); utf8.RuneCountInString(got) != MaxProviderText+1 {
		t.Errorf("long error: %d runes", utf8.RuneCountInString(got))
	}
}

// fuzzSecret is planted in every fuzz input's query; it is odd enough not to
// come out of anything else.
const fuzzSecret = "Zq7SECRETx9Kw"

// FuzzErrorText checks that a URL's query and user info never survive
// ErrorText, whatever its path and the error around it, whether the
// *url.Error is reachable with errors.Unwrap or hidden in a type without
// Unwrap.
func FuzzErrorText(f *testing.F) {
	f.Add("/v3/x", "EOF", "wechatpay", uint8(0))
	f.Add("/p\n", `"`, "", uint8(1))
	f.Add(`/a"b?c`, "x\x00y", "a\"b", uint8(2))
	f.Add("", `unterminated "https://`, "", uint8(3))
	f.Add("/%zz", "", "\xff", uint8(4))
	ops := []string{"Get", "Post", "parse", "Head", "Put"}
	f.Fuzz(func(t *testing.T, path, inner, prefix string, op uint8) {
		if strings.Contains(path+inner+prefix, fuzzSecret[:4]) || strings.Contains(path+inner+prefix, fuzzSecret[len(fuzzSecret)-4:]) {
			t.Skip()
		}
		ue := &url.Error{
			Op:  ops[int(op)%len(ops)],
			URL: "https://u:" + fuzzSecret + "@api.test" + path + "?sign=" + fuzzSecret + "#" + fuzzSecret,
			Err: errors.New(inner),
		}
		for _, err := range []error{ue, fmt.Errorf("%s: %w", prefix, ue), opaque{ue}} {
			got := ErrorText(err)
			if strings.Contains(got, fuzzSecret) {
				t.Fatalf("secret survived:\n in %q\nout %q", err.Error(), got)
			}
			if !utf8.ValidString(got) || strings.ContainsAny(got, "\n\r\x00") || utf8.RuneCountInString(got) > MaxProviderText+1 {
				t.Fatalf("not one bounded line: %q", got)
			}
		}
	})
}

func ExampleErrorText() {
	err := &url.Error{
		Op:  "Post",
		URL: "https://vsp.allinpay.com/apiweb/tranx/query?cusid=990&sign=Q2xpZW50U2ln",
		Err: errors.New("EOF"),
	}
	fmt.Println(ErrorText(err))
	// Output: Post "/apiweb/tranx/query": EOF
}

func BenchmarkErrorText(b *testing.B) {
	err := &url.Error{
		Op:  "Post",
		URL: "https://vsp.allinpay.com/apiweb/tranx/query?cusid=990&appid=0000&sign=Q2xpZW50U2ln&randomstr=x",
		Err: errors.New("read tcp 10.0.0.1:443: connection reset by peer"),
	}
	// The floor: formatting the message, which every log of the error does.
	b.Run("Error", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = err.Error()
		}
	})
	b.Run("ErrorText", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = ErrorText(err)
		}
	})
}
