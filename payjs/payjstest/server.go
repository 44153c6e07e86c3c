package payjstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/signing"
)

// Default credentials of a fake server.
const (
	DefaultMchID = "1230000109"
	DefaultKey   = "payjstest-key-0123456789"
)

// Messages the fake answers with. PAYJS documents no error texts; these are
// chosen so that payjs.APIError maps them onto the complaint sentinels.
const (
	MsgSignError     = "签名错误"
	MsgUnknownMchID  = "商户号不存在"
	MsgOrderNotFound = "订单不存在"
	MsgRateLimited   = "接口请求频率过快,请稍后再试"
	MsgNotPaid       = "订单未支付"
	MsgAlreadyPaid   = "订单已支付,无法关闭"
	MsgRefunded      = "订单已退款"
	MsgClosed        = "订单已关闭"
)

// Order is an order the fake knows.
type Order struct {
	PayJSOrderID  string
	OutTradeNo    string
	TransactionID string
	// TotalFee is in fen.
	TotalFee int64
	Paid     bool
	OpenID   string
	PaidTime time.Time
	Attach   string
	Type     payjs.PayType
	Refunded bool
	Closed   bool
	Reversed bool
	// Checked is set by a successful check of a paid order; PAYJS then stops
	// notifying, and so does Notify.
	Checked bool
}

// Field is one extra field of a complaint record, sent after the documented
// ones in the given order.
type Field struct {
	Key   string
	Value any
}

// Complaint is a complaint record the fake lists. An empty ComplaintID is left
// out of the answer, as in PAYJS's older documentation.
type Complaint struct {
	ComplaintAt time.Time
	OutTradeNo  string
	ComplaintID string
	OrderID     string
	TotalFee    int64
	Body        string
	Extra       []Field
}

// Shape is how the complaints field is encoded.
type Shape int

// Shapes of the complaints field.
const (
	ShapeList        Shape = iota // a JSON array (default)
	ShapeIndexObject              // an object keyed "0", "1", ...
	ShapeString                   // the list JSON-encoded into a string; "" when empty
	ShapeNull                     // a list, or null when empty
)

// Option configures a Handler.
type Option func(*Handler)

// WithCredentials sets the merchant the fake serves (default DefaultMchID with
// DefaultKey). Requests signed for another merchant or key are refused as
// PAYJS refuses them.
func WithCredentials(c payjs.Credentials) Option {
	return func(h *Handler) { h.creds = c }
}

// WithComplaintInterval sets the minimum time between complaint calls
// (default payjs.DefaultPollInterval); 0 or less turns the fake's own limit
// off, for tests that list many times (complainttest.TestSource does).
func WithComplaintInterval(d time.Duration) Option { return func(h *Handler) { h.interval = d } }

// WithClock sets the fake's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithShape sets how the complaints field is encoded.
func WithShape(s Shape) Option { return func(h *Handler) { h.shape = s } }

// WithNotifyClient sets the HTTP client Notify posts with (default a client
// with a 10 second timeout).
func WithNotifyClient(c *http.Client) Option { return func(h *Handler) { h.notifyClient = c } }

// Handler is the fake PAYJS API as an http.Handler serving /api/<endpoint>.
// It is safe for concurrent use.
type Handler struct {
	creds        payjs.Credentials
	signer       *payjs.Signer
	interval     time.Duration
	now          func() time.Time
	shape        Shape
	notifyClient *http.Client

	mu            sync.Mutex
	orders        map[string]*Order
	complaints    []Complaint
	lastComplaint time.Time
	calls         map[string]int
	seq           int
	tamper        func(endpoint string, body []byte) []byte
}

// NewHandler returns a fake PAYJS API.
func NewHandler(opts ...Option) *Handler {
	h := &Handler{
		creds:    payjs.Credentials{MchID: DefaultMchID, Key: signing.NewSecret(DefaultKey)},
		interval: payjs.DefaultPollInterval,
		now:      time.Now, orders: map[string]*Order{}, calls: map[string]int{},
		notifyClient: &http.Client{Timeout: 10 * time.Second},
	}
	for _, o := range opts {
		o(h)
	}
	h.signer = payjs.NewSigner(h.creds.Key)
	return h
}

// Server is a Handler listening on a local httptest server.
type Server struct {
	*Handler
	// URL is the API base URL, ending in "/api/", for option.WithBaseURL.
	URL string
	ts  *httptest.Server
}

