package wechatpaytest

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
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

// checkNotifyURL applies the notification URL rule the SDK and this server
// agree on (each with its own code): an absolute https URL of any length,
// except that http:// is accepted when the host is a loopback host
// (localhost, an address in 127.0.0.0/8, or [::1]), so a local handler such
// as an httptest.Server can be registered. Real WeChat accepts https only.
func checkNotifyURL(v string) *response {
	if v == "" {
		return paramError("url", "不能为空")
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return paramError("url", "不是有效的URL")
	}
	if u.Scheme == "https" || (u.Scheme == "http" && loopbackHost(u.Hostname())) {
		return nil
	}
	return paramError("url", "仅支持https")
}

// loopbackHost reports whether host is localhost (any letter case, as host
// names are case-insensitive), an IPv4 address in 127.0.0.0/8 or the IPv6
// loopback ::1. IPv4-mapped IPv6 addresses and addresses with a zone do not
// count.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return false
	}
	return (ip.Is4() && ip.As4()[0] == 127) || ip == netip.IPv6Loopback()
}

func (s *Server) notifyBody(u string) *response {
	return jsonResponse(http.StatusOK, notificationURLBody{MchID: s.cfg.mchID, URL: u})
}

func (s *Server) handleNotifyCreate(c *call) *response {
	var req notificationURLRequest
	if bad := decodeJSON(c, &req, notifyURLRequired); bad != nil {
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
	var req notificationURLRequest
	if bad := decodeJSON(c, &req, notifyURLRequired); bad != nil {
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
