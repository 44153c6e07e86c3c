package e2e

import (
	"net/http"
	"testing"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// Every provider delivers the same notification three times; each reaches
// the sink once and every delivery is acknowledged, so no provider keeps
// resending. A later change of the same complaint is a new event.
func TestDuplicateDeliveriesReachTheSinkOnce(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())

	wc := p.wx.AddComplaint(p.wx.SampleComplaint(0))
	for i := range 3 {
		status, err := p.wx.NotifyURL(c, m.url("wechatpay"), wc.ComplaintID, wechatpay.ActionCreateComplaint,
			wechatpaytest.WithEventID("evt-wx-1"))
		if err != nil || status != http.StatusOK {
			t.Fatalf("wechatpay delivery %d: %d %v", i, status, err)
		}
	}

	ac := p.al.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "充电宝归还后仍在扣费"})
	res, err := p.al.NotifyTimes(c, m.url("allinpay"), p.al.ComplaintNotification(ac.ComplaintID, allinpaytest.ActionCreateComplaint), 3)
	if err != nil {
		t.Fatal(err)
	}
	ali := p.al.AddAlipayComplaint(allinpaytest.AlipayComplaint{ComplainAmount: "12.50", ComplainContent: "未收到商品"})
	an, err := p.al.AlipayComplaintNotification(ali.ID)
	if err != nil {
		t.Fatal(err)
	}
	an.Fields["id"] = ali.ID
	ares, err := p.al.NotifyTimes(c, m.url("allinpay"), an, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range append(res, ares...) {
		if !r.Acknowledged {
			t.Errorf("allinpay delivery %d not acknowledged: %d %q", i, r.Status, r.Body)
		}
	}

	cx := p.cx.Add(changxiangtest.Complaint{MerchantOrderNo: "M1", BuyerMobile: "18612045566"})
	for i := range 3 {
		r, err := p.cx.Notify(c, m.url("changxiang"), cx.OrderNo)
		if err != nil || r.Status != http.StatusOK || r.Body != "{}" {
			t.Fatalf("changxiang delivery %d: %+v %v", i, r, err)
		}
	}

	order := p.pj.AddOrder(payjstest.Order{OutTradeNo: "SHOP-1", TotalFee: 1280000, Paid: true})
	for i := range 3 {
		r, err := p.pj.Notify(c, m.url("payjs/payment"), order.PayJSOrderID, nil)
		if err != nil || r.Status != http.StatusOK || r.Body != "success" {
			t.Fatalf("payjs delivery %d: %+v %v", i, r, err)
		}
	}

	wantEvents(t, "three deliveries of each", m.sink.taken(),
		"wechatpay/"+wc.ComplaintID+" created",
		"allinpay/wechat/"+ac.ComplaintID+" created",
		"allinpay/alipay/"+ali.ID+" created",
		"changxiang/"+cx.OrderNo+" created",
	)
	if n := m.sink.paymentCount(); n != 1 {
		t.Errorf("the PAYJS payment reached the sink %d times, want once", n)
	}

	// A later change of the same 畅想 complaint is new: its id is derived
	// from the fields that changed.
	if _, err := p.cx.Refund(cx.OrderNo, "12.50", p.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := p.cx.Notify(c, m.url("changxiang"), cx.OrderNo); err != nil {
			t.Fatal(err)
		}
	}
	evs := m.sink.taken()
	if len(evs) != 1 || evs[0].Ref.ID != cx.OrderNo || evs[0].Complaint == nil || evs[0].Complaint.Refund.Refunded.Amount != 1250 {
		t.Fatalf("after the refund: %v, want one event with ¥12.50 refunded", summary(evs))
	}
}
