package payjs

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
)

func TestAPIErrorTextIsBoundedAndSingleLine(t *testing.T) {
	e := &APIError{Endpoint: "check", HTTPStatus: 200, ReturnCode: "0",
		ReturnMsg: "失败\nforged log line" + strings.Repeat("长", 5000), Msg: "m\x1b[31m"}
	s := e.Error()
	if strings.ContainsAny(s, "\r\n\x1b") || len([]rune(s)) > 600 {
		t.Fatalf("error text not sanitised (%d runes): %q", len([]rune(s)), s)
	}
}

// TestProviderNamesInErrorsAreBounded: every error that quotes a name PAYJS
// (or whoever posts to the notify URL) chose is single-line and bounded, like
// APIError's texts: a field name of 5000 runes over several lines, with a
// terminal escape, must not reach a log as it is.
func TestProviderNamesInErrorsAreBounded(t *testing.T) {
	name := "field\nforged: log line\r\x1b[31m" + strings.Repeat("名", 5000)
	jsonName, _ := json.Marshal(name)
	c, err := NewClient(Credentials{MchID: "1230000109", Key: signing.NewSecret("key")})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{name: {"a", "b"}}
	req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader("a=1"))
	req.Method = strings.Repeat("POST\n", 1000)
	for what, err := range map[string]error{
		"duplicate JSON key": func() error {
			_, err := FlattenJSON([]byte(`{` + string(jsonName) + `:1,` + string(jsonName) + `:2}`))
			return err
		}(),
		"nested duplicate JSON key": func() error {
			_, err := FlattenJSON([]byte(`{"l":[{` + string(jsonName) + `:1,` + string(jsonName) + `:2}]}`))
			return err
		}(),
		"repeated form field":         NewSigner(signing.NewSecret("key")).VerifyValues(form),
		"repeated notification field": func() error { _, err := c.Verify(context.Background(), nil, []byte(form.Encode())); return err }(),
		"notification method":         func() error { _, err := c.ParseNotification(req); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", what)
			continue
		}
		s := err.Error()
		if strings.ContainsAny(s, "\r\n\x1b") || utf8.RuneCountInString(s) > 2*httpc.MaxProviderText+100 {
			t.Errorf("%s: error text not bounded (%d runes): %.300q", what, utf8.RuneCountInString(s), s)
		}
		if !strings.Contains(s, "名名名") && !strings.Contains(s, "POST POST") {
			t.Errorf("%s: the name is not in the error at all: %q", what, s)
		}
	}
}
