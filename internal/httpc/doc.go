// Package httpc is the HTTP plumbing every provider client shares: one
// constructor, [New], that turns [Options] into a configured resty client with
// the house retry policy, response size limit and logging, plus the redaction
// helpers ([Redact], [RedactHeader], [RedactURL]) that keep signatures, keys
// and Authorization values out of logs and error messages.
//
// Retry policy. Only idempotent requests are retried: GET, HEAD, OPTIONS and
// TRACE, a request whose context was marked with [Idempotent], or any request
// when [Retry.RetryWrites] is set. Such a request is retried after a transport
// error (unless the caller's context is done), a 429 or a 5xx, never after
// another 4xx. A Retry-After on 429 or 503 is honoured up to
// [Retry.MaxRetryAfter]; a longer one ends retrying and the response is
// returned as is, so the provider can map it to its rate-limit error. Waits
// between attempts end as soon as the request's context is done.
//
// Request bodies given as []byte, string, form data or a value resty marshals
// are rebuilt for every attempt and re-sent byte for byte. A body given as an
// io.Reader can be read only once, so such a request is never retried.
//
// Logging goes to a [log/slog.Logger] (none by default): resty's own messages,
// passed through [Redact], and one Debug line per attempt with method,
// redacted URL, status, attempt, duration and the provider's request id.
// Bodies are never logged.
//
// Providers keep resty out of their public API; this package is internal.
package httpc
