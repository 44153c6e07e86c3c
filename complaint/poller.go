package complaint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tousu-go/tousu/internal/callctx"
)

// Poller defaults.
const (
	// DefaultPollerInterval is how often the Poller lists a source whose
	// provider sets no longer limit (Throttled): often enough to catch a
	// missed callback well within WeChat's 72-hour rule of thumb.
	DefaultPollerInterval = 10 * time.Minute
	// DefaultPollOverlap is how far each window reaches back before the end of
	// the last one, for complaints that a provider lists some time after their
	// creation time. Complaints seen twice are recognised by fingerprint.
	DefaultPollOverlap = time.Hour
	// DefaultPollLease bounds one poll of one source: the poll runs under a
	// deadline of this length and holds the PollState lease for it.
	DefaultPollLease = 15 * time.Minute
	// DefaultDeadlineMargin is how long before a deadline KindDueSoon fires.
	DefaultDeadlineMargin = 24 * time.Hour
	// DefaultRereadSpacing separates the Get calls that re-read open
	// complaints, keeping them to ten a second.
	DefaultRereadSpacing = 100 * time.Millisecond
	// DefaultBackoffMin and DefaultBackoffMax bound the wait after a failed
	// poll: it doubles with each failure in a row, with jitter.
	DefaultBackoffMin = 5 * time.Second
	DefaultBackoffMax = 15 * time.Minute
)

// PollSource is one source a Poller watches.
type PollSource struct {
	// Name keys the source's state in the PollState: unique within the
	// poller, and stable across restarts ("wechatpay-1900000109").
	Name   string
	Source Source
	// MerchantID and Channel narrow the listing (ListOptions).
	MerchantID string
	Channel    Channel
}

// Poller lists complaints through Sources on an interval and passes an Event
// to its Sink for each complaint that is new or changed, and for each open
// complaint still awaiting the merchant's first response when its deadline
// comes near and when it passes. It is the only complaint feed for providers
// without push (PAYJS) and the safety net for missed callbacks.
//
// # One poll of a source
//
// A poll first takes the source's lease in the PollState (BeginPoll), which
// also keeps polls of one source, by any replica or a restarted process, at
// least the provider's MinPollInterval apart (Throttled; PAYJS: 4 hours)
// and, for scheduled polls, the poller's interval. It lists the window from
// the end of the last complete window minus the overlap up to now (the first
// window: WithLookback, or the provider's default look-back), page by page,
// never holding more than one complaint of the listing. Each complaint's
// Fingerprint is compared with the one the PollState remembers; a new one
// emits KindCreated, a different one KindUpdated, and the fingerprint is
// remembered once the sink took the event. Because WeChat and Allinpay list
// by creation date, complaints the poller has seen open are kept in the
// source's open set and re-read with Get when the window no longer lists
// them (spaced by WithRereadSpacing), until they are resolved, withdrawn or
// gone. Memory grows with the open complaints of a source, never with the
// number listed.
//
// Event ids are DeriveEventID over the provider, the complaint and its
// fingerprint (or the deadline, for deadline events), so the same change has
// the same id in every process and after a restart. With a persistent
// PollState a restart emits nothing that reached the sink before. A change
// that reached the sink through a callback handled with WithPollState is not
// emitted again, and the reverse holds too. Delivery is at least once: an
// event whose sink call failed is emitted again by the next poll.
//
// # Deadlines
//
// A complaint's deadline is its DueAt: the provider's, or a DeadlineRule's
// estimate (DefaultDeadlineRule unless WithDeadlineRule). While a complaint
// is pending (no merchant response yet), the poller emits KindDueSoon once it
// is within the margin (DefaultDeadlineMargin) of its deadline, and
// KindOverdue once it is past it or the provider says it is overdue; each
// once per deadline, remembered in the PollState.
//
// # Failures
//
// A poll that fails (a provider error, 5xx and rate limiting included, a sink
// error, a state error) keeps the last watermark, and the next try waits an
// exponential backoff with jitter (WithBackoff). Providers' 5xx answers
// reach the poller as the provider's *APIError after the HTTP client's own
// retries; the poller backs off on every error, so it needs no sentinel for
// them. A rate-limited provider's MinPollInterval holds in any case, as the
// start of the failed poll is recorded. Run stops when its context is done
// and returns after every goroutine it started has ended.
type Poller struct {
	sink    Sink
	targets []*pollTarget
	state   PollState
	log     *slog.Logger
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	jitter  func(n int64) int64

	interval, overlap, lease, lookback time.Duration
	margin, spacing                    time.Duration
	backoffMin, backoffMax             time.Duration
	rule                               DeadlineRule
	running                            atomic.Bool
}

