package wechatpay

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// Credentials are the merchant's own keys, all required.
type Credentials struct {
	// MchID is the merchant id (商户号).
	MchID string
	// CertSerial is the serial number of the merchant API certificate
	// (apiclient_cert.pem), 40 upper-case hex characters as shown in the
	// merchant platform. It goes into every request's Authorization.
	CertSerial string
	// PrivateKey is the merchant API private key (apiclient_key.pem). Load it
	// with LoadPrivateKey (PKCS#8 or PKCS#1, PEM or Base64 DER).
	PrivateKey *signing.RSAPrivateKey
	// APIv3Key is the APIv3 key, exactly 32 bytes, used as-is.
	APIv3Key signing.Secret
}

// LoadPrivateKey parses the merchant API private key from PEM (PKCS#8 or
// PKCS#1) or bare Base64 DER.
func LoadPrivateKey(data []byte) (*signing.RSAPrivateKey, error) {
	return signing.ParseRSAPrivateKey(data)
}

// LoadPublicKey parses the WeChat Pay public key (pub_key.pem) or the public
// key of a certificate.
func LoadPublicKey(data []byte) (*rsa.PublicKey, error) {
	return signing.ParseRSAPublicKey(data)
}

// LoadCertificate parses a platform certificate (PEM or Base64 DER).
func LoadCertificate(data []byte) (*x509.Certificate, error) {
	return signing.ParseCertificate(data)
}

// Region is the API family a client talks to.
type Region int

// Regions.
const (
	// RegionMainland is the domestic API (/v3/merchant-service/...).
	RegionMainland Region = iota
	// RegionGlobal is the cross-border (Hong Kong) API (/v3/global/...). It
	// lacks update-refund-progress and response-immediate-service.
	RegionGlobal
)

// String names the region.
func (r Region) String() string {
	if r == RegionGlobal {
		return "global"
	}
	return "mainland"
}

// Environment is a named WeChat Pay access point.
type Environment string

// Environments.
const (
	// Mainland is the domestic nearest access point, api.mch.weixin.qq.com.
	Mainland Environment = "mainland"
	// MainlandBackup is the domestic access point in another region,
	// api2.mch.weixin.qq.com.
	MainlandBackup Environment = "mainland-backup"
	// Global is the cross-border access point apihk.mch.weixin.qq.com, with
	// paths under /v3/global/.
	Global Environment = "global"
)

// BaseURL returns the environment's base URL.
func (e Environment) BaseURL() string {
	switch e {
	case MainlandBackup:
		return "https://api2.mch.weixin.qq.com"
	case Global:
		return "https://apihk.mch.weixin.qq.com"
	}
	return "https://api.mch.weixin.qq.com"
}

// Region returns the environment's API family.
func (e Environment) Region() Region {
	if e == Global {
		return RegionGlobal
	}
	return RegionMainland
}

// name is the provider's name for package option.
const name = string(complaint.WeChatPay)

// settings are the options of WeChat Pay's own; the shared ones (base URL,
// HTTP client, timeout, retry, logger, clock, ...) come from package option.
type settings struct {
	env           Environment
	pubKeyID      string
	pubKey        *rsa.PublicKey
	keys          map[string]*rsa.PublicKey
	certs         map[string]*x509.Certificate
	download      bool
	requestSerial string
	decryptPhone  bool
}

// canVerify reports whether the settings give the client a way to verify
// WeChat's signatures: a key it holds, or the certificate download.
func (s *settings) canVerify() bool {
	return s.pubKey != nil || len(s.keys) > 0 || len(s.certs) > 0 || s.download
}

// WithPublicKey adds the WeChat Pay public key (微信支付公钥) with its id
// ("PUB_KEY_ID_..."). It verifies responses and callbacks whose
// Wechatpay-Serial is that id, and becomes the default request
// Wechatpay-Serial. Merchants registered since late 2024 have only this key.
func WithPublicKey(id string, pub *rsa.PublicKey) option.Option {
	return option.For(name, func(s *settings) error {
		if !strings.HasPrefix(id, PublicKeyIDPrefix) || len(id) == len(PublicKeyIDPrefix) {
			return fmt.Errorf("%w: public key id must start with %s", signing.ErrKeyInvalid, PublicKeyIDPrefix)
		}
		if pub == nil || pub.N == nil {
			return fmt.Errorf("%w: nil wechat pay public key", signing.ErrKeyInvalid)
		}
		s.pubKeyID, s.pubKey = id, pub
		return nil
	})
}

