package wechatpay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// NotificationURLRequest is the body of the create and update calls; URL must
// be https.
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
	return checkHTTPS("url", r.URL)
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

// CreateNotificationURL registers the complaint callback URL (https only). A
// service provider's URL receives the callbacks of all its sub-merchants.
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

// UpdateNotificationURL changes the complaint callback URL.
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
