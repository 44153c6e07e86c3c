package httpc

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
)

// BenchmarkGet measures what the shared client adds to one GET over a bare
// http.Client with the same (mock) transport and timeout.
func BenchmarkGet(b *testing.B) {
	const body = `{"data":[{"complaint_id":"200201820200101080076610000","complaint_state":"PENDING"}],"limit":10,"offset":0,"total_count":1}`
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, testBase+"/v3/merchant-service/complaints-v2",
		withHeader(httpmock.NewStringResponder(200, body), "Request-ID", "08F0C9B0"))
	ctx := context.Background()
	url := testBase + "/v3/merchant-service/complaints-v2?limit=10&offset=0"

	b.Run("resty", func(b *testing.B) {
		c := newTestClient(b, mt, nil)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.R().SetContext(ctx).Get(url)
			if err != nil || len(resp.Body()) != len(body) {
				b.Fatal(err)
			}
		}
	})
	// With a Debug logger: the per-attempt line (method, path, status,
	// attempt, duration, request id) is built and formatted.
	b.Run("resty-debuglog", func(b *testing.B) {
		c := newTestClient(b, mt, func(o *Options) {
			o.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
			o.RequestIDHeader = "Request-ID"
		})
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.R().SetContext(ctx).Get(url + "&sign=Q2xpZW50U2ln")
			if err != nil || len(resp.Body()) != len(body) {
				b.Fatal(err)
			}
		}
	})
	b.Run("http", func(b *testing.B) {
		hc := &http.Client{Transport: mt, Timeout: DefaultTimeout}
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || len(got) != len(body) {
				b.Fatal(err)
			}
		}
	})
}
