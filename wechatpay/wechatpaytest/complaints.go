package wechatpaytest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// Documented limits the server enforces (400 PARAM_ERROR when broken).
const (
	maxListSpanDays    = 30
	maxListLimit       = 50
	defaultListLimit   = 10
	maxHistoryLimit    = 300
	defaultHistLimit   = 100
	maxReplyRunes      = 200
	maxReplyImages     = 4
	maxRejectMedia     = 4
	maxIdempotentIDLen = 128
)

// Operators as they appear in history.
const (
	operatorUser     = "投诉人"
	operatorMerchant = "商户"
	operatorPlatform = "微信支付"
)

type complaintState struct {
	c       wechatpay.Complaint
	history []wechatpay.NegotiationHistory
}

// ---------------------------------------------------------------------------
// Seeding and inspection

// AddComplaint stores c, replacing any complaint with the same id, and returns
// it as stored. Missing values get defaults: an id shaped like WeChat's
// (27 digits), ComplaintTime now, state PENDING, ComplaintedMchID the server's
// merchant, UserComplaintTimes 1. A PayerPhonePlaintext without PayerPhone is
// encrypted into PayerPhone with the merchant public key (RSA-OAEP SHA-1), as
// WeChat does. Without history, a USER_CREATE_COMPLAINT entry is recorded;
// history entries get log ids and times when they lack them.
func (s *Server) AddComplaint(c wechatpay.Complaint, history ...wechatpay.NegotiationHistory) wechatpay.Complaint {
	c = cloneComplaint(c)
	c.Raw = nil
	now := s.now()
	if c.ComplaintTime.IsZero() {
		c.ComplaintTime = now
	}
	if c.ComplaintID == "" {
		c.ComplaintID = "20020182" + cntime.Format(c.ComplaintTime, "20060102") + randomDigits(11)
	}
	if c.ComplaintState == "" {
		c.ComplaintState = wechatpay.StatePending
	}
	if c.ComplaintedMchID == "" {
		c.ComplaintedMchID = s.cfg.mchID
	}
	if c.UserComplaintTimes == 0 {
		c.UserComplaintTimes = 1
	}
	if c.PayerPhone == "" && c.PayerPhonePlaintext != "" {
		if ct, err := signing.EncryptOAEP(s.cfg.merchantPub, []byte(c.PayerPhonePlaintext.Plain())); err == nil {
			c.PayerPhone = signing.EncodeBase64(ct)
		}
	}
	hist := make([]wechatpay.NegotiationHistory, 0, len(history)+1)
	for _, h := range history {
		hist = append(hist, cloneHistory(h))
	}
	if len(hist) == 0 {
		var images []string
		for _, m := range c.ComplaintMediaList {
			if m.MediaType == wechatpay.MediaUserComplaintImage {
				images = append(images, m.MediaURL...)
			}
		}
		hist = append(hist, wechatpay.NegotiationHistory{
			Operator:       operatorUser,
			OperateTime:    c.ComplaintTime,
			OperateType:    wechatpay.OperateUserCreateComplaint,
			OperateDetails: c.ComplaintDetail,
			ImageList:      images,
		})
	}
	for i := range hist {
		if hist[i].LogID == "" {
			hist[i].LogID = s.newLogID()
		}
		if hist[i].OperateTime.IsZero() {
			hist[i].OperateTime = c.ComplaintTime
		}
		hist[i].Raw = nil
	}
	s.mu.Lock()
	s.complaints[c.ComplaintID] = &complaintState{c: c, history: hist}
	s.mu.Unlock()
	return cloneComplaint(c)
}

// Complaint returns the stored complaint (a copy) and whether it exists.
func (s *Server) Complaint(id string) (wechatpay.Complaint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.complaints[id]
	if !ok {
		return wechatpay.Complaint{}, false
	}
	return cloneComplaint(st.c), true
}

// Complaints returns every stored complaint in list order (newest first).
func (s *Server) Complaints() []wechatpay.Complaint {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []wechatpay.Complaint
	for _, st := range s.sortedLocked() {
		out = append(out, cloneComplaint(st.c))
	}
	return out
}

