package wechatpaytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// ErrNoNotificationURL is returned by Notify when no notification URL is
// registered.
var ErrNoNotificationURL = errors.New("wechatpaytest: no complaint notification url registered")

// NotifyOption adjusts one callback.
type NotifyOption func(*notifyConfig)

type notifyConfig struct {
	id             string
	eventType      wechatpay.EventType
	summary        string
	serial         string
	fault          Fault
	nonce          *string
	associatedData *string
	algorithm      string
	createTime     time.Time
}

// WithEventID sets the envelope id (default: a fresh UUID-like id). Reuse an id
// to simulate WeChat redelivering the same notification.
func WithEventID(id string) NotifyOption { return func(c *notifyConfig) { c.id = id } }

// WithEventType overrides event_type (default COMPLAINT.CREATE for
// CREATE_COMPLAINT, COMPLAINT.STATE_CHANGE otherwise).
func WithEventType(t wechatpay.EventType) NotifyOption {
	return func(c *notifyConfig) { c.eventType = t }
}

// WithSigningSerial signs the callback with the identity named serial (the
// public-key id or a certificate serial) instead of the default: the public
// key when the server has one, else the newest certificate.
func WithSigningSerial(serial string) NotifyOption {
	return func(c *notifyConfig) { c.serial = serial }
}

// WithNotifyFault makes the callback misbehave: FaultTamperedBody,
// FaultStaleTimestamp, FaultFutureTimestamp, FaultProbeSignature
// ("WECHATPAY/SIGNTEST/..."), FaultUnknownSerial or FaultUnsigned. A receiver
// must reject each of them.
func WithNotifyFault(f Fault) NotifyOption { return func(c *notifyConfig) { c.fault = f } }

// WithResourceNonce puts nonce in resource.nonce. A value that is not 12 bytes
// is sent as-is (the resource is sealed under a proper nonce, so it cannot be
// opened): receivers must reject it without panicking.
func WithResourceNonce(nonce string) NotifyOption {
	return func(c *notifyConfig) { c.nonce = &nonce }
}

// WithAssociatedData sets resource.associated_data (default "complaint"; may
// be empty).
func WithAssociatedData(ad string) NotifyOption {
	return func(c *notifyConfig) { c.associatedData = &ad }
}

// WithAlgorithm puts another resource.algorithm in the envelope (the resource
// is still AES-256-GCM), for testing the receiver's algorithm check.
func WithAlgorithm(alg string) NotifyOption { return func(c *notifyConfig) { c.algorithm = alg } }

// WithCreateTime sets create_time (default now).
func WithCreateTime(t time.Time) NotifyOption { return func(c *notifyConfig) { c.createTime = t } }

// newEventID returns a UUID-shaped id (36 characters), as WeChat's envelope ids.
func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// builtNotification is a complaint callback ready to send.
type builtNotification struct {
	header    http.Header
	body      []byte
	id        string
	eventType wechatpay.EventType
}

// Event types the server sends (fact sheet §5.1).
const (
	eventComplaintCreate      = "COMPLAINT.CREATE"
	eventComplaintStateChange = "COMPLAINT.STATE_CHANGE"
	actionCreateComplaint     = "CREATE_COMPLAINT"
)

