// Command autopilot shows the complaint workflow merchants automate, offline
// against the fake WeChat Pay and PAYJS servers: a complaint.Poller feeds an
// Autopilot sink that
//
//   - sends a first reply to every new complaint still awaiting one (not to
//     urgent ones, which need a person);
//   - approves refund requests below a configured amount (off unless
//     -refund-below is given);
//   - raises an alert line for complaints nearing or past their deadline
//     (complaint.KindDueSoon and KindOverdue), after re-reading them, so a
//     complaint answered in the meantime raises none.
//
// Every action goes through complaint.Responder and every decision is
// logged (log/slog, without buyer text or contact). Run it with
//
//	go run ./examples/autopilot                      # refunds left to a person
//	go run ./examples/autopilot -refund-below 5000   # approve requests under ¥50.00
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/examples/internal/plainlog"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

func main() {
	var p Policy
	flag.StringVar(&p.FirstReply, "first-reply", "您好，我们已收到您的反馈，客服会在24小时内联系您处理。", "first reply to new complaints (empty: off)")
	flag.Int64Var(&p.RefundBelow, "refund-below", 0, "approve refund requests below this many fen (0: off)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, p); err != nil {
		fmt.Fprintln(os.Stderr, "autopilot:", err)
		os.Exit(1)
	}
}

// seed is one WeChat complaint the demo files.
type seed struct {
	label   string
	age     time.Duration
	refund  int64 // fen requested; 0: not a refund request
	urgent  bool
	created wechatpay.Complaint
}

func run(ctx context.Context, out io.Writer, p Policy) error {
	fmt.Fprintln(out, "tousu autopilot: WeChat Pay and PAYJS complaints, offline")
	if p.RefundBelow > 0 {
		fmt.Fprintf(out, "policy: first reply on; refunds below ¥%d.%02d approved automatically\n", p.RefundBelow/100, p.RefundBelow%100)
	} else {
		fmt.Fprintln(out, "policy: first reply on; automatic refund approval off (-refund-below to turn it on)")
	}
	wx := wechatpaytest.NewServer()
	defer wx.Close()
	pj := payjstest.NewServer()
	defer pj.Close()

	seeds := []*seed{
		{label: "new, service not working", age: time.Hour},
		{label: "new, asks ¥20.00 back", age: 2 * time.Hour, refund: 2000},
		{label: "new, asks ¥300.00 back", age: 3 * time.Hour, refund: 30000},
		{label: "58h old, unanswered", age: 58 * time.Hour},
		{label: "60h old, urgent", age: 60 * time.Hour, urgent: true},
		{label: "80h old, urgent", age: 80 * time.Hour, urgent: true},
	}
	for i, s := range seeds {
		c := wx.SampleComplaint(i)
		c.ComplaintTime = time.Now().Add(-s.age).Truncate(time.Second)
		c.NeedImmediateService = s.urgent
		c.ProblemType, c.ApplyRefundAmount, c.ProblemDescription = wechatpay.ProblemServiceNotWork, 0, ""
		if s.refund > 0 {
			c.ProblemType, c.ApplyRefundAmount = wechatpay.ProblemRefund, s.refund
		}
		s.created = wx.AddComplaint(c)
	}
	pj.AddComplaint(payjstest.Complaint{ComplaintID: "PC20241111001", ComplaintAt: time.Now().Add(-time.Hour),
		OutTradeNo: "SHOP-1001", OrderID: "2019101503054900456615858", TotalFee: 1280, Body: "付款后没有收到卡密"})

	wxc, err := wechatpay.NewClient(wx.Credentials(), wx.ClientOptions()...)
	if err != nil {
		return err
	}
	defer wxc.Close()
	pjc, err := payjs.NewClient(pj.Credentials(), option.WithBaseURL(pj.URL))
	if err != nil {
		return err
	}
	wxa, pja := wxc.Adapter(), pjc.Adapter()

	log := plainlog.New(out, slog.LevelInfo)
	pilot := NewAutopilot(p, log, wxa, pja)
	poller, err := complaint.NewPoller(pilot, []complaint.PollSource{
		{Name: "wechatpay-" + wx.MchID(), Source: wxa},
		{Name: "payjs-" + pj.MchID(), Source: pja},
	}, complaint.WithPollerLogger(log))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\n== one poll; the autopilot's decisions:")
	if err := poller.PollOnce(ctx); err != nil { // a service runs poller.Run(ctx)
		return err
	}

	fmt.Fprintln(out, "\n== WeChat complaints afterwards (state, and the history in the common model):")
	for _, s := range seeds {
		ref := s.created.ToComplaint().Ref()
		c, err := wxa.Get(ctx, ref)
		if err != nil {
			return err
		}
		var kinds []string
		for e, err := range wxa.History(ctx, ref) {
			if err != nil {
				return err
			}
			kinds = append(kinds, string(e.Kind))
		}
		fmt.Fprintf(out, "  %-26s %-10s %s\n", s.label, c.State, strings.Join(kinds, " "))
	}
	return nil
}