// History returns a complaint's negotiation history (copies), oldest first,
// or nil when the complaint does not exist.
func (s *Server) History(id string) []wechatpay.NegotiationHistory {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.complaints[id]
	if !ok {
		return nil
	}
	out := make([]wechatpay.NegotiationHistory, 0, len(st.history))
	for _, h := range st.history {
		out = append(out, cloneHistory(h))
	}
	return out
}

// UpdateComplaint changes a stored complaint in place (for example to simulate
// a refund arriving: ComplaintFullRefunded = true). The id cannot change. It
// reports whether the complaint exists.
func (s *Server) UpdateComplaint(id string, update func(*wechatpay.Complaint)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.complaints[id]
	if !ok {
		return false
	}
	c := cloneComplaint(st.c)
	update(&c)
	c.ComplaintID = id
	st.c = c
	return true
}

// AddHistory appends an entry to a complaint's history (log id and time
// defaulted) and reports whether the complaint exists.
func (s *Server) AddHistory(id string, h wechatpay.NegotiationHistory) bool {
	h = cloneHistory(h)
	h.Raw = nil
	if h.LogID == "" {
		h.LogID = s.newLogID()
	}
	if h.OperateTime.IsZero() {
		h.OperateTime = s.now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.complaints[id]
	if !ok {
		return false
	}
	st.history = append(st.history, h)
	return true
}

// UserResponds simulates the buyer writing a message: a USER_RESPONSE history
// entry and incoming_user_response set. It reports whether the complaint
// exists. Follow it with Notify(ctx, id, wechatpay.ActionUserResponse) to push
// the callback WeChat would send.
func (s *Server) UserResponds(id, content string) bool {
	s.mu.Lock()
	st, ok := s.complaints[id]
	if ok {
		st.c.IncomingUserResponse = true
	}
	s.mu.Unlock()
	return ok && s.AddHistory(id, wechatpay.NegotiationHistory{
		Operator:       operatorUser,
		OperateType:    wechatpay.OperateUserResponse,
		OperateDetails: content,
	})
}

func (s *Server) now() time.Time { return s.cfg.now().Truncate(time.Millisecond) }

func (s *Server) newLogID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return "3002" + cntime.Format(s.cfg.now(), "20060102150405") + randomDigits(6) + strconv.Itoa(100000+n%900000)
}

func randomDigits(n int) string {
	b := []byte(randomString(n * 2))
	out := make([]byte, n)
	for i := range out {
		out[i] = '0' + b[i]%10
	}
	return string(out)
}

// sortedLocked lists complaints newest first (ties by id); s.mu must be held.
func (s *Server) sortedLocked() []*complaintState {
	out := make([]*complaintState, 0, len(s.complaints))
	for _, st := range s.complaints {
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b *complaintState) int {
		if c := b.c.ComplaintTime.Compare(a.c.ComplaintTime); c != 0 {
			return c
		}
		return strings.Compare(a.c.ComplaintID, b.c.ComplaintID)
	})
	return out
}

func cloneComplaint(c wechatpay.Complaint) wechatpay.Complaint {
	c.ComplaintOrderInfo = slices.Clone(c.ComplaintOrderInfo)
	c.ServiceOrderInfo = slices.Clone(c.ServiceOrderInfo)
	c.UserTagList = slices.Clone(c.UserTagList)
	c.Raw = slices.Clone(c.Raw)
	if c.ComplaintMediaList != nil {
		ml := make(wechatpay.MediaList, len(c.ComplaintMediaList))
		for i, m := range c.ComplaintMediaList {
			ml[i] = wechatpay.ComplaintMedia{MediaType: m.MediaType, MediaURL: slices.Clone(m.MediaURL)}
		}
		c.ComplaintMediaList = ml
	}
	if c.AdditionalInfo != nil {
		ai := *c.AdditionalInfo
		if ai.SharePowerInfo != nil {
			sp := *ai.SharePowerInfo
			if sp.ReturnAddressInfo != nil {
				ra := *sp.ReturnAddressInfo
				sp.ReturnAddressInfo = &ra
			}
			ai.SharePowerInfo = &sp
		}
		c.AdditionalInfo = &ai
	}
	return c
}

