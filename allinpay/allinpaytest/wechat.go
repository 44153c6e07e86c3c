package allinpaytest

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tousu-go/tousu/internal/cntime"
)

// Limits of the WeChat methods. The 30-day span is documented (prodoc/1391);
// the page size only as "建议不超过20", which the fake enforces; the history
// limit follows WeChat's own 1..300 [inferred]; content and image counts are
// coa's documented limits (fact sheet §4.1).
const (
	MaxListSpan        = 30 * 24 * time.Hour
	MaxWeChatPageSize  = 20
	MaxHistoryLimit    = 300
	MaxResponseContent = 200
	MaxResponseImages  = 4
	imageSeparator     = "#@#"
	dateTimeLayout     = "2006-01-02 15:04:05"
)

// intField reads an optional positive-or-zero integer field within [lo, hi].
func intField(c *call, k string, def, lo, hi int) (int, answer, bool) {
	v := c.get(k)
	if v == "" {
		return def, answer{}, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, paramError(k, "取值错误"), false
	}
	return n, answer{}, true
}

// dateField reads a yyyy-MM-dd HH:mm:ss field in China time.
func dateField(c *call, k string) (time.Time, answer, bool) {
	t, err := time.ParseInLocation(dateTimeLayout, c.get(k), cntime.Zone)
	if err != nil {
		return time.Time{}, paramError(k, "格式错误"), false
	}
	return t, answer{}, true
}

// window reads an inclusive [begin, end] date window of at most 30 days;
// absent ends are open when optional.
func window(c *call, bk, ek string, optional bool) (begin, end time.Time, a answer, ok bool) {
	if c.get(bk) != "" || !optional {
		if begin, a, ok = dateField(c, bk); !ok {
			return
		}
	}
	if c.get(ek) != "" || !optional {
		if end, a, ok = dateField(c, ek); !ok {
			return
		}
	}
	if !begin.IsZero() && !end.IsZero() {
		if end.Before(begin) {
			return begin, end, paramError(ek, "不能早于"+bk), false
		}
		if end.Sub(begin) > MaxListSpan {
			return begin, end, fail(MsgSpanTooLong), false
		}
	}
	return begin, end, answer{}, true
}

func inWindow(t, begin, end time.Time) bool {
	return (begin.IsZero() || !t.Before(begin)) && (end.IsZero() || !t.After(end))
}

// listScope reports whether a complaint against merchant cusid is listed for
// a request: the merchant's own, or all of an agent's (cusid = the agent
// number), or all of a group's with groupall=1.
func (s *Server) listScope(c *call) func(cusid string) bool {
	all := c.cusid == s.cfg.orgID && s.cfg.orgID != "" &&
		(s.cfg.mode == ModeAgent || c.get("groupall") == "1")
	return func(cusid string) bool { return all || cusid == c.cusid }
}

// paging reads current_page_num (default 1) and page_size (default 10, at
// most maxSize), which both lists take.
func paging(c *call, maxSize int) (pageNum, size int, a answer, ok bool) {
	if pageNum, a, ok = intField(c, "current_page_num", 1, 1, 1<<30); ok {
		size, a, ok = intField(c, "page_size", 10, 1, maxSize)
	}
	return pageNum, size, a, ok
}

// newestFirst sorts a list newest first, ties by id [inferred: WeChat lists
// newest first; Allinpay does not say].
func newestFirst[T any](items []T, key func(T) (time.Time, string)) {
	slices.SortFunc(items, func(a, b T) int {
		ta, ia := key(a)
		tb, ib := key(b)
		if d := tb.Compare(ta); d != 0 {
			return d
		}
		return strings.Compare(ia, ib)
	})
}

// page returns items[(page-1)*size : page*size], clamped.
func page[T any](items []T, pageNum, size int) []T {
	from := min((pageNum-1)*size, len(items))
	return items[from:min(from+size, len(items))]
}

func (s *Server) wxList(c *call) answer {
	if g := c.get("groupall"); g != "" && g != "1" {
		return paramError("groupall", "取值错误")
	}
	begin, end, a, ok := window(c, "begindate", "enddate", false)
	if !ok {
		return a
	}
	pageNum, size, a, ok := paging(c, MaxWeChatPageSize)
	if !ok {
		return a
	}
	scope := s.listScope(c)
	s.mu.Lock()
	var matched []WeChatComplaint
	for _, st := range s.wx {
		if scope(st.c.CusID) && inWindow(st.c.ComplaintTime, begin, end) {
			matched = append(matched, st.c)
		}
	}
	s.mu.Unlock()
	newestFirst(matched, func(c WeChatComplaint) (time.Time, string) { return c.ComplaintTime, c.ComplaintID })
	items := []any{}
	for _, wc := range page(matched, pageNum, size) {
		o := s.wxObject(wc)
		o["merchantNo"] = wc.CusID
		items = append(items, o)
	}
	return recordsAnswer(items, map[string]string{"total_count": strconv.Itoa(len(matched))})
}

