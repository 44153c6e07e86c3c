package wechatpay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
	"github.com/tousu-go/tousu/signing"
)

// EventType is a notification envelope's event_type.
type EventType string

// Event types.
const (
	EventComplaintCreate      EventType = "COMPLAINT.CREATE"
	EventComplaintStateChange EventType = "COMPLAINT.STATE_CHANGE"
	EventSecurityEchoSuccess  EventType = "SECURITY_ECHO.SUCCESS"
)

// AlgorithmAEADAES256GCM is the only resource algorithm WeChat uses for
// callbacks and certificate downloads.
const AlgorithmAEADAES256GCM = "AEAD_AES_256_GCM"

// EncryptedResource is an AEAD_AES_256_GCM-encrypted payload (callback
// resource, downloaded certificate).
type EncryptedResource struct {
	OriginalType   string `json:"original_type,omitempty"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data,omitempty"`
	Nonce          string `json:"nonce"`
}

// NotificationResource is a complaint notification's decrypted resource.
// It carries ids only: fetch the detail or history for the rest.
type NotificationResource struct {
	ComplaintID string     `json:"complaint_id"`
	ActionType  ActionType `json:"action_type"`
}

// Notification is a complaint callback: the envelope as sent, and the decrypted
// resource after ParseNotification.
type Notification struct {
	// ID is unique per notification; redeliveries repeat it.
	ID           string            `json:"id"`
	CreateTime   time.Time         `json:"create_time"`
	EventType    EventType         `json:"event_type"`
	ResourceType string            `json:"resource_type"`
	Summary      string            `json:"summary"`
	Resource     EncryptedResource `json:"resource"`

	// Decrypted is the opened resource (filled by ParseNotification and
	// Receiver; never encoded).
	Decrypted NotificationResource `json:"-"`
	// RequestID is the callback's Request-ID header, when present.
	RequestID string `json:"-"`
}

// MaxNotificationBytes bounds a callback body read by ParseNotification. A
// complaint notification is well under 2 KiB.
const MaxNotificationBytes int64 = 64 << 10

// ParseNotification reads a complaint callback (at most MaxNotificationBytes;
// the body is put back on r), verifies its signature over the raw body,
// checks the algorithm, decrypts the resource with the APIv3 key and decodes
// {complaint_id, action_type} into n.Decrypted. An unknown certificate serial
// triggers one certificate download when the client allows it.
//
// Errors match complaint.ErrBodyTooLarge, complaint.ErrSignatureInvalid
// (including WeChat's WECHATPAY/SIGNTEST probes), complaint.ErrTimestampSkew,
// complaint.ErrUnknownKey or complaint.ErrMalformedNotification. Never pass a
// body your framework decoded and re-encoded: the signature covers the bytes
// WeChat sent.
func (c *Client) ParseNotification(r *http.Request) (*Notification, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil request", complaint.ErrMalformedNotification)
	}
	body, err := complaint.ReadBody(r, MaxNotificationBytes)
	if err != nil {
		return nil, err
	}
	return c.ParseNotificationBody(r.Context(), r.Header, body)
}

// ParseNotificationBody is ParseNotification for a header and raw body your
// framework already read.
func (c *Client) ParseNotificationBody(ctx context.Context, h http.Header, body []byte) (*Notification, error) {
	n := new(Notification)
	if err := c.parseNotification(ctx, h, body, n); err != nil {
		return nil, err
	}
	return n, nil
}

func malformed(reason string) error {
	return fmt.Errorf("%w: %s", complaint.ErrMalformedNotification, reason)
}

func (c *Client) parseNotification(ctx context.Context, h http.Header, body []byte, n *Notification) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := c.verify(ctx, h, body, true); err != nil {
		return err
	}
	return c.decodeNotification(h, body, n)
}

