package complaint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
)

// DefaultMaxBodyBytes is the callback body limit when none is set: 1 MiB, far more
// than any provider's complaint notification.
const DefaultMaxBodyBytes int64 = 1 << 20

// ErrInternal marks a failure inside the handler's own pipeline: a panic in a
// receiver or sink, or a Store error. The provider is told to retry.
var ErrInternal = errors.New("complaint: internal error")

// Receiver is a provider's half of a callback endpoint: it verifies and parses a
// notification and knows how the provider wants to be answered. Each provider
// package has one (wechatpay.NewReceiver, ...). Receivers are safe for concurrent
// use.
type Receiver interface {
	// Provider names the provider whose callbacks this receiver takes.
	Provider() Provider
	// Receive verifies and parses one callback. header and body are exactly as
	// received (body never re-encoded). On error nothing is dispatched; the error
	// should match one of this package's sentinels (ErrSignatureInvalid,
	// ErrTimestampSkew, ErrUnknownKey, ErrMalformedNotification, ...).
	Receive(ctx context.Context, header http.Header, body []byte) ([]Event, error)
	// Ack returns the answer the provider expects: success when err is nil,
	// failure otherwise (the provider will deliver again).
	Ack(err error) Ack
}

// Ack is an HTTP answer to a provider's callback.
type Ack struct {
	Status      int
	ContentType string
	Body        []byte
}

// Sink receives events, once per new event id. Returning an error makes the
// handler answer failure, forget the event id and so accept the provider's
// redelivery. A sink should be quick (WeChat wants an answer within 5 seconds):
// enqueue and return.
type Sink interface {
	HandleEvent(ctx context.Context, e *Event) error
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, e *Event) error

// HandleEvent calls f.
func (f SinkFunc) HandleEvent(ctx context.Context, e *Event) error { return f(ctx, e) }

// HandlerOption configures NewHandler.
type HandlerOption func(*handler)

// WithMaxBodyBytes sets the callback body limit; n <= 0 means DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *handler) {
		if n > 0 {
			h.maxBody = n
		}
	}
}

// WithStore sets the de-duplication store; the default is NewMemoryStore().
func WithStore(s Store) HandlerOption { return func(h *handler) { h.store = s } }

// WithHandlerLogger sets where the handler logs rejected callbacks (Info),
// duplicates (Debug) and sink or store failures and panics (Error). The default
// discards. Log lines carry the provider, event id, kind and complaint id, never
// bodies, signatures or buyer data.
func WithHandlerLogger(l *slog.Logger) HandlerOption {
	return func(h *handler) {
		if l != nil {
			h.log = l
		}
	}
}

// WithEnrichment makes the handler fill Event.Complaint with src.Get before the
// sink runs, for providers whose notifications carry only ids (WeChat, Allinpay's
// WeChat relay). A failed Get is logged at Warn and the event is dispatched
// without the complaint: the sink can fetch it later, and the provider is not made
// to redeliver for a transient read error.
func WithEnrichment(src Source) HandlerOption { return func(h *handler) { h.enrich = src } }

type handler struct {
	recv    Receiver
	sink    Sink
	store   Store
	maxBody int64
	log     *slog.Logger
	enrich  Source
}

// NewHandler returns the http.Handler for one provider's callback URL. For each
// POST it reads at most the body limit, lets the receiver verify and parse it,
// drops events whose id the Store has seen, calls the sink once per new event and
// writes the acknowledgement the receiver dictates. Bad input (oversize, forged,
// stale, malformed) is answered as a failure and dispatches nothing. A panic in
// the receiver or the sink is recovered and answered as a failure.
func NewHandler(recv Receiver, sink Sink, opts ...HandlerOption) http.Handler {
	h := &handler{recv: recv, sink: sink, maxBody: DefaultMaxBodyBytes, log: discardLogger}
	for _, o := range opts {
		o(h)
	}
	if h.store == nil {
		h.store = NewMemoryStore()
	}
	return h
}

var discardLogger = slog.New(slog.DiscardHandler)

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	provider := slog.String("provider", string(h.recv.Provider()))
	err := h.serve(r)
	if err != nil {
		level := slog.LevelInfo
		if errors.Is(err, ErrInternal) {
			level = slog.LevelError
		}
		h.log.LogAttrs(r.Context(), level, "complaint callback rejected", provider, slog.String("error", err.Error()))
	}
	h.write(w, err)
}

