package wechatpay

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/paging"
)

// Documented limits, checked before any request is sent.
const (
	MaxListSpanDays       = 30
	MaxListLimit          = 50
	DefaultListLimit      = 10
	MaxHistoryLimit       = 300
	DefaultHistoryLimit   = 100
	MaxReplyRunes         = 200
	MaxReplyImages        = 4
	MaxRejectMedia        = 4
	MaxIdempotentIDLength = 128
	MaxComplaintIDLength  = 64
	MaxMchIDLength        = 64
)

// errUnsupportedGlobal is what the endpoints missing on global return.
func errUnsupportedGlobal(what string) error {
	return fmt.Errorf("wechatpay: %s is not available on the global api: %w", what, errors.ErrUnsupported)
}

func invalid(field, reason string) error {
	return &complaint.ValidationError{Field: field, Reason: reason}
}

func checkComplaintID(id string) error {
	switch {
	case id == "":
		return invalid("complaint_id", "is required")
	case len(id) > MaxComplaintIDLength:
		return invalid("complaint_id", "longer than 64 characters")
	}
	return nil
}

func checkMchID(field, id string, required bool) error {
	switch {
	case id == "" && required:
		return invalid(field, "is required")
	case len(id) > MaxMchIDLength:
		return invalid(field, "longer than 64 characters")
	}
	return nil
}

func checkLanguage(l Language) error {
	if l == "" {
		return nil
	}
	for _, c := range string(l) {
		if (c < 'A' || c > 'Z') && c != '_' {
			return invalid("mch_language", "is not a language code")
		}
	}
	return nil
}

// dayIndex is the Beijing calendar day of t, as days since the epoch.
func dayIndex(t time.Time) int64 {
	y, m, d := t.In(cntime.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func (c *Client) listQuery(r *ListComplaintsRequest) (string, error) {
	if r == nil {
		return "", invalid("request", "is nil")
	}
	if r.BeginDate.IsZero() {
		return "", invalid("begin_date", "is required")
	}
	if r.EndDate.IsZero() {
		return "", invalid("end_date", "is required")
	}
	span := dayIndex(r.EndDate) - dayIndex(r.BeginDate)
	if span < 0 {
		return "", invalid("end_date", "is before begin_date")
	}
	if span > MaxListSpanDays {
		return "", invalid("end_date", "more than 30 days after begin_date")
	}
	limit := r.Limit
	if limit == 0 {
		limit = DefaultListLimit
	}
	if limit < 1 || limit > MaxListLimit {
		return "", invalid("limit", "must be 1..50")
	}
	if r.Offset < 0 {
		return "", invalid("offset", "is negative")
	}
	if err := checkMchID("complainted_mchid", r.ComplaintedMchID, false); err != nil {
		return "", err
	}
	if err := checkLanguage(r.Language); err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(r.Offset))
	q.Set("begin_date", cntime.Format(r.BeginDate, cntime.Date))
	q.Set("end_date", cntime.Format(r.EndDate, cntime.Date))
	if r.ComplaintedMchID != "" {
		q.Set("complainted_mchid", r.ComplaintedMchID)
	}
	if c.region == RegionGlobal && r.Language != "" {
		q.Set("mch_language", string(r.Language))
	}
	return q.Encode(), nil
}

// ListComplaints fetches one page of complaints (complaints-v2 on mainland,
// complaints on global). The date span is at most 30 days, limit 1..50.
func (c *Client) ListComplaints(ctx context.Context, r *ListComplaintsRequest) (*ListComplaintsResponse, error) {
	q, err := c.listQuery(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodGet, c.complaintsPath()+"?"+q, nil, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	var page ListComplaintsResponse
	if err := json.Unmarshal(resp.Body, &page); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding complaint list: %w", err)
	}
	for i := range page.Data {
		c.decryptPhoneField(ctx, &page.Data[i])
	}
	return &page, nil
}

// AllComplaints pages through ListComplaints from r.Offset, yielding every
// complaint; a failed page yields (nil, err) and stops. Stopping the loop early
// stops the paging. r is not modified.
func (c *Client) AllComplaints(ctx context.Context, r *ListComplaintsRequest) iter.Seq2[*Complaint, error] {
	if r == nil {
		return paging.Offset(0, 0, func(int) ([]Complaint, int, error) { return nil, 0, invalid("request", "is nil") })
	}
	req := *r
	limit := cmp.Or(req.Limit, DefaultListLimit)
	return paging.Offset(req.Offset, limit, func(offset int) ([]Complaint, int, error) {
		req.Offset = offset
		page, err := c.ListComplaints(ctx, &req)
		if err != nil {
			return nil, 0, err
		}
		return page.Data, page.TotalCount, nil
	})
}

// GetComplaint fetches one complaint's detail.
func (c *Client) GetComplaint(ctx context.Context, r *GetComplaintRequest) (*Complaint, error) {
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return nil, err
	}
	if err := checkLanguage(r.Language); err != nil {
		return nil, err
	}
	p := c.complaintPath(r.ComplaintID, "")
	if c.region == RegionGlobal && r.Language != "" {
		p += "?mch_language=" + url.QueryEscape(string(r.Language))
	}
	resp, err := c.do(ctx, http.MethodGet, p, nil, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	var out Complaint
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding complaint: %w", err)
	}
	c.decryptPhoneField(ctx, &out)
	return &out, nil
}

