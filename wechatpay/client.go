package wechatpay

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/internal/httpc"
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

// Retry is the retry policy, shared by every tousu provider: MaxRetries after
// the first attempt, exponential backoff with jitter between MinWait and MaxWait
// (both zero: no wait), a Retry-After honoured up to MaxRetryAfter (0: 60 s;
// longer: not retried), and RetryWrites to retry non-idempotent requests too.
// Only idempotent requests are retried otherwise, on transport errors, 429 and
// 5xx. Retry{} never retries.
type Retry = httpc.Retry

// Option configures NewClient.
type Option func(*config) error

type config struct {
	http           httpc.Options
	env            Environment
	region         Region
	baseURL        string
	clock          func() time.Time
	pubKeyID       string
	pubKey         *rsa.PublicKey
	keys           map[string]*rsa.PublicKey
	certs          map[string]*x509.Certificate
	download       bool
	requestSerial  string
	decryptPhone   bool
	logger         *slog.Logger
	redownloadWait time.Duration
}

// WithPublicKey adds the WeChat Pay public key (微信支付公钥) with its id
// ("PUB_KEY_ID_..."). It verifies responses and callbacks whose
// Wechatpay-Serial is that id, and becomes the default request
// Wechatpay-Serial. Merchants registered since late 2024 have only this key.
func WithPublicKey(id string, pub *rsa.PublicKey) Option {
	return func(c *config) error {
		if !strings.HasPrefix(id, PublicKeyIDPrefix) || len(id) == len(PublicKeyIDPrefix) {
			return fmt.Errorf("%w: public key id must start with %s", signing.ErrKeyInvalid, PublicKeyIDPrefix)
		}
		if pub == nil || pub.N == nil {
			return fmt.Errorf("%w: nil wechat pay public key", signing.ErrKeyInvalid)
		}
		c.pubKeyID, c.pubKey = id, pub
		return nil
	}
}

// WithPlatformCertificates adds platform certificates (平台证书) the caller
// already holds. Each is keyed by its serial number in upper-case hex with
// whole bytes (leading zero nibbles kept); use WithPlatformKey when the serial
// WeChat quotes differs.
func WithPlatformCertificates(certs ...*x509.Certificate) Option {
	return func(c *config) error {
		for _, cert := range certs {
			if cert == nil || cert.SerialNumber == nil {
				return fmt.Errorf("%w: nil platform certificate", signing.ErrKeyInvalid)
			}
			if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
				return fmt.Errorf("%w: platform certificate key is not rsa", signing.ErrKeyInvalid)
			}
			c.certs[CertificateSerial(cert)] = cert
		}
		return nil
	}
}

// WithPlatformKey adds a verification key under an explicit serial: a platform
// certificate's key with the serial string WeChat uses, or the public key
// under its PUB_KEY_ID (WithPublicKey also makes that the request serial).
func WithPlatformKey(serial string, pub *rsa.PublicKey) Option {
	return func(c *config) error {
		if serial == "" || pub == nil || pub.N == nil {
			return fmt.Errorf("%w: platform key needs a serial and a key", signing.ErrKeyInvalid)
		}
		c.keys[serial] = pub
		return nil
	}
}

// WithCertificateDownload lets the client download platform certificates from
// /v3/certificates (/v3/global/certificates on global): on RefreshCertificates,
// in RefreshCertificatesEvery, and once when a response or callback names an
// unknown certificate serial. Construction never downloads.
func WithCertificateDownload() Option {
	return func(c *config) error { c.download = true; return nil }
}

// WithRequestSerial sets the Wechatpay-Serial request header. WeChat uses it to
// choose which key signs its responses during the switch from platform
// certificates to the public key. Default: the public key id when one is set,
// else the newest platform certificate serial, else none.
func WithRequestSerial(serial string) Option {
	return func(c *config) error { c.requestSerial = serial; return nil }
}

// WithEnvironment selects the access point and API family; the default is
// Mainland.
func WithEnvironment(e Environment) Option {
	return func(c *config) error {
		switch e {
		case Mainland, MainlandBackup, Global:
		default:
			return fmt.Errorf("wechatpay: unknown environment %q", string(e))
		}
		c.env, c.region = e, e.Region()
		return nil
	}
}

