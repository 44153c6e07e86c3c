package wechatpay

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

func TestNewClientValidates(t *testing.T) {
	testKeys(t)
	good := testCreds(t)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallKey, _ := signing.NewRSAPrivateKey(small)
	withKey := WithPublicKey(testPubKeyID, &pubKey.PublicKey)
	cases := map[string]struct {
		edit  func(c *Credentials)
		field string // a ValidationError for this field, or
		want  error  // an error matching this
	}{
		"mchid":        {func(c *Credentials) { c.MchID = "" }, "MchID", nil},
		"serial":       {func(c *Credentials) { c.CertSerial = "" }, "CertSerial", nil},
		"key":          {func(c *Credentials) { c.PrivateKey = nil }, "", signing.ErrKeyInvalid},
		"1024-bit key": {func(c *Credentials) { c.PrivateKey = smallKey }, "", signing.ErrKeyInvalid},
		"16-byte key":  {func(c *Credentials) { c.APIv3Key = signing.NewSecret("0123456789abcdef") }, "", signing.ErrKeyInvalid},
		"33-byte key":  {func(c *Credentials) { c.APIv3Key = signing.NewSecret(testAPIv3Key + "x") }, "", signing.ErrKeyInvalid},
	}
	for name, tc := range cases {
		c := good
		tc.edit(&c)
		_, err := NewClient(c, withKey)
		var ve *complaint.ValidationError
		switch {
		case tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field):
			t.Errorf("%s: %v, want a ValidationError for %s", name, err, tc.field)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	// Without a way to verify responses the client is refused, with an error
	// that names the options that give one; any one of them is enough.
	_, err := NewClient(good)
	var ve *complaint.ValidationError
	if !errors.As(err, &ve) || ve.Field != "verification keys" || !strings.Contains(err.Error(), "WithCertificateDownload") {
		t.Errorf("no verification key: %v", err)
	}
	for name, o := range map[string]option.Option{
		"public key":   withKey,
		"certificates": WithPlatformCertificates(platformCert),
		"platform key": WithPlatformKey(platformSerial, &platformKey.PublicKey),
		"download":     WithCertificateDownload(),
	} {
		if _, err := NewClient(good, o); err != nil {
			t.Errorf("with %s: %v", name, err)
		}
	}
	badOpts := map[string]option.Option{
		"pub key id":   WithPublicKey("0000", &pubKey.PublicKey),
		"nil pub key":  WithPublicKey(testPubKeyID, nil),
		"base url":     option.WithBaseURL("not a url"),
		"env":          WithEnvironment("moon"),
		"clock":        option.WithClock(nil),
		"platform":     WithPlatformKey("", &pubKey.PublicKey),
		"certificate":  WithPlatformCertificates(nil),
		"other client": option.For("payjs", func(*struct{}) error { return nil }),
	}
	for name, o := range badOpts {
		if _, err := NewClient(good, withKey, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err = NewClient(good, WithPublicKey("0000", &pubKey.PublicKey))
	if !errors.Is(err, signing.ErrKeyInvalid) {
		t.Errorf("bad key id: %v", err)
	}
	// Credentials print without secrets.
	s := strings.Join([]string{good.APIv3Key.String(), good.PrivateKey.String()}, " ")
	if strings.Contains(s, testAPIv3Key) || strings.Contains(s, merchantKey.D.String()) {
		t.Error("credentials print secrets")
	}
}

func TestConstructionDoesNoIO(t *testing.T) {
	m := newMock(t, "", platformSigner())
	c := newTestClient(t, m, WithCertificateDownload(), WithPublicKey(testPubKeyID, &pubKey.PublicKey))
	if len(m.requests()) != 0 {
		t.Error("NewClient made requests")
	}
	if c.BaseURL() != "https://api.mch.weixin.qq.com" || c.Region() != RegionMainland || c.MchID() != testMchID {
		t.Error("defaults")
	}
	for env, want := range map[Environment]string{MainlandBackup: "https://api2.mch.weixin.qq.com", Global: "https://apihk.mch.weixin.qq.com"} {
		c := newTestClient(t, m, WithEnvironment(env), WithCertificateDownload())
		if c.BaseURL() != want || (env == Global) != (c.Region() == RegionGlobal) {
			t.Errorf("%s: %s %s", env, c.BaseURL(), c.Region())
		}
	}
	c = newTestClient(t, m, WithEnvironment(Global), option.WithBaseURL("http://127.0.0.1:8080/"), WithCertificateDownload())
	if c.BaseURL() != "http://127.0.0.1:8080" || c.Region() != RegionGlobal {
		t.Errorf("base url override: %s %s", c.BaseURL(), c.Region())
	}
}

// certsBody is a /v3/certificates answer holding the given certificates,
// encrypted with the test APIv3 key.
func certsBody(t testing.TB, certs ...[]byte) CertificatesResponse {
	serials := map[string]string{string(platformCertPEM): platformSerial, string(platformCert2PEM): platformSerial2}
	effective := map[string]time.Time{string(platformCertPEM): testNow.AddDate(-1, 0, 0), string(platformCert2PEM): testNow.AddDate(0, 0, -1)}
	var out CertificatesResponse
	for i, pemBytes := range certs {
		res := encryptResource(t, pemBytes, "certificate", "certnonce"+string(rune('A'+i))+"00")
		res.OriginalType = ""
		out.Data = append(out.Data, Certificate{
			SerialNo:           serials[string(pemBytes)],
			EffectiveTime:      effective[string(pemBytes)],
			ExpireTime:         testNow.AddDate(4, 0, 0),
			EncryptCertificate: res,
		})
	}
	return out
}

func complaintRoute(m *mock, signer *wxKey) {
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply {
		return reply{body: mainlandComplaintJSON("C1", ""), signer: signer}
	})
}

func TestPublicKeyModeNeverDownloads(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	complaintRoute(m, nil)
	c := pubKeyClient(t, m)
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
		t.Fatal(err)
	}
	s := platformSigner()
	complaintRoute(m, &s)
	_, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
	var re *ResponseError
	if !errors.Is(err, complaint.ErrUnknownKey) || !errors.As(err, &re) || re.RequestID == "" {
		t.Errorf("cert-signed response in public-key mode: %v", err)
	}
	if n := m.count("GET", "/v3/certificates"); n != 0 {
		t.Errorf("%d certificate downloads", n)
	}
	if _, err := c.RefreshCertificates(ctx(t)); !errors.Is(err, ErrDownloadDisabled) {
		t.Errorf("refresh without download option: %v", err)
	}
}

func TestPublicKeyMerchantGets404OnCertificates(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("GET", "/v3/certificates", func(*recorded) reply {
		return reply{status: 404, body: errBody("RESOURCE_NOT_EXISTS", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥")}
	})
	complaintRoute(m, nil)
	c := pubKeyClient(t, m, WithCertificateDownload())
	// The certificate download checks what it downloads itself; its error
	// answers come back unverified.
	_, err := c.RefreshCertificates(ctx(t))
	var ae *APIError
	if !errors.Is(err, complaint.ErrNotFound) || !errors.As(err, &ae) || ae.Verified {
		t.Errorf("refresh: %#v", err)
	}
	// The client still works with the public key.
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
		t.Fatal(err)
	}
}

func TestGivenPlatformCertificates(t *testing.T) {
	testKeys(t)
	m := newMock(t, "", platformSigner())
	complaintRoute(m, nil)
	c := newTestClient(t, m, WithPlatformCertificates(platformCert))
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
		t.Fatal(err)
	}
	if got := m.requests()[0].Header.Get("Wechatpay-Serial"); got != platformSerial {
		t.Errorf("request serial %q, want the certificate serial %q", got, platformSerial)
	}
	if CertificateSerial(platformCert) != platformSerial {
		t.Errorf("CertificateSerial = %s (leading zero lost?)", CertificateSerial(platformCert))
	}
}

func TestCertificateDownloadAndRotation(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		t.Run(string(env), func(t *testing.T) {
			testKeys(t)
			certPath := "/v3/certificates"
			if env == Global {
				certPath = "/v3/global/certificates"
			}
			m := newMock(t, "", platformSigner())
			var mu sync.Mutex
			served := [][]byte{platformCertPEM}
			m.on("GET", certPath, func(r *recorded) reply {
				mu.Lock()
				defer mu.Unlock()
				// Mainland asks for RSA certificates; global takes no query.
				if want := map[Environment]string{Mainland: certPath + "?algorithm_type=RSA", Global: certPath}[env]; r.URI != want {
					t.Errorf("certificates uri %s, want %s", r.URI, want)
				}
				return reply{body: certsBody(t, served...)}
			})
			p := "/v3/merchant-service/complaint-notifications"
			if env == Global {
				p = "/v3/global/merchant-service/complaint-notifications"
			}
			signer := platformSigner()
			m.on("GET", p, func(*recorded) reply {
				return reply{body: NotificationURL{MchID: testMchID, URL: "https://x"}, signer: &signer}
			})

			now := testNow
			var clockMu sync.Mutex
			clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
			m.now = clock
			c := newTestClient(t, m, WithEnvironment(env), WithCertificateDownload(), option.WithClock(clock))
			// First call: the serial is unknown, so the client downloads once.
			if _, err := c.GetNotificationURL(ctx(t)); err != nil {
				t.Fatal(err)
			}
			if n := m.count("GET", certPath); n != 1 {
				t.Fatalf("%d downloads, want 1", n)
			}
			if !slices.Contains(c.KeySerials(), platformSerial) {
				t.Errorf("serials %v", c.KeySerials())
			}
			// Known serial: no download.
			if _, err := c.GetNotificationURL(ctx(t)); err != nil {
				t.Fatal(err)
			}
			if n := m.count("GET", certPath); n != 1 {
				t.Fatalf("%d downloads after a known serial", n)
			}
			// WeChat rotates: responses now signed by a new certificate. Within a
			// minute of the last download the client does not download again.
			signer = platformSigner2()
			mu.Lock()
			served = [][]byte{platformCert2PEM, platformCertPEM}
			mu.Unlock()
			if _, err := c.GetNotificationURL(ctx(t)); !errors.Is(err, complaint.ErrUnknownKey) {
				t.Fatalf("unknown serial within the throttle: %v", err)
			}
			if n := m.count("GET", certPath); n != 1 {
				t.Fatalf("%d downloads inside the throttle window", n)
			}
			clockMu.Lock()
			now = now.Add(2 * time.Minute)
			clockMu.Unlock()
			signer2 := platformSigner2()
			m.on("GET", p, func(*recorded) reply {
				return reply{body: NotificationURL{MchID: testMchID, URL: "https://x"}, signer: &signer2, ts: clock().Unix()}
			})
			if _, err := c.GetNotificationURL(ctx(t)); err != nil {
				t.Fatalf("after rotation: %v", err)
			}
			if n := m.count("GET", certPath); n != 2 {
				t.Fatalf("%d downloads, want exactly one re-download", n)
			}
			// The next request's serial follows the newest certificate.
			if _, err := c.GetNotificationURL(ctx(t)); err != nil {
				t.Fatal(err)
			}
			rs := m.requests()
			if got := rs[len(rs)-1].Header.Get("Wechatpay-Serial"); got != platformSerial2 {
				t.Errorf("request serial %q after rotation", got)
			}
		})
	}
}

