package wechatpaytest

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// This file is the server's state and the API that seeds and inspects it.
// State is kept as package wechatpay's model values (what tests seed and
// compare); wire.go turns them into what WeChat sends.

// Operators as they appear in history.
const (
	operatorUser     = "投诉人"
	operatorMerchant = "商户"
)

type complaintState struct {
	c       wechatpay.Complaint
	history []wechatpay.NegotiationHistory
}

// hasMediaLocked reports whether the complaint or its history refers to the
// media id (escaped as in its URL); s.mu must be held.
func (st *complaintState) hasMediaLocked(id string) bool {
	inList := func(ml wechatpay.MediaList) bool {
		for _, m := range ml {
			for _, u := range m.MediaURL {
				if mediaIDOf(u) == id {
					return true
				}
			}
		}
		return false
	}
	if inList(st.c.ComplaintMediaList) {
		return true
	}
	for _, h := range st.history {
		if inList(h.ComplaintMediaList) {
			return true
		}
		for _, u := range h.ImageList {
			if mediaIDOf(u) == id {
				return true
			}
		}
	}
	return false
}

// AddComplaint stores c, replacing any complaint with the same id, and returns
// it as stored. Missing values get defaults: an id shaped like WeChat's
// (27 digits), ComplaintTime now, state PENDING, ComplaintedMchID the server's
// merchant, UserComplaintTimes 1, and on mainland, where problem_description
// is required, a ProblemDescription naming the problem type (申请退款 for
// REFUND, 服务权益未生效 for SERVICE_NOT_WORK, 其他 otherwise). A
// PayerPhonePlaintext without PayerPhone is encrypted into PayerPhone with the
// merchant public key (RSA-OAEP SHA-1), as WeChat does. Without history, a
// USER_CREATE_COMPLAINT entry is recorded; history entries get log ids and
// times when they lack them.
//
// Values a region does not have are kept but never sent (mainland-only fields
// on global and the reverse). A history entry is sent with at most one
// complaint_media_list object, its first, as WeChat's history items carry one.
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
		c.ComplaintState = statePending
	}
	if c.ComplaintedMchID == "" {
		c.ComplaintedMchID = s.cfg.mchID
	}
	if c.UserComplaintTimes == 0 {
		c.UserComplaintTimes = 1
	}
	if c.ProblemDescription == "" && s.cfg.region != wechatpay.RegionGlobal {
		c.ProblemDescription = defaultProblemDescription(c.ProblemType)
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
			if m.MediaType == mediaUserComplaintImage {
				images = append(images, m.MediaURL...)
			}
		}
		hist = append(hist, wechatpay.NegotiationHistory{
			Operator:       operatorUser,
			OperateTime:    c.ComplaintTime,
			OperateType:    opUserCreateComplaint,
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
		OperateType:    opUserResponse,
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

func cloneMedia(ml wechatpay.MediaList) wechatpay.MediaList {
	if ml == nil {
		return nil
	}
	out := make(wechatpay.MediaList, len(ml))
	for i, m := range ml {
		out[i] = wechatpay.ComplaintMedia{MediaType: m.MediaType, MediaURL: slices.Clone(m.MediaURL)}
	}
	return out
}

func cloneComplaint(c wechatpay.Complaint) wechatpay.Complaint {
	c.ComplaintOrderInfo = slices.Clone(c.ComplaintOrderInfo)
	c.ServiceOrderInfo = slices.Clone(c.ServiceOrderInfo)
	c.UserTagList = slices.Clone(c.UserTagList)
	c.Raw = slices.Clone(c.Raw)
	c.ComplaintMediaList = cloneMedia(c.ComplaintMediaList)
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
	h.ComplaintMediaList = cloneMedia(h.ComplaintMediaList)
	if h.NormalMessage != nil {
		h.NormalMessage = messageFromWire(messageToWire(h.NormalMessage))
	}
	if h.ClickMessage != nil {
		cm := *h.ClickMessage
		cm.MessageContent = slices.Clone(cm.MessageContent)
		h.ClickMessage = &cm
	}
	return h
}
