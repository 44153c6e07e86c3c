package payjs

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// DefaultPollInterval is PAYJS's documented complaint poll interval: "建议每4个小时
// 请求一次" (about once every 4 hours).
const DefaultPollInterval = 4 * time.Hour

// ToComplaint converts a record to the common model, losslessly: the record
// itself is Raw. mchid is the merchant the client lists for.
//
// ID is complaint_id; older answers have none, and then ID is derived as
// order_id + "@" + complaint_at (the text as sent), which is stable across polls
// as long as PAYJS repeats the same record (see DerivedID). State is
// StateUnknown: PAYJS reports no complaint state. Amount and the single Order
// carry total_fee in fen; CreatedAt is complaint_at in Beijing time.
func (r *ComplaintRecord) ToComplaint(mchid string) *complaint.Complaint {
	amount := complaint.CNY(r.TotalFee)
	return &complaint.Complaint{
		Provider:   complaint.PAYJS,
		ID:         r.ID(),
		MerchantID: mchid,
		State:      complaint.StateUnknown,
		Content:    r.Body,
		Orders:     []complaint.Order{{OutTradeNo: r.OutTradeNo, ProviderOrderID: r.OrderID, Amount: amount}},
		Amount:     amount,
		CreatedAt:  r.ComplaintAt,
		Raw:        r,
	}
}

// ID is the record's dedupe id: complaint_id when present, otherwise DerivedID.
func (r *ComplaintRecord) ID() string {
	if r.ComplaintID != "" {
		return r.ComplaintID
	}
	return r.DerivedID()
}

// DerivedID is order_id + "@" + complaint_at as sent ("2019101503054900456615858@
// 2024-11-11 10:00:00"); when order_id is empty, out_trade_no stands in for it
// with an "out:" prefix.
func (r *ComplaintRecord) DerivedID() string {
	order := r.OrderID
	if order == "" {
		order = "out:" + r.OutTradeNo
	}
	return order + "@" + r.ComplaintAtText
}

// orderFromID recovers the order id of a derived id.
func orderFromID(id string) (string, bool) {
	i := strings.LastIndexByte(id, '@')
	if i <= 0 || strings.HasPrefix(id, "out:") {
		return "", false
	}
	return id[:i], true
}

// Source adapts a Client to complaint.Source, complaint.Throttled and
// complaint.Responder.
//
// List calls Complaints and filters by ListOptions.Since/Until locally (PAYJS
// takes no window). It refuses to call PAYJS again within the poll interval
// (DefaultPollInterval unless WithPollInterval), yielding an error matching
// complaint.ErrRateLimited without any I/O. Get and History return
// errors.ErrUnsupported: PAYJS has neither.
//
// As a Responder, PAYJS allows only a whole-order refund: DecideRefund with
// Approve refunds the complained order through Client.Refund; a rejection,
// Reply and Complete return errors.ErrUnsupported. The order is found from the
// last List (complaint_id to order_id) or from a derived id; RefundComplaint
// takes a complaint directly.
type Source struct {
	c        *Client
	interval time.Duration

	mu      sync.Mutex
	last    time.Time // start of the last call that reached PAYJS
	calling bool
	orders  map[string]string // complaint id -> payjs_order_id, from the last List
}

// SourceOption configures NewSource.
type SourceOption func(*Source)

// WithPollInterval sets the minimum time between two complaint calls. 0 or less
// turns the client-side refusal off (PAYJS's own limit still applies).
func WithPollInterval(d time.Duration) SourceOption {
	return func(s *Source) { s.interval = max(d, 0) }
}

