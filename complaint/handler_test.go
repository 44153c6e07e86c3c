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
)

// fakeReceiver accepts JSON bodies {"events":[{"id":..,"complaint_id":..}]} when the
// X-Sig header is "good", the way a provider receiver verifies then parses.
type fakeReceiver struct {
	calls    atomic.Int32
	panic    bool
	ackPanic bool
}

type fakeBody struct {
	Events []struct {
		ID          string `json:"id"`
		ComplaintID string `json:"complaint_id"`
		Phone       string `json:"phone"`
	} `json:"events"`
}

func (f *fakeReceiver) Provider() Provider { return "fake" }

func (f *fakeReceiver) Receive(_ context.Context, h http.Header, body []byte) ([]Event, error) {
	f.calls.Add(1)
	if f.panic {
		panic("receiver exploded")
	}
	if h.Get("X-Sig") != "good" {
		return nil, fmt.Errorf("fake: %w", ErrSignatureInvalid)
	}
	var b fakeBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	if len(b.Events) == 0 {
		return nil, fmt.Errorf("%w: no events", ErrMalformedNotification)
	}
	out := make([]Event, 0, len(b.Events))
	for _, e := range b.Events {
		if e.ID == "" {
			return nil, fmt.Errorf("%w: event without id", ErrMalformedNotification)
		}
		out = append(out, Event{ID: e.ID, Provider: "fake", Kind: KindCreated, ComplaintID: e.ComplaintID,
			Raw: e})
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
	rec = post(t, NewHandler(&fakeReceiver{ackPanic: true}, sink), "good", oneEvent)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("panicking ack answered %d", rec.Code)
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
	h := NewHandler(&fakeReceiver{}, SinkFunc(func(context.Context, *Event) error { n.Add(1); return nil }))
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec := post(t, h, "good", oneEvent); rec.Code != http.StatusOK {
				t.Errorf("got %d", rec.Code)
			}
		}()
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Fatalf("sink called %d times for one event delivered 64 times", n.Load())
	}
}

func TestHandlerMethodNotAllowed(t *testing.T) {
	h := NewHandler(&fakeReceiver{}, &recordingSink{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Fatalf("GET answered %d", rec.Code)
	}
}

func TestHandlerLogsNoBuyerData(t *testing.T) {
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sink := &recordingSink{fail: map[string]int{"e1": 1}}
	h := NewHandler(&fakeReceiver{}, sink, WithHandlerLogger(l))
	body := `{"events":[{"id":"e1","complaint_id":"c1","phone":"18612045566"}]}`
	post(t, h, "good", body)
	post(t, h, "good", body)
	post(t, h, "good", body) // duplicate
	post(t, h, "bad", body)  // forged
	out := logs.String()
	if strings.Contains(out, "18612045566") {
		t.Fatalf("log contains the phone number: %s", out)
	}
	for _, want := range []string{`"event_id":"e1"`, "duplicate complaint event dropped", "complaint callback rejected"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %q: %s", want, out)
		}
	}
}

type fakeSource struct {
	err   error
	calls atomic.Int32
}

func (s *fakeSource) Provider() Provider { return "fake" }
func (s *fakeSource) List(context.Context, ListOptions) iter.Seq2[*Complaint, error] {
	return func(func(*Complaint, error) bool) {}
}
func (s *fakeSource) Get(_ context.Context, id string) (*Complaint, error) {
	s.calls.Add(1)
	if s.err != nil {
		return nil, s.err
	}
	return &Complaint{Provider: "fake", ID: id, State: StatePending}, nil
}
func (s *fakeSource) History(context.Context, string) iter.Seq2[*Entry, error] {
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

	got = nil
	failing := &fakeSource{err: ErrRateLimited}
	rec := post(t, NewHandler(&fakeReceiver{}, sink, WithEnrichment(failing)), "good", oneEvent)
	if rec.Code != http.StatusOK || len(got) != 1 || got[0] != nil || failing.calls.Load() != 1 {
		t.Fatalf("failed enrichment: status %d, events %v", rec.Code, got)
	}
}

func TestHandlerStoreFailure(t *testing.T) {
	sink := &recordingSink{}
	h := NewHandler(&fakeReceiver{}, sink, WithStore(brokenStore{}))
	rec := post(t, h, "good", oneEvent)
	if rec.Code != http.StatusInternalServerError || len(sink.ids()) != 0 {
		t.Fatalf("store failure: %d, sink %v", rec.Code, sink.ids())
	}
}

type brokenStore struct{}

func (brokenStore) Claim(context.Context, string) (bool, error) {
	return false, errors.New("redis down")
}
func (brokenStore) Release(context.Context, string) error { return errors.New("redis down") }

func TestReadBodyRestoresBody(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello"))
	b, err := ReadBody(req, 5)
	if err != nil || string(b) != "hello" {
		t.Fatalf("ReadBody = %q, %v", b, err)
	}
	again, _ := io.ReadAll(req.Body)
	if string(again) != "hello" {
		t.Fatalf("body not restored: %q", again)
	}
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello!"))
	if _, err := ReadBody(req, 5); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("6 bytes over a 5-byte limit: %v", err)
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
	f.Add("good", "\x00\xff")
	f.Fuzz(func(t *testing.T, sig, body string) {
		var dispatched []string
		recv := &fakeReceiver{}
		h := NewHandler(recv, SinkFunc(func(_ context.Context, e *Event) error {
			dispatched = append(dispatched, e.ID)
			return nil
		}), WithMaxBodyBytes(4096))
		rec := post(t, h, sig, body)
		events, err := (&fakeReceiver{}).Receive(context.Background(), http.Header{"X-Sig": {sig}}, []byte(body))
		if len(body) > 4096 {
			err = ErrBodyTooLarge
		}
		if err != nil {
			if len(dispatched) != 0 || rec.Code == http.StatusOK {
				t.Fatalf("bad input %q dispatched %v with %d", body, dispatched, rec.Code)
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
// no crypto: body read, dedupe claim, sink call and acknowledgement. Provider
// benchmarks compare their full callback path with bare RSA verify + GCM open.
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

func TestReadBodyShorterThanContentLength(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello"))
	req.ContentLength = 10
	if _, err := ReadBody(req, 100); !errors.Is(err, ErrMalformedNotification) {
		t.Fatalf("a body shorter than its Content-Length: %v", err)
	}
}

func TestReadBodyLongerThanContentLengthIsTooLarge(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("a", 200)))
	req.ContentLength = 10 // a hand-built request that understates its body
	if _, err := ReadBody(req, 100); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("a 200-byte body announced as 10 under a 100-byte limit: %v", err)
	}
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("b", 70<<10)))
	b, err := ReadBody(req, 1<<20)
	if err != nil || len(b) != 70<<10 {
		t.Fatalf("a 70 KiB body read as %d bytes, %v", len(b), err)
	}
}

func BenchmarkReadBody(b *testing.B) {
	body := strings.Repeat("x", 900) // the size of a WeChat complaint callback
	b.ReportAllocs()
	for b.Loop() {
		req := &http.Request{Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
		if _, err := ReadBody(req, 0); err != nil {
			b.Fatal(err)
		}
	}
}