// wxObject is a complaint as WeChat's detail JSON, which Allinpay relays.
func (s *Server) wxObject(c WeChatComplaint) map[string]any {
	o := map[string]any{}
	for k, v := range c.Extra {
		o[k] = v
	}
	o["complaint_id"] = c.ComplaintID
	o["complaint_time"] = cntime.Format(c.ComplaintTime, time.RFC3339)
	o["complaint_detail"] = c.Detail
	o["complaint_state"] = c.State
	o["complaint_full_refunded"] = c.FullRefunded
	o["incoming_user_response"] = c.IncomingUserResponse
	o["user_complaint_times"] = s.num(int64(c.UserComplaintTimes))
	o["problem_description"] = c.ProblemDescription
	if c.ProblemType != "" {
		o["problem_type"] = c.ProblemType
	}
	if c.ApplyRefundAmount != 0 {
		o["apply_refund_amount"] = s.num(c.ApplyRefundAmount)
	}
	if c.ComplaintedMchID != "" {
		o["complainted_mchid"] = c.ComplaintedMchID
	}
	if c.PayerPhone != "" {
		o["payer_phone"] = c.PayerPhone
	}
	orders := []any{}
	for _, od := range c.Orders {
		orders = append(orders, map[string]any{"transaction_id": od.TransactionID, "out_trade_no": od.OutTradeNo, "amount": s.num(od.Amount)})
	}
	o["complaint_order_info"] = orders
	media := []any{}
	for _, m := range c.Media {
		media = append(media, mediaObject(m))
	}
	o["complaint_media_list"] = media
	return o
}

func mediaObject(m Media) map[string]any {
	urls := m.URLs
	if urls == nil {
		urls = []string{}
	}
	return map[string]any{"media_type": m.Type, "media_url": urls}
}

// wxComplaint finds a complaint the request's merchant may act on: its own
// sub-merchant's, never through the agent number [inferred].
func (s *Server) wxComplaint(c *call) (*wxState, bool) {
	st, ok := s.wx[c.get("complaint_id")]
	if !ok || st.c.CusID != c.cusid {
		return nil, false
	}
	return st, true
}

func (s *Server) wxDetail(c *call) answer {
	s.mu.Lock()
	st, ok := s.wxComplaint(c)
	var wc WeChatComplaint
	if ok {
		wc = cloneWeChat(st.c)
	}
	s.mu.Unlock()
	if !ok {
		return fail(MsgComplaintNotFound)
	}
	return recordsAnswer(s.wxObject(wc), nil)
}

func (s *Server) wxHistory(c *call) answer {
	limit, a, ok := intField(c, "limit", 100, 1, MaxHistoryLimit)
	if !ok {
		return a
	}
	offset, a, ok := intField(c, "offset", 0, 0, 1<<30)
	if !ok {
		return a
	}
	s.mu.Lock()
	st, ok := s.wxComplaint(c)
	var hist []HistoryEntry
	if ok {
		hist = slices.Clone(st.history)
	}
	s.mu.Unlock()
	if !ok {
		return fail(MsgComplaintNotFound)
	}
	data := []any{}
	for _, h := range hist[min(offset, len(hist)):min(offset+limit, len(hist))] {
		images := h.ImageList
		if images == nil {
			images = []string{}
		}
		item := map[string]any{
			"log_id": h.LogID, "operator": h.Operator, "operate_time": cntime.Format(h.OperateTime, time.RFC3339),
			"operate_type": h.OperateType, "operate_details": h.OperateDetails, "image_list": images,
		}
		if h.Media != nil {
			item["complaint_media_list"] = mediaObject(*h.Media)
		}
		data = append(data, item)
	}
	rec := map[string]any{"offset": s.num(int64(offset)), "limit": s.num(int64(limit)), "data": data}
	if offset == 0 {
		rec["total_count"] = s.num(int64(len(hist)))
	}
	return recordsAnswer(rec, nil)
}

// mediaIDs splits a #@#-joined media id list and checks that each id names
// an image the fake holds.
func (s *Server) mediaIDs(c *call, k string) ([]string, answer, bool) {
	v := c.get(k)
	if v == "" {
		return nil, answer{}, true
	}
	ids := strings.Split(v, imageSeparator)
	if len(ids) > MaxResponseImages {
		return nil, paramError(k, "最多"+strconv.Itoa(MaxResponseImages)+"张"), false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if _, ok := s.images[id]; !ok {
			return nil, fail(MsgImageNotFound), false
		}
	}
	return ids, answer{}, true
}

func (s *Server) wxReply(c *call) answer {
	content := c.get("response_content")
	if utf8.RuneCountInString(content) > MaxResponseContent {
		return paramError("response_content", "长度不能超过"+strconv.Itoa(MaxResponseContent))
	}
	ids, a, ok := s.mediaIDs(c, "response_images")
	if !ok {
		return a
	}
	images := make([]string, 0, len(ids))
	for _, id := range ids {
		images = append(images, ImageURL(id))
	}
	h := s.fillHistory(HistoryEntry{Operator: OperatorMerchant, OperateType: OpMerchantResponse, OperateDetails: content, ImageList: images})
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.wxComplaint(c)
	if !ok {
		return fail(MsgComplaintNotFound)
	}
	st.history = append(st.history, h)
	if st.c.State == StatePending {
		st.c.State = StateProcessing
	}
	return success(nil)
}