func TestUnknownPubKeyIDNeverDownloads(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	other := wxKey{serial: "PUB_KEY_ID_0000000000000000000000000000000099", key: pubKey}
	complaintRoute(m, &other)
	c := pubKeyClient(t, m, WithCertificateDownload())
	if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); !errors.Is(err, complaint.ErrUnknownKey) {
		t.Errorf("unknown PUB_KEY_ID: %v", err)
	}
	if n := m.count("GET", "/v3/certificates"); n != 0 {
		t.Errorf("%d downloads for a PUB_KEY_ID", n)
	}
}

func TestGreySwitch(t *testing.T) {
	testKeys(t)
	m := newMock(t, "", pubKeySigner())
	c := newTestClient(t, m, WithPublicKey(testPubKeyID, &pubKey.PublicKey), WithPlatformCertificates(platformCert))
	for i, s := range []wxKey{pubKeySigner(), platformSigner(), pubKeySigner(), platformSigner()} {
		complaintRoute(m, &s)
		if _, err := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
			t.Fatalf("response %d signed by %s: %v", i, s.serial, err)
		}
	}
	for _, r := range m.requests() {
		if r.Header.Get("Wechatpay-Serial") != testPubKeyID {
			t.Errorf("request serial %q, want the public key id by default", r.Header.Get("Wechatpay-Serial"))
		}
	}
	c2 := newTestClient(t, m, WithPublicKey(testPubKeyID, &pubKey.PublicKey), WithPlatformCertificates(platformCert), WithRequestSerial(platformSerial))
	if _, err := c2.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
		t.Fatal(err)
	}
	rs := m.requests()
	if got := rs[len(rs)-1].Header.Get("Wechatpay-Serial"); got != platformSerial {
		t.Errorf("WithRequestSerial: %q", got)
	}
	// Concurrent verification while keys are added.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := c.GetComplaint(context.Background(), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			_ = c.AddPlatformKey(platformSerial2, &platformKey2.PublicKey)
			_ = c.KeySerials()
		}()
	}
	wg.Wait()
}