type pollTarget struct {
	PollSource
	throttle time.Duration // the provider's minimum interval (Throttled)
	interval time.Duration // max(throttle, the poller's interval)
	noGet    atomic.Bool   // the source answered Get with errors.ErrUnsupported
}

// PollerOption configures NewPoller.
type PollerOption func(*Poller)

// WithPollInterval sets how often each source is polled; a source's own
// MinPollInterval (Throttled) is the floor. d <= 0 keeps
// DefaultPollerInterval.
func WithPollInterval(d time.Duration) PollerOption {
	return func(p *Poller) { p.interval = positive(d, p.interval) }
}

// WithPollOverlap sets how far each window reaches back before the end of
// the last one; d < 0 keeps DefaultPollOverlap, 0 means no overlap.
func WithPollOverlap(d time.Duration) PollerOption {
	return func(p *Poller) { p.overlap = nonNegative(d, p.overlap) }
}

// WithPollLease sets how long one poll of a source may take, holding its
// lease; d <= 0 keeps DefaultPollLease.
func WithPollLease(d time.Duration) PollerOption {
	return func(p *Poller) { p.lease = positive(d, p.lease) }
}

// WithLookback sets the first window's reach into the past, for a source
// the PollState has no watermark of; d <= 0 leaves it to the provider's
// default look-back (Source.List with a zero Since).
func WithLookback(d time.Duration) PollerOption {
	return func(p *Poller) { p.lookback = max(d, 0) }
}

// WithPollState sets where the poller keeps its state; the default is a
// NewMemoryPollState, which a restart loses. Replicas that poll the same
// sources must share one, and a callback handler given the same state
// (WithSharedPollState) shares the record of what reached the sink.
func WithPollState(s PollState) PollerOption {
	return func(p *Poller) {
		if s != nil {
			p.state = s
		}
	}
}

// WithDeadlineRule sets the rule that estimates deadlines the provider does
// not send (DefaultDeadlineRule by default); it replaces the converters'
// estimates. A nil rule estimates none.
func WithDeadlineRule(r DeadlineRule) PollerOption {
	return func(p *Poller) {
		if r == nil {
			r = func(*Complaint) time.Duration { return 0 }
		}
		p.rule = r
	}
}

// WithDeadlineMargin sets how long before a deadline KindDueSoon fires; d <= 0
// keeps DefaultDeadlineMargin.
func WithDeadlineMargin(d time.Duration) PollerOption {
	return func(p *Poller) { p.margin = positive(d, p.margin) }
}

// WithRereadSpacing sets the pause between two Get calls that re-read open
// complaints; d < 0 keeps DefaultRereadSpacing, 0 means none.
func WithRereadSpacing(d time.Duration) PollerOption {
	return func(p *Poller) { p.spacing = nonNegative(d, p.spacing) }
}

// WithBackoff sets the wait after the first failed poll in a row (min) and
// its cap (max); non-positive values keep the defaults.
func WithBackoff(min, max time.Duration) PollerOption {
	return func(p *Poller) {
		p.backoffMin = positive(min, p.backoffMin)
		p.backoffMax = positive(max, p.backoffMax)
	}
}

// WithPollerLogger sets where the poller logs: each poll's summary (Info),
// refused polls (Debug), failures (Warn) and complaints it stops tracking
// (Info). Lines carry source names, references, counts and error texts, never
// buyer data. The default discards.
func WithPollerLogger(l *slog.Logger) PollerOption {
	return func(p *Poller) {
		if l != nil {
			p.log = l
		}
	}
}

// WithPollerClock sets the clock the poller reads (tests, replays); the
// default is time.Now.
func WithPollerClock(now func() time.Time) PollerOption {
	return func(p *Poller) {
		if now != nil {
			p.now = now
		}
	}
}

// positive is d when it is positive, otherwise def.
func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// nonNegative is d unless it is negative, otherwise def.
func nonNegative(d, def time.Duration) time.Duration {
	if d >= 0 {
		return d
	}
	return def
}

