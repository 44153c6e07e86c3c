package wechatpay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
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

// No print path shows personal data: a complaint (phone decrypted), a list
// response, a history page and a notification, as the client returns them,
// through fmt's %v, %+v and %#v and through slog's text and JSON handlers.
func TestPrintsHidePersonalData(t *testing.T) {
	testKeys(t)
	const phone = "18612345678"
	ct, err := signing.EncryptOAEP(&merchantKey.PublicKey, []byte(phone))
	if err != nil {
		t.Fatal(err)
	}
	enc := b64(ct)
	item := strings.NewReplacer(`"反馈一个重复扣费的问题"`, `"没收到货，请打 `+phone+` 联系我"`, `["TRUSTED"]`, `["HIGH_RISK"]`).
		Replace(mainlandComplaintJSON("C1", enc))
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply { return reply{body: item} })
	m.on("GET", "/v3/merchant-service/complaints-v2", func(*recorded) reply { return reply{body: page([]string{item}, 10, 0, 1)} })
	m.on("GET", "/v3/merchant-service/complaints-v2/C1/negotiation-historys", func(*recorded) reply {
		return reply{body: page([]string{historyItem("L1", "USER_RESPONSE", `,"operate_details":"请打 `+phone+`"`)}, 100, 0, 1)}
	})
	c := pubKeyClient(t, m, WithPayerPhoneDecryption())
	detail, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
	if err != nil || detail.PayerPhonePlaintext != phone {
		t.Fatalf("detail: %v", err)
	}
	list, err := c.ListComplaints(ctx(t), &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow})
	if err != nil || list.Data[0].PayerPhonePlaintext != phone {
		t.Fatalf("list: %v", err)
	}
	hist, err := c.ListHistory(ctx(t), &ListHistoryRequest{ComplaintID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	h, body := callback{action: "USER_RESPONSE", complaintID: "C1"}.build(t)
	n, err := c.Verify(ctx(t), h, body)
	if err != nil {
		t.Fatal(err)
	}
	// Raw bodies would print as bytes: the phone in decimal (%v) or hex (%#v).
	asBytes := strings.Trim(fmt.Sprint([]byte(phone)), "[]")
	asHex := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%#v", []byte(phone)), "[]byte{"), "}")
	secrets := []string{phone, enc[:40], "oUpF8uMuAJO", "没收到货", "HIGH_RISK", asBytes, asHex}
	for name, v := range map[string]any{
		"complaint": detail, "complaint value": *detail, "list": list, "list value": *list,
		"history": hist, "history item": hist.Data[0], "notification": n, "event": NotificationEvent(n),
	} {
		var out bytes.Buffer
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("x", "v", v)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "v", v)
		for _, s := range secrets {
			if strings.Contains(out.String(), s) {
				t.Errorf("%s prints %q:\n%s", name, s, out.String())
			}
		}
		if !strings.Contains(out.String(), "C1") && !strings.Contains(out.String(), "L1") && !strings.Contains(out.String(), "items") {
			t.Errorf("%s prints nothing useful:\n%s", name, out.String())
		}
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

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("dial tcp 192.0.2.1:443: connect: connection refused")
}

// A failed certificate refresh is logged at Warn with the error reduced as
// httpc.ErrorText reduces it: the path, never the host or the query.
func TestRefreshFailureWarnLine(t *testing.T) {
	var logs strings.Builder
	c, err := NewClient(testCreds(t), WithCertificateDownload(), option.WithTransport(failingTransport{}),
		option.WithRetry(option.Retry{}), option.WithClock(fixedClock), option.WithLogger(newTextLogger(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	// The loop refreshes once before it looks at Close, so on a closed client
	// it makes exactly one attempt, logs its failure and returns.
	_ = c.Close()
	if err := c.RefreshCertificatesEvery(context.Background(), time.Hour); err != nil {
		t.Fatalf("loop on a closed client: %v", err)
	}
	out := logs.String()
	var warn string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=WARN") {
			warn = line
		}
	}
	if !strings.Contains(warn, "certificate refresh failed") || !strings.Contains(warn, "/v3/certificates") ||
		!strings.Contains(warn, "connection refused") {
		t.Fatalf("warn line %q in:\n%s", warn, out)
	}
	if strings.Contains(warn, "algorithm_type") || strings.Contains(warn, "api.mch.weixin.qq.com") {
		t.Errorf("warn line carries the query or host: %q", warn)
	}
}
