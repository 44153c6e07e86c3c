package option

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option configures a provider client: one of the shared options in this
// package, or a provider's own (wechatpay.WithPublicKey, payjs.WithJSONBody,
// ...). The zero Option does nothing.
type Option struct {
	apply func(*Settings) error
}

// Settings are the options every provider client shares, as the options left
// them. Provider packages read them in NewClient; users configure them only
// through the With functions.
type Settings struct {
	// BaseURL replaces the provider environment's URL (a proxy, a fake
	// server); empty keeps the environment's.
	BaseURL string
	// HTTPClient lends its transport, cookie jar, redirect policy and
	// timeout; it is never modified.
	HTTPClient *http.Client
	// Transport replaces the transport (httpmock in tests).
	Transport http.RoundTripper
	// Timeout bounds each attempt: positive is the bound, negative means
	// none, 0 means not set (HTTPClient's timeout when one is given, the
	// provider's default otherwise).
	Timeout time.Duration
	// Retry is the retry policy; nil means DefaultRetry.
	Retry *Retry
	// Logger receives the client's log lines; nil discards them.
	Logger *slog.Logger
	// Clock is the time source for request timestamps, signature windows and
	// polling limits; nil means time.Now.
	Clock func() time.Time
	// UserAgent replaces the User-Agent header; empty keeps tousu's.
	UserAgent string
	// MaxResponseBytes bounds response bodies: positive is the bound,
	// negative means none, 0 keeps the provider's default.
	MaxResponseBytes int64

	provider string // the client being built, for error messages
	ext      any    // the provider's own settings, a pointer
}

// Apply runs opts over fresh Settings for the named provider's client and over
// ext, the provider's own settings (a pointer, filled by options built with
// For). It stops at the first error. Provider packages call it in NewClient.
func Apply[T any](provider string, ext *T, opts ...Option) (*Settings, error) {
	s := &Settings{provider: provider, ext: ext}
	for _, o := range opts {
		if o.apply == nil {
			continue
		}
		if err := o.apply(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// For builds a provider's own option: f is applied to the provider's settings
// of type T. Given to another provider's client, the option is an error at
// construction, never ignored.
func For[T any](provider string, f func(*T) error) Option {
	return Option{apply: func(s *Settings) error {
		ext, ok := s.ext.(*T)
		if !ok || ext == nil {
			return fmt.Errorf("option: an option of %q was given to the %q client", provider, s.provider)
		}
		return f(ext)
	}}
}

// ClockOrNow returns s.Clock, or time.Now when none was set.
func (s *Settings) ClockOrNow() func() time.Time {
	if s.Clock == nil {
		return time.Now
	}
	return s.Clock
}

// LoggerOrDiscard returns s.Logger, or a logger that discards everything when
// none was set.
func (s *Settings) LoggerOrDiscard() *slog.Logger {
	if s.Logger == nil {
		return discard
	}
	return s.Logger
}

var discard = slog.New(slog.DiscardHandler)

// RetryOrDefault returns the configured policy, or DefaultRetry.
func (s *Settings) RetryOrDefault() Retry {
	if s.Retry == nil {
		return DefaultRetry()
	}
	return *s.Retry
}

// WithBaseURL sends requests to u instead of the environment's URL: a proxy, or
// a fake server (wechatpaytest, payjstest). u must be an absolute http or https
// URL; a trailing slash is kept as given (PAYJS appends endpoint names to it).
func WithBaseURL(u string) Option {
	return Option{apply: func(s *Settings) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return errors.New("option: base url must be an absolute http or https url")
		}
		if p.RawQuery != "" || p.Fragment != "" || p.User != nil {
			return errors.New("option: base url must not carry a query, fragment or credentials")
		}
		s.BaseURL = u
		return nil
	}}
}

// WithHTTPClient lends hc's transport, cookie jar, redirect policy and
// timeout to the client (WithTimeout and WithTransport still win). hc itself
// is never modified.
func WithHTTPClient(hc *http.Client) Option {
	return Option{apply: func(s *Settings) error {
		if hc == nil {
			return errors.New("option: nil http client")
		}
		s.HTTPClient = hc
		return nil
	}}
}

// WithTransport sets the HTTP transport (httpmock's in tests).
func WithTransport(rt http.RoundTripper) Option {
	return Option{apply: func(s *Settings) error {
		if rt == nil {
			return errors.New("option: nil transport")
		}
		s.Transport = rt
		return nil
	}}
}

// WithTimeout bounds each attempt (30 s by default), not the whole call with
// its retries: give the call's context a deadline for that. Negative means no
// bound; 0 is refused.
func WithTimeout(d time.Duration) Option {
	return Option{apply: func(s *Settings) error {
		if d == 0 {
			return errors.New("option: zero timeout (use a negative one for none)")
		}
		s.Timeout = d
		return nil
	}}
}

// WithRetry sets the retry policy; Retry{} turns retries off.
func WithRetry(r Retry) Option {
	return Option{apply: func(s *Settings) error { s.Retry = &r; return nil }}
}

// WithLogger sets where the client logs: one Debug line per HTTP attempt
// (method, path without query, status, duration, the provider's request id)
// and Warn lines the provider package documents; never bodies, queries, keys,
// signatures or buyer data. The default discards.
func WithLogger(l *slog.Logger) Option {
	return Option{apply: func(s *Settings) error { s.Logger = l; return nil }}
}

// WithClock sets the time source for request timestamps, signature windows and
// client-side polling limits (tests).
func WithClock(now func() time.Time) Option {
	return Option{apply: func(s *Settings) error {
		if now == nil {
			return errors.New("option: nil clock")
		}
		s.Clock = now
		return nil
	}}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return Option{apply: func(s *Settings) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("option: user agent must be one non-empty line")
		}
		s.UserAgent = ua
		return nil
	}}
}

// WithMaxResponseBytes bounds response bodies, image downloads included (16
// MiB by default); negative means no bound.
func WithMaxResponseBytes(n int64) Option {
	return Option{apply: func(s *Settings) error {
		if n == 0 {
			return errors.New("option: zero response limit (use a negative one for none)")
		}
		s.MaxResponseBytes = n
		return nil
	}}
}
