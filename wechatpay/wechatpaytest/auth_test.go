package wechatpaytest

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/wechatpay"
)

func TestSignedRequestAccepted(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := s.AddComplaint(s.SampleComplaint(1))
	tc := newTClient(s)
	r := tc.do(t, http.MethodGet, mainlandList+"/"+c.ComplaintID, nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	if got := r.header.Get("Wechatpay-Serial"); got != s.PublicKeyID() || !strings.HasPrefix(got, "PUB_KEY_ID_") {
		t.Errorf("Wechatpay-Serial = %q, want the public key id %q", got, s.PublicKeyID())
	}
	// The exposed public key alone verifies it too.
	err := verifyWith(map[string]*rsa.PublicKey{s.PublicKeyID(): s.PublicKey()}, r.header, r.body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

func TestBadRequestSignatures(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := s.AddComplaint(s.SampleComplaint(1))
	target := mainlandList + "/" + c.ComplaintID + "/response"
	body := []byte(`{"complainted_mchid":"` + s.MchID() + `","response_content":"您好，已为您处理"}`)
	otherKey := freshKey().Key()

	cases := []struct {
		name     string
		auth     func(tc *tclient) string
		send     []byte
		signInfo bool
	}{
		{"tampered body", func(tc *tclient) string { return tc.authHeader("POST", target, body) },
			[]byte(strings.Replace(string(body), "处理", "退款", 1)), true},
		{"other path", func(tc *tclient) string { return tc.authHeader("POST", mainlandList+"/1/response", body) }, body, true},
		{"other method", func(tc *tclient) string { return tc.authHeader("PUT", target, body) }, body, true},
		{"body not signed", func(tc *tclient) string { return tc.authHeader("POST", target, nil) }, body, true},
		{"query added", func(tc *tclient) string { return tc.authHeader("POST", target+"?x=1", body) }, body, true},
		{"wrong key", func(tc *tclient) string {
			tc.key = otherKey
			return tc.authHeader("POST", target, body)
		}, body, true},
		{"wrong serial", func(tc *tclient) string {
			tc.serial = strings.Repeat("A", 40)
			return tc.authHeader("POST", target, body)
		}, body, false},
		{"wrong mchid", func(tc *tclient) string { tc.mchid = "1230000109"; return tc.authHeader("POST", target, body) }, body, false},
		{"stale timestamp", func(tc *tclient) string {
			tc.now = func() time.Time { return time.Now().Add(-6 * time.Minute) }
			return tc.authHeader("POST", target, body)
		}, body, false},
		{"future timestamp", func(tc *tclient) string {
			tc.now = func() time.Time { return time.Now().Add(6 * time.Minute) }
			return tc.authHeader("POST", target, body)
		}, body, false},
		{"missing", func(*tclient) string { return "" }, body, false},
		{"other scheme", func(tc *tclient) string {
			return strings.Replace(tc.authHeader("POST", target, body), "WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SM2-WITH-SM3", 1)
		}, body, false},
		{"spaces between pairs", func(tc *tclient) string {
			return strings.ReplaceAll(tc.authHeader("POST", target, body), `",`, `", `)
		}, body, false},
		{"probe signature", func(tc *tclient) string {
			h := tc.authHeader("POST", target, body)
			i := strings.Index(h, `signature="`)
			return h[:i] + `signature="WECHATPAY/SIGNTEST/abc"`
		}, body, true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			tc := newTClient(s)
			r := tc.send(t, http.MethodPost, target, tt.send, "application/json", tt.auth(tc))
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", r.status, r.body)
			}
			mustVerify(t, s, r)
			var e wechatpay.ErrorBody
			r.json(t, &e)
			if e.Code != "SIGN_ERROR" {
				t.Errorf("code %q", e.Code)
			}
			if tt.signInfo {
				if e.Detail == nil || e.Detail.SignInformation == nil {
					t.Fatalf("no sign_information in %s", r.body)
				}
				si := e.Detail.SignInformation
				if si.Method != "POST" || si.URL != target || si.SignMessageLength == 0 || !strings.HasPrefix(si.TruncatedSignMessage, "POST\n"+target+"\n") {
					t.Errorf("sign_information %+v", si)
				}
			}
		})
	}
	// Nothing above reached the complaint.
	if h := s.History(c.ComplaintID); len(h) != 1 {
		t.Errorf("history has %d entries after rejected calls", len(h))
	}
	if got, _ := s.Complaint(c.ComplaintID); got.ComplaintState != wechatpay.StatePending {
		t.Errorf("state %s after rejected calls", got.ComplaintState)
	}
}

func TestTimestampWindow(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	s := NewServer(WithClock(func() time.Time { return now }))
	defer s.Close()
	for _, tt := range []struct {
		skew time.Duration
		want int
	}{
		{0, 200}, {5 * time.Minute, 200}, {-5 * time.Minute, 200},
		{5*time.Minute + time.Second, 401}, {-5*time.Minute - time.Second, 401},
	} {
		tc := newTClient(s)
		tc.now = func() time.Time { return now.Add(tt.skew) }
		r := tc.do(t, http.MethodGet, listQuery(now, now, 10, 0), nil)
		if r.status != tt.want {
			t.Errorf("skew %v: status %d, want %d: %s", tt.skew, r.status, tt.want, r.body)
		}
		if err := verifyWith(s.VerificationKeys(), r.header, r.body, now); err != nil {
			t.Errorf("skew %v: response does not verify: %v", tt.skew, err)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	good := `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="abc",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature="c2ln"`
	a, err := parseAuthorization(good)
	if err != nil {
		t.Fatal(err)
	}
	want := authorization{MchID: "1900000109", NonceStr: "abc", Timestamp: "1554208460", SerialNo: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", Signature: "c2ln"}
	if a != want {
		t.Errorf("got %+v", a)
	}
	// Any order, unknown keys ignored.
	if _, err := parseAuthorization(`WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="S",x="1",timestamp="1",nonce_str="n",mchid="m"`); err != nil {
		t.Errorf("reordered: %v", err)
	}
	for _, bad := range []string{
		"",
		"WECHATPAY2-SHA256-RSA2048",
		"WECHATPAY2-SHA256-RSA2048 ",
		strings.Replace(good, `mchid="1900000109",`, "", 1),
		strings.Replace(good, `nonce_str="abc"`, `nonce_str=""`, 1),
		good + `,mchid="1"`,
		good + ",",
		strings.Replace(good, `",`, `", `, 1),
		strings.Replace(good, `mchid="1900000109"`, `mchid=1900000109`, 1),
		strings.Replace(good, `signature="c2ln"`, `signature="c2ln`, 1),
		strings.Replace(good, "WECHATPAY2-SHA256-RSA2048 ", "WECHATPAY2-SHA256-RSA2048  ", 1),
		strings.Replace(good, "mchid=", "MCHID=", 1),
	} {
		if _, err := parseAuthorization(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestSignErrorBodyShape(t *testing.T) {
	s := NewServer()
	defer s.Close()
	tc := newTClient(s)
	tc.key = freshKey().Key()
	r := tc.do(t, http.MethodGet, "/v3/merchant-service/complaint-notifications", nil)
	var raw map[string]json.RawMessage
	r.json(t, &raw)
	for _, k := range []string{"code", "message", "detail"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no %q in %s", k, r.body)
		}
	}
	if !strings.Contains(string(raw["detail"]), `"sign_information"`) {
		t.Errorf("detail %s", raw["detail"])
	}
}
