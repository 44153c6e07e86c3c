package wechatpaytest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tousu-go/tousu/wechatpay"
)

var serialRE = regexp.MustCompile(`^[0-9A-F]{40}$`)

// downloadCerts fetches and decrypts /v3/certificates with the APIv3 key
// (crypto/cipher directly), and checks the download verifies with a downloaded
// certificate, as a bootstrapping client does.
func downloadCerts(t *testing.T, s *Server, tc *tclient, path string) map[string]*x509.Certificate {
	t.Helper()
	r := tc.do(t, http.MethodGet, path, nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var resp wechatpay.CertificatesResponse
	r.json(t, &resp)
	out := map[string]*x509.Certificate{}
	keys := map[string]*rsa.PublicKey{}
	for _, d := range resp.Data {
		ec := d.EncryptCertificate
		if ec.Algorithm != "AEAD_AES_256_GCM" || ec.AssociatedData != "certificate" || len(ec.Nonce) != 12 {
			t.Errorf("encrypt_certificate %+v", ec)
		}
		pt := openGCM(t, s.APIv3Key(), ec.Nonce, ec.Ciphertext, ec.AssociatedData)
		blk, _ := pem.Decode(pt)
		if blk == nil || blk.Type != "CERTIFICATE" {
			t.Fatalf("not a PEM certificate: %q", pt)
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !serialRE.MatchString(d.SerialNo) {
			t.Errorf("serial %q", d.SerialNo)
		}
		if cert.SerialNumber.Text(16) != toLowerHex(d.SerialNo) {
			t.Errorf("serial_no %s, certificate serial %X", d.SerialNo, cert.SerialNumber)
		}
		if d.EffectiveTime.IsZero() || !d.ExpireTime.After(d.EffectiveTime) {
			t.Errorf("validity %v..%v", d.EffectiveTime, d.ExpireTime)
		}
		out[d.SerialNo] = cert
		keys[d.SerialNo] = cert.PublicKey.(*rsa.PublicKey)
	}
	if err := verifyWith(keys, r.header, r.body, s.cfg.now()); err != nil {
		t.Fatalf("certificate download does not verify with the downloaded certificates: %v", err)
	}
	return out
}

func toLowerHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	return string(b)
}

func TestPublicKeyModeHasNoCertificates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	tc := newTClient(s)
	r := tc.do(t, http.MethodGet, "/v3/certificates", nil)
	if r.status != http.StatusNotFound || r.errCode(t) != "RESOURCE_NOT_EXISTS" {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	mustVerify(t, s, r)
	if len(s.Certificates()) != 0 || len(s.VerificationKeys()) != 1 {
		t.Errorf("public-key mode has certificates: %v", s.VerificationKeys())
	}
}

func TestCertificateMode(t *testing.T) {
	s := NewServer(WithKeyMode(CertificateMode))
	defer s.Close()
	if s.PublicKeyID() != "" || s.PublicKey() != nil {
		t.Error("certificate mode has a public key")
	}
	tc := newTClient(s)
	certs := downloadCerts(t, s, tc, "/v3/certificates?algorithm_type=RSA")
	if len(certs) != 1 {
		t.Fatalf("%d certificates", len(certs))
	}
	serial := s.Certificates()[0].Serial
	if _, ok := certs[serial]; !ok {
		t.Errorf("downloaded %v, server has %s", certs, serial)
	}
	r := tc.do(t, http.MethodGet, "/v3/merchant-service/complaint-notifications", nil)
	mustVerify(t, s, r)
	if got := r.header.Get("Wechatpay-Serial"); got != serial {
		t.Errorf("signed by %q, want %q", got, serial)
	}
	// SM2 is a valid query; the fake has none.
	r = tc.do(t, http.MethodGet, "/v3/certificates?algorithm_type=SM2", nil)
	var resp wechatpay.CertificatesResponse
	r.json(t, &resp)
	if r.status != 200 || len(resp.Data) != 0 {
		t.Errorf("SM2: %d %s", r.status, r.body)
	}
	if got := downloadCerts(t, s, tc, "/v3/certificates?algorithm_type=ALL"); len(got) != 1 {
		t.Errorf("ALL: %d certificates", len(got))
	}
	for _, q := range []string{"algorithm_type=DSA", "algorithm_type=rsa", "algorithm_type=RSA&algorithm_type=SM2", "algorithmType=RSA"} {
		if r = tc.do(t, http.MethodGet, "/v3/certificates?"+q, nil); r.status != http.StatusBadRequest || r.errCode(t) != "PARAM_ERROR" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

func TestGreySwitchChoosesKeyByRequestSerial(t *testing.T) {
	s := NewServer(WithKeyMode(BothModes))
	defer s.Close()
	certSerial := s.Certificates()[0].Serial
	for _, tt := range []struct{ requested, want string }{
		{"", certSerial},
		{s.PublicKeyID(), s.PublicKeyID()},
		{certSerial, certSerial},
		{"PUB_KEY_ID_0000000000000000000000000000000000", certSerial},
	} {
		tc := newTClient(s)
		tc.wechatpaySerial = tt.requested
		r := tc.do(t, http.MethodGet, "/v3/certificates", nil)
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		mustVerify(t, s, r)
		if got := r.header.Get("Wechatpay-Serial"); got != tt.want {
			t.Errorf("request serial %q: signed by %q, want %q", tt.requested, got, tt.want)
		}
	}
}

func TestCertificateRotation(t *testing.T) {
	s := NewServer(WithKeyMode(CertificateMode))
	defer s.Close()
	oldSerial := s.Certificates()[0].Serial
	newCert := s.RotateCertificate()
	if newCert.Serial == oldSerial || !serialRE.MatchString(newCert.Serial) {
		t.Fatalf("new serial %q", newCert.Serial)
	}
	if cs := s.Certificates(); len(cs) != 2 || cs[0].Serial != newCert.Serial {
		t.Fatalf("certificates not newest first: %v", cs)
	}
	tc := newTClient(s)
	if got := downloadCerts(t, s, tc, "/v3/certificates"); len(got) != 2 {
		t.Fatalf("downloaded %d certificates", len(got))
	}
	r := tc.do(t, http.MethodGet, "/v3/certificates", nil)
	if got := r.header.Get("Wechatpay-Serial"); got != newCert.Serial {
		t.Errorf("signed by %q after rotation, want the newest %q", got, newCert.Serial)
	}
	tc.wechatpaySerial = oldSerial
	r = tc.do(t, http.MethodGet, "/v3/certificates", nil)
	if got := r.header.Get("Wechatpay-Serial"); got != oldSerial {
		t.Errorf("a client naming the old certificate got %q", got)
	}
	if !s.RetireCertificate(oldSerial) || s.RetireCertificate(oldSerial) {
		t.Fatal("retire")
	}
	if _, ok := s.VerificationKeys()[oldSerial]; ok {
		t.Error("retired serial still in the key ring")
	}
	r = tc.do(t, http.MethodGet, "/v3/certificates", nil)
	mustVerify(t, s, r)
	if got := r.header.Get("Wechatpay-Serial"); got != newCert.Serial {
		t.Errorf("signed by retired %q", got)
	}
	if got := downloadCerts(t, s, tc, "/v3/certificates"); len(got) != 1 || got[newCert.Serial] == nil {
		t.Errorf("after retiring: %v", got)
	}
}

func TestGivenKeysAreUsed(t *testing.T) {
	mk := freshKey()
	pk := freshKey()
	apiKey := []byte("0123456789abcdef0123456789ABCDEF")
	s := NewServer(WithMerchantPrivateKey("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", mk),
		WithPublicKey("PUB_KEY_ID_0114232134912410000000000000001", pk), WithAPIv3Key(apiKey), WithMchID("1230000109"))
	defer s.Close()
	if s.MchID() != "1230000109" || s.MerchantSerial() != "5157F09EFDC096DE15EBE81A47057A7232F1B8E1" ||
		s.MerchantPrivateKey() != mk || s.PublicKey().N.Cmp(pk.Public().N) != 0 || string(s.APIv3Key()) != string(apiKey) {
		t.Fatal("options not applied")
	}
	r := newTClient(s).do(t, http.MethodGet, "/v3/merchant-service/complaint-notifications", nil)
	if r.status != http.StatusNotFound {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	mustVerify(t, s, r)

	// Only the public half: requests verify, there is no private key to hand out.
	s2 := NewServer(WithMerchantKey("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", mk.Public()))
	defer s2.Close()
	if s2.MerchantPrivateKey() != nil {
		t.Error("private key from a public-only configuration")
	}
	tc := &tclient{srv: s2, hc: s2.Client(), key: mk.Key(), mchid: s2.MchID(), serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", now: time.Now}
	if r := tc.do(t, http.MethodGet, "/v3/merchant-service/complaint-notifications", nil); r.status != http.StatusNotFound {
		t.Errorf("status %d: %s", r.status, r.body)
	}
}

func TestInvalidOptionsPanic(t *testing.T) {
	for name, opt := range map[string]Option{
		"short api key": WithAPIv3Key([]byte("short")),
		"nil key":       WithMerchantPrivateKey("S", nil),
		"bad mode":      WithKeyMode(8),
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			NewServer(opt).Close()
		}()
	}
}

func TestServersDoNotShareIdentities(t *testing.T) {
	a, b := NewServer(WithKeyMode(BothModes)), NewServer(WithKeyMode(BothModes))
	defer a.Close()
	defer b.Close()
	if a.MerchantSerial() == b.MerchantSerial() || a.PublicKeyID() == b.PublicKeyID() ||
		a.Certificates()[0].Serial == b.Certificates()[0].Serial || string(a.APIv3Key()) == string(b.APIv3Key()) {
		t.Error("two servers share an identifier")
	}
	// b's responses do not verify with a's key ring.
	r := newTClient(b).do(t, http.MethodGet, "/v3/certificates", nil)
	if err := verifyWith(a.VerificationKeys(), r.header, r.body, time.Now()); err == nil {
		t.Error("a's key ring accepted b's response")
	}
}

func TestWithCertificateKeys(t *testing.T) {
	k1, k2 := cachedKey(publicSlot), cachedKey(certSlot)
	s := NewServer(WithKeyMode(CertificateMode), WithCertificateKeys(k1, k2))
	defer s.Close()
	cs := s.Certificates()
	if len(cs) != 2 {
		t.Fatalf("%d certificates", len(cs))
	}
	// Newest first: the last key given is the newest certificate and signs.
	if !cs[0].X509.PublicKey.(*rsa.PublicKey).Equal(k2.Public()) || !cs[1].X509.PublicKey.(*rsa.PublicKey).Equal(k1.Public()) {
		t.Error("certificate order")
	}
	r := newTClient(s).do(t, http.MethodGet, "/v3/certificates", nil)
	if r.header.Get("Wechatpay-Serial") != cs[0].Serial {
		t.Errorf("signed by %q", r.header.Get("Wechatpay-Serial"))
	}
	if got := downloadCerts(t, s, newTClient(s), "/v3/certificates"); len(got) != 2 {
		t.Errorf("downloaded %d", len(got))
	}
}
