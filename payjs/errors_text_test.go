package payjs

import (
	"strings"
	"testing"
)

func TestAPIErrorTextIsBoundedAndSingleLine(t *testing.T) {
	e := &APIError{Endpoint: "check", HTTPStatus: 200, ReturnCode: "0",
		ReturnMsg: "失败\nforged log line" + strings.Repeat("长", 5000), Msg: "m\x1b[31m"}
	s := e.Error()
	if strings.ContainsAny(s, "\r\n\x1b") || len([]rune(s)) > 600 {
		t.Fatalf("error text not sanitised (%d runes): %q", len([]rune(s)), s)
	}
}
