package main

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"log/slog"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

func TestAutopilotRuns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy Policy
		want   []string
		absent []string
	}{{
		name:   "refunds off by default",
		policy: Policy{FirstReply: "您好，已收到。"},
		want: []string{
			"automatic refund approval off",
			`msg="refund: automatic approval off; left to a person" event=created complaint=wechatpay/1900000109/`,
			"new, asks ¥20.00 back      processing created merchant_reply\n",
		},
		absent: []string{"refund: approved", "refund_approved"},
	}, {
		name:   "refunds below ¥50",
		policy: Policy{FirstReply: "您好，已收到。", RefundBelow: 5000},
		want: []string{
			`msg="refund: approved" event=created`, "amount_fen=2000 limit_fen=5000",
			`msg="refund: not below the limit; left to a person"`, "amount_fen=30000",
			"new, asks ¥20.00 back      processing created merchant_reply refund_approved\n",
			"new, asks ¥300.00 back     processing created merchant_reply\n",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), &out, tc.policy); err != nil {
				t.Fatalf("autopilot failed: %v\n%s", err, out.String())
			}
			text := out.String()
			for _, want := range append(tc.want,
				`level=WARN msg="ALERT: complaint due soon and still unanswered" event=due_soon`,
				`level=WARN msg="ALERT: complaint overdue and still unanswered" event=overdue`,
				`msg="deadline: answered since; no alert" event=due_soon`,
				`msg="first reply: the provider takes no replies" event=created complaint=payjs/`,
				"new, service not working   processing created merchant_reply\n",
				"58h old, unanswered        processing created merchant_reply\n",
				"60h old, urgent            pending    created\n",
				"80h old, urgent            pending    created\n",
			) {
				if !strings.Contains(text, want) {
					t.Errorf("output lacks %q:\n%s", want, text)
				}
			}
			for _, bad := range append(tc.absent, "付款后", "contact", "phone") {
				if strings.Contains(text, bad) {
					t.Errorf("output has %q:\n%s", bad, text)
				}
			}
			if n := strings.Count(text, "ALERT"); n != 2 {
				t.Errorf("%d alerts, want 2:\n%s", n, text)
			}
			if n := strings.Count(text, `"first reply: sent"`); n != 4 {
				t.Errorf("%d first replies, want 4:\n%s", n, text)
			}
		})
	}
}

// account is a provider whose calls are recorded and whose Reply fails on
// demand.
type account struct {
	replyErr error
	replies  int
	refunds  int
	state    complaint.State
}

func (*account) Provider() complaint.Provider { return complaint.WeChatPay }
func (*account) List(context.Context, complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return nil
}
func (a *account) Get(_ context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	return &complaint.Complaint{Provider: ref.Provider, ID: ref.ID, State: a.state}, nil
}
func (*account) History(context.Context, complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return nil
}
func (a *account) Reply(context.Context, complaint.Ref, complaint.Reply) error {
	a.replies++
	return a.replyErr
}
func (*account) Complete(context.Context, complaint.Ref, complaint.Completion) error { return nil }
func (a *account) DecideRefund(_ context.Context, _ complaint.Ref, d complaint.RefundDecision) error {
	if d.Approve {
		a.refunds++
	}
	return nil
}

func newEvent(kind complaint.Kind, c complaint.Complaint) *complaint.Event {
	c.Provider, c.ID = complaint.WeChatPay, "200201820200101080076610000"
	return &complaint.Event{ID: "e1", Ref: c.Ref(), Kind: kind, Complaint: &c}
}

func TestAutopilotDecisions(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	refund := complaint.Complaint{State: complaint.StatePending, Problem: complaint.Problem{Type: complaint.ProblemRefund},
		Refund: complaint.Refund{Requested: complaint.CNY(4999)}}

	// A failed reply is returned, so the poller delivers the event again,
	// and nothing else is done.
	acc := &account{replyErr: complaint.ErrRateLimited}
	err := NewAutopilot(Policy{FirstReply: "hi", RefundBelow: 5000}, log, acc).HandleEvent(ctx, newEvent(complaint.KindCreated, refund))
	if !errors.Is(err, complaint.ErrRateLimited) || acc.replies != 1 || acc.refunds != 0 {
		t.Fatalf("failed reply: err %v, %d replies, %d refunds", err, acc.replies, acc.refunds)
	}

	// The zero Policy acts on nothing.
	acc = &account{}
	if err := NewAutopilot(Policy{}, log, acc).HandleEvent(ctx, newEvent(complaint.KindCreated, refund)); err != nil ||
		acc.replies != 0 || acc.refunds != 0 {
		t.Fatalf("zero policy: err %v, %d replies, %d refunds", err, acc.replies, acc.refunds)
	}

	// The limit is exclusive: 4999 < 5000 is approved, 5000 is not.
	for _, tc := range []struct {
		amount  int64
		refunds int
	}{{4999, 1}, {5000, 0}} {
		acc = &account{}
		c := refund
		c.Refund.Requested = complaint.CNY(tc.amount)
		if err := NewAutopilot(Policy{RefundBelow: 5000}, log, acc).HandleEvent(ctx, newEvent(complaint.KindCreated, c)); err != nil ||
			acc.refunds != tc.refunds {
			t.Errorf("request of %d fen: err %v, %d refunds, want %d", tc.amount, err, acc.refunds, tc.refunds)
		}
	}

	// A deadline event alerts only while the complaint is still pending.
	for _, tc := range []struct {
		state complaint.State
		alert bool
	}{{complaint.StatePending, true}, {complaint.StateProcessing, false}} {
		logs.Reset()
		acc = &account{state: tc.state}
		if err := NewAutopilot(Policy{}, log, acc).HandleEvent(ctx, newEvent(complaint.KindOverdue, refund)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "ALERT: complaint overdue"); got != tc.alert {
			t.Errorf("overdue, now %s: alert %v, want %v:\n%s", tc.state, got, tc.alert, logs.String())
		}
	}
}
