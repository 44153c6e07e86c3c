package allinpay

import (
	"cmp"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// name is the provider's name for package option.
const name = string(complaint.Allinpay)

// Credentials are what Allinpay hands a merchant (or an agent or group) for
// the 收银宝 API.
type Credentials struct {
	// AppID is the appid Allinpay assigned (8 characters). It is also the
	// SM2 user id of every request signature.
	AppID string
	// CusID is the merchant number (cusid, 15 digits). An agent or a group
	// gives its own number here to list the complaints of all its merchants;
	// calls that act on one complaint take the sub-merchant's number per
	// request.
	CusID string
	// OrgID is the agent or group number (orgid). Required for agents and
	// groups, empty for a plain merchant (an empty orgid is neither sent nor
	// signed).
	OrgID string
	// SignType is SignRSA or SignSM2, whichever the merchant's key is.
	SignType SignType
	// PrivateKey is the merchant's private key of SignType: bare Base64 PKCS#8
	// as Allinpay hands it out, or PEM (PKCS#8, PKCS#1 for RSA, SEC1 for
	// SM2). Build it with signing.NewSecret.
	PrivateKey signing.Secret
	// AllinpayPublicKey is Allinpay's (通联) public key of SignType, bare
	// Base64 SubjectPublicKeyInfo or PEM, for a merchant Allinpay gave its
	// own key. Empty means the key Allinpay publishes for the client's
	// environment. Notifications signed with the other sign type are
	// verified with that type's published key.
	AllinpayPublicKey string
}

// settings are the options of Allinpay's own; the shared ones come from
// package option.
type settings struct {
	env      Environment
	versions map[string]string
}

// WithEnvironment chooses the environment (Production by default): its base
// URL, unless option.WithBaseURL replaces it, and its published public keys.
func WithEnvironment(e Environment) option.Option {
	return option.For(name, func(s *settings) error {
		if !e.valid() {
			return fmt.Errorf("allinpay: unknown environment %q", string(e))
		}
		s.env = e
		return nil
	})
}

// WithVersion sends version instead of the documented default for one
// riskfeeback method (method names are case-sensitive, as Allinpay's are).
// Allinpay's pages disagree on versions (11 on the list pages, 12 on detail
// and history; third-party code sends 11 everywhere), so a merchant whose
// account wants another one can say so without waiting for a release.
func WithVersion(method, version string) option.Option {
	return option.For(name, func(s *settings) error {
		if err := checkMethod(method); err != nil {
			return err
		}
		if len(version) < 1 || len(version) > 2 || !isDigits(version) {
			return &complaint.ValidationError{Field: "version", Reason: "must be one or two digits"}
		}
		if s.versions == nil {
			s.versions = map[string]string{}
		}
		s.versions[method] = version
		return nil
	})
}

// Client calls Allinpay's riskfeeback API for one appid. It is safe for
// concurrent use.
//
// Of the shared options (package option): the queries (list, detail,
// history, image download) are read-only and are retried under the client's
// policy like GETs; replies, completions, refund decisions, uploads and Call
// are writes, retried only with option.Retry.RetryWrites. Every call posts a
// fresh randomstr and signature, so a retried query is a new signed request.
type Client struct {
	appid, cusid, orgid string
	signType            SignType
	env                 Environment
	signer              *requestSigner
	verifier            *verifier
	versions            map[string]string
	http                *resty.Client
	log                 *slog.Logger
	// now is the client's clock (option.WithClock), for timestamp fields.
	now func() time.Time
	// randomStr makes randomstr; tests replace it to sign fixed vectors.
	randomStr func() (string, error)
}

// NewClient returns a client for creds. It parses and checks the keys and
// does no I/O; a key of the wrong kind or form is an error wrapping
// signing.ErrKeyInvalid that never quotes key material. Shared options come
// from package option; WithEnvironment and WithVersion are Allinpay's own.
func NewClient(creds Credentials, opts ...option.Option) (*Client, error) {
	for _, f := range []struct{ field, v string }{{"AppID", creds.AppID}, {"CusID", creds.CusID}} {
		if f.v == "" {
			return nil, &complaint.ValidationError{Field: f.field, Reason: "is empty"}
		}
	}
	for _, f := range []struct{ field, v string }{{"AppID", creds.AppID}, {"CusID", creds.CusID}, {"OrgID", creds.OrgID}} {
		if !isID(f.v) {
			return nil, &complaint.ValidationError{Field: f.field, Reason: "must be at most 32 letters, digits, '-' or '_'"}
		}
	}
	if creds.SignType != SignRSA && creds.SignType != SignSM2 {
		return nil, &complaint.ValidationError{Field: "SignType", Reason: "must be RSA or SM2"}
	}
	if creds.PrivateKey.IsZero() {
		return nil, &complaint.ValidationError{Field: "PrivateKey", Reason: "is empty"}
	}
	own := settings{env: Production}
	s, err := option.Apply(name, &own, opts...)
	if err != nil {
		return nil, err
	}
	signer := &requestSigner{st: creds.SignType, uid: []byte(creds.AppID)}
	switch creds.SignType {
	case SignRSA:
		signer.rsa, err = signing.ParseRSAPrivateKey(creds.PrivateKey.Bytes())
	case SignSM2:
		signer.sm2, err = sm2.ParsePrivateKey(creds.PrivateKey.Bytes())
	}
	if err != nil {
		return nil, fmt.Errorf("allinpay: merchant %s private key: %w", creds.SignType, err)
	}
	v, err := loadVerifier(own.env, creds.SignType, creds.AllinpayPublicKey)
	if err != nil {
		return nil, err
	}
	ho := httpc.FromSettings(s)
	if ho.BaseURL == "" {
		ho.BaseURL = own.env.BaseURL()
	}
	return &Client{
		appid:     creds.AppID,
		cusid:     creds.CusID,
		orgid:     creds.OrgID,
		signType:  creds.SignType,
		env:       own.env,
		signer:    signer,
		verifier:  v,
		versions:  own.versions,
		http:      httpc.New(ho),
		log:       s.LoggerOrDiscard(),
		now:       s.ClockOrNow(),
		randomStr: newRandomStr,
	}, nil
}

// loadVerifier loads Allinpay's public keys: the given one (or the
// environment's published one) for the client's sign type, the published one
// for the other type.
func loadVerifier(env Environment, st SignType, given string) (*verifier, error) {
	v := &verifier{}
	for _, t := range []SignType{SignRSA, SignSM2} {
		data := given
		if t != st || data == "" {
			var err error
			if data, err = env.publicKey(t); err != nil {
				return nil, err
			}
		}
		var err error
		switch t {
		case SignRSA:
			var k *rsa.PublicKey
			k, err = signing.ParseRSAPublicKey([]byte(data))
			v.rsa = k
		case SignSM2:
			v.sm2, err = sm2.ParsePublicKey([]byte(data))
		}
		if err != nil {
			return nil, fmt.Errorf("allinpay: allinpay %s public key: %w", t, err)
		}
	}
	return v, nil
}

// refMerchant is the Ref.MerchantID of a complaint or notification about
// a merchant: "" for the client's own (a Ref never repeats it), the cusid
// otherwise (an agent's or group's sub-merchant). The merchant is the first
// non-empty candidate: a list item's merchantNo, else the cusid the request
// named, else the client's own. Every Ref this package builds (lists,
// details, notifications, the adapter) goes through it.
func (c *Client) refMerchant(candidates ...string) string {
	if m := cmp.Or(candidates...); m != c.cusid {
		return m
	}
	return ""
}

// AppID returns the appid.
func (c *Client) AppID() string { return c.appid }

// CusID returns the merchant (or agent, or group) number the client was built
// with.
func (c *Client) CusID() string { return c.cusid }

// SignType returns the sign type of the client's requests.
func (c *Client) SignType() SignType { return c.signType }

// Environment returns the environment whose keys the client verifies with.
func (c *Client) Environment() Environment { return c.env }

// String describes the client without its key.
func (c *Client) String() string {
	return "allinpay.Client{appid=" + c.appid + ", cusid=" + c.cusid + ", signtype=" + string(c.signType) +
		", key=" + signing.Redacted + "}"
}

// newRandomStr returns 24 lower-case hex characters (96 bits) from
// crypto/rand: randomstr may be up to 32 characters.
func newRandomStr() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("allinpay: randomstr: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// isID reports whether s is empty or an id Allinpay could have issued: at
// most 32 ASCII letters, digits, '-' or '_' (ids go into every signed string
// and, for SM2, into the user id).
func isID(s string) bool { return len(s) <= 32 && isWord(s, "-_") }

// isWord reports whether s holds only ASCII letters, digits and bytes of
// extra.
func isWord(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }
