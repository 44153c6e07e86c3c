package wechatpaytest

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// KeyMode says which platform signing identities the server has. WeChat signs
// responses and callbacks with the WeChat Pay public key (微信支付公钥, merchants
// registered since late 2024), with platform certificates (平台证书, older
// merchants), or with either during the grey switch between them.
type KeyMode int

const (
	// PublicKeyMode signs with a PUB_KEY_ID_... key; /v3/certificates answers 404
	// RESOURCE_NOT_EXISTS as it does for new merchants.
	PublicKeyMode KeyMode = 1 << iota
	// CertificateMode signs with the newest platform certificate and serves the
	// certificates, encrypted, from /v3/certificates.
	CertificateMode
	// BothModes is the grey switch: both identities exist and each response is
	// signed with the one the request's Wechatpay-Serial names (a certificate when
	// the header is absent or names neither).
	BothModes = PublicKeyMode | CertificateMode
)

// String names the mode.
func (m KeyMode) String() string {
	switch m {
	case PublicKeyMode:
		return "public-key"
	case CertificateMode:
		return "certificate"
	case BothModes:
		return "both"
	}
	return fmt.Sprintf("KeyMode(%d)", int(m))
}

// DefaultMchID is the merchant id a server uses unless WithMchID sets one.
const DefaultMchID = "1900000109"

// maxSkew is WeChat's window for request and response timestamps.
const maxSkew = 5 * time.Minute

type config struct {
	mchID          string
	merchantSerial string
	merchantKey    *signing.RSAPrivateKey // nil when the caller gave only a public key
	merchantPub    *rsa.PublicKey
	apiV3Key       []byte
	mode           KeyMode
	publicKeyID    string
	publicKey      *signing.RSAPrivateKey
	certKeys       []*signing.RSAPrivateKey
	region         wechatpay.Region
	now            func() time.Time
	fresh          bool
	rateLimit      int
	notifyClient   *http.Client
	tls            bool
	errs           []error
}

// Option configures a Server.
type Option func(*config)

// WithMchID sets the merchant id (商户号) requests must carry in Authorization.
func WithMchID(mchID string) Option { return func(c *config) { c.mchID = mchID } }

// WithMerchantKey makes the server verify request signatures with pub under the
// merchant certificate serial. The server then has no merchant private key:
// MerchantPrivateKey returns nil and payer_phone values are encrypted to pub.
func WithMerchantKey(serial string, pub *rsa.PublicKey) Option {
	return func(c *config) {
		if pub == nil {
			c.errs = append(c.errs, fmt.Errorf("wechatpaytest: WithMerchantKey: nil public key"))
			return
		}
		c.merchantSerial, c.merchantPub, c.merchantKey = serial, pub, nil
	}
}

// WithMerchantPrivateKey uses key as the merchant API key pair (apiclient_key.pem)
// and serial as its certificate serial. Tests get it back from
// MerchantPrivateKey to build a client.
func WithMerchantPrivateKey(serial string, key *signing.RSAPrivateKey) Option {
	return func(c *config) {
		if key.Key() == nil {
			c.errs = append(c.errs, fmt.Errorf("wechatpaytest: WithMerchantPrivateKey: nil key"))
			return
		}
		c.merchantSerial, c.merchantKey, c.merchantPub = serial, key, key.Public()
	}
}

// WithAPIv3Key sets the APIv3 key (exactly 32 bytes) used to encrypt certificates
// and callbacks. By default a random 32-character key is generated.
func WithAPIv3Key(key []byte) Option {
	return func(c *config) {
		if len(key) != signing.AESGCMKeySize {
			c.errs = append(c.errs, fmt.Errorf("wechatpaytest: WithAPIv3Key: key is %d bytes, want 32", len(key)))
			return
		}
		c.apiV3Key = append([]byte(nil), key...)
	}
}

// WithKeyMode selects the platform signing identities (default PublicKeyMode).
func WithKeyMode(m KeyMode) Option {
	return func(c *config) {
		if m&BothModes == 0 || m&^BothModes != 0 {
			c.errs = append(c.errs, fmt.Errorf("wechatpaytest: WithKeyMode: invalid mode %d", int(m)))
			return
		}
		c.mode = m
	}
}

// WithPublicKey sets the WeChat Pay public key identity (id "PUB_KEY_ID_..." and
// its private half, which only WeChat holds) instead of a generated one. It does
// not change the key mode.
func WithPublicKey(id string, key *signing.RSAPrivateKey) Option {
	return func(c *config) {
		if key.Key() == nil || id == "" {
			c.errs = append(c.errs, fmt.Errorf("wechatpaytest: WithPublicKey: empty id or nil key"))
			return
		}
		c.publicKeyID, c.publicKey = id, key
	}
}

