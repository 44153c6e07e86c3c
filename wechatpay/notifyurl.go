package wechatpay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/tousu-go/tousu/complaint"
)

// NotificationURLRequest is the body of the create and update calls. URL must
// be an absolute https URL (WeChat documents no length limit, so none is
// checked here); http:// is accepted for a loopback host only, for fake
// servers (see CreateNotificationURL).
type NotificationURLRequest struct {
	URL string `json:"url"`
}

// NotificationURL is what the create, query and update calls return.
type NotificationURL struct {
	MchID string `json:"mchid"`
	URL   string `json:"url"`
}

func (r *NotificationURLRequest) validate() error {
	if r == nil {
		return invalid("request", "is nil")
	}
	if r.URL == "" {
		return invalid("url", "is required")
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" {
		return invalid("url", "is not an absolute url")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	}
	return invalid("url", "must be https (http only for a loopback host)")
}

// isLoopbackHost reports whether host (without brackets or port) is
// localhost in any letter case (host names are case-insensitive), an IPv4
// address in 127.0.0.0/8, or ::1. An IPv4-mapped IPv6 address
// (::ffff:127.0.0.1) and an address with a zone are not: the first is a
// spelling that resolvers and proxies treat inconsistently, the second names
// an interface, not a host.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" || ip.Is4In6() {
		return false
	}
	return ip.IsLoopback()
}

func (c *Client) notificationURLCall(ctx context.Context, method string, r *NotificationURLRequest) (*NotificationURL, error) {
	var body []byte
	if r != nil {
		if err := r.validate(); err != nil {
			return nil, err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("wechatpay: encoding notification url: %w", err)
		}
		body = b
	}
	resp, err := c.do(ctx, method, c.notificationsPath(), body, nil, verifyResponse)
	if err != nil {
		return nil, err
	}
	var out NotificationURL
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding notification url: %w", err)
	}
	return &out, nil
}

// CreateNotificationURL registers the complaint callback URL. A service
// provider's URL receives the callbacks of all its sub-merchants.
//
// The URL must be https, except that http:// with a loopback host (localhost
// in any letter case, 127.0.0.0/8, [::1]; not an IPv4-mapped or zoned IPv6
// address) is accepted so that a local handler, such as an httptest.Server,
// can be registered with a fake server (wechatpaytest) running on the same
// machine. Real WeChat Pay rejects such a URL: it only calls https URLs it can
// reach from the internet.
func (c *Client) CreateNotificationURL(ctx context.Context, r *NotificationURLRequest) (*NotificationURL, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	return c.notificationURLCall(ctx, http.MethodPost, r)
}

// GetNotificationURL returns the registered complaint callback URL; a
// merchant without one gets an error matching complaint.ErrNotFound.
func (c *Client) GetNotificationURL(ctx context.Context) (*NotificationURL, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	return c.notificationURLCall(ctx, http.MethodGet, nil)
}

// UpdateNotificationURL changes the complaint callback URL; the URL follows
// CreateNotificationURL's rule (https, or http:// to a loopback host for a
// fake server; WeChat Pay itself rejects the latter).
func (c *Client) UpdateNotificationURL(ctx context.Context, r *NotificationURLRequest) (*NotificationURL, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	return c.notificationURLCall(ctx, http.MethodPut, r)
}

// DeleteNotificationURL removes the complaint callback URL (204).
func (c *Client) DeleteNotificationURL(ctx context.Context) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	_, err := c.do(ctx, http.MethodDelete, c.notificationsPath(), nil, nil, verifyResponse)
	return err
}
