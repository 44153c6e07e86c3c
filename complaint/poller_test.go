package complaint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pollBase is when the poller tests' clocks start.
var pollBase = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func clockAt(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.t.Store(t.UnixNano())
	return c
}

// memSource is an in-memory provider for the poller: List filters by
// creation time over [Since, Until) and yields copies, Get reads one; both
// count their calls and can be told to fail.
type memSource struct {
	provider Provider
	mu       sync.Mutex
	byID     map[string]*Complaint
	lists    []ListOptions
	gets     []string
	listErr  []error // consumed one per List call; nil entries succeed
	getErr   map[string]error
	noGet    bool
}

func newMemSource(p Provider, cs ...*Complaint) *memSource {
	s := &memSource{provider: p, byID: map[string]*Complaint{}, getErr: map[string]error{}}
	for _, c := range cs {
		s.put(c)
	}
	return s
}

func (s *memSource) put(c *Complaint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := *c
	cp.Provider = s.provider
	s.byID[c.ID] = &cp
}

// change edits a held complaint.
func (s *memSource) change(id string, f func(*Complaint)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.byID[id])
}

func (s *memSource) Provider() Provider { return s.provider }

func (s *memSource) List(ctx context.Context, o ListOptions) iter.Seq2[*Complaint, error] {
	return func(yield func(*Complaint, error) bool) {
		s.mu.Lock()
		s.lists = append(s.lists, o)
		var err error
		if len(s.listErr) > 0 {
			err, s.listErr = s.listErr[0], s.listErr[1:]
		}
		var all []Complaint
		for _, c := range s.byID {
			if !c.CreatedAt.Before(o.Since) && c.CreatedAt.Before(o.Until) {
				all = append(all, *c)
			}
		}
		s.mu.Unlock()
		if err != nil {
			yield(nil, err)
			return
		}
		sort.Slice(all, func(i, j int) bool { return all[i].CreatedAt.Before(all[j].CreatedAt) })
		for i := range all {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(&all[i], nil) {
				return
			}
		}
	}
}

func (s *memSource) Get(ctx context.Context, ref Ref) (*Complaint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets = append(s.gets, ref.ID)
	if s.noGet {
		return nil, fmt.Errorf("mem: %w", ErrUnsupported)
	}
	if err := s.getErr[ref.ID]; err != nil {
		return nil, err
	}
	c, ok := s.byID[ref.ID]
	if !ok {
		return nil, fmt.Errorf("mem: %w", ErrNotFound)
	}
	cp := *c
	return &cp, nil
}

func (s *memSource) History(context.Context, Ref) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) { yield(nil, ErrUnsupported) }
}

func (s *memSource) listCalls() []ListOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.lists)
}

func (s *memSource) getCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gets)
}

// throttledSource is a memSource with a provider's polling limit (PAYJS).
type throttledSource struct {
	*memSource
	min time.Duration
}

func (s throttledSource) MinPollInterval() time.Duration { return s.min }

// eventLog is a sink that records events and can fail or panic on command.
type eventLog struct {
	mu     sync.Mutex
	events []Event
	fail   func(e *Event) error
}

func (l *eventLog) HandleEvent(_ context.Context, e *Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		if err := l.fail(e); err != nil {
			return err
		}
	}
	l.events = append(l.events, *e)
	return nil
}

