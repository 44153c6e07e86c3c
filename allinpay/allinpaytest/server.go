package allinpaytest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Default identities of a fake server: the demo's test appid and cusid
// (fact sheet §1), which real test keys are issued for.
const (
	DefaultAppID = "00000051"
	DefaultCusID = "990581007426001"
)

// BasePath is the path the methods hang under, as on Allinpay's production
// host (https://cus.allinpay.com/cusapi/riskfeeback/<method>).
const BasePath = "/cusapi/riskfeeback/"

// Mode is how the fake's merchant calls: as an ordinary merchant, as an agent
// (代理商) listing its sub-merchants' complaints with its own number, or as a
// group merchant (集团商户) listing the group's with groupall=1.
type Mode int

// Modes of a fake server.
const (
	// ModeMerchant: one merchant, cusid = CusID, no orgid.
	ModeMerchant Mode = iota
	// ModeAgent: requests carry orgid = OrgID; the list with cusid = OrgID
	// returns every sub-merchant's complaints; everything else needs the
	// complaint's own sub-merchant cusid.
	ModeAgent
	// ModeGroup: as ModeAgent, but the list with cusid = OrgID returns the
	// group's complaints only with groupall=1 (without it, those filed against
	// the group number itself, which the fake never holds unless seeded so).
	ModeGroup
)

// String names the mode.
func (m Mode) String() string {
	switch m {
	case ModeMerchant:
		return "merchant"
	case ModeAgent:
		return "agent"
	case ModeGroup:
		return "group"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

type config struct {
	appID        string
	cusID        string
	orgID        string
	subs         []string
	mode         Mode
	signType     SignType
	fresh        bool
	strictVer    bool
	stringNums   bool
	now          func() time.Time
	notifyClient *http.Client
	merchant     map[SignType]*key
	allinpay     map[SignType]*key
	errs         []error
}

// Option configures a Server. Invalid options make NewServer panic, as
// httptest.NewServer does when it cannot listen: they are mistakes in the
// test, not input.
type Option func(*config)

// WithSignType sets the sign type the merchant is registered with (default
// RSA). Requests must carry it as signtype; responses and, by default,
// notifications are signed with it.
func WithSignType(t SignType) Option {
	return func(c *config) {
		if t != RSA && t != SM2 {
			c.errs = append(c.errs, fmt.Errorf("allinpaytest: WithSignType: unknown sign type %q", t))
			return
		}
		c.signType = t
	}
}

// WithAppID sets the appid (default DefaultAppID). It is also the user id of
// SM2 request signatures.
func WithAppID(appID string) Option { return func(c *config) { c.appID = appID } }

// WithCusID sets the merchant number (default DefaultCusID): the merchant an
// ordinary merchant's requests name, and the merchant complaints are filed
// against unless seeded otherwise.
func WithCusID(cusID string) Option { return func(c *config) { c.cusID = cusID } }

// WithAgent makes the fake an agent (mode ModeAgent) or group (ModeGroup)
// numbered orgID, with the given sub-merchants besides CusID. Every request
// must then carry orgid = orgID (fact sheet: "集团商户,代理商必填").
func WithAgent(mode Mode, orgID string, subMerchants ...string) Option {
	return func(c *config) {
		if (mode != ModeAgent && mode != ModeGroup) || orgID == "" {
			c.errs = append(c.errs, fmt.Errorf("allinpaytest: WithAgent: mode %v with org id %q", mode, orgID))
			return
		}
		c.mode, c.orgID, c.subs = mode, orgID, slices.Clone(subMerchants)
	}
}

// WithMerchantKey sets the merchant's key pair of sign type t from its
// private key, bare Base64 PKCS#8 or PEM (default: generated).
func WithMerchantKey(t SignType, privateKey string) Option {
	return withKey("WithMerchantKey", t, privateKey, true, func(c *config) map[SignType]*key { return c.merchant })
}

// WithMerchantPublicKey registers only the merchant's public key of sign type
// t (bare Base64 SubjectPublicKeyInfo or PEM), as the real Allinpay holds it.
// Keys then report no merchant private key.
func WithMerchantPublicKey(t SignType, publicKey string) Option {
	return withKey("WithMerchantPublicKey", t, publicKey, false, func(c *config) map[SignType]*key { return c.merchant })
}

// WithAllinpayKey sets the fake's own signing key of sign type t (bare Base64
// PKCS#8 or PEM; default: generated), for example a committed test key so
// that RSA signatures are reproducible.
func WithAllinpayKey(t SignType, privateKey string) Option {
	return withKey("WithAllinpayKey", t, privateKey, true, func(c *config) map[SignType]*key { return c.allinpay })
}

func withKey(name string, t SignType, s string, private bool, m func(*config) map[SignType]*key) Option {
	return func(c *config) {
		var k *key
		var err error
		if private {
			k, err = parsePrivateKey(t, s)
		} else {
			k, err = parsePublicKey(t, s)
		}
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("allinpaytest: %s(%s): %v", name, t, err))
			return
		}
		m(c)[t] = k
	}
}

