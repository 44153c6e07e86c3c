package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/redisstore"
	"github.com/tousu-go/tousu/internal/syncbuf"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// The poller tests run complaint.Pollers, each with its own go-redis client
// (a replica, or a restarted process), over one Redis and one prefix.

// complaints is a provider's side: the complaints, changed by the test.
type complaints struct {
	mu   sync.Mutex
	byID map[string]*complaint.Complaint
}

func newComplaints() *complaints { return &complaints{byID: map[string]*complaint.Complaint{}} }

// add creates an open complaint, created now.
func (d *complaints) add(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.byID[id] = &complaint.Complaint{Provider: "fake", ID: id, State: complaint.StatePending,
		ProviderState: "PENDING", CreatedAt: time.Now(), Amount: complaint.CNY(100)}
}

// set changes a complaint's state and returns its new fingerprint.
func (d *complaints) set(id string, st complaint.State) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.byID[id]
	c.State, c.ProviderState, c.UpdatedAt = st, strings.ToUpper(string(st)), time.Now()
	return complaint.Fingerprint(c)
}

func (d *complaints) fingerprint(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return complaint.Fingerprint(d.byID[id])
}

// fakeSource is one replica's client of the provider: it records the
// windows it was asked to list.
type fakeSource struct {
	data    *complaints
	replica int
	log     *listLog
}

// listLog records List calls over all replicas.
type listLog struct {
	mu    sync.Mutex
	calls []listCall
}

type listCall struct {
	replica int
	opts    complaint.ListOptions
}

func (l *listLog) add(c listCall) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
}

func (l *listLog) all() []listCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

func (s *fakeSource) Provider() complaint.Provider { return "fake" }

// List yields the complaints created in [Since, Until) (all until Until
// when Since is zero).
func (s *fakeSource) List(_ context.Context, o complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	s.log.add(listCall{replica: s.replica, opts: o})
	s.data.mu.Lock()
	var out []*complaint.Complaint
	for _, c := range s.data.byID {
		if !c.CreatedAt.Before(o.Since) && c.CreatedAt.Before(o.Until) {
			cp := *c
			out = append(out, &cp)
		}
	}
	s.data.mu.Unlock()
	return func(yield func(*complaint.Complaint, error) bool) {
		for _, c := range out {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (s *fakeSource) Get(_ context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	c, ok := s.data.byID[ref.ID]
	if !ok {
		return nil, complaint.ErrNotFound
	}
	cp := *c
	return &cp, nil
}

func (s *fakeSource) History(context.Context, complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return func(func(*complaint.Entry, error) bool) {}
}

// waitFor polls cond every few milliseconds until it holds, for at most max.
func waitFor(t *testing.T, what string, max time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(max); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, max)
		}
	}
}

// warnLog is a slog handler's buffer that a test can read while pollers log.
type warnLog struct{ syncbuf.Buffer }

