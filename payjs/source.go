package payjs

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// DefaultPollInterval is PAYJS's documented complaint poll interval: "建议每4个小时
// 请求一次" (about once every 4 hours).
const DefaultPollInterval = 4 * time.Hour

// Adapter makes a Client a complaint.Source, complaint.Responder and
// complaint.Throttled, for a poller or any code written against the common
// model. Build it with Client.Adapter. It is safe for concurrent use.
//
// # Listing
//
// PAYJS has one read-only complaint call that takes no window and no paging,
// so List calls Client.Complaints once and filters the answer by complaint_at
// over the half-open window [Since, Until): a complaint created exactly at
// Since is listed, one created exactly at Until is not. A zero Until means the
// moment List was called (by the client's clock); a zero Since means no lower
// bound, that is every complaint PAYJS answers with (PAYJS decides how far it
// looks back). An Until before Since is a *complaint.ValidationError.
// PageSize is ignored. MerchantID must be empty or the client's own, and
// Channel empty: PAYJS lists one merchant's complaints of one channel.
//
// A record whose complaint_at is missing or in a format this package does not
// read has no time to place in a window. List yields it in every window, with
// a zero CreatedAt, rather than dropping it: PAYJS warns that its fields may
// change, and a changed time format must not hide complaints. A poller that
// lists adjacent windows then sees such a record once per window (its ID stays
// the same, see ComplaintRecord.ID), and the client's logger gets a Warn line
// with their number (never their content).
//
// PAYJS limits the call to about once every four hours, so the Adapter keeps
// a client-side guard (DefaultPollInterval unless WithPollInterval): within the
// interval after a call that reached PAYJS, or while another List is calling,
// List yields an error matching complaint.ErrRateLimited without any I/O.
// "Reached PAYJS" means the request was written to PAYJS's connection, or an
// answer came back: PAYJS may count a call it received even if the caller
// stopped waiting for the answer. A List whose context was cancelled or
// expired before that (including one cancelled before List started) yields an
// error matching the context's error and does not count; one cancelled after
// PAYJS received the request counts, as PAYJS counts it. The guard is per
// Adapter: share one Adapter per merchant.
//
// # Acting on complaints
//
// PAYJS has no complaint detail, history, reply or completion: Get, History,
// Reply and Complete return errors matching errors.ErrUnsupported. It can only
// refund the whole complained order: DecideRefund with Approve refunds
// ref.OrderID (the complaint's order_id, which Complaint.Ref carries), so a
// reference stored anywhere, even by another process, is enough to act on.
type Adapter struct {
	c        *Client
	interval time.Duration

	mu      sync.Mutex
	last    time.Time // start of the last call that reached PAYJS
	calling bool
}

// AdapterOption configures Client.Adapter.
type AdapterOption func(*Adapter)

// WithPollInterval sets the minimum time between two complaint calls that
// reached PAYJS (DefaultPollInterval by default). 0 or less turns the
// client-side guard off entirely, concurrent calls included; PAYJS's own limit
// still applies and then answers an *APIError matching
// complaint.ErrRateLimited.
func WithPollInterval(d time.Duration) AdapterOption {
	return func(a *Adapter) { a.interval = max(d, 0) }
}

// Adapter returns c as a complaint Source and Responder.
func (c *Client) Adapter(opts ...AdapterOption) *Adapter {
	a := &Adapter{c: c, interval: DefaultPollInterval}
	for _, o := range opts {
		if o != nil {
			o(a)
		}
	}
	return a
}

// Provider is complaint.PAYJS.
func (a *Adapter) Provider() complaint.Provider { return complaint.PAYJS }

// MinPollInterval is the configured poll interval (0 when the guard is off).
func (a *Adapter) MinPollInterval() time.Duration { return a.interval }

// reserve claims the right to call PAYJS now, the time being start.
func (a *Adapter) reserve(start time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.calling {
		return fmt.Errorf("payjs: a complaint call is in progress: %w", complaint.ErrRateLimited)
	}
	if !a.last.IsZero() {
		if wait := a.last.Add(a.interval).Sub(start); wait > 0 {
			return fmt.Errorf("payjs: complaint polled %s ago, next call allowed in %s: %w",
				start.Sub(a.last).Round(time.Second), wait.Round(time.Second), complaint.ErrRateLimited)
		}
	}
	a.calling = true
	return nil
}

// release ends a reserved call; reached says whether it counts.
func (a *Adapter) release(start time.Time, reached bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calling = false
	if reached {
		a.last = start
	}
}

// List yields the merchant's complaints created in [opts.Since, opts.Until);
// see Adapter for the window's defaults, records without a time and the poll
// guard.
func (a *Adapter) List(ctx context.Context, opts complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		if err := a.checkList(ctx, opts); err != nil {
			yield(nil, err)
			return
		}
		recs, start, err := a.fetch(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		since, until := opts.Since, opts.Until
		if until.IsZero() {
			until = start
		}
		timeless := 0
		for i := range recs {
			r := &recs[i]
			if r.ComplaintAt.IsZero() {
				timeless++
			} else if r.ComplaintAt.Before(since) || !r.ComplaintAt.Before(until) {
				continue
			}
			if !yield(r.ToComplaint(a.c.mchid), nil) {
				break
			}
		}
		if timeless > 0 {
			a.c.log.LogAttrs(ctx, slog.LevelWarn, "payjs: complaint records without a readable complaint_at listed in every window",
				slog.Int("records", timeless))
		}
	}
}

