package wechatpay

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

// This file makes the client a complaint.Source and complaint.Responder. The
// converters it uses (Complaint.ToComplaint, NegotiationHistory.ToEntry) live
// with the complaint model in internal/wxcomplaint, which Allinpay shares.

// Adapter makes a Client a complaint.Source and a complaint.Responder, for a
// poller, complaint.WithEnrichment, or any code written against the common
// model. Build it with Client.Adapter. It holds no state of its own and is
// safe for concurrent use.
//
// # References
//
// Every call takes a complaint.Ref. Its ID is WeChat's complaint_id. An empty
// MerchantID means the client's own merchant; a service provider puts the
// sub-merchant there (complainted_mchid), and the complaints this adapter
// returns carry it, so Complaint.Ref() is always enough to act on a complaint.
// A Ref of another provider or with a Channel is a *complaint.ValidationError.
//
// # Listing
//
// List yields the complaints created in the half-open window [Since, Until):
// one created exactly at Since is listed, one created exactly at Until is not.
// A zero Until means now (the client's clock); a zero Since means the start of
// the Beijing calendar day 29 days before Until's, so that the default window
// is one request of 30 calendar days, WeChat's longest span. Until before
// Since is a *complaint.ValidationError. WeChat lists by calendar day in
// Beijing time, at most 30 days per request: List asks for the days the window
// touches, 30 days per request, oldest first, and keeps the complaints whose
// complaint_time falls in the window. A complaint whose complaint_time WeChat
// sent empty cannot be placed and is yielded in every window that asks for its
// days, rather than dropped. PageSize is the page size asked for (1..50, 0 or
// more than 50 means 50). MerchantID narrows a service provider's list to one
// sub-merchant; Channel must be empty.
//
// # Acting on complaints
//
// Reply, Complete and DecideRefund call Client.Reply, Client.Complete and
// Client.UpdateRefundProgress. The global API has no refund decision:
// DecideRefund there returns an error matching errors.ErrUnsupported.
type Adapter struct {
	c    *Client
	lang Language
}

// AdapterOption configures Client.Adapter.
type AdapterOption func(*Adapter)

// WithLanguage sets the mch_language the global API answers in (complaint
// texts it translates, history operators); the mainland API takes none and
// ignores it. The default is WeChat's own (Chinese).
func WithLanguage(l Language) AdapterOption {
	return func(a *Adapter) { a.lang = l }
}

// Adapter returns c as a complaint.Source and complaint.Responder.
func (c *Client) Adapter(opts ...AdapterOption) *Adapter {
	a := &Adapter{c: c}
	for _, o := range opts {
		if o != nil {
			o(a)
		}
	}
	return a
}

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

// List yields the complaints created in [opts.Since, opts.Until); see Adapter
// for the window's defaults and how it is split into requests.
func (a *Adapter) List(ctx context.Context, opts complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		if err := complaint.CheckContext(ctx); err != nil {
			yield(nil, err)
			return
		}
		if opts.Channel != complaint.ChannelDefault {
			yield(nil, errSingleChannel)
			return
		}
		since, until, err := opts.Window(a.c.now(), func(until time.Time) time.Time {
			y, m, d := until.In(cntime.Zone).Date()
			return time.Date(y, m, d-listWindowDays, 0, 0, 0, 0, cntime.Zone)
		})
		if err != nil {
			yield(nil, err)
			return
		}
		if err := ctx.Err(); err != nil {
			yield(nil, fmt.Errorf("wechatpay: listing complaints: %w", err))
			return
		}
		limit := opts.PageSize
		if limit <= 0 || limit > MaxListLimit {
			limit = MaxListLimit
		}
		// The last instant inside the window: Until itself is out.
		last := until.Add(-time.Nanosecond)
		for begin := since.In(cntime.Zone); begin.Before(until); {
			end := begin.AddDate(0, 0, listWindowDays)
			if dayIndex(end) > dayIndex(last) {
				end = last
			}
			req := &ListComplaintsRequest{BeginDate: begin, EndDate: end, Limit: limit, ComplaintedMchID: opts.MerchantID, Language: a.lang}
			for c, err := range a.c.AllComplaints(ctx, req) {
				if err != nil {
					yield(nil, err)
					return
				}
				if t := c.ComplaintTime; !t.IsZero() && (t.Before(since) || !t.Before(until)) {
					continue
				}
				if !yield(c.ToComplaint(), nil) {
					return
				}
			}
			y, m, d := end.In(cntime.Zone).Date()
			begin = time.Date(y, m, d+1, 0, 0, 0, 0, cntime.Zone)
		}
	}
}

