package allinpaytest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
)

// MaxAlipayPageSize is the largest alicomplaintqueryv2 page_size the fake
// accepts: epay caps it at 50; Allinpay documents no limit [inferred].
const MaxAlipayPageSize = 50

// Alipay process codes the fake knows (fact sheet §6); any non-empty code is
// accepted and stored verbatim, these included.
const (
	ProcessConsensus       = "CONSENSUS_WITH_CLIENT"
	ProcessRefund          = "REFUND"
	ProcessNoRefund        = "RECTIFICATION_NO_REFUND"
	ProcessProofNotContact = "SUBMIT_PROOF_NOT_CONTACTED"
	ProcessOther           = "ORTHER" // sic, as Alipay spells it
)

func aliTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return cntime.Format(t, dateTimeLayout)
}

// aliID is a complaint id inside records: a number, as Alipay's are, or a
// string under WithStringNumbers.
func (s *Server) aliID(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return s.num(n)
	}
	return id
}

// aliObject is a complaint as the list shows it; the detail adds the
// processing fields.
func (s *Server) aliObject(c AlipayComplaint, detail bool) map[string]any {
	o := map[string]any{}
	for k, v := range c.Extra {
		o[k] = v
	}
	trades := []any{}
	for _, t := range c.Trades {
		trades = append(trades, map[string]any{"trade_no": t.TradeNo, "out_no": t.OutNo, "amount": t.Amount,
			"gmt_trade": aliTime(t.GmtTrade), "status_description": t.StatusDescription})
	}
	for k, v := range map[string]any{
		"id": s.aliID(c.ID), "task_id": c.TaskID, "opposite_pid": c.OppositePID, "opposite_name": c.OppositeName,
		"complain_amount": c.ComplainAmount, "contact": c.Contact, "gmt_complain": aliTime(c.GmtComplain),
		"gmt_process": aliTime(c.GmtProcess), "gmt_overdue": aliTime(c.GmtOverdue),
		"complain_content": c.ComplainContent, "trade_no": c.TradeNo, "status": c.Status,
		"status_description": c.StatusDescription, "complaint_trade_info_list": trades,
	} {
		o[k] = v
	}
	if detail {
		certify := c.CertifyInfo
		if certify == nil {
			certify = []string{}
		}
		imgs := c.ProcessImgURLList
		if imgs == nil {
			imgs = []string{}
		}
		for k, v := range map[string]any{
			"complain_url": c.ComplainURL, "certify_info": certify, "process_code": c.ProcessCode,
			"process_message": c.ProcessMessage, "process_remark": c.ProcessRemark,
			"process_img_url_list": imgs, "gmt_risk_finish_time": aliTime(c.GmtRiskFinish),
		} {
			o[k] = v
		}
	}
	return o
}

func (s *Server) aliList(c *call) answer {
	begin, end, a, ok := window(c, "gmt_complaint_start", "gmt_complaint_end", true)
	if !ok {
		return a
	}
	pageNum, size, a, ok := paging(c, MaxAlipayPageSize)
	if !ok {
		return a
	}
	tradeNo, taskID := c.get("trade_no"), c.get("task_id")
	scope := s.listScope(c)
	s.mu.Lock()
	var matched []AlipayComplaint
	for _, st := range s.ali {
		ac := st.c
		if !scope(ac.CusID) || !inWindow(ac.GmtComplain, begin, end) ||
			(taskID != "" && ac.TaskID != taskID) || (tradeNo != "" && !aliHasTrade(ac, tradeNo)) {
			continue
		}
		matched = append(matched, cloneAlipay(ac))
	}
	s.mu.Unlock()
	newestFirst(matched, func(c AlipayComplaint) (time.Time, string) { return c.GmtComplain, c.ID })
	list := []any{}
	for _, ac := range page(matched, pageNum, size) {
		o := s.aliObject(ac, false)
		o["merchantNo"] = ac.CusID
		list = append(list, o)
	}
	return recordsAnswer(map[string]any{
		"code": "10000", "msg": "Success", "total_size": s.num(int64(len(matched))),
		"current_page": s.num(int64(pageNum)), "page_size": s.num(int64(size)), "complaint_list": list,
	}, nil)
}

func aliHasTrade(c AlipayComplaint, tradeNo string) bool {
	if c.TradeNo == tradeNo {
		return true
	}
	for _, t := range c.Trades {
		if t.TradeNo == tradeNo {
			return true
		}
	}
	return false
}

func (s *Server) aliDetail(c *call) answer {
	s.mu.Lock()
	st, ok := s.ali[c.get("complain_id")]
	var ac AlipayComplaint
	if ok {
		ac = cloneAlipay(st.c)
	}
	s.mu.Unlock()
	if !ok || ac.CusID != c.cusid {
		return fail(MsgComplaintNotFound)
	}
	return recordsAnswer(s.aliObject(ac, true), nil)
}

// strictJSON decodes a JSON string field, refusing unknown object keys and
// trailing data.
func strictJSON(s string, v any) error {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errorString("trailing data")
	}
	return nil
}

// aliFinish finishes every complaint of id_list (a JSON array of ids, as
// numbers or strings), all or none.
func (s *Server) aliFinish(c *call) answer {
	var raw []json.RawMessage
	if strictJSON(c.get("id_list"), &raw) != nil || len(raw) == 0 {
		return paramError("id_list", "格式错误")
	}
	ids := make([]string, 0, len(raw))
	for _, r := range raw {
		var id string
		if json.Unmarshal(r, &id) != nil {
			var n json.Number
			if json.Unmarshal(r, &n) != nil {
				return paramError("id_list", "格式错误")
			}
			id = n.String()
		}
		ids = append(ids, id)
	}
	var imgs []AlipayImage
	if v := c.get("img_file_list"); v != "" {
		if strictJSON(v, &imgs) != nil {
			return paramError("img_file_list", "格式错误")
		}
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, im := range imgs {
		if _, ok := s.aliFiles[im.ImgURLKey]; !ok {
			return fail(MsgImageNotFound)
		}
	}
	states := make([]*aliState, 0, len(ids))
	for _, id := range ids {
		st, ok := s.ali[id]
		if !ok || st.c.CusID != c.cusid {
			return fail(MsgComplaintNotFound)
		}
		states = append(states, st)
	}
	urls := make([]string, 0, len(imgs))
	for _, im := range imgs {
		urls = append(urls, im.ImgURL)
	}
	for _, st := range states {
		st.c.Status, st.c.StatusDescription = alipayStatusProcessed, "已处理"
		st.c.ProcessCode, st.c.ProcessRemark = c.get("process_code"), c.get("remark")
		st.c.ProcessImages, st.c.ProcessImgURLList = slices.Clone(imgs), slices.Clone(urls)
		st.c.GmtProcess = now.Truncate(time.Second)
	}
	return success(map[string]string{"complaint_process_success": "true"})
}

func (s *Server) aliUpload(c *call) answer {
	if len(c.f.file) == 0 {
		return paramError("file", "不能为空")
	}
	k := "A*" + randomString(24)
	s.mu.Lock()
	s.aliFiles[k] = c.f.file
	s.mu.Unlock()
	return recordsAnswer(map[string]any{"file_key": k, "file_url": alipayFileURLPrefix + k}, nil)
}