// wxComplete marks a complaint processed; completing a processed complaint
// again succeeds without a second history entry [inferred].
func (s *Server) wxComplete(c *call) answer {
	h := s.fillHistory(HistoryEntry{Operator: OperatorMerchant, OperateType: OpMerchantConfirmDone})
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.wxComplaint(c)
	if !ok {
		return fail(MsgComplaintNotFound)
	}
	if st.c.State != StateProcessed {
		st.c.State = StateProcessed
		st.history = append(st.history, h)
	}
	return success(nil)
}

// wxRefund records a refund decision on a REFUND complaint, once
// [inferred, as WeChat]. APPROVE takes launch_refund_day (and remark);
// REJECT requires reject_reason and takes reject_media_list and remark.
func (s *Server) wxRefund(c *call) answer {
	d := RefundDecision{Action: c.get("action"), LaunchRefundDay: c.get("launch_refund_day"),
		RejectReason: c.get("reject_reason"), Remark: c.get("remark")}
	h := HistoryEntry{Operator: OperatorMerchant}
	switch d.Action {
	case "APPROVE":
		if c.get("reject_reason") != "" || c.get("reject_media_list") != "" {
			return paramError("reject_reason", "仅在REJECT时填写")
		}
		if _, a, ok := intField(c, "launch_refund_day", 0, 0, 1<<16); !ok {
			return a
		}
		h.OperateType = OpMerchantApproveRefund
	case "REJECT":
		if d.RejectReason == "" {
			return paramError("reject_reason", "不能为空")
		}
		if d.LaunchRefundDay != "" {
			return paramError("launch_refund_day", "仅在APPROVE时填写")
		}
		ids, a, ok := s.mediaIDs(c, "reject_media_list")
		if !ok {
			return a
		}
		d.RejectMediaList = ids
		h.OperateType, h.OperateDetails = OpMerchantRefuseRefund, d.RejectReason
	default:
		return paramError("action", "取值错误")
	}
	h = s.fillHistory(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.wxComplaint(c)
	switch {
	case !ok:
		return fail(MsgComplaintNotFound)
	case st.c.ProblemType != ProblemRefund:
		return fail(MsgNotRefundRequest)
	case len(st.refunds) > 0:
		return fail(MsgRefundDecided)
	}
	st.refunds = append(st.refunds, d)
	st.history = append(st.history, h)
	if st.c.State == StatePending {
		st.c.State = StateProcessing
	}
	return success(nil)
}

func (s *Server) wxUpload(c *call) answer {
	if len(c.f.file) == 0 {
		return paramError("file", "不能为空")
	}
	id := newMediaID()
	s.mu.Lock()
	s.images[id] = c.f.file
	s.mu.Unlock()
	return success(map[string]string{"mediaid": id})
}

func (s *Server) wxImage(c *call) answer {
	id := mediaIDOf(c.get("imgurl"))
	if id == "" {
		return paramError("imgurl", "格式错误")
	}
	b, ok := s.Image(id)
	if !ok {
		return fail(MsgImageNotFound)
	}
	return success(map[string]string{"imagebase64": base64Std(b)})
}

func (s *Server) wxOrderDetail(c *call) answer {
	id := c.get("complaintorderid")
	if len(id) > 32 {
		return paramError("complaintorderid", "长度不能超过32")
	}
	s.mu.Lock()
	o, ok := s.orders[id]
	var tc TransactionComplaint
	if ok {
		tc = *o
		tc.MediaIDList = slices.Clone(o.MediaIDList)
	}
	s.mu.Unlock()
	if !ok || tc.CusID != c.cusid {
		return fail(MsgComplaintNotFound)
	}
	unix := func(t time.Time) any {
		if t.IsZero() {
			return s.num(0)
		}
		return s.num(t.Unix())
	}
	ids := tc.MediaIDList
	if ids == nil {
		ids = []string{}
	}
	order := map[string]any{
		"complaintOrderId": tc.ComplaintOrderID, "orderId": tc.OrderID, "openId": tc.OpenID,
		"headImgUrl": tc.HeadImgURL, "phoneNumber": tc.PhoneNumber, "type": s.num(int64(tc.Type)),
		"status": s.num(int64(tc.Status)), "productName": tc.ProductName, "totalCostStr": tc.TotalCostStr,
		"createTime": unix(tc.CreateTime), "payTime": unix(tc.PayTime), "expireTime": unix(tc.ExpireTime),
		"customerMaterial": map[string]any{"mediaIdList": ids, "content": tc.Content},
	}
	return recordsAnswer(map[string]any{"errcode": s.num(0), "errmsg": "ok", "complaintOrder": order}, nil)
}
