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

// Notification is a verified complaint callback: the envelope as sent, and the
// decrypted resource.
type Notification struct {
	// ID is unique per notification; redeliveries repeat it.
	ID           string            `json:"id"`
	CreateTime   time.Time         `json:"create_time"`
	EventType    EventType         `json:"event_type"`
	ResourceType string            `json:"resource_type"`
	Summary      string            `json:"summary"`
	Resource     EncryptedResource `json:"resource"`

	// Decrypted is the opened resource (filled by Verify; never encoded).
	Decrypted NotificationResource `json:"-"`
	// RequestID is the callback's Request-ID header, when present.
	RequestID string `json:"-"`
}

// MaxNotificationBytes bounds a callback body read by ParseNotification. A
// complaint notification is well under 2 KiB.
const MaxNotificationBytes int64 = 64 << 10

// Verify checks a complaint callback from its header and raw body, exactly as
// received (never decoded and re-encoded: the signature covers the bytes WeChat
// sent), and returns it decoded: the layer for any web framework. It checks the
// Wechatpay-* headers, the 5-minute window both ways and the RSA signature with
// the key the Wechatpay-Serial names, then the resource algorithm, nonce and
// ciphertext lengths, decrypts the resource with the APIv3 key and decodes
// {complaint_id, action_type} into n.Decrypted. An unknown certificate serial
// triggers one certificate download under ctx when the client was built with
// WithCertificateDownload (at most once a minute).
//
// Errors match complaint.ErrSignatureInvalid (including WeChat's
// WECHATPAY/SIGNTEST probes), complaint.ErrTimestampSkew,
// complaint.ErrUnknownKey or complaint.ErrMalformedNotification; a nil ctx is
// complaint.CheckContext's error.
func (c *Client) Verify(ctx context.Context, header http.Header, body []byte) (*Notification, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	r := new(received)
	if err := c.parseNotification(ctx, header, body, &r.n, r.scratch[:]); err != nil {
		return nil, err
	}
	return &r.n, nil
}

// received is what one callback needs on the heap, in one allocation: the
// event Receive returns, the notification its Raw points to, and room to
// decode the resource's ciphertext (a complaint resource with its tag is at
// most 144 bytes: a 64-character complaint_id and the longest action_type).
// BenchmarkCallback and BenchmarkHandlerCallback measure it: two allocations
// fewer per callback than allocating the three parts apart.
type received struct {
	ev      [1]complaint.Event
	n       Notification
	scratch [160]byte
}

// ParseNotification reads the complaint callback in r through
// complaint.ReadDelivery (at most MaxNotificationBytes; the body is put back
// on r for later readers) and checks it with Verify under r's context. A body
// over the limit is complaint.ErrBodyTooLarge; a nil request
// complaint.ErrMalformedNotification.
func (c *Client) ParseNotification(r *http.Request) (*Notification, error) {
	d, err := complaint.ReadDelivery(r, MaxNotificationBytes)
	if err != nil {
		return nil, err
	}
	return c.Verify(r.Context(), d.Header, d.Body)
}

func malformed(reason string) error {
	return fmt.Errorf("%w: %s", complaint.ErrMalformedNotification, reason)
}

// parseNotification is Verify into n, decoding the resource in scratch when
// it fits; ctx is not nil.
func (c *Client) parseNotification(ctx context.Context, h http.Header, body []byte, n *Notification, scratch []byte) error {
	if err := c.verify(ctx, h, body, true); err != nil {
		return err
	}
	return c.decodeNotification(h, body, n, scratch)
}

// decodeNotification decodes and decrypts a verified callback body. The
// resource is decoded and decrypted in scratch when it fits (nothing of it is
// kept: the decoded fields are copied out), else in a buffer of its own.
func (c *Client) decodeNotification(h http.Header, body []byte, n *Notification, scratch []byte) error {
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
	ct := scratch
	if need := base64.StdEncoding.DecodedLen(len(v.ciphertext)); need > len(ct) {
		ct = make([]byte, need)
	}
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
	if isComplaintEvent(n.EventType) && n.Decrypted.ComplaintID == "" {
		return malformed("decrypted resource has no complaint_id")
	}
	return nil
}

