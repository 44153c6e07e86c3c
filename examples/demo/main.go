// Command demo shows tousu end to end, offline, in a few seconds: the four
// fake providers (wechatpaytest, allinpaytest, payjstest, changxiangtest), one
// local callback server built with complaint.NewHandler (one route per
// provider), callbacks pushed by WeChat Pay, Allinpay (a WeChat and an Alipay
// complaint) and 畅想, PAYJS polled with complaint.NewPoller, every provider's
// complaints listed through complaint.Source in one table, one complaint
// answered and completed through complaint.Responder, and the callbacks that
// must not get through: forged, stale, duplicated, and redelivered while the
// first delivery still runs. Everything runs on a simulated clock, so the
// output is the same on every run. Run it with:
//
//	go run ./examples/demo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/simclock"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// result is what the demo observed, for its test.
type result struct {
	// events counts the events that reached the sink, by provider.
	events map[complaint.Provider]int
	// listed counts the complaints listed through complaint.Source, by
	// provider.
	listed map[complaint.Provider]int
	// answers are the HTTP statuses of the deliveries that must not
	// dispatch anything, by what was sent.
	answers map[string]int
	// duplicates is how many events the duplicated deliveries dispatched.
	duplicates int
}

// seeded names the complaints the demo acts on.
type seeded struct {
	wxNew, wxOld     wechatpay.Complaint
	alWeChat         allinpaytest.WeChatComplaint
	alAlipay         allinpaytest.AlipayComplaint
	cx               changxiangtest.Complaint
	wxNewEventID     string
	wxUserMsgEventID string
}

func run(ctx context.Context, out io.Writer) (*result, error) {
	clock := simclock.New(demoStart)
	w, err := newWorld(clock)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	res := &result{events: map[complaint.Provider]int{}, listed: map[complaint.Provider]int{}, answers: map[string]int{}}
	fmt.Fprintf(out, "tousu demo: four fake payment providers, one callback server, one model\n")
	fmt.Fprintf(out, "(offline; simulated clock from %s Beijing time; callback server %s)\n",
		demoStart.Format("2006-01-02 15:04"), "http://127.0.0.1:…/callbacks/{provider}")

	s := seed(w)
	steps := []func(context.Context, io.Writer, *world, *seeded, *result) error{
		pushCallbacks, pollPAYJS, listAll, respond, rejectBadCallbacks,
	}
	for _, step := range steps {
		if err := step(ctx, out, w, s, res); err != nil {
			return res, err
		}
	}
	for _, e := range w.sink.since(0) {
		res.events[e.Ref.Provider]++
	}
	fmt.Fprintf(out, "\ndone: %d events reached the sink (wechatpay %d, allinpay %d, changxiang %d, payjs %d), each once\n",
		w.sink.count(), res.events[complaint.WeChatPay], res.events[complaint.Allinpay],
		res.events[complaint.Changxiang], res.events[complaint.PAYJS])
	return res, nil
}

// seed files the complaints the buyers make, at each fake provider.
func seed(w *world) *seeded {
	now := w.clock.Now()
	s := &seeded{wxNewEventID: "5e1c0a4e-0d5c-5d8e-9f3a-2a4b6c8d0e1f", wxUserMsgEventID: "8a0f3c2d-6b1e-5f4a-9c7d-1e2f3a4b5c6d"}
	// WeChat Pay: a complaint filed just now, and one filed 80 hours ago
	// whose callback never arrived and that nobody answered.
	// Fixed ids keep the output the same on every run.
	fresh := w.wx.SampleComplaint(0)
	fresh.ComplaintID = "200201820251115100000000001"
	s.wxNew = w.wx.AddComplaint(fresh)
	old := w.wx.SampleComplaint(1)
	old.ComplaintID, old.ComplaintTime = "200201820251112020000000002", now.Add(-80*time.Hour)
	s.wxOld = w.wx.AddComplaint(old)

	// Allinpay relays a WeChat complaint and an Alipay one.
	s.alWeChat = w.al.AddWeChatComplaint(allinpaytest.WeChatComplaint{
		ComplaintID: "200201820251115080000000003", ComplaintTime: now.Add(-2 * time.Hour), Detail: "充电宝归还后仍在扣费", ProblemType: "REFUND",
		ProblemDescription: "退款问题", ApplyRefundAmount: 1500,
		Orders: []allinpaytest.WeChatOrder{{TransactionID: "4200002406202511150123456789", OutTradeNo: "SHOP-2001", Amount: 1500}},
	})
	s.alAlipay = w.al.AddAlipayComplaint(allinpaytest.AlipayComplaint{
		ID: "2025111500000004", TaskID: "TK20251115000004", ComplainAmount: "39.90", GmtComplain: now.Add(-3 * time.Hour), GmtOverdue: now.Add(45 * time.Hour),
		ComplainContent: "商品与描述不符，要求退款", OppositeName: "示例商户",
		Trades: []allinpaytest.AlipayTrade{{TradeNo: "2025111522001400000000000001", OutNo: "SHOP-3001", Amount: "39.90",
			GmtTrade: now.Add(-26 * time.Hour)}},
	})

	// 畅想: a card order complained about; the buyer's mobile is masked
	// wherever tousu prints it.
	s.cx = w.cx.Add(changxiangtest.Complaint{OrderNo: "cxka251115000005", MerchantOrderNo: "M202511150001", BuyerMobile: "18612045566",
		ComplaintAt: now.Add(-30 * time.Minute)})

	// PAYJS: never pushes a complaint; only the poller will find it.
	w.pj.AddComplaint(payjstest.Complaint{ComplaintID: "PC20251115001", ComplaintAt: now.Add(-time.Hour),
		OutTradeNo: "SHOP-1001", OrderID: "2025111503054900456615858", TotalFee: 1280000, Body: "付款后没有收到卡密"})
	return s
}

