package wechatpaytest

import (
	"io"
	"net/http"
	"strings"

	"github.com/tousu-go/tousu/wechatpay"
)

// maxBody bounds a request body: a 2 MB image plus the multipart framing.
const maxBody = maxImageBytes + 64<<10

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
	// query lists the query parameters the endpoint takes; any other is
	// PARAM_ERROR.
	query []string
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

// mainlandImagesPrefix is where WeChat's media URLs point, in both regions:
// the global list, too, returns mainland-form URLs.
const mainlandImagesPrefix = "/v3/merchant-service/images/"

// ImageURL returns the media URL this server gives out for mediaID (mediaID as
// it appears in a URL, already escaped): the mainland form
// <URL>/v3/merchant-service/images/<media_id>, in both regions, as WeChat's
// global list returns mainland-form URLs too. The server answers a signed GET
// on it; a Global server also serves the image at
// /v3/global/merchant-service/images/<media_id>?complaint_id=<id>, where
// complaint_id is required and must be the complaint the image belongs to.
func (s *Server) ImageURL(mediaID string) string {
	return s.URL + mainlandImagesPrefix + mediaID
}

var (
	errNoRoute = notFound("无法找到该资源")
	errMethod  = apiError(http.StatusMethodNotAllowed, codeInvalidRequest, "请求方法不被允许", nil)
)

// route finds the handler for method and the escaped path.
func (s *Server) route(method, path string) route {
	one := func(want string, h func(*call) *response, query ...string) route {
		if method != want {
			return route{err: errMethod}
		}
		return route{handle: h, query: query}
	}
	global := s.cfg.region == wechatpay.RegionGlobal
	switch path {
	case s.certificatesPath():
		if global {
			return one(http.MethodGet, s.handleCertificates) // takes no algorithm_type
		}
		return one(http.MethodGet, s.handleCertificates, certificateParams...)
	case s.complaintsPath():
		if global {
			return one(http.MethodGet, s.handleList, globalListParams...)
		}
		return one(http.MethodGet, s.handleList, listParams...)
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
		var rt route
		if global {
			rt = one(http.MethodGet, s.handleGlobalImage, globalImageParams...)
		} else {
			rt = one(http.MethodGet, s.handleImage)
		}
		rt.media = rest
		return rt
	}
	if rest, ok := strings.CutPrefix(path, mainlandImagesPrefix); ok && global && rest != "" && rest != "upload" {
		// The mainland-form URL a global list gives out.
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
		if global {
			rt = one(http.MethodGet, s.handleDetail, languageParams...)
		} else {
			rt = one(http.MethodGet, s.handleDetail)
		}
	case "negotiation-historys":
		if global {
			rt = one(http.MethodGet, s.handleHistory, globalHistoryParams...)
		} else {
			rt = one(http.MethodGet, s.handleHistory, historyParams...)
		}
	case "response":
		rt = one(http.MethodPost, s.handleReply)
	case "complete":
		rt = one(http.MethodPost, s.handleComplete)
	case "update-refund-progress":
		if global {
			return route{err: errNoRoute}
		}
		rt = one(http.MethodPost, s.handleRefundProgress)
	case "response-immediate-service":
		if global {
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
		return apiError(http.StatusInternalServerError, codeSystemError, "系统错误", nil)
	}
	if bad := checkQuery(r.URL.RawQuery, rt.query); bad != nil {
		return bad
	}
	return rt.handle(&call{r: r, body: body, id: rt.id, media: rt.media, upload: up})
}

// countCall applies the rate limit.
func (s *Server) countCall() *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rateLimit >= 0 && s.served >= s.rateLimit {
		return apiError(http.StatusTooManyRequests, codeFrequencyLimited, "请求过于频繁，请稍后再试", nil)
	}
	s.served++
	return nil
}