func cloneHistory(h wechatpay.NegotiationHistory) wechatpay.NegotiationHistory {
	h.ImageList = slices.Clone(h.ImageList)
	h.Raw = slices.Clone(h.Raw)
	if h.ComplaintMediaList != nil {
		ml := make(wechatpay.MediaList, len(h.ComplaintMediaList))
		for i, m := range h.ComplaintMediaList {
			ml[i] = wechatpay.ComplaintMedia{MediaType: m.MediaType, MediaURL: slices.Clone(m.MediaURL)}
		}
		h.ComplaintMediaList = ml
	}
	if h.NormalMessage != nil {
		var m wechatpay.NormalMessage
		if b, err := json.Marshal(h.NormalMessage); err == nil && json.Unmarshal(b, &m) == nil {
			h.NormalMessage = &m
		}
	}
	if h.ClickMessage != nil {
		cm := *h.ClickMessage
		cm.MessageContent = slices.Clone(cm.MessageContent)
		h.ClickMessage = &cm
	}
	return h
}

// ---------------------------------------------------------------------------
// Wire views

// wireComplaint is a complaint as this region sends it, with WeChat's time
// format.
type wireComplaint struct {
	wechatpay.Complaint
	ComplaintTime wireTime `json:"complaint_time"`
}

type wireHistory struct {
	wechatpay.NegotiationHistory
	OperateTime wireTime `json:"operate_time"`
}

// view shapes c for the region: mainland-only fields are dropped on global and
// global-only ones on mainland; payer_openid appears in the mainland detail only.
func (s *Server) view(c wechatpay.Complaint, detail bool) wireComplaint {
	c = cloneComplaint(c)
	if s.cfg.region == wechatpay.RegionGlobal {
		c.PayerOpenID = ""
		c.ProblemType, c.ApplyRefundAmount, c.UserTagList, c.AdditionalInfo = "", 0, nil, nil
		c.InPlatformService, c.NeedImmediateService, c.IsAgentMode = false, false, false
		for i := range c.ComplaintOrderInfo {
			c.ComplaintOrderInfo[i].Amount = 0
		}
	} else {
		if !detail {
			c.PayerOpenID = ""
		}
		c.IsOverdue, c.Priority, c.ComplaintDetailTrans = false, "", ""
		for i, o := range c.ComplaintOrderInfo {
			c.ComplaintOrderInfo[i] = wechatpay.ComplaintOrder{TransactionID: o.TransactionID, OutTradeNo: o.OutTradeNo, Amount: o.Amount}
		}
	}
	return wireComplaint{Complaint: c, ComplaintTime: wireTime(c.ComplaintTime)}
}

func (s *Server) historyView(h wechatpay.NegotiationHistory) wireHistory {
	if s.cfg.region == wechatpay.RegionGlobal {
		h.NormalMessage, h.ClickMessage = nil, nil
		h.UserAppyPlatformServiceReason, h.UserAppyPlatformServiceReasonDescription = "", ""
	}
	return wireHistory{NegotiationHistory: h, OperateTime: wireTime(h.OperateTime)}
}

// ---------------------------------------------------------------------------
// Reads

type listPage struct {
	Data       []wireComplaint `json:"data"`
	Limit      int             `json:"limit"`
	Offset     int             `json:"offset"`
	TotalCount *int            `json:"total_count,omitempty"`
}

