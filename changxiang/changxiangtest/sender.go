package changxiangtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
)

// Default credentials of a sender.
const (
	DefaultSecret = "changxiangtest-secret-0123456789"
	DefaultAppKey = "cxtest-app-key"
	DefaultMchID  = "10086"
)

// Codes and texts the sender uses for a complaint's later states. The
// platform documents only "1" (添加投诉); these follow the fact sheet's
// inference and are this package's choice, not the platform's.
const (
	TypeAdded        changxiang.ComplaintType = changxiang.ComplaintAdded
	TypeRefunded     changxiang.ComplaintType = "3"
	TypeClosed       changxiang.ComplaintType = "4"
	TypeAddedText                             = "添加投诉"
	TypeRefundedText                          = "退款"
	TypeClosedText                            = "投诉关闭"
)

// Field is an extra data field, sent after the documented ones.
type Field struct {
	Key string
	// Value is anything encoding/json encodes; json.Number sends a number
	// literal exactly ("12.50"), nil sends null.
	Value any
}

// Complaint is the state of one complaint as the sender notifies it. Zero
// times, an empty FinalRefundMoney and nil pointers are sent as null.
type Complaint struct {
	MerchantOrderNo string
	// OrderNo names the complaint; Add generates "cxka"+YYMMDD+a suffix
	// when it is empty.
	OrderNo string
	// Type defaults to TypeAdded, TypeText to its text.
	Type     changxiang.ComplaintType
	TypeText string
	// WechatNickname and QQ are null when nil.
	WechatNickname *string
	QQ             *string
	// BuyerMobile is null when empty.
	BuyerMobile    string
	ZFBComplaintNo string
	ComplaintAt    time.Time
	// FinalRefundMoney is the refund in yuan as sent ("12.50"); "" is null.
	// RefundNumber sends it as a JSON number instead of a string.
	FinalRefundMoney string
	RefundNumber     bool
	RefundAt         time.Time
	ClosedAt         time.Time
	// Extra fields, sent after the documented ones in this order.
	Extra []Field
}

// Option configures a Sender.
type Option func(*Sender)

// WithSecret sets the secret the sender signs with (default DefaultSecret).
func WithSecret(s signing.Secret) Option { return func(x *Sender) { x.secret = s } }

// WithRule sets the rule the sender signs complaint notifications with
// (default changxiang.DefaultRule): any candidate, or a custom one.
func WithRule(r changxiang.Rule) Option { return func(x *Sender) { x.rule = r } }

// WithHTTPClient sets the client the sender posts with (default one with a
// 10-second timeout).
func WithHTTPClient(c *http.Client) Option { return func(x *Sender) { x.client = c } }

// WithClock sets the clock for times left zero by Add and generated order
// numbers (default time.Now).
func WithClock(now func() time.Time) Option { return func(x *Sender) { x.now = now } }

// Sender is a fake 畅想: it keeps complaints, builds and signs their
// notifications, and posts them. It is safe for concurrent use.
type Sender struct {
	secret signing.Secret
	rule   changxiang.Rule
	client *http.Client
	now    func() time.Time

	mu         sync.Mutex
	complaints map[string]*Complaint
	seq        int
}

