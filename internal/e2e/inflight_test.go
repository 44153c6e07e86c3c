package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// A redelivery that arrives while the first delivery is still in the sink
// is answered with the provider's failure, so the provider tries again
// later (answering success could lose the event if the first then failed).
// After the first finished, the redelivery is answered success and the
// sink has the event once. For each provider that pushes.
func TestRedeliveryWhileInFlight(t *testing.T) {
	c := testCtx(t)
	p := newProviders(t)
	m := newMerchant(t, p, complaint.NewMemoryStore(), complaint.NewMemoryPollState())
	wc := p.wx.AddComplaint(p.wx.SampleComplaint(0))
	ac := p.al.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "充电宝归还后仍在扣费"})
	alNote := p.al.ComplaintNotification(ac.ComplaintID, allinpaytest.ActionCreateComplaint)
	alForm, err := p.al.SignNotification(alNote) // one signed form, posted three times
	if err != nil {
		t.Fatal(err)
	}
	cx := p.cx.Add(changxiangtest.Complaint{MerchantOrderNo: "M1"})

	// deliver posts the provider's notification and says whether the
	// answer is the provider's success acknowledgement.
	cases := []struct {
		provider complaint.Provider
		id       string
		deliver  func(context.Context) (ok bool, answer string, err error)
	}{
		{complaint.WeChatPay, wc.ComplaintID, func(ctx context.Context) (bool, string, error) {
			status, err := p.wx.NotifyURL(ctx, m.url("wechatpay"), wc.ComplaintID, wechatpay.ActionCreateComplaint,
				wechatpaytest.WithEventID("evt-inflight"))
			return status == http.StatusOK || status == http.StatusNoContent, http.StatusText(status), err
		}},
		{complaint.Allinpay, ac.ComplaintID, func(ctx context.Context) (bool, string, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url("allinpay"), strings.NewReader(alForm.Encode()))
			if err != nil {
				return false, "", err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
			status, body, err := do(req)
			return status == http.StatusOK && body == allinpaytest.Ack, body, err
		}},
		{complaint.Changxiang, cx.OrderNo, func(ctx context.Context) (bool, string, error) {
			r, err := p.cx.Notify(ctx, m.url("changxiang"), cx.OrderNo)
			if err != nil {
				return false, "", err
			}
			return r.Status == http.StatusOK && r.Body == "{}", r.Body, nil
		}},
	}
	for _, tc := range cases {
		t.Run(string(tc.provider), func(t *testing.T) {
			g := m.sink.hold.Next()
			type answer struct {
				ok  bool
				err error
			}
			first := make(chan answer, 1)
			go func() {
				ok, _, err := tc.deliver(c)
				first <- answer{ok, err}
			}()
			<-g.Entered
			ok, got, err := tc.deliver(c)
			if err != nil || ok {
				t.Errorf("redelivery while in flight: acknowledged=%v (%q), %v; want a failure answer", ok, got, err)
			}
			close(g.Release)
			if a := <-first; a.err != nil || !a.ok {
				t.Fatalf("first delivery: acknowledged=%v, %v", a.ok, a.err)
			}
			if ok, got, err := tc.deliver(c); err != nil || !ok {
				t.Errorf("redelivery after the first finished: acknowledged=%v (%q), %v", ok, got, err)
			}
			evs := m.sink.taken()
			if len(evs) != 1 || evs[0].Ref.Provider != tc.provider || evs[0].Ref.ID != tc.id {
				t.Errorf("sink got %v, want the %s event once", summary(evs), tc.provider)
			}
		})
	}
}