// take returns the events recorded since the last take, as "kind:id" of
// the complaint, in order.
func (l *eventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.events {
		out = append(out, string(e.Kind)+":"+e.Ref.ID)
	}
	l.events = nil
	return out
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func pending(id string, created time.Time) *Complaint {
	return &Complaint{ID: id, State: StatePending, ProviderState: "PENDING", CreatedAt: created, Amount: CNY(100)}
}

func newTestPoller(t *testing.T, sink Sink, clk *fakeClock, srcs []PollSource, opts ...PollerOption) *Poller {
	t.Helper()
	opts = append([]PollerOption{WithPollerClock(clk.now), WithRereadSpacing(0)}, opts...)
	p, err := NewPoller(sink, srcs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func pollOnce(t *testing.T, p *Poller) {
	t.Helper()
	if err := p.PollOnce(context.Background()); err != nil {
		t.Fatalf("PollOnce: %v", err)
	}
}

func wantEvents(t *testing.T, l *eventLog, want ...string) {
	t.Helper()
	got := l.take()
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

func TestPollerEmitsNewAndChangedOnceWithStableIDs(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("mem",
		pending("a", pollBase.Add(-3*time.Hour)), pending("b", pollBase.Add(-2*time.Hour)), pending("c", pollBase.Add(-time.Hour)))
	log := &eventLog{}
	p := newTestPoller(t, log, clk, []PollSource{{Name: "mem", Source: src}})

	pollOnce(t, p)
	first := log.all()
	wantEvents(t, log, "created:a", "created:b", "created:c")
	for _, e := range first {
		fp := Fingerprint(e.Complaint)
		if want := DeriveEventID("mem", "mem/"+e.Ref.ID, fp); e.ID != want {
			t.Errorf("event id of %s = %q, want DeriveEventID(provider, key, fingerprint) = %q", e.Ref.ID, e.ID, want)
		}
		if !e.Time.Equal(e.Complaint.CreatedAt) || e.Ref != e.Complaint.Ref() {
			t.Errorf("created event %s: time %v ref %v", e.Ref.ID, e.Time, e.Ref)
		}
	}

	clk.advance(10 * time.Minute)
	pollOnce(t, p)
	wantEvents(t, log)

	src.change("b", func(c *Complaint) {
		c.State, c.ProviderState = StateProcessing, "PROCESSING"
		c.UpdatedAt = pollBase.Add(5 * time.Minute)
	})
	clk.advance(10 * time.Minute)
	pollOnce(t, p)
	upd := log.all()
	wantEvents(t, log, "updated:b")
	if upd[0].ID == first[1].ID || !upd[0].Time.Equal(pollBase.Add(5*time.Minute)) || upd[0].Complaint.State != StateProcessing {
		t.Fatalf("updated event %+v: want a new id, the provider's update time and the new state", upd[0])
	}

	// Another process with a fresh state derives the same ids for the same
	// versions: a sink can de-duplicate on them.
	other := &eventLog{}
	pollOnce(t, newTestPoller(t, other, clk, []PollSource{{Name: "mem", Source: src}}))
	ids := map[string]string{}
	for _, e := range other.all() {
		ids[e.Ref.ID] = e.ID
	}
	if ids["a"] != first[0].ID || ids["c"] != first[2].ID || ids["b"] != upd[0].ID {
		t.Fatalf("ids in another process %v; first %q %q, update %q", ids, first[0].ID, first[2].ID, upd[0].ID)
	}
}

func TestPollerSlidingWindowWithOverlap(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))
	log := &eventLog{}
	p := newTestPoller(t, log, clk, []PollSource{{Name: "mem", Source: src, MerchantID: "m1", Channel: ChannelAlipay}},
		WithPollOverlap(20*time.Minute))
	pollOnce(t, p)
	clk.advance(time.Hour)
	pollOnce(t, p)
	calls := src.listCalls()
	want := []ListOptions{
		{Until: pollBase, MerchantID: "m1", Channel: ChannelAlipay},
		{Since: pollBase.Add(-20 * time.Minute), Until: pollBase.Add(time.Hour), MerchantID: "m1", Channel: ChannelAlipay},
	}
	if !slices.EqualFunc(calls, want, sameListOptions) {
		t.Fatalf("List calls %+v, want %+v", calls, want)
	}

	// A lookback bounds the first window; no overlap means windows tile.
	src2 := newMemSource("mem")
	p2 := newTestPoller(t, log, clk, []PollSource{{Name: "x", Source: src2}}, WithLookback(48*time.Hour), WithPollOverlap(0))
	pollOnce(t, p2)
	clk.advance(time.Minute)
	pollOnce(t, p2)
	now := pollBase.Add(time.Hour)
	want = []ListOptions{{Since: now.Add(-48 * time.Hour), Until: now}, {Since: now, Until: now.Add(time.Minute)}}
	if calls := src2.listCalls(); !slices.EqualFunc(calls, want, sameListOptions) {
		t.Fatalf("List calls %+v, want %+v", calls, want)
	}
}

func sameListOptions(a, b ListOptions) bool {
	return a.Since.Equal(b.Since) && a.Until.Equal(b.Until) && a.PageSize == b.PageSize && a.MerchantID == b.MerchantID && a.Channel == b.Channel
}

// A watermark ahead of this replica's clock (another replica's clock runs
// fast) never makes an inverted window.
func TestPollerWatermarkAheadOfTheClock(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	tk, _ := state.BeginPoll(context.Background(), "mem", pollBase.Add(-time.Hour), 0, time.Minute)
	_ = state.EndPoll(context.Background(), "mem", tk.Token, pollBase.Add(3*time.Hour))
	src := newMemSource("mem")
	pollOnce(t, newTestPoller(t, &eventLog{}, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(state)))
	if calls := src.listCalls(); len(calls) != 1 || !calls[0].Since.Equal(pollBase) || !calls[0].Until.Equal(pollBase) {
		t.Fatalf("List calls %+v, want the empty window at now", calls)
	}
}

// A restart with persisted state emits nothing twice, and polls a throttled
// provider no sooner than its limit allows.
func TestPollerRestartWithPersistedState(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	src := throttledSource{newMemSource("payjs", pending("a", pollBase.Add(-2*time.Hour)), pending("b", pollBase.Add(-time.Hour))), 4 * time.Hour}
	srcs := []PollSource{{Name: "payjs-1", Source: src}}
	log := &eventLog{}
	pollOnce(t, newTestPoller(t, log, clk, srcs, WithPollState(state)))
	wantEvents(t, log, "created:a", "created:b")

	// The process restarts a minute later.
	clk.advance(time.Minute)
	p := newTestPoller(t, log, clk, srcs, WithPollState(state))
	pollOnce(t, p)
	if n := len(src.listCalls()); n != 1 {
		t.Fatalf("restarted poller listed %d times within PAYJS's interval, want 1 (the first process's)", n)
	}
	clk.advance(4*time.Hour - time.Minute - time.Second)
	pollOnce(t, p)
	if n := len(src.listCalls()); n != 1 {
		t.Fatalf("listed %d times a second before the interval ended, want 1", n)
	}
	clk.advance(time.Second)
	src.put(pending("c", pollBase.Add(time.Hour)))
	pollOnce(t, p)
	if n := len(src.listCalls()); n != 2 {
		t.Fatalf("listed %d times once the interval passed, want 2", n)
	}
	wantEvents(t, log, "created:c")
}

// crashingState loses EndPoll: the process died before it could end its
// poll.
type crashingState struct{ *MemoryPollState }

func (crashingState) EndPoll(context.Context, string, string, time.Time) error { return nil }

// A process that crashes mid-poll and restarts every few seconds does not
// poll PAYJS again before its interval, under PollOnce and under Run.
func TestPollerCrashLoopDoesNotRepollEarly(t *testing.T) {
	clk := clockAt(pollBase)
	mem := NewMemoryPollState()
	src := throttledSource{newMemSource("payjs", pending("a", pollBase.Add(-time.Hour))), 4 * time.Hour}
	srcs := []PollSource{{Name: "payjs-1", Source: src}}
	log := &eventLog{}
	pollOnce(t, newTestPoller(t, log, clk, srcs, WithPollState(crashingState{mem})))
	for range 100 { // restarts, 2 minutes apart: 200 minutes < 4 hours
		clk.advance(2 * time.Minute)
		pollOnce(t, newTestPoller(t, log, clk, srcs, WithPollState(crashingState{mem})))
	}
	if n := len(src.listCalls()); n != 1 {
		t.Fatalf("a crash loop listed PAYJS %d times within 4 hours, want 1", n)
	}

	// Under Run, the restarted poller sleeps until the state allows a poll.
	var waits []time.Duration
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newTestPoller(t, log, clk, srcs, WithPollState(mem))
	p.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		clk.advance(d)
		if len(waits) == 2 {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	if err := p.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if want := []time.Duration{40 * time.Minute, 4 * time.Hour}; !slices.Equal(waits, want) {
		t.Fatalf("Run waited %v, want %v (until 4 hours after the crashed poll's start, then one interval)", waits, want)
	}
	if n := len(src.listCalls()); n != 2 {
		t.Fatalf("listed %d times, want 2", n)
	}
	wantEvents(t, log, "created:a") // from the first (crashed) poll; the crash did not lose it
}

// statusError is a provider error for an HTTP status, as providers' *APIError
// is for a 5xx: it matches no sentinel.
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("provider: http %d", int(e)) }

// Rate limiting and 5xx answers back off exponentially with jitter, and the
// poll that follows recovers without losing or repeating anything.
func TestPollerBacksOffAndRecovers(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))
	src.listErr = []error{fmt.Errorf("mem: %w", ErrRateLimited), statusError(503), statusError(500), nil, nil}
	log := &eventLog{}
	var logs bytes.Buffer
	p := newTestPoller(t, log, clk, []PollSource{{Name: "mem", Source: src}},
		WithBackoff(10*time.Second, 25*time.Second), WithPollInterval(time.Minute),
		WithPollerLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	var jitterArgs []int64
	p.jitter = func(n int64) int64 { jitterArgs = append(jitterArgs, n); return n - 1 } // the longest wait
	var waits []time.Duration
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		clk.advance(d)
		if len(waits) == 5 {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	if err := p.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	// Backoff 10s, 20s, then capped at 25s; after the recovery, the interval.
	if want := []time.Duration{10 * time.Second, 20 * time.Second, 25 * time.Second, time.Minute, time.Minute}; !slices.Equal(waits, want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	if want := []int64{5*int64(time.Second) + 1, 10*int64(time.Second) + 1, 12500*int64(time.Millisecond) + 1}; !slices.Equal(jitterArgs, want) {
		t.Fatalf("jitter drawn over %v, want half of each backoff %v", jitterArgs, want)
	}
	wantEvents(t, log, "created:a")
	if n := len(src.listCalls()); n != 5 {
		t.Fatalf("listed %d times, want 5", n)
	}
	for _, want := range []string{"complaint poll failed; backing off", "rate limited", "http 503", "failures=3", "complaint poll done"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

func TestPollerBackoffBounds(t *testing.T) {
	p, _ := NewPoller(&eventLog{}, []PollSource{{Name: "x", Source: newMemSource("mem")}}, WithBackoff(time.Second, time.Minute))
	for _, lowest := range []bool{true, false} {
		p.jitter = func(n int64) int64 {
			if lowest {
				return 0
			}
			return n - 1
		}
		for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 6: 32 * time.Second, 7: time.Minute, 64: time.Minute, 200: time.Minute} {
			got := p.backoff(n)
			lo := want - want/2
			if lowest && got != lo || !lowest && got != want {
				t.Errorf("backoff(%d) with the %v jitter = %v, want %v (range [%v, %v])", n, map[bool]string{true: "lowest", false: "highest"}[lowest], got, map[bool]time.Duration{true: lo, false: want}[lowest], lo, want)
			}
		}
	}
	// The real jitter stays within [d/2, d].
	p, _ = NewPoller(&eventLog{}, []PollSource{{Name: "x", Source: newMemSource("mem")}})
	for range 200 {
		if d := p.backoff(1); d < DefaultBackoffMin/2 || d > DefaultBackoffMin {
			t.Fatalf("backoff(1) = %v outside [%v, %v]", d, DefaultBackoffMin/2, DefaultBackoffMin)
		}
	}
}

// A complaint the window no longer lists is re-read while open, its change
// emitted, and dropped once resolved; a vanished one is dropped too.
func TestPollerRereadsOpenComplaintsOutsideTheWindow(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("mem", pending("old", pollBase.Add(-3*time.Hour)), pending("gone", pollBase.Add(-2*time.Hour)),
		&Complaint{ID: "done", State: StateResolved, CreatedAt: pollBase.Add(-time.Hour)})
	log := &eventLog{}
	state := NewMemoryPollState()
	p := newTestPoller(t, log, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(state), WithPollOverlap(time.Minute))
	p.sleep = func(context.Context, time.Duration) error {
		t.Error("re-reads paused with no spacing set")
		return nil
	}
	pollOnce(t, p)
	wantEvents(t, log, "created:old", "created:gone", "created:done")
	if _, open := state.Len(); open != 2 {
		t.Fatalf("tracked %d open complaints, want 2", open)
	}
	if g := src.getCalls(); len(g) != 0 {
		t.Fatalf("Get called for complaints the window listed: %v", g)
	}

	clk.advance(2 * time.Hour) // the window has moved past all three
	src.change("old", func(c *Complaint) { c.State, c.AwaitingReply = StateProcessing, true })
	delete(src.byID, "gone")
	pollOnce(t, p)
	wantEvents(t, log, "updated:old")
	if g := src.getCalls(); !sameSet(g, []string{"old", "gone"}) {
		t.Fatalf("Get calls %v, want old and gone", g)
	}
	pollOnce(t, p) // unchanged: nothing; "gone" is not asked again
	wantEvents(t, log)
	if g := src.getCalls(); !sameSet(g[2:], []string{"old"}) {
		t.Fatalf("Get calls %v, want old only", g[2:])
	}

	src.change("old", func(c *Complaint) { c.State = StateResolved })
	pollOnce(t, p)
	wantEvents(t, log, "updated:old")
	if _, open := state.Len(); open != 0 {
		t.Fatalf("tracked %d open complaints after the last was resolved, want 0", open)
	}
	before := len(src.getCalls())
	pollOnce(t, p)
	if n := len(src.getCalls()); n != before {
		t.Fatalf("a resolved complaint was read again (%d Get calls, want %d)", n, before)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Re-reads are spaced, stop at the first failure (the poll fails, the
// watermark still moves: the listing was complete), and a source without Get
// is not asked again.
func TestPollerRereadFailures(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("mem", pending("x", pollBase.Add(-time.Hour)), pending("y", pollBase.Add(-time.Hour+time.Second)))
	log := &eventLog{}
	state := NewMemoryPollState()
	p := newTestPoller(t, log, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(state), WithPollOverlap(0), WithRereadSpacing(time.Second))
	var slept []time.Duration
	p.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	pollOnce(t, p)
	wantEvents(t, log, "created:x", "created:y")

	clk.advance(time.Hour)
	pollOnce(t, p)
	if len(src.getCalls()) != 2 || !slices.Equal(slept, []time.Duration{time.Second}) {
		t.Fatalf("Get calls %v, pauses %v: want two Gets one second apart", src.getCalls(), slept)
	}

	src.getErr["x"], src.getErr["y"] = statusError(502), statusError(502)
	clk.advance(time.Hour)
	err := p.PollOnce(context.Background())
	var se statusError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), `poll "mem"`) {
		t.Fatalf("PollOnce with failing re-reads = %v, want the provider's error naming the source", err)
	}
	if len(src.getCalls()) != 3 {
		t.Fatalf("re-reading went on after a failure: %v", src.getCalls())
	}
	tk, _ := state.BeginPoll(context.Background(), "mem", clk.now(), 0, time.Minute)
	if !tk.Watermark.Equal(clk.now()) {
		t.Fatalf("watermark %v after a complete listing, want %v", tk.Watermark, clk.now())
	}
	_ = state.EndPoll(context.Background(), "mem", tk.Token, time.Time{})

	src.noGet = true
	clk.advance(time.Hour)
	pollOnce(t, p)
	clk.advance(time.Hour)
	pollOnce(t, p)
	if n := len(src.getCalls()); n != 4 {
		t.Fatalf("%d Get calls: a source without Get was asked again", n)
	}
	if _, open := state.Len(); open != 2 {
		t.Fatalf("open set %d: a source without Get keeps its open complaints", open)
	}
}

// WeChat's deadline rule of thumb: KindDueSoon within the margin, KindOverdue
// past it, each once, a restart included; nothing once the merchant replied.
func TestPollerDeadlineEvents(t *testing.T) {
	created := pollBase
	clk := clockAt(created.Add(time.Hour))
	src := newMemSource(WeChatPay, pending("w", created), pending("replied", created.Add(time.Second)))
	src.change("replied", func(c *Complaint) { c.State = StateProcessing })
	log := &eventLog{}
	state := NewMemoryPollState()
	srcs := []PollSource{{Name: "wx", Source: src}}
	newP := func() *Poller {
		return newTestPoller(t, log, clk, srcs, WithPollState(state), WithDeadlineMargin(12*time.Hour))
	}
	p := newP()
	pollOnce(t, p)
	wantEvents(t, log, "created:w", "created:replied")

	clk.t.Store(created.Add(60*time.Hour - time.Second).UnixNano())
	pollOnce(t, p)
	wantEvents(t, log)
	clk.t.Store(created.Add(60 * time.Hour).UnixNano())
	pollOnce(t, p)
	ev := log.all()
	wantEvents(t, log, "due_soon:w")
	due := created.Add(DefaultRespondWithin)
	if e := ev[0]; e.ID != DeriveEventID("wechatpay", "wechatpay/w", "due_soon", stamp(due)) ||
		!e.Complaint.DueAt.Equal(due) || !e.Time.Equal(clk.now()) {
		t.Fatalf("due-soon event %+v (due %v)", e, e.Complaint.DueAt)
	}
	clk.advance(time.Hour)
	pollOnce(t, p)
	pollOnce(t, newP()) // a restart
	wantEvents(t, log)

	clk.t.Store(due.UnixNano())
	pollOnce(t, newP())
	ev = log.all()
	wantEvents(t, log, "overdue:w")
	if ev[0].ID != DeriveEventID("wechatpay", "wechatpay/w", "overdue", stamp(due)) {
		t.Fatalf("overdue event id %q", ev[0].ID)
	}
	clk.advance(time.Hour)
	pollOnce(t, newP())
	wantEvents(t, log)
}

// A configured rule replaces the converters' estimate; a provider's own
// deadline and overdue flag win over any rule.
func TestPollerDeadlineRuleAndProviderDeadline(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("alipayish",
		&Complaint{ID: "est", State: StatePending, CreatedAt: pollBase.Add(-10 * time.Hour),
			DueAt: pollBase.Add(100 * time.Hour), DueEstimated: true},
		&Complaint{ID: "own", State: StatePending, CreatedAt: pollBase.Add(-10 * time.Hour), DueAt: pollBase.Add(30 * time.Minute)},
		&Complaint{ID: "flag", State: StatePending, CreatedAt: pollBase.Add(-9 * time.Hour), Overdue: true},
		&Complaint{ID: "none", State: StatePending, CreatedAt: pollBase.Add(-8 * time.Hour)},
	)
	log := &eventLog{}
	rule := func(c *Complaint) time.Duration { return 11 * time.Hour }
	p := newTestPoller(t, log, clk, []PollSource{{Name: "a", Source: src}}, WithDeadlineRule(rule), WithDeadlineMargin(time.Hour))
	pollOnce(t, p)
	got := log.take()
	slices.Sort(got)
	// est: 11h rule → due in 1h → due soon. own: due in 30m → due soon.
	// flag: the provider says overdue. none: 11h rule → due in 3h: nothing yet.
	want := []string{"created:est", "created:flag", "created:none", "created:own", "due_soon:est", "due_soon:own", "overdue:flag"}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	// Without a rule, estimates are dropped: nothing new is due.
	log2 := &eventLog{}
	pollOnce(t, newTestPoller(t, log2, clk, []PollSource{{Name: "a", Source: src}}, WithDeadlineRule(nil), WithDeadlineMargin(time.Hour)))
	got = log2.take()
	slices.Sort(got)
	want = []string{"created:est", "created:flag", "created:none", "created:own", "due_soon:own", "overdue:flag"}
	if !slices.Equal(got, want) {
		t.Fatalf("without a rule: events %q, want %q", got, want)
	}
	for _, e := range log2.all() {
		if e.Ref.ID == "est" && (!e.Complaint.DueAt.IsZero() || e.Complaint.DueEstimated) {
			t.Fatalf("estimate kept without a rule: %v", e.Complaint.DueAt)
		}
	}
}

// A sink failure stops the poll: what the sink took is not emitted again, what
// it refused is, and the watermark stays.
func TestPollerSinkFailureRetriesOnlyTheRest(t *testing.T) {
	clk := clockAt(pollBase)
	src := newMemSource("mem", pending("a", pollBase.Add(-2*time.Hour)), pending("b", pollBase.Add(-time.Hour)))
	failB := true
	log := &eventLog{fail: func(e *Event) error {
		if e.Ref.ID == "b" && failB {
			return errors.New("queue down")
		}
		return nil
	}}
	state := NewMemoryPollState()
	p := newTestPoller(t, log, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(state))
	if err := p.PollOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "queue down") {
		t.Fatalf("PollOnce = %v, want the sink's error", err)
	}
	wantEvents(t, log, "created:a")
	tk, _ := state.BeginPoll(context.Background(), "mem", clk.now(), 0, time.Minute)
	if !tk.Watermark.IsZero() {
		t.Fatalf("watermark %v after a failed poll, want none", tk.Watermark)
	}
	_ = state.EndPoll(context.Background(), "mem", tk.Token, time.Time{})
	failB = false
	pollOnce(t, p)
	wantEvents(t, log, "created:b")

	// A panicking sink is an error, not a crash.
	src.put(pending("c", pollBase.Add(-time.Minute)))
	log.fail = func(*Event) error { panic("boom") }
	if err := p.PollOnce(context.Background()); !errors.Is(err, ErrInternal) {
		t.Fatalf("PollOnce with a panicking sink = %v, want ErrInternal", err)
	}
}

// failingState fails one operation.
type failingState struct {
	*MemoryPollState
	op string
}

var errStateDown = errors.New("state: connection refused")

func (s failingState) fail(op string) error {
	if s.op == op {
		return errStateDown
	}
	return nil
}

func (s failingState) BeginPoll(ctx context.Context, src string, now time.Time, mi, l time.Duration) (PollTicket, error) {
	if err := s.fail("BeginPoll"); err != nil {
		return PollTicket{}, err
	}
	return s.MemoryPollState.BeginPoll(ctx, src, now, mi, l)
}
func (s failingState) EndPoll(ctx context.Context, src, tok string, w time.Time) error {
	if err := s.fail("EndPoll"); err != nil {
		return err
	}
	return s.MemoryPollState.EndPoll(ctx, src, tok, w)
}
func (s failingState) Recall(ctx context.Context, key string) (Seen, error) {
	if err := s.fail("Recall"); err != nil {
		return Seen{}, err
	}
	return s.MemoryPollState.Recall(ctx, key)
}
func (s failingState) Remember(ctx context.Context, key string, seen Seen) error {
	if err := s.fail("Remember"); err != nil {
		return err
	}
	return s.MemoryPollState.Remember(ctx, key, seen)
}
func (s failingState) Track(ctx context.Context, src, key string, ref Ref) error {
	if err := s.fail("Track"); err != nil {
		return err
	}
	return s.MemoryPollState.Track(ctx, src, key, ref)
}
func (s failingState) Untrack(ctx context.Context, src, key string) error {
	if err := s.fail("Untrack"); err != nil {
		return err
	}
	return s.MemoryPollState.Untrack(ctx, src, key)
}
func (s failingState) Tracked(ctx context.Context, src string) iter.Seq2[Ref, error] {
	if err := s.fail("Tracked"); err != nil {
		return func(yield func(Ref, error) bool) { yield(Ref{}, err) }
	}
	return s.MemoryPollState.Tracked(ctx, src)
}

// Every state failure fails the poll with the state's error.
func TestPollerStateFailures(t *testing.T) {
	for _, op := range []string{"BeginPoll", "EndPoll", "Recall", "Remember", "Track", "Untrack", "Tracked"} {
		t.Run(op, func(t *testing.T) {
			clk := clockAt(pollBase)
			mem := NewMemoryPollState()
			src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)), &Complaint{ID: "b", State: StateResolved, CreatedAt: pollBase.Add(-time.Hour)})
			// b was open before: the poll untracks it.
			_ = mem.Track(context.Background(), "mem", "mem/b", Ref{Provider: "mem", ID: "b"})
			p := newTestPoller(t, &eventLog{}, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(failingState{mem, op}))
			err := p.PollOnce(context.Background())
			if !errors.Is(err, errStateDown) || !strings.Contains(err.Error(), "poll state") {
				t.Fatalf("PollOnce with %s failing = %v", op, err)
			}
		})
	}
}

// A lease lost to another holder (the poll outran it) is reported.
func TestPollerLeaseLost(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))
	sink := SinkFunc(func(context.Context, *Event) error {
		// Another replica takes the lease over while this poll runs late.
		_, _ = state.BeginPoll(context.Background(), "mem", clk.now().Add(time.Hour), 0, time.Minute)
		return nil
	})
	p := newTestPoller(t, sink, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(state))
	if err := p.PollOnce(context.Background()); !errors.Is(err, ErrPollLeaseLost) {
		t.Fatalf("PollOnce = %v, want ErrPollLeaseLost", err)
	}
}