// pushCallbacks has WeChat Pay, Allinpay and 畅想 push their callbacks to
// the merchant's server and prints what reached the sink.
func pushCallbacks(ctx context.Context, out io.Writer, w *world, s *seeded, _ *result) error {
	section(out, "1. Providers push callbacks to one server (complaint.NewHandler, one route each)")
	deliveries := []struct {
		what string
		send func() (int, error)
	}{
		{"WeChat Pay: complaint created", func() (int, error) {
			return w.wx.NotifyURL(ctx, w.url(complaint.WeChatPay), s.wxNew.ComplaintID, wechatpay.ActionCreateComplaint,
				wechatpaytest.WithEventID(s.wxNewEventID))
		}},
		{"Allinpay: WeChat complaint", func() (int, error) {
			r, err := w.al.Notify(ctx, w.url(complaint.Allinpay),
				w.al.ComplaintNotification(s.alWeChat.ComplaintID, allinpaytest.ActionCreateComplaint))
			return r.Status, err
		}},
		{"Allinpay: Alipay complaint", func() (int, error) {
			n, err := w.al.AlipayComplaintNotification(s.alAlipay.ID)
			if err != nil {
				return 0, err
			}
			// Allinpay's page lists no complaint id in this notification,
			// so the fake sends none; where Allinpay does send it, the
			// event names the complaint and the poller knows it.
			n.Fields["id"] = s.alAlipay.ID
			r, err := w.al.Notify(ctx, w.url(complaint.Allinpay), n)
			return r.Status, err
		}},
		{"畅想: complaint added", func() (int, error) {
			r, err := w.cx.Notify(ctx, w.url(complaint.Changxiang), s.cx.OrderNo)
			if err != nil {
				return 0, err
			}
			return r.Status, nil
		}},
	}
	t := newTable(out, "DELIVERY", "ANSWER", "EVENT", "PROVIDER", "CHANNEL", "COMPLAINT", "STATE", "AMOUNT ¥")
	for _, d := range deliveries {
		before := w.sink.count()
		status, err := d.send()
		if err != nil {
			return fmt.Errorf("%s: %w", d.what, err)
		}
		evs := w.sink.since(before)
		if len(evs) != 1 {
			return fmt.Errorf("%s: %d events reached the sink, want 1", d.what, len(evs))
		}
		e := evs[0]
		state, amount := "(not fetched)", "-"
		if e.Complaint != nil {
			state, amount = stateText(e.Complaint.State), yuan(e.Complaint.Amount)
		}
		t.row(d.what, httpStatus(status), string(e.Kind), string(e.Ref.Provider), channelText(e.Ref.Channel), e.Ref.ID, state, amount)
	}
	return t.flush()
}

