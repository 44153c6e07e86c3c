package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// runPoller runs p until the returned stop is called, which waits for Run
// to return and checks that it returned because of the cancellation.
func runPoller(t *testing.T, p *complaint.Poller) (stop func()) {
	t.Helper()
	c, cancel := context.WithCancel(testCtx(t))
	var wg sync.WaitGroup
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = p.Run(c)
	}()
	return func() {
		cancel()
		wg.Wait()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	}
}

// countStatus counts the WeChat list requests the fake answered with status.
func countStatus(reqs []wechatpaytest.Request, status int) int {
	n := 0
	for _, r := range reqs {
		if r.Status == status {
			n++
		}
	}
	return n
}

// WeChat Pay answers 500 twice: the poller backs off (with growing waits)
// and its third poll lists the complaints. Nothing is lost and nothing is
// emitted twice.
func TestPollerBacksOffFrom5xxAndRecovers(t *testing.T) {
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
	seeded := p.wx.Seed(2)
	p.clock.Advance(time.Minute) // lists end before now: let the newest be a minute old
	p.wx.InjectFault(wechatpaytest.FaultServerError, "/v3/merchant-service/complaints-v2")
	p.wx.InjectFault(wechatpaytest.FaultServerError, "/v3/merchant-service/complaints-v2")

	poller := m.pollerOf(t, []complaint.PollSource{{Name: "wechatpay", Source: m.wxSrc}},
		complaint.WithBackoff(time.Millisecond, 8*time.Millisecond), complaint.WithPollInterval(time.Hour))
	stop := runPoller(t, poller)
	m.sink.waitFor(t, 2)
	stop()

	wantEvents(t, "after the outage", m.sink.taken(),
		"wechatpay/"+seeded[0].ComplaintID+" created", "wechatpay/"+seeded[1].ComplaintID+" created")
	if n := countStatus(p.wx.Requests(), http.StatusInternalServerError); n != 2 {
		t.Errorf("the fake answered 500 %d times, want 2", n)
	}
	logs := m.logs.String()
	for _, want := range []string{"failures=1", "failures=2"} {
		if !hasLine(logs, "complaint poll failed; backing off", want) {
			t.Errorf("no backoff line with %s in:\n%s", want, logs)
		}
	}
	if m.logs.Count("complaint poll failed; backing off") != 2 {
		t.Errorf("want two backoff lines:\n%s", logs)
	}
	if m.logs.Count("complaint poll done") != 1 {
		t.Errorf("want one completed poll (the interval is an hour):\n%s", logs)
	}
}

// hasLine reports whether one line of logs holds every part.
func hasLine(logs string, parts ...string) bool {
	for line := range strings.Lines(logs) {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
			return true
		}
	}
	return false
}

// Allinpay's API fails (502) while its callbacks arrive: the handler cannot
// fetch the complaint, the sink (which needs it) refuses, the handler
// answers failure and releases the event, and Allinpay's resend, once the
// API is back, delivers it to the sink once, with the complaint.
func TestCallbacksAnsweredFailureDuringOutageAreDeliveredOnRetry(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
	m.sink.setFail(func(e *complaint.Event) error {
		if e.Complaint == nil {
			return errNotFetched
		}
		return nil
	})
	ac := p.al.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "重复扣款", ApplyRefundAmount: 990})
	p.al.InjectFault(allinpaytest.Fault{Method: "wxcomplaintdetail", Count: 2, Status: http.StatusBadGateway})

	results, err := p.al.Deliver(c, m.url("allinpay"), p.al.ComplaintNotification(ac.ComplaintID, allinpaytest.ActionCreateComplaint))
	if err != nil {
		t.Fatal(err)
	}
	var acks []string
	for _, r := range results {
		acks = append(acks, fmt.Sprintf("%d %v", r.Status, r.Acknowledged))
	}
	if len(results) != 3 || results[0].Acknowledged || results[1].Acknowledged || !results[2].Acknowledged {
		t.Fatalf("answers %v, want two failures then success", acks)
	}
	evs := m.sink.taken()
	if len(evs) != 1 || evs[0].Complaint == nil || evs[0].Complaint.Refund.Requested.Amount != 990 {
		t.Fatalf("sink got %v, want the complaint once, fetched", summary(evs))
	}
	if n := m.logs.Count("level=WARN"); n < 2 {
		t.Errorf("want the two failed fetches logged at Warn:\n%s", m.logs.String())
	}
}