type historyPage struct {
	Data       []wireHistory `json:"data"`
	Limit      int           `json:"limit"`
	Offset     int           `json:"offset"`
	TotalCount int           `json:"total_count"`
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, *response) {
	v, ok := q[name]
	if !ok || len(v) == 0 {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < lo || n > hi {
		return 0, queryParamError(name, "取值范围为"+strconv.Itoa(lo)+"到"+strconv.Itoa(hi))
	}
	return n, nil
}

func dateParam(q url.Values, name string) (time.Time, *response) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, queryParamError(name, "不能为空")
	}
	t, err := time.ParseInLocation("2006-01-02", v, cntime.Zone)
	if err != nil || len(v) != 10 {
		return time.Time{}, queryParamError(name, "格式应为yyyy-MM-dd")
	}
	return t, nil
}

// languageParam checks the global mch_language.
func (s *Server) languageParam(q url.Values) *response {
	if s.cfg.region != wechatpay.RegionGlobal {
		return nil
	}
	v, ok := q["mch_language"]
	if !ok {
		return nil
	}
	switch wechatpay.Language(v[0]) {
	case wechatpay.LanguageZhCN, wechatpay.LanguageZhTW, wechatpay.LanguageZhHK, wechatpay.LanguageEN,
		wechatpay.LanguageJA, wechatpay.LanguageKO, wechatpay.LanguageTH, wechatpay.LanguageVI,
		wechatpay.LanguageRU, wechatpay.LanguageDE, wechatpay.LanguageFR, wechatpay.LanguageAR,
		wechatpay.LanguageES:
		return nil
	}
	return queryParamError("mch_language", "不支持的语言")
}

func (s *Server) handleList(c *call) *response {
	q := c.r.URL.Query()
	begin, bad := dateParam(q, "begin_date")
	if bad != nil {
		return bad
	}
	end, bad := dateParam(q, "end_date")
	if bad != nil {
		return bad
	}
	if end.Before(begin) {
		return queryParamError("end_date", "不能早于begin_date")
	}
	if end.Sub(begin) > maxListSpanDays*24*time.Hour {
		return queryParamError("end_date", "查询时间跨度不能超过30天")
	}
	limit, bad := intParam(q, "limit", defaultListLimit, 1, maxListLimit)
	if bad != nil {
		return bad
	}
	offset, bad := intParam(q, "offset", 0, 0, 1<<31-1)
	if bad != nil {
		return bad
	}
	if bad := s.languageParam(q); bad != nil {
		return bad
	}
	mch := q.Get("complainted_mchid")
	endExcl := end.AddDate(0, 0, 1)

	s.mu.Lock()
	var match []wechatpay.Complaint
	for _, st := range s.sortedLocked() {
		t := st.c.ComplaintTime
		if t.Before(begin) || !t.Before(endExcl) {
			continue
		}
		if mch != "" && st.c.ComplaintedMchID != mch {
			continue
		}
		match = append(match, st.c)
	}
	s.mu.Unlock()

	page := listPage{Data: []wireComplaint{}, Limit: limit, Offset: offset}
	if offset == 0 {
		n := len(match)
		page.TotalCount = &n
	}
	for i := offset; i < len(match) && i < offset+limit; i++ {
		page.Data = append(page.Data, s.view(match[i], false))
	}
	return jsonResponse(http.StatusOK, page)
}

func (s *Server) handleDetail(c *call) *response {
	if bad := s.languageParam(c.r.URL.Query()); bad != nil {
		return bad
	}
	got, ok := s.Complaint(c.id)
	if !ok {
		return notFound("投诉单不存在")
	}
	return jsonResponse(http.StatusOK, s.view(got, true))
}

func (s *Server) handleHistory(c *call) *response {
	q := c.r.URL.Query()
	limit, bad := intParam(q, "limit", defaultHistLimit, 1, maxHistoryLimit)
	if bad != nil {
		return bad
	}
	offset, bad := intParam(q, "offset", 0, 0, 1<<31-1)
	if bad != nil {
		return bad
	}
	if bad := s.languageParam(q); bad != nil {
		return bad
	}
	s.mu.Lock()
	st, ok := s.complaints[c.id]
	var hist []wechatpay.NegotiationHistory
	if ok {
		for _, h := range st.history {
			hist = append(hist, cloneHistory(h))
		}
	}
	s.mu.Unlock()
	if !ok {
		return notFound("投诉单不存在")
	}
	page := historyPage{Data: []wireHistory{}, Limit: limit, Offset: offset, TotalCount: len(hist)}
	for i := offset; i < len(hist) && i < offset+limit; i++ {
		page.Data = append(page.Data, s.historyView(hist[i]))
	}
	return jsonResponse(http.StatusOK, page)
}

