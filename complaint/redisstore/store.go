package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
)

// DefaultPrefix namespaces every key the store writes when no WithPrefix is
// given. Lease keys live under DefaultPrefix + "lease:".
const DefaultPrefix = "tousu:"

// doneValue is what a committed key holds. A lease holds its token instead,
// which complaint.NewLeaseToken makes 32 hex digits, so the two never meet;
// the release script checks anyway, so that no caller-supplied token can free
// a done key.
const doneValue = "done"

// Claim answers, as the claim script returns them.
const (
	claimedNew      = 1
	claimedInFlight = 2
	claimedDone     = 3
)

// claimScript takes the lease with SET NX PX when the key is free and
// otherwise tells a done key from one in flight, in one round trip and
// atomically (a script runs alone on its node).
//
//	KEYS[1] the lease key
//	ARGV[1] the new token, ARGV[2] the lease in milliseconds, ARGV[3] doneValue
var claimScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
	return 1
end
if redis.call('GET', KEYS[1]) == ARGV[3] then
	return 3
end
return 2
`)

// releaseScript deletes the key only while it still holds the caller's token:
// a stale holder whose lease expired and was taken over, or whose event was
// committed since, deletes nothing.
//
//	KEYS[1] the lease key
//	ARGV[1] the caller's token, ARGV[2] doneValue
var releaseScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] and v ~= ARGV[2] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Store keeps on Redis both what the callback handler and what the Poller
// remember, for every replica that uses the same Redis and prefix: it is a
// complaint.Store (the handler's de-duplication leases, complaint.WithStore)
// and a complaint.PollState (the poller's leases, watermarks, fingerprints
// and open sets, complaint.WithPollState and complaint.WithSharedPollState).
// The two live under different keys and share only the prefix and the
// client. It holds no state of its own beyond its settings, so it is safe
// for concurrent use and cheap to create.
type Store struct {
	client    redis.UniversalClient
	prefix    string
	ttl       time.Duration
	retention time.Duration
}

// Option configures New.
type Option func(*Store)

// WithPrefix sets the namespace of the store's keys (DefaultPrefix when p is
// empty). Replicas that de-duplicate together must use the same prefix;
// applications sharing one Redis use different ones. A prefix holding a Redis
// Cluster hash tag ("{tousu}:") puts every key in one slot: it works, and
// concentrates the load on one node.
func WithPrefix(p string) Option {
	return func(s *Store) {
		if p != "" {
			s.prefix = p
		}
	}
}

// WithTTL sets how long a committed key stays done (complaint.DefaultStoreTTL
// when d <= 0, a week, which covers every provider's redelivery schedule).
// Redis keeps time in milliseconds; a shorter d is one millisecond.
func WithTTL(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.ttl = max(d, time.Millisecond)
		}
	}
}

// WithRetention sets how long the poll state keeps a source's record and open
// set after its last poll, and a complaint's Seen record after it was last
// recalled or remembered (DefaultRetention when d <= 0). It must be far longer
// than the poll interval (PAYJS: 4 hours) and than the overlap of the poll
// windows; a record forgotten too early makes the poller emit a complaint's
// current version again. The handler's done keys keep WithTTL instead.
func WithRetention(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.retention = max(d, time.Millisecond)
		}
	}
}

// New returns a Store on client: a *redis.Client, a *redis.ClusterClient, a
// failover client or a *redis.Ring. The client's own settings (timeouts,
// retries, pool size) apply to every call; the store never closes it.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{client: client, prefix: DefaultPrefix, ttl: complaint.DefaultStoreTTL, retention: DefaultRetention}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

var _ complaint.Store = (*Store)(nil)

// leaseKey is the Redis key of an event key: the prefix, "lease:" and the key
// as given, whatever bytes it holds (Redis keys are binary-safe).
func (s *Store) leaseKey(key string) string { return s.prefix + "lease:" + key }

// Claim implements complaint.Store in one round trip (the claim script). A
// lease of 0 or less uses complaint.DefaultLease. A Redis error (connection
// refused, timeout, a cluster that lost the slot) is returned wrapped, and the
// handler answers the provider's failure acknowledgement, so the provider
// delivers again.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (complaint.ClaimState, string, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return 0, "", err
	}
	if lease <= 0 {
		lease = complaint.DefaultLease
	}
	token := complaint.NewLeaseToken()
	n, err := claimScript.Run(ctx, s.client, []string{s.leaseKey(key)}, token, millis(lease), doneValue).Int()
	if err != nil {
		return 0, "", fmt.Errorf("redisstore: claim: %w", err)
	}
	switch n {
	case claimedNew:
		return complaint.ClaimNew, token, nil
	case claimedInFlight:
		return complaint.ClaimInFlight, "", nil
	case claimedDone:
		return complaint.ClaimDone, "", nil
	}
	return 0, "", fmt.Errorf("redisstore: claim: the script answered %d", n)
}

// Commit implements complaint.Store with one SET PX: the key is done for the
// store's TTL, whoever held its lease.
func (s *Store) Commit(ctx context.Context, key string) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if err := s.client.Set(ctx, s.leaseKey(key), doneValue, s.ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: commit: %w", err)
	}
	return nil
}

// Release implements complaint.Store with one round trip (the release
// script, a compare-and-delete on the token).
func (s *Store) Release(ctx context.Context, key, token string) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if err := releaseScript.Run(ctx, s.client, []string{s.leaseKey(key)}, token, doneValue).Err(); err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}

// millis is d in whole milliseconds, at least 1: PX takes no zero.
func millis(d time.Duration) int64 { return max(d.Milliseconds(), 1) }
