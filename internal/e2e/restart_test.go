package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// A merchant process takes callbacks and polls, then restarts: new clients,
// handlers and poller on the same Store and PollState (what a Redis or SQL
// backed deployment keeps). The providers redeliver everything and the new
// poller polls: nothing reaches the sink twice, PAYJS is not called before
// its four hours are up, and only a change made meanwhile is emitted.
func TestRestartOnPersistedStateEmitsNothingTwice(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	store, state := complaint.NewMemoryStore(complaint.WithStoreClock(p.clock.Now)), complaint.NewMemoryPollState()

	wx := p.wx.Seed(2)
	al := p.al.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "重复扣款"})
	ali := p.al.AddAlipayComplaint(allinpaytest.AlipayComplaint{ComplainAmount: "12.50",
		Trades: []allinpaytest.AlipayTrade{{TradeNo: "2025111522001400000000000001", Amount: "12.50"}}})
	cx := p.cx.Add(changxiangtest.Complaint{MerchantOrderNo: "M1"})
	p.pj.AddComplaint(payjstest.Complaint{ComplaintID: "PC1", ComplaintAt: p.clock.Now().Add(-time.Hour),
		OrderID: "2025111503054900456615858", TotalFee: 990})
	p.clock.Advance(time.Minute)

	// deliverAll has every pushing provider deliver its notifications
	// (the same ones each time, as a redelivery does) and checks that each
	// was acknowledged.
	deliverAll := func(m *merchant) {
		t.Helper()
		status, err := p.wx.NotifyURL(c, m.url("wechatpay"), wx[0].ComplaintID, wechatpay.ActionCreateComplaint,
			wechatpaytest.WithEventID("evt-wx-created"))
		if err != nil || status != http.StatusOK {
			t.Fatalf("wechatpay: %d %v", status, err)
		}
		an, err := p.al.AlipayComplaintNotification(ali.ID)
		if err != nil {
			t.Fatal(err)
		}
		an.Fields["id"] = ali.ID
		for _, n := range []allinpaytest.Notification{p.al.ComplaintNotification(al.ComplaintID, allinpaytest.ActionCreateComplaint), an} {
			if r, err := p.al.Notify(c, m.url("allinpay"), n); err != nil || !r.Acknowledged {
				t.Fatalf("allinpay: %+v %v", r, err)
			}
		}
		if r, err := p.cx.Notify(c, m.url("changxiang"), cx.OrderNo); err != nil || r.Status != http.StatusOK {
			t.Fatalf("changxiang: %+v %v", r, err)
		}
	}

	first := newMerchant(t, p, store, state)
	deliverAll(first)
	if err := first.poller(t).PollOnce(c); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, "first process", first.sink.taken(),
		"wechatpay/"+wx[0].ComplaintID+" created", // by callback
		"wechatpay/"+wx[1].ComplaintID+" created", // by the poll: its callback never came
		"allinpay/wechat/"+al.ComplaintID+" created",
		"allinpay/alipay/"+ali.ID+" created",
		"changxiang/"+cx.OrderNo+" created",
		"payjs/PC1 created",
	)
	payjsCalls := p.pj.Calls("complaint")

	// The restart: a minute later, everything new but the state.
	p.clock.Advance(time.Minute)
	second := newMerchant(t, p, store, state)
	deliverAll(second)
	if err := second.poller(t).PollOnce(c); err != nil {
		t.Fatal(err)
	}
	if evs := second.sink.taken(); len(evs) != 0 {
		t.Errorf("the restarted process emitted %v again", summary(evs))
	}
	if got := p.pj.Calls("complaint"); got != payjsCalls {
		t.Errorf("the restarted poller called PAYJS %d times within its 4 hours", got-payjsCalls)
	}

	// Meanwhile the buyer writes on a WeChat complaint; four hours on, the
	// next poll (PAYJS included) emits that change and nothing else.
	p.wx.UserResponds(wx[1].ComplaintID, "还没有收到退款")
	p.clock.Advance(4 * time.Hour)
	if err := second.poller(t).PollOnce(c); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, "after the buyer wrote", second.sink.taken(), "wechatpay/"+wx[1].ComplaintID+" updated")
	if got := p.pj.Calls("complaint"); got != payjsCalls+1 {
		t.Errorf("PAYJS complaint calls after 4 hours: %d, want %d", got, payjsCalls+1)
	}
}
