package httpc

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestProviderText(t *testing.T) {
	cases := map[string]string{
		"签名错误":                   "签名错误",
		"line1\nline2\r\x1b[31m": "line1 line2  [31m",
		"bad \xff byte":          "bad \uFFFD byte",
		"":                       "",
	}
	for in, want := range cases {
		if got := ProviderText(in); got != want {
			t.Errorf("ProviderText(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("错", MaxProviderText+50)
	got := ProviderText(long)
	if utf8.RuneCountInString(got) != MaxProviderText+1 || !strings.HasSuffix(got, "…") {
		t.Fatalf("long text cut to %d runes: %q", utf8.RuneCountInString(got), got)
	}
}

func FuzzProviderText(f *testing.F) {
	f.Add("签名错误")
	f.Add("a\nb")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		got := ProviderText(s)
		if !utf8.ValidString(got) || strings.ContainsAny(got, "\n\r\x00\x1b") ||
			utf8.RuneCountInString(got) > MaxProviderText+1 {
			t.Fatalf("ProviderText(%q) = %q", s, got)
		}
	})
}
