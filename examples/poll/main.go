// Command poll shows complaint.Poller watching PAYJS (which never pushes
// complaints) and WeChat Pay (where polling is the safety net for missed
// callbacks) into one sink, with its state persisted to a JSON file
// (FileState). It runs offline against the fake servers and plays two
// processes one after the other on the same state file, to show what a
// restart does: nothing is emitted twice, only what changed in between,
// and PAYJS, limited to one call every 4 hours, is not called again.
//
//	go run ./examples/poll
//
// A service calls Poller.Run(ctx) instead of PollOnce: it keeps each source
// on its interval until ctx is done.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
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
	dir, err := os.MkdirTemp("", "tousu-poll-")
	if err == nil {
		err = run(context.Background(), os.Stdout, filepath.Join(dir, "poller-state.json"))
		_ = os.RemoveAll(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "poll:", err)
		os.Exit(1)
	}
}

// providers are the fake PAYJS and WeChat Pay, which outlive the two
// "processes" as the real ones would.
type providers struct {
	wx *wechatpaytest.Server
	pj *payjstest.Server
}

func run(ctx context.Context, out io.Writer, statePath string) error {
	fmt.Fprintln(out, "tousu poll: PAYJS and WeChat Pay polled offline into one sink; state in", filepath.Base(statePath))
	p := providers{wx: wechatpaytest.NewServer(), pj: payjstest.NewServer()}
	defer p.wx.Close()
	defer p.pj.Close()
	wxSeeded := p.wx.Seed(3)
	for i, body := range []string{"付款后没有收到卡密", "重复扣款"} {
		p.pj.AddComplaint(payjstest.Complaint{ComplaintID: fmt.Sprintf("PC2024111100%d", i+1),
			ComplaintAt: time.Now().Add(-time.Duration(i+1) * time.Hour), OutTradeNo: fmt.Sprintf("SHOP-%d", 1001+i),
			OrderID: fmt.Sprintf("201910150305490045661585%d", i), TotalFee: 1280, Body: body})
	}

	first, err := process(ctx, out, "process 1 (empty state)", statePath, p)
	if err != nil {
		return err
	}

	// While nobody polls: the buyer writes on one WeChat complaint, and a
	// new PAYJS complaint comes in.
	p.wx.UserResponds(wxSeeded[1].ComplaintID, "还没有收到退款")
	p.pj.AddComplaint(payjstest.Complaint{ComplaintID: "PC20241111009", ComplaintAt: time.Now(),
		OutTradeNo: "SHOP-1009", OrderID: "2019101503054900456615859", TotalFee: 990, Body: "商品与描述不符"})
	fmt.Fprintln(out, "\nmeanwhile: the buyer wrote on one WeChat complaint; a new PAYJS complaint arrived")

	second, err := process(ctx, out, "process 2 (restarted on the same state file)", statePath, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nevents: %d in process 1, %d in process 2; PAYJS complaint calls: %d (its 4-hour limit held across the restart)\n",
		first, second, p.pj.Calls("complaint"))
	return nil
}

// process is one run of a poller service: fresh clients, the state loaded
// from the file, one poll of every source that is due.
func process(ctx context.Context, out io.Writer, title, statePath string, p providers) (int, error) {
	fmt.Fprintf(out, "\n== %s\n", title)
	state, err := OpenFileState(ctx, statePath)
	if err != nil {
		return 0, err
	}
	wx, err := wechatpay.NewClient(p.wx.Credentials(), p.wx.ClientOptions()...)
	if err != nil {
		return 0, err
	}
	defer wx.Close()
	pj, err := payjs.NewClient(p.pj.Credentials(), option.WithBaseURL(p.pj.URL))
	if err != nil {
		return 0, err
	}
	events := 0
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		events++
		state := "(provider reports no state)"
		if e.Complaint != nil && e.Complaint.State != complaint.StateUnknown {
			state = string(e.Complaint.State)
		}
		fmt.Fprintf(out, "  sink: %-8s %-9s %-28s %s\n", e.Kind, e.Ref.Provider, e.Ref.ID, state)
		return nil
	})
	// Source names key the state: stable across restarts, one per account.
	poller, err := complaint.NewPoller(sink, []complaint.PollSource{
		{Name: "payjs-" + p.pj.MchID(), Source: pj.Adapter()},
		{Name: "wechatpay-" + p.wx.MchID(), Source: wx.Adapter()},
	}, complaint.WithPollState(state), complaint.WithPollerLogger(plainlog.New(out, slog.LevelDebug)))
	if err != nil {
		return 0, err
	}
	return events, poller.PollOnce(ctx)
}
