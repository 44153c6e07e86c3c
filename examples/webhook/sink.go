package main

import (
	"context"
	"log/slog"

	"github.com/tousu-go/tousu/complaint"
)

// LogSink logs every event and payment. Events log through their LogValue
// (ids, kind, state, amounts; the buyer's phone and name masked, their text
// left out); payments by ids and amount only. A real backend enqueues here.
type LogSink struct{ Log *slog.Logger }

// HandleEvent implements Sink.
func (s LogSink) HandleEvent(ctx context.Context, account string, e *complaint.Event) error {
	s.Log.LogAttrs(ctx, slog.LevelInfo, "complaint event", slog.String("account", account), slog.Any("event", e))
	return nil
}

// HandlePayment implements Sink.
func (s LogSink) HandlePayment(ctx context.Context, account string, p Payment) error {
	s.Log.LogAttrs(ctx, slog.LevelInfo, "payment notification", slog.String("account", account),
		slog.String("provider", string(p.Provider)), slog.String("order_id", p.OrderID),
		slog.String("out_trade_no", p.OutTradeNo), slog.String("amount", p.Amount))
	return nil
}