// WithPlatformCertificates adds platform certificates (平台证书) the caller
// already holds. Each is keyed by its serial number in upper-case hex with
// whole bytes (leading zero nibbles kept); use WithPlatformKey when the serial
// WeChat quotes differs.
func WithPlatformCertificates(certs ...*x509.Certificate) option.Option {
	return option.For(name, func(s *settings) error {
		for _, cert := range certs {
			if cert == nil || cert.SerialNumber == nil {
				return fmt.Errorf("%w: nil platform certificate", signing.ErrKeyInvalid)
			}
			if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
				return fmt.Errorf("%w: platform certificate key is not rsa", signing.ErrKeyInvalid)
			}
			s.certs[CertificateSerial(cert)] = cert
		}
		return nil
	})
}

// WithPlatformKey adds a verification key under an explicit serial: a platform
// certificate's key with the serial string WeChat uses, or the public key
// under its PUB_KEY_ID (WithPublicKey also makes that the request serial).
func WithPlatformKey(serial string, pub *rsa.PublicKey) option.Option {
	return option.For(name, func(s *settings) error {
		if serial == "" || pub == nil || pub.N == nil {
			return fmt.Errorf("%w: platform key needs a serial and a key", signing.ErrKeyInvalid)
		}
		s.keys[serial] = pub
		return nil
	})
}

// WithCertificateDownload lets the client download platform certificates from
// /v3/certificates (/v3/global/certificates on global): on RefreshCertificates,
// in RefreshCertificatesEvery, and once when a response or callback names an
// unknown certificate serial. Construction never downloads.
func WithCertificateDownload() option.Option {
	return option.For(name, func(s *settings) error { s.download = true; return nil })
}

// WithRequestSerial sets the Wechatpay-Serial request header. WeChat uses it to
// choose which key signs its responses during the switch from platform
// certificates to the public key. Default: the public key id when one is set,
// else the newest platform certificate serial, else none.
func WithRequestSerial(serial string) option.Option {
	return option.For(name, func(s *settings) error {
		if strings.ContainsAny(serial, "\r\n") {
			return errors.New("wechatpay: request serial must be one line")
		}
		s.requestSerial = serial
		return nil
	})
}

// WithEnvironment selects the access point and the API family; the default is
// Mainland. option.WithBaseURL replaces only the host (a proxy, a fake
// server): the paths stay the environment's, so a fake global server needs
// WithEnvironment(Global) as well.
func WithEnvironment(e Environment) option.Option {
	return option.For(name, func(s *settings) error {
		switch e {
		case Mainland, MainlandBackup, Global:
		default:
			return fmt.Errorf("wechatpay: unknown environment %q", httpc.ProviderText(string(e)))
		}
		s.env = e
		return nil
	})
}

// WithPayerPhoneDecryption makes list and detail calls decrypt payer_phone
// into Complaint.PayerPhonePlaintext with the merchant private key. The
// plaintext is never logged. A phone that fails to decrypt is left empty and
// logged at Warn without its value.
func WithPayerPhoneDecryption() option.Option {
	return option.For(name, func(s *settings) error { s.decryptPhone = true; return nil })
}

// PublicKeyIDPrefix starts every WeChat Pay public key id.
const PublicKeyIDPrefix = "PUB_KEY_ID_"

// Client calls the WeChat Pay complaint API for one merchant (or service
// provider). It is safe for concurrent use.
//
// Of the shared options (package option), the retry policy needs a WeChat
// note: without option.Retry.RetryWrites only GETs and ReplyImmediateService,
// whose idempotent_id makes a repeat harmless, are retried; every attempt is
// signed afresh. The clock (option.WithClock) also sets the 5-minute window
// responses and callbacks are checked against. Each HTTP attempt's Debug log
// line carries WeChat's Request-ID.
type Client struct {
	mchID    string
	serial   string
	key      *signing.RSAPrivateKey
	aead     *signing.AESGCM
	region   Region
	baseURL  string
	now      func() time.Time
	http     *resty.Client
	log      *slog.Logger
	ring     *keyRing
	download bool
	reqSer   string
	phone    bool
	maxBody  int64

	closeOnce sync.Once
	closed    chan struct{}
}

// errNoVerification is NewClient's answer to options that give the client no
// way to verify WeChat's signatures: every call would otherwise fail with
// complaint.ErrUnknownKey, which looks like an attack rather than a setup
// mistake.
var errNoVerification = &complaint.ValidationError{
	Field:  "verification keys",
	Reason: "none configured; give WithPublicKey, WithPlatformCertificates, WithPlatformKey or WithCertificateDownload",
}