// ListHistory fetches one page of a complaint's negotiation history
// (negotiation-historys), limit 1..300.
func (c *Client) ListHistory(ctx context.Context, r *ListHistoryRequest) (*ListHistoryResponse, error) {
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if err := checkComplaintID(r.ComplaintID); err != nil {
		return nil, err
	}
	limit := r.Limit
	if limit == 0 {
		limit = DefaultHistoryLimit
	}
	if limit < 1 || limit > MaxHistoryLimit {
		return nil, invalid("limit", "must be 1..300")
	}
	if r.Offset < 0 {
		return nil, invalid("offset", "is negative")
	}
	if err := checkLanguage(r.Language); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(r.Offset))
	if c.region == RegionGlobal && r.Language != "" {
		q.Set("mch_language", string(r.Language))
	}
	resp, err := c.do(ctx, http.MethodGet, c.complaintPath(r.ComplaintID, "negotiation-historys")+"?"+q.Encode(), nil, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	var page ListHistoryResponse
	if err := json.Unmarshal(resp.Body, &page); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding history: %w", err)
	}
	return &page, nil
}

// AllHistory pages through ListHistory, yielding every history item.
func (c *Client) AllHistory(ctx context.Context, r *ListHistoryRequest) iter.Seq2[*NegotiationHistory, error] {
	if r == nil {
		return paging.Offset(0, 0, func(int) ([]NegotiationHistory, int, error) { return nil, 0, invalid("request", "is nil") })
	}
	req := *r
	limit := cmp.Or(req.Limit, DefaultHistoryLimit)
	return paging.Offset(req.Offset, limit, func(offset int) ([]NegotiationHistory, int, error) {
		req.Offset = offset
		page, err := c.ListHistory(ctx, &req)
		if err != nil {
			return nil, 0, err
		}
		return page.Data, page.TotalCount, nil
	})
}

// checkText enforces WeChat's character set: UTF-8 of 1 to 3 bytes per rune.
func checkText(field, s string, maxRunes int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "is not valid utf-8")
	}
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			return invalid(field, "contains a 4-byte character (emoji); wechat accepts only 1-3 byte utf-8")
		}
		n++
	}
	if maxRunes > 0 && n > maxRunes {
		return invalid(field, fmt.Sprintf("longer than %d characters", maxRunes))
	}
	return nil
}

func checkHTTPS(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return invalid(field, "must be an https url")
	}
	return nil
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

func (m *NormalMessage) validate() error {
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
	if err := r.Message.validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: encoding immediate service reply: %w", err)
	}
	if ctx != nil {
		ctx = httpc.Idempotent(ctx)
	}
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
