package wxcomplaint

import (
	"strings"

	"github.com/tousu-go/tousu/complaint"
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

// MediaID is the media id in a media URL: the part of its path after
// /merchant-service/images/ (mainland and global), or else its last segment,
// exactly as written, still percent-encoded. Ids contain %2F, which unescaping
// would turn into a path separator, and + and %3D, which re-escaping would
// change; WeChat signs and serves the id as written. A value without a scheme
// is taken as a path (or a bare id).
func MediaID(mediaURL string) string {
	p := mediaURL
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		j := strings.IndexByte(p, '/')
		if j < 0 {
			return ""
		}
		p = p[j:]
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, ImagesPathSegment); i >= 0 {
		return p[i+len(ImagesPathSegment):]
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

// ImagesPathSegment precedes the media id in every image URL, mainland
// (/v3/merchant-service/images/<id>) and global
// (/v3/global/merchant-service/images/<id>).
const ImagesPathSegment = "/merchant-service/images/"

func convertMedia(list MediaList, out []complaint.Media) []complaint.Media {
	for _, m := range list {
		kind := m.MediaType.MediaKind()
		for _, u := range m.MediaURL {
			out = append(out, complaint.Media{Kind: kind, ProviderKind: string(m.MediaType), ID: MediaID(u), URL: u})
		}
	}
	return out
}

// ToComplaint converts a complaint to the common model. Nothing of the typed
// struct is lost: the original is kept in Raw (with the JSON as received in its
// own Raw where the decoder kept it, as for a detail). MerchantID is
// complainted_mchid, so the result's Ref names the complaint with its merchant,
// as a service provider's reply and complete calls need; Channel and the
// orders' ProviderOrderID stay empty (WeChat acts by complaint id). Global
// orders are in their settlement currency. WeChat sends no deadline, so DueAt
// is complaint.DefaultDeadlineRule's estimate (72 hours after complaint_time,
// DueEstimated set); Overdue is global's is_overdue.
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
		Overdue:           c.IsOverdue,
		Raw:               c,
	}
	// WeChat sends no deadline: the rule of thumb estimates it.
	out.EstimateDueAt(complaint.DefaultDeadlineRule)
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
	if n := mediaCount(c.ComplaintMediaList); n > 0 {
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

// mediaCount is the number of URLs in a media list, so the converted slice is
// allocated once.
func mediaCount(list MediaList) int {
	n := 0
	for _, m := range list {
		n += len(m.MediaURL)
	}
	return n
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
	if n := len(h.ImageList) + mediaCount(h.ComplaintMediaList); n > 0 {
		e.Media = make([]complaint.Media, 0, n)
		kind := complaint.MediaOther
		switch e.Actor {
		case complaint.ActorUser:
			kind = complaint.MediaUser
		case complaint.ActorMerchant:
			kind = complaint.MediaMerchant
		}
		for _, u := range h.ImageList {
			e.Media = append(e.Media, complaint.Media{Kind: kind, ID: MediaID(u), URL: u})
		}
		e.Media = convertMedia(h.ComplaintMediaList, e.Media)
	}
	return e
}
