package wechatpay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// RefundAction is update-refund-progress action.
type RefundAction string

// Refund actions.
const (
	RefundApprove RefundAction = "APPROVE"
	RefundReject  RefundAction = "REJECT"
)

// ReplyRequest is the body of .../{complaint_id}/response. ComplaintID goes
// into the path. Content is at most 200 characters with no 4-byte characters
// (no emoji); at most 4 images; JumpURL must be https. MiniProgramJumpInfo is
// mainland only.
type ReplyRequest struct {
	ComplaintID         string               `json:"-"`
	ComplaintedMchID    string               `json:"complainted_mchid"`
	ResponseContent     string               `json:"response_content"`
	ResponseImages      []string             `json:"response_images,omitempty"`
	JumpURL             string               `json:"jump_url,omitempty"`
	JumpURLText         string               `json:"jump_url_text,omitempty"`
	MiniProgramJumpInfo *MiniProgramJumpInfo `json:"mini_program_jump_info,omitempty"`
}

// CompleteRequest is the body of .../{complaint_id}/complete.
type CompleteRequest struct {
	ComplaintID      string `json:"-"`
	ComplaintedMchID string `json:"complainted_mchid"`
}

// UpdateRefundProgressRequest is the body of .../update-refund-progress
// (mainland only). It has no complainted_mchid. LaunchRefundDay is used with
// APPROVE (working days until the refund starts; 0 = today, hence a pointer);
// RejectReason and RejectMediaList (≤ 4 media ids) with REJECT.
type UpdateRefundProgressRequest struct {
	ComplaintID     string       `json:"-"`
	Action          RefundAction `json:"action"`
	LaunchRefundDay *int         `json:"launch_refund_day,omitempty"`
	RejectReason    string       `json:"reject_reason,omitempty"`
	RejectMediaList []string     `json:"reject_media_list,omitempty"`
	Remark          string       `json:"remark,omitempty"`
}

// ImmediateServiceRequest is the body of .../response-immediate-service
// (mainland only). IdempotentID (≤ 128 characters) makes retries safe.
type ImmediateServiceRequest struct {
	ComplaintID      string        `json:"-"`
	ComplaintedMchID string        `json:"complainted_mchid"`
	Message          NormalMessage `json:"message"`
	IdempotentID     string        `json:"idempotent_id"`
}

// ImmediateServiceResponse is its answer.
type ImmediateServiceResponse struct {
	LogID string `json:"log_id"`
}

func checkMiniProgram(field string, m *MiniProgramJumpInfo) error {
	if m == nil {
		return nil
	}
	if m.AppID == "" {
		return invalid(field+".appid", "is required")
	}
	if m.Path == "" {
		return invalid(field+".path", "is required")
	}
	if m.Text == "" {
		return invalid(field+".text", "is required")
	}
	return nil
}

func (r *ReplyRequest) validate(global bool) error {
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return err
	}
	if err := checkMchID("complainted_mchid", r.ComplaintedMchID, true); err != nil {
		return err
	}
	if r.ResponseContent == "" {
		return invalid("response_content", "is required")
	}
	if err := checkText("response_content", r.ResponseContent, MaxReplyRunes); err != nil {
		return err
	}
	if len(r.ResponseImages) > MaxReplyImages {
		return invalid("response_images", "more than 4 images")
	}
	for _, m := range r.ResponseImages {
		if m == "" {
			return invalid("response_images", "contains an empty media id")
		}
	}
	if r.JumpURL != "" {
		if err := checkHTTPS("jump_url", r.JumpURL); err != nil {
			return err
		}
	}
	if err := checkText("jump_url_text", r.JumpURLText, 0); err != nil {
		return err
	}
	if r.MiniProgramJumpInfo != nil && global {
		return invalid("mini_program_jump_info", "is not available on the global api")
	}
	return checkMiniProgram("mini_program_jump_info", r.MiniProgramJumpInfo)
}

// Reply answers the buyer (response). The first reply moves a PENDING
// complaint to PROCESSING.
func (c *Client) Reply(ctx context.Context, r *ReplyRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if r == nil {
		return invalid("request", "is nil")
	}
	if err := r.validate(c.region == RegionGlobal); err != nil {
		return err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("wechatpay: encoding reply: %w", err)
	}
	_, err = c.do(ctx, http.MethodPost, c.complaintPath(r.ComplaintID, "response"), body, nil, verifyResponse)
	return err
}

// Complete reports the complaint handled (反馈处理完成). Call it only after
// really resolving it: the buyer gets a satisfaction survey.
func (c *Client) Complete(ctx context.Context, r *CompleteRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if r == nil {
		return invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return err
	}
	if err := checkMchID("complainted_mchid", r.ComplaintedMchID, true); err != nil {
		return err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("wechatpay: encoding complete: %w", err)
	}
	_, err = c.do(ctx, http.MethodPost, c.complaintPath(r.ComplaintID, "complete"), body, nil, verifyResponse)
	return err
}

