package wechatpaytest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checkCallback verifies a callback with the server's key ring, decrypts it
// with the APIv3 key and returns the envelope and the plaintext resource.
func checkCallback(t *testing.T, s *Server, h http.Header, body []byte) (map[string]any, map[string]string) {
	t.Helper()
	if err := verifyWith(s.VerificationKeys(), h, body, s.cfg.now()); err != nil {
		t.Fatalf("callback does not verify: %v", err)
	}
	if h.Get("Wechatpay-Signature-Type") != "WECHATPAY2-SHA256-RSA2048" || h.Get("Content-Type") != "application/json" || h.Get("Request-ID") == "" {
		t.Errorf("headers %v", h)
	}
	var env struct {
		ID           string `json:"id"`
		CreateTime   string `json:"create_time"`
		EventType    string `json:"event_type"`
		ResourceType string `json:"resource_type"`
		Summary      string `json:"summary"`
		Resource     struct {
			OriginalType   string `json:"original_type"`
			Algorithm      string `json:"algorithm"`
			Ciphertext     string `json:"ciphertext"`
			AssociatedData string `json:"associated_data"`
			Nonce          string `json:"nonce"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	if !uuidRE.MatchString(env.ID) || env.ResourceType != "encrypt-resource" || env.Summary == "" ||
		env.Resource.OriginalType != "complaint" || env.Resource.Algorithm != "AEAD_AES_256_GCM" ||
		env.Resource.AssociatedData != "complaint" || len(env.Resource.Nonce) != 12 {
		t.Errorf("envelope %s", body)
	}
	if _, err := time.Parse(time.RFC3339, env.CreateTime); err != nil || !strings.HasSuffix(env.CreateTime, "+08:00") {
		t.Errorf("create_time %q", env.CreateTime)
	}
	pt := openGCM(t, s.APIv3Key(), env.Resource.Nonce, env.Resource.Ciphertext, env.Resource.AssociatedData)
	var res map[string]string
	if err := json.Unmarshal(pt, &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Errorf("resource has extra fields: %s", pt)
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return m, res
}

type captured struct {
	mu   sync.Mutex
	reqs []struct {
		h    http.Header
		body []byte
	}
	status int
}

func (c *captured) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.reqs = append(c.reqs, struct {
		h    http.Header
		body []byte
	}{r.Header.Clone(), b})
	st := c.status
	c.mu.Unlock()
	if st == 0 {
		st = http.StatusNoContent
	}
	w.WriteHeader(st)
}

func TestNotifyDelivers(t *testing.T) {
	for _, mode := range []KeyMode{PublicKeyMode, CertificateMode, BothModes} {
		t.Run(mode.String(), func(t *testing.T) {
			s := NewServer(WithKeyMode(mode))
			defer s.Close()
			recv := &captured{}
			hs := httptest.NewServer(recv)
			defer hs.Close()
			ctx := context.Background()
			if _, err := s.Notify(ctx, "1", wechatpay.ActionUserResponse); !errors.Is(err, ErrNoNotificationURL) {
				t.Fatalf("no url: %v", err)
			}
			s.SetNotificationURL(hs.URL + "/wechatpay/complaints")
			c := s.AddComplaint(s.SampleComplaint(3))
			st, err := s.Notify(ctx, c.ComplaintID, wechatpay.ActionCreateComplaint)
			if err != nil || st != 204 {
				t.Fatalf("notify: %d %v", st, err)
			}
			st, err = s.Notify(ctx, c.ComplaintID, wechatpay.ActionMerchantApproveRefund)
			if err != nil || st != 204 {
				t.Fatalf("notify: %d %v", st, err)
			}
			if len(recv.reqs) != 2 {
				t.Fatalf("received %d", len(recv.reqs))
			}
			env, res := checkCallback(t, s, recv.reqs[0].h, recv.reqs[0].body)
			if env["event_type"] != "COMPLAINT.CREATE" || res["complaint_id"] != c.ComplaintID || res["action_type"] != "CREATE_COMPLAINT" {
				t.Errorf("create: %v %v", env, res)
			}
			env2, res2 := checkCallback(t, s, recv.reqs[1].h, recv.reqs[1].body)
			if env2["event_type"] != "COMPLAINT.STATE_CHANGE" || res2["action_type"] != "MERCHANT_APPROVE_REFUND" || env2["id"] == env["id"] {
				t.Errorf("state change: %v %v", env2, res2)
			}
			wantSerial := s.PublicKeyID()
			if mode == CertificateMode {
				wantSerial = s.Certificates()[0].Serial
			}
			if got := recv.reqs[0].h.Get("Wechatpay-Serial"); got != wantSerial {
				t.Errorf("signed by %q, want %q", got, wantSerial)
			}
			ds := s.Deliveries()
			if len(ds) != 2 || ds[0].Status != 204 || ds[1].ActionType != wechatpay.ActionMerchantApproveRefund || ds[0].ComplaintID != c.ComplaintID {
				t.Errorf("deliveries %+v", ds)
			}
		})
	}
}

func TestNotifyReportsReceiverStatus(t *testing.T) {
	s, _ := fixedServer(t)
	recv := &captured{status: http.StatusUnauthorized}
	hs := httptest.NewServer(recv)
	defer hs.Close()
	st, err := s.NotifyURL(context.Background(), hs.URL, "200201820250101000000000001", wechatpay.ActionUserResponse)
	if err != nil || st != 401 {
		t.Fatalf("%d %v", st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.NotifyURL(ctx, hs.URL, "1", wechatpay.ActionUserResponse); err == nil {
		t.Error("cancelled context delivered")
	}
	if ds := s.Deliveries(); len(ds) != 2 || ds[1].Err == nil || !errors.Is(ds[1].Err, context.Canceled) {
		t.Errorf("deliveries %+v", ds)
	}
	// A nil context is refused before anything is built or sent.
	var nilCtx context.Context
	s.SetNotificationURL(hs.URL)
	for name, notify := range map[string]func() (int, error){
		"Notify":    func() (int, error) { return s.Notify(nilCtx, "1", wechatpay.ActionUserResponse) },
		"NotifyURL": func() (int, error) { return s.NotifyURL(nilCtx, hs.URL, "1", wechatpay.ActionUserResponse) },
	} {
		if st, err := notify(); st != 0 || !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Errorf("%s(nil ctx): %d %v", name, st, err)
		}
	}
	if ds := s.Deliveries(); len(ds) != 2 {
		t.Errorf("%d deliveries after nil contexts", len(ds))
	}
}

func TestNewNotificationRequest(t *testing.T) {
	s, _ := fixedServer(t, WithKeyMode(BothModes))
	req, err := s.NewNotificationRequest("200201820250101000000000001", wechatpay.ActionUserResponse, WithEventID("1f5b9cd1-7205-58fe-827e-ee8b12bc8169"))
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.RequestURI != "/wechatpay/notify" || req.Host != "merchant.example" {
		t.Errorf("request %s %s %s", req.Method, req.RequestURI, req.Host)
	}
	body, _ := io.ReadAll(req.Body)
	env, res := checkCallback(t, s, req.Header, body)
	if env["id"] != "1f5b9cd1-7205-58fe-827e-ee8b12bc8169" || res["action_type"] != "USER_RESPONSE" {
		t.Errorf("%v %v", env, res)
	}
	// Signed by a chosen identity during the grey switch.
	cert := s.Certificates()[0].Serial
	req, _ = s.NewNotificationRequest("1", wechatpay.ActionUserResponse, WithSigningSerial(cert))
	body, _ = io.ReadAll(req.Body)
	checkCallback(t, s, req.Header, body)
	if req.Header.Get("Wechatpay-Serial") != cert {
		t.Errorf("serial %q", req.Header.Get("Wechatpay-Serial"))
	}
	// It goes to the registered URL when there is one.
	s.SetNotificationURL("https://shop.example/cb/wechat?src=complaint")
	req, _ = s.NewNotificationRequest("1", wechatpay.ActionUserResponse)
	if req.RequestURI != "/cb/wechat?src=complaint" || req.URL.Host != "shop.example" {
		t.Errorf("target %s %s", req.URL, req.RequestURI)
	}
}

func TestNotificationVariants(t *testing.T) {
	s, now := fixedServer(t)
	build := func(opts ...NotifyOption) (http.Header, []byte) {
		req, err := s.NewNotificationRequest("200201820250101000000000001", wechatpay.ActionUserResponse, opts...)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(req.Body)
		return req.Header, b
	}
	keys := s.VerificationKeys()
	for _, f := range []Fault{FaultTamperedBody, FaultStaleTimestamp, FaultFutureTimestamp, FaultProbeSignature, FaultUnknownSerial, FaultUnsigned} {
		h, b := build(WithNotifyFault(f))
		if err := verifyWith(keys, h, b, now); err == nil {
			t.Errorf("%s: callback verified", f)
		}
		if f == FaultTamperedBody && !json.Valid(b) {
			t.Errorf("tampered body is not JSON: %s", b)
		}
	}
	h, _ := build(WithNotifyFault(FaultProbeSignature))
	if !strings.HasPrefix(h.Get("Wechatpay-Signature"), "WECHATPAY/SIGNTEST/") {
		t.Errorf("probe %q", h.Get("Wechatpay-Signature"))
	}
	// A short nonce is sent as-is and signed honestly.
	h, b := build(WithResourceNonce("short"))
	if err := verifyWith(keys, h, b, now); err != nil {
		t.Fatal(err)
	}
	var env wechatpay.Notification
	if err := json.Unmarshal(b, &env); err != nil || env.Resource.Nonce != "short" {
		t.Errorf("nonce %q", env.Resource.Nonce)
	}
	// A chosen 12-byte nonce, empty associated data, another algorithm, event type.
	h, b = build(WithResourceNonce("lgSUQQVhgMrq"), WithAssociatedData(""), WithAlgorithm("AEAD_SM4_GCM"), WithEventType(wechatpay.EventComplaintCreate))
	env = wechatpay.Notification{}
	_ = json.Unmarshal(b, &env)
	if env.Resource.Nonce != "lgSUQQVhgMrq" || env.Resource.AssociatedData != "" || env.Resource.Algorithm != "AEAD_SM4_GCM" || env.EventType != wechatpay.EventComplaintCreate || env.Summary != "产生新投诉" {
		t.Errorf("envelope %s", b)
	}
	if pt := openGCM(t, s.APIv3Key(), env.Resource.Nonce, env.Resource.Ciphertext, ""); !strings.Contains(string(pt), `"action_type":"USER_RESPONSE"`) {
		t.Errorf("plaintext %s", pt)
	}
	if err := verifyWith(keys, h, b, now); err != nil {
		t.Error(err)
	}
}