// decodeNotification decodes and decrypts a verified callback body.
func (c *Client) decodeNotification(h http.Header, body []byte, n *Notification) error {
	var v envelopeView
	if !fastEnvelope(body, n, &v) {
		*n, v = Notification{}, envelopeView{}
		if err := wxcomplaint.Unmarshal(body, n); err != nil { // lenient: "" create_time is zero
			return malformed("body is not a notification envelope")
		}
		v = envelopeView{nonce: []byte(n.Resource.Nonce), ciphertext: []byte(n.Resource.Ciphertext), aad: []byte(n.Resource.AssociatedData)}
	}
	if n.ID == "" {
		return malformed("envelope has no id")
	}
	n.RequestID = headerValue(h, hdrRequestID)
	if n.Resource.Algorithm != AlgorithmAEADAES256GCM {
		return malformed("unsupported resource algorithm")
	}
	if len(v.nonce) != signing.AESGCMNonceSize {
		return malformed("resource nonce is not 12 bytes")
	}
	if len(v.ciphertext) > base64.StdEncoding.EncodedLen(int(MaxNotificationBytes)) {
		return malformed("resource ciphertext too long")
	}
	ct := make([]byte, base64.StdEncoding.DecodedLen(len(v.ciphertext)))
	k, err := base64.StdEncoding.Decode(ct, v.ciphertext)
	if err != nil {
		return malformed("resource ciphertext is not base64")
	}
	pt, err := c.aead.Open(ct[:0], v.nonce, ct[:k], v.aad)
	if err != nil {
		return fmt.Errorf("%w: resource does not decrypt (check the apiv3 key): %w", complaint.ErrMalformedNotification, err)
	}
	if !fastResource(pt, &n.Decrypted) {
		n.Decrypted = NotificationResource{}
		if err := json.Unmarshal(pt, &n.Decrypted); err != nil {
			return malformed("decrypted resource is not json")
		}
	}
	if strings.HasPrefix(string(n.EventType), "COMPLAINT.") && n.Decrypted.ComplaintID == "" {
		return malformed("decrypted resource has no complaint_id")
	}
	return nil
}

// Receiver plugs a client into complaint.NewHandler: it verifies and
// decrypts WeChat complaint callbacks and answers the way WeChat expects
// (200 with an empty body on success; 4xx/5xx with {"code":"FAIL",...} on
// failure, so WeChat redelivers). Events carry only ids; to have the handler
// fetch the complaint before your sink runs, pass
// complaint.WithEnrichment(client.Source()) to NewHandler.
type Receiver struct {
	c *Client
}

// NewReceiver returns the receiver for c's callbacks.
func NewReceiver(c *Client) *Receiver { return &Receiver{c: c} }

// Provider is complaint.WeChatPay.
func (*Receiver) Provider() complaint.Provider { return complaint.WeChatPay }

// Receive verifies and parses one callback. Complaint events (COMPLAINT.*)
// become one complaint.Event whose ID is the envelope id, so redeliveries
// de-duplicate; other verified events (SECURITY_ECHO.SUCCESS) are
// acknowledged and dispatch nothing.
func (r *Receiver) Receive(ctx context.Context, h http.Header, body []byte) ([]complaint.Event, error) {
	if r == nil || r.c == nil {
		return nil, fmt.Errorf("%w: receiver without client", complaint.ErrInternal)
	}
	n := new(Notification)
	if err := r.c.parseNotification(ctx, h, body, n); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(string(n.EventType), "COMPLAINT.") {
		return nil, nil
	}
	events := make([]complaint.Event, 1)
	notificationEvent(n, &events[0])
	return events, nil
}

var ackFail = map[int][]byte{}

func failBody(msg string) []byte {
	b, _ := json.Marshal(map[string]string{"code": "FAIL", "message": msg})
	return b
}

func init() {
	ackFail[http.StatusUnauthorized] = failBody("signature verification failed")
	ackFail[http.StatusBadRequest] = failBody("malformed notification")
	ackFail[http.StatusRequestEntityTooLarge] = failBody("body too large")
	ackFail[http.StatusInternalServerError] = failBody("internal error")
}

// Ack answers 200 with no body on success, or complaint.StatusFor(err) with
// {"code":"FAIL","message":...}; the message is generic and never echoes the
// error.
func (*Receiver) Ack(err error) complaint.Ack {
	if err == nil {
		return complaint.Ack{Status: http.StatusOK}
	}
	st := complaint.StatusFor(err)
	body, ok := ackFail[st]
	if !ok {
		body = ackFail[http.StatusInternalServerError]
	}
	return complaint.Ack{Status: st, ContentType: "application/json", Body: append([]byte(nil), body...)}
}
