package httpc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/internal/callctx"
	"github.com/tousu-go/tousu/option"
)

const testBase = "https://api.example.test"

// newTestClient is DefaultOptions with the mock transport and no waits.
func newTestClient(t testing.TB, mt *httpmock.MockTransport, edit func(*Options)) *resty.Client {
	t.Helper()
	o := DefaultOptions()
	o.BaseURL = testBase
	o.Transport = mt
	o.Retry.MinWait, o.Retry.MaxWait = 0, 0
	if edit != nil {
		edit(&o)
	}
	return New(o)
}

// seq answers the n-th call with rs[n], repeating the last one.
func seq(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1) - 1)
		if i >= len(rs) {
			i = len(rs) - 1
		}
		return rs[i](req)
	}
}

func status(code int) httpmock.Responder { return httpmock.NewStringResponder(code, `{}`) }

func withHeader(r httpmock.Responder, k, v string) httpmock.Responder {
	return r.HeaderSet(http.Header{k: {v}})
}

// testCtx bounds a test that would otherwise hang if a wait were not cut
// short; it is a safety net, not a timing assertion.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestGetRetriedOn5xxThenSucceeds(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/v3/complaints", seq(status(500), status(502), status(200)))
	c := newTestClient(t, mt, nil)

	resp, err := c.R().SetContext(testCtx(t)).Get("/v3/complaints")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 200 {
		t.Errorf("status = %d, want 200", resp.StatusCode())
	}
	if n := mt.GetTotalCallCount(); n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
	if resp.Request.Attempt != 3 {
		t.Errorf("attempt = %d, want 3", resp.Request.Attempt)
	}
}

func TestGetRetriesExhaustedReturnsLastResponse(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", status(503))
	c := newTestClient(t, mt, func(o *Options) { o.Retry.MaxRetries = 4 })

	resp, err := c.R().SetContext(testCtx(t)).Get("/x")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 503 {
		t.Errorf("status = %d, want 503", resp.StatusCode())
	}
	if n := mt.GetTotalCallCount(); n != 5 {
		t.Errorf("calls = %d, want 5", n)
	}
}

func TestZeroRetryDoesNotRetry(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", status(500))
	c := newTestClient(t, mt, func(o *Options) { o.Retry = option.Retry{} })

	resp, err := c.R().Get("/x")
	if err != nil || resp.StatusCode() != 500 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
}

func TestPostRetryOnlyWhenIdempotentOrRetryWrites(t *testing.T) {
	tests := []struct {
		name   string
		writes bool
		mark   bool
		method string
		calls  int
	}{
		{"post", false, false, http.MethodPost, 1},
		{"put", false, false, http.MethodPut, 1},
		{"delete", false, false, http.MethodDelete, 1},
		{"patch", false, false, http.MethodPatch, 1},
		{"post idempotent ctx", false, true, http.MethodPost, 3},
		{"post retry writes", true, false, http.MethodPost, 3},
		{"patch retry writes", true, false, http.MethodPatch, 3},
		{"head", false, false, http.MethodHead, 3},
		{"options", false, false, http.MethodOptions, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, testBase+"/x", status(500))
			c := newTestClient(t, mt, func(o *Options) { o.Retry.RetryWrites = tt.writes })
			ctx := testCtx(t)
			if tt.mark {
				ctx = Idempotent(ctx)
			}
			resp, err := c.R().SetContext(ctx).SetBody(`{"a":1}`).Execute(tt.method, "/x")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != 500 {
				t.Errorf("status = %d", resp.StatusCode())
			}
			if n := mt.GetTotalCallCount(); n != tt.calls {
				t.Errorf("calls = %d, want %d", n, tt.calls)
			}
		})
	}
}

// stamps records when each call of a responder was made.
type stamps struct {
	mu sync.Mutex
	at []time.Time
}

func (s *stamps) wrap(r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		s.mu.Lock()
		s.at = append(s.at, time.Now())
		s.mu.Unlock()
		return r(req)
	}
}

// gaps are the times between consecutive calls; each includes the wait
// before the later call, so it is a lower bound that cannot flake.
func (s *stamps) gaps() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var g []time.Duration
	for i := 1; i < len(s.at); i++ {
		g = append(g, s.at[i].Sub(s.at[i-1]))
	}
	return g
}

