package allinpay

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// This file makes the client a complaint.Source and complaint.Responder over
// both channels Allinpay relays. The converters it uses live next to the
// types: ListedComplaint.ToComplaint (WeChat's converter from
// internal/wxcomplaint, named as Allinpay's), AlipayComplaint.ToComplaint
// and NegotiationHistory.ToEntry.

// DefaultLookBack is how far List looks back when ListOptions.Since is zero:
// MaxListSpan before Until, so the default window is one request per
// channel.
const DefaultLookBack = MaxListSpan

// Adapter makes a Client a complaint.Source and a complaint.Responder over
// the WeChat Pay and Alipay complaints Allinpay relays, for a poller,
// complaint.WithEnrichment, or any code written against the common model.
// Build it with Client.Adapter. It holds no state of its own and is safe for
// concurrent use.
//
// # References
//
// Every call takes a complaint.Ref: Provider allinpay (or empty), ID the
// channel's complaint id (WeChat complaint_id; Alipay's numeric id, which
// alicomplaintquery takes as complain_id), Channel complaint.ChannelWeChat
// or complaint.ChannelAlipay (required: it chooses the calls), and
// MerchantID the sub-merchant (cusid) of an agent or group, empty for the
// client's own merchant. The complaints this adapter lists and gets, and the
// events of the Receiver, carry refs built by the same rule, so
// Complaint.Ref() and Event.Ref are always enough to act on a complaint. A
// Ref of another provider, without a channel or with an unknown one, or with
// a MerchantID that is not an Allinpay id, is a *complaint.ValidationError;
// an unknown complaint (or one not against the MerchantID named) is an error
// matching complaint.ErrNotFound.
//
// # What each channel supports
//
//	                WeChat (wx* calls)              Alipay (ali* calls)
//	List            wxcomplaintlistquery            alicomplaintqueryv2
//	Get             wxcomplaintdetail               alicomplaintquery
//	History         wxcomplainthistory              errors.ErrUnsupported
//	Reply           complaintsResp                  errors.ErrUnsupported
//	Complete        complaintsComplete              alicomplaintprocessfinish
//	DecideRefund    wxcomplaintsrefundprogress      errors.ErrUnsupported
//
// Allinpay relays no negotiation history, no reply and no refund decision for
// Alipay complaints (fact sheet §4.4): those answer an error matching
// errors.ErrUnsupported. Completing an Alipay complaint sends
// Completion.Code as process_code (WithProcessCode's default, "ORTHER", when
// empty), Completion.Remark as remark and Completion.Media as img_file_list
// (ID the file_key, URL the file_url of UploadAlipayFile). Completing a
// WeChat complaint takes only the reference: Code, Remark and Media are not
// sent.
//
// # Listing
//
// List yields the complaints created in the half-open window [Since,
// Until): one created exactly at Since is listed, one created exactly at
// Until is not. A zero Until means now (the client's clock, option.WithClock);
// a zero Since means DefaultLookBack before Until. Until before Since is a
// *complaint.ValidationError. Allinpay's windows are to the second and
// include both ends [inferred for the Alipay list], and the WeChat list
// spans at most 30 days, so List asks for the seconds the window touches in
// consecutive chunks of at most MaxListSpan, oldest chunk first (the same
// chunks for Alipay, whose span Allinpay does not document), and keeps the
// complaints whose creation time (complaint_time, gmt_complain) falls in the
// window exactly. Within a chunk it lists WeChat, then Alipay, each newest
// first and page by page as the caller consumes them. Page-numbered lists can
// show an item twice while complaints arrive; List yields each complaint (by
// channel and id) once. A complaint whose creation time Allinpay sent empty
// cannot be placed and is yielded in every window whose chunks list it.
//
// ListOptions.Channel narrows the list to one channel, which must be one the
// adapter lists (WithChannels; both by default). MerchantID lists one
// sub-merchant's complaints (agents and groups; the cusid sent); empty lists
// every complaint the credentials see (an agent's or, with WithGroupAll, a
// group's). PageSize is the page size asked for: 1 to MaxListPageSize for
// WeChat and 1 to MaxAlipayPageSize for Alipay; 0, or more, means the
// channel's largest.
type Adapter struct {
	c           *Client
	channels    []complaint.Channel
	processCode AlipayProcessCode
	groupAll    bool
}

