package e2e

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay"
)

// The handlers and the poller share one PollState (WithSharedPollState):
// a change reaches the sink once, whether a callback or a poll brings it
// first.
func TestCallbackAndPollOfOneChangeReachTheSinkOnce(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
	poller := m.pollerOf(t, []complaint.PollSource{{Name: "wechatpay", Source: m.wxSrc}, {Name: "allinpay", Source: m.alSrc}})

	wc := p.wx.AddComplaint(p.wx.SampleComplaint(0))
	ac := p.al.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "充电宝归还后仍在扣费"})
	ali := p.al.AddAlipayComplaint(allinpaytest.AlipayComplaint{ComplainAmount: "39.90",
		Trades: []allinpaytest.AlipayTrade{{TradeNo: "2025111522001400000000000001", Amount: "39.90"}}})
	p.clock.Advance(time.Minute)
	alipayNotification := func() allinpaytest.Notification {
		n, err := p.al.AlipayComplaintNotification(ali.ID)
		if err != nil {
			t.Fatal(err)
		}
		n.Fields["id"] = ali.ID
		return n
	}

	// Callbacks first: the poll that follows lists the same versions and
	// emits nothing.
	if status, err := p.wx.NotifyURL(c, m.url("wechatpay"), wc.ComplaintID, wechatpay.ActionCreateComplaint); err != nil || status != http.StatusOK {
		t.Fatalf("wechatpay: %d %v", status, err)
	}
	for _, n := range []allinpaytest.Notification{p.al.ComplaintNotification(ac.ComplaintID, allinpaytest.ActionCreateComplaint), alipayNotification()} {
		if r, err := p.al.Notify(c, m.url("allinpay"), n); err != nil || !r.Acknowledged {
			t.Fatalf("allinpay: %+v %v", r, err)
		}
	}
	wantEvents(t, "callbacks", m.sink.taken(), "wechatpay/"+wc.ComplaintID+" created",
		"allinpay/wechat/"+ac.ComplaintID+" created", "allinpay/alipay/"+ali.ID+" created")
	if err := poller.PollOnce(c); err != nil {
		t.Fatal(err)
	}
	if evs := m.sink.taken(); len(evs) != 0 {
		t.Errorf("the poll re-emitted what the callbacks brought: %v", summary(evs))
	}

	// A poll first: the buyer writes, the poll emits the change, and the
	// callbacks for it that arrive afterwards are acknowledged without
	// reaching the sink.
	p.wx.UserResponds(wc.ComplaintID, "请尽快处理")
	p.al.AddHistory(ac.ComplaintID, allinpaytest.HistoryEntry{OperateType: "USER_RESPONSE", OperateDetails: "还在扣费"})
	p.al.UpdateWeChatComplaint(ac.ComplaintID, func(w *allinpaytest.WeChatComplaint) { w.IncomingUserResponse = true })
	p.clock.Advance(11 * time.Minute)
	if err := poller.PollOnce(c); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, "the poll", m.sink.taken(), "wechatpay/"+wc.ComplaintID+" updated", "allinpay/wechat/"+ac.ComplaintID+" updated")
	if status, err := p.wx.NotifyURL(c, m.url("wechatpay"), wc.ComplaintID, wechatpay.ActionUserResponse); err != nil || status != http.StatusOK {
		t.Fatalf("wechatpay: %d %v", status, err)
	}
	if r, err := p.al.Notify(c, m.url("allinpay"), p.al.ComplaintNotification(ac.ComplaintID, allinpaytest.ActionUserResponse)); err != nil || !r.Acknowledged {
		t.Fatalf("allinpay: %+v %v", r, err)
	}
	if evs := m.sink.taken(); len(evs) != 0 {
		t.Errorf("callbacks re-delivered what the poll brought: %v", summary(evs))
	}
	if n := m.logs.Count("complaint version already reached the sink; not dispatched again"); n != 2 {
		t.Errorf("the handler logged %d skipped callbacks, want 2:\n%s", n, m.logs.String())
	}
}

// Two pollers with their own state (two deployments, or one that lost its
// state) give the same change the same event id, so a sink or a Store
// downstream can de-duplicate across them.
func TestPollerEventIDsAreStable(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	p.wx.Seed(2)
	p.clock.Advance(time.Minute)
	ids := func() []string {
		m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
		if err := m.pollerOf(t, []complaint.PollSource{{Name: "wechatpay", Source: m.wxSrc}}).PollOnce(c); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range m.sink.taken() {
			out = append(out, e.ID)
		}
		slices.Sort(out)
		return out
	}
	a, b := ids(), ids()
	if len(a) != 2 || !slices.Equal(a, b) {
		t.Errorf("event ids %q and %q, want the same two", a, b)
	}
}
