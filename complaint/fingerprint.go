package complaint

import (
	"strconv"
	"strings"
	"time"
)

// Fingerprint identifies a version of a complaint: two versions with the same
// fingerprint show the merchant nothing new. The Poller emits an event when it
// changes, and the callback handler records it (WithPollState), so that a
// change reaches the sink once whichever path brings it first.
//
// It covers what changes while a complaint is handled: State and
// ProviderState; Amount, the refund (requested, refunded, full, when) and
// the refunded amount of each order that has one; Times (the buyer complained again),
// AwaitingReply (the buyer wrote, or the merchant answered), Urgent,
// PlatformAssisting and Tags; the number of media (the buyer added images);
// UpdatedAt and ClosedAt; and the provider's own deadline and Overdue flag.
// No provider's list or detail reports a reply count, so replies show
// through the state, AwaitingReply and UpdatedAt where the provider reports
// them. It leaves out what never changes or differs between two reads of one
// version: ids, the buyer's text and contact (WeChat encrypts the phone anew
// on every read), CreatedAt, an estimated DueAt (a rule, not a change), and
// Raw.
//
// It is DeriveEventID over those fields, prefixed with a version tag, so it
// is the same in every process and fits any store.
func Fingerprint(c *Complaint) string {
	due := stamp(c.DueAt)
	if c.DueEstimated {
		due = ""
	}
	f := []string{"fp1",
		string(c.State), c.ProviderState,
		money(c.Amount),
		money(c.Refund.Requested), money(c.Refund.Refunded), strconv.FormatBool(c.Refund.Full), stamp(c.Refund.RefundedAt),
		strconv.Itoa(c.Times), strconv.FormatBool(c.AwaitingReply), strconv.FormatBool(c.Urgent),
		strconv.FormatBool(c.PlatformAssisting), strings.Join(c.Tags, "\x00"), strconv.Itoa(len(c.Media)),
		stamp(c.UpdatedAt), stamp(c.ClosedAt), strconv.FormatBool(c.Overdue), due,
	}
	for _, o := range c.Orders {
		// Only refunded orders count: an order a provider names in one read
		// and leaves out of another (Allinpay's Alipay list gives trade_no,
		// its notification a trade list that may be empty) is no change
		// until money moves on it.
		if o.Refunded.Amount != 0 {
			f = append(f, money(o.Refunded))
		}
	}
	return DeriveEventID(f...)
}

func money(m Money) string { return strconv.FormatInt(m.Amount, 10) + m.Currency }

// stamp writes t in UTC to the nanosecond, the zero time as "".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// seenKey is the PollState key of a complaint: its Ref without the order id
// (Ref.String), the same for the poller's list and Get and for an enriched
// callback event, which all come from the provider's one converter.
func seenKey(r Ref) string { return r.String() }