// WithCertificateKeys sets the private keys of the initial platform
// certificates, oldest first; one certificate is issued per key. By default
// certificate mode starts with one certificate.
func WithCertificateKeys(keys ...*signing.RSAPrivateKey) Option {
	return func(c *config) {
		for _, k := range keys {
			if k.Key() == nil {
				c.errs = append(c.errs, fmt.Errorf("wechatpaytest: WithCertificateKeys: nil key"))
				return
			}
		}
		c.certKeys = append([]*signing.RSAPrivateKey(nil), keys...)
	}
}

// WithRegion selects the API family the server speaks: wechatpay.RegionMainland
// (default; paths under /v3/merchant-service/..., the list at complaints-v2,
// certificates at /v3/certificates) or wechatpay.RegionGlobal (apihk, 跨境: paths
// under /v3/global/merchant-service/..., the list at complaints with no -v2,
// /v3/global/certificates, no update-refund-progress and no
// response-immediate-service; media URLs keep the mainland form, and the
// global image download needs the complaint_id the image belongs to).
func WithRegion(r wechatpay.Region) Option { return func(c *config) { c.region = r } }

// WithClock sets the server's clock, used for request timestamp checks, response
// timestamps, callbacks and new history entries. Default time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithFreshKeys generates new RSA keys for this server instead of reusing the
// process-wide cached ones (see the package documentation).
func WithFreshKeys() Option { return func(c *config) { c.fresh = true } }

// WithRateLimit makes the server answer 429 FREQUENCY_LIMITED once n API calls
// have been served (see Server.SetRateLimit). Default: unlimited.
func WithRateLimit(n int) Option { return func(c *config) { c.rateLimit = n } }

// WithNotifyClient sets the HTTP client callbacks are delivered with (for
// example an httptest TLS server's Client()). Default: a plain http.Client.
func WithNotifyClient(hc *http.Client) Option { return func(c *config) { c.notifyClient = hc } }

// WithTLS starts the server with TLS (httptest.NewTLSServer); use Server.Client
// for an *http.Client that trusts it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// Server is a fake WeChat Pay APIv3 server for the complaint APIs. It verifies
// request signatures as WeChat does, keeps complaints, history, images and the
// notification URL in memory, signs its responses, and delivers encrypted,
// signed callbacks. All methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, without a trailing slash, for the
	// client's option.WithBaseURL.
	URL string

	ts  *httptest.Server
	cfg config
	gcm *signing.AESGCM

	mu           sync.Mutex
	certs        []*platformCert // active, oldest first
	retired      []*platformCert
	nextCertSlot int
	complaints   map[string]*complaintState
	images       map[string]*storedImage
	notifyURL    string
	faults       []faultRule
	served       int
	rateLimit    int
	requests     []Request
	immediate    map[string]string // idempotent_id -> log_id
	seq          int
	deliveries   []Delivery
}

// NewServer starts a fake WeChat Pay server. Invalid options (a 31-byte APIv3 key,
// a nil key) panic, as httptest.NewServer does when it cannot listen: they are
// mistakes in the test, not input. Call Close when done.
func NewServer(opts ...Option) *Server {
	s := newServer(opts...)
	if s.cfg.tls {
		s.ts = httptest.NewTLSServer(s.Handler())
	} else {
		s.ts = httptest.NewServer(s.Handler())
	}
	s.URL = s.ts.URL
	return s
}

func newServer(opts ...Option) *Server {
	c := config{mode: PublicKeyMode, now: time.Now, mchID: DefaultMchID, rateLimit: -1}
	for _, o := range opts {
		o(&c)
	}
	if len(c.errs) > 0 {
		panic(c.errs[0].Error())
	}
	key := func(slot int) *signing.RSAPrivateKey {
		if c.fresh {
			return freshKey()
		}
		return cachedKey(slot)
	}
	if c.merchantPub == nil {
		c.merchantKey = key(merchantSlot)
		c.merchantPub = c.merchantKey.Public()
	}
	if c.merchantSerial == "" {
		c.merchantSerial = randomSerial()
	}
	if c.apiV3Key == nil {
		c.apiV3Key = []byte(randomString(signing.AESGCMKeySize))
	}
	if c.mode&PublicKeyMode != 0 && c.publicKey == nil {
		c.publicKeyID, c.publicKey = randomPublicKeyID(), key(publicSlot)
	}
	if c.notifyClient == nil {
		c.notifyClient = &http.Client{}
	}
	gcm, err := signing.NewAESGCM(c.apiV3Key)
	if err != nil {
		panic(fmt.Sprintf("wechatpaytest: %v", err))
	}
	s := &Server{
		cfg:        c,
		gcm:        gcm,
		complaints: make(map[string]*complaintState),
		images:     make(map[string]*storedImage),
		immediate:  make(map[string]string),
		rateLimit:  c.rateLimit,
	}
	if c.mode&CertificateMode != 0 {
		keys := c.certKeys
		if len(keys) == 0 {
			keys = []*signing.RSAPrivateKey{key(certSlot)}
			s.nextCertSlot = 1
		}
		for _, k := range keys {
			pc, err := newPlatformCert(k, c.mchID, c.now())
			if err != nil {
				panic(err.Error())
			}
			s.certs = append(s.certs, pc)
		}
	}
	return s
}