// The callback path and the poll path share one record of what reached the
// sink: a change reaches it once, whichever comes first.
func TestPollerAndHandlerShareWhatReachedTheSink(t *testing.T) {
	const body = `{"events":[{"id":"wx-evt-1","complaint_id":"c1"}]}`
	for _, callbackFirst := range []bool{true, false} {
		t.Run(map[bool]string{true: "CallbackThenPoll", false: "PollThenCallback"}[callbackFirst], func(t *testing.T) {
			clk := clockAt(pollBase)
			src := newMemSource("fake", pending("c1", pollBase.Add(-time.Hour)))
			state := NewMemoryPollState()
			log := &eventLog{}
			h := NewHandler(&fakeReceiver{}, log, WithEnrichment(src), WithSharedPollState(state))
			p := newTestPoller(t, log, clk, []PollSource{{Name: "fake", Source: src}}, WithPollState(state))
			callback := func(id string) {
				t.Helper()
				rec := post(t, h, "good", strings.Replace(body, "wx-evt-1", id, 1))
				if rec.Code != http.StatusOK {
					t.Fatalf("callback answered %d", rec.Code)
				}
			}
			if callbackFirst {
				callback("wx-evt-1")
				pollOnce(t, p)
				wantEvents(t, log, "created:c1") // the callback's event (the fake receiver says created)
				if e := log.all(); len(e) != 0 {
					t.Fatal("left over events")
				}
			} else {
				pollOnce(t, p)
				callback("wx-evt-1")
				wantEvents(t, log, "created:c1")
			}
			// The complaint still goes on being tracked as open.
			if _, open := state.Len(); open != 1 {
				t.Fatalf("open set %d, want 1", open)
			}
			// The next change through a callback reaches the sink, and the
			// poll that follows does not repeat it.
			src.change("c1", func(c *Complaint) { c.State = StateProcessing })
			callback("wx-evt-2")
			clk.advance(10 * time.Minute)
			pollOnce(t, p)
			wantEvents(t, log, "created:c1")
			// A change only the poll sees is emitted by it, and a late
			// callback for it is not dispatched again.
			src.change("c1", func(c *Complaint) { c.State = StateResolved })
			clk.advance(10 * time.Minute)
			pollOnce(t, p)
			callback("wx-evt-3")
			wantEvents(t, log, "updated:c1")
			callback("wx-evt-3") // a plain redelivery: the Store drops it
			wantEvents(t, log)
		})
	}
}

