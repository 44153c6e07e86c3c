package complaint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/tousu-go/tousu/internal/callctx"
)

// Handler defaults.
const (
	// DefaultMaxBodyBytes is the callback body limit when none is set: 1 MiB, far
	// more than any provider's complaint notification.
	DefaultMaxBodyBytes int64 = 1 << 20
	// DefaultCallbackTimeout bounds one callback from the first byte read to the
	// answer, below WeChat's 5-second window.
	DefaultCallbackTimeout = 4 * time.Second
	// DefaultEnrichmentTimeout bounds the Get that WithEnrichment makes.
	DefaultEnrichmentTimeout = 2 * time.Second
)

// ErrInternal marks a failure inside the handler's own pipeline: a panic in a
// receiver or sink, or a Store error. The provider is told to retry.
var ErrInternal = errors.New("complaint: internal error")

// Delivery is one callback as received: what a Receiver verifies.
type Delivery struct {
	// Method is the request method (POST for every provider tousu speaks to).
	Method string
	// URL is the request URL with its query (畅想 and some Allinpay setups put
	// fields in the query).
	URL *url.URL
	// Header is the request header.
	Header http.Header
	// Body is the body exactly as received, never re-encoded: signatures cover
	// these bytes.
	Body []byte
}

// ReadDelivery reads r's body, at most limit bytes (DefaultMaxBodyBytes when
// limit <= 0), and returns it with r's method, URL and header. r's body is
// replaced by an equivalent one, so later readers see the same bytes. A body
// over the limit is ErrBodyTooLarge and nothing of it is kept; a nil request
// or a body that breaks off is ErrMalformedNotification.
func ReadDelivery(r *http.Request, limit int64) (*Delivery, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil request", ErrMalformedNotification)
	}
	body, err := readBody(nil, r, limit)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return &Delivery{Method: r.Method, URL: r.URL, Header: r.Header, Body: body}, nil
}

// readBody reads at most limit bytes of r's body through http.MaxBytesReader
// (which also tells the server, through w when given, to close the
// connection of an oversize request) and closes it. The handler reads the
// body once and never needs it back; ReadDelivery puts it back for callers
// that pass the request on.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		_ = r.Body.Close()
		return nil, fmt.Errorf("%w: content length %d exceeds %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	body, err := readAll(http.MaxBytesReader(w, r.Body, limit), r.ContentLength)
	_ = r.Body.Close()
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, fmt.Errorf("%w: body exceeds %d bytes", ErrBodyTooLarge, limit)
		}
		return nil, fmt.Errorf("%w: reading body: %w", ErrMalformedNotification, err)
	}
	return body, nil
}