// NewServer starts a fake PAYJS server. Close it when done.
func NewServer(opts ...Option) *Server {
	h := NewHandler(opts...)
	ts := httptest.NewServer(h)
	return &Server{Handler: h, URL: ts.URL + "/api/", ts: ts}
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// MchID is the fake's merchant number.
func (h *Handler) MchID() string { return h.creds.MchID }

// Credentials are the credentials of the fake's merchant, for payjs.NewClient:
//
//	c, err := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
func (h *Handler) Credentials() payjs.Credentials { return h.creds }

// AddOrder stores an order, generating a 25-digit PAYJS order number when
// PayJSOrderID is empty, and returns it as stored.
func (h *Handler) AddOrder(o Order) Order {
	h.mu.Lock()
	defer h.mu.Unlock()
	if o.PayJSOrderID == "" {
		h.seq++
		o.PayJSOrderID = h.now().In(cntime.Zone).Format("20060102150405") + fmt.Sprintf("%011d", h.seq)
	}
	if o.Paid && o.PaidTime.IsZero() {
		o.PaidTime = h.now()
	}
	cp := o
	h.orders[o.PayJSOrderID] = &cp
	return o
}

// Order returns a copy of a stored order.
func (h *Handler) Order(id string) (Order, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.orders[id]
	if !ok {
		return Order{}, false
	}
	return *o, true
}

// AddComplaint appends a complaint record to the list. PAYJS lists complaints
// about paid orders, so when c names an OrderID the fake does not hold, the
// order is stored too (paid at ComplaintAt, with the complaint's OutTradeNo and
// TotalFee), and a refund of it succeeds; an order added before with AddOrder
// is left as it is. A record with an empty OrderID names no order.
func (h *Handler) AddComplaint(c Complaint) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.Extra = slices.Clone(c.Extra)
	h.complaints = append(h.complaints, c)
	if _, ok := h.orders[c.OrderID]; c.OrderID != "" && !ok {
		h.orders[c.OrderID] = &Order{PayJSOrderID: c.OrderID, OutTradeNo: c.OutTradeNo, TotalFee: c.TotalFee,
			Paid: true, PaidTime: c.ComplaintAt}
	}
}

// Calls reports how many requests an endpoint received (valid or not).
func (h *Handler) Calls(endpoint string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls[endpoint]
}

// SetTamper installs a function that rewrites every answer body after signing
// (nil removes it), to test verification of altered answers.
func (h *Handler) SetTamper(f func(endpoint string, body []byte) []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tamper = f
}

// kv is one member of an ordered JSON object.
type kv struct {
	k string
	v any
}

// object is an ordered JSON object.
type object []kv

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ServeHTTP answers POST /api/<endpoint>.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	endpoint, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok || endpoint == "" || strings.Contains(endpoint, "/") {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	h.calls[endpoint]++
	h.mu.Unlock()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	params, err := h.readRequest(r)
	if err != nil {
		h.write(w, endpoint, fail("参数错误"), false)
		return
	}
	if params.Get("mchid") != h.creds.MchID {
		h.write(w, endpoint, fail(MsgUnknownMchID), false)
		return
	}
	if h.signer.VerifyValues(params) != nil {
		h.write(w, endpoint, fail(MsgSignError), false)
		return
	}
	var resp object
	sign := true
	switch endpoint {
	case "complaint":
		resp = h.complaint()
	case "check":
		resp = h.check(params.Get("payjs_order_id"))
	case "refund":
		resp, sign = h.refund(params.Get("payjs_order_id"))
	case "close":
		resp = h.close(params.Get("payjs_order_id"))
	case "reverse":
		resp = h.reverse(params.Get("payjs_order_id"))
	default:
		resp = fail("接口不存在")
	}
	h.write(w, endpoint, resp, sign)
}

// readRequest reads a form or JSON request into values.
func (h *Handler) readRequest(r *http.Request) (url.Values, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		params, err := payjs.FlattenJSON(body)
		if err != nil {
			return nil, err
		}
		v := url.Values{}
		for _, p := range params {
			if p.Path != "" {
				return nil, errors.New("nested request parameter")
			}
			v.Add(p.Key, p.Value)
		}
		return v, nil
	}
	return url.ParseQuery(string(body))
}

func fail(msg string) object { return object{{"return_code", 0}, {"return_msg", msg}} }

