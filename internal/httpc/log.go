package httpc

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-resty/resty/v2"
)

// restyLogger routes resty's own messages into slog. resty v2.17.2 logs
// through it in three ways: the debug dump (Debugf), which carries every
// header and both bodies and is dropped here even though New keeps debug
// mode off, so that a request that turns it on still leaks nothing;
// warnings and errors that print an error (each failed attempt, a failed
// call, an error body it could not unmarshal, a query it could not parse),
// which carry the request URL and so pass through the same reduction as
// ErrorText; and fixed warnings (an overwritten hook, Basic auth over http).
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) { r.log(slog.LevelError, format, v) }
func (r restyLogger) Warnf(format string, v ...any)  { r.log(slog.LevelWarn, format, v) }
func (restyLogger) Debugf(string, ...any)            {}

func (r restyLogger) log(level slog.Level, format string, v []any) {
	ctx := context.Background()
	if !r.l.Enabled(ctx, level) {
		return
	}
	// Formatting first and reducing the whole text also catches errors
	// resty wraps in its own types, which do not unwrap.
	msg := ProviderText(stripURLs(fmt.Sprintf(format, v...)))
	r.l.LogAttrs(ctx, level, msg, slog.String("component", "resty"))
}

// attemptLog writes the per-attempt Debug lines: method, URL path, status,
// attempt, duration, the provider's request id and, for failures, the
// reduced error. Nothing else about a request is ever logged.
type attemptLog struct {
	l        *slog.Logger
	idHeader string // response header holding the provider's request id
}

// line logs msg for the attempt req made, with resp (nil when nothing was
// sent) and err (nil on success).
func (a attemptLog) line(msg string, req *resty.Request, resp *resty.Response, err error) {
	ctx := req.Context()
	if !a.l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("method", req.Method),
		slog.String("path", requestPath(req)),
		slog.Int("attempt", req.Attempt),
	)
	if resp != nil && resp.RawResponse != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode()))
		if a.idHeader != "" {
			if id := resp.RawResponse.Header.Get(a.idHeader); id != "" {
				attrs = append(attrs, slog.String("request_id", ProviderText(id)))
			}
		}
	}
	switch {
	case resp != nil:
		attrs = append(attrs, slog.Duration("duration", resp.Time()))
	case !req.Time.IsZero():
		attrs = append(attrs, slog.Duration("duration", time.Since(req.Time)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", ErrorText(err)))
	}
	a.l.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

// install adds the per-attempt line for every response read, the line for a
// call that ends in an error, and the check that turns a response to a
// caller who has already given up into ctx.Err().
func (a attemptLog) install(c *resty.Client) {
	c.OnAfterResponse(func(_ *resty.Client, resp *resty.Response) error {
		a.line("http response", resp.Request, resp, nil)
		// Without this a cancellation that lands between the response and
		// resty's own context check returns the response with a nil error
		// (and a retryable status is not retried), which callers cannot
		// tell from success.
		return resp.Request.Context().Err()
	})
	c.OnError(func(req *resty.Request, err error) {
		var resp *resty.Response
		if re, ok := err.(*resty.ResponseError); ok {
			resp, err = re.Response, re.Err
		}
		a.line("http request failed", req, resp, err)
	})
}

// requestPath is the path a request was sent to, or of its unresolved URL
// when it never got that far.
func requestPath(req *resty.Request) string {
	if req.RawRequest != nil && req.RawRequest.URL != nil {
		return pathOf(req.RawRequest.URL)
	}
	return URLPath(req.URL)
}
