package httpc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

type idempotentKey struct{}

// Idempotent marks requests made with the returned context as safe to retry
// even when their method is not: read-only POSTs (Allinpay queries) or
// writes carrying an idempotency key.
func Idempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// IsIdempotent reports whether a request with this method and context may
// be retried under the default policy: GET, HEAD, OPTIONS and TRACE always,
// any other method only when ctx was marked with [Idempotent]. A nil ctx is
// treated as unmarked.
func IsIdempotent(method string, ctx context.Context) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	if ctx == nil {
		return false
	}
	marked, _ := ctx.Value(idempotentKey{}).(bool)
	return marked
}

// policy is a Retry with its defaults resolved, installed on a resty client
// as its single retry condition and its RetryAfter function.
type policy struct {
	Retry
	log *slog.Logger
}

func newPolicy(r Retry, log *slog.Logger) *policy {
	if r.MaxRetries < 0 {
		r.MaxRetries = 0
	}
	if r.MinWait < 0 {
		r.MinWait = 0
	}
	if r.MaxWait < r.MinWait {
		r.MaxWait = r.MinWait
	}
	if r.MaxRetryAfter == 0 {
		r.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return &policy{Retry: r, log: log}
}

func (p *policy) install(c *resty.Client) {
	c.SetRetryCount(p.MaxRetries)
	// resty clamps whatever RetryAfter returns into [RetryWaitTime,
	// RetryMaxWaitTime] and uses that same pair for its own backoff. Its
	// minimum is zeroed and its maximum raised above anything wait can
	// return, so the durations computed here are used as they are.
	c.SetRetryWaitTime(0)
	c.SetRetryMaxWaitTime(max(p.MaxWait, p.MaxRetryAfter, time.Nanosecond))
	c.SetRetryAfter(p.wait)
	// In resty v2 the conditions overwrite its default "retry on any
	// error" decision, so this one condition is the whole policy.
	c.AddRetryCondition(p.shouldRetry)
	c.AddRetryHook(p.onRetry)
	c.SetRetryResetReaders(true)
}

// shouldRetry is the only retry condition. resty passes it the unwrapped
// error, including errors it would itself never retry (a failing
// OnBeforeRequest, a response it could not parse), so it decides on the
// response, not on the error alone.
func (p *policy) shouldRetry(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil {
		// The request was never sent: a middleware failed.
		return false
	}
	req := resp.Request
	ctx := req.Context()
	if ctx.Err() != nil {
		return false
	}
	if !p.RetryWrites && !IsIdempotent(req.Method, ctx) {
		return false
	}
	if _, ok := req.Body.(io.Reader); ok {
		// Consumed by the first attempt; a retry would send less.
		return false
	}
	if resp.RawResponse == nil {
		// Transport error, and not the caller's cancellation (checked
		// above); this includes a per-attempt timeout.
		return err != nil
	}
	status := resp.StatusCode()
	if status == http.StatusTooManyRequests || status >= 500 && status <= 599 {
		d, ok := retryAfter(resp)
		return !ok || d <= max(p.MaxRetryAfter, 0)
	}
	if err != nil && transientBodyError(err) {
		return true
	}
	return false
}

// transientBodyError reports whether err, seen with a response, came from
// the connection while the body was read rather than from decoding it or
// from the size limit.
func transientBodyError(err error) bool {
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// wait is resty's RetryAfter function. A zero result makes resty use its own
// backoff, which with a zero minimum is a nanosecond.
func (p *policy) wait(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	if d, ok := retryAfter(resp); ok {
		// shouldRetry has already refused anything above MaxRetryAfter.
		return d, nil
	}
	attempt := 1
	if resp != nil && resp.Request != nil && resp.Request.Attempt > 0 {
		attempt = resp.Request.Attempt
	}
	return p.backoff(attempt), nil
}

// backoff is the wait after the given attempt (1 = after the first): the
// minimum doubled per attempt up to the maximum, then jittered down to no
// less than half of it and no less than the minimum.
func (p *policy) backoff(attempt int) time.Duration {
	if p.MaxWait <= 0 {
		return 0
	}
	d := p.MinWait
	for i := 1; i < attempt && d < p.MaxWait; i++ {
		d *= 2
	}
	if d > p.MaxWait || d <= 0 {
		d = p.MaxWait
	}
	half := d / 2
	if half > 0 {
		d = half + rand.N(half+1)
	}
	return max(d, p.MinWait)
}

// retryAfter returns the wait a 429 or 503 asks for. ok is false when the
// response has no usable Retry-After.
func retryAfter(resp *resty.Response) (d time.Duration, ok bool) {
	if resp == nil || resp.RawResponse == nil {
		return 0, false
	}
	switch resp.StatusCode() {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
	default:
		return 0, false
	}
	return parseRetryAfter(resp.Header().Get("Retry-After"), time.Now())
}

// parseRetryAfter parses a Retry-After value: delay-seconds or an HTTP-date.
// A date in the past is a zero wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		const maxSeconds = int64((1<<63 - 1) / time.Second)
		return time.Duration(min(n, maxSeconds)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// onRetry logs the reason for a retry. resty calls retry hooks after the
// last attempt too, when no retry follows; those calls are skipped.
func (p *policy) onRetry(resp *resty.Response, err error) {
	if resp == nil || resp.Request == nil {
		return
	}
	req := resp.Request
	if req.Attempt > p.MaxRetries {
		return
	}
	ctx := req.Context()
	if !p.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", redactRawURL(req)),
		slog.Int("attempt", req.Attempt),
	}
	if resp.RawResponse != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode()))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", Redact(err.Error())))
	}
	p.log.LogAttrs(ctx, slog.LevelDebug, "http retry", attrs...)
}