// NewPoller returns a Poller that passes events to sink for the given
// sources. Names must be unique and not empty; a nil sink or source, or no
// source at all, is a *ValidationError.
func NewPoller(sink Sink, sources []PollSource, opts ...PollerOption) (*Poller, error) {
	if sink == nil {
		return nil, &ValidationError{Field: "sink", Reason: "is nil"}
	}
	if len(sources) == 0 {
		return nil, &ValidationError{Field: "sources", Reason: "is empty"}
	}
	p := &Poller{
		sink: sink, log: discardLogger, now: time.Now, sleep: callctx.Sleep, jitter: rand.Int64N,
		interval: DefaultPollerInterval, overlap: DefaultPollOverlap, lease: DefaultPollLease,
		margin: DefaultDeadlineMargin, spacing: DefaultRereadSpacing,
		backoffMin: DefaultBackoffMin, backoffMax: DefaultBackoffMax, rule: DefaultDeadlineRule,
	}
	for _, o := range opts {
		if o != nil {
			o(p)
		}
	}
	if p.state == nil {
		p.state = NewMemoryPollState()
	}
	names := map[string]bool{}
	for i, s := range sources {
		field := fmt.Sprintf("sources[%d]", i)
		switch {
		case s.Source == nil:
			return nil, &ValidationError{Field: field + ".Source", Reason: "is nil"}
		case s.Name == "":
			return nil, &ValidationError{Field: field + ".Name", Reason: "is empty"}
		case names[s.Name]:
			return nil, &ValidationError{Field: field + ".Name", Reason: "repeats another source's name"}
		}
		names[s.Name] = true
		t := &pollTarget{PollSource: s}
		if th, ok := s.Source.(Throttled); ok {
			t.throttle = max(th.MinPollInterval(), 0)
		}
		t.interval = max(t.throttle, p.interval)
		p.targets = append(p.targets, t)
	}
	return p, nil
}

// Run polls every source on its interval until ctx is done, each source in
// its own goroutine, and returns ctx's error once all of them have ended. A
// poll that fails is retried after a backoff; one that the PollState refuses
// (another replica holds the lease, or the interval since the last start
// has not passed, as after a restart) waits until the state allows it. Run
// may not be called again while it runs.
func (p *Poller) Run(ctx context.Context) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("complaint: Poller.Run called while running")
	}
	defer p.running.Store(false)
	var wg sync.WaitGroup
	for _, t := range p.targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.loop(ctx, t)
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// PollOnce polls every source once, one after the other, as far as the
// PollState allows now: a source whose lease another holder has, or whose
// provider's MinPollInterval has not passed since its last poll started, is
// skipped (logged at Debug). The poller's own interval does not apply, so a
// scheduler of your own (cron) can drive it. It returns the sources'
// failures joined, each naming its source.
//
// A poll's start is recorded when it begins, failed or not, so that a crash
// loop cannot hammer a provider: a Run that follows a failed PollOnce on the
// same PollState waits out the interval from that start rather than a
// backoff.
func (p *Poller) PollOnce(ctx context.Context) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	var errs []error
	for _, t := range p.targets {
		if _, err := p.poll(ctx, t, t.throttle); err != nil {
			errs = append(errs, fmt.Errorf("complaint: poll %q: %w", t.Name, err))
		}
	}
	return errors.Join(errs...)
}

// loop is one source's schedule under Run.
func (p *Poller) loop(ctx context.Context, t *pollTarget) {
	failures := 0
	for {
		minInterval := t.interval
		if failures > 0 {
			minInterval = t.throttle // a retry: only the provider's limit holds
		}
		next, err := p.poll(ctx, t, minInterval)
		if ctx.Err() != nil {
			return
		}
		wait := next.Sub(p.now())
		if err != nil {
			failures++
			wait = p.backoff(failures)
			p.log.LogAttrs(ctx, slog.LevelWarn, "complaint poll failed; backing off",
				slog.String("source", t.Name), slog.String("error", err.Error()),
				slog.Int("failures", failures), slog.Duration("retry_in", wait))
		} else {
			failures = 0
		}
		if p.sleep(ctx, max(wait, time.Millisecond)) != nil {
			return
		}
	}
}

// backoff is the wait after n failures in a row: min doubled n-1 times, at
// most max, of which a random half ("equal jitter"), so that replicas and
// sources that failed together do not retry together.
func (p *Poller) backoff(n int) time.Duration {
	d := p.backoffMax
	if n < 63 && p.backoffMin < p.backoffMax>>(n-1) {
		d = p.backoffMin << (n - 1)
	}
	half := d / 2
	return d - half + time.Duration(p.jitter(int64(half)+1))
}

