package complaint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tousu-go/tousu/internal/callctx"
)

// fakeReceiver accepts JSON bodies {"events":[{"id":..,"complaint_id":..}]} when the
// X-Sig header is "good", the way a provider receiver verifies then parses.
// {"events":[]} is a verified notice with nothing to dispatch.
type fakeReceiver struct {
	calls    atomic.Int32
	panic    bool
	ackPanic bool
	last     atomic.Pointer[Delivery]
}

type fakeBody struct {
	Events []struct {
		ID          string `json:"id"`
		ComplaintID string `json:"complaint_id"`
		Phone       string `json:"phone"`
	} `json:"events"`
}

func (f *fakeReceiver) Provider() Provider { return "fake" }

func (f *fakeReceiver) Receive(_ context.Context, d *Delivery) ([]Event, error) {
	f.calls.Add(1)
	f.last.Store(d)
	if f.panic {
		panic("receiver exploded")
	}
	if d.Header.Get("X-Sig") != "good" {
		return nil, fmt.Errorf("fake: %w", ErrSignatureInvalid)
	}
	var b fakeBody
	if err := json.Unmarshal(d.Body, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	if b.Events == nil {
		return nil, fmt.Errorf("%w: no events", ErrMalformedNotification)
	}
	out := make([]Event, 0, len(b.Events))
	for _, e := range b.Events {
		if e.ID == "" {
			return nil, fmt.Errorf("%w: event without id", ErrMalformedNotification)
		}
		out = append(out, Event{ID: e.ID, Ref: Ref{Provider: "fake", ID: e.ComplaintID}, Kind: KindCreated, Raw: e})
	}
	return out, nil
}

func (f *fakeReceiver) Ack(err error) Ack {
	if f.ackPanic {
		panic("ack exploded")
	}
	if err == nil {
		return Ack{Status: http.StatusOK, ContentType: "text/plain", Body: []byte("success")}
	}
	return Ack{Status: StatusFor(err), ContentType: "text/plain", Body: []byte("fail")}
}

// recordingSink records every event id it sees; fail and panic make it misbehave
// for ids in the sets.
type recordingSink struct {
	mu    sync.Mutex
	seen  []string
	fail  map[string]int // id -> remaining failures
	panic map[string]int
}

func (s *recordingSink) HandleEvent(_ context.Context, e *Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.panic[e.ID] > 0 {
		s.panic[e.ID]--
		panic("sink exploded")
	}
	if s.fail[e.ID] > 0 {
		s.fail[e.ID]--
		return errors.New("sink: database down")
	}
	s.seen = append(s.seen, e.ID)
	return nil
}

func (s *recordingSink) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func post(t testing.TB, h http.Handler, sig, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(body))
	req.Header.Set("X-Sig", sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const oneEvent = `{"events":[{"id":"e1","complaint_id":"c1"}]}`

func TestHandlerDispatchesOnceAndAcks(t *testing.T) {
	recv := &fakeReceiver{}
	sink := &recordingSink{}
	h := NewHandler(recv, sink)

	for i := 0; i < 3; i++ {
		rec := post(t, h, "good", oneEvent)
		if rec.Code != http.StatusOK || rec.Body.String() != "success" {
			t.Fatalf("delivery %d: got %d %q, want 200 success", i, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/plain" {
			t.Fatalf("content type %q", ct)
		}
	}
	if got := sink.ids(); len(got) != 1 || got[0] != "e1" {
		t.Fatalf("sink saw %v, want exactly [e1]", got)
	}
	if recv.calls.Load() != 3 {
		t.Fatalf("receiver called %d times, want 3 (every delivery is verified)", recv.calls.Load())
	}
}

func TestHandlerPassesTheWholeDelivery(t *testing.T) {
	recv := &fakeReceiver{}
	h := NewHandler(recv, &recordingSink{})
	req := httptest.NewRequest(http.MethodPost, "/notify/acct-1?risktype=COMPLAINT&x=%E6%8A%95", strings.NewReader(oneEvent))
	req.Header.Set("X-Sig", "good")
	req.Header.Set("Wechatpay-Serial", "PUB_KEY_ID_1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	d := recv.last.Load()
	if d == nil {
		t.Fatal("receiver not called")
	}
	if d.Method != http.MethodPost || d.URL.Path != "/notify/acct-1" || d.URL.Query().Get("x") != "投" ||
		d.URL.Query().Get("risktype") != "COMPLAINT" || d.Header.Get("Wechatpay-Serial") != "PUB_KEY_ID_1" ||
		string(d.Body) != oneEvent {
		t.Fatalf("delivery %+v", d)
	}
}

func TestHandlerVerifiedNoticeDispatchesNothing(t *testing.T) {
	sink := &recordingSink{}
	rec := post(t, NewHandler(&fakeReceiver{}, sink), "good", `{"events":[]}`)
	if rec.Code != http.StatusOK || rec.Body.String() != "success" || len(sink.ids()) != 0 {
		t.Fatalf("verified notice: %d %q, sink %v", rec.Code, rec.Body.String(), sink.ids())
	}
	// Verification still applies to such notices.
	if rec := post(t, NewHandler(&fakeReceiver{}, sink), "bad", `{"events":[]}`); rec.Code != http.StatusUnauthorized {
		t.Fatalf("forged notice answered %d", rec.Code)
	}
}

func TestHandlerRejectsBadInputWithoutDispatch(t *testing.T) {
	cases := []struct {
		name       string
		sig, body  string
		maxBody    int64
		wantStatus int
		wantErr    error
	}{
		{"forged signature", "bad", oneEvent, 0, http.StatusUnauthorized, ErrSignatureInvalid},
		{"malformed json", "good", `{"events":[`, 0, http.StatusBadRequest, ErrMalformedNotification},
		{"no events", "good", `{}`, 0, http.StatusBadRequest, ErrMalformedNotification},
		{"event without id", "good", `{"events":[{"id":"e1"},{"id":""}]}`, 0, http.StatusBadRequest, ErrMalformedNotification},
		{"oversize", "good", `{"events":[{"id":"e1","complaint_id":"` + strings.Repeat("x", 200) + `"}]}`, 100, http.StatusRequestEntityTooLarge, ErrBodyTooLarge},
		{"empty body", "good", ``, 0, http.StatusBadRequest, ErrMalformedNotification},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recv := &fakeReceiver{}
			sink := &recordingSink{}
			var logs bytes.Buffer
			h := NewHandler(recv, sink, WithMaxBodyBytes(tc.maxBody),
				WithHandlerLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			rec := post(t, h, tc.sig, tc.body)
			if rec.Code != tc.wantStatus || rec.Body.String() != "fail" {
				t.Fatalf("got %d %q, want %d fail", rec.Code, rec.Body.String(), tc.wantStatus)
			}
			if got := sink.ids(); len(got) != 0 {
				t.Fatalf("sink saw %v for bad input", got)
			}
			if !strings.Contains(logs.String(), "level=INFO") || strings.Contains(logs.String(), "level=ERROR") {
				t.Fatalf("bad input must be logged at info, not error: %s", logs.String())
			}
			if tc.wantErr == ErrBodyTooLarge && recv.calls.Load() != 0 {
				t.Fatal("oversize body reached the receiver")
			}
		})
	}
}

func TestHandlerOversizeWithoutContentLength(t *testing.T) {
	recv := &fakeReceiver{}
	sink := &recordingSink{}
	h := NewHandler(recv, sink, WithMaxBodyBytes(64))
	body := `{"events":[{"id":"e1","complaint_id":"` + strings.Repeat("y", 100) + `"}]}`
	req := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(body))) // unknown length
	req.ContentLength = -1
	req.Header.Set("X-Sig", "good")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || recv.calls.Load() != 0 || len(sink.ids()) != 0 {
		t.Fatalf("got %d, receiver calls %d, sink %v", rec.Code, recv.calls.Load(), sink.ids())
	}
}

func TestHandlerSinkFailureAllowsRedelivery(t *testing.T) {
	sink := &recordingSink{fail: map[string]int{"e1": 1}}
	h := NewHandler(&fakeReceiver{}, sink)
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusInternalServerError {
		t.Fatalf("sink failure answered %d, want 500", rec.Code)
	}
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("redelivery answered %d, want 200", rec.Code)
	}
	if got := sink.ids(); len(got) != 1 {
		t.Fatalf("sink saw %v, want e1 once after the retry", got)
	}
}