// Close shuts the server down.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Client returns an *http.Client for the server (trusting its certificate when
// WithTLS is set).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Region reports the server's region.
func (s *Server) Region() wechatpay.Region { return s.cfg.region }

// KeyMode reports the server's key mode.
func (s *Server) KeyMode() KeyMode { return s.cfg.mode }

// MchID returns the merchant id requests must carry.
func (s *Server) MchID() string { return s.cfg.mchID }

// MerchantSerial returns the merchant API certificate serial requests must
// carry as serial_no.
func (s *Server) MerchantSerial() string { return s.cfg.merchantSerial }

// MerchantPrivateKey returns the merchant API private key to build a client
// with, or nil when the server was given only the public half (WithMerchantKey).
func (s *Server) MerchantPrivateKey() *signing.RSAPrivateKey { return s.cfg.merchantKey }

// MerchantPublicKey returns the key request signatures are verified with; it
// also encrypts payer_phone.
func (s *Server) MerchantPublicKey() *rsa.PublicKey { return s.cfg.merchantPub }

// APIv3Key returns a copy of the 32-byte APIv3 key.
func (s *Server) APIv3Key() []byte { return append([]byte(nil), s.cfg.apiV3Key...) }

// PublicKeyID returns the WeChat Pay public key id ("PUB_KEY_ID_..."), or "" when
// the server is in CertificateMode only.
func (s *Server) PublicKeyID() string { return s.cfg.publicKeyID }

// PublicKey returns the WeChat Pay public key, or nil in CertificateMode only.
func (s *Server) PublicKey() *rsa.PublicKey {
	if s.cfg.publicKey == nil {
		return nil
	}
	return s.cfg.publicKey.Public()
}

// Certificates returns the active platform certificates, newest first.
func (s *Server) Certificates() []Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Certificate, 0, len(s.certs))
	for _, c := range newestFirst(s.certs) {
		out = append(out, c.Certificate)
	}
	return out
}

// VerificationKeys returns every key the server may currently sign with, by the
// serial it puts in Wechatpay-Serial: the public-key id and the active platform
// certificate serials. It is the key ring a client needs.
func (s *Server) VerificationKeys() map[string]*rsa.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]*rsa.PublicKey, len(s.certs)+1)
	if s.cfg.publicKey != nil {
		m[s.cfg.publicKeyID] = s.cfg.publicKey.Public()
	}
	for _, c := range s.certs {
		m[c.Serial] = c.key.Public()
	}
	return m
}

// RotateCertificate issues a new platform certificate, which becomes the newest:
// /v3/certificates lists it and the server signs with it unless a request names
// an older one. It works in any key mode (adding certificates to a
// PublicKeyMode server does not make it serve them).
func (s *Server) RotateCertificate() Certificate {
	var k *signing.RSAPrivateKey
	s.mu.Lock()
	slot := s.nextCertSlot
	s.nextCertSlot++
	s.mu.Unlock()
	if s.cfg.fresh {
		k = freshKey()
	} else {
		k = cachedKey(certSlot + slot)
	}
	pc, err := newPlatformCert(k, s.cfg.mchID, s.cfg.now())
	if err != nil {
		panic(err.Error())
	}
	s.mu.Lock()
	s.certs = append(s.certs, pc)
	s.mu.Unlock()
	return pc.Certificate
}

// RetireCertificate removes the certificate with serial from /v3/certificates
// and stops signing with it. It reports whether the serial was active.
func (s *Server) RetireCertificate(serial string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.certs {
		if c.Serial == serial {
			s.certs = append(s.certs[:i:i], s.certs[i+1:]...)
			s.retired = append(s.retired, c)
			return true
		}
	}
	return false
}

// SetRateLimit lets n more API calls through, then answers every call with 429
// FREQUENCY_LIMITED until the next SetRateLimit. A negative n removes the limit.
func (s *Server) SetRateLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit, s.served = n, 0
}

// Request is a request the server received, as recorded for assertions.
type Request struct {
	Method     string
	RequestURI string // the request-target as received (escaping preserved)
	Header     http.Header
	Body       []byte // the raw body (the whole multipart body for uploads)
	// Status is the status the server answered with.
	Status int
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// newestFirst lists certificates newest first.
func newestFirst(certs []*platformCert) []*platformCert {
	out := make([]*platformCert, 0, len(certs))
	for i := len(certs) - 1; i >= 0; i-- {
		out = append(out, certs[i])
	}
	return out
}
