package option

import "time"

// DefaultMaxRetryAfter is the longest Retry-After that is waited out when
// Retry.MaxRetryAfter is 0.
const DefaultMaxRetryAfter = 60 * time.Second

// Retry is the retry policy of a provider client. The zero value never
// retries. Only idempotent requests are retried (GET, and the calls a provider
// marks safe, such as WeChat's immediate-service reply that carries an
// idempotency key), on transport errors, 429 and 5xx; every attempt is signed
// afresh.
type Retry struct {
	// MaxRetries is the number of retries after the first attempt; 0 means
	// none.
	MaxRetries int
	// MinWait and MaxWait bound the exponential backoff with jitter between
	// attempts: retry n+1 (n from 0) waits between half and all of
	// min(MaxWait, MinWait<<n), never less than MinWait. MinWait 0 means no
	// wait (tests); a MaxWait below MinWait is MinWait.
	MinWait, MaxWait time.Duration
	// MaxRetryAfter is the longest Retry-After (seconds or HTTP-date, on 429
	// and 503) that is honoured: the retry waits it out in full, or MinWait if
	// that is longer; 0 or a past date means the backoff. A response asking
	// for a longer wait is not retried but returned. 0 means
	// DefaultMaxRetryAfter; negative means any positive Retry-After ends
	// retrying.
	MaxRetryAfter time.Duration
	// RetryWrites also retries requests that are not idempotent (POST, PUT,
	// PATCH, DELETE). A write that the provider applied before the
	// connection broke is then applied twice.
	RetryWrites bool
}

// DefaultRetry is the policy a client uses unless WithRetry says otherwise: 2
// retries, backoff from 200 ms up to 3 s, Retry-After honoured up to
// DefaultMaxRetryAfter, reads only.
func DefaultRetry() Retry {
	return Retry{
		MaxRetries:    2,
		MinWait:       200 * time.Millisecond,
		MaxWait:       3 * time.Second,
		MaxRetryAfter: DefaultMaxRetryAfter,
	}
}