// isComplaintEvent reports whether an event type is a complaint's
// (COMPLAINT.CREATE, COMPLAINT.STATE_CHANGE, and any COMPLAINT.* WeChat adds).
func isComplaintEvent(t EventType) bool { return strings.HasPrefix(string(t), "COMPLAINT.") }

// NotificationEvent converts a verified complaint notification to the common
// model: ID is the envelope id (the de-duplication key), Ref names the
// complaint (with an empty MerchantID: the callback does not say which
// sub-merchant a service provider's complaint is against; Get fills it in),
// Kind follows action_type, or the event type when the action type is one
// this package does not know, and Raw is n. It returns nil for nil and for a
// notification that is not about a complaint (SECURITY_ECHO.SUCCESS).
func NotificationEvent(n *Notification) *complaint.Event {
	if n == nil || !isComplaintEvent(n.EventType) {
		return nil
	}
	e := new(complaint.Event)
	notificationEvent(n, e)
	return e
}

func notificationEvent(n *Notification, e *complaint.Event) {
	kind := n.Decrypted.ActionType.Kind()
	if kind == complaint.KindOther {
		switch n.EventType {
		case EventComplaintCreate:
			kind = complaint.KindCreated
		case EventComplaintStateChange:
			kind = complaint.KindStateChanged
		}
	}
	*e = complaint.Event{
		ID:           n.ID,
		Ref:          complaint.Ref{Provider: complaint.WeChatPay, ID: n.Decrypted.ComplaintID},
		Kind:         kind,
		ProviderKind: string(n.Decrypted.ActionType),
		Time:         n.CreateTime,
		Raw:          n,
	}
}

// Receiver plugs a client into complaint.NewHandler: it verifies and
// decrypts WeChat complaint callbacks and answers the way WeChat expects
// (200 with an empty body on success; 4xx/5xx with {"code":"FAIL",...} on
// failure, so WeChat redelivers). Events carry only ids; to have the handler
// fetch the complaint before your sink runs, pass
// complaint.WithEnrichment(client.Adapter()) to NewHandler.
type Receiver struct {
	c *Client
}

// NewReceiver returns the receiver for c's callbacks.
func NewReceiver(c *Client) *Receiver { return &Receiver{c: c} }

// Provider is complaint.WeChatPay.
func (*Receiver) Provider() complaint.Provider { return complaint.WeChatPay }

// Receive verifies and parses one delivery with Client.Verify. A complaint
// notification (COMPLAINT.*) becomes one complaint.Event (see
// NotificationEvent) whose ID is the envelope id, so redeliveries
// de-duplicate; another verified event (SECURITY_ECHO.SUCCESS) returns no
// events and no error, which the handler acknowledges without dispatching.
func (r *Receiver) Receive(ctx context.Context, d *complaint.Delivery) ([]complaint.Event, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if r == nil || r.c == nil {
		return nil, fmt.Errorf("%w: wechatpay: receiver without client; use NewReceiver", complaint.ErrInternal)
	}
	if d == nil {
		return nil, fmt.Errorf("%w: nil delivery", complaint.ErrMalformedNotification)
	}
	rc := new(received)
	if err := r.c.parseNotification(ctx, d.Header, d.Body, &rc.n, rc.scratch[:]); err != nil {
		return nil, err
	}
	if !isComplaintEvent(rc.n.EventType) {
		return nil, nil
	}
	notificationEvent(&rc.n, &rc.ev[0])
	return rc.ev[:], nil
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
	ackFail[http.StatusServiceUnavailable] = failBody("busy, deliver again later")
	ackFail[http.StatusInternalServerError] = failBody("internal error")
}

// Ack answers 200 with no body on success, or complaint.StatusFor(err) with
// {"code":"FAIL","message":...} (401 for a signature that does not verify,
// 400 for a malformed callback, 413 for an oversize body, 503 while another
// delivery of the same event is in flight, 500 otherwise); the message is
// generic and never echoes the error.
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