// WithBaseURL overrides the access point URL (a proxy, a fake server). The
// API family stays the environment's; combine with WithEnvironment(Global) for
// the global paths.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		p, err := url.Parse(u)
		if err != nil || p.Scheme == "" || p.Host == "" {
			return errors.New("wechatpay: base url must be absolute")
		}
		c.baseURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithHTTPClient uses hc's transport, cookie jar and redirect policy.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { c.http.HTTPClient = hc; return nil }
}

// WithTransport sets the HTTP transport (httpmock in tests).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error { c.http.Transport = rt; return nil }
}

// WithTimeout bounds each attempt; negative means no limit.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { c.http.Timeout = d; return nil }
}

// WithRetry sets the retry policy (default: 2 retries, 200 ms to 3 s); Retry{}
// disables retries. Without RetryWrites only GETs and the immediate-service
// reply, which carries an idempotency key, are retried; every attempt is signed
// afresh.
func WithRetry(r Retry) Option {
	return func(c *config) error {
		c.http.Retry = r
		return nil
	}
}

// WithLogger sets where the client logs (redacted; never bodies, keys,
// signatures or phone numbers). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.http.Logger, c.logger = l, l; return nil }
}

// WithClock sets the time source for request timestamps and the 5-minute
// window on responses and callbacks.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("wechatpay: nil clock")
		}
		c.clock = now
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error { c.http.UserAgent = ua; return nil }
}

// WithMaxResponseBytes bounds response bodies (and image downloads); the
// default is 16 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error { c.http.MaxResponseBytes = n; return nil }
}

// WithPayerPhoneDecryption makes list and detail calls decrypt payer_phone
// into Complaint.PayerPhonePlaintext with the merchant private key. The
// plaintext is never logged. A phone that fails to decrypt is left empty and
// logged at Warn without its value.
func WithPayerPhoneDecryption() Option {
	return func(c *config) error { c.decryptPhone = true; return nil }
}

// PublicKeyIDPrefix starts every WeChat Pay public key id.
const PublicKeyIDPrefix = "PUB_KEY_ID_"

// Client calls the WeChat Pay complaint API. It is safe for concurrent use.
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

// NewClient validates the credentials and options and builds a client. It does
// no I/O: in public-key mode nothing is ever downloaded, and in certificate
// mode certificates are fetched only by RefreshCertificates or on demand.
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	if creds.MchID == "" {
		return nil, errors.New("wechatpay: mchid is required")
	}
	if creds.CertSerial == "" {
		return nil, errors.New("wechatpay: merchant certificate serial is required")
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
	cfg := &config{
		http:           httpc.DefaultOptions(),
		env:            Mainland,
		clock:          time.Now,
		keys:           map[string]*rsa.PublicKey{},
		certs:          map[string]*x509.Certificate{},
		redownloadWait: time.Minute,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	base := cfg.baseURL
	if base == "" {
		base = cfg.env.BaseURL()
	}
	ring := newKeyRing()
	for s, k := range cfg.keys {
		ring.add(s, k, time.Time{}, time.Time{})
	}
	for s, cert := range cfg.certs {
		ring.add(s, cert.PublicKey.(*rsa.PublicKey), cert.NotBefore, cert.NotAfter)
	}
	if cfg.pubKey != nil {
		ring.add(cfg.pubKeyID, cfg.pubKey, time.Time{}, time.Time{})
	}
	reqSer := cfg.requestSerial
	if reqSer == "" {
		reqSer = cfg.pubKeyID
	}
	log := cfg.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.http.BaseURL = base
	c := &Client{
		mchID:    creds.MchID,
		serial:   creds.CertSerial,
		key:      creds.PrivateKey,
		aead:     aead,
		region:   cfg.region,
		baseURL:  base,
		now:      cfg.clock,
		log:      log,
		ring:     ring,
		download: cfg.download,
		reqSer:   reqSer,
		phone:    cfg.decryptPhone,
		maxBody:  cfg.http.MaxResponseBytes,
		closed:   make(chan struct{}),
	}
	c.ring.redownloadWait = cfg.redownloadWait
	c.http = httpc.New(cfg.http)
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