func Test429RetryAfterZeroUsesBackoff(t *testing.T) {
	// Retry-After 0 (or a date in the past) asks for no wait: the retry
	// follows resty's backoff, which never waits less than MinWait.
	const minWait = 40 * time.Millisecond
	for _, ra := range []string{"0", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run(ra, func(t *testing.T) {
			var st stamps
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, testBase+"/x",
				st.wrap(seq(withHeader(status(429), "Retry-After", ra), status(200))))
			c := newTestClient(t, mt, func(o *Options) { o.Retry.MinWait, o.Retry.MaxWait = minWait, minWait })

			resp, err := c.R().SetContext(testCtx(t)).Get("/x")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != 200 {
				t.Errorf("status = %d, want 200", resp.StatusCode())
			}
			g := st.gaps()
			if len(g) != 1 || g[0] < minWait {
				t.Errorf("gaps between attempts = %v, want one of at least %v", g, minWait)
			}
		})
	}
}

func Test429WithoutRetryAfterUsesBackoff(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", seq(status(429), status(200)))
	c := newTestClient(t, mt, nil)

	resp, err := c.R().SetContext(testCtx(t)).Get("/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp.StatusCode(), err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Errorf("calls = %d, want 2", n)
	}
}

func TestRetryAfterLongerThanMaxIsNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		ra     string
		maxRA  time.Duration
		writes bool
	}{
		{"429 seconds", 429, "120", time.Minute, false},
		{"503 seconds", 503, "61", 0, false}, // 0 = option.DefaultMaxRetryAfter (60s)
		{"503 date", 503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), time.Minute, false},
		{"negative max refuses any wait", 429, "1", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, testBase+"/x",
				seq(withHeader(status(tt.code), "Retry-After", tt.ra), status(200)))
			c := newTestClient(t, mt, func(o *Options) { o.Retry.MaxRetryAfter = tt.maxRA })

			resp, err := c.R().SetContext(testCtx(t)).Get("/x")
			if err != nil {
				t.Fatalf("err = %v, want the response", err)
			}
			if resp.StatusCode() != tt.code {
				t.Errorf("status = %d, want %d", resp.StatusCode(), tt.code)
			}
			if n := mt.GetTotalCallCount(); n != 1 {
				t.Errorf("calls = %d, want 1", n)
			}
		})
	}
}

func TestRetryAfterAboveMaxWaitIsWaitedOut(t *testing.T) {
	// resty cuts a RetryAfter result to RetryMaxWaitTime (= MaxWait); a
	// Retry-After of 1s with a 10ms MaxWait must still be waited out in
	// full.
	var st stamps
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x",
		st.wrap(seq(withHeader(status(503), "Retry-After", "1"), status(200))))
	c := newTestClient(t, mt, func(o *Options) {
		o.Retry.MinWait, o.Retry.MaxWait = 10*time.Millisecond, 10*time.Millisecond
	})
	resp, err := c.R().SetContext(testCtx(t)).Get("/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp.StatusCode(), err)
	}
	if g := st.gaps(); len(g) != 1 || g[0] < time.Second {
		t.Errorf("gaps between attempts = %v, want one of at least 1s", g)
	}
}