// Events without the complaint pass as usual, and a failing shared state
// never fails the callback.
func TestHandlerSharedPollStateEdges(t *testing.T) {
	log := &eventLog{}
	var logs bytes.Buffer
	h := NewHandler(&fakeReceiver{}, log, WithSharedPollState(failingState{NewMemoryPollState(), "Recall"}),
		WithEnrichment(newMemSource("fake", pending("c1", pollBase))), WithHandlerLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("callback with the state down answered %d", rec.Code)
	}
	wantEvents(t, log, "created:c1")
	if !strings.Contains(logs.String(), "shared poll state failed") {
		t.Fatalf("no warning logged:\n%s", logs.String())
	}
	logs.Reset()
	h = NewHandler(&fakeReceiver{}, log, WithSharedPollState(failingState{NewMemoryPollState(), "Remember"}),
		WithEnrichment(newMemSource("fake", pending("c1", pollBase))), WithHandlerLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("callback with the state failing to remember answered %d", rec.Code)
	}
	wantEvents(t, log, "created:c1")
	if !strings.Contains(logs.String(), "shared poll state failed") {
		t.Fatalf("no warning logged:\n%s", logs.String())
	}

	// Without enrichment there is no complaint: nothing is recorded.
	state := NewMemoryPollState()
	h = NewHandler(&fakeReceiver{}, log, WithSharedPollState(state))
	post(t, h, "good", oneEvent)
	post(t, h, "good", `{"events":[{"id":"e2","complaint_id":"c1"}]}`)
	wantEvents(t, log, "created:c1", "created:c1")
	if seen, _ := state.Len(); seen != 0 {
		t.Fatalf("recorded %d fingerprints for events without a complaint", seen)
	}
}

