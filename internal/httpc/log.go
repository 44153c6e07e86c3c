package httpc

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"
)

// restyLogger routes resty's printf-style messages into slog, redacted.
// resty formats errors that carry full URLs (and so query signatures) into
// these messages.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) { r.log(slog.LevelError, format, v) }
func (r restyLogger) Warnf(format string, v ...any)  { r.log(slog.LevelWarn, format, v) }
func (r restyLogger) Debugf(format string, v ...any) { r.log(slog.LevelDebug, format, v) }

func (r restyLogger) log(level slog.Level, format string, v []any) {
	ctx := context.Background()
	if !r.l.Enabled(ctx, level) {
		return
	}
	r.l.LogAttrs(ctx, level, Redact(fmt.Sprintf(format, v...)), slog.String("component", "resty"))
}

// requestIDHeaders are the response headers providers put their request id
// in, most specific first.
var requestIDHeaders = []string{"Request-Id", "X-Request-Id", "X-Requestid"}

func requestID(resp *resty.Response) string {
	if resp == nil || resp.RawResponse == nil {
		return ""
	}
	h := resp.RawResponse.Header
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// installLogHooks adds the per-attempt Debug line and the check that turns a
// response to a caller who has already given up into ctx.Err().
func installLogHooks(c *resty.Client, log *slog.Logger) {
	c.OnAfterResponse(func(_ *resty.Client, resp *resty.Response) error {
		req := resp.Request
		ctx := req.Context()
		if log.Enabled(ctx, slog.LevelDebug) {
			attrs := []slog.Attr{
				slog.String("method", req.Method),
				slog.String("url", redactRawURL(req)),
				slog.Int("status", resp.StatusCode()),
				slog.Int("attempt", req.Attempt),
				slog.Duration("duration", resp.Time()),
			}
			if id := requestID(resp); id != "" {
				attrs = append(attrs, slog.String("request_id", id))
			}
			log.LogAttrs(ctx, slog.LevelDebug, "http response", attrs...)
		}
		// Without this a cancellation that lands between the response and
		// resty's own context check returns the response with a nil error
		// (and a retryable status is not retried), which callers cannot
		// tell from success.
		return ctx.Err()
	})
	c.OnError(func(req *resty.Request, err error) {
		ctx := req.Context()
		if !log.Enabled(ctx, slog.LevelDebug) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("url", redactRawURL(req)),
			slog.Int("attempt", req.Attempt),
		}
		if re, ok := err.(*resty.ResponseError); ok {
			if resp := re.Response; resp != nil && resp.RawResponse != nil {
				attrs = append(attrs, slog.Int("status", resp.StatusCode()))
				if id := requestID(resp); id != "" {
					attrs = append(attrs, slog.String("request_id", id))
				}
			}
			err = re.Err
		}
		if !req.Time.IsZero() {
			attrs = append(attrs, slog.Duration("duration", time.Since(req.Time)))
		}
		attrs = append(attrs, slog.String("error", Redact(err.Error())))
		log.LogAttrs(ctx, slog.LevelDebug, "http request failed", attrs...)
	})
}

// redactRawURL is the redacted URL a request was sent to, or its
// unresolved URL when it never got that far.
func redactRawURL(req *resty.Request) string {
	if req.RawRequest != nil && req.RawRequest.URL != nil {
		return RedactURL(req.RawRequest.URL)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return Redact(req.URL)
	}
	return RedactURL(u)
}