// AdapterOption configures Client.Adapter.
type AdapterOption func(*Adapter)

// WithChannels chooses the channels List lists, in that order within each
// chunk (default: WeChat, then Alipay); none restores the default. Get,
// History and the Responder act on whichever channel a Ref names. A channel
// other than complaint.ChannelWeChat and complaint.ChannelAlipay makes List
// answer a *complaint.ValidationError.
func WithChannels(channels ...complaint.Channel) AdapterOption {
	return func(a *Adapter) {
		a.channels = nil
		for _, ch := range channels {
			if !slices.Contains(a.channels, ch) {
				a.channels = append(a.channels, ch)
			}
		}
	}
}

// WithProcessCode sets the Alipay process_code Complete sends when the
// Completion names none. The default is AlipayProcessOther ("ORTHER", sic),
// what third-party code sends by default (fact sheet §4.4).
func WithProcessCode(code AlipayProcessCode) AdapterOption {
	return func(a *Adapter) { a.processCode = code }
}

// WithGroupAll makes List ask for a whole group's WeChat complaints
// (groupall=1), for a group merchant (集团商户) whose client's CusID is the
// group number. The Alipay list takes no such flag.
func WithGroupAll() AdapterOption {
	return func(a *Adapter) { a.groupAll = true }
}

// Adapter returns c as a complaint.Source and complaint.Responder.
func (c *Client) Adapter(opts ...AdapterOption) *Adapter {
	a := &Adapter{c: c, processCode: AlipayProcessOther}
	for _, o := range opts {
		if o != nil {
			o(a)
		}
	}
	if len(a.channels) == 0 {
		a.channels = []complaint.Channel{complaint.ChannelWeChat, complaint.ChannelAlipay}
	}
	return a
}

var (
	_ complaint.Source    = (*Adapter)(nil)
	_ complaint.Responder = (*Adapter)(nil)
	_ complaint.Receiver  = (*Receiver)(nil)
)

// Provider is complaint.Allinpay.
func (*Adapter) Provider() complaint.Provider { return complaint.Allinpay }

// List yields the complaints created in [opts.Since, opts.Until); see
// Adapter for the window's defaults, its chunks and the channels.
func (a *Adapter) List(ctx context.Context, opts complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		if err := complaint.CheckContext(ctx); err != nil {
			yield(nil, err)
			return
		}
		channels, err := a.listChannels(opts.Channel)
		if err != nil {
			yield(nil, err)
			return
		}
		if !isID(opts.MerchantID) {
			yield(nil, &complaint.ValidationError{Field: "MerchantID", Reason: "is not an Allinpay merchant number"})
			return
		}
		since, until, err := opts.Window(a.c.now(), func(until time.Time) time.Time { return until.Add(-DefaultLookBack) })
		if err != nil {
			yield(nil, err)
			return
		}
		if err := ctx.Err(); err != nil {
			yield(nil, fmt.Errorf("allinpay: listing complaints: %w", err))
			return
		}
		type key struct {
			ch complaint.Channel
			id string
		}
		seen := map[key]bool{}
		for begin, end := range chunks(since, until) {
			for _, ch := range channels {
				for c, err := range a.listChunk(ctx, ch, begin, end, opts) {
					if err != nil {
						yield(nil, err)
						return
					}
					if t := c.CreatedAt; !t.IsZero() && (t.Before(since) || !t.Before(until)) {
						continue
					}
					k := key{ch, c.ID}
					if seen[k] {
						continue
					}
					seen[k] = true
					if !yield(c, nil) {
						return
					}
				}
			}
		}
	}
}