// Run stops on its context and leaves no goroutine behind.
func TestPollerRunStopsCleanly(t *testing.T) {
	before := runtime.NumGoroutine()
	var srcs []PollSource
	for i := range 3 {
		srcs = append(srcs, PollSource{Name: fmt.Sprint("s", i), Source: newMemSource("mem", pending(fmt.Sprint("c", i), time.Now().Add(-time.Minute)))})
	}
	var emitted atomic.Int32
	sink := SinkFunc(func(context.Context, *Event) error { emitted.Add(1); return nil })
	p, err := NewPoller(sink, srcs, WithPollInterval(5*time.Millisecond), WithBackoff(time.Millisecond, 2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for emitted.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := p.Run(ctx); err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("a second Run while running = %v, want a refusal", err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if emitted.Load() != 3 {
		t.Fatalf("emitted %d events over many polls, want 3 (one per complaint)", emitted.Load())
	}
	for time.Now().Before(deadline) && runtime.NumGoroutine() > before {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Run returned, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
	// Run can start again once it returned.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := p.Run(ctx2); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after Run = %v", err)
	}
	var nilCtx context.Context
	if err := p.Run(nilCtx); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("Run(nil) = %v", err)
	}
	if err := p.PollOnce(nilCtx); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("PollOnce(nil) = %v", err)
	}
}

// ctxState refuses to end a poll under a done context, as a network store
// would.
type ctxState struct{ *MemoryPollState }

func (s ctxState) EndPoll(ctx context.Context, src, tok string, w time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.MemoryPollState.EndPoll(ctx, src, tok, w)
}

// A cancelled poll releases its lease at once: the next poll need not wait
// for it to run out.
func TestPollerCancelledPollReleasesTheLease(t *testing.T) {
	clk := clockAt(pollBase)
	state := ctxState{NewMemoryPollState()}
	src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))
	ctx, cancel := context.WithCancel(context.Background())
	sink := SinkFunc(func(context.Context, *Event) error { cancel(); return nil })
	p := newTestPoller(t, sink, clk, []PollSource{{Name: "mem", Source: src}, {Name: "mem2", Source: newMemSource("mem", pending("b", pollBase.Add(-time.Hour)))}}, WithPollState(state))
	_ = p.PollOnce(ctx)
	tk, err := state.BeginPoll(context.Background(), "mem", clk.now(), 0, time.Minute)
	if err != nil || !tk.Granted() {
		t.Fatalf("after a cancelled poll: %+v, %v; want the lease free", tk, err)
	}
}

