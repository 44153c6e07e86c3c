package complaint

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// ClaimState is what Store.Claim found for a key.
type ClaimState int

// Claim states.
const (
	// ClaimNew: nobody handled the key and nobody holds it; the caller now
	// holds a lease on it and must Commit or Release it.
	ClaimNew ClaimState = iota + 1
	// ClaimInFlight: another delivery holds an unexpired lease. The handler
	// answers the provider's failure acknowledgement, so the provider delivers
	// again later, when the first delivery has either committed (then the key is
	// done) or failed (then the key is free).
	ClaimInFlight
	// ClaimDone: the key was committed within the store's TTL; the event
	// reached the sink before.
	ClaimDone
)

// String names the state.
func (s ClaimState) String() string {
	switch s {
	case ClaimNew:
		return "new"
	case ClaimInFlight:
		return "in flight"
	case ClaimDone:
		return "done"
	}
	return "invalid"
}

// Store is the de-duplication store behind the callback handler: a lease per
// event key, so that a redelivered event reaches the sink once when it can and
// is never lost.
//
// A delivery claims the event's key for a lease. Only the holder calls the
// sink. When the sink succeeds the holder commits: the key is done and stays
// done for the store's TTL, and later deliveries of it are answered success
// without calling the sink. When the sink fails the holder releases its lease
// and the next delivery claims the key afresh. A delivery that finds the key in
// flight is answered failure, so the provider retries later, never success: if
// the holder then failed, the retry is what delivers the event. A holder that
// dies between claim and commit (a crashed process) leaves its lease to expire,
// and the first delivery after that claims the key. The sink may therefore see
// an event twice when a holder outlives its lease; it never misses one.
//
// Implementations must be safe for concurrent use, and Claim must be atomic
// across every process that shares the store. The interface is small enough to
// back with one key per event:
//
// Redis (one round trip each):
//
//	Claim:   a script: if GET key is "done" answer done; else SET key token NX PX lease;
//	         OK answers new, otherwise in flight
//	Commit:  SET key "done" PX ttl
//	Release: a script: if GET key == token then DEL key
//
// SQL (a table dedupe(key primary key, token, done, expires_at)):
//
//	Claim:   INSERT ... VALUES (key, token, false, now+lease)
//	         ON CONFLICT (key) DO UPDATE SET token = excluded.token, done = false,
//	           expires_at = excluded.expires_at
//	         WHERE dedupe.expires_at <= now          -- expired lease or done key
//	         RETURNING token; a returned token equal to ours is new, otherwise
//	         SELECT done to tell done from in flight
//	Commit:  UPDATE dedupe SET done = true, expires_at = now+ttl WHERE key = $1
//	Release: DELETE FROM dedupe WHERE key = $1 AND token = $2 AND NOT done
//
// complainttest.TestStore checks an implementation against this contract.
type Store interface {
	// Claim takes a lease on key for the given duration unless the key is done
	// or leased by someone else. For ClaimNew it returns the lease's token,
	// which Release needs; for the other states the token is empty.
	Claim(ctx context.Context, key string, lease time.Duration) (ClaimState, string, error)
	// Commit marks key done for the store's TTL, whoever holds its lease: the
	// sink succeeded, so the event is handled.
	Commit(ctx context.Context, key string) error
	// Release drops the lease on key if token still holds it, so that the next
	// delivery is handled. It does nothing when the key is done or another
	// delivery has taken it over since.
	Release(ctx context.Context, key, token string) error
}

// NewLeaseToken returns a random token for a Store lease: 16 bytes from
// crypto/rand, hex-encoded.
func NewLeaseToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}

// ErrInFlight is the handler's answer to a delivery whose event is being
// handled by another delivery right now. It is acknowledged as a failure, so
// the provider delivers again later.
var ErrInFlight = errors.New("complaint: event is being handled by another delivery")

// Defaults of the in-memory store and the handler's lease. WeChat redelivers
// for up to two hours under its current rules and has used schedules up to a
// week; keeping done keys a week covers every documented schedule.
const (
	DefaultStoreTTL        = 7 * 24 * time.Hour
	DefaultStoreMaxEntries = 100_000
	// DefaultLease is how long a delivery holds an event's key: far longer than
	// a callback may take (WithCallbackTimeout), short enough that a crashed
	// holder's event is delivered again within the provider's retry schedule.
	DefaultLease = 2 * time.Minute
)