// serve runs the pipeline and returns the error to acknowledge, nil for success.
func (h *handler) serve(r *http.Request) (err error) {
	body, err := ReadBody(r, h.maxBody)
	if err != nil {
		return err
	}
	ctx := r.Context()
	events, err := h.receive(ctx, r.Header, body)
	if err != nil {
		return err
	}
	for i := range events {
		if err := h.dispatch(ctx, &events[i]); err != nil {
			return err
		}
	}
	return nil
}

func (h *handler) receive(ctx context.Context, header http.Header, body []byte) (events []Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			events, err = nil, fmt.Errorf("%w: panic in receiver (%T)", ErrInternal, p)
		}
	}()
	return h.recv.Receive(ctx, header, body)
}

func (h *handler) dispatch(ctx context.Context, e *Event) error {
	key := e.DedupeKey()
	// attrs describe the event in log lines; built only when a line is written.
	attrs := func(extra ...slog.Attr) []slog.Attr {
		return append([]slog.Attr{
			slog.String("provider", string(e.Provider)), slog.String("event_id", e.ID),
			slog.String("kind", string(e.Kind)), slog.String("complaint_id", e.ComplaintID),
		}, extra...)
	}
	fresh, err := h.store.Claim(ctx, key)
	if err != nil {
		return fmt.Errorf("%w: store claim: %w", ErrInternal, err)
	}
	if !fresh {
		if h.log.Enabled(ctx, slog.LevelDebug) {
			h.log.LogAttrs(ctx, slog.LevelDebug, "duplicate complaint event dropped", attrs()...)
		}
		return nil
	}
	if h.enrich != nil && e.Complaint == nil && e.ComplaintID != "" {
		if c, gerr := h.enrich.Get(ctx, e.ComplaintID); gerr == nil {
			e.Complaint = c
		} else {
			h.log.LogAttrs(ctx, slog.LevelWarn, "complaint enrichment failed", attrs(slog.String("error", gerr.Error()))...)
		}
	}
	if err := h.callSink(ctx, e); err != nil {
		if rerr := h.store.Release(context.WithoutCancel(ctx), key); rerr != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "store release failed", attrs(slog.String("error", rerr.Error()))...)
		}
		h.log.LogAttrs(ctx, slog.LevelError, "complaint sink failed", attrs(slog.String("error", err.Error()))...)
		return err
	}
	return nil
}

func (h *handler) callSink(ctx context.Context, e *Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: panic in sink (%T)", ErrInternal, p)
		}
	}()
	return h.sink.HandleEvent(ctx, e)
}

// write sends the receiver's acknowledgement. A panicking Ack falls back to a
// plain 500.
func (h *handler) write(w http.ResponseWriter, err error) {
	ack, ok := h.ack(err)
	if !ok {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if ack.Status == 0 {
		ack.Status = http.StatusOK
	}
	if ack.ContentType != "" {
		w.Header().Set("Content-Type", ack.ContentType)
	}
	w.WriteHeader(ack.Status)
	if len(ack.Body) > 0 {
		_, _ = w.Write(ack.Body)
	}
}

func (h *handler) ack(err error) (a Ack, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
		}
	}()
	return h.recv.Ack(err), true
}

// ReadBody reads r.Body up to limit bytes (DefaultMaxBodyBytes when limit <= 0)
// and puts an equivalent body back on r, so later readers see the same bytes. A
// body over the limit is ErrBodyTooLarge and nothing of it is returned.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: content length %d exceeds %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	body, err := readLimited(r.Body, r.ContentLength, limit)
	_ = r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %w", ErrMalformedNotification, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: body exceeds %d bytes", ErrBodyTooLarge, limit)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// readLimited reads at most limit+1 bytes. The first buffer is sized from the
// announced length (plus one byte to see EOF), so a usual callback body costs one
// allocation, but never more than 64 KiB up front: a client announcing a large
// body and sending nothing ties up no memory. A body longer than announced is
// still read up to limit+1, so the caller sees it as too large.
func readLimited(r io.Reader, announced, limit int64) ([]byte, error) {
	size := int64(512)
	if announced > 0 {
		size = min(announced+1, 64<<10)
	}
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if announced > 0 && int64(len(buf)) < announced {
				return nil, io.ErrUnexpectedEOF
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// StatusFor is the HTTP status a failure acknowledgement usually carries: 413 for
// ErrBodyTooLarge, 401 for signature, key and timestamp failures, 400 for
// malformed notifications, 500 otherwise, and 200 for nil. Receivers use it so
// that every provider answers the same error with the same status.
func StatusFor(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrSignatureInvalid), errors.Is(err, ErrUnknownKey), errors.Is(err, ErrTimestampSkew):
		return http.StatusUnauthorized
	case errors.Is(err, ErrMalformedNotification):
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}
