package wechatpaytest

import (
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/tousu-go/tousu/wechatpay"
)

// This file serves the merchant's actions on a complaint: reply, complete,
// the refund decision (mainland) and the immediate-service reply (mainland).
// Each changes state and appends history as WeChat does.

// Documented limits the server enforces (400 PARAM_ERROR when broken).
const (
	maxReplyRunes      = 200
	maxReplyImages     = 4
	maxRejectMedia     = 4
	maxIdempotentIDLen = 128
)

// checkText enforces the APIv3 character rule (UTF-8, no 4-byte characters) and
// a length in characters.
func checkText(field, v string, maxRunes int) *response {
	if !utf8.ValidString(v) {
		return paramError(field, "不是有效的UTF-8")
	}
	n := 0
	for _, r := range v {
		if r > 0xFFFF {
			return paramError(field, "不支持4字节的UTF-8字符(如emoji)")
		}
		n++
	}
	if maxRunes > 0 && n > maxRunes {
		return paramError(field, "长度不能超过"+strconv.Itoa(maxRunes)+"个字符")
	}
	return nil
}

func checkHTTPS(field, v string) *response {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return paramError(field, "必须是https地址")
	}
	return nil
}

// checkMedia requires every id to be an uploaded image.
func (s *Server) checkMedia(field string, ids []string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if im, ok := s.images[id]; !ok || !im.uploaded {
			return paramError(field, "media_id不存在或已过期")
		}
	}
	return nil
}

// target loads the complaint a write is for and checks complainted_mchid when
// the endpoint carries one.
func (s *Server) target(id string, mchid *string) (*complaintState, *response) {
	s.mu.Lock()
	st, ok := s.complaints[id]
	s.mu.Unlock()
	if !ok {
		return nil, notFound("投诉单不存在")
	}
	if mchid != nil {
		if *mchid == "" {
			return nil, paramError("complainted_mchid", "不能为空")
		}
		if *mchid != st.c.ComplaintedMchID {
			return nil, apiError(http.StatusForbidden, codeNoAuth, "被诉商户号与投诉单不匹配", nil)
		}
	}
	return st, nil
}

// record appends h to the complaint's history and moves PENDING to PROCESSING
// when the merchant acts for the first time.
func (s *Server) record(st *complaintState, h wechatpay.NegotiationHistory, firstReply bool) string {
	h.LogID = s.newLogID()
	h.OperateTime = s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	st.history = append(st.history, h)
	if firstReply {
		if st.c.ComplaintState == statePending {
			st.c.ComplaintState = stateProcessing
		}
		st.c.IncomingUserResponse = false
	}
	return h.LogID
}

func (s *Server) handleReply(c *call) *response {
	var req mainlandReplyBody
	var bad *response
	if s.cfg.region == wechatpay.RegionGlobal {
		// Global takes no mini_program_jump_info: decoding into the smaller
		// struct rejects it as an unknown field.
		bad = decodeJSON(c, &req.replyBody, replyRequired)
	} else {
		bad = decodeJSON(c, &req, replyRequired)
	}
	if bad != nil {
		return bad
	}
	st, bad := s.target(c.id, &req.ComplaintedMchID)
	if bad != nil {
		return bad
	}
	if req.ResponseContent == "" {
		return paramError("response_content", "不能为空")
	}
	if bad := checkText("response_content", req.ResponseContent, maxReplyRunes); bad != nil {
		return bad
	}
	if len(req.ResponseImages) > maxReplyImages {
		return paramError("response_images", "最多4张图片")
	}
	if bad := s.checkMedia("response_images", req.ResponseImages); bad != nil {
		return bad
	}
	if req.JumpURL != "" {
		if bad := checkHTTPS("jump_url", req.JumpURL); bad != nil {
			return bad
		}
	}
	if bad := checkText("jump_url_text", req.JumpURLText, 0); bad != nil {
		return bad
	}
	if mp := req.MiniProgramJumpInfo; mp != nil && (mp.AppID == "" || mp.Path == "" || mp.Text == "") {
		return paramError("mini_program_jump_info", "appid、path、text均不能为空")
	}
	var images []string
	for _, id := range req.ResponseImages {
		images = append(images, s.ImageURL(id))
	}
	s.record(st, wechatpay.NegotiationHistory{
		Operator:       operatorMerchant,
		OperateType:    opMerchantResponse,
		OperateDetails: req.ResponseContent,
		ImageList:      images,
	}, true)
	return noContent()
}