func TestResponseVerificationFailures(t *testing.T) {
	cases := map[string]struct {
		r    reply
		want error
	}{
		"tampered body": {reply{tamper: func(h http.Header, b *[]byte) { *b = []byte(strings.Replace(string(*b), "PENDING", "PROCESSED", 1)) }}, complaint.ErrSignatureInvalid},
		"stale":         {reply{ts: testNow.Unix() - 301}, complaint.ErrTimestampSkew},
		"future":        {reply{ts: testNow.Unix() + 301}, complaint.ErrTimestampSkew},
		"probe": {reply{tamper: func(h http.Header, _ *[]byte) {
			h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/"+h.Get("Wechatpay-Signature"))
		}}, complaint.ErrSignatureInvalid},
		"not base64":  {reply{tamper: func(h http.Header, _ *[]byte) { h.Set("Wechatpay-Signature", "%%%") }}, complaint.ErrSignatureInvalid},
		"unsigned":    {reply{raw: true}, complaint.ErrSignatureInvalid},
		"no nonce":    {reply{tamper: func(h http.Header, _ *[]byte) { h.Del("Wechatpay-Nonce") }}, complaint.ErrSignatureInvalid},
		"sm2 type":    {reply{tamper: func(h http.Header, _ *[]byte) { h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3") }}, complaint.ErrSignatureInvalid},
		"bad ts":      {reply{tamper: func(h http.Header, _ *[]byte) { h.Set("Wechatpay-Timestamp", "16e8") }}, complaint.ErrSignatureInvalid},
		"other nonce": {reply{tamper: func(h http.Header, _ *[]byte) { h.Set("Wechatpay-Nonce", "different") }}, complaint.ErrSignatureInvalid},
		"huge sig":    {reply{tamper: func(h http.Header, _ *[]byte) { h.Set("Wechatpay-Signature", strings.Repeat("QUFB", 400)) }}, complaint.ErrSignatureInvalid},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMock(t, "", pubKeySigner())
			m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply {
				r := tc.r
				r.body = mainlandComplaintJSON("C1", "")
				return r
			})
			_, err := pubKeyClient(t, m).GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "反馈一个重复扣费") {
				t.Error("error carries the body")
			}
		})
	}
	// Exactly at the edge of the window both ways is accepted.
	for _, d := range []int64{-300, 300} {
		m := newMock(t, "", pubKeySigner())
		m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply {
			return reply{body: mainlandComplaintJSON("C1", ""), ts: testNow.Unix() + d}
		})
		if _, err := pubKeyClient(t, m).GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"}); err != nil {
			t.Errorf("skew %d: %v", d, err)
		}
	}
}