func TestNewPollerValidation(t *testing.T) {
	src := newMemSource("mem")
	for _, tt := range []struct {
		sink  Sink
		srcs  []PollSource
		field string
	}{
		{nil, []PollSource{{Name: "a", Source: src}}, "sink"},
		{&eventLog{}, nil, "sources"},
		{&eventLog{}, []PollSource{{Name: "a"}}, "sources[0].Source"},
		{&eventLog{}, []PollSource{{Source: src}}, "sources[0].Name"},
		{&eventLog{}, []PollSource{{Name: "a", Source: src}, {Name: "a", Source: src}}, "sources[1].Name"},
	} {
		_, err := NewPoller(tt.sink, tt.srcs)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("NewPoller: %v, want a ValidationError for %s", err, tt.field)
		}
	}
}

func TestPollerOptionsKeepDefaultsForZero(t *testing.T) {
	p, err := NewPoller(&eventLog{}, []PollSource{{Name: "a", Source: throttledSource{newMemSource("m"), 4 * time.Hour}}, {Name: "b", Source: newMemSource("m")}},
		nil, WithPollInterval(0), WithPollOverlap(-1), WithPollLease(0), WithLookback(-1), WithDeadlineMargin(0),
		WithRereadSpacing(-1), WithBackoff(0, 0), WithPollerLogger(nil), WithPollerClock(nil), WithPollState(nil))
	if err != nil {
		t.Fatal(err)
	}
	if p.interval != DefaultPollerInterval || p.overlap != DefaultPollOverlap || p.lease != DefaultPollLease || p.lookback != 0 ||
		p.margin != DefaultDeadlineMargin || p.spacing != DefaultRereadSpacing || p.backoffMin != DefaultBackoffMin ||
		p.backoffMax != DefaultBackoffMax || p.log != discardLogger || p.now == nil || p.state == nil {
		t.Fatalf("defaults not kept: %+v", p)
	}
	if p.targets[0].interval != 4*time.Hour || p.targets[0].throttle != 4*time.Hour || p.targets[1].interval != DefaultPollerInterval || p.targets[1].throttle != 0 {
		t.Fatalf("intervals %v/%v and %v/%v", p.targets[0].interval, p.targets[0].throttle, p.targets[1].interval, p.targets[1].throttle)
	}
}