// poll makes one poll of t if the state allows it and returns when the next
// one is due: a granted poll's start plus t's interval, or a refused poll's
// NotBefore, but no later than one interval from now.
func (p *Poller) poll(ctx context.Context, t *pollTarget, minInterval time.Duration) (time.Time, error) {
	start := p.now()
	tk, err := p.state.BeginPoll(ctx, t.Name, start, minInterval, p.lease)
	if err != nil {
		return time.Time{}, fmt.Errorf("poll state: %w", err)
	}
	if !tk.Granted() {
		p.log.LogAttrs(ctx, slog.LevelDebug, "complaint poll not due",
			slog.String("source", t.Name), slog.Time("not_before", tk.NotBefore))
		// A refusal for another replica's live lease names the lease's end,
		// which can be far off (DefaultPollLease) although the holder may be
		// done in seconds: look again after one interval at the latest.
		return minTime(tk.NotBefore, start.Add(t.interval)), nil
	}
	cctx, cancel := context.WithTimeout(ctx, p.lease)
	c := &cycle{p: p, t: t, now: start, open: map[string]*openRef{}}
	watermark, err := c.runSafe(cctx, tk.Watermark)
	cancel()
	// The lease is released even when ctx is done.
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if eerr := p.state.EndPoll(ectx, t.Name, tk.Token, watermark); eerr != nil {
		err = errors.Join(err, fmt.Errorf("poll state: %w", eerr))
	}
	attrs := []slog.Attr{slog.String("source", t.Name), slog.Int("listed", c.listed),
		slog.Int("reread", c.reread), slog.Int("emitted", c.emitted), slog.Duration("took", p.now().Sub(start))}
	if err == nil {
		p.log.LogAttrs(ctx, slog.LevelInfo, "complaint poll done", attrs...)
	}
	return start.Add(t.interval), err
}

// cycle is one poll of one source.
type cycle struct {
	p    *Poller
	t    *pollTarget
	now  time.Time
	open map[string]*openRef // the source's open set; grows with open complaints only

	listed, reread, emitted int
}

type openRef struct {
	ref  Ref
	seen bool // listed or re-read in this cycle
}

// runSafe is run with a panic in the source or the state turned into an
// error matching ErrInternal, so that one broken source neither kills the
// process nor keeps its lease.
func (c *cycle) runSafe(ctx context.Context, watermark time.Time) (w time.Time, err error) {
	defer func() {
		if v := recover(); v != nil {
			w, err = time.Time{}, fmt.Errorf("%w: panic while polling (%T)", ErrInternal, v)
		}
	}()
	return c.run(ctx, watermark)
}

// run lists the window, then re-reads the open complaints the window did
// not list. It returns the window's end once the listing completed, even if a
// re-read failed afterwards: the open set keeps what remains to re-read.
func (c *cycle) run(ctx context.Context, watermark time.Time) (time.Time, error) {
	for r, err := range c.p.state.Tracked(ctx, c.t.Name) {
		if err != nil {
			return time.Time{}, fmt.Errorf("poll state: %w", err)
		}
		c.open[seenKey(r)] = &openRef{ref: r}
	}
	opts := ListOptions{Until: c.now, MerchantID: c.t.MerchantID, Channel: c.t.Channel}
	switch {
	case !watermark.IsZero():
		opts.Since = watermark.Add(-c.p.overlap)
		if opts.Since.After(c.now) { // a watermark ahead of this replica's clock
			opts.Since = c.now
		}
	case c.p.lookback > 0:
		opts.Since = c.now.Add(-c.p.lookback)
	}
	for cp, err := range c.t.Source.List(ctx, opts) {
		if err != nil {
			return time.Time{}, err
		}
		if cp == nil {
			continue
		}
		c.listed++
		if err := c.observe(ctx, cp); err != nil {
			return time.Time{}, err
		}
	}
	return opts.Until, c.rereadOpen(ctx)
}

