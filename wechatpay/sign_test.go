package wechatpay

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/option"
)

func TestSignatureMessage(t *testing.T) {
	got := string(signatureMessage("GET", "/v3/merchant-service/complaints-v2?limit=5&offset=0", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", nil))
	want := "GET\n/v3/merchant-service/complaints-v2?limit=5&offset=0\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestRequestSignatureMatchesOpenSSL signs with our code and with
// `openssl dgst -sha256 -sign` over the same message; PKCS#1 v1.5 is
// deterministic, so the two must be byte-identical.
func TestRequestSignatureMatchesOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH")
	}
	testKeys(t)
	der, err := x509.MarshalPKCS8PrivateKey(merchantKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "apiclient_key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, uri string
		body        []byte
	}{
		{"GET", "/v3/merchant-service/complaints-v2?begin_date=2025-05-02&end_date=2025-06-01&limit=10&offset=0", nil},
		{"POST", "/v3/merchant-service/complaints-v2/200201820200101080076610000/response", []byte(`{"complainted_mchid":"1900012181","response_content":"已为您退款"}`)},
		{"GET", mediaPath, nil},
		{"DELETE", "/v3/merchant-service/complaint-notifications", nil},
	}
	for _, tc := range cases {
		const ts, nonce = 1748750400, "593BEC0C930BF1AFEB40B4A08C8FB242"
		msg := tc.method + "\n" + tc.uri + "\n1748750400\n" + nonce + "\n" + string(tc.body) + "\n"
		msgFile := filepath.Join(dir, "msg")
		if err := os.WriteFile(msgFile, []byte(msg), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(openssl, "dgst", "-sha256", "-sign", keyFile, msgFile).Output()
		if err != nil {
			t.Fatalf("openssl: %v", err)
		}
		want := base64.StdEncoding.EncodeToString(out)
		auth, err := authorization(key, testMchID, testCertSerial, tc.method, tc.uri, ts, nonce, tc.body)
		if err != nil {
			t.Fatal(err)
		}
		wantHeader := `WECHATPAY2-SHA256-RSA2048 mchid="` + testMchID + `",nonce_str="` + nonce + `",timestamp="1748750400",serial_no="` + testCertSerial + `",signature="` + want + `"`
		if auth != wantHeader {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.method, tc.uri, auth, wantHeader)
		}
		p, err := authParams(auth)
		if err != nil || p["signature"] != want || p["nonce_str"] != nonce || p["timestamp"] != "1748750400" || p["serial_no"] != testCertSerial || p["mchid"] != testMchID {
			t.Errorf("parse: %+v %v", p, err)
		}
	}
}

func TestNonce(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		n, err := newNonce()
		if err != nil {
			t.Fatal(err)
		}
		if len(n) != 32 || strings.Trim(n, nonceChars) != "" || seen[n] {
			t.Fatalf("nonce %q", n)
		}
		seen[n] = true
	}
}

// TestRetriedRequestIsSignedAfresh: every attempt carries its own nonce; the
// mock verifies each one.
func TestRetriedRequestIsSignedAfresh(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	calls := 0
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply {
		calls++
		if calls == 1 {
			return reply{status: 503, body: errBody("SYSTEM_ERROR", "系统错误")}
		}
		return reply{body: mainlandComplaintJSON("C1", "")}
	})
	c := pubKeyClient(t, m, option.WithRetry(option.Retry{MaxRetries: 2}))
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
		t.Fatal(err)
	}
	rs := m.requests()
	if len(rs) != 2 {
		t.Fatalf("%d attempts", len(rs))
	}
	a, errA := authParams(rs[0].Header.Get("Authorization"))
	b, errB := authParams(rs[1].Header.Get("Authorization"))
	if errA != nil || errB != nil || a["nonce_str"] == "" || a["nonce_str"] == b["nonce_str"] {
		t.Error("retry reused the nonce")
	}
}

func TestWritesAreNotRetriedByDefault(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/complete", func(*recorded) reply {
		return reply{status: 503, body: errBody("SYSTEM_ERROR", "系统错误")}
	})
	calls := 0
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/response-immediate-service", func(*recorded) reply {
		calls++
		if calls == 1 {
			return reply{status: 503, body: errBody("SYSTEM_ERROR", "系统错误")}
		}
		return reply{body: `{"log_id":"L"}`}
	})
	c := pubKeyClient(t, m, option.WithRetry(option.Retry{MaxRetries: 2}))
	if err := c.Complete(ctx(t), &CompleteRequest{ComplaintID: "C1", ComplaintedMchID: "1"}); err == nil {
		t.Fatal("503 not an error")
	}
	if n := m.count("POST", "/v3/merchant-service/complaints-v2/C1/complete"); n != 1 {
		t.Errorf("complete attempted %d times", n)
	}
	// The immediate-service reply carries an idempotency key and is retried.
	got, err := c.ReplyImmediateService(ctx(t), &ImmediateServiceRequest{ComplaintID: "C1", ComplaintedMchID: "1", IdempotentID: "k",
		Message: NormalMessage{Blocks: []MessageBlock{{Type: BlockText, Text: &TextBlock{Text: "hi"}}}}})
	if err != nil || got.LogID != "L" || calls != 2 {
		t.Errorf("immediate: %+v %v after %d calls", got, err, calls)
	}
}

func TestLogsCarryNoSecrets(t *testing.T) {
	var logs strings.Builder
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply { return reply{body: mainlandComplaintJSON("C1", "")} })
	c := pubKeyClient(t, m, option.WithLogger(newTextLogger(&logs)))
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
		t.Fatal(err)
	}
	auth := m.requests()[0].Header.Get("Authorization")
	p, err := authParams(auth)
	if err != nil || p["signature"] == "" {
		t.Fatalf("authorization %q: %v", auth, err)
	}
	if strings.Contains(logs.String(), p["signature"]) || strings.Contains(logs.String(), testAPIv3Key) {
		t.Errorf("logs leak: %s", logs.String())
	}
	// Each attempt's line carries WeChat's Request-ID, which support asks for.
	if !strings.Contains(logs.String(), "request_id=08F0A6C4B50610E98C9C1E18C19E9C2620B8C201-0") ||
		!strings.Contains(logs.String(), "path=/v3/merchant-service/complaints-v2/C1") {
		t.Errorf("attempt line without request id or path: %s", logs.String())
	}
}