// errSingleChannel answers a Channel: WeChat Pay speaks for itself only.
var errSingleChannel = &complaint.ValidationError{Field: "Channel", Reason: "wechat pay has a single channel"}

// check validates what every call takes: the context, then the reference.
func (a *Adapter) check(ctx context.Context, ref complaint.Ref) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if ref.Provider != "" && ref.Provider != complaint.WeChatPay {
		return &complaint.ValidationError{Field: "Provider", Reason: "is not wechatpay"}
	}
	if ref.Channel != complaint.ChannelDefault {
		return errSingleChannel
	}
	return nil
}

// merchant is the complainted_mchid a write sends for ref: its MerchantID,
// or the client's own.
func (a *Adapter) merchant(ref complaint.Ref) string {
	if ref.MerchantID != "" {
		return ref.MerchantID
	}
	return a.c.mchID
}

// Get fetches and converts one complaint. A ref whose MerchantID is not the
// merchant the complaint is against is an error matching complaint.ErrNotFound:
// that merchant has no such complaint.
func (a *Adapter) Get(ctx context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	if err := a.check(ctx, ref); err != nil {
		return nil, err
	}
	c, err := a.c.GetComplaint(ctx, &GetComplaintRequest{ComplaintID: ref.ID, Language: a.lang})
	if err != nil {
		return nil, err
	}
	if ref.MerchantID != "" && c.ComplaintedMchID != "" && c.ComplaintedMchID != ref.MerchantID {
		return nil, fmt.Errorf("wechatpay: complaint is against another merchant than the reference names: %w", complaint.ErrNotFound)
	}
	return c.ToComplaint(), nil
}

// History yields the converted negotiation history, oldest first.
func (a *Adapter) History(ctx context.Context, ref complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) {
		if err := a.check(ctx, ref); err != nil {
			yield(nil, err)
			return
		}
		for h, err := range a.c.AllHistory(ctx, &ListHistoryRequest{ComplaintID: ref.ID, Limit: MaxHistoryLimit, Language: a.lang}) {
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

// Reply answers the buyer with r's text and images (uploaded beforehand with
// Client.UploadImage).
func (a *Adapter) Reply(ctx context.Context, ref complaint.Ref, r complaint.Reply) error {
	if err := a.check(ctx, ref); err != nil {
		return err
	}
	return a.c.Reply(ctx, &ReplyRequest{
		ComplaintID:      ref.ID,
		ComplaintedMchID: a.merchant(ref),
		ResponseContent:  r.Content,
		ResponseImages:   r.MediaIDs,
	})
}

// Complete reports the complaint handled. WeChat's complete call takes nothing
// but the complaint and its merchant: the Completion's Code, Remark and Media
// are ignored.
func (a *Adapter) Complete(ctx context.Context, ref complaint.Ref, _ complaint.Completion) error {
	if err := a.check(ctx, ref); err != nil {
		return err
	}
	return a.c.Complete(ctx, &CompleteRequest{ComplaintID: ref.ID, ComplaintedMchID: a.merchant(ref)})
}

// DecideRefund approves or rejects a refund request (update-refund-progress;
// the call takes no merchant, so ref.MerchantID is not sent). On global it
// returns an error matching errors.ErrUnsupported.
func (a *Adapter) DecideRefund(ctx context.Context, ref complaint.Ref, d complaint.RefundDecision) error {
	if err := a.check(ctx, ref); err != nil {
		return err
	}
	r := &UpdateRefundProgressRequest{ComplaintID: ref.ID, Remark: d.Remark}
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