// WithFreshKeys generates new RSA keys for this server instead of the ones
// cached per process (SM2 keys are always generated per server).
func WithFreshKeys() Option { return func(c *config) { c.fresh = true } }

// WithStrictVersions makes the fake require each method's documented version
// (11 for wxcomplaintlistquery and alicomplaintqueryv2; 12 for
// wxcomplaintdetail, wxcomplainthistory and wxcomplaintorderdetail) when a
// version is sent. By default any of 11 and 12 is accepted, as Allinpay
// accepts epay's 11 everywhere.
func WithStrictVersions() Option { return func(c *config) { c.strictVer = true } }

// WithStringNumbers encodes the numbers inside records (total counts, page
// numbers, Alipay complaint ids, WeChat amounts and counts) as JSON strings,
// to check that a client decodes both shapes.
func WithStringNumbers() Option { return func(c *config) { c.stringNums = true } }

// WithClock sets the fake's clock (default time.Now): default complaint
// times, history entries of replies, notification times.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithNotifyClient sets the HTTP client notifications are posted with
// (default: a client with a 10-second timeout).
func WithNotifyClient(hc *http.Client) Option { return func(c *config) { c.notifyClient = hc } }

// Server is a fake Allinpay 收银宝 riskfeeback API on a local httptest server.
// It verifies request signatures as Allinpay does, keeps WeChat and Alipay
// complaints with their history, signs its answers, injects faults and posts
// signed notifications. All methods are safe for concurrent use.
type Server struct {
	cfg config
	ts  *httptest.Server

	mu        sync.Mutex
	wx        map[string]*wxState
	ali       map[string]*aliState
	orders    map[string]*TransactionComplaint
	images    map[string][]byte // WeChat media id -> bytes
	aliFiles  map[string][]byte // Alipay file_key -> bytes
	requests  []Request
	faults    []*Fault
	tamper    func(method string, fields map[string]string)
	extra     map[string]string
	delivered []Delivery
}

// NewServer starts a fake Allinpay server. Call Close when done.
func NewServer(opts ...Option) *Server {
	s := newServer(opts...)
	s.ts = httptest.NewServer(s)
	return s
}

