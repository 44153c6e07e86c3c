package wechatpaytest

import (
	"io"
	"net/http"
	"strings"

	"github.com/tousu-go/tousu/wechatpay"
)

// maxBody bounds a request body: a 2 MB image plus the multipart framing.
const maxBody = wechatpay.MaxImageBytes + 64<<10

// call is one authenticated request on its way to a route.
type call struct {
	r      *http.Request
	body   []byte
	id     string  // complaint id from the path
	media  string  // media id from the path, escaped as sent
	upload *upload // parsed multipart upload
}

type route struct {
	handle   func(*call) *response
	id       string
	media    string
	isUpload bool
	// err is the answer when no handler matched (404 or 405).
	err *response
}

// Paths, per region.
func (s *Server) servicePrefix() string {
	if s.cfg.region == wechatpay.RegionGlobal {
		return "/v3/global/merchant-service"
	}
	return "/v3/merchant-service"
}

func (s *Server) complaintsPath() string {
	if s.cfg.region == wechatpay.RegionGlobal {
		return s.servicePrefix() + "/complaints"
	}
	return s.servicePrefix() + "/complaints-v2"
}

func (s *Server) certificatesPath() string {
	if s.cfg.region == wechatpay.RegionGlobal {
		return "/v3/global/certificates"
	}
	return "/v3/certificates"
}

// ImageURL returns the media URL this server serves mediaID under (mediaID as
// it appears in a URL, already escaped).
func (s *Server) ImageURL(mediaID string) string {
	return s.URL + s.servicePrefix() + "/images/" + mediaID
}

var (
	errNoRoute = notFound("无法找到该资源")
	errMethod  = apiError(http.StatusMethodNotAllowed, wechatpay.CodeInvalidRequest, "请求方法不被允许", nil)
)

// route finds the handler for method and the escaped path.
func (s *Server) route(method, path string) route {
	one := func(want string, h func(*call) *response) route {
		if method != want {
			return route{err: errMethod}
		}
		return route{handle: h}
	}
	switch path {
	case s.certificatesPath():
		return one(http.MethodGet, s.handleCertificates)
	case s.complaintsPath():
		return one(http.MethodGet, s.handleList)
	case s.servicePrefix() + "/complaint-notifications":
		switch method {
		case http.MethodPost:
			return route{handle: s.handleNotifyCreate}
		case http.MethodGet:
			return route{handle: s.handleNotifyQuery}
		case http.MethodPut:
			return route{handle: s.handleNotifyUpdate}
		case http.MethodDelete:
			return route{handle: s.handleNotifyDelete}
		}
		return route{err: errMethod}
	case s.servicePrefix() + "/images/upload":
		rt := one(http.MethodPost, s.handleUpload)
		rt.isUpload = rt.handle != nil
		return rt
	}
	if rest, ok := strings.CutPrefix(path, s.servicePrefix()+"/images/"); ok && rest != "" {
		rt := one(http.MethodGet, s.handleImage)
		rt.media = rest
		return rt
	}
	rest, ok := strings.CutPrefix(path, s.complaintsPath()+"/")
	if !ok || rest == "" {
		return route{err: errNoRoute}
	}
	id, action, _ := strings.Cut(rest, "/")
	if id == "" || strings.ContainsRune(action, '/') {
		return route{err: errNoRoute}
	}
	var rt route
	switch action {
	case "":
		rt = one(http.MethodGet, s.handleDetail)
	case "negotiation-historys":
		rt = one(http.MethodGet, s.handleHistory)
	case "response":
		rt = one(http.MethodPost, s.handleReply)
	case "complete":
		rt = one(http.MethodPost, s.handleComplete)
	case "update-refund-progress":
		if s.cfg.region == wechatpay.RegionGlobal {
			return route{err: errNoRoute}
		}
		rt = one(http.MethodPost, s.handleRefundProgress)
	case "response-immediate-service":
		if s.cfg.region == wechatpay.RegionGlobal {
			return route{err: errNoRoute}
		}
		rt = one(http.MethodPost, s.handleImmediateService)
	default:
		return route{err: errNoRoute}
	}
	rt.id = id
	return rt
}

// Handler returns the server as an http.Handler, for in-process use (a custom
// http.RoundTripper that calls it directly). Requests need not come through
// the listener: the signed request-target is then the request URL's
// RequestURI, escaping preserved.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		_ = r.Body.Close()
	}
	resp := s.handle(r, body)
	s.write(w, r, resp)
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method:     r.Method,
		RequestURI: requestTarget(r),
		Header:     r.Header.Clone(),
		Body:       body,
		Status:     resp.status,
	})
	s.mu.Unlock()
}

func (s *Server) handle(r *http.Request, body []byte) *response {
	if len(body) > maxBody {
		return paramError("body", "请求体过大")
	}
	rt := s.route(r.Method, r.URL.EscapedPath())
	signed := body
	var up *upload
	if rt.isUpload {
		var bad *response
		up, bad = parseUpload(r.Header.Get("Content-Type"), body)
		if bad != nil {
			return bad
		}
		signed = up.meta
	}
	if bad := s.verifyRequest(r, signed); bad != nil {
		return bad
	}
	if rt.handle == nil {
		return rt.err
	}
	if bad := s.countCall(); bad != nil {
		return bad
	}
	if s.takeFault(r.URL.Path, func(f Fault) bool { return f == FaultServerError }) == FaultServerError {
		return apiError(http.StatusInternalServerError, wechatpay.CodeSystemError, "系统错误", nil)
	}
	return rt.handle(&call{r: r, body: body, id: rt.id, media: rt.media, upload: up})
}

// countCall applies the rate limit.
func (s *Server) countCall() *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rateLimit >= 0 && s.served >= s.rateLimit {
		return apiError(http.StatusTooManyRequests, wechatpay.CodeFrequencyLimited, "请求过于频繁，请稍后再试", nil)
	}
	s.served++
	return nil
}
