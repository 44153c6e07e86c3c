package changxiang

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/callctx"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
)

// createPayRule is create_pay's rule, from public integration code: app_key,
// api_domain, goods_id, goods_num, order_id, is_mobile in that order,
// "&key=<secret>", MD5 in lower-case hex.
var createPayRule = NewMD5Rule("v3-create-pay", signing.ParamRule{
	Fields:    []string{"app_key", "api_domain", "goods_id", "goods_num", "order_id", "is_mobile"},
	Placement: signing.KeyAppend,
}, signing.Lower)

// CreatePayRequest asks create_pay for a payment page. The field names and
// the signature come from public integration code, not from a published
// reference.
type CreatePayRequest struct {
	// GoodsID is the platform's goods id (goods_id). Required.
	GoodsID string
	// GoodsNum is the quantity (goods_num), at least 1.
	GoodsNum int
	// OrderID is the merchant's order number (order_id). Required.
	OrderID string
	// APIDomain is the merchant's domain registered with the platform
	// (api_domain). Required.
	APIDomain string
	// IsMobile asks for the mobile page (is_mobile=1; 0 otherwise).
	IsMobile bool
	// CallbackURL receives the v3 payment callback (see PaymentReceiver).
	// Optional and not signed.
	CallbackURL string
	// IPAddress is the buyer's IP address. Optional and not signed.
	IPAddress string
}

// PayOption is one payment method of a created order.
type PayOption struct {
	// ID is the method's id as the platform sends it (a number's text or a
	// string).
	ID     string
	PayURL string
}

// CreatePayResponse is create_pay's answer (code 200). The answer carries no
// signature: it is taken as received over TLS.
type CreatePayResponse struct {
	// PayURL is the payment page.
	PayURL string
	// QRCode is the QR code content or image address.
	QRCode string
	// PayList lists the payment methods with their own pages.
	PayList []PayOption
	// Body is the answer exactly as received.
	Body []byte
}

// text is a JSON value read as its signed text (Field.Value): a string's
// content, a number's literal, "" for null. The platform's answers use
// numbers and strings interchangeably for codes and ids.
type text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *text) UnmarshalJSON(b []byte) error { *t = text(signedText(b)); return nil }

// CreatePay creates an order and returns its payment page:
// GET <base>create_pay?app_key&goods_id&goods_num&is_mobile&order_id&api_domain&sign
// [&callback_url][&ip_address]. It needs Credentials.AppKey. A code other than
// 200, or an HTTP status other than 200, is an *APIError. It creates an order,
// so it is retried only with option.Retry.RetryWrites.
func (c *Client) CreatePay(ctx context.Context, req *CreatePayRequest) (*CreatePayResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := c.validateCreatePay(req); err != nil {
		return nil, err
	}
	mobile := "0"
	if req.IsMobile {
		mobile = "1"
	}
	fields := []Field{
		{Key: "app_key", Value: c.creds.AppKey}, {Key: "goods_id", Value: req.GoodsID},
		{Key: "goods_num", Value: strconv.Itoa(req.GoodsNum)}, {Key: "is_mobile", Value: mobile},
		{Key: "order_id", Value: req.OrderID}, {Key: "api_domain", Value: req.APIDomain},
	}
	q := url.Values{}
	for _, f := range fields {
		q.Set(f.Key, f.Value)
	}
	q.Set("sign", createPayRule.Sign(fields, c.creds.Secret))
	if req.CallbackURL != "" {
		q.Set("callback_url", req.CallbackURL)
	}
	if req.IPAddress != "" {
		q.Set("ip_address", req.IPAddress)
	}
	resp, err := c.http.R().SetContext(c.writeCtx(ctx)).SetQueryParamsFromValues(q).
		SetHeader("Accept", "application/json").Get("create_pay")
	if err != nil {
		return nil, fmt.Errorf("changxiang: create_pay: %w", err)
	}
	body := resp.Body()
	var answer struct {
		Code text `json:"code"`
		Msg  text `json:"msg"`
		Data struct {
			PayURL  string `json:"pay_url"`
			QRCode  string `json:"qr_code"`
			PayList []struct {
				ID     text   `json:"id"`
				PayURL string `json:"pay_url"`
			} `json:"pay_list"`
		} `json:"data"`
	}
	derr := json.Unmarshal(body, &answer)
	if resp.StatusCode() != http.StatusOK || derr != nil || answer.Code != "200" {
		e := &APIError{Endpoint: "create_pay", HTTPStatus: resp.StatusCode()}
		if derr == nil {
			e.Code, e.Msg = string(answer.Code), string(answer.Msg)
		}
		return nil, e
	}
	out := &CreatePayResponse{PayURL: answer.Data.PayURL, QRCode: answer.Data.QRCode, Body: body}
	for _, p := range answer.Data.PayList {
		out.PayList = append(out.PayList, PayOption{ID: string(p.ID), PayURL: p.PayURL})
	}
	return out, nil
}

