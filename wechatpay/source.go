package wechatpay

import (
	"context"
	"iter"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

// This file makes the client a complaint.Source and complaint.Responder. The
// converters it uses (Complaint.ToComplaint, NegotiationHistory.ToEntry) live
// with the complaint model in internal/wxcomplaint, which Allinpay shares.

// NotificationEvent converts a parsed notification to the common model. ID
// is the envelope id (the de-duplication key); Kind follows action_type, or
// the event type when the action type is new.
func NotificationEvent(n *Notification) *complaint.Event {
	if n == nil {
		return nil
	}
	e := new(complaint.Event)
	notificationEvent(n, e)
	return e
}

func notificationEvent(n *Notification, e *complaint.Event) {
	kind := n.Decrypted.ActionType.Kind()
	if kind == complaint.KindOther {
		switch n.EventType {
		case EventComplaintCreate:
			kind = complaint.KindCreated
		case EventComplaintStateChange:
			kind = complaint.KindStateChanged
		}
	}
	*e = complaint.Event{
		ID:           n.ID,
		Provider:     complaint.WeChatPay,
		Kind:         kind,
		ProviderKind: string(n.Decrypted.ActionType),
		ComplaintID:  n.Decrypted.ComplaintID,
		Time:         n.CreateTime,
		Raw:          n,
	}
}

// Adapter makes a client a complaint.Source and a complaint.Responder. Get it
// from Client.Source or Client.Responder.
type Adapter struct {
	c *Client
	// Language is sent as mch_language on global.
	Language Language
}

// Source returns the client as a complaint.Source (for pollers and
// complaint.WithEnrichment).
func (c *Client) Source() *Adapter { return &Adapter{c: c} }

// Responder returns the client as a complaint.Responder.
func (c *Client) Responder() *Adapter { return &Adapter{c: c} }

var (
	_ complaint.Source    = (*Adapter)(nil)
	_ complaint.Responder = (*Adapter)(nil)
	_ complaint.Receiver  = (*Receiver)(nil)
)

// Provider is complaint.WeChatPay.
func (*Adapter) Provider() complaint.Provider { return complaint.WeChatPay }

// listWindowDays is the chunk List asks for: 30 calendar days inclusive, so a
// chunk never exceeds WeChat's span whichever way it counts.
const listWindowDays = 29

// List yields the complaints whose time falls in [Since, Until]. A zero Until
// is now, a zero Since is 29 days before Until; longer windows are split into
// 30-day requests, oldest first.
func (a *Adapter) List(ctx context.Context, opts complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		until := opts.Until
		if until.IsZero() {
			until = a.c.now()
		}
		since := opts.Since
		if since.IsZero() {
			since = until.AddDate(0, 0, -listWindowDays)
		}
		if until.Before(since) {
			yield(nil, invalid("until", "is before since"))
			return
		}
		limit := opts.PageSize
		if limit <= 0 || limit > MaxListLimit {
			limit = MaxListLimit
		}
		for begin := since.In(cntime.Zone); dayIndex(begin) <= dayIndex(until); begin = begin.AddDate(0, 0, listWindowDays+1) {
			end := begin.AddDate(0, 0, listWindowDays)
			if dayIndex(end) > dayIndex(until) {
				end = until
			}
			req := &ListComplaintsRequest{BeginDate: begin, EndDate: end, Limit: limit, ComplaintedMchID: opts.MerchantID, Language: a.Language}
			for c, err := range a.c.AllComplaints(ctx, req) {
				if err != nil {
					yield(nil, err)
					return
				}
				if !c.ComplaintTime.IsZero() && (c.ComplaintTime.Before(opts.Since) || (!opts.Until.IsZero() && c.ComplaintTime.After(opts.Until))) {
					continue
				}
				if !yield(c.ToComplaint(), nil) {
					return
				}
			}
		}
	}
}

// Get fetches and converts one complaint.
func (a *Adapter) Get(ctx context.Context, id string) (*complaint.Complaint, error) {
	c, err := a.c.GetComplaint(ctx, &GetComplaintRequest{ComplaintID: id, Language: a.Language})
	if err != nil {
		return nil, err
	}
	return c.ToComplaint(), nil
}

// History yields the converted negotiation history.
func (a *Adapter) History(ctx context.Context, id string) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) {
		for h, err := range a.c.AllHistory(ctx, &ListHistoryRequest{ComplaintID: id, Limit: MaxHistoryLimit, Language: a.Language}) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(h.ToEntry(), nil) {
				return
			}
		}
	}
}

func (a *Adapter) mch(id string) string {
	if id != "" {
		return id
	}
	return a.c.mchID
}

// Reply answers the buyer; MerchantID defaults to the client's mchid.
func (a *Adapter) Reply(ctx context.Context, complaintID string, r complaint.Reply) error {
	return a.c.Reply(ctx, &ReplyRequest{
		ComplaintID:      complaintID,
		ComplaintedMchID: a.mch(r.MerchantID),
		ResponseContent:  r.Content,
		ResponseImages:   r.MediaIDs,
	})
}

// Complete reports the complaint handled; merchantID defaults to the client's
// mchid.
func (a *Adapter) Complete(ctx context.Context, complaintID string, merchantID string) error {
	return a.c.Complete(ctx, &CompleteRequest{ComplaintID: complaintID, ComplaintedMchID: a.mch(merchantID)})
}

// DecideRefund approves or rejects a refund request (mainland only; global
// returns an error matching errors.ErrUnsupported).
func (a *Adapter) DecideRefund(ctx context.Context, complaintID string, d complaint.RefundDecision) error {
	r := &UpdateRefundProgressRequest{ComplaintID: complaintID, Remark: d.Remark}
	if d.Approve {
		r.Action = RefundApprove
		days := d.RefundInDays
		r.LaunchRefundDay = &days
	} else {
		r.Action = RefundReject
		r.RejectReason = d.Reason
		r.RejectMediaList = d.MediaIDs
	}
	return a.c.UpdateRefundProgress(ctx, r)
}
