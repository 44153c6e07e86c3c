package complaint

import (
	"context"
	"sync"
	"time"
)

// Store remembers which events were handled, so a redelivered event reaches the
// sink once. It is two calls, small enough to back with Redis (SET NX EX / DEL) or
// SQL (INSERT ... ON CONFLICT DO NOTHING / DELETE). Implementations must be safe
// for concurrent use and make Claim atomic.
type Store interface {
	// Claim records key and reports true if it was not recorded yet; false means a
	// duplicate.
	Claim(ctx context.Context, key string) (bool, error)
	// Release forgets key, after the sink failed, so a redelivery is handled.
	Release(ctx context.Context, key string) error
}

// Defaults of the in-memory store. WeChat redelivers for up to two hours under its
// current rules and has used schedules up to a week; keeping keys a week covers
// every documented schedule.
const (
	DefaultStoreTTL        = 7 * 24 * time.Hour
	DefaultStoreMaxEntries = 100_000
)

// MemoryStore is the default Store: in memory, bounded in size, with entries
// expiring after a TTL. When full it forgets the oldest keys first. It suits a
// single process; several replicas behind a load balancer need a shared Store.
type MemoryStore struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	now   func() time.Time
	keys  map[string]time.Time // key -> expiry
	queue []queued             // insertion order = expiry order (the TTL is fixed)
	head  int
}

type queued struct {
	key    string
	expiry time.Time
}

// MemoryOption configures NewMemoryStore.
type MemoryOption func(*MemoryStore)

// WithTTL sets how long a key is remembered; d <= 0 keeps DefaultStoreTTL.
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
	s := &MemoryStore{ttl: DefaultStoreTTL, max: DefaultStoreMaxEntries, now: time.Now, keys: map[string]time.Time{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	if exp, ok := s.keys[key]; ok && now.Before(exp) {
		return false, nil
	}
	exp := now.Add(s.ttl)
	s.keys[key] = exp
	s.queue = append(s.queue, queued{key: key, expiry: exp})
	for len(s.keys) > s.max {
		s.popOldest()
	}
	s.compact()
	return true, nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
	return nil
}

// Len reports how many keys are remembered.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(s.now())
	return len(s.keys)
}

// expire drops keys whose time is up, oldest first.
func (s *MemoryStore) expire(now time.Time) {
	for s.head < len(s.queue) && !now.Before(s.queue[s.head].expiry) {
		s.popOldest()
	}
}

// popOldest removes the oldest queue entry and its key, unless the key was
// released or claimed again since (then the map holds another expiry).
func (s *MemoryStore) popOldest() {
	q := s.queue[s.head]
	s.queue[s.head] = queued{}
	s.head++
	if exp, ok := s.keys[q.key]; ok && exp.Equal(q.expiry) {
		delete(s.keys, q.key)
	}
}

// compact keeps the queue from growing without bound under release/claim churn.
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
			if exp, ok := s.keys[q.key]; ok && exp.Equal(q.expiry) {
				live = append(live, q)
			}
		}
		clear(s.queue[len(live):])
		s.queue = live
		s.head = 0
	}
}