// NewSource returns the adapter for c.
func NewSource(c *Client, opts ...SourceOption) *Source {
	s := &Source{c: c, interval: DefaultPollInterval, orders: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Provider is complaint.PAYJS.
func (s *Source) Provider() complaint.Provider { return complaint.PAYJS }

// MinPollInterval is the configured poll interval (0 when turned off).
func (s *Source) MinPollInterval() time.Duration { return s.interval }

// reserve claims the right to call PAYJS now.
func (s *Source) reserve() (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.c.now()
	if s.calling {
		return time.Time{}, fmt.Errorf("payjs: a complaint call is in progress: %w", complaint.ErrRateLimited)
	}
	if s.interval > 0 && !s.last.IsZero() {
		if wait := s.last.Add(s.interval).Sub(now); wait > 0 {
			return time.Time{}, fmt.Errorf("payjs: complaint polled %s ago, next call allowed in %s: %w",
				now.Sub(s.last).Round(time.Second), wait.Round(time.Second), complaint.ErrRateLimited)
		}
	}
	s.calling = true
	return now, nil
}

// release ends a call; reached says whether PAYJS answered (then the call
// counts against the interval).
func (s *Source) release(start time.Time, reached bool, recs []ComplaintRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calling = false
	if reached {
		s.last = start
	}
	if recs == nil {
		return
	}
	// Only the last list is kept, so the map stays as small as PAYJS's answer.
	s.orders = make(map[string]string, len(recs))
	for i := range recs {
		if recs[i].OrderID != "" {
			s.orders[recs[i].ID()] = recs[i].OrderID
		}
	}
}

// List yields the merchant's complaints within opts.Since/Until (by
// complaint_at; records without a readable time are always yielded). PageSize
// is ignored; MerchantID must be empty or the client's mchid.
func (s *Source) List(ctx context.Context, opts complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		if opts.MerchantID != "" && opts.MerchantID != s.c.mchid {
			yield(nil, &complaint.ValidationError{Field: "MerchantID", Reason: "PAYJS lists only the client's own merchant"})
			return
		}
		start, err := s.reserve()
		if err != nil {
			yield(nil, err)
			return
		}
		resp, err := s.c.Complaints(ctx, nil)
		var apiErr *APIError
		reached := err == nil || errors.As(err, &apiErr) || errors.Is(err, ErrUnsigned) ||
			errors.Is(err, complaint.ErrSignatureInvalid) || errors.Is(err, ErrMalformed)
		var recs []ComplaintRecord
		if resp != nil {
			recs = resp.Complaints
			if recs == nil {
				recs = []ComplaintRecord{}
			}
		}
		s.release(start, reached, recs)
		if err != nil {
			yield(nil, err)
			return
		}
		for i := range recs {
			r := &recs[i]
			if !r.ComplaintAt.IsZero() {
				if !opts.Since.IsZero() && r.ComplaintAt.Before(opts.Since) {
					continue
				}
				if !opts.Until.IsZero() && !r.ComplaintAt.Before(opts.Until) {
					continue
				}
			}
			if !yield(r.ToComplaint(s.c.mchid), nil) {
				return
			}
		}
	}
}

// Get returns errors.ErrUnsupported: PAYJS has no complaint detail call.
func (s *Source) Get(context.Context, string) (*complaint.Complaint, error) {
	return nil, fmt.Errorf("payjs: complaint detail: %w", complaint.ErrUnsupported)
}

// History yields one errors.ErrUnsupported: PAYJS has no complaint history.
func (s *Source) History(context.Context, string) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) {
		yield(nil, fmt.Errorf("payjs: complaint history: %w", complaint.ErrUnsupported))
	}
}

// Reply returns errors.ErrUnsupported: PAYJS cannot answer buyers.
func (s *Source) Reply(context.Context, string, complaint.Reply) error {
	return fmt.Errorf("payjs: reply: %w", complaint.ErrUnsupported)
}

// Complete returns errors.ErrUnsupported: PAYJS has no complaint state.
func (s *Source) Complete(context.Context, string, string) error {
	return fmt.Errorf("payjs: complete: %w", complaint.ErrUnsupported)
}

// DecideRefund with Approve refunds the whole complained order (RefundInDays,
// Remark and MediaIDs are ignored: PAYJS takes none). A repeat refund counts as
// success. A rejection returns errors.ErrUnsupported: PAYJS has nothing to
// reject. A complaint id not seen by this Source's List (and not derived) is
// complaint.ErrNotFound; use RefundComplaint or Client.Refund then.
func (s *Source) DecideRefund(ctx context.Context, complaintID string, d complaint.RefundDecision) error {
	if !d.Approve {
		return fmt.Errorf("payjs: refund rejection: %w", complaint.ErrUnsupported)
	}
	s.mu.Lock()
	order, ok := s.orders[complaintID]
	s.mu.Unlock()
	if !ok {
		order, ok = orderFromID(complaintID)
	}
	if !ok {
		return fmt.Errorf("payjs: complaint %q not listed by this source: %w", httpc.ProviderText(complaintID), complaint.ErrNotFound)
	}
	_, err := s.c.Refund(ctx, &RefundRequest{PayJSOrderID: order})
	return err
}

// RefundComplaint refunds the whole order of a PAYJS complaint as listed.
func (s *Source) RefundComplaint(ctx context.Context, c *complaint.Complaint) (*RefundResponse, error) {
	if c == nil || c.Provider != complaint.PAYJS || len(c.Orders) == 0 || c.Orders[0].ProviderOrderID == "" {
		return nil, &complaint.ValidationError{Field: "complaint", Reason: "not a PAYJS complaint with an order id"}
	}
	return s.c.Refund(ctx, &RefundRequest{PayJSOrderID: c.Orders[0].ProviderOrderID})
}

var (
	_ complaint.Source    = (*Source)(nil)
	_ complaint.Responder = (*Source)(nil)
	_ complaint.Throttled = (*Source)(nil)
)
