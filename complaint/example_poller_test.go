package complaint_test

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// listSource is a provider held in memory; a provider package's Adapter
// (wechatpay, payjs, ...) stands here in real code.
type listSource struct {
	complaints map[string]*complaint.Complaint
}

func (s *listSource) Provider() complaint.Provider { return complaint.WeChatPay }

func (s *listSource) List(_ context.Context, o complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		for _, id := range []string{"200001", "200002"} {
			c := *s.complaints[id]
			if !c.CreatedAt.Before(o.Since) && c.CreatedAt.Before(o.Until) && !yield(&c, nil) {
				return
			}
		}
	}
}

func (s *listSource) Get(_ context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	c := *s.complaints[ref.ID]
	return &c, nil
}

func (s *listSource) History(context.Context, complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) { yield(nil, complaint.ErrUnsupported) }
}

func ExamplePoller() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	src := &listSource{complaints: map[string]*complaint.Complaint{
		"200001": {Provider: complaint.WeChatPay, ID: "200001", State: complaint.StatePending, CreatedAt: now.Add(-50 * time.Hour)},
		"200002": {Provider: complaint.WeChatPay, ID: "200002", State: complaint.StateResolved, CreatedAt: now.Add(-2 * time.Hour)},
	}}
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		fmt.Printf("%-8s %s %-10s due %s\n", e.Kind, e.Ref.ID, e.Complaint.State, e.Complaint.DueAt.Format(time.DateTime))
		return nil
	})
	// Production code shares a persistent PollState between the poller
	// and the callback handler (complaint.WithSharedPollState), and calls
	// p.Run(ctx) instead of PollOnce.
	state := complaint.NewMemoryPollState()
	p, err := complaint.NewPoller(sink, []complaint.PollSource{{Name: "wechatpay-1900000109", Source: src}},
		complaint.WithPollState(state), complaint.WithPollerClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	fmt.Println("first poll:")
	_ = p.PollOnce(ctx)

	now = now.Add(10 * time.Minute) // nothing changed
	fmt.Println("second poll:")
	_ = p.PollOnce(ctx)

	now = now.Add(24 * time.Hour) // the window has moved on; 200001 is re-read
	fmt.Println("a day later:")
	_ = p.PollOnce(ctx)

	src.complaints["200001"].State = complaint.StateProcessing
	now = now.Add(10 * time.Minute)
	fmt.Println("after the reply:")
	_ = p.PollOnce(ctx)
	// Output:
	// first poll:
	// created  200001 pending    due 2026-03-03 07:00:00
	// due_soon 200001 pending    due 2026-03-03 07:00:00
	// created  200002 resolved   due 2026-03-05 07:00:00
	// second poll:
	// a day later:
	// overdue  200001 pending    due 2026-03-03 07:00:00
	// after the reply:
	// updated  200001 processing due 2026-03-03 07:00:00
}
