package wechatpaytest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/wechatpay"
)

// This file serves the complaint list (complaints-v2, global complaints) and
// the complaint detail.

// Documented limits the server enforces (400 PARAM_ERROR when broken).
const (
	maxListSpanDays  = 30
	maxListLimit     = 50
	defaultListLimit = 10
)

// languages are the global mch_language values (fact sheet §6).
var languages = []string{"ZH_CN", "ZH_TW", "ZH_HK", "EN", "JA", "KO", "TH", "VI", "RU", "DE", "FR", "AR", "ES"}

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

// pageParams reads limit (1..hi, default def) and offset (from 0), and
// checks mch_language.
func pageParams(q url.Values, def, hi int) (limit, offset int, bad *response) {
	if limit, bad = intParam(q, "limit", def, 1, hi); bad != nil {
		return 0, 0, bad
	}
	if offset, bad = intParam(q, "offset", 0, 0, 1<<31-1); bad != nil {
		return 0, 0, bad
	}
	return limit, offset, languageParam(q)
}

// languageParam checks mch_language, which only global routes accept (the
// query check has already refused it on mainland).
func languageParam(q url.Values) *response {
	v, ok := q["mch_language"]
	if !ok || slices.Contains(languages, v[0]) {
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
	limit, offset, bad := pageParams(q, defaultListLimit, maxListLimit)
	if bad != nil {
		return bad
	}
	mch := q.Get("complainted_mchid")
	endExcl := end.AddDate(0, 0, 1)

	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*complaintState
	for _, st := range s.sortedLocked() {
		t := st.c.ComplaintTime
		if t.Before(begin) || !t.Before(endExcl) {
			continue
		}
		if mch != "" && st.c.ComplaintedMchID != mch {
			continue
		}
		match = append(match, st)
	}
	var total *int
	if offset == 0 {
		// Documented as returned when offset is 0.
		n := len(match)
		total = &n
	}
	var items []*complaintState
	if offset < len(match) {
		items = match[offset:min(len(match), offset+limit)]
	}
	// The converters copy what they keep, so the answer outlives the lock.
	if s.cfg.region == wechatpay.RegionGlobal {
		return jsonResponse(http.StatusOK, newPage(items, limit, offset, total, func(st *complaintState) globalComplaint { return toGlobal(&st.c) }))
	}
	return jsonResponse(http.StatusOK, newPage(items, limit, offset, total, func(st *complaintState) mainlandComplaint { return toMainland(&st.c, false) }))
}

// newPage converts one page of stored values to their wire form.
func newPage[T, W any](items []*T, limit, offset int, total *int, conv func(*T) W) page[W] {
	p := page[W]{Data: make([]W, 0, len(items)), Limit: limit, Offset: offset, TotalCount: total}
	for _, it := range items {
		p.Data = append(p.Data, conv(it))
	}
	return p
}

func (s *Server) handleDetail(c *call) *response {
	if bad := languageParam(c.r.URL.Query()); bad != nil {
		return bad
	}
	got, ok := s.Complaint(c.id)
	if !ok {
		return notFound("投诉单不存在")
	}
	if s.cfg.region == wechatpay.RegionGlobal {
		return jsonResponse(http.StatusOK, toGlobal(&got))
	}
	return jsonResponse(http.StatusOK, toMainland(&got, true))
}
