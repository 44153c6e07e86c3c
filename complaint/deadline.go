package complaint

import "time"

// DefaultRespondWithin is how long after its creation a WeChat complaint
// should have the merchant's first response. WeChat publishes no API field
// for it; its own system message tells merchants to handle a complaint within
// 72 hours, and an unanswered complaint can get settlement delayed or the
// account restricted. It is a rule of thumb, not a provider's deadline: see
// DefaultDeadlineRule.
const DefaultRespondWithin = 72 * time.Hour

// DeadlineRule says how long after creation the merchant should respond to
// a complaint whose provider sends no deadline; 0 means no rule applies. The
// Poller uses one (WithDeadlineRule) to time its KindDueSoon and KindOverdue
// events.
type DeadlineRule func(c *Complaint) time.Duration

// DefaultDeadlineRule is DefaultRespondWithin for WeChat complaints, WeChat
// Pay's own and those relayed through ChannelWeChat (Allinpay), and no rule
// for the others: Alipay sends its deadline (gmt_overdue), and PAYJS and 畅想
// publish none and have no state to tell an unanswered complaint by.
func DefaultDeadlineRule(c *Complaint) time.Duration {
	if c.Provider == WeChatPay || c.Channel == ChannelWeChat {
		return DefaultRespondWithin
	}
	return 0
}

// EstimateDueAt sets DueAt from rule when the provider sent no deadline:
// CreatedAt plus what rule returns, with DueEstimated set. A DueAt that the
// provider sent is kept; an estimated one is replaced, so a rule given to
// the Poller overrides the converter's default; without a creation time or a
// rule (nil or 0) an estimate is cleared. Converters call it with
// DefaultDeadlineRule.
func (c *Complaint) EstimateDueAt(rule DeadlineRule) {
	if !c.DueAt.IsZero() && !c.DueEstimated {
		return
	}
	c.DueAt, c.DueEstimated = time.Time{}, false
	if rule == nil || c.CreatedAt.IsZero() {
		return
	}
	if d := rule(c); d > 0 {
		c.DueAt, c.DueEstimated = c.CreatedAt.Add(d), true
	}
}

// IsOverdue reports whether c is open and past its deadline at now: the
// provider says so (Overdue), or DueAt is not after now. A resolved or
// withdrawn complaint is never overdue.
func (c *Complaint) IsOverdue(now time.Time) bool {
	return c.State.Open() && (c.Overdue || !c.DueAt.IsZero() && !now.Before(c.DueAt))
}
