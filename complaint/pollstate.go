package complaint

import (
	"container/list"
	"context"
	"errors"
	"iter"
	"sync"
	"time"
)

// PollState is what a Poller remembers between polls and across restarts,
// kept apart from the handler's de-duplication Store: for each source, the
// poll lease, when the last poll started and where the last complete window
// ended; for each complaint, what last reached the sink (Seen); and for each
// source, the complaints still open, which the poller re-reads because
// providers list by creation date.
//
// Every method is one operation on the backing store, so that it maps onto
// one round trip: in Redis a hash per source with a script for BeginPoll and
// EndPoll, a hash per complaint for Recall and Remember (HGETALL, HSET of the
// given fields), and a hash per source for the open set (HSET, HDEL, HSCAN).
// Times are passed in by the caller and compared as given: an implementation
// never reads its own clock for the lease or the interval (a key TTL used
// only to collect garbage, far longer than any lease, is fine). Replicas
// sharing one PollState then agree as long as their clocks do roughly.
//
// Keys are opaque strings (the poller builds them from a Ref); source names
// are the names given to the Poller. Implementations must be safe for
// concurrent use, and BeginPoll and EndPoll must be atomic across every
// process that shares the state. complainttest.TestPollState checks an
// implementation against this contract.
type PollState interface {
	// BeginPoll takes the poll lease on source at now, for lease, unless
	// another holder's lease is still live (now before its end) or the last
	// poll of source started less than minInterval before now. On success it
	// records now as the start of the last poll before returning, so that a
	// process that crashes mid-poll and restarts cannot poll again before
	// minInterval, and returns a ticket with a fresh Token and the Watermark
	// of the last completed poll. When refused it changes nothing and returns
	// a ticket without a token whose NotBefore is the earliest time a
	// BeginPoll with the same minInterval can succeed.
	BeginPoll(ctx context.Context, source string, now time.Time, minInterval, lease time.Duration) (PollTicket, error)
	// EndPoll ends the poll that token holds: it releases the lease and, when
	// watermark is not zero, records it as the end of the last complete
	// window. It succeeds as long as no other BeginPoll took the lease over
	// since, even after the lease ran out; otherwise it changes nothing and
	// returns an error matching ErrPollLeaseLost.
	EndPoll(ctx context.Context, source, token string, watermark time.Time) error
	// Recall returns what is remembered of the complaint key: the zero Seen
	// when nothing is.
	Recall(ctx context.Context, key string) (Seen, error)
	// Remember merges s into what is remembered of key: each non-zero field
	// of s replaces the stored one, zero fields keep it. The handler records a
	// fingerprint without touching the poller's deadline marks this way.
	Remember(ctx context.Context, key string, s Seen) error
	// Track puts ref, under key, in source's open set (replacing an earlier
	// entry of key).
	Track(ctx context.Context, source, key string, ref Ref) error
	// Untrack takes key out of source's open set; an absent key is no error.
	Untrack(ctx context.Context, source, key string) error
	// Tracked yields source's open set, in any order, and a final error if
	// reading it failed.
	Tracked(ctx context.Context, source string) iter.Seq2[Ref, error]
}

// PollTicket is BeginPoll's answer.
type PollTicket struct {
	// Token holds the lease, for EndPoll; empty when the poll was refused.
	Token string
	// Watermark is the end of the last complete window, as recorded by
	// EndPoll; zero when no poll of the source has completed yet.
	Watermark time.Time
	// NotBefore is, for a refused poll, the earliest time a BeginPoll with the
	// same minInterval can succeed: the end of the live lease or the last
	// start plus minInterval, whichever is later. Zero when granted.
	NotBefore time.Time
}

// Granted reports whether the ticket holds the lease.
func (t PollTicket) Granted() bool { return t.Token != "" }

// Seen is what a PollState remembers of one complaint.
type Seen struct {
	// Fingerprint is the Fingerprint of the complaint's version that last
	// reached the sink, by a poll or through a callback.
	Fingerprint string `json:"fingerprint,omitempty"`
	// DueSoon is the deadline for which a KindDueSoon event reached the sink.
	DueSoon time.Time `json:"due_soon,omitzero"`
	// Overdue is the deadline for which a KindOverdue event reached the sink.
	Overdue time.Time `json:"overdue,omitzero"`
}

// merge returns s with every non-zero field of o.
func (s Seen) merge(o Seen) Seen {
	if o.Fingerprint != "" {
		s.Fingerprint = o.Fingerprint
	}
	if !o.DueSoon.IsZero() {
		s.DueSoon = o.DueSoon
	}
	if !o.Overdue.IsZero() {
		s.Overdue = o.Overdue
	}
	return s
}

// ErrPollLeaseLost is EndPoll's answer when another poll took the lease over
// since BeginPoll: the poll outlived its lease and its watermark is dropped.
var ErrPollLeaseLost = errors.New("complaint: poll lease lost to another holder")

// DefaultPollStateMaxEntries bounds a MemoryPollState: the complaints it
// remembers, and the open complaints it tracks per source.
const DefaultPollStateMaxEntries = 100_000

// MemoryPollState is the default PollState: in memory, for one process. It
// remembers at most its bound of complaints (DefaultPollStateMaxEntries or
// WithPollStateMaxEntries), forgetting the least recently used first: those
// are the complaints the poller no longer lists or re-reads, so forgetting
// them costs nothing unless a callback for them arrives later. Each source's
// open set has the same bound and forgets its longest-tracked entries first (the
// poller then stops re-reading them; callbacks and the window still bring
// their changes). The poll records of sources are few and never forgotten.
// Nothing survives a restart: give the Poller a persistent PollState to keep
// a restart from emitting again or polling early.
type MemoryPollState struct {
	mu    sync.Mutex
	max   int
	polls map[string]*pollRecord
	seen  *lru[Seen]
	open  map[string]*lru[Ref]
}

