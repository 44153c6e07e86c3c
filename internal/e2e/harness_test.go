package e2e

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/gate"
	"github.com/tousu-go/tousu/internal/simclock"
	"github.com/tousu-go/tousu/internal/syncbuf"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// start is the simulated time every scenario begins at.
var start = time.Date(2025, 11, 15, 10, 0, 0, 0, time.UTC)

// providers are the four fakes; they outlive the merchant's processes
// (a restart builds a new merchant on the same providers).
type providers struct {
	clock *simclock.Clock
	wx    *wechatpaytest.Server
	al    *allinpaytest.Server
	pj    *payjstest.Server
	cx    *changxiangtest.Sender
}

func newProviders(t *testing.T) *providers {
	t.Helper()
	clock := simclock.New(start)
	p := &providers{
		clock: clock,
		wx:    wechatpaytest.NewServer(wechatpaytest.WithClock(clock.Now)),
		al:    allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2), allinpaytest.WithClock(clock.Now)),
		pj:    payjstest.NewServer(payjstest.WithClock(clock.Now)),
		cx:    changxiangtest.NewSender(changxiangtest.WithClock(clock.Now)),
	}
	t.Cleanup(p.wx.Close)
	t.Cleanup(p.al.Close)
	t.Cleanup(p.pj.Close)
	return p
}

// merchant is one process of a shop backend: a client per provider, one
// callback server with a route per provider, a poller, and the sink they
// feed. Store and state are passed in, so that a restarted merchant can
// keep them.
type merchant struct {
	p      *providers
	wx     *wechatpay.Client
	al     *allinpay.Client
	pj     *payjs.Client
	cx     *changxiang.Client
	wxSrc  *wechatpay.Adapter
	alSrc  *allinpay.Adapter
	pjSrc  *payjs.Adapter
	sink   *sink
	srv    *httptest.Server
	store  complaint.Store
	state  complaint.PollState
	logs   *syncbuf.Buffer
	logger *slog.Logger
}

func newMerchant(t *testing.T, p *providers, store complaint.Store, state complaint.PollState) *merchant {
	t.Helper()
	m := &merchant{p: p, sink: &sink{}, store: store, state: state, logs: &syncbuf.Buffer{}}
	m.logger = slog.New(slog.NewTextHandler(m.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	common := []option.Option{option.WithClock(p.clock.Now), option.WithRetry(option.Retry{})}
	var err error
	if m.wx, err = wechatpay.NewClient(p.wx.Credentials(), append(p.wx.ClientOptions(), common...)...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.wx.Close() })
	if m.al, err = allinpay.NewClient(p.al.Credentials(), append(p.al.ClientOptions(), common...)...); err != nil {
		t.Fatal(err)
	}
	if m.pj, err = payjs.NewClient(p.pj.Credentials(), append(common, option.WithBaseURL(p.pj.URL))...); err != nil {
		t.Fatal(err)
	}
	if m.cx, err = changxiang.NewClient(p.cx.Credentials(), common...); err != nil {
		t.Fatal(err)
	}
	m.wxSrc, m.alSrc, m.pjSrc = m.wx.Adapter(), m.al.Adapter(), m.pj.Adapter()

	opts := []complaint.HandlerOption{complaint.WithStore(store), complaint.WithSharedPollState(state),
		complaint.WithHandlerLogger(m.logger)}
	mux := http.NewServeMux()
	mux.Handle("POST /wechatpay", complaint.NewHandler(wechatpay.NewReceiver(m.wx), m.sink,
		append(opts, complaint.WithEnrichment(m.wxSrc))...))
	mux.Handle("POST /allinpay", complaint.NewHandler(allinpay.NewReceiver(m.al), m.sink,
		append(opts, complaint.WithEnrichment(m.alSrc))...))
	mux.Handle("POST /changxiang", complaint.NewHandler(changxiang.NewReceiver(m.cx), m.sink, opts...))
	mux.Handle("POST /payjs/payment", complaint.NewPaymentHandler(payjs.NewReceiver(m.pj),
		complaint.PaymentSinkFunc[*payjs.Notification](m.sink.HandlePayment), opts...))
	m.srv = httptest.NewServer(mux)
	t.Cleanup(m.srv.Close)
	return m
}

func (m *merchant) url(route string) string { return m.srv.URL + "/" + route }

// poller returns a poller over the three providers with a Source, on the
// merchant's state and the simulated clock.
func (m *merchant) poller(t *testing.T, opts ...complaint.PollerOption) *complaint.Poller {
	t.Helper()
	return m.pollerOf(t, []complaint.PollSource{
		{Name: "payjs", Source: m.pjSrc},
		{Name: "wechatpay", Source: m.wxSrc},
		{Name: "allinpay", Source: m.alSrc},
	}, opts...)
}

func (m *merchant) pollerOf(t *testing.T, sources []complaint.PollSource, opts ...complaint.PollerOption) *complaint.Poller {
	t.Helper()
	base := []complaint.PollerOption{complaint.WithPollState(m.state), complaint.WithPollerClock(m.p.clock.Now),
		complaint.WithLookback(7 * 24 * time.Hour), complaint.WithRereadSpacing(0), complaint.WithPollerLogger(m.logger)}
	p, err := complaint.NewPoller(m.sink, sources, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sink records what reaches it. fail, when set, decides whether an event
// is refused (the sink's queue is down); hold makes the next event wait.
type sink struct {
	mu       sync.Mutex
	events   []*complaint.Event
	payments []*payjs.Notification
	fail     func(*complaint.Event) error
	hold     gate.Hold
}

func (s *sink) HandleEvent(ctx context.Context, e *complaint.Event) error {
	if err := s.hold.Pass(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail != nil {
		if err := fail(e); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	return nil
}

func (s *sink) HandlePayment(_ context.Context, n *payjs.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.payments = append(s.payments, n)
	return nil
}

func (s *sink) setFail(f func(*complaint.Event) error) {
	s.mu.Lock()
	s.fail = f
	s.mu.Unlock()
}

// taken returns the events received so far and forgets them.
func (s *sink) taken() []*complaint.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.events
	s.events = nil
	return evs
}

func (s *sink) paymentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.payments)
}

// waitFor waits until the sink holds at least n events, or fails the test
// after a generous deadline (nothing in these tests sleeps for real).
func (s *sink) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.mu.Lock()
		got := len(s.events)
		s.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sink has %d events after 20s, want %d", got, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// summary is "provider/channel/id kind" per event, sorted, for comparison.
func summary(evs []*complaint.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, complaint.Ref{Provider: e.Ref.Provider, Channel: e.Ref.Channel, ID: e.Ref.ID}.String()+" "+string(e.Kind))
	}
	slices.Sort(out)
	return out
}

func wantEvents(t *testing.T, what string, got []*complaint.Event, want ...string) {
	t.Helper()
	slices.Sort(want)
	if s := summary(got); !slices.Equal(s, want) {
		t.Errorf("%s: events\n  %q\nwant\n  %q", what, s, want)
	}
}

// errNotFetched is the sink refusing an event whose complaint the handler
// could not fetch, so that the provider delivers it again later.
var errNotFetched = errors.New("complaint not fetched yet")

// testCtx is a test context with a deadline well beyond what any test needs.
func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// do sends req and returns the status and body.
func do(req *http.Request) (int, string, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}