func TestRetryAfterIsRestysWait(t *testing.T) {
	c := resty.New()
	resp := func(code int, ra string) *resty.Response {
		h := http.Header{}
		if ra != "" {
			h.Set("Retry-After", ra)
		}
		return &resty.Response{Request: c.R().SetContext(context.Background()), RawResponse: &http.Response{StatusCode: code, Header: h}}
	}
	boom := errors.New("slept into a cancelled context")
	tests := []struct {
		name      string
		resp      *resty.Response
		maxWait   time.Duration
		sleepErr  error
		want      time.Duration
		wantSleep time.Duration
		wantErr   error
	}{
		{"no header: resty's backoff", resp(503, ""), 3 * time.Second, nil, 0, 0, nil},
		{"zero: resty's backoff", resp(429, "0"), 3 * time.Second, nil, 0, 0, nil},
		{"not 429 or 503: resty's backoff", resp(500, "2"), 3 * time.Second, nil, 0, 0, nil},
		{"within MaxWait: as is", resp(429, "2"), 3 * time.Second, nil, 2 * time.Second, 0, nil},
		{"at MaxWait: as is", resp(503, "3"), 3 * time.Second, nil, 3 * time.Second, 0, nil},
		{"beyond MaxWait: excess slept here", resp(503, "10"), 3 * time.Second, nil, 3 * time.Second, 7 * time.Second, nil},
		{"no MaxWait: all slept here", resp(429, "10"), 0, nil, 0, 10 * time.Second, nil},
		{"cancelled while sleeping", resp(429, "10"), time.Second, boom, 0, 9 * time.Second, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPolicy(option.Retry{MaxRetries: 1, MaxWait: tt.maxWait, MaxRetryAfter: time.Minute}, attemptLog{})
			var slept time.Duration
			p.sleep = func(_ context.Context, d time.Duration) error { slept += d; return tt.sleepErr }
			got, err := p.wait(c, tt.resp)
			if got != tt.want || slept != tt.wantSleep || !errors.Is(err, tt.wantErr) {
				t.Errorf("wait = %v, %v after sleeping %v; want %v, %v after %v", got, err, slept, tt.want, tt.wantErr, tt.wantSleep)
			}
		})
	}
}

func Test4xxNeverRetried(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 422} {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, testBase+"/x", seq(status(code), status(200)))
		c := newTestClient(t, mt, func(o *Options) { o.Retry.RetryWrites = true })

		resp, err := c.R().SetContext(Idempotent(testCtx(t))).SetBody("a=1").Post("/x")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != code {
			t.Errorf("status = %d, want %d", resp.StatusCode(), code)
		}
		if n := mt.GetTotalCallCount(); n != 1 {
			t.Errorf("%d: calls = %d, want 1", code, n)
		}
	}
}

func TestTransportErrorRetriedForGet(t *testing.T) {
	mt := httpmock.NewMockTransport()
	boom := errors.New("connection reset by peer")
	mt.RegisterResponder(http.MethodGet, testBase+"/x", seq(httpmock.NewErrorResponder(boom), status(200)))
	mt.RegisterResponder(http.MethodPost, testBase+"/x", seq(httpmock.NewErrorResponder(boom), status(200)))
	c := newTestClient(t, mt, nil)

	resp, err := c.R().SetContext(testCtx(t)).Get("/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("GET: got %v, %v", resp.StatusCode(), err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Errorf("GET calls = %d, want 2", n)
	}

	mt.ZeroCallCounters()
	_, err = c.R().SetContext(testCtx(t)).SetBody("x").Post("/x")
	if !errors.Is(err, boom) {
		t.Errorf("POST err = %v, want %v", err, boom)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("POST calls = %d, want 1", n)
	}
}

func TestTransportErrorExhausted(t *testing.T) {
	mt := httpmock.NewMockTransport()
	boom := errors.New("dial tcp: connection refused")
	mt.RegisterResponder(http.MethodGet, testBase+"/x", httpmock.NewErrorResponder(boom))
	c := newTestClient(t, mt, nil)

	_, err := c.R().SetContext(testCtx(t)).Get("/x")
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
	if n := mt.GetTotalCallCount(); n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	mt := httpmock.NewMockTransport()
	hang := func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done() // the per-attempt deadline from Options.Timeout
		return nil, req.Context().Err()
	}
	mt.RegisterResponder(http.MethodGet, testBase+"/x", seq(hang, status(200)))
	c := newTestClient(t, mt, func(o *Options) { o.Timeout = 20 * time.Millisecond })

	resp, err := c.R().SetContext(testCtx(t)).Get("/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp.StatusCode(), err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Errorf("calls = %d, want 2", n)
	}
}

func TestCallerDeadlineIsNotRetried(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	c := newTestClient(t, mt, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()

	_, err := c.R().SetContext(ctx).Get("/x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
}

func TestCancelDuringAttemptStopsRetries(t *testing.T) {
	mt := httpmock.NewMockTransport()
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", func(*http.Request) (*http.Response, error) {
		cancel()
		return httpmock.NewStringResponse(500, "{}"), nil
	})
	c := newTestClient(t, mt, nil)

	_, err := c.R().SetContext(ctx).Get("/x")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
}

