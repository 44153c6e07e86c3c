package complaint

import (
	"context"
	"iter"
	"time"
)

// ListOptions selects complaints for Source.List.
type ListOptions struct {
	// Since and Until bound the complaint's creation time as the half-open
	// window [Since, Until): a complaint created exactly at Since is listed, one
	// created exactly at Until is not. Every provider applies the same rule, so
	// a poller that lists [t0, t1) and then [t1, t2) sees each complaint once.
	// Providers with a maximum span (WeChat and Allinpay: 30 days) split longer
	// windows into several requests. A zero Until means now; a zero Since means
	// the provider's default look-back (see each provider's Source).
	Since, Until time.Time
	// PageSize is the page size to ask for; 0 means the provider's default.
	PageSize int
	// MerchantID narrows the list to one sub-merchant for service providers and
	// agents; empty means every merchant the credentials can see.
	MerchantID string
	// Channel narrows a relaying provider (Allinpay) to one channel; empty means
	// every channel the source serves.
	Channel Channel
}

// Window resolves o's window as a Source lists it: a zero Until is now, a
// zero Since is lookBack(until) (the provider's default look-back), and an
// Until before Since is a *ValidationError naming Until.
func (o ListOptions) Window(now time.Time, lookBack func(until time.Time) time.Time) (since, until time.Time, err error) {
	since, until = o.Since, o.Until
	if until.IsZero() {
		until = now
	}
	if since.IsZero() {
		since = lookBack(until)
	}
	if until.Before(since) {
		return time.Time{}, time.Time{}, &ValidationError{Field: "Until", Reason: "is before Since"}
	}
	return since, until, nil
}

// Source reads complaints from one provider. Iterators page for the caller and
// yield a final error, if any, as the second value; stopping the loop early stops
// the paging. A nil context is an error matching ErrInvalidRequest, never a
// panic. The complainttest package checks an implementation against this
// contract.
type Source interface {
	// Provider names the provider behind the source.
	Provider() Provider
	// List yields the complaints created in the window [Since, Until).
	List(ctx context.Context, opts ListOptions) iter.Seq2[*Complaint, error]
	// Get returns one complaint; its Ref equals ref in every field the provider
	// reports. ErrNotFound if it does not exist, errors.ErrUnsupported if the
	// provider has no detail call.
	Get(ctx context.Context, ref Ref) (*Complaint, error)
	// History yields the negotiation history, oldest first where the provider
	// says. ErrNotFound for an unknown complaint, errors.ErrUnsupported if the
	// provider has none.
	History(ctx context.Context, ref Ref) iter.Seq2[*Entry, error]
}

// Reply is a merchant's answer to the buyer.
type Reply struct {
	// Content is the text; providers limit its length (WeChat: 200 characters, no
	// 4-byte characters).
	Content string
	// MediaIDs are images uploaded beforehand through the provider's upload call.
	MediaIDs []string
}

// Completion reports a complaint handled. WeChat takes nothing but the
// reference; Alipay (through Allinpay) asks for a process code, a remark and
// evidence images.
type Completion struct {
	// Code is the provider's process code where it asks for one (Alipay
	// process_code such as "REFUND" or "CONSENSUS_WITH_CLIENT"), sent verbatim.
	Code string
	// Remark is the merchant's note on how the complaint was handled.
	Remark string
	// Media are evidence images uploaded beforehand: ID is the provider's key
	// for the upload (Alipay img_url_key), URL its address (img_url).
	Media []Media
}

// RefundDecision answers a buyer's refund request.
type RefundDecision struct {
	Approve bool
	// RefundInDays is, with Approve, in how many working days the refund starts
	// (0 = today).
	RefundInDays int
	// Reason is, without Approve, why the request is rejected.
	Reason string
	// MediaIDs are evidence images for a rejection.
	MediaIDs []string
	// Remark is a note for the platform's support staff.
	Remark string
}

// Responder acts on complaints. A provider that lacks one of the actions returns
// an error matching errors.ErrUnsupported for it; an unknown complaint is
// ErrNotFound.
type Responder interface {
	Provider() Provider
	// Reply answers the buyer.
	Reply(ctx context.Context, ref Ref, r Reply) error
	// Complete reports the complaint handled.
	Complete(ctx context.Context, ref Ref, c Completion) error
	// DecideRefund approves or rejects a refund request.
	DecideRefund(ctx context.Context, ref Ref, d RefundDecision) error
}

// Throttled is implemented by a Source whose provider documents a polling limit
// (PAYJS: about once every 4 hours). A poller never lists such a source more often
// than MinPollInterval.
type Throttled interface {
	MinPollInterval() time.Duration
}
