package e2e

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
)

// WeChat Pay answers 429 FREQUENCY_LIMITED: a poll reports ErrRateLimited
// and emits nothing; under Run the poller keeps backing off until the
// limit lifts, then emits each complaint once.
func TestPollerRateLimitedByWeChatPay(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
	seeded := p.wx.Seed(3)
	p.clock.Advance(time.Minute)
	p.wx.SetRateLimit(0)

	sources := []complaint.PollSource{{Name: "wechatpay", Source: m.wxSrc}}
	// A poll of its own (a cron job, say) reports the limit. It keeps its
	// own state: a failed poll's start counts against the interval, so a
	// poller on the same state would wait an interval before trying again.
	once := m.pollerOf(t, sources, complaint.WithPollState(complaint.NewMemoryPollState()))
	if err := once.PollOnce(c); !errors.Is(err, complaint.ErrRateLimited) {
		t.Fatalf("PollOnce = %v, want ErrRateLimited", err)
	}
	if evs := m.sink.taken(); len(evs) != 0 {
		t.Fatalf("a refused poll emitted %v", summary(evs))
	}

	poller := m.pollerOf(t, sources, complaint.WithBackoff(time.Millisecond, 4*time.Millisecond),
		complaint.WithPollInterval(time.Hour))
	stop := runPoller(t, poller)
	deadline := time.Now().Add(20 * time.Second)
	for countStatus(p.wx.Requests(), http.StatusTooManyRequests) < 4 {
		if time.Now().After(deadline) {
			t.Fatal("the poller did not retry while rate limited")
		}
		time.Sleep(time.Millisecond)
	}
	p.wx.SetRateLimit(-1)
	m.sink.waitFor(t, 3)
	stop()
	var want []string
	for _, s := range seeded {
		want = append(want, "wechatpay/"+s.ComplaintID+" created")
	}
	wantEvents(t, "after the limit lifted", m.sink.taken(), want...)
	if !hasLine(m.logs.String(), "complaint poll failed; backing off", "FREQUENCY_LIMITED") {
		t.Errorf("no backoff line naming the rate limit:\n%s", m.logs.String())
	}
}

// PAYJS allows one complaint call every four hours: the poller's state
// skips an early poll without calling, the adapter refuses locally with
// ErrRateLimited, PAYJS itself answers a call that gets past the adapter
// with an error matching ErrRateLimited, and four hours later the poller
// lists again and emits nothing it emitted before.
func TestPAYJSFourHourLimit(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
	p.pj.AddComplaint(payjstest.Complaint{ComplaintID: "PC1", ComplaintAt: p.clock.Now().Add(-time.Hour),
		OrderID: "2025111503054900456615858", OutTradeNo: "SHOP-1", TotalFee: 990, Body: "付款后没有收到卡密"})
	poller := m.pollerOf(t, []complaint.PollSource{{Name: "payjs", Source: m.pjSrc}})

	if err := poller.PollOnce(c); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, "first poll", m.sink.taken(), "payjs/PC1 created")
	calls := p.pj.Calls("complaint")

	p.clock.Advance(time.Hour)
	if err := poller.PollOnce(c); err != nil {
		t.Fatalf("an early poll is skipped, not failed: %v", err)
	}
	if got := p.pj.Calls("complaint"); got != calls {
		t.Fatalf("an early poll called PAYJS (%d calls, want %d)", got, calls)
	}
	for _, err := range m.pjSrc.List(c, complaint.ListOptions{}) {
		if !errors.Is(err, complaint.ErrRateLimited) {
			t.Fatalf("adapter List within 4 hours = %v, want ErrRateLimited", err)
		}
	}
	if got := p.pj.Calls("complaint"); got != calls {
		t.Fatalf("the adapter's refusal reached PAYJS")
	}
	unguarded := m.pj.Adapter(payjs.WithPollInterval(0))
	for _, err := range unguarded.List(c, complaint.ListOptions{}) {
		var apiErr *payjs.APIError
		if !errors.Is(err, complaint.ErrRateLimited) || !errors.As(err, &apiErr) {
			t.Fatalf("PAYJS's own answer = %v, want an *APIError matching ErrRateLimited", err)
		}
	}

	p.clock.Advance(3*time.Hour + time.Minute)
	if err := poller.PollOnce(c); err != nil {
		t.Fatal(err)
	}
	if got := p.pj.Calls("complaint"); got != calls+2 {
		t.Errorf("PAYJS complaint calls = %d, want %d (the unguarded one and the poll 4 hours later)", got, calls+2)
	}
	if evs := m.sink.taken(); len(evs) != 0 {
		t.Errorf("the poll 4 hours later emitted %v; nothing changed", summary(evs))
	}
}
