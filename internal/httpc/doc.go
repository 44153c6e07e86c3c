// Package httpc is the HTTP plumbing every provider client shares: one
// constructor, [New], that turns [Options] into a configured resty client with
// the house retry policy, response size limit and logging.
//
// Retry policy. Only idempotent requests are retried: GET, HEAD, OPTIONS and
// TRACE, a request whose context was marked with [Idempotent], or any request
// when [option.Retry.RetryWrites] is set; a request whose context was marked with
// callctx.WithoutRetry is attempted once, whatever the policy. Such a request
// is retried after a transport error (unless the caller's context is done), a
// 429 or a 5xx, never after another 4xx. The waits between attempts are
// resty's exponential backoff with jitter between [option.Retry.MinWait] and
// [option.Retry.MaxWait]. A Retry-After on 429 or 503 is waited out in full up to
// [option.Retry.MaxRetryAfter], even beyond MaxWait; a longer one ends retrying and
// the response is returned as is, so the provider can map it to its
// rate-limit error. Waits between attempts end as soon as the request's
// context is done.
//
// Request bodies given as []byte, string, form data or a value resty marshals
// are rebuilt for every attempt and re-sent byte for byte. A body given as an
// io.Reader can be read only once, so such a request is never retried.
//
// Logging goes to a [log/slog.Logger] (none by default) and says little, so
// that there is nothing to redact: one Debug line per attempt with the method,
// the URL path ([URLPath]: no host, user info, query or fragment, which is
// where Allinpay and PAYJS put their signatures), the status, the attempt, the
// duration and the provider's request id ([Options.RequestIDHeader]); for a
// failure, the error reduced by [ErrorText]. resty's own warnings and errors
// are reduced the same way and its debug dump is dropped. Headers, queries and
// bodies are never logged.
//
// Providers keep resty out of their public API; this package is internal.
package httpc