func TestRefreshCertificatesEvery(t *testing.T) {
	testKeys(t)
	m := newMock(t, "", platformSigner())
	got := make(chan struct{}, 16)
	m.on("GET", "/v3/certificates", func(*recorded) reply {
		got <- struct{}{}
		return reply{body: certsBody(t, platformCertPEM)}
	})
	t.Run("ctx", func(t *testing.T) {
		c := newTestClient(t, m, WithCertificateDownload())
		cctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.RefreshCertificatesEvery(cctx, time.Millisecond) }()
		<-got
		<-got // a second tick happened
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("loop returned %v", err)
		}
		if !slices.Contains(c.KeySerials(), platformSerial) {
			t.Error("refresh loop did not add the certificate")
		}
	})
	t.Run("close", func(t *testing.T) {
		c := newTestClient(t, m, WithCertificateDownload())
		done := make(chan error, 1)
		go func() { done <- c.RefreshCertificatesEvery(context.Background(), time.Hour) }()
		<-got
		_ = c.Close()
		if err := <-done; err != nil {
			t.Errorf("loop returned %v after Close", err)
		}
		_ = c.Close() // idempotent
	})
	c := newTestClient(t, m, WithPlatformCertificates(platformCert))
	if err := c.RefreshCertificatesEvery(context.Background(), time.Hour); !errors.Is(err, ErrDownloadDisabled) {
		t.Errorf("without download: %v", err)
	}
	if _, err := c.RefreshCertificates(context.Background()); !errors.Is(err, ErrDownloadDisabled) {
		t.Errorf("without download: %v", err)
	}
	// A nil context is refused before anything else.
	var nilCtx context.Context
	if err := c.RefreshCertificatesEvery(nilCtx, time.Hour); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("nil ctx: %v", err)
	}
	if _, err := c.RefreshCertificates(nilCtx); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("nil ctx: %v", err)
	}
}