// buildNotification returns the headers and body of a complaint callback.
func (s *Server) buildNotification(complaintID string, action wechatpay.ActionType, opts []NotifyOption) (*builtNotification, error) {
	nc := notifyConfig{}
	for _, o := range opts {
		o(&nc)
	}
	if nc.id == "" {
		nc.id = newEventID()
	}
	if nc.eventType == "" {
		nc.eventType = eventComplaintStateChange
		if action == actionCreateComplaint {
			nc.eventType = eventComplaintCreate
		}
	}
	if nc.summary == "" {
		nc.summary = "投诉状态变更"
		if nc.eventType == eventComplaintCreate {
			nc.summary = "产生新投诉"
		}
	}
	if nc.createTime.IsZero() {
		nc.createTime = s.cfg.now()
	}
	ad := "complaint"
	if nc.associatedData != nil {
		ad = *nc.associatedData
	}
	plain, err := json.Marshal(notificationResource{ComplaintID: complaintID, ActionType: string(action)})
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: encoding the resource: %w", err)
	}
	var res encryptedBody
	if nc.nonce != nil && len(*nc.nonce) == signing.AESGCMNonceSize {
		ct, err := s.gcm.Seal(nil, []byte(*nc.nonce), plain, []byte(ad))
		if err != nil {
			return nil, fmt.Errorf("wechatpaytest: encrypting the resource: %w", err)
		}
		res = encryptedBody{Algorithm: algorithmAEADAES256GCM, Ciphertext: signing.EncodeBase64(ct), AssociatedData: ad, Nonce: *nc.nonce}
	} else {
		res, err = s.encrypt(plain, ad)
		if err != nil {
			return nil, fmt.Errorf("wechatpaytest: encrypting the resource: %w", err)
		}
		if nc.nonce != nil {
			res.Nonce = *nc.nonce
		}
	}
	res.OriginalType = "complaint"
	if nc.algorithm != "" {
		res.Algorithm = nc.algorithm
	}
	body, err := json.Marshal(notificationEnvelope{
		ID:           nc.id,
		CreateTime:   wireSecond(nc.createTime),
		EventType:    string(nc.eventType),
		ResourceType: "encrypt-resource",
		Summary:      nc.summary,
		Resource:     res,
	})
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: encoding the notification: %w", err)
	}
	serial := nc.serial
	if serial == "" && s.cfg.publicKey != nil {
		serial = s.cfg.publicKeyID
	}
	hdr := http.Header{}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Request-ID", randomHex(16))
	hdr.Set("User-Agent", "Mozilla/4.0")
	if nc.fault != FaultUnsigned {
		var h signatureHeaders
		h, body = s.sign(serial, body, nc.fault)
		h.set(hdr)
	}
	return &builtNotification{header: hdr, body: body, id: nc.id, eventType: nc.eventType}, nil
}

// NewNotificationRequest builds the complaint callback WeChat would POST, as
// an incoming server request (RequestURI set, body readable), for calling a
// handler directly: handler.ServeHTTP(recorder, req). It targets the
// registered notification URL, or https://merchant.example/wechatpay/notify
// when none is registered. Nothing is sent.
func (s *Server) NewNotificationRequest(complaintID string, action wechatpay.ActionType, opts ...NotifyOption) (*http.Request, error) {
	target := s.NotificationURL()
	if target == "" {
		target = "https://merchant.example/wechatpay/notify"
	}
	n, err := s.buildNotification(complaintID, action, opts)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: notification url: %w", err)
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(n.body))
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: building the notification request: %w", err)
	}
	req.Header = n.header
	req.RequestURI = u.RequestURI()
	req.RemoteAddr = "192.0.2.1:41234"
	req.Host = u.Host
	return req, nil
}

// Delivery records one callback the server sent.
type Delivery struct {
	ID          string
	URL         string
	EventType   wechatpay.EventType
	ComplaintID string
	ActionType  wechatpay.ActionType
	// Status is the receiver's HTTP status (0 when the request failed).
	Status int
	// Err is the transport error, if any.
	Err error
}

// Deliveries returns the callbacks sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Notify POSTs a signed, encrypted complaint callback for complaintID and
// action to the registered notification URL and returns the receiver's HTTP
// status. WeChat counts 200 and 204 as success; the fake does not retry (call
// again, WithEventID, to simulate a redelivery). The complaint need not exist.
func (s *Server) Notify(ctx context.Context, complaintID string, action wechatpay.ActionType, opts ...NotifyOption) (int, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return 0, err
	}
	u := s.NotificationURL()
	if u == "" {
		return 0, ErrNoNotificationURL
	}
	return s.NotifyURL(ctx, u, complaintID, action, opts...)
}

// NotifyURL is Notify to an explicit URL, registered or not. A nil ctx is
// complaint.CheckContext's error, for both.
func (s *Server) NotifyURL(ctx context.Context, target, complaintID string, action wechatpay.ActionType, opts ...NotifyOption) (int, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return 0, err
	}
	n, err := s.buildNotification(complaintID, action, opts)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(n.body))
	if err != nil {
		return 0, fmt.Errorf("wechatpaytest: building the notification request: %w", err)
	}
	req.Header = n.header
	d := Delivery{ID: n.id, URL: target, EventType: n.eventType, ComplaintID: complaintID, ActionType: action}
	resp, err := s.cfg.notifyClient.Do(req)
	if err != nil {
		d.Err = err
		s.addDelivery(d)
		return 0, fmt.Errorf("wechatpaytest: delivering the notification: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	d.Status = resp.StatusCode
	s.addDelivery(d)
	return resp.StatusCode, nil
}

func (s *Server) addDelivery(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
}