// NewClient validates the credentials and options and builds a client. It does
// no I/O: in public-key mode nothing is ever downloaded, and in certificate
// mode certificates are fetched only by RefreshCertificates or on demand.
// Shared options come from package option; WeChat's own are WithPublicKey,
// WithPlatformCertificates, WithPlatformKey, WithCertificateDownload,
// WithRequestSerial, WithEnvironment and WithPayerPhoneDecryption. A client
// needs at least one way to verify responses (a key or the certificate
// download); without one it is refused with an error matching
// complaint.ErrInvalidRequest.
func NewClient(creds Credentials, opts ...option.Option) (*Client, error) {
	if creds.MchID == "" {
		return nil, &complaint.ValidationError{Field: "MchID", Reason: "is empty"}
	}
	if creds.CertSerial == "" {
		return nil, &complaint.ValidationError{Field: "CertSerial", Reason: "is empty (the merchant API certificate serial)"}
	}
	if creds.PrivateKey.Key() == nil {
		return nil, fmt.Errorf("%w: merchant private key is required", signing.ErrKeyInvalid)
	}
	if creds.PrivateKey.Key().N.BitLen() < 2048 {
		return nil, fmt.Errorf("%w: merchant private key must be at least 2048 bits", signing.ErrKeyInvalid)
	}
	aead, err := signing.NewAESGCM(creds.APIv3Key.Bytes())
	if err != nil {
		return nil, fmt.Errorf("wechatpay: apiv3 key: %w", err)
	}
	own := settings{env: Mainland, keys: map[string]*rsa.PublicKey{}, certs: map[string]*x509.Certificate{}}
	s, err := option.Apply(name, &own, opts...)
	if err != nil {
		return nil, err
	}
	if !own.canVerify() {
		return nil, errNoVerification
	}
	ho := httpc.FromSettings(s)
	// The region is the environment's whatever the host: a base URL override
	// points the same API family at a proxy or a fake server.
	ho.BaseURL = strings.TrimRight(ho.BaseURL, "/")
	if ho.BaseURL == "" {
		ho.BaseURL = own.env.BaseURL()
	}
	ho.RequestIDHeader = "Request-ID" // logged with each attempt; WeChat support asks for it
	ring := newKeyRing()
	for serial, k := range own.keys {
		ring.add(serial, k, time.Time{}, time.Time{})
	}
	for serial, cert := range own.certs {
		ring.add(serial, cert.PublicKey.(*rsa.PublicKey), cert.NotBefore, cert.NotAfter)
	}
	if own.pubKey != nil {
		ring.add(own.pubKeyID, own.pubKey, time.Time{}, time.Time{})
	}
	reqSer := own.requestSerial
	if reqSer == "" {
		reqSer = own.pubKeyID
	}
	log := s.LoggerOrDiscard()
	c := &Client{
		mchID:    creds.MchID,
		serial:   creds.CertSerial,
		key:      creds.PrivateKey,
		aead:     aead,
		region:   own.env.Region(),
		baseURL:  ho.BaseURL,
		now:      s.ClockOrNow(),
		log:      log,
		ring:     ring,
		download: own.download,
		reqSer:   reqSer,
		phone:    own.decryptPhone,
		maxBody:  ho.MaxResponseBytes,
		closed:   make(chan struct{}),
	}
	c.http = httpc.New(ho)
	c.http.SetPreRequestHook(c.signHook)
	return c, nil
}

// MchID returns the merchant id.
func (c *Client) MchID() string { return c.mchID }

// Region returns the API family the client talks to.
func (c *Client) Region() Region { return c.region }

// BaseURL returns the access point URL.
func (c *Client) BaseURL() string { return c.baseURL }

// Close stops RefreshCertificatesEvery loops. The client stays usable for
// calls. Close is idempotent.
func (c *Client) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

// requestSerial is the Wechatpay-Serial to send, or "".
func (c *Client) requestSerial() string {
	if c.reqSer != "" {
		return c.reqSer
	}
	return c.ring.newestCertSerial()
}

// paths

func (c *Client) complaintsPath() string {
	if c.region == RegionGlobal {
		return "/v3/global/merchant-service/complaints"
	}
	return "/v3/merchant-service/complaints-v2"
}

func (c *Client) notificationsPath() string {
	if c.region == RegionGlobal {
		return "/v3/global/merchant-service/complaint-notifications"
	}
	return "/v3/merchant-service/complaint-notifications"
}

func (c *Client) imagesPath() string {
	if c.region == RegionGlobal {
		return "/v3/global/merchant-service/images"
	}
	return "/v3/merchant-service/images"
}

func (c *Client) certificatesPath() string {
	if c.region == RegionGlobal {
		return "/v3/global/certificates"
	}
	return "/v3/certificates"
}

func (c *Client) complaintPath(id string, suffix string) string {
	p := c.complaintsPath() + "/" + url.PathEscape(id)
	if suffix != "" {
		p += "/" + suffix
	}
	return p
}
