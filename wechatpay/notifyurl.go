package wechatpay

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// NotificationURLRequest is the body of the create and update calls. URL must
// be https; http:// is accepted for a loopback host only, for fake servers
// (see CreateNotificationURL).
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
	if len(r.URL) > 512 {
		return invalid("url", "longer than 512 characters")
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
// localhost, in 127.0.0.0/8 or ::1.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
// The URL must be https, except that http:// with a loopback host (localhost,
// 127.0.0.0/8, [::1]) is accepted so that a local handler, such as an
// httptest.Server, can be registered with a fake server (wechatpaytest)
// running on the same machine. Real WeChat Pay rejects such a URL: it only
// calls https URLs it can reach from the internet.
func (c *Client) CreateNotificationURL(ctx context.Context, r *NotificationURLRequest) (*NotificationURL, error) {
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	return c.notificationURLCall(ctx, http.MethodPost, r)
}

// GetNotificationURL returns the registered complaint callback URL; a
// merchant without one gets an error matching complaint.ErrNotFound.
func (c *Client) GetNotificationURL(ctx context.Context) (*NotificationURL, error) {
	return c.notificationURLCall(ctx, http.MethodGet, nil)
}

// UpdateNotificationURL changes the complaint callback URL; the URL follows
// CreateNotificationURL's rule (https, or http:// to a loopback host for a
// fake server; WeChat Pay itself rejects the latter).
func (c *Client) UpdateNotificationURL(ctx context.Context, r *NotificationURLRequest) (*NotificationURL, error) {
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	return c.notificationURLCall(ctx, http.MethodPut, r)
}

// DeleteNotificationURL removes the complaint callback URL (204).
func (c *Client) DeleteNotificationURL(ctx context.Context) error {
	_, err := c.do(ctx, http.MethodDelete, c.notificationsPath(), nil, nil, verifyResponse)
	return err
}