func TestCertificatesResponseMustVerify(t *testing.T) {
	testKeys(t)
	m := newMock(t, "", platformSigner2()) // signed by a certificate that is not in the download
	m.on("GET", "/v3/certificates", func(*recorded) reply { return reply{body: certsBody(t, platformCertPEM)} })
	c := newTestClient(t, m, WithCertificateDownload())
	if _, err := c.RefreshCertificates(ctx(t)); !errors.Is(err, complaint.ErrUnknownKey) {
		t.Errorf("refresh signed by a stranger: %v", err)
	}
	if slices.Contains(c.KeySerials(), platformSerial) {
		t.Error("unverified certificate was added")
	}
	m2 := newMock(t, "", platformSigner())
	m2.on("GET", "/v3/certificates", func(*recorded) reply {
		b := certsBody(t, platformCertPEM)
		b.Data[0].EncryptCertificate.Ciphertext = b64([]byte("short"))
		return reply{body: b}
	})
	c2 := newTestClient(t, m2, WithCertificateDownload())
	if _, err := c2.RefreshCertificates(ctx(t)); !errors.Is(err, signing.ErrDecrypt) {
		t.Errorf("undecryptable certificate: %v", err)
	}
	// The serial of a certificate that fails comes from an unverified answer:
	// it goes into the error quoted and bounded.
	m3 := newMock(t, "", platformSigner())
	m3.on("GET", "/v3/certificates", func(*recorded) reply {
		b := certsBody(t, platformCertPEM)
		b.Data[0].SerialNo = "5157F09EFDC096DE15EBE81A47057A72\nlevel=ERROR forged" + strings.Repeat("A", 200)
		b.Data[0].EncryptCertificate.Ciphertext = b64([]byte("short"))
		return reply{body: b}
	})
	c3 := newTestClient(t, m3, WithCertificateDownload())
	_, err := c3.RefreshCertificates(ctx(t))
	if !errors.Is(err, signing.ErrDecrypt) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), strings.Repeat("A", 65)) {
		t.Errorf("hostile serial in error: %q", err)
	}
}