// write signs (when sign and return_code=1) and sends an answer.
func (h *Handler) write(w http.ResponseWriter, endpoint string, resp object, sign bool) {
	body, err := json.Marshal(resp)
	if err == nil && sign && len(resp) > 0 && resp[0].v == 1 {
		body, err = h.sign(body)
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.mu.Lock()
	tamper := h.tamper
	h.mu.Unlock()
	if tamper != nil {
		body = tamper(endpoint, body)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

// sign adds "sign" to a JSON object, computed over the object exactly as it is
// sent.
func (h *Handler) sign(body []byte) ([]byte, error) {
	params, err := payjs.FlattenJSON(body)
	if err != nil {
		return nil, err
	}
	out := append(bytes.Clone(body[:len(body)-1]), `,"sign":"`...)
	out = append(out, h.signer.Sign(params)...)
	return append(out, `"}`...), nil
}

func (h *Handler) complaint() object {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if h.interval > 0 && !h.lastComplaint.IsZero() && now.Sub(h.lastComplaint) < h.interval {
		return fail(MsgRateLimited)
	}
	h.lastComplaint = now
	items := make([]any, 0, len(h.complaints))
	for _, c := range h.complaints {
		o := object{{"complaint_at", cntime.Format(c.ComplaintAt, cntime.DateTime)}, {"out_trade_no", c.OutTradeNo}}
		if c.ComplaintID != "" {
			o = append(o, kv{"complaint_id", c.ComplaintID})
		}
		o = append(o, kv{"order_id", c.OrderID}, kv{"total_fee", c.TotalFee}, kv{"body", c.Body})
		for _, f := range c.Extra {
			o = append(o, kv{f.Key, f.Value})
		}
		items = append(items, o)
	}
	var list any = items
	switch h.shape {
	case ShapeIndexObject:
		obj := make(object, len(items))
		for i, it := range items {
			obj[i] = kv{strconv.Itoa(i), it}
		}
		list = obj
	case ShapeString:
		if len(items) == 0 {
			list = ""
		} else {
			b, _ := json.Marshal(items)
			list = string(b)
		}
	case ShapeNull:
		if len(items) == 0 {
			list = nil
		}
	}
	return object{{"return_code", 1}, {"return_msg", "SUCCESS"}, {"complaints", list}}
}

func (h *Handler) check(id string) object {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.orders[id]
	if !ok {
		return fail(MsgOrderNotFound)
	}
	status := 0
	paidTime := ""
	if o.Paid {
		status = 1
		paidTime = cntime.Format(o.PaidTime, cntime.DateTime)
		o.Checked = true
	}
	return object{
		{"return_code", 1}, {"mchid", h.creds.MchID}, {"out_trade_no", o.OutTradeNo}, {"payjs_order_id", o.PayJSOrderID},
		{"transaction_id", o.TransactionID}, {"status", status}, {"openid", o.OpenID}, {"total_fee", o.TotalFee},
		{"paid_time", paidTime}, {"attach", o.Attach},
	}
}

func (h *Handler) refund(id string) (object, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.orders[id]
	switch {
	case !ok:
		return fail(MsgOrderNotFound), false
	case !o.Paid:
		return fail(MsgNotPaid), false
	case o.Refunded:
		// PAYJS answers a repeated refund with success and no sign.
		return object{{"return_code", 1}, {"return_msg", MsgRefunded}, {"payjs_order_id", o.PayJSOrderID}, {"refund", "1"}}, false
	}
	o.Refunded = true
	return object{
		{"return_code", 1}, {"return_msg", "退款成功"}, {"payjs_order_id", o.PayJSOrderID},
		{"out_trade_no", o.OutTradeNo}, {"transaction_id", o.TransactionID},
	}, true
}

func (h *Handler) close(id string) object {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.orders[id]
	switch {
	case !ok:
		return fail(MsgOrderNotFound)
	case o.Paid:
		return fail(MsgAlreadyPaid)
	}
	o.Closed = true
	return object{{"return_code", 1}, {"return_msg", "关闭成功"}, {"payjs_order_id", o.PayJSOrderID}}
}

func (h *Handler) reverse(id string) object {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.orders[id]
	if !ok {
		return fail(MsgOrderNotFound)
	}
	o.Reversed = true
	return object{{"return_code", 1}, {"return_msg", "撤销成功"}, {"payjs_order_id", o.PayJSOrderID}}
}

// ErrNotificationStopped: the order was checked successfully, and PAYJS sends
// no more notifications for it.
var ErrNotificationStopped = errors.New("payjstest: order was checked; PAYJS stops notifying")

// NotifyResult is the merchant's answer to a notification.
type NotifyResult struct {
	Status int
	Body   string
}

// Notification returns the signed form PAYJS would post for a paid order,
// with extra fields (such as "type": "alipay" or a future field) added or
// overriding before signing. An empty extra value removes the field.
func (h *Handler) Notification(payjsOrderID string, extra map[string]string) (url.Values, error) {
	h.mu.Lock()
	o, ok := h.orders[payjsOrderID]
	var cp Order
	if ok {
		cp = *o
	}
	h.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("payjstest: unknown order %q", payjsOrderID)
	}
	v := url.Values{
		"return_code":    {"1"},
		"total_fee":      {strconv.FormatInt(cp.TotalFee, 10)},
		"out_trade_no":   {cp.OutTradeNo},
		"payjs_order_id": {cp.PayJSOrderID},
		"transaction_id": {cp.TransactionID},
		"time_end":       {cntime.Format(cp.PaidTime, cntime.DateTime)},
		"openid":         {cp.OpenID},
		"mchid":          {h.creds.MchID},
	}
	if cp.Attach != "" {
		v.Set("attach", cp.Attach)
	}
	if cp.Type != "" {
		v.Set("type", string(cp.Type))
	}
	for k, val := range extra {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	v.Set("sign", h.signer.SignValues(v))
	return v, nil
}

// Notify posts a signed payment notification for a stored order to url, as
// PAYJS does (form POST), and returns the merchant's answer. It returns
// ErrNotificationStopped for an order that was checked successfully.
func (h *Handler) Notify(ctx context.Context, url, payjsOrderID string, extra map[string]string) (*NotifyResult, error) {
	if o, ok := h.Order(payjsOrderID); ok && o.Checked {
		return nil, ErrNotificationStopped
	}
	v, err := h.Notification(payjsOrderID, extra)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(v.Encode()))
	if err != nil {
		return nil, fmt.Errorf("payjstest: notify: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.notifyClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("payjstest: notify: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return &NotifyResult{Status: resp.StatusCode, Body: string(b)}, nil
}
