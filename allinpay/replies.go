package allinpay

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/tousu-go/tousu/complaint"
)

// Limits of a reply (complaintsResp; coa's documented limits, fact sheet
// §4.1) and of a refund rejection's images.
const (
	// MaxReplyRunes is the longest response_content, in characters (runes).
	MaxReplyRunes = 200
	// MaxReplyImages is the most media ids a reply or a refund rejection
	// carries.
	MaxReplyImages = 4
	// mediaSeparator joins media ids in response_images and
	// reject_media_list.
	mediaSeparator = "#@#"
)

var (
	replyEndpoint    = endpoint{name: "complaintsResp"}
	completeEndpoint = endpoint{name: "complaintsComplete"}
	refundEndpoint   = endpoint{name: "wxcomplaintsrefundprogress"}
)

// ReplyRequest answers the buyer of a WeChat complaint (complaintsResp, 回复用户).
type ReplyRequest struct {
	// ComplaintID is the WeChat complaint id, required.
	ComplaintID string `url:"complaint_id"`
	// Content is response_content: required, at most MaxReplyRunes
	// characters of valid UTF-8.
	Content string `url:"response_content"`
	// Images are up to MaxReplyImages media ids from UploadImage, sent joined
	// by "#@#" (response_images).
	Images []string `url:"response_images,omitempty" del:"#@#"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// Reply answers the buyer; the first reply moves a PENDING complaint to
// PROCESSING. It is a write: retried only with option.Retry.RetryWrites,
// since a retried reply the first attempt delivered reaches the buyer twice.
func (c *Client) Reply(ctx context.Context, r *ReplyRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if r == nil {
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return err
	}
	switch {
	case r.Content == "":
		return &complaint.ValidationError{Field: "response_content", Reason: "is required"}
	case !utf8.ValidString(r.Content):
		return &complaint.ValidationError{Field: "response_content", Reason: "is not valid UTF-8"}
	case utf8.RuneCountInString(r.Content) > MaxReplyRunes:
		return &complaint.ValidationError{Field: "response_content", Reason: "is longer than 200 characters"}
	}
	if err := checkMediaIDs("response_images", r.Images); err != nil {
		return err
	}
	_, err := c.call(ctx, replyEndpoint, r)
	return err
}

// checkMediaIDs checks a list of media ids sent joined by "#@#": at most
// MaxReplyImages, none empty or holding the separator (which would split it).
func checkMediaIDs(field string, ids []string) error {
	if len(ids) > MaxReplyImages {
		return &complaint.ValidationError{Field: field, Reason: "has more than 4 media ids"}
	}
	for _, id := range ids {
		if id == "" || strings.Contains(id, mediaSeparator) {
			return &complaint.ValidationError{Field: field, Reason: "has an empty media id or one containing #@#"}
		}
	}
	return nil
}

// CompleteRequest reports a WeChat complaint handled (complaintsComplete,
// 反馈处理完成).
type CompleteRequest struct {
	// ComplaintID is the WeChat complaint id, required.
	ComplaintID string `url:"complaint_id"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// Complete reports the complaint handled; call it only once it really is:
// WeChat then asks the buyer to rate the handling. It is a write, retried
// only with option.Retry.RetryWrites (completing twice is harmless on
// WeChat's side, but Allinpay does not document it).
func (c *Client) Complete(ctx context.Context, r *CompleteRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if r == nil {
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return err
	}
	_, err := c.call(ctx, completeEndpoint, r)
	return err
}

// UpdateRefundProgressRequest answers a complaint whose buyer asked for a
// refund (wxcomplaintsrefundprogress, 更新退款审批结果). APPROVE takes
// LaunchRefundDay; REJECT requires RejectReason and takes RejectMediaList;
// both take Remark. A field of the other action is refused.
type UpdateRefundProgressRequest struct {
	// ComplaintID is the WeChat complaint id, required.
	ComplaintID string `url:"complaint_id"`
	// Action is RefundApprove or RefundReject.
	Action RefundAction `url:"action"`
	// LaunchRefundDay is, with APPROVE, in how many days the refund starts
	// (0 = today, hence a pointer; nil sends nothing).
	LaunchRefundDay *int `url:"launch_refund_day,omitempty"`
	// RejectReason is why the refund is refused, required with REJECT.
	RejectReason string `url:"reject_reason,omitempty"`
	// RejectMediaList are up to MaxReplyImages media ids from UploadImage
	// backing a rejection, sent joined by "#@#".
	RejectMediaList []string `url:"reject_media_list,omitempty" del:"#@#"`
	// Remark is an optional note.
	Remark string `url:"remark,omitempty"`
	// CusID is the sub-merchant the complaint is against, for agents and
	// groups; empty means the client's CusID.
	CusID string `url:"cusid,omitempty"`
}

// UpdateRefundProgress approves or rejects the refund a complaint asks for.
// It is a write, retried only with option.Retry.RetryWrites (a decision is
// taken once).
func (c *Client) UpdateRefundProgress(ctx context.Context, r *UpdateRefundProgressRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if err := checkRefundProgress(r); err != nil {
		return err
	}
	_, err := c.call(ctx, refundEndpoint, r)
	return err
}

func checkRefundProgress(r *UpdateRefundProgressRequest) error {
	if r == nil {
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return err
	}
	switch r.Action {
	case RefundApprove:
		switch {
		case r.LaunchRefundDay != nil && *r.LaunchRefundDay < 0:
			return &complaint.ValidationError{Field: "launch_refund_day", Reason: "is negative"}
		case r.RejectReason != "":
			return &complaint.ValidationError{Field: "reject_reason", Reason: "is only for REJECT"}
		case len(r.RejectMediaList) > 0:
			return &complaint.ValidationError{Field: "reject_media_list", Reason: "is only for REJECT"}
		}
		return nil
	case RefundReject:
		switch {
		case r.RejectReason == "":
			return &complaint.ValidationError{Field: "reject_reason", Reason: "is required with REJECT"}
		case r.LaunchRefundDay != nil:
			return &complaint.ValidationError{Field: "launch_refund_day", Reason: "is only for APPROVE"}
		}
		return checkMediaIDs("reject_media_list", r.RejectMediaList)
	case "":
		return &complaint.ValidationError{Field: "action", Reason: "is required"}
	}
	return &complaint.ValidationError{Field: "action", Reason: "must be APPROVE or REJECT"}
}
