package complaint

import (
	"context"
	"iter"
	"time"
)

// ListOptions selects complaints for Source.List.
type ListOptions struct {
	// Since and Until bound the complaint time. Providers with a maximum span
	// (WeChat and Allinpay: 30 days) split longer ranges into several requests.
	// Zero values mean the provider's default window.
	Since, Until time.Time
	// PageSize is the page size to ask for; 0 means the provider's default.
	PageSize int
	// MerchantID narrows the list to one sub-merchant for service providers and
	// agents; empty means every merchant the credentials can see.
	MerchantID string
}

// Source reads complaints from one provider. Iterators page for the caller and
// yield a final error, if any, as the second value; stopping the loop early stops
// the paging.
type Source interface {
	// Provider names the provider behind the source.
	Provider() Provider
	// List yields the complaints in the window.
	List(ctx context.Context, opts ListOptions) iter.Seq2[*Complaint, error]
	// Get returns one complaint. ErrNotFound if it does not exist, ErrUnsupported
	// if the provider has no detail call.
	Get(ctx context.Context, id string) (*Complaint, error)
	// History yields the negotiation history, oldest first where the provider
	// says. ErrUnsupported if the provider has none.
	History(ctx context.Context, id string) iter.Seq2[*Entry, error]
}

// Reply is a merchant's answer to the buyer.
type Reply struct {
	// Content is the text; providers limit its length (WeChat: 200 characters, no
	// 4-byte characters).
	Content string
	// MediaIDs are images uploaded beforehand through the provider's upload call.
	MediaIDs []string
	// MerchantID is the sub-merchant the complaint is against, for service
	// providers; empty uses the client's own merchant id.
	MerchantID string
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
// an error matching ErrUnsupported for it.
type Responder interface {
	Provider() Provider
	// Reply answers the buyer.
	Reply(ctx context.Context, complaintID string, r Reply) error
	// Complete reports the complaint handled.
	Complete(ctx context.Context, complaintID string, merchantID string) error
	// DecideRefund approves or rejects a refund request.
	DecideRefund(ctx context.Context, complaintID string, d RefundDecision) error
}

// Throttled is implemented by a Source whose provider documents a polling limit
// (PAYJS: about once every 4 hours). A poller never lists such a source more often
// than MinPollInterval.
type Throttled interface {
	MinPollInterval() time.Duration
}
