package httpc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/internal/syncbuf"
)

// Planted in requests and responses; none may reach a log line.
const (
	authSig    = "AUTHSIGSECRETc2lnbmF0dXJl"
	bearer     = "BEARERSECRETtoken123"
	basicPass  = "BASICPASSSECRET"
	querySig   = "QUERYSIGSECRET0123"
	queryKey   = "QUERYKEYSECRET4567"
	queryPlain = "QUERYPLAINlimit10" // not a secret, but a query
	formSig    = "FORMSIGSECRET89ab"
	apiKey     = "APIV3KEYSECRET0123456789abcdef01"
	cookie     = "COOKIESECRETsession"
	reqBody    = "REQBODYMARKERbuyer"
	respBody   = "RESPBODYMARKERphone"
	userPass   = "URLPASSWORDSECRET"
	fragment   = "FRAGMENTSECRET"
)

var planted = []string{authSig, bearer, basicPass, querySig, queryKey, queryPlain, formSig, apiKey, cookie, reqBody, respBody, userPass, fragment}

// checkLog fails the test if any planted value, a query or a header other than
// the request id made it into out.
func checkLog(t *testing.T, out string) {
	t.Helper()
	for _, s := range planted {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q:\n%s", s, out)
		}
	}
	for _, s := range []string{"?", "sign=", "Authorization", "Cookie", "WECHATPAY2", "Bearer", "Basic ", "~~~"} {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q:\n%s", s, out)
		}
	}
}

