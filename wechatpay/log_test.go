package wechatpay

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestComplaintLogValueHidesPayerData(t *testing.T) {
	c := Complaint{ComplaintID: "200201820200101080076610000", ComplaintState: StatePending,
		PayerPhone: "R1p3ciphertextOfThePhone==", PayerPhonePlaintext: "18612045566",
		PayerOpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", ComplaintDetail: "请联系我 18612045566"}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("complaint", "c", c)
		l.Info("complaint", "c", &c)
	}
	out := buf.String()
	for _, secret := range []string{"R1p3ciphertextOfThePhone", "18612045566", "oUpF8uMuAJO"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "200201820200101080076610000") || !strings.Contains(out, "PENDING") {
		t.Fatalf("log lacks the complaint id or state:\n%s", out)
	}
}

func TestAPIErrorTextIsBoundedAndSingleLine(t *testing.T) {
	e := &APIError{StatusCode: 400, Code: "PARAM_ERROR", Message: "bad\nforged log line" + strings.Repeat("长", 5000),
		Detail: &ErrorDetail{Field: "x\r\ny"}, RequestID: "r\n1"}
	s := e.Error()
	if strings.ContainsAny(s, "\r\n") || len([]rune(s)) > 700 {
		t.Fatalf("error text not sanitised (%d runes): %q", len([]rune(s)), s)
	}
}