// blockingSink holds the first call for e1 until release is closed, then
// answers with firstErr; later calls succeed.
type blockingSink struct {
	entered chan struct{}
	release chan struct{}
	first   error
	calls   atomic.Int32
	ok      atomic.Int32
}

func newBlockingSink(first error) *blockingSink {
	return &blockingSink{entered: make(chan struct{}), release: make(chan struct{}), first: first}
}

func (s *blockingSink) HandleEvent(_ context.Context, e *Event) error {
	if s.calls.Add(1) == 1 {
		close(s.entered)
		<-s.release
		if s.first != nil {
			return s.first
		}
	}
	s.ok.Add(1)
	return nil
}

// The bug this core was rebuilt for: a duplicate that arrives while the first
// delivery is still in the sink must not be answered success, because the
// first delivery may fail and the provider would then never deliver again.
func TestHandlerRedeliveryWhileInFlightThenFailure(t *testing.T) {
	sink := newBlockingSink(errors.New("sink: database down"))
	h := NewHandler(&fakeReceiver{}, sink)

	first := make(chan int)
	go func() { first <- post(t, h, "good", oneEvent).Code }()
	<-sink.entered

	dup := post(t, h, "good", oneEvent)
	if dup.Code == http.StatusOK || dup.Body.String() != "fail" {
		t.Fatalf("a redelivery while the first is in flight answered %d %q; the provider would stop retrying", dup.Code, dup.Body.String())
	}
	if dup.Code != http.StatusServiceUnavailable {
		t.Fatalf("in-flight redelivery answered %d, want 503", dup.Code)
	}
	close(sink.release)
	if code := <-first; code != http.StatusInternalServerError {
		t.Fatalf("the failing first delivery answered %d, want 500", code)
	}
	if sink.ok.Load() != 0 {
		t.Fatal("the event reached the sink although the only attempt failed")
	}
	// The provider's next retry delivers the event, exactly once.
	for i := 0; i < 3; i++ {
		if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
			t.Fatalf("retry %d answered %d", i, rec.Code)
		}
	}
	if sink.ok.Load() != 1 || sink.calls.Load() != 2 {
		t.Fatalf("sink succeeded %d times in %d calls, want once in 2", sink.ok.Load(), sink.calls.Load())
	}
}

