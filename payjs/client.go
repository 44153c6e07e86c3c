package payjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// Production is the PAYJS API base URL. PAYJS has no sandbox; use payjstest.
const Production = "https://payjs.cn/api/"

// Client calls the PAYJS API for one merchant. It is safe for concurrent use.
type Client struct {
	mchid    string
	signer   *Signer
	http     *resty.Client
	now      func() time.Time
	jsonBody bool
}

// Option configures NewClient.
type Option func(*config) error

type config struct {
	http     httpc.Options
	now      func() time.Time
	jsonBody bool
	lenient  bool
}

// WithBaseURL sets the API base URL (default Production). Endpoint names are
// appended to it, so it should end with "/".
func WithBaseURL(u string) Option { return func(c *config) error { c.http.BaseURL = u; return nil } }

// WithHTTPClient takes the transport, cookie jar and redirect policy of hc. hc
// itself is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { c.http.HTTPClient = hc; return nil }
}

// WithTransport sets the HTTP transport (httpmock in tests).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error { c.http.Transport = rt; return nil }
}

// WithTimeout bounds each attempt (default 30s; negative: none).
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { c.http.Timeout = d; return nil }
}

// Retry is the retry policy, shared by every tousu provider: MaxRetries after
// the first attempt, exponential backoff with jitter between MinWait and MaxWait
// (both zero: no wait), a Retry-After honoured up to MaxRetryAfter (0: 60 s;
// longer: not retried), and RetryWrites to retry non-idempotent requests too.
// Only idempotent requests are retried otherwise, on transport errors, 429 and
// 5xx. Retry{} never retries.
type Retry = httpc.Retry

// WithRetry sets the retry policy (default: 2 retries, 200ms to 3s). Without
// RetryWrites only Check, a read, is retried on transport errors, 429 and 5xx;
// Complaints is not, so a retry never spends the endpoint's rate limit.
func WithRetry(r Retry) Option {
	return func(c *config) error {
		c.http.Retry = r
		return nil
	}
}

// WithLogger sets where HTTP attempts are logged (redacted; never keys,
// signatures or bodies). nil discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.http.Logger = l; return nil }
}

// WithClock sets the clock used for the complaint rate limit of Source. nil
// means time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now != nil {
			c.now = now
		}
		return nil
	}
}

// WithLenientVerification makes the client verify responses and notifications
// with Signer.Lenient: a signature computed without PHP's empty-value filter is
// accepted as a second candidate. Off by default; see Signer.Lenient.
func WithLenientVerification() Option {
	return func(c *config) error { c.lenient = true; return nil }
}

// WithJSONBody posts requests as a JSON object of strings instead of the
// documented application/x-www-form-urlencoded form. PAYJS's Java demo and
// several SDKs do so; form is the default.
func WithJSONBody() Option { return func(c *config) error { c.jsonBody = true; return nil } }

// NewClient returns a client for merchant mchid with its 通信密钥 key. It
// validates that both are set and does no I/O. The mchid length is not checked:
// PAYJS issues ids of several lengths.
func NewClient(mchid, key string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(mchid) == "" {
		return nil, &complaint.ValidationError{Field: "mchid", Reason: "is empty"}
	}
	if key == "" {
		return nil, &complaint.ValidationError{Field: "key", Reason: "is empty"}
	}
	cfg := config{http: httpc.DefaultOptions(), now: time.Now}
	cfg.http.BaseURL = Production
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.http.BaseURL == "" {
		cfg.http.BaseURL = Production
	}
	signer := NewSigner(key)
	if cfg.lenient {
		signer = signer.Lenient()
	}
	return &Client{
		mchid:    mchid,
		signer:   signer,
		http:     httpc.New(cfg.http),
		now:      cfg.now,
		jsonBody: cfg.jsonBody,
	}, nil
}

// MchID returns the merchant number.
func (c *Client) MchID() string { return c.mchid }

// Signer returns the client's signer, for verifying messages by hand.
func (c *Client) Signer() *Signer { return c.signer }

// String describes the client without its key.
func (c *Client) String() string { return "payjs.Client{mchid=" + c.mchid + ", key=[REDACTED]}" }

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
// are retried under the client's policy.
func (c *Client) post(ctx context.Context, endpoint string, params url.Values, idempotent bool) ([]byte, *message, error) {
	if ctx == nil {
		return nil, nil, errors.New("payjs: nil context")
	}
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
