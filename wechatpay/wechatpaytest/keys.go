package wechatpaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/tousu-go/tousu/signing"
)

// keyBits is the RSA size WeChat Pay uses for merchant keys, platform
// certificates and the WeChat Pay public key.
const keyBits = 2048

// keyCache holds RSA keys generated once per process. Generating a 2048-bit key
// takes tens of milliseconds; a test suite that starts a server per test would
// otherwise spend seconds on it. Servers share key material by role and slot but
// never identifiers: every server draws fresh merchant serials, public-key ids,
// certificate serials and APIv3 keys, so a client configured for one server does
// not accept another server's signatures. WithFreshKeys opts out of the cache.
var keyCache struct {
	mu   sync.Mutex
	keys map[int]*signing.RSAPrivateKey
}

// Key slots in the cache: the merchant key, the WeChat Pay public key, then one
// slot per platform certificate (certificate n uses certSlot+n).
const (
	merchantSlot = 0
	publicSlot   = 1
	certSlot     = 2
)

func cachedKey(slot int) *signing.RSAPrivateKey {
	keyCache.mu.Lock()
	defer keyCache.mu.Unlock()
	if k, ok := keyCache.keys[slot]; ok {
		return k
	}
	k := freshKey()
	if keyCache.keys == nil {
		keyCache.keys = make(map[int]*signing.RSAPrivateKey)
	}
	keyCache.keys[slot] = k
	return k
}

// freshKey generates an RSA key. Generation failing means the system's random
// source is broken; a test server cannot do anything useful then, so it panics
// like httptest.NewServer does when it cannot listen.
func freshKey() *signing.RSAPrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		panic(fmt.Sprintf("wechatpaytest: generating an rsa key: %v", err))
	}
	w, err := signing.NewRSAPrivateKey(k)
	if err != nil {
		panic(fmt.Sprintf("wechatpaytest: generated rsa key: %v", err))
	}
	return w
}

// randomHex returns n random bytes as upper-case hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// randomSerial returns a 40-digit upper-case hex serial whose first byte is in
// 0x10..0x7f: a positive X.509 serial that big.Int prints with all 40 digits.
func randomSerial() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	b[0] = 0x10 + b[0]%0x70
	return strings.ToUpper(hex.EncodeToString(b))
}

// randomPublicKeyID returns an id shaped like WeChat's, "PUB_KEY_ID_" followed by
// 34 digits (e.g. PUB_KEY_ID_0000000000000024101100397200000006).
func randomPublicKeyID() string {
	const digits = "0123456789"
	b := make([]byte, 34)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = digits[int(b[i])%10]
	}
	return "PUB_KEY_ID_" + string(b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random alphanumerics (nonces).
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// Certificate is one platform certificate (平台证书) of the fake server.
type Certificate struct {
	// Serial is the serial_no WeChat reports: 40 upper-case hex digits. It is the
	// string to key verifiers by; never rebuild it from X509.SerialNumber.
	Serial string
	// X509 is the parsed certificate; its public key verifies the server's
	// signatures made under Serial.
	X509 *x509.Certificate
	// PEM is the certificate as /v3/certificates delivers it after decryption.
	PEM []byte
	// EffectiveTime and ExpireTime are the validity WeChat reports next to it.
	EffectiveTime, ExpireTime time.Time
}

// platformCert is a Certificate with the private key the server signs with.
type platformCert struct {
	Certificate
	key *signing.RSAPrivateKey
}

// newPlatformCert issues a self-signed certificate shaped like a WeChat Pay
// platform certificate, valid for five years from now.
func newPlatformCert(key *signing.RSAPrivateKey, mchID string, now time.Time) (*platformCert, error) {
	serial := randomSerial()
	n, ok := new(big.Int).SetString(serial, 16)
	if !ok {
		return nil, fmt.Errorf("wechatpaytest: bad serial %q", serial)
	}
	notBefore := now.Add(-time.Hour).Truncate(time.Second)
	notAfter := notBefore.AddDate(5, 0, 0)
	tmpl := &x509.Certificate{
		SerialNumber: n,
		Subject: pkix.Name{
			Country:            []string{"CN"},
			Province:           []string{"Guangdong Province"},
			Locality:           []string{"Shenzhen"},
			Organization:       []string{"Tenpay.com"},
			OrganizationalUnit: []string{"Tenpay.com CA Center"},
			CommonName:         "Tenpay.com sign " + mchID,
		},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key.Key())
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: issuing a platform certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: parsing the issued certificate: %w", err)
	}
	return &platformCert{
		Certificate: Certificate{
			Serial:        serial,
			X509:          cert,
			PEM:           pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
			EffectiveTime: notBefore,
			ExpireTime:    notAfter,
		},
		key: key,
	}, nil
}