// The poller's log lines carry no buyer data.
func TestPollerLogsNoBuyerData(t *testing.T) {
	clk := clockAt(pollBase)
	c := pending("a", pollBase.Add(-2*time.Hour))
	c.Content, c.Contact = "my number is 13800138000", Contact{Phone: "13912345678", Name: "张三"}
	src := newMemSource("mem", c, pending("b", pollBase.Add(-2*time.Hour+time.Second)))
	src.listErr = []error{nil, statusError(500)}
	var logs bytes.Buffer
	p := newTestPoller(t, &eventLog{}, clk, []PollSource{{Name: "mem", Source: src}},
		WithPollerLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	pollOnce(t, p)
	_ = p.PollOnce(context.Background())
	src.getErr["a"] = ErrNotFound
	clk.advance(3 * time.Hour)
	pollOnce(t, p)
	out := logs.String()
	for _, secret := range []string{"13800138000", "13912345678", "张三", "my number"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log leaks %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{`"source":"mem"`, `"listed":2`, `"emitted":2`, `"reread":1`, "open complaint no longer found"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

// panickySource panics in List.
type panickySource struct{ *memSource }

func (panickySource) List(context.Context, ListOptions) iter.Seq2[*Complaint, error] {
	return func(func(*Complaint, error) bool) { panic("provider bug") }
}

// A panicking source fails its poll and frees its lease; the other sources
// are polled.
func TestPollerRecoversSourcePanic(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	log := &eventLog{}
	p := newTestPoller(t, log, clk, []PollSource{{Name: "bad", Source: panickySource{newMemSource("mem")}},
		{Name: "good", Source: newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))}}, WithPollState(state))
	err := p.PollOnce(context.Background())
	if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), `poll "bad"`) || strings.Contains(err.Error(), `poll "good"`) {
		t.Fatalf("PollOnce = %v, want ErrInternal for the bad source only", err)
	}
	wantEvents(t, log, "created:a")
	if tk, _ := state.BeginPoll(context.Background(), "bad", clk.now(), 0, time.Minute); !tk.Granted() {
		t.Fatal("the panicking poll kept its lease")
	}
}