func debugLogger(buf *syncbuf.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestLogsCarryNoSecrets goes through every path that logs: the per-attempt
// line, the retry line, the failure line, and resty's own warnings, errors
// and debug dump, with secrets in the Authorization header, a bearer token,
// Basic auth, cookies, the query, the user info, the fragment and both bodies.
func TestLogsCarryNoSecrets(t *testing.T) {
	var buf syncbuf.Buffer
	mt := httpmock.NewMockTransport()
	ok := withHeader(httpmock.NewStringResponder(200, `{"sign":"`+formSig+`","key":"`+apiKey+`","m":"`+respBody+`"}`),
		"Request-ID", "08F0C9B0-REQ")
	fail := withHeader(httpmock.NewStringResponder(500, `{"message":"`+respBody+`"}`), "Set-Cookie", "s="+cookie)
	// net/http wraps this into a *url.Error carrying the full URL.
	reset := httpmock.NewErrorResponder(errors.New("read tcp 10.0.0.1:443: connection reset by peer"))
	mt.RegisterResponder(http.MethodPost, testBase+"/v3/x", seq(reset, fail, ok))
	mt.RegisterResponder(http.MethodGet, testBase+"/v3/fail", reset)
	mt.RegisterResponder(http.MethodGet, testBase+"/v3/debug", ok)
	mt.RegisterResponder(http.MethodGet, "=~^https://user:", ok)
	c := newTestClient(t, mt, func(o *Options) {
		o.Logger = debugLogger(&buf)
		o.Retry.RetryWrites = true
		o.RequestIDHeader = "Request-ID"
	})

	// Retried twice (transport error, 500), then 200.
	resp, err := c.R().SetContext(testCtx(t)).
		SetHeader("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="n",signature="`+authSig+`",timestamp="1",serial_no="S"`).
		SetHeader("Cookie", "sid="+cookie).
		SetQueryParams(map[string]string{"sign": querySig, "key": queryKey, "limit": queryPlain}).
		SetFormData(map[string]string{"sign": formSig, "apiv3key": apiKey, "note": reqBody}).
		Post("/v3/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	// Transport errors until retries run out: retry lines, the failure
	// line, resty's per-attempt warning and final error.
	_, err = c.R().SetContext(testCtx(t)).SetAuthToken(bearer).
		SetQueryParam("sign", querySig).SetBody(reqBody).Get("/v3/fail")
	if err == nil {
		t.Fatal("want an error")
	}
	// resty's debug dump, turned on for one request, with Basic auth.
	_, err = c.R().SetContext(testCtx(t)).SetDebug(true).SetBasicAuth("u", basicPass).
		SetQueryParam("sign", querySig).SetBody(reqBody).Get("/v3/debug")
	if err != nil {
		t.Fatal(err)
	}
	// A URL resty cannot parse: its error is wrapped in a resty type that
	// does not unwrap, and logged by resty itself.
	_, err = c.R().SetContext(testCtx(t)).Get("/v3/bad?sign=" + querySig + "&x=\n" + queryPlain)
	if err == nil {
		t.Fatal("want a parse error")
	}
	// User info and fragment on an absolute URL.
	_, err = c.R().SetContext(testCtx(t)).Get("https://user:" + userPass + "@api.example.test/v3/ui?sign=" + querySig + "#" + fragment)
	if err != nil {
		t.Fatal(err)
	}

	out := buf.String()
	if testing.Verbose() {
		t.Log(out)
	}
	checkLog(t, out)
	for _, want := range []string{
		`msg="http response" method=POST path=/v3/x attempt=2 status=500 duration=`,
		`msg="http response" method=POST path=/v3/x attempt=3 status=200 request_id=08F0C9B0-REQ duration=`,
		`msg="http retry" method=POST path=/v3/x attempt=1 duration=`,
		`error="Post \"/v3/x\": read tcp 10.0.0.1:443: connection reset by peer"`,
		`msg="http retry" method=POST path=/v3/x attempt=2 status=500 duration=`,
		`msg="http request failed" method=GET path=/v3/fail attempt=3 duration=`,
		`level=WARN msg="Get \"/v3/fail\": read tcp 10.0.0.1:443: connection reset by peer, Attempt 1" component=resty`,
		`level=ERROR msg="Get \"/v3/fail\": read tcp 10.0.0.1:443: connection reset by peer" component=resty`,
		`msg="http response" method=GET path=/v3/debug attempt=1 status=200`,
		`parse \"/v3/bad\": net/url: invalid control character in URL`,
		`msg="http response" method=GET path=/v3/ui attempt=1 status=200`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "level=INFO") {
		t.Errorf("unexpected info lines:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(line, "level=DEBUG") && !strings.Contains(line, "component=resty") {
			t.Errorf("a line above Debug that is not resty's: %s", line)
		}
	}
}

func TestRequestIDHeader(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x",
		status(200).HeaderSet(http.Header{"Request-Id": {"RID-1"}, "X-Request-Id": {"XRID-2"}, "Hostile": {"a\nlevel=ERROR msg=forged"}}))
	for _, tt := range []struct {
		header      string
		want, avoid string
	}{
		{"", "", "request_id"},
		{"Request-ID", "request_id=RID-1", "XRID"},
		{"x-request-id", "request_id=XRID-2", "RID-1"},
		{"Absent", "", "request_id"},
		{"Hostile", `request_id="a level=ERROR msg=forged"`, "\nlevel=ERROR"},
	} {
		var buf syncbuf.Buffer
		c := newTestClient(t, mt, func(o *Options) { o.Logger = debugLogger(&buf); o.RequestIDHeader = tt.header })
		if _, err := c.R().SetContext(testCtx(t)).Get("/x"); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, `msg="http response"`) || tt.want != "" && !strings.Contains(out, tt.want) || strings.Contains(out, tt.avoid) {
			t.Errorf("RequestIDHeader %q: want %q and not %q in\n%s", tt.header, tt.want, tt.avoid, out)
		}
	}
}

// recorder is a slog handler at a fixed level that keeps the records it
// is given.
type recorder struct {
	level slog.Level
	mu    *sync.Mutex
	recs  *[]slog.Record
}

func newRecorder(level slog.Level) recorder {
	return recorder{level: level, mu: new(sync.Mutex), recs: new([]slog.Record)}
}

func (h recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h recorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.recs = append(*h.recs, r.Clone())
	return nil
}
func (h recorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recorder) WithGroup(string) slog.Handler      { return h }

func (h recorder) records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), *h.recs...)
}

func TestNothingLoggedBelowLevel(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/x", seq(status(503), status(200)))
	mt.RegisterResponder(http.MethodGet, testBase+"/fail", httpmock.NewErrorResponder(errors.New("refused")))
	h := newRecorder(slog.LevelInfo)
	c := newTestClient(t, mt, func(o *Options) { o.Logger = slog.New(h) })

	if resp, err := c.R().SetContext(testCtx(t)).Get("/x"); err != nil || resp.StatusCode() != 200 {
		t.Fatalf("got %v, %v", resp.StatusCode(), err)
	}
	if recs := h.records(); len(recs) != 0 {
		t.Errorf("a retried success logged %d records at Info: %v", len(recs), recs)
	}
	if _, err := c.R().SetContext(testCtx(t)).Get("/fail"); err == nil {
		t.Fatal("want an error")
	}
	// Only resty's own warning per attempt and error at the end remain.
	recs := h.records()
	if len(recs) != 4 {
		t.Errorf("records = %d, want 3 resty warnings and 1 resty error: %v", len(recs), recs)
	}
	for _, r := range recs {
		if r.Level < slog.LevelWarn || r.NumAttrs() != 1 {
			t.Errorf("unexpected record %v %q", r.Level, r.Message)
		}
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