func (c *Client) validateCreatePay(req *CreatePayRequest) error {
	switch {
	case c.creds.AppKey == "":
		return &complaint.ValidationError{Field: "AppKey", Reason: "is empty; create_pay needs Credentials.AppKey"}
	case req == nil:
		return &complaint.ValidationError{Field: "request", Reason: "is nil"}
	case req.GoodsID == "":
		return &complaint.ValidationError{Field: "goods_id", Reason: "is empty"}
	case req.GoodsNum < 1:
		return &complaint.ValidationError{Field: "goods_num", Reason: "must be at least 1"}
	case req.OrderID == "":
		return &complaint.ValidationError{Field: "order_id", Reason: "is empty"}
	case req.APIDomain == "":
		return &complaint.ValidationError{Field: "api_domain", Reason: "is empty"}
	}
	return nil
}

// writeCtx marks ctx so that a write is attempted once unless the caller's
// retry policy retries writes.
func (c *Client) writeCtx(ctx context.Context) context.Context {
	if c.retryWrites {
		return httpc.Idempotent(ctx)
	}
	return callctx.WithoutRetry(ctx)
}

// RawRequest is a signed request to a call this package does not wrap: the
// open platform's payment, order query, payout and face-verification calls,
// whose base URL and fields are not published (so no structs are guessed for
// them), or v3's order query.
type RawRequest struct {
	// URL is absolute, or relative to the client's base URL.
	URL string
	// Params are the fields to send; the sign is added to them.
	Params map[string]string
	// Rule signs the params (their Field.Value is the param, as if received
	// as JSON strings); the zero Rule means the client's rule.
	Rule Rule
	// SignKey is the field the sign goes into; "" means "sign".
	SignKey string
	// Form posts application/x-www-form-urlencoded instead of a JSON object
	// of strings.
	Form bool
}

// RawResponse is the answer to Call, unverified: the platform publishes no
// response signature for these calls.
type RawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// Call signs req.Params with the rule and the client's secret, adds the sign,
// and POSTs them. A non-2xx answer is an *APIError; the body of any answer is
// returned as received. Writes are retried only with
// option.Retry.RetryWrites.
func (c *Client) Call(ctx context.Context, req *RawRequest) (*RawResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if req == nil || req.URL == "" {
		return nil, &complaint.ValidationError{Field: "URL", Reason: "is empty"}
	}
	rule, signKey := req.Rule, req.SignKey
	if rule.IsZero() {
		rule = c.rule
	}
	if signKey == "" {
		signKey = "sign"
	}
	keys := slices.Sorted(maps.Keys(req.Params))
	fields := make([]Field, 0, len(keys))
	send := make(map[string]string, len(keys)+1)
	for _, k := range keys {
		if k == signKey {
			continue
		}
		raw, _ := json.Marshal(req.Params[k])
		fields = append(fields, Field{Key: k, Value: req.Params[k], Raw: raw})
		send[k] = req.Params[k]
	}
	send[signKey] = rule.Sign(fields, c.creds.Secret)
	r := c.http.R().SetContext(c.writeCtx(ctx)).SetHeader("Accept", "application/json")
	if req.Form {
		r.SetFormData(send)
	} else {
		r.SetHeader("Content-Type", "application/json").SetBody(send)
	}
	resp, err := r.Post(req.URL)
	path := httpc.URLPath(req.URL)
	if err != nil {
		return nil, fmt.Errorf("changxiang: %s: %w", path, err)
	}
	if resp.StatusCode() < 200 || resp.StatusCode() > 299 {
		return nil, &APIError{Endpoint: path, HTTPStatus: resp.StatusCode()}
	}
	return &RawResponse{Status: resp.StatusCode(), Header: resp.Header(), Body: resp.Body()}, nil
}

// APIError is a failed call: an HTTP status other than 200, or create_pay's
// code other than 200. Its message never holds the secret or the sign.
type APIError struct {
	// Endpoint is "create_pay", or the path of a Call.
	Endpoint string
	// HTTPStatus is the HTTP status of the answer.
	HTTPStatus int
	// Code and Msg are the answer's code and msg, when it had them.
	Code string
	Msg  string
}

// Error names the endpoint, the status and the platform's code and text.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("changxiang: " + e.Endpoint + ": http status " + strconv.Itoa(e.HTTPStatus))
	if e.Code != "" {
		b.WriteString(": code " + httpc.ProviderText(e.Code))
	}
	if e.Msg != "" {
		b.WriteString(": " + httpc.ProviderText(e.Msg))
	}
	return b.String()
}

// Is maps HTTP statuses onto complaint's sentinels (the platform documents no
// error codes): 429 is complaint.ErrRateLimited, 401 and 403
// complaint.ErrUnauthorized, 404 complaint.ErrNotFound.
func (e *APIError) Is(target error) bool {
	switch target {
	case complaint.ErrRateLimited:
		return e.HTTPStatus == http.StatusTooManyRequests
	case complaint.ErrUnauthorized:
		return e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden
	case complaint.ErrNotFound:
		return e.HTTPStatus == http.StatusNotFound
	}
	return false
}
