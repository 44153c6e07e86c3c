package wechatpaytest

import (
	"net/http"

	"github.com/tousu-go/tousu/wechatpay"
)

// This file serves a complaint's negotiation history (negotiation-historys,
// sic), oldest first, with total_count on every page.

const (
	maxHistoryLimit  = 300
	defaultHistLimit = 100
)

func (s *Server) handleHistory(c *call) *response {
	limit, offset, bad := pageParams(c.r.URL.Query(), defaultHistLimit, maxHistoryLimit)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.complaints[c.id]
	if !ok {
		return notFound("投诉单不存在")
	}
	total := len(st.history)
	var items []*wechatpay.NegotiationHistory
	for i := offset; i < len(st.history) && i < offset+limit; i++ {
		items = append(items, &st.history[i])
	}
	// The converters copy what they keep, so the answer outlives the lock.
	if s.cfg.region == wechatpay.RegionGlobal {
		return jsonResponse(http.StatusOK, newPage(items, limit, offset, &total, toGlobalHistory))
	}
	return jsonResponse(http.StatusOK, newPage(items, limit, offset, &total, toMainlandHistory))
}
