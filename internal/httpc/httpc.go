package httpc

import (
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/option"
)

// Defaults used when the corresponding [Options] field is zero.
const (
	// DefaultTimeout bounds one attempt: connecting, sending, and reading
	// the whole response body.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes bounds a response body after decompression.
	DefaultMaxResponseBytes int64 = 16 << 20
	// DefaultUserAgent is sent when Options.UserAgent is empty.
	DefaultUserAgent = "tousu-go (+https://github.com/tousu-go/tousu)"
)

// ErrResponseTooLarge is returned (wrapped) by a request whose response body
// exceeds Options.MaxResponseBytes. It is resty's sentinel, re-exported so
// that providers can test for it without importing resty.
var ErrResponseTooLarge = resty.ErrResponseBodyTooLarge

// Options configure a provider's HTTP client. Providers build them from the
// shared client options with [FromSettings] and add what is theirs (the base
// URL of their environment, the request id header).
//
// The zero value is usable but does not retry; start from [DefaultOptions]
// or [FromSettings] to get the house defaults.
type Options struct {
	// BaseURL is prefixed to relative request URLs.
	BaseURL string
	// HTTPClient is optional; when set its Transport, Jar and CheckRedirect
	// are used, and its Timeout unless Timeout is set. It is never modified:
	// New builds its own http.Client.
	HTTPClient *http.Client
	// Transport is optional and overrides HTTPClient's transport (httpmock
	// in tests). With neither set, http.DefaultTransport is used.
	Transport http.RoundTripper
	// Timeout bounds each attempt, not the whole call with its retries (use
	// the context for that). Positive is the bound and wins over
	// HTTPClient's; negative means none. 0 means not set: HTTPClient's own
	// Timeout when HTTPClient is given (so its 0 means none), DefaultTimeout
	// otherwise. DefaultOptions leaves it 0 so that a caller's client keeps
	// its timeout.
	Timeout time.Duration
	// Retry is the retry policy.
	Retry option.Retry
	// Logger receives one Debug line per attempt (method, URL path,
	// status, attempt, duration, request id), resty's own warnings and
	// errors, reduced like ErrorText, and nothing else: no query, header or
	// body. nil discards everything.
	Logger *slog.Logger
	// RequestIDHeader names the response header in which the provider
	// sends its request id ("Request-ID" for WeChat Pay), logged with each
	// attempt so that a log line can be matched with the provider's
	// support. Empty means no request id is logged.
	RequestIDHeader string
	// UserAgent is sent on every request; empty means DefaultUserAgent.
	UserAgent string
	// MaxResponseBytes bounds a response body; a larger one is an error
	// wrapping ErrResponseTooLarge. 0 means DefaultMaxResponseBytes;
	// negative means no limit. The limit does not apply to requests made
	// with SetDoNotParseResponse or SetOutput, which must bound their own
	// reads.
	MaxResponseBytes int64
}

// DefaultOptions returns the options a provider starts from before applying
// the caller's functional options. Timeout is left unset (see
// [Options.Timeout]); New resolves it.
func DefaultOptions() Options {
	return Options{
		Retry:            option.DefaultRetry(),
		UserAgent:        DefaultUserAgent,
		MaxResponseBytes: DefaultMaxResponseBytes,
	}
}

// FromSettings returns DefaultOptions with what the caller set through the
// shared options (package option) laid over it. BaseURL is the caller's
// override, empty when none was given: the provider fills in its
// environment's.
func FromSettings(s *option.Settings) Options {
	o := DefaultOptions()
	o.BaseURL = s.BaseURL
	o.HTTPClient = s.HTTPClient
	o.Transport = s.Transport
	o.Timeout = s.Timeout
	o.Retry = s.RetryOrDefault()
	o.Logger = s.Logger
	if s.UserAgent != "" {
		o.UserAgent = s.UserAgent
	}
	if s.MaxResponseBytes != 0 {
		o.MaxResponseBytes = s.MaxResponseBytes
	}
	return o
}

// New builds a resty client from o. It does no I/O. The client is safe for
// concurrent use; callers configure requests with client.R().SetContext(ctx).
//
// The caller must not replace the client's logger, retry conditions or
// RetryAfter function: those carry the logging and retry guarantees described
// in the package documentation. Nor should it decode with SetResult or
// SetError: resty then logs decode errors, which can quote a number from the
// body; providers decode response bodies themselves.
func New(o Options) *resty.Client {
	hc := &http.Client{}
	if o.HTTPClient != nil {
		hc.Transport = o.HTTPClient.Transport
		hc.Jar = o.HTTPClient.Jar
		hc.CheckRedirect = o.HTTPClient.CheckRedirect
	}
	if o.Transport != nil {
		hc.Transport = o.Transport
	}
	if hc.Transport == nil {
		// resty would otherwise build a fresh transport (and connection
		// pool) per client.
		hc.Transport = http.DefaultTransport
	}
	switch {
	case o.Timeout > 0:
		hc.Timeout = o.Timeout
	case o.Timeout < 0:
		// none
	case o.HTTPClient != nil:
		hc.Timeout = o.HTTPClient.Timeout
	default:
		hc.Timeout = DefaultTimeout
	}

	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	c := resty.NewWithClient(hc)
	c.SetLogger(restyLogger{logger})
	c.SetDebug(false)
	if o.BaseURL != "" {
		c.SetBaseURL(o.BaseURL)
	}
	ua := o.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	c.SetHeader("User-Agent", ua)

	limit := o.MaxResponseBytes
	switch {
	case limit == 0:
		limit = DefaultMaxResponseBytes
	case limit < 0:
		limit = 0 // resty: <= 0 means unlimited
	}
	c.SetResponseBodyLimit(int(min(limit, math.MaxInt)))

	// A request whose context is already done is not sent. Whether a
	// transport notices the cancellation before or after the round trip is a
	// race (httpmock's is, and so is net/http's on a reused connection); this
	// makes a cancelled call fail the same way every time, with the context's
	// error.
	c.OnBeforeRequest(func(_ *resty.Client, r *resty.Request) error { return r.Context().Err() })
	log := attemptLog{l: logger, idHeader: o.RequestIDHeader}
	newPolicy(o.Retry, log).install(c)
	log.install(c)
	return c
}