func TestHandlerRedeliveryWhileInFlightThenSuccess(t *testing.T) {
	sink := newBlockingSink(nil)
	h := NewHandler(&fakeReceiver{}, sink)
	first := make(chan int)
	go func() { first <- post(t, h, "good", oneEvent).Code }()
	<-sink.entered
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("in-flight redelivery answered %d, want 503", rec.Code)
	}
	close(sink.release)
	if code := <-first; code != http.StatusOK {
		t.Fatalf("first delivery answered %d", code)
	}
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("retry after the commit answered %d", rec.Code)
	}
	if sink.calls.Load() != 1 {
		t.Fatalf("sink called %d times, want 1", sink.calls.Load())
	}
}

// A delivery that claimed the event and then died (never committed, never
// released) blocks redeliveries only until its lease runs out.
func TestHandlerTakesOverACrashedHoldersLease(t *testing.T) {
	clk := newClock()
	store := NewMemoryStore(WithStoreClock(clk.now))
	const lease = 30 * time.Second
	// The "crashed" replica: it claimed e1 with the same lease and vanished.
	if st, _, _ := store.Claim(context.Background(), "fake:e1", lease); st != ClaimNew {
		t.Fatalf("setup claim: %v", st)
	}
	sink := &recordingSink{}
	h := NewHandler(&fakeReceiver{}, sink, WithStore(store), WithLease(lease))
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("within the crashed holder's lease: %d, want 503", rec.Code)
	}
	clk.advance(lease)
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("after the lease: %d, want 200", rec.Code)
	}
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("duplicate after the takeover: %d", rec.Code)
	}
	if got := sink.ids(); len(got) != 1 {
		t.Fatalf("sink saw %v, want e1 once", got)
	}
}