type pollRecord struct {
	token      string
	leaseUntil time.Time
	started    time.Time
	watermark  time.Time
}

// PollStateOption configures NewMemoryPollState.
type PollStateOption func(*MemoryPollState)

// WithPollStateMaxEntries sets the bound; n <= 0 keeps
// DefaultPollStateMaxEntries.
func WithPollStateMaxEntries(n int) PollStateOption {
	return func(s *MemoryPollState) {
		if n > 0 {
			s.max = n
		}
	}
}

// NewMemoryPollState returns an empty MemoryPollState.
func NewMemoryPollState(opts ...PollStateOption) *MemoryPollState {
	s := &MemoryPollState{max: DefaultPollStateMaxEntries, polls: map[string]*pollRecord{}, open: map[string]*lru[Ref]{}}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.seen = newLRU[Seen](s.max)
	return s
}

// BeginPoll implements PollState.
func (s *MemoryPollState) BeginPoll(ctx context.Context, source string, now time.Time, minInterval, lease time.Duration) (PollTicket, error) {
	if err := CheckContext(ctx); err != nil {
		return PollTicket{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.polls[source]
	if r == nil {
		r = &pollRecord{}
		s.polls[source] = r
	}
	if t, ok := r.refusal(now, minInterval); !ok {
		return t, nil
	}
	r.token = NewLeaseToken()
	r.leaseUntil = now.Add(lease)
	r.started = now
	return PollTicket{Token: r.token, Watermark: r.watermark}, nil
}

// refusal returns the refused ticket and false when a poll may not start at
// now.
func (r *pollRecord) refusal(now time.Time, minInterval time.Duration) (PollTicket, bool) {
	var notBefore time.Time
	if r.token != "" && now.Before(r.leaseUntil) {
		notBefore = r.leaseUntil
	}
	if !r.started.IsZero() {
		if next := r.started.Add(minInterval); now.Before(next) && next.After(notBefore) {
			notBefore = next
		}
	}
	if notBefore.IsZero() {
		return PollTicket{}, true
	}
	return PollTicket{NotBefore: notBefore}, false
}

// EndPoll implements PollState.
func (s *MemoryPollState) EndPoll(ctx context.Context, source, token string, watermark time.Time) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.polls[source]
	if r == nil || token == "" || r.token != token {
		return ErrPollLeaseLost
	}
	r.token, r.leaseUntil = "", time.Time{}
	if !watermark.IsZero() {
		r.watermark = watermark
	}
	return nil
}

// Recall implements PollState.
func (s *MemoryPollState) Recall(ctx context.Context, key string) (Seen, error) {
	if err := CheckContext(ctx); err != nil {
		return Seen{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, _ := s.seen.get(key)
	return v, nil
}

// Remember implements PollState.
func (s *MemoryPollState) Remember(ctx context.Context, key string, seen Seen) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, _ := s.seen.get(key)
	s.seen.put(key, v.merge(seen))
	return nil
}

// Track implements PollState.
func (s *MemoryPollState) Track(ctx context.Context, source, key string, ref Ref) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.open[source]
	if set == nil {
		set = newLRU[Ref](s.max)
		s.open[source] = set
	}
	set.put(key, ref)
	return nil
}

// Untrack implements PollState.
func (s *MemoryPollState) Untrack(ctx context.Context, source, key string) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if set := s.open[source]; set != nil {
		set.remove(key)
	}
	return nil
}

// Tracked implements PollState. It yields a snapshot taken when the loop
// starts.
func (s *MemoryPollState) Tracked(ctx context.Context, source string) iter.Seq2[Ref, error] {
	return func(yield func(Ref, error) bool) {
		if err := CheckContext(ctx); err != nil {
			yield(Ref{}, err)
			return
		}
		s.mu.Lock()
		var refs []Ref
		if set := s.open[source]; set != nil {
			refs = set.values()
		}
		s.mu.Unlock()
		for _, r := range refs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Len reports how many complaints are remembered and how many are tracked
// as open, over all sources.
func (s *MemoryPollState) Len() (seen, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, set := range s.open {
		open += set.len()
	}
	return s.seen.len(), open
}

// lru is a map bounded to max entries that forgets the least recently used
// first. Not safe for concurrent use.
type lru[V any] struct {
	max   int
	items map[string]*list.Element
	order list.List // front: most recently used
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, items: map[string]*list.Element{}}
}

func (l *lru[V]) get(key string) (V, bool) {
	if e, ok := l.items[key]; ok {
		l.order.MoveToFront(e)
		return e.Value.(*lruEntry[V]).val, true
	}
	var zero V
	return zero, false
}

func (l *lru[V]) put(key string, v V) {
	if e, ok := l.items[key]; ok {
		e.Value.(*lruEntry[V]).val = v
		l.order.MoveToFront(e)
		return
	}
	l.items[key] = l.order.PushFront(&lruEntry[V]{key: key, val: v})
	for len(l.items) > l.max {
		l.remove(l.order.Back().Value.(*lruEntry[V]).key)
	}
}

func (l *lru[V]) remove(key string) {
	if e, ok := l.items[key]; ok {
		l.order.Remove(e)
		delete(l.items, key)
	}
}

func (l *lru[V]) len() int { return len(l.items) }

// values returns the values, most recently used first.
func (l *lru[V]) values() []V {
	out := make([]V, 0, len(l.items))
	for e := l.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*lruEntry[V]).val)
	}
	return out
}