// rereadOpen re-reads with Get the open complaints the window did not list.
func (c *cycle) rereadOpen(ctx context.Context) error {
	first := true
	for key, o := range c.open {
		if o.seen || c.t.noGet.Load() {
			continue
		}
		if !first && c.p.spacing > 0 {
			if err := c.p.sleep(ctx, c.p.spacing); err != nil {
				return err
			}
		}
		first = false
		cp, err := c.t.Source.Get(ctx, o.ref)
		switch {
		case errors.Is(err, ErrUnsupported):
			// A provider without a detail call: its open complaints are seen
			// only while the window lists them.
			c.t.noGet.Store(true)
			c.p.log.LogAttrs(ctx, slog.LevelInfo, "complaint source has no Get; open complaints are not re-read",
				slog.String("source", c.t.Name))
			return nil
		case errors.Is(err, ErrNotFound):
			c.p.log.LogAttrs(ctx, slog.LevelInfo, "open complaint no longer found; not tracked any more",
				slog.String("source", c.t.Name), slog.Any("ref", o.ref))
			if err := c.p.state.Untrack(ctx, c.t.Name, key); err != nil {
				return fmt.Errorf("poll state: %w", err)
			}
			continue
		case err != nil:
			return err
		case cp == nil:
			return fmt.Errorf("complaint: source %q: Get returned no complaint and no error", c.t.Name)
		}
		c.reread++
		if err := c.observe(ctx, cp); err != nil {
			return err
		}
		if seenKey(cp.Ref()) != key {
			// The provider names the complaint differently now: the entry
			// observe tracked replaces this one.
			if err := c.p.state.Untrack(ctx, c.t.Name, key); err != nil {
				return fmt.Errorf("poll state: %w", err)
			}
		}
	}
	return nil
}

// observe compares one complaint with what the state remembers, emits what
// changed, and keeps the open set current.
func (c *cycle) observe(ctx context.Context, cp *Complaint) error {
	p := c.p
	cp.EstimateDueAt(p.rule)
	ref := cp.Ref()
	key := seenKey(ref)
	seen, err := p.state.Recall(ctx, key)
	if err != nil {
		return fmt.Errorf("poll state: %w", err)
	}
	if fp := Fingerprint(cp); fp != seen.Fingerprint {
		e := &Event{ID: DeriveEventID(string(ref.Provider), key, fp), Ref: ref, Kind: KindUpdated, Complaint: cp, Time: c.now}
		if seen.Fingerprint == "" {
			e.Kind = KindCreated
			if !cp.CreatedAt.IsZero() {
				e.Time = cp.CreatedAt
			}
		} else if !cp.UpdatedAt.IsZero() {
			e.Time = cp.UpdatedAt
		}
		if err := c.emit(ctx, key, e, Seen{Fingerprint: fp}); err != nil {
			return err
		}
	}
	if err := c.deadline(ctx, cp, ref, key, seen); err != nil {
		return err
	}
	o := c.open[key]
	switch open := cp.State.Open(); {
	case open && o == nil:
		if err := p.state.Track(ctx, c.t.Name, key, ref); err != nil {
			return fmt.Errorf("poll state: %w", err)
		}
		c.open[key] = &openRef{ref: ref, seen: true}
	case open:
		o.seen = true
	case o != nil:
		if err := p.state.Untrack(ctx, c.t.Name, key); err != nil {
			return fmt.Errorf("poll state: %w", err)
		}
		o.seen = true
	}
	return nil
}

// deadline emits KindOverdue or KindDueSoon for a complaint that awaits the
// merchant's first response, once per deadline.
func (c *cycle) deadline(ctx context.Context, cp *Complaint, ref Ref, key string, seen Seen) error {
	if cp.State != StatePending {
		return nil
	}
	due := cp.DueAt
	if cp.IsOverdue(c.now) {
		if due.IsZero() {
			due = cp.CreatedAt // the provider says overdue and gives no deadline
		}
		if due.IsZero() || seen.Overdue.Equal(due) {
			return nil
		}
		e := &Event{ID: DeriveEventID(string(ref.Provider), key, string(KindOverdue), stamp(due)),
			Ref: ref, Kind: KindOverdue, Complaint: cp, Time: c.now}
		return c.emit(ctx, key, e, Seen{Overdue: due})
	}
	if due.IsZero() || c.now.Before(due.Add(-c.p.margin)) || seen.DueSoon.Equal(due) {
		return nil
	}
	e := &Event{ID: DeriveEventID(string(ref.Provider), key, string(KindDueSoon), stamp(due)),
		Ref: ref, Kind: KindDueSoon, Complaint: cp, Time: c.now}
	return c.emit(ctx, key, e, Seen{DueSoon: due})
}

// emit passes e to the sink and, once it took it, remembers mark.
func (c *cycle) emit(ctx context.Context, key string, e *Event, mark Seen) error {
	if err := callSink(ctx, c.p.sink.HandleEvent, e); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	c.emitted++
	if err := c.p.state.Remember(ctx, key, mark); err != nil {
		return fmt.Errorf("poll state: %w", err)
	}
	return nil
}

// minTime returns the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