func TestHandlerRecoversSinkPanic(t *testing.T) {
	sink := &recordingSink{panic: map[string]int{"e1": 1}}
	var logs bytes.Buffer
	h := NewHandler(&fakeReceiver{}, sink, WithHandlerLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	rec := post(t, h, "good", oneEvent)
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != "fail" {
		t.Fatalf("panicking sink answered %d %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("panic not logged at error: %s", logs.String())
	}
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("redelivery after panic answered %d", rec.Code)
	}
	if got := sink.ids(); len(got) != 1 {
		t.Fatalf("sink saw %v, want e1 once", got)
	}
}

func TestHandlerRecoversReceiverAndAckPanics(t *testing.T) {
	sink := &recordingSink{}
	rec := post(t, NewHandler(&fakeReceiver{panic: true}, sink), "good", oneEvent)
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != "fail" {
		t.Fatalf("panicking receiver answered %d %q", rec.Code, rec.Body.String())
	}
	if len(sink.ids()) != 0 {
		t.Fatalf("a panicking receiver dispatched %v", sink.ids())
	}
	rec = post(t, NewHandler(&fakeReceiver{ackPanic: true}, sink), "good", oneEvent)
	if rec.Code != http.StatusInternalServerError || rec.Body.Len() != len("internal error\n") {
		t.Fatalf("panicking ack answered %d %q", rec.Code, rec.Body.String())
	}
}

func TestHandlerPartialFailureRedeliversOnlyTheRest(t *testing.T) {
	sink := &recordingSink{fail: map[string]int{"e2": 1}}
	h := NewHandler(&fakeReceiver{}, sink)
	body := `{"events":[{"id":"e1"},{"id":"e2"},{"id":"e3"}]}`
	if rec := post(t, h, "good", body); rec.Code != http.StatusInternalServerError {
		t.Fatalf("got %d", rec.Code)
	}
	if got := strings.Join(sink.ids(), ","); got != "e1" {
		t.Fatalf("after the failure sink saw %s, want e1 (e3 must wait for the retry)", got)
	}
	if rec := post(t, h, "good", body); rec.Code != http.StatusOK {
		t.Fatalf("retry got %d", rec.Code)
	}
	if got := strings.Join(sink.ids(), ","); got != "e1,e2,e3" {
		t.Fatalf("after the retry sink saw %s, want e1,e2,e3", got)
	}
}

func TestHandlerConcurrentDuplicatesDispatchOnce(t *testing.T) {
	var n atomic.Int32
	h := NewHandler(&fakeReceiver{}, SinkFunc(func(context.Context, *Event) error {
		n.Add(1)
		time.Sleep(time.Millisecond) // keep the lease held while others arrive
		return nil
	}))
	var wg sync.WaitGroup
	var ok, retry atomic.Int32
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch rec := post(t, h, "good", oneEvent); rec.Code {
			case http.StatusOK:
				ok.Add(1)
			case http.StatusServiceUnavailable:
				retry.Add(1)
			default:
				t.Errorf("got %d", rec.Code)
			}
		}()
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Fatalf("sink called %d times for one event delivered 64 times", n.Load())
	}
	if ok.Load() < 1 || ok.Load()+retry.Load() != 64 {
		t.Fatalf("%d successes and %d retry answers of 64", ok.Load(), retry.Load())
	}
	// The provider's retries of the 503s all succeed without the sink.
	for i := int32(0); i < retry.Load(); i++ {
		if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
			t.Fatalf("retry answered %d", rec.Code)
		}
	}
	if n.Load() != 1 {
		t.Fatalf("sink called %d times after the retries", n.Load())
	}
}

