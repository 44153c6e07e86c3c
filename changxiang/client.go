package changxiang

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
)

// V3BaseURL is the base URL of the older v3 API (create_pay), seen in public
// integration code. The open platform's base URL is not published: give it to
// Call as an absolute URL, or as the client's base with option.WithBaseURL.
const V3BaseURL = "https://payapi.cxka.com/api/v3/"

// name is the provider's name for package option.
const name = string(complaint.Changxiang)

// Credentials are the merchant's 畅想 credentials.
type Credentials struct {
	// Secret is the merchant's API secret: it signs v3 requests, the v3
	// payment callback and, presumably, the complaint notification. Required.
	// Build it with signing.NewSecret from a string or a []byte.
	Secret signing.Secret
	// AppKey is the v3 app_key; CreatePay needs it, notifications do not.
	AppKey string
	// MchID, when set, must equal the mch_id of every v3 payment callback; a
	// callback for another merchant matches complaint.ErrUnknownKey.
	MchID string
}

// Client verifies 畅想's notifications and calls its v3 API for one merchant.
// It is safe for concurrent use.
//
// Of the shared options (package option): CreatePay is a GET that creates an
// order, so it is never retried unless option.Retry.RetryWrites is set; Call
// posts and is likewise retried only with RetryWrites. The base URL
// (V3BaseURL by default) applies to CreatePay and to Call with a relative
// path.
type Client struct {
	creds       Credentials
	rule        Rule
	ack         complaint.Ack
	http        *resty.Client
	retryWrites bool
}

// settings are the options of 畅想's own.
type settings struct {
	rule Rule
	ack  *complaint.Ack
}

// WithRule sets the rule that verifies complaint notifications and signs Call
// requests (DefaultRule when not given). Confirm it with FindRule on a real
// notification. A zero Rule is an error.
func WithRule(r Rule) option.Option {
	return option.For(name, func(s *settings) error {
		if r.IsZero() {
			return errZeroRule
		}
		s.rule = r
		return nil
	})
}

// WithAck sets the answer to a complaint notification that was handled: by
// default HTTP 200, application/json, body {} (the documented answer). A
// zero Status means 200.
func WithAck(a complaint.Ack) option.Option {
	return option.For(name, func(s *settings) error {
		if a.Status == 0 {
			a.Status = http.StatusOK
		}
		if a.Status < 200 || a.Status > 299 {
			return errors.New("changxiang: the success answer must have a 2xx status")
		}
		a.Body = append([]byte(nil), a.Body...)
		s.ack = &a
		return nil
	})
}

// defaultAck is the documented answer: 200 with the JSON body {}.
var defaultAck = complaint.Ack{Status: http.StatusOK, ContentType: "application/json", Body: []byte("{}")}

// NewClient returns a client for the merchant of creds. It checks that the
// secret is set and does no I/O. Shared options come from package option;
// WithRule and WithAck are 畅想's own.
func NewClient(creds Credentials, opts ...option.Option) (*Client, error) {
	if creds.Secret.IsZero() {
		return nil, &complaint.ValidationError{Field: "Secret", Reason: "is empty"}
	}
	creds.AppKey = strings.TrimSpace(creds.AppKey)
	creds.MchID = strings.TrimSpace(creds.MchID)
	own := settings{rule: DefaultRule}
	s, err := option.Apply(name, &own, opts...)
	if err != nil {
		return nil, err
	}
	ho := httpc.FromSettings(s)
	if ho.BaseURL == "" {
		ho.BaseURL = V3BaseURL
	}
	c := &Client{
		creds:       creds,
		rule:        own.rule,
		ack:         defaultAck,
		http:        httpc.New(ho),
		retryWrites: ho.Retry.RetryWrites,
	}
	if own.ack != nil {
		c.ack = *own.ack
	}
	return c, nil
}

// Rule returns the rule the client verifies complaint notifications with.
func (c *Client) Rule() Rule { return c.rule }

// String describes the client without its secret.
func (c *Client) String() string {
	return "changxiang.Client{app_key=" + c.creds.AppKey + ", rule=" + c.rule.name + ", secret=" + signing.Redacted + "}"
}

// ErrPushOnly is the answer of Source: 畅想 publishes no call to list, read
// or answer complaints. It matches errors.ErrUnsupported.
var ErrPushOnly = fmt.Errorf("changxiang: complaints are only pushed; the platform publishes no list, detail, history or reply call: %w",
	errors.ErrUnsupported)

// Source always answers ErrPushOnly (errors.Is(err, errors.ErrUnsupported)):
// 畅想 pushes complaints and publishes no call to list, read, reply to,
// complete or refund them, so there is no complaint.Source or
// complaint.Responder to poll or enrich with. Every notification carries the
// whole complaint (see Notification.Event), so complaint.WithEnrichment is
// not needed. It is here so that code setting up every provider alike learns
// that at start-up.
func (c *Client) Source() (complaint.Source, error) { return nil, ErrPushOnly }
