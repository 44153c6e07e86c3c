package httpc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/jarcoal/httpmock"
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
	c := newTestClient(t, mt, func(o *Options) { o.Retry = Retry{} })

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

func Test429RetryAfterZeroIsRetried(t *testing.T) {
	// Backoff of an hour: only an honoured Retry-After: 0 lets this finish.
	for _, ra := range []string{"0", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run(ra, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, testBase+"/x",
				seq(withHeader(status(429), "Retry-After", ra), status(200)))
			c := newTestClient(t, mt, func(o *Options) { o.Retry.MinWait, o.Retry.MaxWait = time.Hour, time.Hour })

			resp, err := c.R().SetContext(testCtx(t)).Get("/x")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != 200 {
				t.Errorf("status = %d, want 200", resp.StatusCode())
			}
			if n := mt.GetTotalCallCount(); n != 2 {
				t.Errorf("calls = %d, want 2", n)
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
		{"503 seconds", 503, "61", 0, false}, // 0 = DefaultMaxRetryAfter (60s)
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

func TestRetryAfterWithinMaxIsWaitedOut(t *testing.T) {
	// 1s Retry-After with a 1h backoff configured: the wait used must be
	// the Retry-After, not the backoff and not resty's clamp to MaxWait.
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x",
		seq(withHeader(status(503), "Retry-After", "1"), status(200)))
	c := newTestClient(t, mt, func(o *Options) {
		o.Retry.MinWait, o.Retry.MaxWait = time.Hour, time.Hour
	})
	resp, err := c.R().SetContext(testCtx(t)).Get("/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp.StatusCode(), err)
	}
}

func TestRetryAfterAboveMaxWaitStillHonoured(t *testing.T) {
	// resty clamps a RetryAfter result to RetryMaxWaitTime; New raises that
	// clamp so a Retry-After above MaxWait (but within MaxRetryAfter) is
	// waited out in full rather than cut to MaxWait.
	p := newPolicy(Retry{MaxRetries: 1, MaxWait: time.Millisecond, MaxRetryAfter: time.Minute}, slog.New(slog.DiscardHandler))
	c := resty.New()
	p.install(c)
	if c.RetryMaxWaitTime < time.Minute {
		t.Errorf("RetryMaxWaitTime = %v, want >= MaxRetryAfter", c.RetryMaxWaitTime)
	}
	if c.RetryWaitTime != 0 {
		t.Errorf("RetryWaitTime = %v, want 0", c.RetryWaitTime)
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

func TestCancelDuringBackoffStopsAtOnce(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", status(500))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The "http retry" line is logged after the retry decision and right
	// before the (one hour) backoff, so cancelling there lands in the wait.
	c := newTestClient(t, mt, func(o *Options) {
		o.Retry.MinWait, o.Retry.MaxWait = time.Hour, time.Hour
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
		t.Fatal("backoff did not stop on cancellation")
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
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

// syncBuffer is a bytes.Buffer safe for the log handler.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogsCarryNoSecrets(t *testing.T) {
	const (
		authSig  = "AUTHSIGSECRETc2lnbmF0dXJl"
		bearer   = "BEARERSECRETtoken123"
		querySig = "QUERYSIGSECRET0123"
		queryKey = "QUERYKEYSECRET4567"
		formSig  = "FORMSIGSECRET89ab"
		apiKey   = "APIV3KEYSECRET0123456789abcdef01"
		cookie   = "COOKIESECRETsession"
	)
	secrets := []string{authSig, bearer, querySig, queryKey, formSig, apiKey, cookie}

	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mt := httpmock.NewMockTransport()
	// The error text includes the full URL, query signature and all, as
	// net/http's *url.Error does.
	leaky := func(req *http.Request) (*http.Response, error) {
		return nil, errors.New("read tcp: connection reset; Authorization: " + req.Header.Get("Authorization"))
	}
	ok := withHeader(httpmock.NewStringResponder(200, `{"sign":"`+formSig+`","key":"`+apiKey+`"}`), "Request-ID", "08F0C9B0-REQ")
	mt.RegisterResponder(http.MethodPost, testBase+"/v3/x",
		seq(leaky, withHeader(status(500), "Set-Cookie", "s="+cookie), ok))
	mt.RegisterResponder(http.MethodGet, testBase+"/v3/fail", httpmock.NewErrorResponder(errors.New("refused")))
	c := newTestClient(t, mt, func(o *Options) {
		o.Logger = logger
		o.Retry.RetryWrites = true
	})

	resp, err := c.R().SetContext(testCtx(t)).
		SetHeader("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="n",signature="`+authSig+`",timestamp="1",serial_no="S"`).
		SetHeader("Cookie", "sid="+cookie).
		SetQueryParams(map[string]string{"sign": querySig, "key": queryKey, "limit": "10"}).
		SetFormData(map[string]string{"sign": formSig, "apiv3key": apiKey}).
		Post("/v3/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	_, err = c.R().SetContext(testCtx(t)).SetAuthToken(bearer).
		SetQueryParam("sign", querySig).Get("/v3/fail")
	if err == nil {
		t.Fatal("want an error")
	}

	out := buf.String()
	if testing.Verbose() {
		t.Log(out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains secret %q:\n%s", s, out)
		}
	}
	for _, want := range []string{
		`msg="http response"`, "method=POST", "status=500", "status=200", "attempt=3",
		"request_id=08F0C9B0-REQ", "limit=10", "sign=" + Redacted, `msg="http retry"`,
		`msg="http request failed"`, "duration=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "level=INFO") {
		t.Errorf("unexpected info lines:\n%s", out)
	}
}

func TestDefaultLoggerDiscards(t *testing.T) {
	// resty's own logger writes to the os.Stderr of the moment the client
	// is built; swap it for a pipe around New and a failing request.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	func() {
		defer func() { os.Stderr = stderr }()
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodGet, testBase+"/x", httpmock.NewErrorResponder(errors.New("boom")))
		c := newTestClient(t, mt, nil) // Logger nil
		if _, err := c.R().SetQueryParam("sign", "s").Get("/x"); err == nil {
			t.Error("want an error")
		}
		if c.Debug {
			t.Error("resty debug mode is on")
		}
	}()
	w.Close()
	out, _ := io.ReadAll(r)
	r.Close()
	if len(out) > 0 {
		t.Errorf("wrote to stderr: %s", out)
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
	if c.GetClient().Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v, want DefaultTimeout", c.GetClient().Timeout)
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
	}
	for _, tt := range tests {
		if got := IsIdempotent(tt.method, tt.ctx); got != tt.want {
			t.Errorf("IsIdempotent(%s, marked=%v) = %v", tt.method, tt.ctx != bg, got)
		}
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

func TestBackoffBounds(t *testing.T) {
	p := newPolicy(Retry{MinWait: 200 * time.Millisecond, MaxWait: 3 * time.Second}, nil)
	for attempt := 1; attempt <= 10; attempt++ {
		ceil := min(200*time.Millisecond<<(attempt-1), 3*time.Second)
		for range 50 {
			d := p.backoff(attempt)
			if d < 200*time.Millisecond || d > ceil || d < ceil/2 {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", attempt, d, max(ceil/2, 200*time.Millisecond), ceil)
			}
		}
	}
	if d := newPolicy(Retry{}, nil).backoff(3); d != 0 {
		t.Errorf("zero waits: backoff = %v", d)
	}
	if d := newPolicy(Retry{MinWait: time.Second}, nil).backoff(5); d != time.Second {
		t.Errorf("MaxWait below MinWait: backoff = %v, want MinWait", d)
	}
	if d := newPolicy(Retry{MinWait: time.Hour, MaxWait: 1 << 62}, nil).backoff(100); d <= 0 || d > 1<<62 {
		t.Errorf("overflow: backoff = %v", d)
	}
}
