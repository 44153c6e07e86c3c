package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tousu-go/tousu/complaint"
)

// Policy is what the autopilot may do on its own. The zero Policy does
// nothing but log and alert.
type Policy struct {
	// FirstReply is sent to every new complaint that has no merchant
	// response yet; empty turns automatic replies off. Urgent complaints
	// (WeChat need_immediate_service) never get it: they need a person.
	FirstReply string
	// RefundBelow approves refund requests of less than this many fen on
	// its own; 0 (the default) approves none.
	RefundBelow int64
}

// Provider is one provider account the autopilot acts for: Source to
// re-read a complaint before alerting, Responder to act. A provider
// package's Adapter is both.
type Provider interface {
	complaint.Source
	complaint.Responder
}

// Autopilot is a complaint.Sink that answers what a merchant answers the
// same way every time, and alerts a person about the rest. Every decision
// is logged; every action goes through complaint.Responder. It plugs into a
// complaint.Poller (deadline alerts come only from there) and into
// complaint.NewHandler alike.
//
// It keeps one account per provider; a backend with several accounts of one
// provider keeps one Autopilot per account (or picks by Ref.MerchantID).
type Autopilot struct {
	policy    Policy
	log       *slog.Logger
	providers map[complaint.Provider]Provider
}

// NewAutopilot returns an autopilot acting for the given accounts.
func NewAutopilot(p Policy, log *slog.Logger, accounts ...Provider) *Autopilot {
	a := &Autopilot{policy: p, log: log, providers: map[complaint.Provider]Provider{}}
	for _, acc := range accounts {
		a.providers[acc.Provider()] = acc
	}
	return a
}

// HandleEvent implements complaint.Sink. An error (a reply that failed, so
// nothing was done) makes the poller deliver the event again.
func (a *Autopilot) HandleEvent(ctx context.Context, e *complaint.Event) error {
	p, ok := a.providers[e.Ref.Provider]
	if !ok {
		a.decide(ctx, slog.LevelWarn, "no account for this provider; nothing done", e)
		return nil
	}
	switch e.Kind {
	case complaint.KindCreated:
		if e.Complaint == nil {
			a.decide(ctx, slog.LevelWarn, "new complaint without its content; left to a person", e)
			return nil
		}
		if err := a.reply(ctx, p, e); err != nil {
			return err
		}
		a.refund(ctx, p, e)
	case complaint.KindDueSoon, complaint.KindOverdue:
		a.alert(ctx, p, e)
	default:
		a.decide(ctx, slog.LevelDebug, "no rule for this event", e)
	}
	return nil
}

// reply sends the first reply when the policy and the complaint allow it.
func (a *Autopilot) reply(ctx context.Context, p Provider, e *complaint.Event) error {
	c := e.Complaint
	switch {
	case a.policy.FirstReply == "":
		a.decide(ctx, slog.LevelInfo, "first reply: off", e)
		return nil
	case c.State != complaint.StatePending && c.State != complaint.StateUnknown:
		a.decide(ctx, slog.LevelInfo, "first reply: not needed, complaint is "+string(c.State), e)
		return nil
	case c.Urgent:
		a.decide(ctx, slog.LevelInfo, "first reply: skipped, urgent complaints need a person", e)
		return nil
	}
	err := p.Reply(ctx, e.Ref, complaint.Reply{Content: a.policy.FirstReply})
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		a.decide(ctx, slog.LevelInfo, "first reply: the provider takes no replies", e)
		return nil
	case err != nil:
		a.decide(ctx, slog.LevelError, "first reply failed; the poller will deliver the event again", e,
			slog.String("error", err.Error()))
		return fmt.Errorf("first reply to %s: %w", e.Ref, err)
	}
	a.decide(ctx, slog.LevelInfo, "first reply: sent", e)
	return nil
}

// refund approves a small refund request when the policy allows it.
func (a *Autopilot) refund(ctx context.Context, p Provider, e *complaint.Event) {
	c := e.Complaint
	amount := c.Refund.Requested.Amount
	if amount == 0 {
		amount = c.Amount.Amount
	}
	money := slog.Int64("amount_fen", amount)
	switch {
	case c.Problem.Type != complaint.ProblemRefund:
		a.decide(ctx, slog.LevelDebug, "refund: none requested", e)
		return
	case a.policy.RefundBelow <= 0:
		a.decide(ctx, slog.LevelInfo, "refund: automatic approval off; left to a person", e, money)
		return
	case amount <= 0 || amount >= a.policy.RefundBelow:
		a.decide(ctx, slog.LevelInfo, "refund: not below the limit; left to a person", e, money,
			slog.Int64("limit_fen", a.policy.RefundBelow))
		return
	}
	err := p.DecideRefund(ctx, e.Ref, complaint.RefundDecision{Approve: true, Remark: "approved automatically: small amount"})
	if err != nil {
		// The reply may have gone out: redelivering would send it twice, so
		// a person takes over instead.
		a.decide(ctx, slog.LevelError, "refund: approval failed; left to a person", e, money,
			slog.String("error", err.Error()))
		return
	}
	a.decide(ctx, slog.LevelInfo, "refund: approved", e, money, slog.Int64("limit_fen", a.policy.RefundBelow))
}

// alert raises a deadline alert unless the complaint was answered since the
// poller read it.
func (a *Autopilot) alert(ctx context.Context, p Provider, e *complaint.Event) {
	var due []slog.Attr
	if e.Complaint != nil {
		due = append(due, slog.Time("due_at", e.Complaint.DueAt), slog.Bool("due_estimated", e.Complaint.DueEstimated))
	}
	now, err := p.Get(ctx, e.Ref)
	if err == nil && now.State != complaint.StatePending {
		a.decide(ctx, slog.LevelInfo, "deadline: answered since; no alert", e, due...)
		return
	}
	if err != nil && !errors.Is(err, errors.ErrUnsupported) {
		due = append(due, slog.String("reread_error", err.Error()))
	}
	msg := "ALERT: complaint due soon and still unanswered"
	if e.Kind == complaint.KindOverdue {
		msg = "ALERT: complaint overdue and still unanswered"
	}
	a.decide(ctx, slog.LevelWarn, msg, e, due...)
}

// decide logs one decision about e: its reference and kind, never the
// buyer's text or contact.
func (a *Autopilot) decide(ctx context.Context, level slog.Level, msg string, e *complaint.Event, attrs ...slog.Attr) {
	a.log.LogAttrs(ctx, level, msg, append([]slog.Attr{slog.String("event", string(e.Kind)),
		slog.String("complaint", e.Ref.String())}, attrs...)...)
}