// A certificate entry with empty times (effective_time, expire_time: "") is
// read as "not given": the certificate's own validity applies and the
// download does not fail.
func TestCertificatesWithEmptyTimes(t *testing.T) {
	testKeys(t)
	m := newMock(t, "", platformSigner())
	m.on("GET", "/v3/certificates", func(*recorded) reply {
		b, err := json.Marshal(certsBody(t, platformCertPEM))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string][]map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		doc["data"][0]["effective_time"], doc["data"][0]["expire_time"] = "", ""
		return reply{body: doc}
	})
	c := newTestClient(t, m, WithCertificateDownload())
	got, err := c.RefreshCertificates(ctx(t))
	if err != nil || len(got) != 1 || got[0] != platformSerial {
		t.Fatalf("refresh: %v %v", got, err)
	}
	if pub, ok := c.ring.get(platformSerial, testNow.AddDate(3, 0, 0)); !ok || pub.N.Cmp(platformKey.N) != 0 {
		t.Error("certificate not usable within its own validity")
	}
	if _, ok := c.ring.get(platformSerial, testNow.AddDate(5, 0, 0)); ok {
		t.Error("certificate usable after its own NotAfter")
	}
}

// Error answers: a signed one is verified like a success (Verified, or a
// ResponseError when it does not verify); an unsigned one still fails the call
// with its APIError, marked unverified.
func TestErrorAnswerVerification(t *testing.T) {
	notFound := errBody("RESOURCE_NOT_EXISTS", "投诉单不存在")
	stranger := platformSigner() // not a key of a public-key client
	cases := map[string]struct {
		r        reply
		verified bool  // an *APIError with Verified true
		want     error // else a *ResponseError matching want
	}{
		"signed":      {r: reply{}, verified: true},
		"unsigned":    {r: reply{raw: true}},
		"tampered":    {r: reply{tamper: func(_ http.Header, b *[]byte) { *b = []byte(strings.Replace(string(*b), "不存在", "已处理", 1)) }}, want: complaint.ErrSignatureInvalid},
		"stale":       {r: reply{ts: testNow.Unix() - 301}, want: complaint.ErrTimestampSkew},
		"unknown key": {r: reply{signer: &stranger}, want: complaint.ErrUnknownKey},
		"probe": {r: reply{tamper: func(h http.Header, _ *[]byte) {
			h.Set("Wechatpay-Signature", ProbeSignaturePrefix+h.Get("Wechatpay-Signature"))
		}}, want: complaint.ErrSignatureInvalid},
		"partial headers": {r: reply{tamper: func(h http.Header, _ *[]byte) { h.Del("Wechatpay-Timestamp") }}, want: complaint.ErrSignatureInvalid},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMock(t, "", pubKeySigner())
			route := func(*recorded) reply { r := tc.r; r.status, r.body = 404, notFound; return r }
			m.on("GET", "/v3/merchant-service/complaints-v2/C1", route)
			m.on("GET", "/v3/merchant-service/images/gone", route)
			c := pubKeyClient(t, m)
			_, err1 := c.GetComplaint(ctx(t), &GetComplaintRequest{ComplaintID: "C1"})
			_, err2 := c.DownloadImage(ctx(t), &DownloadImageRequest{MediaURL: "/v3/merchant-service/images/gone"})
			for _, err := range []error{err1, err2} {
				var ae *APIError
				var re *ResponseError
				switch {
				case tc.want == nil:
					if !errors.As(err, &ae) || ae.Verified != tc.verified || !errors.Is(err, complaint.ErrNotFound) || ae.Code != "RESOURCE_NOT_EXISTS" {
						t.Errorf("err = %#v, want an APIError with Verified %v", err, tc.verified)
					}
				default:
					if errors.As(err, &ae) || !errors.As(err, &re) || !errors.Is(err, tc.want) || re.StatusCode != 404 || re.RequestID == "" {
						t.Errorf("err = %v, want a ResponseError matching %v", err, tc.want)
					}
					if errors.Is(err, complaint.ErrNotFound) || strings.Contains(err.Error(), "不存在") {
						t.Errorf("unverified error answer trusted: %v", err)
					}
					if !strings.Contains(err.Error(), "http 404") {
						t.Errorf("message lacks the status: %v", err)
					}
				}
			}
		})
	}
}