// chunks yields the inclusive, to-the-second windows [begin, end] that
// cover [since, until): from the second holding since to the second holding
// the last instant before until, at most MaxListSpan each, oldest first.
// since == until yields none.
func chunks(since, until time.Time) iter.Seq2[time.Time, time.Time] {
	return func(yield func(time.Time, time.Time) bool) {
		if !since.Before(until) {
			return
		}
		last := until.Add(-time.Nanosecond).Truncate(time.Second)
		for begin := since.Truncate(time.Second); !begin.After(last); {
			end := begin.Add(MaxListSpan)
			if end.After(last) {
				end = last
			}
			if !yield(begin, end) {
				return
			}
			begin = end.Add(time.Second)
		}
	}
}

// listChannels returns the channels one List call lists.
func (a *Adapter) listChannels(want complaint.Channel) ([]complaint.Channel, error) {
	for _, ch := range a.channels {
		if !validChannel(ch) {
			return nil, &complaint.ValidationError{Field: "WithChannels", Reason: "names a channel other than wechat and alipay"}
		}
	}
	switch {
	case want == complaint.ChannelDefault:
		return a.channels, nil
	case !validChannel(want):
		return nil, errChannel
	case !slices.Contains(a.channels, want):
		return nil, &complaint.ValidationError{Field: "Channel", Reason: "is not a channel the adapter lists (WithChannels)"}
	}
	return []complaint.Channel{want}, nil
}

func validChannel(ch complaint.Channel) bool {
	return ch == complaint.ChannelWeChat || ch == complaint.ChannelAlipay
}

// errChannel answers a Ref or ListOptions without a channel Allinpay relays.
var errChannel = &complaint.ValidationError{Field: "Channel", Reason: "must be wechat or alipay"}

// listChunk lists one channel over the inclusive window [begin, end],
// converted.
func (a *Adapter) listChunk(ctx context.Context, ch complaint.Channel, begin, end time.Time,
	opts complaint.ListOptions) iter.Seq2[*complaint.Complaint, error] {
	return func(yield func(*complaint.Complaint, error) bool) {
		if ch == complaint.ChannelWeChat {
			req := &ListComplaintsRequest{Begin: begin, End: end, PageSize: pageSize(opts.PageSize, MaxListPageSize),
				GroupAll: a.groupAll, CusID: opts.MerchantID}
			for l, err := range a.c.AllComplaints(ctx, req) {
				if !yield(convert(l, err)) {
					return
				}
			}
			return
		}
		req := &ListAlipayComplaintsRequest{Start: begin, End: end, PageSize: pageSize(opts.PageSize, MaxAlipayPageSize),
			CusID: opts.MerchantID}
		for ac, err := range a.c.AllAlipayComplaints(ctx, req) {
			if !yield(convert(ac, err)) {
				return
			}
		}
	}
}

// convert converts an iterator's item, or passes its error on.
func convert[T interface{ ToComplaint() *complaint.Complaint }](v T, err error) (*complaint.Complaint, error) {
	if err != nil {
		return nil, err
	}
	return v.ToComplaint(), nil
}

// pageSize is the page size asked for: size up to limit, limit for 0.
func pageSize(size, limit int) int {
	if size <= 0 {
		return limit
	}
	return min(size, limit)
}

// check validates what every call on one complaint takes: the context, then
// the reference; then it reports a context already done.
func (a *Adapter) check(ctx context.Context, ref complaint.Ref) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	switch {
	case ref.Provider != "" && ref.Provider != complaint.Allinpay:
		return &complaint.ValidationError{Field: "Provider", Reason: "is not allinpay"}
	case !validChannel(ref.Channel):
		return errChannel
	case !isID(ref.MerchantID):
		return &complaint.ValidationError{Field: "MerchantID", Reason: "is not an Allinpay merchant number"}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("allinpay: %w", err)
	}
	return nil
}

// unsupported is what the Alipay channel answers for what Allinpay does not
// relay.
func unsupported(what string) error {
	return fmt.Errorf("allinpay: alipay complaints have no %s through allinpay: %w", what, errors.ErrUnsupported)
}