// ---------------------------------------------------------------------------
// Writes

// decodeJSON checks the content type and decodes the body into v.
func decodeJSON(c *call, v any) *response {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return apiError(http.StatusBadRequest, wechatpay.CodeInvalidRequest, "Content-Type应为application/json", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	if err := dec.Decode(v); err != nil {
		return apiError(http.StatusBadRequest, wechatpay.CodeParamError, "请求体不是有效的JSON", nil)
	}
	return nil
}

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
			return nil, apiError(http.StatusForbidden, wechatpay.CodeNoAuth, "被诉商户号与投诉单不匹配", nil)
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
		if st.c.ComplaintState == wechatpay.StatePending {
			st.c.ComplaintState = wechatpay.StateProcessing
		}
		st.c.IncomingUserResponse = false
	}
	return h.LogID
}

func (s *Server) handleReply(c *call) *response {
	var req wechatpay.ReplyRequest
	if bad := decodeJSON(c, &req); bad != nil {
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
	if mp := req.MiniProgramJumpInfo; mp != nil && s.cfg.region == wechatpay.RegionMainland {
		if mp.AppID == "" || mp.Path == "" || mp.Text == "" {
			return paramError("mini_program_jump_info", "appid、path、text均不能为空")
		}
	}
	var images []string
	for _, id := range req.ResponseImages {
		images = append(images, s.ImageURL(id))
	}
	s.record(st, wechatpay.NegotiationHistory{
		Operator:       operatorMerchant,
		OperateType:    wechatpay.OperateMerchantResponse,
		OperateDetails: req.ResponseContent,
		ImageList:      images,
	}, true)
	return noContent()
}

func (s *Server) handleComplete(c *call) *response {
	var req wechatpay.CompleteRequest
	if bad := decodeJSON(c, &req); bad != nil {
		return bad
	}
	st, bad := s.target(c.id, &req.ComplaintedMchID)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	done := st.c.ComplaintState == wechatpay.StateProcessed
	s.mu.Unlock()
	if done {
		// Completing twice changes nothing; a retried call must not fail.
		return noContent()
	}
	s.record(st, wechatpay.NegotiationHistory{
		Operator:       operatorMerchant,
		OperateType:    wechatpay.OperateMerchantConfirmComplete,
		OperateDetails: "商户反馈处理完成",
	}, true)
	s.mu.Lock()
	st.c.ComplaintState = wechatpay.StateProcessed
	s.mu.Unlock()
	return noContent()
}

func (s *Server) handleRefundProgress(c *call) *response {
	var req wechatpay.UpdateRefundProgressRequest
	if bad := decodeJSON(c, &req); bad != nil {
		return bad
	}
	st, bad := s.target(c.id, nil)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	pt := st.c.ProblemType
	s.mu.Unlock()
	if pt != wechatpay.ProblemRefund {
		return apiError(http.StatusBadRequest, wechatpay.CodeInvalidRequest, "该投诉单不是申请退款类型，不能更新退款审批结果", nil)
	}
	h := wechatpay.NegotiationHistory{Operator: operatorMerchant}
	switch req.Action {
	case wechatpay.RefundApprove:
		if req.LaunchRefundDay != nil && *req.LaunchRefundDay < 0 {
			return paramError("launch_refund_day", "不能小于0")
		}
		days := 0
		if req.LaunchRefundDay != nil {
			days = *req.LaunchRefundDay
		}
		h.OperateType = wechatpay.OperateMerchantApproveRefund
		h.OperateDetails = "商户同意退款，预计" + strconv.Itoa(days) + "个工作日内发起退款"
		if days == 0 {
			h.OperateDetails = "商户同意退款，预计当天发起退款"
		}
	case wechatpay.RefundReject:
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
		h.OperateType = wechatpay.OperateMerchantRefuseRerund
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
	var req wechatpay.ImmediateServiceRequest
	if bad := decodeJSON(c, &req); bad != nil {
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
		return jsonResponse(http.StatusOK, wechatpay.ImmediateServiceResponse{LogID: logID})
	}
	if bad := s.checkMessage(req.Message); bad != nil {
		return bad
	}
	msg := req.Message
	logID = s.record(st, wechatpay.NegotiationHistory{
		Operator:      operatorMerchant,
		OperateType:   wechatpay.OperateMerchantResponse,
		NormalMessage: &msg,
	}, true)
	s.mu.Lock()
	s.immediate[key] = logID
	s.mu.Unlock()
	return jsonResponse(http.StatusOK, wechatpay.ImmediateServiceResponse{LogID: logID})
}

// checkMessage validates a NormalMessage: at least one block, each block
// carrying the field its type names, texts within the character rule, images
// uploaded, jump URLs https.
func (s *Server) checkMessage(m wechatpay.NormalMessage) *response {
	if len(m.Blocks) == 0 {
		return paramError("message.blocks", "不能为空")
	}
	checkAction := func(field string, a wechatpay.MessageAction) *response {
		switch a.ActionType {
		case wechatpay.MessageActionJumpURL:
			return checkHTTPS(field+".jump_url", a.JumpURL)
		case wechatpay.MessageActionJumpMiniProgram:
			if a.MiniProgramJumpInfo == nil || a.MiniProgramJumpInfo.AppID == "" {
				return paramError(field+".mini_program_jump_info", "不能为空")
			}
		case wechatpay.MessageActionSendMessage:
			if a.MessageInfo == nil || a.MessageInfo.Content == "" {
				return paramError(field+".message_info.content", "不能为空")
			}
		case "":
			return paramError(field+".action_type", "不能为空")
		}
		return nil
	}
	for i, b := range m.Blocks {
		f := "message.blocks[" + strconv.Itoa(i) + "]"
		var bad *response
		switch b.Type {
		case wechatpay.BlockText:
			if b.Text == nil || b.Text.Text == "" {
				return paramError(f+".text", "不能为空")
			}
			bad = checkText(f+".text.text", b.Text.Text, 0)
		case wechatpay.BlockImage:
			if b.Image == nil || b.Image.MediaID == "" {
				return paramError(f+".image", "不能为空")
			}
			bad = s.checkMedia(f+".image.media_id", []string{b.Image.MediaID})
		case wechatpay.BlockLink:
			if b.Link == nil || b.Link.Text == "" {
				return paramError(f+".link", "不能为空")
			}
			bad = checkAction(f+".link.action", b.Link.Action)
		case wechatpay.BlockFAQList:
			if b.FAQList == nil || len(b.FAQList.FAQs) == 0 {
				return paramError(f+".faq_list", "不能为空")
			}
			for j, q := range b.FAQList.FAQs {
				if bad = checkAction(f+".faq_list.faqs["+strconv.Itoa(j)+"].action", q.Action); bad != nil {
					break
				}
			}
		case wechatpay.BlockButton:
			if b.Button == nil || b.Button.Text == "" {
				return paramError(f+".button", "不能为空")
			}
			bad = checkAction(f+".button.action", b.Button.Action)
		case wechatpay.BlockButtonGroup:
			if b.ButtonGroup == nil || len(b.ButtonGroup.Buttons) == 0 {
				return paramError(f+".button_group", "不能为空")
			}
			for j, btn := range b.ButtonGroup.Buttons {
				if bad = checkAction(f+".button_group.buttons["+strconv.Itoa(j)+"].action", btn.Action); bad != nil {
					break
				}
			}
		case "":
			return paramError(f+".type", "不能为空")
		}
		if bad != nil {
			return bad
		}
	}
	return nil
}