// rekeyedSource answers Get with the complaint under its merchant, which the
// tracked reference lacked; nilSource answers Get with nothing.
type rekeyedSource struct{ *memSource }

func (s rekeyedSource) Get(ctx context.Context, ref Ref) (*Complaint, error) {
	c, err := s.memSource.Get(ctx, ref)
	if c != nil {
		c.MerchantID = "1900000110"
	}
	return c, err
}

type nilGetSource struct{ *memSource }

func (nilGetSource) Get(context.Context, Ref) (*Complaint, error) { return nil, nil }

// A re-read complaint that the provider now names with its merchant replaces
// the old entry of the open set; a Get that returns nothing fails the poll.
func TestPollerRereadEdges(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	_ = state.Track(context.Background(), "mem", "mem/x", Ref{Provider: "mem", ID: "x"})
	src := rekeyedSource{newMemSource("mem", pending("x", pollBase.Add(-48*time.Hour)))}
	p := newTestPoller(t, &eventLog{}, clk, []PollSource{{Name: "mem", Source: src}}, WithPollState(state), WithLookback(time.Hour))
	pollOnce(t, p)
	var refs []Ref
	for r := range state.Tracked(context.Background(), "mem") {
		refs = append(refs, r)
	}
	if len(refs) != 1 || refs[0].MerchantID != "1900000110" {
		t.Fatalf("open set %+v, want only the re-keyed reference", refs)
	}

	state = NewMemoryPollState()
	_ = state.Track(context.Background(), "mem", "mem/x", Ref{Provider: "mem", ID: "x"})
	p = newTestPoller(t, &eventLog{}, clk, []PollSource{{Name: "mem", Source: nilGetSource{newMemSource("mem")}}}, WithPollState(state))
	if err := p.PollOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "no complaint and no error") {
		t.Fatalf("PollOnce with a Get answering nothing = %v", err)
	}
}

// A restarted Run keeps the poller's own cadence: a source polled a minute
// ago (by this process before it restarted, or another replica) is polled
// again an interval after that poll, not at once.
func TestPollerRunKeepsTheIntervalAcrossRestarts(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))
	srcs := []PollSource{{Name: "mem", Source: src}}
	pollOnce(t, newTestPoller(t, &eventLog{}, clk, srcs, WithPollState(state)))
	clk.advance(time.Minute)
	p := newTestPoller(t, &eventLog{}, clk, srcs, WithPollState(state), WithPollInterval(10*time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	p.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		clk.advance(d)
		cancel()
		return ctx.Err()
	}
	_ = p.Run(ctx)
	if len(waits) != 1 || waits[0] != 9*time.Minute || len(src.listCalls()) != 1 {
		t.Fatalf("restarted Run waited %v after %d listings, want 9m before listing again", waits, len(src.listCalls()))
	}
}

// A poller refused because another replica holds a long lease looks again
// after one interval, not at the lease's end; a refusal for the minimum
// interval keeps its own, earlier, time.
func TestPollerRefusedByLiveLeaseRetriesWithinInterval(t *testing.T) {
	clk := clockAt(pollBase)
	state := NewMemoryPollState()
	src := newMemSource("mem", pending("a", pollBase.Add(-time.Hour)))
	p := newTestPoller(t, &eventLog{}, clk, []PollSource{{Name: "mem", Source: src}},
		WithPollState(state), WithPollInterval(10*time.Minute))
	held, _ := state.BeginPoll(context.Background(), "mem", clk.now(), 0, 3*time.Hour)
	if !held.Granted() {
		t.Fatal("the other replica's lease was not granted")
	}
	next, err := p.poll(context.Background(), p.targets[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.now().Add(10 * time.Minute); !next.Equal(want) {
		t.Fatalf("next poll at %v while another replica holds a 3h lease, want one interval later %v", next, want)
	}
	if len(src.listCalls()) != 0 {
		t.Fatal("the source was listed while another replica held its lease")
	}
	_ = state.EndPoll(context.Background(), "mem", held.Token, time.Time{})
	clk.advance(2 * time.Minute)
	next, err = p.poll(context.Background(), p.targets[0], 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := pollBase.Add(10 * time.Minute); !next.Equal(want) {
		t.Fatalf("next poll at %v after a refusal for the interval, want the interval's end %v", next, want)
	}
}