func TestHandlerMethodNotAllowed(t *testing.T) {
	recv := &fakeReceiver{}
	h := NewHandler(recv, &recordingSink{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost || recv.calls.Load() != 0 {
		t.Fatalf("GET answered %d", rec.Code)
	}
}

func TestHandlerLogsNoBuyerData(t *testing.T) {
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sink := &recordingSink{fail: map[string]int{"e1": 1}}
	h := NewHandler(&fakeReceiver{}, sink, WithHandlerLogger(l),
		WithEnrichment(&fakeSource{err: errors.New("upstream down")}))
	body := `{"events":[{"id":"e1","complaint_id":"c1","phone":"18612045566"}]}`
	post(t, h, "good", body)
	post(t, h, "good", body)
	post(t, h, "good", body) // duplicate
	post(t, h, "bad", body)  // forged
	out := logs.String()
	for _, want := range []string{`"event_id":"e1"`, "duplicate delivery dropped", "complaint callback answered failure", "sink failed", `"id":"c1"`, "enrichment failed"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %q: %s", want, out)
		}
	}
	if strings.Contains(out, "18612045566") {
		t.Fatalf("log contains the phone number: %s", out)
	}
}

type fakeSource struct {
	err   error
	calls atomic.Int32
	block chan struct{} // when set, Get ignores its context and waits here
	ctx   atomic.Pointer[context.Context]
	ref   atomic.Pointer[Ref]
}

func (s *fakeSource) Provider() Provider { return "fake" }
func (s *fakeSource) List(context.Context, ListOptions) iter.Seq2[*Complaint, error] {
	return func(func(*Complaint, error) bool) {}
}
func (s *fakeSource) Get(ctx context.Context, ref Ref) (*Complaint, error) {
	s.calls.Add(1)
	s.ctx.Store(&ctx)
	s.ref.Store(&ref)
	if s.block != nil {
		<-s.block
	}
	if s.err != nil {
		return nil, s.err
	}
	return &Complaint{Provider: "fake", ID: ref.ID, State: StatePending}, nil
}
func (s *fakeSource) History(context.Context, Ref) iter.Seq2[*Entry, error] {
	return func(func(*Entry, error) bool) {}
}

func TestHandlerEnrichment(t *testing.T) {
	var got []*Complaint
	sink := SinkFunc(func(_ context.Context, e *Event) error { got = append(got, e.Complaint); return nil })

	src := &fakeSource{}
	post(t, NewHandler(&fakeReceiver{}, sink, WithEnrichment(src)), "good", oneEvent)
	if len(got) != 1 || got[0] == nil || got[0].ID != "c1" || got[0].State != StatePending {
		t.Fatalf("enriched event carried %+v", got)
	}
	if r := src.ref.Load(); r == nil || *r != (Ref{Provider: "fake", ID: "c1"}) {
		t.Fatalf("Get called with %+v, want the event's ref", r)
	}
	ctx := *src.ctx.Load()
	if !callctx.RetryDisabled(ctx) {
		t.Fatal("enrichment Get may be retried; it must make one attempt")
	}
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > DefaultEnrichmentTimeout {
		t.Fatalf("enrichment deadline %v (set %v), want within %v", dl, ok, DefaultEnrichmentTimeout)
	}

	got = nil
	failing := &fakeSource{err: ErrRateLimited}
	rec := post(t, NewHandler(&fakeReceiver{}, sink, WithEnrichment(failing)), "good", oneEvent)
	if rec.Code != http.StatusOK || len(got) != 1 || got[0] != nil || failing.calls.Load() != 1 {
		t.Fatalf("failed enrichment: status %d, events %v", rec.Code, got)
	}
}

// A source that ignores its context and hangs must not hold the callback: the
// handler stops waiting at the enrichment deadline and dispatches the event
// without the complaint.
func TestHandlerSlowEnrichmentDoesNotDelayTheAck(t *testing.T) {
	src := &fakeSource{block: make(chan struct{})}
	defer close(src.block)
	var got []*Event
	sink := SinkFunc(func(_ context.Context, e *Event) error { got = append(got, e); return nil })
	h := NewHandler(&fakeReceiver{}, sink, WithEnrichment(src), WithEnrichmentTimeout(20*time.Millisecond),
		WithCallbackTimeout(time.Hour))
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- post(t, h, "good", oneEvent) }()
	select {
	case rec := <-done:
		if rec.Code != http.StatusOK {
			t.Fatalf("answered %d", rec.Code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler waited for a hanging enrichment source")
	}
	if len(got) != 1 || got[0].Complaint != nil || src.calls.Load() != 1 {
		t.Fatalf("sink got %+v after %d Get calls", got, src.calls.Load())
	}
}

// The enrichment deadline never runs past the callback's.
func TestHandlerEnrichmentBoundedByCallbackDeadline(t *testing.T) {
	src := &fakeSource{}
	h := NewHandler(&fakeReceiver{}, &recordingSink{}, WithEnrichment(src),
		WithEnrichmentTimeout(time.Hour), WithCallbackTimeout(500*time.Millisecond))
	post(t, h, "good", oneEvent)
	dl, ok := (*src.ctx.Load()).Deadline()
	if !ok || time.Until(dl) > 500*time.Millisecond {
		t.Fatalf("enrichment deadline %v, want within the 500ms callback deadline", dl)
	}
}

func TestHandlerCallbackDeadlineReachesTheSink(t *testing.T) {
	var dl time.Time
	var has bool
	sink := SinkFunc(func(ctx context.Context, _ *Event) error { dl, has = ctx.Deadline(); return nil })
	post(t, NewHandler(&fakeReceiver{}, sink), "good", oneEvent)
	if !has || time.Until(dl) > DefaultCallbackTimeout {
		t.Fatalf("sink deadline %v (set %v), want within %v", dl, has, DefaultCallbackTimeout)
	}
	if DefaultCallbackTimeout >= 5*time.Second {
		t.Fatalf("DefaultCallbackTimeout %v is not below WeChat's 5 s window", DefaultCallbackTimeout)
	}
}

type scriptedStore struct {
	MemoryStore
	claimErr, commitErr, releaseErr error
	commits, releases               atomic.Int32
}

func (s *scriptedStore) Claim(ctx context.Context, key string, lease time.Duration) (ClaimState, string, error) {
	if s.claimErr != nil {
		return 0, "", s.claimErr
	}
	return s.MemoryStore.Claim(ctx, key, lease)
}

func (s *scriptedStore) Commit(ctx context.Context, key string) error {
	s.commits.Add(1)
	if s.commitErr != nil {
		return s.commitErr
	}
	return s.MemoryStore.Commit(ctx, key)
}

func (s *scriptedStore) Release(ctx context.Context, key, token string) error {
	s.releases.Add(1)
	if s.releaseErr != nil {
		return s.releaseErr
	}
	return s.MemoryStore.Release(ctx, key, token)
}

func newScripted() *scriptedStore { return &scriptedStore{MemoryStore: *NewMemoryStore()} }

func TestHandlerStoreFailures(t *testing.T) {
	t.Run("claim", func(t *testing.T) {
		store := newScripted()
		store.claimErr = errors.New("redis down")
		sink := &recordingSink{}
		rec := post(t, NewHandler(&fakeReceiver{}, sink, WithStore(store)), "good", oneEvent)
		if rec.Code != http.StatusInternalServerError || len(sink.ids()) != 0 {
			t.Fatalf("claim failure: %d, sink %v", rec.Code, sink.ids())
		}
	})
	t.Run("commit", func(t *testing.T) {
		store := newScripted()
		store.commitErr = errors.New("redis down")
		sink := &recordingSink{}
		var logs bytes.Buffer
		rec := post(t, NewHandler(&fakeReceiver{}, sink, WithStore(store),
			WithHandlerLogger(slog.New(slog.NewTextHandler(&logs, nil)))), "good", oneEvent)
		// The sink has the event: success, and the failure is logged.
		if rec.Code != http.StatusOK || len(sink.ids()) != 1 || store.commits.Load() != 1 {
			t.Fatalf("commit failure: %d, sink %v", rec.Code, sink.ids())
		}
		if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "commit failed") {
			t.Fatalf("commit failure not logged: %s", logs.String())
		}
	})
	t.Run("release", func(t *testing.T) {
		store := newScripted()
		store.releaseErr = errors.New("redis down")
		sink := &recordingSink{fail: map[string]int{"e1": 1}}
		rec := post(t, NewHandler(&fakeReceiver{}, sink, WithStore(store)), "good", oneEvent)
		if rec.Code != http.StatusInternalServerError || store.releases.Load() != 1 {
			t.Fatalf("release failure: %d, releases %d", rec.Code, store.releases.Load())
		}
	})
	t.Run("invalid state", func(t *testing.T) {
		sink := &recordingSink{}
		rec := post(t, NewHandler(&fakeReceiver{}, sink, WithStore(badStateStore{})), "good", oneEvent)
		if rec.Code != http.StatusInternalServerError || len(sink.ids()) != 0 {
			t.Fatalf("a store answering no state: %d, sink %v", rec.Code, sink.ids())
		}
	})
}

type badStateStore struct{}

func (badStateStore) Claim(context.Context, string, time.Duration) (ClaimState, string, error) {
	return 0, "", nil
}
func (badStateStore) Commit(context.Context, string) error          { return nil }
func (badStateStore) Release(context.Context, string, string) error { return nil }

// The release after a failed sink runs even when the callback's own deadline
// has passed, so the event is not held until the lease runs out.
func TestHandlerReleasesAfterTheDeadline(t *testing.T) {
	store := newScripted()
	sink := SinkFunc(func(ctx context.Context, _ *Event) error { <-ctx.Done(); return ctx.Err() })
	h := NewHandler(&fakeReceiver{}, sink, WithStore(store), WithCallbackTimeout(10*time.Millisecond))
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusInternalServerError {
		t.Fatalf("timed-out sink answered %d", rec.Code)
	}
	if st, _, _ := store.Claim(context.Background(), "fake:e1", time.Minute); st != ClaimNew {
		t.Fatalf("after the timed-out sink the key is %v, want released", st)
	}
}

type payNote struct {
	Order string
	Fee   int64
}

type payReceiver struct{}

func (payReceiver) Provider() Provider { return "fakepay" }
func (payReceiver) ReceivePayment(_ context.Context, d *Delivery) (payNote, string, error) {
	if d.Header.Get("X-Sig") != "good" {
		return payNote{}, "", ErrSignatureInvalid
	}
	var n payNote
	if err := json.Unmarshal(d.Body, &n); err != nil {
		return payNote{}, "", fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	return n, n.Order, nil
}
func (payReceiver) Ack(err error) Ack {
	if err != nil {
		return Ack{Status: StatusFor(err), Body: []byte("fail")}
	}
	return Ack{Status: http.StatusOK, Body: []byte("success")}
}

func TestPaymentHandler(t *testing.T) {
	var got []payNote
	store := NewMemoryStore()
	fail := 1
	sink := PaymentSinkFunc[payNote](func(_ context.Context, n payNote) error {
		if n.Order == "flaky" && fail > 0 {
			fail--
			return errors.New("ledger down")
		}
		got = append(got, n)
		return nil
	})
	h := NewPaymentHandler[payNote](payReceiver{}, sink, WithStore(store))
	for _, tc := range []struct {
		sig, body string
		code      int
	}{
		{"good", `{"Order":"o1","Fee":100}`, 200},
		{"good", `{"Order":"o1","Fee":100}`, 200}, // duplicate
		{"bad", `{"Order":"o2","Fee":100}`, 401},
		{"good", `{"Order":`, 400},
		{"good", `{"Order":"","Fee":1}`, 200}, // verified, nothing to dispatch
		{"good", `{"Order":"flaky","Fee":7}`, 500},
		{"good", `{"Order":"flaky","Fee":7}`, 200},
	} {
		if rec := post(t, h, tc.sig, tc.body); rec.Code != tc.code {
			t.Fatalf("%s %s: %d, want %d", tc.sig, tc.body, rec.Code, tc.code)
		}
	}
	if len(got) != 2 || got[0] != (payNote{"o1", 100}) || got[1] != (payNote{"flaky", 7}) {
		t.Fatalf("payment sink saw %+v", got)
	}
	if st, _, _ := store.Claim(context.Background(), "fakepay:payment:o1", time.Minute); st != ClaimDone {
		t.Fatalf("payment key fakepay:payment:o1 is %v, want done", st)
	}
}

func TestReadDelivery(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/cb?a=1", strings.NewReader("hello"))
	req.Header.Set("X-A", "b")
	d, err := ReadDelivery(req, 5)
	if err != nil || string(d.Body) != "hello" || d.Method != http.MethodPost || d.URL.RawQuery != "a=1" || d.Header.Get("X-A") != "b" {
		t.Fatalf("ReadDelivery = %+v, %v", d, err)
	}
	again, _ := io.ReadAll(req.Body)
	if string(again) != "hello" {
		t.Fatalf("body not restored: %q", again)
	}
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello!"))
	if _, err := ReadDelivery(req, 5); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("6 bytes over a 5-byte limit: %v", err)
	}
	if _, err := ReadDelivery(nil, 5); !errors.Is(err, ErrMalformedNotification) {
		t.Fatalf("nil request: %v", err)
	}
	req = httptest.NewRequest(http.MethodPost, "/", nil)
	if d, err := ReadDelivery(req, 5); err != nil || len(d.Body) != 0 {
		t.Fatalf("no body: %+v %v", d, err)
	}
}

func TestReadDeliveryShorterThanContentLength(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello"))
	req.ContentLength = 10
	if _, err := ReadDelivery(req, 100); !errors.Is(err, ErrMalformedNotification) {
		t.Fatalf("a body shorter than its Content-Length: %v", err)
	}
}

func TestReadDeliveryLongerThanContentLengthIsTooLarge(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("a", 200)))
	req.ContentLength = 10 // a hand-built request that understates its body
	if _, err := ReadDelivery(req, 100); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("a 200-byte body announced as 10 under a 100-byte limit: %v", err)
	}
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("b", 70<<10)))
	d, err := ReadDelivery(req, 1<<20)
	if err != nil || len(d.Body) != 70<<10 {
		t.Fatalf("a 70 KiB body: %v", err)
	}
}