// cancelOn is a slog handler that cancels a context when it sees a message.
type cancelOn struct {
	msg    string
	cancel context.CancelFunc
}

func (h cancelOn) Enabled(context.Context, slog.Level) bool { return true }
func (h cancelOn) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.cancel()
	}
	return nil
}
func (h cancelOn) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancelOn) WithGroup(string) slog.Handler      { return h }

func TestCancelDuringWaitStopsAtOnce(t *testing.T) {
	// The "http retry" line is logged after the retry decision and right
	// before the hour-long wait, so cancelling there lands in the wait:
	// resty's backoff, or the part of a Retry-After beyond MaxWait that the
	// policy waits out itself.
	for _, tt := range []struct {
		name string
		resp httpmock.Responder
		edit func(*Options)
	}{
		{"backoff", status(500), func(o *Options) { o.Retry.MinWait, o.Retry.MaxWait = time.Hour, time.Hour }},
		{"retry-after", withHeader(status(503), "Retry-After", "3600"), func(o *Options) { o.Retry.MaxRetryAfter = 2 * time.Hour }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, testBase+"/x", tt.resp)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := newTestClient(t, mt, func(o *Options) {
				tt.edit(o)
				o.Logger = slog.New(cancelOn{msg: "http retry", cancel: cancel})
			})

			done := make(chan error, 1)
			go func() {
				_, err := c.R().SetContext(ctx).Get("/x")
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the wait did not stop on cancellation")
			}
			if n := mt.GetTotalCallCount(); n != 1 {
				t.Errorf("calls = %d, want 1", n)
			}
		})
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", status(200))
	c := newTestClient(t, mt, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := c.R().SetContext(ctx).Get("/x")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := mt.GetTotalCallCount(); n > 1 {
		t.Errorf("calls = %d, want at most 1", n)
	}
}