// MemoryStore is the default Store: in memory, bounded in size, with done keys
// expiring after a TTL and leases after their own duration. When full it forgets
// the least recently changed keys first. It suits a single process; several
// replicas behind a load balancer need a shared Store.
type MemoryStore struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	now   func() time.Time
	keys  map[string]memEntry
	queue []queued // keys in the order they last changed; stale records skipped
	head  int
	seq   uint64
}

type memEntry struct {
	token   string // "" once done
	done    bool
	expires time.Time
	seq     uint64 // the queue record that is current for this key
}

type queued struct {
	key string
	seq uint64
}

// MemoryOption configures NewMemoryStore.
type MemoryOption func(*MemoryStore)

// WithTTL sets how long a done key is remembered; d <= 0 keeps DefaultStoreTTL.
func WithTTL(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.ttl = d
		}
	}
}

// WithMaxEntries bounds the number of keys; n <= 0 keeps DefaultStoreMaxEntries.
func WithMaxEntries(n int) MemoryOption {
	return func(s *MemoryStore) {
		if n > 0 {
			s.max = n
		}
	}
}

// WithStoreClock sets the clock used for expiry (tests).
func WithStoreClock(now func() time.Time) MemoryOption {
	return func(s *MemoryStore) {
		if now != nil {
			s.now = now
		}
	}
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{ttl: DefaultStoreTTL, max: DefaultStoreMaxEntries, now: time.Now, keys: map[string]memEntry{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Claim implements Store. A lease of 0 or less uses DefaultLease.
func (s *MemoryStore) Claim(_ context.Context, key string, lease time.Duration) (ClaimState, string, error) {
	if lease <= 0 {
		lease = DefaultLease
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	if e, ok := s.keys[key]; ok && now.Before(e.expires) {
		if e.done {
			return ClaimDone, "", nil
		}
		return ClaimInFlight, "", nil
	}
	token := NewLeaseToken()
	s.set(key, memEntry{token: token, expires: now.Add(lease)})
	return ClaimNew, token, nil
}

// Commit implements Store.
func (s *MemoryStore) Commit(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set(key, memEntry{done: true, expires: s.now().Add(s.ttl)})
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.keys[key]; ok && !e.done && e.token == token {
		delete(s.keys, key)
	}
	return nil
}

// Len reports how many keys are remembered (leased or done, not expired).
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	n := 0
	for _, e := range s.keys {
		if now.Before(e.expires) {
			n++
		}
	}
	return n
}

// set stores e under key as its newest change and evicts the least recently
// changed keys beyond the bound.
func (s *MemoryStore) set(key string, e memEntry) {
	s.seq++
	e.seq = s.seq
	s.keys[key] = e
	s.queue = append(s.queue, queued{key: key, seq: e.seq})
	for len(s.keys) > s.max {
		s.popOldest()
	}
	s.compact()
}

// expire drops keys from the front of the queue while they have expired or
// their record is stale. A short lease behind a long-lived done key waits for
// that key to leave the front; the size bound still holds.
func (s *MemoryStore) expire(now time.Time) {
	for s.head < len(s.queue) {
		q := s.queue[s.head]
		if e, ok := s.keys[q.key]; ok && e.seq == q.seq && now.Before(e.expires) {
			return
		}
		s.popOldest()
	}
}

// popOldest removes the oldest queue record and its key, unless the key changed
// since (then a newer record is current) or was released.
func (s *MemoryStore) popOldest() {
	q := s.queue[s.head]
	s.queue[s.head] = queued{}
	s.head++
	if e, ok := s.keys[q.key]; ok && e.seq == q.seq {
		delete(s.keys, q.key)
	}
}

// compact keeps the queue from growing without bound under churn.
func (s *MemoryStore) compact() {
	if s.head > 0 && s.head >= len(s.queue)/2 {
		n := copy(s.queue, s.queue[s.head:])
		clear(s.queue[n:])
		s.queue = s.queue[:n]
		s.head = 0
	}
	if len(s.queue)-s.head > 2*s.max+16 {
		live := s.queue[:0]
		for _, q := range s.queue[s.head:] {
			if e, ok := s.keys[q.key]; ok && e.seq == q.seq {
				live = append(live, q)
			}
		}
		clear(s.queue[len(live):])
		s.queue = live
		s.head = 0
	}
}