func (s *Server) handleComplete(c *call) *response {
	var req completeBody
	if bad := decodeJSON(c, &req, completeRequired); bad != nil {
		return bad
	}
	st, bad := s.target(c.id, &req.ComplaintedMchID)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	done := st.c.ComplaintState == stateProcessed
	s.mu.Unlock()
	if done {
		// Completing twice changes nothing; a retried call must not fail.
		return noContent()
	}
	s.record(st, wechatpay.NegotiationHistory{
		Operator:       operatorMerchant,
		OperateType:    opMerchantConfirmComplete,
		OperateDetails: "商户反馈处理完成",
	}, true)
	s.mu.Lock()
	st.c.ComplaintState = stateProcessed
	s.mu.Unlock()
	return noContent()
}

func (s *Server) handleRefundProgress(c *call) *response {
	var req refundProgressBody
	if bad := decodeJSON(c, &req, refundRequired); bad != nil {
		return bad
	}
	st, bad := s.target(c.id, nil)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	pt := st.c.ProblemType
	s.mu.Unlock()
	if pt != problemRefund {
		return apiError(http.StatusBadRequest, codeInvalidRequest, "该投诉单不是申请退款类型，不能更新退款审批结果", nil)
	}
	h := wechatpay.NegotiationHistory{Operator: operatorMerchant}
	switch req.Action {
	case "APPROVE":
		if req.LaunchRefundDay != nil && *req.LaunchRefundDay < 0 {
			return paramError("launch_refund_day", "不能小于0")
		}
		days := 0
		if req.LaunchRefundDay != nil {
			days = *req.LaunchRefundDay
		}
		h.OperateType = opMerchantApproveRefund
		h.OperateDetails = "商户同意退款，预计" + strconv.Itoa(days) + "个工作日内发起退款"
		if days == 0 {
			h.OperateDetails = "商户同意退款，预计当天发起退款"
		}
	case "REJECT":
		if req.RejectReason == "" {
			return paramError("reject_reason", "驳回退款时不能为空")
		}
		if bad := checkText("reject_reason", req.RejectReason, 0); bad != nil {
			return bad
		}
		if len(req.RejectMediaList) > maxRejectMedia {
			return paramError("reject_media_list", "最多4张图片")
		}
		if bad := s.checkMedia("reject_media_list", req.RejectMediaList); bad != nil {
			return bad
		}
		h.OperateType = opMerchantRefuseRerund
		h.OperateDetails = req.RejectReason
		for _, id := range req.RejectMediaList {
			h.ImageList = append(h.ImageList, s.ImageURL(id))
		}
	case "":
		return paramError("action", "不能为空")
	default:
		return paramError("action", "取值应为APPROVE或REJECT")
	}
	if bad := checkText("remark", req.Remark, 0); bad != nil {
		return bad
	}
	s.record(st, h, true)
	return noContent()
}

func (s *Server) handleImmediateService(c *call) *response {
	var req immediateServiceBody
	if bad := decodeJSON(c, &req, immediateRequired); bad != nil {
		return bad
	}
	st, bad := s.target(c.id, &req.ComplaintedMchID)
	if bad != nil {
		return bad
	}
	if req.IdempotentID == "" || len(req.IdempotentID) > maxIdempotentIDLen {
		return paramError("idempotent_id", "不能为空且不超过128个字符")
	}
	key := c.id + "\x00" + req.IdempotentID
	s.mu.Lock()
	logID, seen := s.immediate[key]
	s.mu.Unlock()
	if seen {
		return jsonResponse(http.StatusOK, logIDBody{LogID: logID})
	}
	if bad := s.checkMessage(&req.Message); bad != nil {
		return bad
	}
	logID = s.record(st, wechatpay.NegotiationHistory{
		Operator:      operatorMerchant,
		OperateType:   opMerchantResponse,
		NormalMessage: messageFromWire(&req.Message),
	}, true)
	s.mu.Lock()
	s.immediate[key] = logID
	s.mu.Unlock()
	return jsonResponse(http.StatusOK, logIDBody{LogID: logID})
}