// UpdateRefundProgress approves or rejects a refund request
// (update-refund-progress, mainland only; global returns an error matching
// errors.ErrUnsupported).
func (c *Client) UpdateRefundProgress(ctx context.Context, r *UpdateRefundProgressRequest) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if c.region == RegionGlobal {
		return errUnsupportedGlobal("update-refund-progress")
	}
	if r == nil {
		return invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return err
	}
	switch r.Action {
	case RefundApprove, RefundReject:
	default:
		return invalid("action", "must be APPROVE or REJECT")
	}
	if r.LaunchRefundDay != nil && *r.LaunchRefundDay < 0 {
		return invalid("launch_refund_day", "is negative")
	}
	if len(r.RejectMediaList) > MaxRejectMedia {
		return invalid("reject_media_list", "more than 4 images")
	}
	if err := checkText("reject_reason", r.RejectReason, 0); err != nil {
		return err
	}
	if err := checkText("remark", r.Remark, 0); err != nil {
		return err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("wechatpay: encoding refund progress: %w", err)
	}
	_, err = c.do(ctx, http.MethodPost, c.complaintPath(r.ComplaintID, "update-refund-progress"), body, nil, verifyResponse)
	return err
}

func validateAction(field string, a *MessageAction) error {
	switch a.ActionType {
	case "":
		return invalid(field+".action_type", "is required")
	case MessageActionJumpURL:
		if err := checkHTTPS(field+".jump_url", a.JumpURL); err != nil {
			return err
		}
	case MessageActionJumpMiniProgram:
		if a.MiniProgramJumpInfo == nil || a.MiniProgramJumpInfo.AppID == "" {
			return invalid(field+".mini_program_jump_info.appid", "is required")
		}
	case MessageActionSendMessage:
		if a.MessageInfo == nil || a.MessageInfo.Content == "" {
			return invalid(field+".message_info.content", "is required")
		}
	}
	return nil
}

// validateMessage checks a rich message before it is sent.
func validateMessage(m *NormalMessage) error {
	if len(m.Blocks) == 0 {
		return invalid("message.blocks", "is empty")
	}
	for i := range m.Blocks {
		b := &m.Blocks[i]
		f := "message.blocks[" + strconv.Itoa(i) + "]"
		switch b.Type {
		case BlockText:
			if b.Text == nil || b.Text.Text == "" {
				return invalid(f+".text", "is required for TEXT")
			}
			if err := checkText(f+".text.text", b.Text.Text, 0); err != nil {
				return err
			}
		case BlockImage:
			if b.Image == nil || b.Image.MediaID == "" {
				return invalid(f+".image.media_id", "is required for IMAGE")
			}
		case BlockLink:
			if b.Link == nil {
				return invalid(f+".link", "is required for LINK")
			}
			if err := validateAction(f+".link.action", &b.Link.Action); err != nil {
				return err
			}
		case BlockFAQList:
			if b.FAQList == nil || len(b.FAQList.FAQs) == 0 {
				return invalid(f+".faq_list", "is required for FAQ_LIST")
			}
			for j := range b.FAQList.FAQs {
				if err := validateAction(f+".faq_list.faqs["+strconv.Itoa(j)+"].action", &b.FAQList.FAQs[j].Action); err != nil {
					return err
				}
			}
		case BlockButton:
			if b.Button == nil {
				return invalid(f+".button", "is required for BUTTON")
			}
			if err := validateAction(f+".button.action", &b.Button.Action); err != nil {
				return err
			}
		case BlockButtonGroup:
			if b.ButtonGroup == nil || len(b.ButtonGroup.Buttons) == 0 {
				return invalid(f+".button_group", "is required for BUTTON_GROUP")
			}
			for j := range b.ButtonGroup.Buttons {
				if err := validateAction(f+".button_group.buttons["+strconv.Itoa(j)+"].action", &b.ButtonGroup.Buttons[j].Action); err != nil {
					return err
				}
			}
		case "":
			return invalid(f+".type", "is required")
		}
	}
	return nil
}

// ReplyImmediateService answers a complaint that needs immediate service with
// a rich message (response-immediate-service, mainland only). The request
// carries IdempotentID, so it is retried like a read.
func (c *Client) ReplyImmediateService(ctx context.Context, r *ImmediateServiceRequest) (*ImmediateServiceResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if c.region == RegionGlobal {
		return nil, errUnsupportedGlobal("response-immediate-service")
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return nil, err
	}
	if err := checkMchID("complainted_mchid", r.ComplaintedMchID, true); err != nil {
		return nil, err
	}
	switch {
	case r.IdempotentID == "":
		return nil, invalid("idempotent_id", "is required")
	case len(r.IdempotentID) > MaxIdempotentIDLength:
		return nil, invalid("idempotent_id", "longer than 128 characters")
	case strings.TrimSpace(r.IdempotentID) != r.IdempotentID:
		return nil, invalid("idempotent_id", "has surrounding spaces")
	}
	if err := validateMessage(&r.Message); err != nil {
		return nil, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: encoding immediate service reply: %w", err)
	}
	ctx = httpc.Idempotent(ctx)
	resp, err := c.do(ctx, http.MethodPost, c.complaintPath(r.ComplaintID, "response-immediate-service"), body, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	var out ImmediateServiceResponse
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding immediate service reply: %w", err)
	}
	return &out, nil
}