// pollPAYJS runs the poller over PAYJS, which never pushes, and over WeChat
// Pay and Allinpay as the safety net for missed callbacks.
func pollPAYJS(ctx context.Context, out io.Writer, w *world, _ *seeded, _ *result) error {
	section(out, "2. PAYJS never pushes: complaint.Poller lists it (and re-checks WeChat Pay and Allinpay)")
	poller, err := complaint.NewPoller(w.sink, []complaint.PollSource{
		{Name: "payjs-" + w.pj.MchID(), Source: w.pjSource},
		{Name: "wechatpay-" + w.wx.MchID(), Source: w.wxSource},
		{Name: "allinpay-" + w.al.CusID(), Source: w.alSource},
	}, complaint.WithPollState(w.state), complaint.WithPollerClock(w.clock.Now),
		complaint.WithLookback(7*24*time.Hour), complaint.WithRereadSpacing(0))
	if err != nil {
		return err
	}
	before := w.sink.count()
	if err := poller.PollOnce(ctx); err != nil {
		return err
	}
	t := newTable(out, "EVENT", "PROVIDER", "CHANNEL", "COMPLAINT", "STATE", "AMOUNT ¥", "NOTE")
	for _, e := range w.sink.since(before) {
		note := ""
		switch {
		case e.Ref.Provider == complaint.PAYJS:
			note = "only the poller sees PAYJS complaints"
		case e.Kind == complaint.KindOverdue:
			note = "past its deadline with no reply"
		case e.Kind == complaint.KindCreated:
			note = "its callback never came"
		}
		state, amount := stateText(e.Complaint.State), yuan(e.Complaint.Amount)
		t.row(string(e.Kind), string(e.Ref.Provider), channelText(e.Ref.Channel), e.Ref.ID, state, amount, note)
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintln(out, "complaints the callbacks already brought were not emitted again (WithSharedPollState)")
	return nil
}

// listAll lists every provider's complaints through complaint.Source.
func listAll(ctx context.Context, out io.Writer, w *world, _ *seeded, res *result) error {
	section(out, "3. Every provider's complaints in one table (complaint.Source)")
	// PAYJS allows one complaint call every four hours; the poller just made it.
	for _, err := range w.pjSource.List(ctx, complaint.ListOptions{}) {
		fmt.Fprintf(out, "listing PAYJS again at once is refused locally: errors.Is(err, complaint.ErrRateLimited) = %v\n",
			errors.Is(err, complaint.ErrRateLimited))
		break
	}
	now := w.clock.Advance(4 * time.Hour)
	fmt.Fprintf(out, "four hours later (simulated), at %s:\n", now.Format("01-02 15:04"))
	t := newTable(out, "PROVIDER", "CHANNEL", "ID", "STATE", "AMOUNT ¥", "CREATED", "DUE")
	for _, src := range []complaint.Source{w.wxSource, w.alSource, w.pjSource} {
		for c, err := range src.List(ctx, complaint.ListOptions{Since: now.Add(-7 * 24 * time.Hour)}) {
			if err != nil {
				return fmt.Errorf("list %s: %w", src.Provider(), err)
			}
			res.listed[c.Provider]++
			t.row(string(c.Provider), channelText(c.Channel), c.ID, stateText(c.State), yuan(c.Amount),
				c.CreatedAt.In(demoStart.Location()).Format("01-02 15:04"), due(c, now))
		}
	}
	if err := t.flush(); err != nil {
		return err
	}
	_, err := w.cxClient.Source()
	fmt.Fprintf(out, "畅想 publishes no list call (push only): changxiang Client.Source() matches errors.ErrUnsupported = %v\n",
		errors.Is(err, errors.ErrUnsupported))
	return nil
}

// respond answers the new WeChat complaint and completes it, through
// complaint.Responder, and prints its history through complaint.Source.
func respond(ctx context.Context, out io.Writer, w *world, s *seeded, _ *result) error {
	section(out, "4. Answer through complaint.Responder, then read the history")
	var resp complaint.Responder = w.wxSource
	c, err := w.wxSource.Get(ctx, complaint.Ref{Provider: complaint.WeChatPay, ID: s.wxNew.ComplaintID})
	if err != nil {
		return err
	}
	ref := c.Ref() // keep it anywhere (it encodes to JSON); it is all a provider needs
	if err := resp.Reply(ctx, ref, complaint.Reply{Content: "您好，已为您办理退款，请留意到账。"}); err != nil {
		return err
	}
	fmt.Fprintf(out, "replied to %s\n", ref)
	if err := resp.Complete(ctx, ref, complaint.Completion{}); err != nil {
		return err
	}
	if c, err = w.wxSource.Get(ctx, ref); err != nil {
		return err
	}
	fmt.Fprintf(out, "completed %s: state %s (WeChat: %s)\n", ref, c.State, c.ProviderState)
	t := newTable(out, "TIME", "ACTOR", "KIND", "PROVIDER CODE", "CONTENT")
	for e, err := range w.wxSource.History(ctx, ref) {
		if err != nil {
			return err
		}
		t.row(e.Time.In(demoStart.Location()).Format("01-02 15:04"), string(e.Actor), string(e.Kind), e.ProviderKind, e.Content)
	}
	return t.flush()
}

// rejectBadCallbacks sends what the handler must not pass on: forged and
// stale callbacks, duplicates, and a redelivery while the first runs.
func rejectBadCallbacks(ctx context.Context, out io.Writer, w *world, s *seeded, res *result) error {
	section(out, "5. Callbacks that must not reach the sink, or only once")
	wxURL, alURL, cxURL := w.url(complaint.WeChatPay), w.url(complaint.Allinpay), w.url(complaint.Changxiang)

	// A redelivery that arrives while the first delivery is still in the
	// sink is answered failure: answering success could lose the event if
	// the first then failed.
	w.wx.UserResponds(s.wxOld.ComplaintID, "请尽快处理，谢谢")
	g := w.sink.hold.Next()
	first := make(chan error, 1)
	var firstStatus int
	go func() {
		var err error
		firstStatus, err = w.wx.NotifyURL(ctx, wxURL, s.wxOld.ComplaintID, wechatpay.ActionUserResponse,
			wechatpaytest.WithEventID(s.wxUserMsgEventID))
		first <- err
	}()
	select {
	case <-g.Entered:
	case <-ctx.Done():
		return ctx.Err()
	}
	before := w.sink.count()
	inFlight, err := w.wx.NotifyURL(ctx, wxURL, s.wxOld.ComplaintID, wechatpay.ActionUserResponse,
		wechatpaytest.WithEventID(s.wxUserMsgEventID))
	if err != nil {
		return err
	}
	close(g.Release)
	if err := <-first; err != nil {
		return err
	}

	t := newTable(out, "DELIVERY", "ANSWER", "DISPATCHED")
	t.row("WeChat: buyer message, sink still busy", "", "")
	t.row("  the same event redelivered meanwhile", httpStatus(inFlight), "no: WeChat retries later")
	t.row("  the first delivery finishes", httpStatus(firstStatus), dispatched(w.sink.count()-before))

	// Duplicates: each provider delivers the same notification again.
	dupStart := w.sink.count()
	before = dupStart
	dup, err := w.wx.NotifyURL(ctx, wxURL, s.wxNew.ComplaintID, wechatpay.ActionCreateComplaint,
		wechatpaytest.WithEventID(s.wxNewEventID))
	if err != nil {
		return err
	}
	t.row("WeChat: created, delivered again", httpStatus(dup), dispatched(w.sink.count()-before))
	before = w.sink.count()
	ar, err := w.al.NotifyTimes(ctx, alURL, w.al.ComplaintNotification(s.alWeChat.ComplaintID, allinpaytest.ActionCreateComplaint), 2)
	if err != nil {
		return err
	}
	t.row("Allinpay: WeChat complaint, twice more", httpStatus(ar[0].Status)+", "+httpStatus(ar[1].Status), dispatched(w.sink.count()-before))
	before = w.sink.count()
	cr, err := w.cx.Notify(ctx, cxURL, s.cx.OrderNo)
	if err != nil {
		return err
	}
	t.row("畅想: complaint added, again", httpStatus(cr.Status), dispatched(w.sink.count()-before))
	res.duplicates = w.sink.count() - dupStart

	// Forged and stale: answered failure, nothing dispatched.
	before = w.sink.count()
	forged, err := w.wx.NotifyURL(ctx, wxURL, s.wxNew.ComplaintID, wechatpay.ActionUserResponse,
		wechatpaytest.WithNotifyFault(wechatpaytest.FaultTamperedBody))
	if err != nil {
		return err
	}
	stale, err := w.wx.NotifyURL(ctx, wxURL, s.wxNew.ComplaintID, wechatpay.ActionUserResponse,
		wechatpaytest.WithNotifyFault(wechatpaytest.FaultStaleTimestamp))
	if err != nil {
		return err
	}
	n := w.al.ComplaintNotification(s.alWeChat.ComplaintID, allinpaytest.ActionCreateComplaint)
	n.AfterSign = func(f url.Values) { f.Set("cusid", "990000000000001") } // changed after signing
	alForged, err := w.al.Notify(ctx, alURL, n)
	if err != nil {
		return err
	}
	body, err := w.cx.BodyWithSign(s.cx, "00000000000000000000000000000000")
	if err != nil {
		return err
	}
	cxForged, err := w.cx.Post(ctx, cxURL, "application/json", body)
	if err != nil {
		return err
	}
	for _, r := range []struct {
		what   string
		status int
	}{
		{"WeChat: body changed after signing", forged},
		{"WeChat: signed 10 minutes ago (stale)", stale},
		{"Allinpay: field changed after signing", alForged.Status},
		{"畅想: forged sign", cxForged.Status},
	} {
		res.answers[r.what] = r.status
		t.row(r.what, httpStatus(r.status), dispatched(0))
	}
	res.answers["redelivery in flight"] = inFlight
	if got := w.sink.count() - before; got != 0 {
		return fmt.Errorf("forged or stale callbacks dispatched %d events", got)
	}
	return t.flush()
}