func newServer(opts ...Option) *Server {
	c := config{
		appID: DefaultAppID, cusID: DefaultCusID, signType: RSA, now: time.Now,
		merchant: map[SignType]*key{}, allinpay: map[SignType]*key{},
	}
	for _, o := range opts {
		o(&c)
	}
	if len(c.errs) > 0 {
		panic(c.errs[0].Error())
	}
	for _, t := range []SignType{RSA, SM2} {
		if c.merchant[t] == nil {
			c.merchant[t] = generatedKey(t, "merchant", c.fresh)
		}
		if c.allinpay[t] == nil {
			c.allinpay[t] = generatedKey(t, "allinpay", c.fresh)
		}
	}
	if c.notifyClient == nil {
		c.notifyClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Server{
		cfg: c, wx: map[string]*wxState{}, ali: map[string]*aliState{},
		orders: map[string]*TransactionComplaint{}, images: map[string][]byte{}, aliFiles: map[string][]byte{},
	}
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// URL is the base URL methods are appended to, ending in "/": the value for
// the client's option.WithBaseURL, as https://cus.allinpay.com/cusapi/riskfeeback/
// is in production.
func (s *Server) URL() string { return s.ts.URL + BasePath }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// AppID is the appid requests must carry.
func (s *Server) AppID() string { return s.cfg.appID }

// CusID is the merchant number of an ordinary merchant, and the first
// merchant of an agent or group.
func (s *Server) CusID() string { return s.cfg.cusID }

// OrgID is the agent or group number ("" for an ordinary merchant).
func (s *Server) OrgID() string { return s.cfg.orgID }

// Mode is the fake's merchant mode.
func (s *Server) Mode() Mode { return s.cfg.mode }

// SubMerchants lists the merchant numbers complaints may be filed against:
// CusID, then the sub-merchants given to WithAgent.
func (s *Server) SubMerchants() []string { return append([]string{s.cfg.cusID}, s.cfg.subs...) }

// SignType is the sign type the merchant is registered with.
func (s *Server) SignType() SignType { return s.cfg.signType }

// Keys returns the key pairs of the server's sign type: what a client is
// built from (Merchant.PrivateKey to sign, Allinpay.PublicKey to verify).
func (s *Server) Keys() Keys { return s.KeysFor(s.cfg.signType) }

// KeysFor returns the key pairs of sign type t; the fake holds both kinds, so
// a test can sign a notification with the other one.
func (s *Server) KeysFor(t SignType) Keys {
	m, a := s.cfg.merchant[t], s.cfg.allinpay[t]
	if m == nil || a == nil {
		return Keys{SignType: t}
	}
	return Keys{SignType: t, Merchant: m.pair(), Allinpay: a.pair()}
}

// Request is one request the server received, recorded for assertions.
type Request struct {
	// Method is the riskfeeback method named by the path (as sent, any case).
	Method string
	// Fields are the form fields as received, sign included; a multipart
	// upload's file part is not among them.
	Fields url.Values
	// File is the uploaded file's content (uploads only).
	File []byte
	// FileName is the uploaded file part's file name (uploads only).
	FileName string
	// Status is the HTTP status answered (0 when the client went away during
	// a Fault's delay); RetCode and RetMsg the answer's retcode and retmsg
	// (empty for a non-JSON answer).
	Status  int
	RetCode string
	RetMsg  string
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	return snapshot(s, &s.requests, func(r *Request) {
		r.Fields = cloneValues(r.Fields)
		r.File = slices.Clone(r.File)
	})
}

// snapshot copies a recorded list under the lock, deep-copying each entry
// with deep.
func snapshot[T any](s *Server, list *[]T, deep func(*T)) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(*list)
	for i := range out {
		deep(&out[i])
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// SetExtraResponseFields adds fields to every SUCCESS answer, signed like
// the others (nil removes them): Allinpay signs every field it returns, not a
// fixed list, so a client must verify fields it does not know.
func (s *Server) SetExtraResponseFields(fields map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extra = nil
	if len(fields) > 0 {
		s.extra = make(map[string]string, len(fields))
		for k, v := range fields {
			s.extra[k] = v
		}
	}
}

// SetTamper installs a function that changes an answer's fields after it was
// signed (nil removes it), so that a client's verification can be tested.
// It sees every JSON answer, FAIL ones included; method is the path's method.
func (s *Server) SetTamper(f func(method string, fields map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tamper = f
}

func (s *Server) now() time.Time { return s.cfg.now() }

// isMerchant reports whether cusid is one of the fake's merchants.
func (s *Server) isMerchant(cusid string) bool {
	return cusid == s.cfg.cusID || slices.Contains(s.cfg.subs, cusid)
}
