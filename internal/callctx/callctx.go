package callctx

import (
	"context"
	"time"
)

type noRetryKey struct{}

// WithoutRetry marks requests made with the returned context to be attempted
// exactly once, idempotent or not, whatever the client's retry policy: for a
// caller working under a deadline of its own (the callback handler's
// enrichment), a retry costs time it does not have. A nil ctx is returned as
// nil, so that the call it is passed to reports it (complaint.CheckContext)
// rather than this function panicking.
func WithoutRetry(ctx context.Context) context.Context {
	if ctx == nil {
		return nil
	}
	return context.WithValue(ctx, noRetryKey{}, true)
}

// RetryDisabled reports whether ctx, or a context it was derived from, was
// marked with [WithoutRetry]. A nil ctx is not marked.
func RetryDisabled(ctx context.Context) bool {
	if ctx == nil {
		return false
	}
	marked, _ := ctx.Value(noRetryKey{}).(bool)
	return marked
}

// Sleep waits d, or returns ctx.Err() as soon as ctx is done: the wait of a
// retry loop (the HTTP layer's backoff, the poller's) that must end with its
// context.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
