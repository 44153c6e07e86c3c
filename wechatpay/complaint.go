package wechatpay

import (
	"context"
	"iter"
	"net/url"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

// State maps complaint_state onto the common model.
func (s ComplaintState) State() complaint.State {
	switch s {
	case StatePending:
		return complaint.StatePending
	case StateProcessing:
		return complaint.StateProcessing
	case StateProcessed:
		return complaint.StateResolved
	}
	return complaint.StateUnknown
}

// ProblemType maps problem_type onto the common model.
func (p ProblemType) ProblemType() complaint.ProblemType {
	switch p {
	case ProblemRefund:
		return complaint.ProblemRefund
	case ProblemServiceNotWork:
		return complaint.ProblemServiceNotWork
	}
	return complaint.ProblemOther
}

// MediaKind maps media_type onto the common model.
func (m MediaType) MediaKind() complaint.MediaKind {
	switch m {
	case MediaUserComplaintImage:
		return complaint.MediaUser
	case MediaOperationImage:
		return complaint.MediaOperation
	}
	return complaint.MediaOther
}

// Kind maps a notification action_type onto the common model.
func (a ActionType) Kind() complaint.Kind {
	switch a {
	case ActionCreateComplaint:
		return complaint.KindCreated
	case ActionContinueComplaint:
		return complaint.KindContinued
	case ActionUserResponse:
		return complaint.KindUserMessage
	case ActionResponseByPlatform:
		return complaint.KindPlatformMessage
	case ActionSellerRefund, ActionRefundSuccess:
		return complaint.KindRefunded
	case ActionMerchantResponse:
		return complaint.KindMerchantReply
	case ActionMerchantConfirmComplete:
		return complaint.KindCompleted
	case ActionUserApplyPlatformService, ActionUserCancelPlatformService, ActionPlatformServiceFinished:
		return complaint.KindPlatformService
	case ActionMerchantApproveRefund:
		return complaint.KindRefundApproved
	case ActionMerchantRejectRefund:
		return complaint.KindRefundRejected
	}
	return complaint.KindOther
}

// Kind maps a history operate_type onto the common model.
func (o OperateType) Kind() complaint.Kind {
	switch o {
	case OperateUserCreateComplaint:
		return complaint.KindCreated
	case OperateUserContinueComplaint:
		return complaint.KindContinued
	case OperateUserResponse, OperateUserClickResponse:
		return complaint.KindUserMessage
	case OperatePlatformResponse, OperatePlatformHelpApplication:
		return complaint.KindPlatformMessage
	case OperateMerchantResponse:
		return complaint.KindMerchantReply
	case OperateMerchantConfirmComplete:
		return complaint.KindCompleted
	case OperateUserRevokeComplaint:
		return complaint.KindWithdrawn
	case OperateUserComfirmComplaint:
		return complaint.KindConfirmed
	case OperateMerchantApproveRefund:
		return complaint.KindRefundApproved
	case OperateMerchantRefuseRerund:
		return complaint.KindRefundRejected
	case OperateUserSubmitSatisfaction:
		return complaint.KindSatisfaction
	case OperateComplaintFullRefundedSystemMessage, OperateComplaintPartialRefundedSystemMessage,
		OperateComplaintRefundReceivedSystemMessage, OperateComplaintFullRefunded:
		return complaint.KindRefunded
	case OperateUserApplyPlatformHelp, OperateUserApplyPlatformService, OperateUserCancelPlatformService,
		OperatePlatformServiceFinished:
		return complaint.KindPlatformService
	case OperateUserCreateComplaintSystemMessage, OperateUserContinueComplaintSystemMessage,
		OperateComplaintEntrustedRefundSystemMessage, OperateServiceOrderCancel, OperateServiceOrderComplete,
		OperateMerchantConfirmCompleteSystemMessage:
		return complaint.KindSystem
	}
	return complaint.KindOther
}

// Actor says who an operate_type comes from.
func (o OperateType) Actor() complaint.Actor {
	s := string(o)
	switch {
	case strings.HasSuffix(s, "_SYSTEM_MESSAGE"), strings.HasPrefix(s, "SERVICE_ORDER_"), strings.HasPrefix(s, "COMPLAINT_"):
		return complaint.ActorSystem
	case strings.HasPrefix(s, "USER_"):
		return complaint.ActorUser
	case strings.HasPrefix(s, "MERCHANT_"):
		return complaint.ActorMerchant
	case strings.HasPrefix(s, "PLATFORM_"):
		return complaint.ActorPlatform
	}
	return complaint.ActorUnknown
}

// mediaID is the last path segment of a media URL as written (still
// percent-encoded: ids contain %2F, which unescaping would split).
func mediaID(raw string) string {
	p := raw
	if u, err := url.Parse(raw); err == nil {
		p = u.EscapedPath()
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

func convertMedia(list MediaList, out []complaint.Media) []complaint.Media {
	for _, m := range list {
		for _, u := range m.MediaURL {
			out = append(out, complaint.Media{Kind: m.MediaType.MediaKind(), ProviderKind: string(m.MediaType), ID: mediaID(u), URL: u})
		}
	}
	return out
}

// ToComplaint converts a complaint to the common model. Nothing is lost: the
// original is kept in Raw. Global orders are in their settlement currency.
func (c *Complaint) ToComplaint() *complaint.Complaint {
	if c == nil {
		return nil
	}
	out := &complaint.Complaint{
		Provider:      complaint.WeChatPay,
		ID:            c.ComplaintID,
		MerchantID:    c.ComplaintedMchID,
		State:         c.ComplaintState.State(),
		ProviderState: string(c.ComplaintState),
		Problem: complaint.Problem{
			Type:         c.ProblemType.ProblemType(),
			ProviderType: string(c.ProblemType),
			Description:  c.ProblemDescription,
		},
		Content: c.ComplaintDetail,
		Refund: complaint.Refund{
			Requested: complaint.CNY(c.ApplyRefundAmount),
			Full:      c.ComplaintFullRefunded,
		},
		Contact: complaint.Contact{
			Phone:          c.PayerPhonePlaintext,
			EncryptedPhone: c.PayerPhone,
			OpenID:         c.PayerOpenID,
		},
		Times:             c.UserComplaintTimes,
		AwaitingReply:     c.IncomingUserResponse,
		Urgent:            c.NeedImmediateService || c.Priority == PriorityPriority,
		PlatformAssisting: c.InPlatformService,
		CreatedAt:         c.ComplaintTime,
		Raw:               c,
	}
	if len(c.ComplaintOrderInfo) > 0 {
		out.Orders = make([]complaint.Order, 0, len(c.ComplaintOrderInfo))
		sameCurrency := true
		for i, o := range c.ComplaintOrderInfo {
			ord := complaint.Order{TransactionID: o.TransactionID, OutTradeNo: o.OutTradeNo, PaidAt: o.TradeTime}
			if o.SettlementCurrency != "" || o.SettlementAmount != 0 {
				cur := o.SettlementCurrency
				if cur == "CNY" {
					cur = ""
				}
				ord.Amount = complaint.Money{Amount: o.SettlementAmount, Currency: cur}
				ord.Refunded = complaint.Money{Amount: int64(o.SettlementRefundedAmount), Currency: cur}
			} else {
				ord.Amount = complaint.CNY(o.Amount)
			}
			if i > 0 && ord.Amount.Currency != out.Orders[0].Amount.Currency {
				sameCurrency = false
			}
			out.Orders = append(out.Orders, ord)
		}
		if sameCurrency {
			out.Amount.Currency = out.Orders[0].Amount.Currency
			for _, o := range out.Orders {
				out.Amount.Amount += o.Amount.Amount
				out.Refund.Refunded.Amount += o.Refunded.Amount
			}
			out.Refund.Refunded.Currency = out.Amount.Currency
		}
	}
	if n := len(c.ComplaintMediaList); n > 0 {
		out.Media = convertMedia(c.ComplaintMediaList, make([]complaint.Media, 0, n))
	}
	if len(c.UserTagList) > 0 {
		out.Tags = make([]string, len(c.UserTagList))
		for i, t := range c.UserTagList {
			out.Tags[i] = string(t)
		}
	}
	return out
}

// ToEntry converts a history item to the common model, keeping it in Raw.
func (h *NegotiationHistory) ToEntry() *complaint.Entry {
	if h == nil {
		return nil
	}
	e := &complaint.Entry{
		ID:           h.LogID,
		Actor:        h.OperateType.Actor(),
		ActorName:    h.Operator,
		Kind:         h.OperateType.Kind(),
		ProviderKind: string(h.OperateType),
		Content:      h.OperateDetails,
		Time:         h.OperateTime,
		Raw:          h,
	}
	if e.Content == "" && h.NormalMessage != nil {
		var b strings.Builder
		for _, blk := range h.NormalMessage.Blocks {
			if blk.Text != nil && blk.Text.Text != "" {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(blk.Text.Text)
			}
		}
		e.Content = b.String()
	}
	if n := len(h.ImageList) + len(h.ComplaintMediaList); n > 0 {
		e.Media = make([]complaint.Media, 0, n)
		kind := complaint.MediaOther
		switch e.Actor {
		case complaint.ActorUser:
			kind = complaint.MediaUser
		case complaint.ActorMerchant:
			kind = complaint.MediaMerchant
		}
		for _, u := range h.ImageList {
			e.Media = append(e.Media, complaint.Media{Kind: kind, ID: mediaID(u), URL: u})
		}
		e.Media = convertMedia(h.ComplaintMediaList, e.Media)
	}
	return e
}

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