// checkList validates List's arguments before anything is reserved or sent.
func (a *Adapter) checkList(ctx context.Context, opts complaint.ListOptions) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if !opts.Until.IsZero() && opts.Until.Before(opts.Since) {
		return &complaint.ValidationError{Field: "Until", Reason: "is before Since"}
	}
	return a.checkScope(opts.MerchantID, opts.Channel)
}

// checkScope rejects a merchant other than the client's own and any relayed
// channel: a PAYJS client serves one merchant's complaints of one channel.
// Reasons never echo values.
func (a *Adapter) checkScope(merchantID string, ch complaint.Channel) error {
	if merchantID != "" && merchantID != a.c.mchid {
		return &complaint.ValidationError{Field: "MerchantID", Reason: "is not the client's merchant"}
	}
	if ch != complaint.ChannelDefault {
		return &complaint.ValidationError{Field: "Channel", Reason: "PAYJS has a single channel"}
	}
	return nil
}

// fetch makes the complaint call under the poll guard and returns the records
// and the time the call started.
func (a *Adapter) fetch(ctx context.Context) ([]ComplaintRecord, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("payjs: complaint: %w", err)
	}
	start := a.c.now()
	if a.interval <= 0 {
		resp, err := a.c.Complaints(ctx, nil)
		if err != nil {
			return nil, start, err
		}
		return resp.Complaints, start, nil
	}
	if err := a.reserve(start); err != nil {
		return nil, start, err
	}
	var wrote atomic.Bool
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	resp, err := a.c.Complaints(traced, nil)
	a.release(start, wrote.Load() || answered(err))
	if err != nil {
		return nil, start, err
	}
	return resp.Complaints, start, nil
}

// answered reports whether err (nil included) means that PAYJS answered, for
// transports that report no write (httpmock).
func answered(err error) bool {
	var apiErr *APIError
	return err == nil || errors.As(err, &apiErr) || errors.Is(err, ErrUnsigned) ||
		errors.Is(err, complaint.ErrSignatureInvalid) || errors.Is(err, ErrMalformed)
}

// checkRef rejects a reference this client cannot act on: another provider's,
// or one outside the client's scope (checkScope).
func (a *Adapter) checkRef(ref complaint.Ref) error {
	if ref.Provider != "" && ref.Provider != complaint.PAYJS {
		return &complaint.ValidationError{Field: "Provider", Reason: "is not payjs"}
	}
	return a.checkScope(ref.MerchantID, ref.Channel)
}

// unsupported checks the arguments, then reports that PAYJS lacks what.
func (a *Adapter) unsupported(ctx context.Context, ref complaint.Ref, what string) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if err := a.checkRef(ref); err != nil {
		return err
	}
	return fmt.Errorf("payjs: %s: %w", what, complaint.ErrUnsupported)
}

// Get returns errors.ErrUnsupported: PAYJS has no complaint detail call.
func (a *Adapter) Get(ctx context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	return nil, a.unsupported(ctx, ref, "complaint detail")
}

// History yields one error matching errors.ErrUnsupported: PAYJS has no
// complaint history.
func (a *Adapter) History(ctx context.Context, ref complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) {
		yield(nil, a.unsupported(ctx, ref, "complaint history"))
	}
}

// Reply returns errors.ErrUnsupported: PAYJS cannot answer buyers.
func (a *Adapter) Reply(ctx context.Context, ref complaint.Ref, _ complaint.Reply) error {
	return a.unsupported(ctx, ref, "reply")
}

// Complete returns errors.ErrUnsupported: PAYJS has no complaint state.
func (a *Adapter) Complete(ctx context.Context, ref complaint.Ref, _ complaint.Completion) error {
	return a.unsupported(ctx, ref, "complete")
}

// DecideRefund with Approve refunds the whole order ref.OrderID through
// Client.Refund (RefundInDays, Remark and MediaIDs are ignored: PAYJS takes
// none); a repeat refund counts as success, and an order PAYJS does not know
// is an error matching complaint.ErrNotFound. An empty OrderID is a
// *complaint.ValidationError for the field OrderID: PAYJS refunds by order,
// and a complaint id alone does not name one. A rejection returns
// errors.ErrUnsupported: PAYJS has nothing to reject.
func (a *Adapter) DecideRefund(ctx context.Context, ref complaint.Ref, d complaint.RefundDecision) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if err := a.checkRef(ref); err != nil {
		return err
	}
	if !d.Approve {
		return fmt.Errorf("payjs: refund rejection: %w", complaint.ErrUnsupported)
	}
	if ref.OrderID == "" {
		return &complaint.ValidationError{Field: "OrderID", Reason: "is empty; PAYJS refunds the complained order (the complaint's order_id)"}
	}
	_, err := a.c.Refund(ctx, &RefundRequest{PayJSOrderID: ref.OrderID})
	return err
}

var (
	_ complaint.Source    = (*Adapter)(nil)
	_ complaint.Responder = (*Adapter)(nil)
	_ complaint.Throttled = (*Adapter)(nil)
)