func TestStatusFor(t *testing.T) {
	cases := map[error]int{
		nil:                                  200,
		fmt.Errorf("x: %w", ErrBodyTooLarge): 413,
		ErrSignatureInvalid:                  401,
		ErrUnknownKey:                        401,
		ErrTimestampSkew:                     401,
		ErrMalformedNotification:             400,
		ErrInFlight:                          503,
		errors.New("anything else"):          500,
		fmt.Errorf("%w: boom", ErrInternal):  500,
	}
	for err, want := range cases {
		if got := StatusFor(err); got != want {
			t.Errorf("StatusFor(%v) = %d, want %d", err, got, want)
		}
	}
}

func FuzzHandler(f *testing.F) {
	f.Add("good", oneEvent)
	f.Add("good", `{"events":[{"id":"a"},{"id":"a"}]}`)
	f.Add("bad", oneEvent)
	f.Add("good", `{"events":null}`)
	f.Add("good", `{"events":[]}`)
	f.Add("good", "\x00\xff")
	f.Fuzz(func(t *testing.T, sig, body string) {
		var dispatched []string
		h := NewHandler(&fakeReceiver{}, SinkFunc(func(_ context.Context, e *Event) error {
			dispatched = append(dispatched, e.ID)
			return nil
		}), WithMaxBodyBytes(4096))
		rec := post(t, h, sig, body)
		events, err := (&fakeReceiver{}).Receive(context.Background(),
			&Delivery{Header: http.Header{"X-Sig": {sig}}, Body: []byte(body)})
		if len(body) > 4096 {
			err = ErrBodyTooLarge
		}
		if err != nil {
			if len(dispatched) != 0 || rec.Code == http.StatusOK {
				t.Fatalf("bad input %q dispatched %v with %d", body, dispatched, rec.Code)
			}
			if rec.Code != StatusFor(err) {
				t.Fatalf("bad input %q answered %d, want %d", body, rec.Code, StatusFor(err))
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range events {
			seen[e.ID] = true
		}
		if rec.Code != http.StatusOK || len(dispatched) != len(seen) {
			t.Fatalf("good input: %d, dispatched %v, want %d distinct", rec.Code, dispatched, len(seen))
		}
	})
}

// BenchmarkHandler measures the handler's own cost around a receiver that does
// no crypto: body read, lease claim and commit, sink call and acknowledgement.
// Provider benchmarks compare their full callback path with bare RSA verify +
// GCM open.
func BenchmarkHandler(b *testing.B) {
	h := NewHandler(&fakeReceiver{}, SinkFunc(func(context.Context, *Event) error { return nil }))
	bodies := make([]string, 1024)
	for i := range bodies {
		bodies[i] = fmt.Sprintf(`{"events":[{"id":"e%d","complaint_id":"c%d"}]}`, i, i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("X-Sig", "good")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkReadBody compares the handler's body read with io.ReadAll over the
// same http.MaxBytesReader, the standard library's way, for a body the size of
// a WeChat complaint callback: the floor and the reason readAll exists.
func BenchmarkReadBody(b *testing.B) {
	body := strings.Repeat("x", 900)
	b.Run("readAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := &http.Request{Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
			if _, err := readBody(nil, req, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("io.ReadAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := &http.Request{Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
			if _, err := io.ReadAll(http.MaxBytesReader(nil, req.Body, DefaultMaxBodyBytes)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Zero or negative values given to the options keep the defaults.
func TestHandlerOptionsKeepDefaultsForZero(t *testing.T) {
	var lease time.Duration
	store := &leaseSpy{MemoryStore: NewMemoryStore(), lease: &lease}
	var sinkDeadline time.Time
	src := &fakeSource{}
	h := NewHandler(&fakeReceiver{}, SinkFunc(func(ctx context.Context, _ *Event) error {
		sinkDeadline, _ = ctx.Deadline()
		return nil
	}), WithStore(store), WithLease(0), WithCallbackTimeout(0), WithEnrichmentTimeout(-1), WithMaxBodyBytes(0),
		WithEnrichment(src), WithStore(nil), WithHandlerLogger(nil), nil)
	big := `{"events":[{"id":"e1","complaint_id":"` + strings.Repeat("z", 4096) + `"}]}`
	if rec := post(t, h, "good", big); rec.Code != http.StatusOK {
		t.Fatalf("a 4 KiB body under the default limit answered %d", rec.Code)
	}
	if lease != DefaultLease {
		t.Fatalf("lease %v, want DefaultLease", lease)
	}
	if left := time.Until(sinkDeadline); left < DefaultCallbackTimeout-time.Second || left > DefaultCallbackTimeout {
		t.Fatalf("sink deadline in %v, want about %v", left, DefaultCallbackTimeout)
	}
	dl, _ := (*src.ctx.Load()).Deadline()
	if left := time.Until(dl); left < DefaultEnrichmentTimeout-time.Second || left > DefaultEnrichmentTimeout {
		t.Fatalf("enrichment deadline in %v, want about %v", left, DefaultEnrichmentTimeout)
	}
}

type leaseSpy struct {
	*MemoryStore
	lease *time.Duration
}

func (s *leaseSpy) Claim(ctx context.Context, key string, lease time.Duration) (ClaimState, string, error) {
	*s.lease = lease
	return s.MemoryStore.Claim(ctx, key, lease)
}

// A source answering neither a complaint nor an error is an enrichment
// failure like any other: logged, and the event goes out without it.
func TestHandlerEnrichmentWithoutComplaint(t *testing.T) {
	var logs bytes.Buffer
	var got []*Event
	h := NewHandler(&fakeReceiver{}, SinkFunc(func(_ context.Context, e *Event) error { got = append(got, e); return nil }),
		WithEnrichment(&nilSource{}), WithHandlerLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
		t.Fatalf("answered %d", rec.Code)
	}
	if len(got) != 1 || got[0].Complaint != nil || !strings.Contains(logs.String(), "source returned no complaint") {
		t.Fatalf("events %v, logs %s", got, logs.String())
	}
}

type nilSource struct{ fakeSource }

func (*nilSource) Get(context.Context, Ref) (*Complaint, error) { return nil, nil }

// An event that already carries its complaint, or names none, is not
// enriched.
func TestHandlerEnrichmentSkipped(t *testing.T) {
	src := &fakeSource{}
	h := NewHandler(&fakeReceiver{}, &recordingSink{}, WithEnrichment(src))
	post(t, h, "good", `{"events":[{"id":"e9"}]}`) // no complaint id
	if src.calls.Load() != 0 {
		t.Fatalf("Get called %d times for an event without a complaint id", src.calls.Load())
	}
}

// The body read makes one allocation when the length is announced, the
// reason readAll is not io.ReadAll.
func TestReadAllOneAllocation(t *testing.T) {
	body := strings.Repeat("x", 900)
	r := strings.NewReader(body)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(body)
		b, err := readAll(r, int64(len(body)))
		if err != nil || len(b) != len(body) {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Fatalf("readAll of an announced 900-byte body: %v allocations, want 1", allocs)
	}
}