func TestBodyResentIdenticallyOnRetry(t *testing.T) {
	type payload struct {
		ComplaintID string `json:"complaint_id"`
		Amount      int64  `json:"amount"`
	}
	tests := []struct {
		name string
		set  func(*resty.Request)
		want string
	}{
		{"bytes", func(r *resty.Request) { r.SetBody([]byte(`{"complaint_id":"c1","amount":100}`)) }, `{"complaint_id":"c1","amount":100}`},
		{"string", func(r *resty.Request) { r.SetBody("cusid=1&appid=2&sign=abc") }, "cusid=1&appid=2&sign=abc"},
		{"form", func(r *resty.Request) {
			r.SetFormData(map[string]string{"cusid": "1", "appid": "2", "sign": "abc"})
		}, "appid=2&cusid=1&sign=abc"},
		{"json struct", func(r *resty.Request) {
			r.SetHeader("Content-Type", "application/json").SetBody(payload{"c1", 100})
		}, `{"complaint_id":"c1","amount":100}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var bodies []string
			var lengths []int64
			record := func(next httpmock.Responder) httpmock.Responder {
				return func(req *http.Request) (*http.Response, error) {
					b, err := io.ReadAll(req.Body)
					if err != nil {
						return nil, err
					}
					mu.Lock()
					bodies = append(bodies, string(b))
					lengths = append(lengths, req.ContentLength)
					mu.Unlock()
					return next(req)
				}
			}
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, testBase+"/x",
				seq(record(status(500)), record(httpmock.NewErrorResponder(errors.New("reset"))), record(status(200))))
			c := newTestClient(t, mt, nil)

			r := c.R().SetContext(Idempotent(testCtx(t)))
			tt.set(r)
			resp, err := r.Post("/x")
			if err != nil || resp.StatusCode() != 200 {
				t.Fatalf("got %v, %v", resp.StatusCode(), err)
			}
			if len(bodies) != 3 {
				t.Fatalf("bodies = %d, want 3", len(bodies))
			}
			for i, b := range bodies {
				if b != tt.want {
					t.Errorf("attempt %d body = %q, want %q", i+1, b, tt.want)
				}
				if lengths[i] != int64(len(tt.want)) {
					t.Errorf("attempt %d Content-Length = %d, want %d", i+1, lengths[i], len(tt.want))
				}
			}
		})
	}
}

func TestReaderBodyIsNotRetried(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"/x", status(500))
	c := newTestClient(t, mt, func(o *Options) { o.Retry.RetryWrites = true })

	resp, err := c.R().SetContext(testCtx(t)).SetBody(strings.NewReader("stream")).Post("/x")
	if err != nil || resp.StatusCode() != 500 {
		t.Fatalf("got %v, %v", resp.StatusCode(), err)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
}

func TestResponseBodyLimit(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/small", httpmock.NewStringResponder(200, "0123456789"))
	mt.RegisterResponder(http.MethodGet, testBase+"/big", httpmock.NewStringResponder(200, "0123456789A"))
	c := newTestClient(t, mt, func(o *Options) { o.MaxResponseBytes = 10 })

	resp, err := c.R().SetContext(testCtx(t)).Get("/small")
	if err != nil || resp.String() != "0123456789" {
		t.Fatalf("at the limit: got %q, %v", resp.String(), err)
	}
	mt.ZeroCallCounters()
	_, err = c.R().SetContext(testCtx(t)).Get("/big")
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("over the limit: err = %v, want ErrResponseTooLarge", err)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("an oversized body was retried: calls = %d", n)
	}
}

func TestResponseBodyLimitDefault(t *testing.T) {
	// Reading 16 MiB through resty takes seconds under -race; check the
	// wiring instead, the enforcement is covered by TestResponseBodyLimit.
	for _, tt := range []struct{ in, want int64 }{
		{0, DefaultMaxResponseBytes}, {-1, 0}, {1 << 40, 1 << 40}, {5, 5},
	} {
		c := New(Options{MaxResponseBytes: tt.in})
		if int64(c.ResponseBodyLimit) != tt.want {
			t.Errorf("MaxResponseBytes %d: resty limit = %d, want %d", tt.in, c.ResponseBodyLimit, tt.want)
		}
	}

	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/big", httpmock.NewBytesResponder(200, bytes.Repeat([]byte("x"), 1<<20)))
	c := newTestClient(t, mt, func(o *Options) { o.MaxResponseBytes = -1 })
	if resp, err := c.R().Get("/big"); err != nil || len(resp.Body()) != 1<<20 {
		t.Fatalf("unlimited: got %d bytes, %v", len(resp.Body()), err)
	}
}

func TestOptionsHTTPClientNotModified(t *testing.T) {
	jar, _ := cookiejar.New(nil)
	mt := httpmock.NewMockTransport()
	var gotUA string
	mt.RegisterResponder(http.MethodGet, testBase+"/x", func(req *http.Request) (*http.Response, error) {
		gotUA = req.Header.Get("User-Agent")
		return httpmock.NewStringResponse(200, ""), nil
	})
	hc := &http.Client{Transport: mt, Jar: jar}
	c := New(Options{BaseURL: testBase, HTTPClient: hc, Timeout: 5 * time.Second, UserAgent: "tousu-test/1"})

	if _, err := c.R().Get("/x"); err != nil {
		t.Fatal(err)
	}
	if gotUA != "tousu-test/1" {
		t.Errorf("User-Agent = %q", gotUA)
	}
	if hc.Timeout != 0 {
		t.Errorf("caller's client Timeout changed to %v", hc.Timeout)
	}
	if c.GetClient() == hc || c.GetClient().Jar != jar || c.GetClient().Timeout != 5*time.Second {
		t.Errorf("client not built from Options.HTTPClient: %+v", c.GetClient())
	}

	other := httpmock.NewMockTransport()
	other.RegisterResponder(http.MethodGet, testBase+"/x", status(204))
	c = New(Options{BaseURL: testBase, HTTPClient: hc, Transport: other})
	if resp, err := c.R().Get("/x"); err != nil || resp.StatusCode() != 204 {
		t.Fatalf("Transport did not override HTTPClient's: %v, %v", resp.StatusCode(), err)
	}
}

func TestTimeoutResolution(t *testing.T) {
	tests := []struct {
		name    string
		client  *http.Client
		timeout time.Duration
		want    time.Duration
	}{
		{"no client, unset", nil, 0, DefaultTimeout},
		{"no client, explicit", nil, 5 * time.Second, 5 * time.Second},
		{"no client, negative", nil, -1, 0},
		{"client with 7s, unset", &http.Client{Timeout: 7 * time.Second}, 0, 7 * time.Second},
		{"client with none, unset", &http.Client{}, 0, 0},
		{"client with 7s, explicit wins", &http.Client{Timeout: 7 * time.Second}, 2 * time.Second, 2 * time.Second},
		{"client with none, explicit wins", &http.Client{}, 2 * time.Second, 2 * time.Second},
		{"client with 7s, negative", &http.Client{Timeout: 7 * time.Second}, -time.Second, 0},
	}
	for _, tt := range tests {
		o := DefaultOptions()
		o.HTTPClient = tt.client
		if tt.timeout != 0 {
			o.Timeout = tt.timeout
		}
		if got := New(o).GetClient().Timeout; got != tt.want {
			t.Errorf("%s: Timeout = %v, want %v", tt.name, got, tt.want)
		}
		if tt.client != nil && New(o).GetClient() == tt.client {
			t.Errorf("%s: the caller's client is used, not copied", tt.name)
		}
	}
	if DefaultOptions().Timeout != 0 {
		t.Error("DefaultOptions pre-fills Timeout, so a caller's client could never keep its own")
	}
}

func TestClientTimeoutBoundsAttempt(t *testing.T) {
	// The caller's client timeout is the one that applies.
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	c := New(Options{BaseURL: testBase, HTTPClient: &http.Client{Transport: mt, Timeout: 20 * time.Millisecond}})
	ctx := testCtx(t)
	_, err := c.R().SetContext(ctx).Get("/x")
	// Ended by the client's deadline while the caller's was still far off.
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("err = %v (caller's context: %v), want the client's timeout", err, ctx.Err())
	}
}

type otherKey struct{}

func TestIsIdempotent(t *testing.T) {
	bg := context.Background()
	tests := []struct {
		method string
		ctx    context.Context
		want   bool
	}{
		{"GET", bg, true},
		{"get", bg, true},
		{"HEAD", bg, true},
		{"OPTIONS", bg, true},
		{"TRACE", bg, true},
		{"POST", bg, false},
		{"PUT", bg, false},
		{"PATCH", bg, false},
		{"DELETE", bg, false},
		{"POST", Idempotent(bg), true},
		{"DELETE", Idempotent(bg), true},
		{"POST", context.WithValue(Idempotent(bg), otherKey{}, 1), true},
		{"POST", nil, false},
		{"POST", callctx.WithoutRetry(Idempotent(bg)), true},
	}
	for _, tt := range tests {
		if got := IsIdempotent(tt.method, tt.ctx); got != tt.want {
			t.Errorf("IsIdempotent(%s, marked=%v) = %v", tt.method, tt.ctx != bg, got)
		}
	}
	//lint:ignore SA1012 the nil context is what is tested
	if ctx := Idempotent(nil); ctx != nil {
		t.Errorf("Idempotent(nil) = %v, want nil", ctx)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{" 7 ", 7 * time.Second, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Thursday, 02-Jan-25 03:05:05 GMT", time.Minute, true}, // RFC 850
		{"99999999999999999999", 0, false},
		{"9223372036", time.Duration(9223372036) * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffIsRestys(t *testing.T) {
	for _, tt := range []struct {
		in       option.Retry
		min, max time.Duration
	}{
		{option.Retry{MinWait: 200 * time.Millisecond, MaxWait: 3 * time.Second}, 200 * time.Millisecond, 3 * time.Second},
		{option.Retry{}, 0, 0},
		{option.Retry{MinWait: time.Second}, time.Second, time.Second}, // MaxWait below MinWait
		{option.Retry{MinWait: -time.Second, MaxWait: -time.Second}, 0, 0},
	} {
		c := resty.New()
		newPolicy(tt.in, attemptLog{}).install(c)
		if c.RetryWaitTime != tt.min || c.RetryMaxWaitTime != tt.max || c.RetryAfter == nil {
			t.Errorf("%+v: resty waits [%v, %v], want [%v, %v] and a RetryAfter function",
				tt.in, c.RetryWaitTime, c.RetryMaxWaitTime, tt.min, tt.max)
		}
	}

	// resty's backoff never waits less than MinWait.
	const minWait = 30 * time.Millisecond
	var st stamps
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", st.wrap(status(503)))
	c := newTestClient(t, mt, func(o *Options) { o.Retry.MinWait, o.Retry.MaxWait = minWait, time.Hour })
	if _, err := c.R().SetContext(testCtx(t)).Get("/x"); err != nil {
		t.Fatal(err)
	}
	g := st.gaps()
	if len(g) != 2 {
		t.Fatalf("gaps = %v, want 2 (3 attempts)", g)
	}
	for i, d := range g {
		if d < minWait {
			t.Errorf("wait before retry %d = %v, want at least MinWait %v", i+1, d, minWait)
		}
	}
}

func TestWithoutRetryIsAttemptedOnce(t *testing.T) {
	for _, tt := range []struct {
		name   string
		method string
		writes bool
		mark   func(context.Context) context.Context
		calls  int
	}{
		{"get unmarked", http.MethodGet, false, func(c context.Context) context.Context { return c }, 3},
		{"get marked", http.MethodGet, false, callctx.WithoutRetry, 1},
		{"idempotent post marked", http.MethodPost, false, func(c context.Context) context.Context { return callctx.WithoutRetry(Idempotent(c)) }, 1},
		{"marked then idempotent", http.MethodPost, false, func(c context.Context) context.Context { return Idempotent(callctx.WithoutRetry(c)) }, 1},
		{"retry writes marked", http.MethodPost, true, callctx.WithoutRetry, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, testBase+"/x", status(503))
			c := newTestClient(t, mt, func(o *Options) { o.Retry.RetryWrites = tt.writes })
			resp, err := c.R().SetContext(tt.mark(testCtx(t))).Execute(tt.method, "/x")
			if err != nil || resp.StatusCode() != 503 {
				t.Fatalf("got %v, %v; want the 503", resp.StatusCode(), err)
			}
			if n := mt.GetTotalCallCount(); n != tt.calls {
				t.Errorf("calls = %d, want %d", n, tt.calls)
			}
		})
	}

	// A transport error is not retried either.
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", httpmock.NewErrorResponder(errors.New("reset")))
	c := newTestClient(t, mt, nil)
	if _, err := c.R().SetContext(callctx.WithoutRetry(testCtx(t))).Get("/x"); err == nil {
		t.Fatal("want the transport error")
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("transport error: calls = %d, want 1", n)
	}
}

func TestFromSettings(t *testing.T) {
	hc := &http.Client{Timeout: 7 * time.Second}
	log := slog.New(slog.DiscardHandler)
	var ext struct{}
	s, err := option.Apply("test", &ext, option.WithBaseURL("https://example.com/"), option.WithHTTPClient(hc),
		option.WithRetry(option.Retry{MaxRetries: 5}), option.WithLogger(log), option.WithUserAgent("ua/1"),
		option.WithMaxResponseBytes(-1))
	if err != nil {
		t.Fatal(err)
	}
	o := FromSettings(s)
	if o.BaseURL != "https://example.com/" || o.HTTPClient != hc || o.Timeout != 0 || o.Retry.MaxRetries != 5 ||
		o.Logger != log || o.UserAgent != "ua/1" || o.MaxResponseBytes != -1 {
		t.Fatalf("FromSettings = %+v", o)
	}
	s, _ = option.Apply("test", &ext)
	if o := FromSettings(s); o.Retry != option.DefaultRetry() || o.UserAgent != DefaultUserAgent ||
		o.MaxResponseBytes != DefaultMaxResponseBytes || o.Timeout != 0 {
		t.Fatalf("FromSettings of no options = %+v", o)
	}
}

// A call whose context is already cancelled sends nothing and fails with the
// context's error, every time.
func TestCancelledContextSendsNothing(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, "https://example.com/x", httpmock.NewStringResponder(200, "ok"))
	c := New(Options{BaseURL: "https://example.com", Transport: mt, Retry: option.DefaultRetry()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 50 {
		_, err := c.R().SetContext(ctx).Get("/x")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled call: %v, want context.Canceled", err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("%d requests sent with a cancelled context", n)
	}
}