// Get fetches and converts one complaint: wxcomplaintdetail or
// alicomplaintquery, with ref.MerchantID as the cusid.
func (a *Adapter) Get(ctx context.Context, ref complaint.Ref) (*complaint.Complaint, error) {
	if err := a.check(ctx, ref); err != nil {
		return nil, err
	}
	if ref.Channel == complaint.ChannelWeChat {
		return convert(a.c.getComplaint(ctx, &GetComplaintRequest{ComplaintID: ref.ID, CusID: ref.MerchantID}))
	}
	return convert(a.c.GetAlipayComplaint(ctx, &GetAlipayComplaintRequest{ComplainID: ref.ID, CusID: ref.MerchantID}))
}

// History yields a WeChat complaint's converted negotiation history, oldest
// first as Allinpay relays it. Alipay: errors.ErrUnsupported.
func (a *Adapter) History(ctx context.Context, ref complaint.Ref) iter.Seq2[*complaint.Entry, error] {
	return func(yield func(*complaint.Entry, error) bool) {
		if err := a.check(ctx, ref); err != nil {
			yield(nil, err)
			return
		}
		if ref.Channel == complaint.ChannelAlipay {
			yield(nil, unsupported("negotiation history"))
			return
		}
		for h, err := range a.c.AllHistory(ctx, &ListHistoryRequest{ComplaintID: ref.ID, CusID: ref.MerchantID}) {
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

// Reply answers the buyer of a WeChat complaint (complaintsResp) with r's
// text and images (media ids from Client.UploadImage). Alipay:
// errors.ErrUnsupported.
func (a *Adapter) Reply(ctx context.Context, ref complaint.Ref, r complaint.Reply) error {
	if err := a.check(ctx, ref); err != nil {
		return err
	}
	if ref.Channel == complaint.ChannelAlipay {
		return unsupported("reply")
	}
	return a.c.Reply(ctx, &ReplyRequest{ComplaintID: ref.ID, Content: r.Content, Images: r.MediaIDs, CusID: ref.MerchantID})
}

// Complete reports the complaint handled: complaintsComplete for WeChat
// (the Completion is not sent), alicomplaintprocessfinish for Alipay (see
// Adapter for how the Completion is sent).
func (a *Adapter) Complete(ctx context.Context, ref complaint.Ref, c complaint.Completion) error {
	if err := a.check(ctx, ref); err != nil {
		return err
	}
	if ref.Channel == complaint.ChannelWeChat {
		return a.c.Complete(ctx, &CompleteRequest{ComplaintID: ref.ID, CusID: ref.MerchantID})
	}
	r := &FinishAlipayComplaintsRequest{IDs: []string{ref.ID}, ProcessCode: cmp.Or(AlipayProcessCode(c.Code), a.processCode),
		Remark: c.Remark, CusID: ref.MerchantID}
	for _, m := range c.Media {
		r.Images = append(r.Images, AlipayImage{ImgURL: m.URL, ImgURLKey: m.ID})
	}
	return a.c.FinishAlipayComplaints(ctx, r)
}

// DecideRefund approves or rejects a WeChat complaint's refund request
// (wxcomplaintsrefundprogress): approval with RefundInDays as
// launch_refund_day, rejection with Reason, MediaIDs (from
// Client.UploadImage) and Remark. Alipay: errors.ErrUnsupported.
func (a *Adapter) DecideRefund(ctx context.Context, ref complaint.Ref, d complaint.RefundDecision) error {
	if err := a.check(ctx, ref); err != nil {
		return err
	}
	if ref.Channel == complaint.ChannelAlipay {
		return unsupported("refund decision")
	}
	r := &UpdateRefundProgressRequest{ComplaintID: ref.ID, Remark: d.Remark, CusID: ref.MerchantID}
	if d.Approve {
		days := d.RefundInDays
		r.Action, r.LaunchRefundDay = RefundApprove, &days
	} else {
		r.Action, r.RejectReason, r.RejectMediaList = RefundReject, d.Reason, d.MediaIDs
	}
	return a.c.UpdateRefundProgress(ctx, r)
}