// readAll is io.ReadAll with the first buffer sized from the announced length
// (plus one byte to see EOF), so a usual callback body costs one allocation
// where io.ReadAll's doubling from 512 bytes costs several; never more than 64
// KiB up front, so a client announcing a large body and sending nothing ties up
// no memory. A body shorter than announced is io.ErrUnexpectedEOF.
func readAll(r io.Reader, announced int64) ([]byte, error) {
	size := int64(512)
	if announced > 0 {
		size = min(announced+1, 64<<10)
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
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

// Receiver is a provider's half of a callback endpoint: it verifies and parses a
// notification and knows how the provider wants to be answered. Each provider
// package has one (wechatpay.NewReceiver, ...). Receivers are safe for concurrent
// use.
type Receiver interface {
	// Provider names the provider whose callbacks this receiver takes.
	Provider() Provider
	// Receive verifies and parses one delivery. On error nothing is dispatched;
	// the error should match one of this package's sentinels
	// (ErrSignatureInvalid, ErrTimestampSkew, ErrUnknownKey,
	// ErrMalformedNotification, ...). No events and a nil error means
	// "verified, nothing to dispatch" (a WeChat echo or probe): the handler
	// answers success and calls no sink.
	Receive(ctx context.Context, d *Delivery) ([]Event, error)
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

// Sink receives complaint events. An event reaches the sink once per event id
// when deliveries succeed, and again only if an earlier delivery outlived its
// lease or its commit failed, never not at all. Returning an error makes the
// handler answer failure and release the event, so the provider's redelivery
// is handled. A sink should be quick (WeChat wants an answer within 5 seconds):
// enqueue and return; its context carries the callback's deadline.
type Sink interface {
	HandleEvent(ctx context.Context, e *Event) error
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, e *Event) error

// HandleEvent calls f.
func (f SinkFunc) HandleEvent(ctx context.Context, e *Event) error { return f(ctx, e) }

// PaymentReceiver is a provider's half of a payment-notification endpoint
// (PAYJS notify_url, 畅想's v3 payment callback). Payment notifications are
// not complaint events: they are typed by the provider (N is its notification
// type) and go to a PaymentSink through NewPaymentHandler, with the same
// guarantees as complaint events.
type PaymentReceiver[N any] interface {
	// Provider names the provider whose notifications this receiver takes.
	Provider() Provider
	// ReceivePayment verifies and parses one delivery and returns the
	// notification with its de-duplication id (the provider's order id, or
	// one derived with DeriveEventID). An empty id with a nil error means
	// "verified, nothing to dispatch".
	ReceivePayment(ctx context.Context, d *Delivery) (n N, id string, err error)
	// Ack returns the answer the provider expects for err (nil: success).
	Ack(err error) Ack
}

// PaymentSink receives verified payment notifications, under the same rules as
// Sink.
type PaymentSink[N any] interface {
	HandlePayment(ctx context.Context, n N) error
}

// PaymentSinkFunc adapts a function to PaymentSink.
type PaymentSinkFunc[N any] func(ctx context.Context, n N) error

// HandlePayment calls f.
func (f PaymentSinkFunc[N]) HandlePayment(ctx context.Context, n N) error { return f(ctx, n) }

// HandlerOption configures NewHandler and NewPaymentHandler.
type HandlerOption func(*handlerConfig)

type handlerConfig struct {
	maxBody       int64
	store         Store
	log           *slog.Logger
	lease         time.Duration
	timeout       time.Duration
	enrich        Source
	enrichTimeout time.Duration
	poll          PollState
}

// WithMaxBodyBytes sets the callback body limit; n <= 0 means DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *handlerConfig) {
		if n > 0 {
			h.maxBody = n
		}
	}
}

// WithStore sets the de-duplication store; the default is NewMemoryStore().
// Several replicas behind a load balancer must share one.
func WithStore(s Store) HandlerOption {
	return func(h *handlerConfig) {
		if s != nil {
			h.store = s
		}
	}
}

// WithLease sets how long a delivery holds an event's key (DefaultLease when d
// <= 0). It must exceed the callback timeout; after it, a delivery whose
// holder crashed is handled again.
func WithLease(d time.Duration) HandlerOption {
	return func(h *handlerConfig) {
		if d > 0 {
			h.lease = d
		}
	}
}

// WithCallbackTimeout bounds each callback, from reading the body to the
// answer (DefaultCallbackTimeout when d <= 0). The receiver, the enrichment and
// the sink run under this deadline.
func WithCallbackTimeout(d time.Duration) HandlerOption {
	return func(h *handlerConfig) {
		if d > 0 {
			h.timeout = d
		}
	}
}

// WithHandlerLogger sets where the handler logs rejected callbacks (Info),
// duplicates and redeliveries in flight (Debug), enrichment failures (Warn) and
// sink or store failures and panics (Error). The default discards. Log lines
// carry the provider, event id, kind and complaint reference, never bodies,
// signatures or buyer data.
func WithHandlerLogger(l *slog.Logger) HandlerOption {
	return func(h *handlerConfig) {
		if l != nil {
			h.log = l
		}
	}
}

// WithEnrichment makes the handler fill Event.Complaint with src.Get before the
// sink runs, for providers whose notifications carry only ids (WeChat,
// Allinpay's WeChat relay). The Get runs once, without retries, under its own
// deadline (DefaultEnrichmentTimeout, see WithEnrichmentTimeout) and never past
// the callback's; if it fails or is late the event is dispatched without the
// complaint (logged at Warn): the sink can fetch it later, and a slow provider
// API never delays or fails the acknowledgement. NewPaymentHandler ignores it.
func WithEnrichment(src Source) HandlerOption { return func(h *handlerConfig) { h.enrich = src } }

// WithEnrichmentTimeout sets the enrichment deadline; d <= 0 keeps
// DefaultEnrichmentTimeout.
func WithEnrichmentTimeout(d time.Duration) HandlerOption {
	return func(h *handlerConfig) {
		if d > 0 {
			h.enrichTimeout = d
		}
	}
}

// WithSharedPollState shares a Poller's state (the one given to it with
// WithPollState) with the handler, so that a complaint change reaches the
// sink once whether a callback or a poll brings it first. It acts on events
// that carry the complaint (enriched with WithEnrichment, or sent whole by
// the provider): once the sink took such an event, the handler remembers the
// complaint's Fingerprint, and the poller emits nothing for that version;
// and an event whose complaint has the fingerprint already remembered (the
// poller, or an earlier callback, delivered that version) is answered success
// and not passed to the sink (logged at Debug). Events without the complaint
// are dispatched as usual. A state failure is logged at Warn and never fails
// the callback: the worst outcome is that a change reaches the sink twice.
func WithSharedPollState(s PollState) HandlerOption { return func(h *handlerConfig) { h.poll = s } }

func newConfig(opts []HandlerOption) handlerConfig {
	cfg := handlerConfig{
		maxBody:       DefaultMaxBodyBytes,
		log:           discardLogger,
		lease:         DefaultLease,
		timeout:       DefaultCallbackTimeout,
		enrichTimeout: DefaultEnrichmentTimeout,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.store == nil {
		cfg.store = NewMemoryStore()
	}
	return cfg
}

var discardLogger = slog.New(slog.DiscardHandler)

// NewHandler returns the http.Handler for one provider's complaint callback
// URL. For each POST it reads at most the body limit, lets the receiver verify
// and parse it, and for each event claims the event's key in the Store: a new
// key is enriched (WithEnrichment), passed to the sink, and committed once the
// sink succeeded; a done key is skipped; a key in flight with another delivery
// is answered failure so that the provider delivers again. It then writes the
// acknowledgement the receiver dictates. Bad input (oversize, forged, stale,
// malformed) is answered as a failure and dispatches nothing. A panic in the
// receiver, the enrichment source or the sink is recovered and answered as a
// failure.
func NewHandler(recv Receiver, sink Sink, opts ...HandlerOption) http.Handler {
	cfg := newConfig(opts)
	p := &pipeline[Event]{
		cfg:     cfg,
		recv:    recv,
		receive: recv.Receive,
		key:     (*Event).DedupeKey,
		attrs:   eventAttrs,
		sink:    sink.HandleEvent,
	}
	if cfg.enrich != nil {
		p.prepare = cfg.enrichEvent
	}
	if cfg.poll != nil {
		p.skip = cfg.seenBefore
		p.after = cfg.rememberSeen
	}
	return p
}

// NewPaymentHandler returns the http.Handler for one provider's payment
// notification URL, with the guarantees of NewHandler: bounded read,
// verification, de-duplication through the Store (keys "provider:payment:id"),
// the provider's exact acknowledgement, panics recovered.
func NewPaymentHandler[N any](recv PaymentReceiver[N], sink PaymentSink[N], opts ...HandlerOption) http.Handler {
	prefix := string(recv.Provider()) + ":payment:"
	return &pipeline[payment[N]]{
		cfg:  newConfig(opts),
		recv: recv,
		receive: func(ctx context.Context, d *Delivery) ([]payment[N], error) {
			n, id, err := recv.ReceivePayment(ctx, d)
			if err != nil || id == "" {
				return nil, err
			}
			return []payment[N]{{id: id, n: n}}, nil
		},
		key:   func(p *payment[N]) string { return prefix + p.id },
		attrs: func(p *payment[N]) []slog.Attr { return []slog.Attr{slog.String("payment_id", p.id)} },
		sink:  func(ctx context.Context, p *payment[N]) error { return sink.HandlePayment(ctx, p.n) },
	}
}

type payment[N any] struct {
	id string
	n  N
}

// acker is what both receiver kinds share.
type acker interface {
	Provider() Provider
	Ack(err error) Ack
}

// pipeline is the one callback pipeline behind NewHandler (T = Event) and
// NewPaymentHandler (T = a payment notification).
type pipeline[T any] struct {
	cfg     handlerConfig
	recv    acker
	receive func(context.Context, *Delivery) ([]T, error)
	key     func(*T) string
	attrs   func(*T) []slog.Attr
	prepare func(context.Context, *T)      // may be nil
	skip    func(context.Context, *T) bool // may be nil; true: the sink had it, commit only
	sink    func(context.Context, *T) error
	after   func(context.Context, *T) // may be nil; runs once the sink succeeded
}

func (p *pipeline[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.cfg.timeout)
	defer cancel()
	err := p.serve(ctx, w, r)
	if err != nil {
		level := slog.LevelInfo
		if errors.Is(err, ErrInternal) {
			level = slog.LevelError
		} else if errors.Is(err, ErrInFlight) {
			level = slog.LevelDebug
		}
		if p.cfg.log.Enabled(ctx, level) {
			p.cfg.log.LogAttrs(ctx, level, "complaint callback answered failure",
				slog.String("provider", string(p.recv.Provider())), slog.String("error", err.Error()))
		}
	}
	p.write(w, err)
}

// serve runs the pipeline and returns the error to acknowledge, nil for success.
func (p *pipeline[T]) serve(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, p.cfg.maxBody)
	if err != nil {
		return err
	}
	d := &Delivery{Method: r.Method, URL: r.URL, Header: r.Header, Body: body}
	items, err := p.receiveSafe(ctx, d)
	if err != nil {
		return err
	}
	for i := range items {
		if err := p.dispatch(ctx, &items[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *pipeline[T]) receiveSafe(ctx context.Context, d *Delivery) (items []T, err error) {
	defer func() {
		if v := recover(); v != nil {
			items, err = nil, fmt.Errorf("%w: panic in receiver (%T)", ErrInternal, v)
		}
	}()
	return p.receive(ctx, d)
}

// dispatch claims the item's key and, holding the lease, runs the sink.
func (p *pipeline[T]) dispatch(ctx context.Context, it *T) error {
	key := p.key(it)
	state, token, err := p.cfg.store.Claim(ctx, key, p.cfg.lease)
	if err != nil {
		return fmt.Errorf("%w: store claim: %w", ErrInternal, err)
	}
	switch state {
	case ClaimDone:
		p.logf(ctx, slog.LevelDebug, "duplicate delivery dropped", it)
		return nil
	case ClaimInFlight:
		p.logf(ctx, slog.LevelDebug, "delivery in flight elsewhere; asking the provider to retry", it)
		return ErrInFlight
	case ClaimNew:
	default:
		return fmt.Errorf("%w: store claim answered %d", ErrInternal, int(state))
	}
	if p.prepare != nil {
		p.prepare(ctx, it)
	}
	if p.skip != nil && p.skip(ctx, it) {
		p.logf(ctx, slog.LevelDebug, "complaint version already reached the sink; not dispatched again", it)
	} else if err := p.sinkSafe(ctx, it); err != nil {
		// The release must happen even when the callback's deadline passed.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.timeout)
		defer cancel()
		if rerr := p.cfg.store.Release(rctx, key, token); rerr != nil {
			p.logf(ctx, slog.LevelError, "store release failed", it, slog.String("error", rerr.Error()))
		}
		p.logf(ctx, slog.LevelError, "sink failed", it, slog.String("error", err.Error()))
		return err
	} else if p.after != nil {
		p.after(ctx, it)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.timeout)
	defer cancel()
	if err := p.cfg.store.Commit(cctx, key); err != nil {
		// The sink has the event: answer success. The lease expires and a
		// redelivery, if any, reaches the sink again; nothing is lost.
		p.logf(ctx, slog.LevelError, "store commit failed after the sink succeeded", it, slog.String("error", err.Error()))
	}
	return nil
}

func (p *pipeline[T]) sinkSafe(ctx context.Context, it *T) error { return callSink(ctx, p.sink, it) }

// callSink calls sink and turns a panic in it into an error matching
// ErrInternal; the handler and the Poller share it.
func callSink[T any](ctx context.Context, sink func(context.Context, *T) error, it *T) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: panic in sink (%T)", ErrInternal, v)
		}
	}()
	return sink(ctx, it)
}

// logf writes one line about an item; its attributes are built only when the
// line is written.
func (p *pipeline[T]) logf(ctx context.Context, level slog.Level, msg string, it *T, extra ...slog.Attr) {
	if !p.cfg.log.Enabled(ctx, level) {
		return
	}
	attrs := append([]slog.Attr{slog.String("provider", string(p.recv.Provider()))}, p.attrs(it)...)
	p.cfg.log.LogAttrs(ctx, level, msg, append(attrs, extra...)...)
}

func eventAttrs(e *Event) []slog.Attr {
	return []slog.Attr{slog.String("event_id", e.ID), slog.String("kind", string(e.Kind)), slog.Any("ref", e.Ref)}
}

// enrichEvent fills e.Complaint with one Get under the enrichment deadline. A
// Source that ignores its context cannot hold the callback: the handler stops
// waiting at the deadline and the late answer is dropped.
func (cfg *handlerConfig) enrichEvent(ctx context.Context, e *Event) {
	if e.Complaint != nil || e.Ref.ID == "" {
		return
	}
	ectx, cancel := context.WithTimeout(callctx.WithoutRetry(ctx), cfg.enrichTimeout)
	defer cancel()
	type result struct {
		c   *Complaint
		err error
	}
	done := make(chan result, 1)
	go func() {
		var res result
		defer func() {
			if v := recover(); v != nil {
				res = result{err: fmt.Errorf("%w: panic in enrichment source (%T)", ErrInternal, v)}
			}
			done <- res
		}()
		res.c, res.err = cfg.enrich.Get(ectx, e.Ref)
	}()
	var res result
	select {
	case res = <-done:
	case <-ectx.Done():
		res.err = fmt.Errorf("enrichment: %w", ectx.Err())
	}
	if res.err == nil && res.c != nil {
		e.Complaint = res.c
		return
	}
	if res.err == nil {
		res.err = errors.New("enrichment: source returned no complaint")
	}
	if cfg.log.Enabled(ctx, slog.LevelWarn) {
		attrs := append(eventAttrs(e), slog.String("error", res.err.Error()))
		cfg.log.LogAttrs(ctx, slog.LevelWarn, "complaint enrichment failed; dispatching the event without it", attrs...)
	}
}

// seenBefore reports whether e's complaint, in this version, already reached
// the sink (WithSharedPollState).
func (cfg *handlerConfig) seenBefore(ctx context.Context, e *Event) bool {
	if e.Complaint == nil {
		return false
	}
	seen, err := cfg.poll.Recall(ctx, seenKey(e.Complaint.Ref()))
	if err != nil {
		cfg.warnPollState(ctx, e, err)
		return false
	}
	return seen.Fingerprint == Fingerprint(e.Complaint)
}

// rememberSeen records the fingerprint of e's complaint after the sink took
// it (WithSharedPollState), even when the callback's deadline has passed.
func (cfg *handlerConfig) rememberSeen(ctx context.Context, e *Event) {
	if e.Complaint == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.timeout)
	defer cancel()
	if err := cfg.poll.Remember(rctx, seenKey(e.Complaint.Ref()), Seen{Fingerprint: Fingerprint(e.Complaint)}); err != nil {
		cfg.warnPollState(ctx, e, err)
	}
}

func (cfg *handlerConfig) warnPollState(ctx context.Context, e *Event, err error) {
	if cfg.log.Enabled(ctx, slog.LevelWarn) {
		attrs := append(eventAttrs(e), slog.String("error", err.Error()))
		cfg.log.LogAttrs(ctx, slog.LevelWarn, "shared poll state failed", attrs...)
	}
}

// write sends the receiver's acknowledgement. A panicking Ack falls back to a
// plain 500.
func (p *pipeline[T]) write(w http.ResponseWriter, err error) {
	ack, ok := p.ack(err)
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

func (p *pipeline[T]) ack(err error) (a Ack, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
		}
	}()
	return p.recv.Ack(err), true
}

// StatusFor is the HTTP status a failure acknowledgement usually carries: 413 for
// ErrBodyTooLarge, 401 for signature, key and timestamp failures, 400 for
// malformed notifications, 503 for ErrInFlight (deliver again later), 500
// otherwise, and 200 for nil. Receivers use it so that every provider answers
// the same error with the same status.
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
	case errors.Is(err, ErrInFlight):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
