package wechatpaytest

import (
	"net"
	"net/http"
	"net/url"

	"github.com/tousu-go/tousu/wechatpay"
)

// NotificationURL returns the registered complaint notification URL ("" when
// none).
func (s *Server) NotificationURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notifyURL
}

// SetNotificationURL registers u as if the merchant had called the create API
// ("" removes it). It is not validated.
func (s *Server) SetNotificationURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyURL = u
}

// checkNotifyURL applies WeChat's rule (an https URL) with one allowance for
// tests: plain http to a loopback host, so an httptest.Server can receive the
// callbacks.
func checkNotifyURL(v string) *response {
	if v == "" {
		return paramError("url", "不能为空")
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || len(v) > 256 {
		return paramError("url", "不是有效的URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return paramError("url", "仅支持https")
}

func (s *Server) notifyBody(u string) *response {
	return jsonResponse(http.StatusOK, wechatpay.NotificationURL{MchID: s.cfg.mchID, URL: u})
}

func (s *Server) handleNotifyCreate(c *call) *response {
	var req wechatpay.NotificationURLRequest
	if bad := decodeJSON(c, &req); bad != nil {
		return bad
	}
	if bad := checkNotifyURL(req.URL); bad != nil {
		return bad
	}
	s.SetNotificationURL(req.URL)
	return s.notifyBody(req.URL)
}

func (s *Server) handleNotifyQuery(*call) *response {
	u := s.NotificationURL()
	if u == "" {
		return notFound("商户未设置投诉通知回调地址")
	}
	return s.notifyBody(u)
}

func (s *Server) handleNotifyUpdate(c *call) *response {
	var req wechatpay.NotificationURLRequest
	if bad := decodeJSON(c, &req); bad != nil {
		return bad
	}
	if bad := checkNotifyURL(req.URL); bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notifyURL == "" {
		return notFound("商户未设置投诉通知回调地址")
	}
	s.notifyURL = req.URL
	return s.notifyBody(req.URL)
}

func (s *Server) handleNotifyDelete(*call) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notifyURL == "" {
		return notFound("商户未设置投诉通知回调地址")
	}
	s.notifyURL = ""
	return noContent()
}