func (w *warnLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newClient returns a new client of addr (a replica's own), closed with the
// test.
func newClient(t *testing.T, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// newReplicaPoller builds replica i's Poller of the fake source "fake", with
// a Store on rdb under prefix.
func newReplicaPoller(t *testing.T, rdb *redis.Client, prefix string, i int, data *complaints, log *listLog, sink complaint.Sink, opts ...complaint.PollerOption) *complaint.Poller {
	t.Helper()
	store := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	src := &fakeSource{data: data, replica: i, log: log}
	p, err := complaint.NewPoller(sink, []complaint.PollSource{{Name: "fake", Source: src}},
		append([]complaint.PollerOption{complaint.WithPollState(store), complaint.WithPollOverlap(0),
			complaint.WithRereadSpacing(0), complaint.WithDeadlineRule(nil), complaint.WithLookback(time.Hour)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runPoller runs p until stop is called or the test ends; stop returns
// once Run has.
func runPoller(t *testing.T, p *complaint.Poller) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run returned %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after its context was cancelled")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestPollersShareOneRedis: two replicas run Pollers of one source on one
// Redis. Between them the source is listed at most once per interval, and
// each version of each complaint reaches the sink once, whichever replica
// lists it or, once it left the window, re-reads it from the open set. Half
// way, the replica that polled last stops (a scale-down), so the other one
// carries on from the watermark and open set the first one left.
func TestPollersShareOneRedis(t *testing.T) {
	srv := needRedis(t)
	const interval = 200 * time.Millisecond
	data, lists, sink, warns := newComplaints(), &listLog{}, &recordingSink{}, &warnLog{}
	prefix := uniquePrefix(t)
	var stop [2]func()
	for i := range 2 {
		stop[i] = runPoller(t, newReplicaPoller(t, newClient(t, srv.addr), prefix, i, data, lists, sink,
			complaint.WithPollInterval(interval), complaint.WithPollerLogger(warns.logger()),
			// A replica refused by a live lease waits for its end (NotBefore)
			// even when the holder ends early: keep it short.
			complaint.WithPollLease(3*time.Second)))
	}

	// Each change waits until it reached the sink before the next one, so
	// every version is there to be seen.
	var versions [][2]string // complaint id, fingerprint
	change := func(id string, f func()) {
		t.Helper()
		f()
		fp := data.fingerprint(id)
		versions = append(versions, [2]string{id, fp})
		defer func() {
			if t.Failed() {
				t.Logf("warnings:\n%s\nlists: %+v", warns.String(), lists.all())
			}
		}()
		waitFor(t, fmt.Sprintf("version %d (%s) reaching the sink", len(versions), id), 15*time.Second,
			func() bool { return sink.count(byVersion(id, fp)) > 0 })
	}
	change("c1", func() { data.add("c1") })
	change("c2", func() { data.add("c2") })
	change("c1", func() { data.set("c1", complaint.StateProcessing) })
	change("c2", func() { data.set("c2", complaint.StateResolved) })
	calls := lists.all()
	stopped := calls[len(calls)-1].replica
	stop[stopped]()
	change("c3", func() { data.add("c3") })
	change("c1", func() { data.set("c1", complaint.StateResolved) })
	change("c3", func() { data.set("c3", complaint.StateWithdrawn) })
	// Two more polls after the last change find nothing new.
	after := len(lists.all())
	waitFor(t, "two more polls", 15*time.Second, func() bool { return len(lists.all()) >= after+2 })

	for _, v := range versions {
		if n := sink.count(byVersion(v[0], v[1])); n != 1 {
			t.Errorf("complaint %s, version %s reached the sink %d times, want once", v[0], v[1][:8], n)
		}
	}
	if n := sink.len(); n != len(versions) {
		t.Errorf("%d events reached the sink, want %d (one per version)", n, len(versions))
	}
	calls = lists.all()
	starts := make([]time.Time, len(calls))
	perReplica := [2]int{}
	for i, c := range calls {
		starts[i] = c.opts.Until // the poll's start
		perReplica[c.replica]++
	}
	slices.SortFunc(starts, time.Time.Compare)
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < interval {
			t.Errorf("polls %d and %d started %v apart, less than the %v interval", i-1, i, gap, interval)
		}
	}
	// Each window starts where the one before ended (no overlap): the
	// replicas share one watermark.
	slices.SortFunc(calls, func(a, b listCall) int { return a.opts.Until.Compare(b.opts.Until) })
	for i := 1; i < len(calls); i++ {
		if !calls[i].opts.Since.Equal(calls[i-1].opts.Until) {
			t.Errorf("poll %d (replica %d) listed from %v, want the end of poll %d's window %v",
				i, calls[i].replica, calls[i].opts.Since, i-1, calls[i-1].opts.Until)
		}
	}
	if w := warns.String(); w != "" {
		t.Errorf("the pollers logged warnings:\n%s", w)
	}
	if perReplica[0] == 0 || perReplica[1] == 0 {
		t.Errorf("polls by replica: %v; the one that stays must carry on after replica %d stopped", perReplica, stopped)
	}
	t.Logf("%d polls: replica 0 made %d, replica 1 made %d; replica %d stopped half way", len(calls), perReplica[0], perReplica[1], stopped)
}

// TestPollerTakesOverACrashedHolder: a replica began a poll and died (it
// never calls EndPoll). Another replica's Poller waits for the lease to run
// out, then polls; the dead holder's late EndPoll is refused.
func TestPollerTakesOverACrashedHolder(t *testing.T) {
	srv := needRedis(t)
	const lease = 1500 * time.Millisecond
	prefix := uniquePrefix(t)
	data, lists, sink := newComplaints(), &listLog{}, &recordingSink{}
	data.add("c1")

	dead := redisstore.New(srv.client(t), redisstore.WithPrefix(prefix))
	crashedAt := time.Now()
	tk, err := dead.BeginPoll(context.Background(), "fake", crashedAt, 0, lease)
	if err != nil || !tk.Granted() {
		t.Fatalf("the dying replica's BeginPoll = %+v, %v", tk, err)
	}

	runPoller(t, newReplicaPoller(t, newClient(t, srv.addr), prefix, 1, data, lists, sink,
		complaint.WithPollInterval(lease/5), complaint.WithPollLease(lease)))
	waitFor(t, "the takeover's poll", 20*lease, func() bool { return sink.count(byVersion("c1", data.fingerprint("c1"))) == 1 })
	first := lists.all()[0]
	if first.opts.Until.Before(crashedAt.Add(lease)) {
		t.Fatalf("the live replica polled at %v, %v before the dead holder's lease ended",
			first.opts.Until, crashedAt.Add(lease).Sub(first.opts.Until))
	}
	if err := dead.EndPoll(context.Background(), "fake", tk.Token, time.Now()); !errors.Is(err, complaint.ErrPollLeaseLost) {
		t.Fatalf("the dead holder's late EndPoll = %v, want complaint.ErrPollLeaseLost", err)
	}
}

// TestPollerRestartEmitsNothingTwice: a Poller polls and its process stops;
// a new Poller on the same Redis (a new client, as after a restart) emits
// nothing that reached the sink before, does not poll before the interval,
// and emits the next change once.
func TestPollerRestartEmitsNothingTwice(t *testing.T) {
	srv := needRedis(t)
	prefix := uniquePrefix(t)
	data, lists, sink := newComplaints(), &listLog{}, &recordingSink{}
	data.add("c1")
	data.add("c2")
	time.Sleep(time.Millisecond) // the window ends after the complaints' creation

	first := newReplicaPoller(t, newClient(t, srv.addr), prefix, 0, data, lists, sink)
	if err := first.PollOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sink.len(); n != 2 {
		t.Fatalf("the first poll emitted %d events, want 2", n)
	}

	// The restarted process, on its schedule, waits out the interval that
	// the first poll started.
	restarted := newReplicaPoller(t, newClient(t, srv.addr), prefix, 1, data, lists, sink, complaint.WithPollInterval(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	if err := restarted.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v", err)
	}
	cancel()
	if n := len(lists.all()); n != 1 {
		t.Fatalf("the restarted poller listed %d times inside the interval, want none", n-1)
	}

	// Asked to poll now (PollOnce ignores the interval), it re-reads the open
	// complaints and emits nothing.
	if err := restarted.PollOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sink.len(); n != 2 {
		t.Fatalf("after the restart %d events reached the sink, want the first 2 only", n)
	}
	fp := data.set("c1", complaint.StateProcessing)
	for range 2 {
		if err := restarted.PollOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := sink.count(byVersion("c1", fp)); n != 1 || sink.len() != 3 {
		t.Fatalf("the change reached the sink %d times (%d events in all), want once (3)", n, sink.len())
	}
}

// TestCallbackAndPollReachTheSinkOnce: WeChat Pay callbacks into a replica's
// handler (WithEnrichment, WithSharedPollState on the Redis store) and
// another replica's Poller of the same merchant share what reached the sink:
// each version of the complaint reaches it once, whichever path brings it
// first.
func TestCallbackAndPollReachTheSinkOnce(t *testing.T) {
	srv := needRedis(t)
	for _, callbackFirst := range []bool{true, false} {
		t.Run(map[bool]string{true: "CallbackThenPoll", false: "PollThenCallback"}[callbackFirst], func(t *testing.T) {
			wx := wechatpaytest.NewServer()
			t.Cleanup(wx.Close)
			client, err := wechatpay.NewClient(wx.Credentials(), wx.ClientOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			id := wx.AddComplaint(wechatpay.Complaint{}).ComplaintID
			prefix := uniquePrefix(t)
			sink := &recordingSink{}

			hstore := redisstore.New(srv.client(t), redisstore.WithPrefix(prefix))
			h := httptest.NewServer(complaint.NewHandler(wechatpay.NewReceiver(client), sink, complaint.WithStore(hstore),
				complaint.WithEnrichment(client.Adapter()), complaint.WithSharedPollState(hstore)))
			t.Cleanup(h.Close)
			pstore := redisstore.New(srv.client(t), redisstore.WithPrefix(prefix))
			p, err := complaint.NewPoller(sink, []complaint.PollSource{{Name: "wechatpay", Source: client.Adapter()}},
				complaint.WithPollState(pstore), complaint.WithLookback(24*time.Hour), complaint.WithRereadSpacing(0),
				complaint.WithDeadlineRule(nil))
			if err != nil {
				t.Fatal(err)
			}
			callback := func(event string, action wechatpay.ActionType) {
				t.Helper()
				st, err := wx.NotifyURL(context.Background(), h.URL, id, action, wechatpaytest.WithEventID(event))
				if err != nil || (st != http.StatusOK && st != http.StatusNoContent) {
					t.Fatalf("callback %s answered %d, %v", event, st, err)
				}
			}
			poll := func() {
				t.Helper()
				if err := p.PollOnce(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			version := func() string {
				t.Helper()
				c, err := client.Adapter().Get(context.Background(), complaint.Ref{Provider: complaint.WeChatPay, ID: id})
				if err != nil {
					t.Fatal(err)
				}
				return complaint.Fingerprint(c)
			}

			v1 := version()
			if callbackFirst {
				callback("evt-1", wechatpay.ActionCreateComplaint)
				poll()
			} else {
				poll()
				callback("evt-1", wechatpay.ActionCreateComplaint)
			}
			if n := sink.count(byVersion(id, v1)); n != 1 || sink.len() != 1 {
				t.Fatalf("the new complaint reached the sink %d times (%d events), want once", n, sink.len())
			}
			// A change the callback brings is not emitted again by the poll.
			wx.UpdateComplaint(id, func(c *wechatpay.Complaint) { c.ComplaintState = wechatpay.StateProcessing })
			v2 := version()
			callback("evt-2", wechatpay.ActionUserResponse)
			poll()
			// A change the poll finds first is not dispatched by a late callback.
			wx.UpdateComplaint(id, func(c *wechatpay.Complaint) { c.ComplaintState = wechatpay.StateProcessed })
			v3 := version()
			poll()
			callback("evt-3", wechatpay.ActionUserResponse)
			for i, v := range []string{v1, v2, v3} {
				if n := sink.count(byVersion(id, v)); n != 1 {
					t.Errorf("version %d reached the sink %d times, want once", i+1, n)
				}
			}
			if n := sink.len(); n != 3 {
				t.Errorf("%d events reached the sink, want 3", n)
			}
		})
	}
}

// TestPollerRedisDown: with its Redis unreachable a Poller's poll fails with
// the Redis error, Run backs off and retries, and neither the source nor the
// sink is called.
func TestPollerRedisDown(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	data, lists, sink, warns := newComplaints(), &listLog{}, &recordingSink{}, &warnLog{}
	data.add("c1")
	// No retries inside go-redis: each failed poll is one refused dial.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	p := newReplicaPoller(t, rdb, "tousu:", 0, data, lists, sink,
		complaint.WithBackoff(10*time.Millisecond, 40*time.Millisecond), complaint.WithPollerLogger(warns.logger()))
	err = p.PollOnce(context.Background())
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "redisstore: begin poll") {
		t.Fatalf("PollOnce with Redis down = %v, want the wrapped connection error", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := p.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v", err)
	}
	if n := strings.Count(warns.String(), "complaint poll failed; backing off"); n < 2 {
		t.Fatalf("Run logged %d failed polls with backoff, want retries:\n%s", n, warns.String())
	}
	if !strings.Contains(warns.String(), "connection refused") {
		t.Errorf("the failures do not say why:\n%s", warns.String())
	}
	if len(lists.all()) != 0 || sink.len() != 0 {
		t.Fatalf("without its state the poller listed %d times and emitted %d events", len(lists.all()), sink.len())
	}
}
