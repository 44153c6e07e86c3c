package payjs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// Production is the PAYJS API base URL; endpoint names are appended to it, so
// a replacement given with option.WithBaseURL should end with "/" as well.
// PAYJS has no sandbox; use payjstest.
const Production = "https://payjs.cn/api/"

// name is the provider's name for package option.
const name = string(complaint.PAYJS)

// Credentials are the merchant's PAYJS credentials, both required.
type Credentials struct {
	// MchID is the merchant number (商户号). Its length is not checked: PAYJS
	// issues ids of several lengths.
	MchID string
	// Key is the 通信密钥 (communication key) that signs every request and
	// answer. Build it with signing.NewSecret from a string or a []byte.
	Key signing.Secret
}

// Client calls the PAYJS API for one merchant. It is safe for concurrent use.
//
// Of the shared options (package option), the retry policy needs a PAYJS
// note: Check is the only read and the only call retried by default; the
// complaint list, refund, close, reverse and Call are writes to PAYJS and are
// retried only with option.Retry.RetryWrites, so a retry never spends the
// complaint list's rate limit or repeats a refund unasked. The clock
// (option.WithClock) drives the Adapter's poll interval.
type Client struct {
	mchid    string
	signer   *Signer
	http     *resty.Client
	now      func() time.Time
	log      *slog.Logger
	jsonBody bool
}

// settings are the options of PAYJS's own.
type settings struct {
	jsonBody bool
	lenient  bool
}

// WithLenientVerification makes the client verify responses and notifications
// with Signer.Lenient: a signature computed without PHP's empty-value filter is
// accepted as a second candidate. Off by default; see Signer.Lenient.
func WithLenientVerification() option.Option {
	return option.For(name, func(s *settings) error { s.lenient = true; return nil })
}

// WithJSONBody posts requests as a JSON object of strings instead of the
// documented application/x-www-form-urlencoded form. PAYJS's Java demo and
// several SDKs do so; form is the default.
func WithJSONBody() option.Option {
	return option.For(name, func(s *settings) error { s.jsonBody = true; return nil })
}

// NewClient returns a client for the merchant of creds. It validates that both
// credentials are set and does no I/O. Shared options come from package
// option; WithJSONBody and WithLenientVerification are PAYJS's own.
func NewClient(creds Credentials, opts ...option.Option) (*Client, error) {
	if strings.TrimSpace(creds.MchID) == "" {
		return nil, &complaint.ValidationError{Field: "MchID", Reason: "is empty"}
	}
	if creds.Key.IsZero() {
		return nil, &complaint.ValidationError{Field: "Key", Reason: "is empty"}
	}
	var own settings
	s, err := option.Apply(name, &own, opts...)
	if err != nil {
		return nil, err
	}
	ho := httpc.FromSettings(s)
	if ho.BaseURL == "" {
		ho.BaseURL = Production
	}
	signer := NewSigner(creds.Key)
	if own.lenient {
		signer = signer.Lenient()
	}
	return &Client{
		mchid:    creds.MchID,
		signer:   signer,
		http:     httpc.New(ho),
		now:      s.ClockOrNow(),
		log:      s.LoggerOrDiscard(),
		jsonBody: own.jsonBody,
	}, nil
}

// MchID returns the merchant number.
func (c *Client) MchID() string { return c.mchid }

// Signer returns the client's signer, for verifying messages by hand.
func (c *Client) Signer() *Signer { return c.signer }

// String describes the client without its key.
func (c *Client) String() string {
	return "payjs.Client{mchid=" + c.mchid + ", key=" + signing.Redacted + "}"
}

// RawResponse is a verified PAYJS answer to Call.
type RawResponse struct {
	// Body is the response exactly as received.
	Body []byte
	// Fields holds every top-level field as received.
	Fields map[string]json.RawMessage
}

// Call is the escape hatch for endpoints this package does not wrap (native,
// cashier, user, info, ...): it adds mchid, drops empty and "0" values (PAYJS
// would not sign them), signs, posts to the base URL plus endpoint, and verifies
// the answer. return_code=0 is an *APIError; return_code=1 without sign is
// ErrUnsigned; a bad sign is signing.ErrSignatureInvalid.
func (c *Client) Call(ctx context.Context, endpoint string, params url.Values) (*RawResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	body, _, err := c.post(ctx, endpoint, params, false)
	if err != nil {
		return nil, err
	}
	f, err := decodeFields(body)
	if err != nil {
		return nil, err
	}
	return &RawResponse{Body: body, Fields: f}, nil
}

// post signs and sends params, and verifies the answer. It returns the body of
// a verified return_code=1 answer. With idempotent, transport errors and 5xx
// are retried under the client's policy. ctx must not be nil: the exported
// callers check it.
func (c *Client) post(ctx context.Context, endpoint string, params url.Values, idempotent bool) ([]byte, *message, error) {
	if endpoint == "" || strings.ContainsAny(endpoint, "/?#") {
		return nil, nil, &complaint.ValidationError{Field: "endpoint", Reason: "must be a bare endpoint name"}
	}
	// Never send empty or zero optional values: PHP's array_filter drops them
	// from the server's signature, so whether they are signed would depend on
	// an undocumented detail.
	form := url.Values{}
	for k, vs := range params {
		if k == "sign" || len(vs) == 0 || vs[0] == "" || vs[0] == "0" {
			continue
		}
		form.Set(k, vs[0])
	}
	form.Set("mchid", c.mchid)
	form.Set("sign", c.signer.SignValues(form))

	if idempotent {
		ctx = httpc.Idempotent(ctx)
	}
	req := c.http.R().SetContext(ctx).SetHeader("Accept", "application/json")
	if c.jsonBody {
		m := make(map[string]string, len(form))
		for k := range form {
			m[k] = form.Get(k)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(m)
	} else {
		req.SetFormDataFromValues(form)
	}
	resp, err := req.Post(endpoint)
	if err != nil {
		return nil, nil, fmt.Errorf("payjs: %s: %w", endpoint, err)
	}
	body := resp.Body()
	status := resp.StatusCode()
	m, perr := readMessage(body)
	if status != http.StatusOK {
		apiErr := &APIError{Endpoint: endpoint, HTTPStatus: status}
		if perr == nil {
			apiErr.ReturnCode, apiErr.ReturnMsg, apiErr.Msg = m.returnCode, m.value("return_msg"), m.value("msg")
		}
		return nil, nil, apiErr
	}
	if perr != nil {
		return nil, nil, fmt.Errorf("payjs: %s: %w", endpoint, perr)
	}
	return body, m, c.check(endpoint, m)
}

// check applies the return_code and signature rules to a decoded answer.
func (c *Client) check(endpoint string, m *message) error {
	switch {
	case !m.hasReturn:
		return fmt.Errorf("payjs: %s: %w: no return_code", endpoint, ErrMalformed)
	case m.returnCode == "1":
		if err := c.signer.verifyMessage(m); err != nil {
			return fmt.Errorf("payjs: %s: %w", endpoint, err)
		}
		return nil
	default:
		return &APIError{Endpoint: endpoint, HTTPStatus: http.StatusOK, ReturnCode: m.returnCode,
			ReturnMsg: m.value("return_msg"), Msg: m.value("msg")}
	}
}
