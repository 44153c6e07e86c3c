package httpc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/internal/callctx"
	"github.com/tousu-go/tousu/option"
)

type idempotentKey struct{}

// Idempotent marks requests made with the returned context as safe to retry
// even when their method is not: read-only POSTs (Allinpay queries) or
// writes carrying an idempotency key. A context marked with
// callctx.WithoutRetry is still never retried. A nil ctx is returned as nil,
// for the call it is passed to to report through complaint.CheckContext.
func Idempotent(ctx context.Context) context.Context {
	if ctx == nil {
		return nil
	}
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
// as its single retry condition and its RetryAfter function. The waits
// between attempts are resty's own capped exponential backoff with jitter;
// the policy only decides whether to retry and stretches a wait to a
// Retry-After resty would cut short.
type policy struct {
	option.Retry
	log attemptLog
	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

func newPolicy(r option.Retry, log attemptLog) *policy {
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
		r.MaxRetryAfter = option.DefaultMaxRetryAfter
	}
	return &policy{Retry: r, log: log, sleep: callctx.Sleep}
}

func (p *policy) install(c *resty.Client) {
	c.SetRetryCount(p.MaxRetries)
	// resty waits min(MaxWait, MinWait<<n)/2 plus jitter up to the same
	// again, and never less than MinWait, before retry n+1 (n from 0). It
	// also clamps whatever the RetryAfter function returns into
	// [MinWait, MaxWait], and a 0 from it means "use the backoff".
	c.SetRetryWaitTime(p.MinWait)
	c.SetRetryMaxWaitTime(p.MaxWait)
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
	if ctx.Err() != nil || callctx.RetryDisabled(ctx) {
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

// wait is resty's RetryAfter function, called only when a retry follows.
// Without a usable Retry-After (or with 0) it returns 0, so resty uses its
// backoff; a Retry-After within MaxWait is returned as it is (resty raises
// it to MinWait). resty would cut a longer one (shouldRetry has already
// refused anything above MaxRetryAfter) to MaxWait, the cap it shares with
// its backoff, so the excess is waited out here first.
func (p *policy) wait(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	d, ok := retryAfter(resp)
	if !ok || d <= p.MaxWait {
		return d, nil
	}
	if err := p.sleep(resp.Request.Context(), d-p.MaxWait); err != nil {
		return 0, err
	}
	return p.MaxWait, nil
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

// onRetry logs the attempt that is about to be retried. resty calls retry
// hooks after the last attempt too, when no retry follows; those calls are
// skipped.
func (p *policy) onRetry(resp *resty.Response, err error) {
	if resp == nil || resp.Request == nil || resp.Request.Attempt > p.MaxRetries {
		return
	}
	p.log.line("http retry", resp.Request, resp, err)
}
