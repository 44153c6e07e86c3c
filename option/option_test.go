package option_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/option"
)

type alpha struct{ key string }
type beta struct{ n int }

func withKey(k string) option.Option {
	return option.For("alpha", func(a *alpha) error { a.key = k; return nil })
}

func withN(n int) option.Option {
	return option.For("beta", func(b *beta) error { b.n = n; return nil })
}

func TestApplySharedAndOwnOptions(t *testing.T) {
	hc := &http.Client{Timeout: 7 * time.Second}
	rt := http.DefaultTransport
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	clock := func() time.Time { return time.Unix(1, 0) }
	var ext alpha
	s, err := option.Apply("alpha", &ext,
		option.WithBaseURL("http://127.0.0.1:8080/api/"), option.WithHTTPClient(hc), option.WithTransport(rt),
		option.WithTimeout(-1), option.WithRetry(option.Retry{}), option.WithLogger(log), option.WithClock(clock),
		option.WithUserAgent("shop/1.0"), option.WithMaxResponseBytes(1024), withKey("k1"), option.Option{})
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "http://127.0.0.1:8080/api/" || s.HTTPClient != hc || s.Transport == nil || s.Timeout != -1 ||
		s.Retry == nil || *s.Retry != (option.Retry{}) || s.Logger != log || s.ClockOrNow()() != time.Unix(1, 0) ||
		s.UserAgent != "shop/1.0" || s.MaxResponseBytes != 1024 || ext.key != "k1" {
		t.Fatalf("settings %+v, ext %+v", s, ext)
	}
	if s.RetryOrDefault() != (option.Retry{}) {
		t.Fatal("an explicit Retry{} must turn retries off")
	}
}

func TestDefaults(t *testing.T) {
	var ext alpha
	s, err := option.Apply("alpha", &ext)
	if err != nil {
		t.Fatal(err)
	}
	if s.RetryOrDefault() != option.DefaultRetry() || s.ClockOrNow() == nil || s.Timeout != 0 {
		t.Fatalf("defaults %+v", s)
	}
	if d := option.DefaultRetry(); d.MaxRetries != 2 || d.RetryWrites || d.MaxRetryAfter != option.DefaultMaxRetryAfter {
		t.Fatalf("DefaultRetry %+v", d)
	}
}

func TestAnotherProvidersOptionIsAnError(t *testing.T) {
	var ext alpha
	_, err := option.Apply("alpha", &ext, withN(3))
	if err == nil || !strings.Contains(err.Error(), `an option of "beta" was given to the "alpha" client`) {
		t.Fatalf("err = %v", err)
	}
}

func TestRejectsBadValues(t *testing.T) {
	for name, o := range map[string]option.Option{
		"relative url":   option.WithBaseURL("/api"),
		"ftp url":        option.WithBaseURL("ftp://example.com"),
		"url with query": option.WithBaseURL("https://example.com/?key=secret"),
		"url with user":  option.WithBaseURL("https://u:p@example.com/"),
		"nil client":     option.WithHTTPClient(nil),
		"nil transport":  option.WithTransport(nil),
		"zero timeout":   option.WithTimeout(0),
		"nil clock":      option.WithClock(nil),
		"empty agent":    option.WithUserAgent(""),
		"two-line agent": option.WithUserAgent("a\r\nX-Evil: 1"),
		"zero limit":     option.WithMaxResponseBytes(0),
	} {
		var ext alpha
		if _, err := option.Apply("alpha", &ext, o); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "u:p") {
			t.Errorf("%s: error echoes the value: %v", name, err)
		}
	}
}

func TestOwnOptionErrorStopsApply(t *testing.T) {
	bad := option.For("alpha", func(*alpha) error { return errFake })
	var ext alpha
	if _, err := option.Apply("alpha", &ext, bad, withKey("late")); err != errFake || ext.key != "" {
		t.Fatalf("err %v, key %q: the first error must stop Apply", err, ext.key)
	}
}

type fakeErr struct{}

func (fakeErr) Error() string { return "fake" }

var errFake error = fakeErr{}

func TestLoggerOrDiscard(t *testing.T) {
	var ext alpha
	s, _ := option.Apply("alpha", &ext)
	if l := s.LoggerOrDiscard(); l == nil || l.Enabled(t.Context(), slog.LevelError) {
		t.Fatalf("no logger set: got %v, want one that discards", l)
	}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	s, _ = option.Apply("alpha", &ext, option.WithLogger(log))
	if s.LoggerOrDiscard() != log {
		t.Fatal("the given logger was not returned")
	}
}