// NewSender returns a sender with the default credentials and rule.
func NewSender(opts ...Option) *Sender {
	s := &Sender{
		secret: signing.NewSecret(DefaultSecret), rule: changxiang.DefaultRule,
		client: &http.Client{Timeout: 10 * time.Second}, now: time.Now,
		complaints: map[string]*Complaint{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Credentials are the merchant credentials that verify this sender's
// notifications, for changxiang.NewClient (add changxiang.WithRule(s.Rule())
// when the sender does not use the default rule).
func (s *Sender) Credentials() changxiang.Credentials {
	return changxiang.Credentials{Secret: s.secret, AppKey: DefaultAppKey, MchID: DefaultMchID}
}

// Rule is the rule the sender signs complaint notifications with.
func (s *Sender) Rule() changxiang.Rule { return s.rule }

// Add stores a complaint (replacing one with the same OrderNo) and returns it
// as stored: an empty OrderNo is generated, an empty Type is TypeAdded with
// its text, and a zero ComplaintAt is now, to the second.
func (s *Sender) Add(c Complaint) Complaint {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ComplaintAt.IsZero() {
		c.ComplaintAt = s.now().Truncate(time.Second)
	}
	if c.OrderNo == "" {
		s.seq++
		c.OrderNo = fmt.Sprintf("cxka%s%03dx", c.ComplaintAt.In(cntime.Zone).Format("060102"), s.seq)
	}
	if c.Type == "" {
		c.Type, c.TypeText = TypeAdded, TypeAddedText
	}
	cp := c
	s.complaints[c.OrderNo] = &cp
	return c
}

// Complaint returns the stored state of a complaint.
func (s *Sender) Complaint(orderNo string) (Complaint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.complaints[orderNo]
	if !ok {
		return Complaint{}, false
	}
	return *c, true
}

// update changes a stored complaint.
func (s *Sender) update(orderNo string, f func(c *Complaint)) (Complaint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.complaints[orderNo]
	if !ok {
		return Complaint{}, fmt.Errorf("changxiangtest: unknown complaint %q", orderNo)
	}
	f(c)
	return *c, nil
}

// Refund records a refund of yuan (a decimal text, "12.50") at the given
// time: the complaint's next notification has type TypeRefunded,
// final_refund_money and refund_at.
func (s *Sender) Refund(orderNo, yuan string, at time.Time) (Complaint, error) {
	return s.update(orderNo, func(c *Complaint) {
		c.Type, c.TypeText, c.FinalRefundMoney, c.RefundAt = TypeRefunded, TypeRefundedText, yuan, at
	})
}

// Close records the complaint closed at the given time: its next
// notification has type TypeClosed and complaint_closed_at.
func (s *Sender) Close(orderNo string, at time.Time) (Complaint, error) {
	return s.update(orderNo, func(c *Complaint) {
		c.Type, c.TypeText, c.ClosedAt = TypeClosed, TypeClosedText, at
	})
}

// Body returns the signed JSON notification for c, in the layout of the
// platform's example: the documented data fields in their order, then
// c.Extra, then sign.
func (s *Sender) Body(c Complaint) ([]byte, error) { return s.body(c, nil) }

// BodyWithSign returns the notification for c carrying sign instead of its
// own: a forged or tampered notification, for tests (take the sign of
// another body with changxiang's decoding, or any text).
func (s *Sender) BodyWithSign(c Complaint, sign string) ([]byte, error) { return s.body(c, &sign) }

func (s *Sender) body(c Complaint, sign *string) ([]byte, error) {
	var fields []changxiang.Field
	add := func(key string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("changxiangtest: field %s: %w", key, err)
		}
		fields = append(fields, changxiang.JSONField(key, raw))
		return nil
	}
	var refund any
	switch {
	case c.FinalRefundMoney != "" && c.RefundNumber:
		refund = json.Number(c.FinalRefundMoney)
	case c.FinalRefundMoney != "":
		refund = c.FinalRefundMoney
	}
	for _, f := range []Field{
		{"merchant_order_no", c.MerchantOrderNo}, {"order_no", c.OrderNo},
		{"complaint_type", string(c.Type)}, {"complaint_type_text", c.TypeText},
		{"wechat_nickname", c.WechatNickname}, {"qq", c.QQ}, {"buyer_mobile", orNull(c.BuyerMobile)},
		{"zfb_complaint_no", c.ZFBComplaintNo}, {"complaint_at", timeOrNull(c.ComplaintAt)},
		{"final_refund_money", refund}, {"refund_at", timeOrNull(c.RefundAt)},
		{"complaint_closed_at", timeOrNull(c.ClosedAt)},
	} {
		if err := add(f.Key, f.Value); err != nil {
			return nil, err
		}
	}
	for _, f := range c.Extra {
		if err := add(f.Key, f.Value); err != nil {
			return nil, err
		}
	}
	sig := s.rule.Sign(fields, s.secret)
	if sign != nil {
		sig = *sign
	}
	if err := add("sign", sig); err != nil {
		return nil, err
	}
	return changxiang.EncodeNotification(fields), nil
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return cntime.Format(t, cntime.DateTime)
}

// Result is the merchant's answer to a post.
type Result struct {
	Status      int
	ContentType string
	Body        string
}

// Notify posts the stored complaint's current notification to url as the
// platform does (JSON POST) and returns the answer.
func (s *Sender) Notify(ctx context.Context, url, orderNo string) (*Result, error) {
	c, ok := s.Complaint(orderNo)
	if !ok {
		return nil, fmt.Errorf("changxiangtest: unknown complaint %q", orderNo)
	}
	body, err := s.Body(c)
	if err != nil {
		return nil, err
	}
	return s.Post(ctx, url, "application/json", body)
}

// Post posts body to url with the content type and returns the answer: for
// bodies a test has altered (forged signs, tampered fields).
func (s *Sender) Post(ctx context.Context, url, contentType string, body []byte) (*Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("changxiangtest: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("changxiangtest: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("changxiangtest: reading the answer: %w", err)
	}
	return &Result{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(b)}, nil
}

// Payment is a v3 payment callback. An empty MchID is DefaultMchID and an
// empty ResultCode is SUCCESS.
type Payment struct {
	MchID      string
	TotalFee   string
	ResultCode changxiang.ResultCode
	TradeNo    string
	OutTradeNo string
	TimeEnd    time.Time
	PayType    string
	// Cards are the card secrets; not signed.
	Cards string
	// Extra fields are sent as well (unsigned under the v3 rule).
	Extra url.Values
}

// PaymentForm returns the signed form of a v3 payment callback, signed with
// changxiang.PaymentRule and the sender's secret.
func (s *Sender) PaymentForm(p Payment) url.Values {
	if p.MchID == "" {
		p.MchID = DefaultMchID
	}
	if p.ResultCode == "" {
		p.ResultCode = changxiang.ResultSuccess
	}
	v := url.Values{}
	for k, vs := range p.Extra {
		v[k] = append([]string(nil), vs...)
	}
	v.Set("mch_id", p.MchID)
	v.Set("total_fee", p.TotalFee)
	v.Set("result_code", string(p.ResultCode))
	v.Set("trade_no", p.TradeNo)
	v.Set("out_trade_no", p.OutTradeNo)
	v.Set("time_end", timeText(p.TimeEnd))
	v.Set("pay_type", p.PayType)
	v.Set("cards", p.Cards)
	fields := make([]changxiang.Field, 0, len(v))
	for k := range v {
		fields = append(fields, changxiang.Field{Key: k, Value: v.Get(k)})
	}
	v.Set("sign", changxiang.PaymentRule.Sign(fields, s.secret))
	return v
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return cntime.Format(t, cntime.DateTime)
}

// NotifyPayment posts a signed v3 payment callback to url (form POST) and
// returns the answer; the platform expects the literal success.
func (s *Sender) NotifyPayment(ctx context.Context, url string, p Payment) (*Result, error) {
	return s.Post(ctx, url, "application/x-www-form-urlencoded", []byte(s.PaymentForm(p).Encode()))
}
