package payjs_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
)

// fakeClock is a manual clock shared by the fake and the client.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newFake(t *testing.T, opts ...payjstest.Option) (*payjstest.Server, *payjs.Client, *fakeClock) {
	t.Helper()
	clk := &fakeClock{now: time.Date(2024, 11, 11, 12, 0, 0, 0, cntime.Zone)}
	srv := payjstest.NewServer(append([]payjstest.Option{payjstest.WithClock(clk.Now)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := payjs.NewClient(payjstest.DefaultMchID, payjstest.DefaultKey, payjs.WithBaseURL(srv.URL), payjs.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, clk
}

func TestFakeOrderLifecycle(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
	o := srv.AddOrder(payjstest.Order{OutTradeNo: "T 1", TotalFee: 1000000, Paid: true, TransactionID: "42", Attach: "中文 附言"})
	unpaid := srv.AddOrder(payjstest.Order{OutTradeNo: "T 2", TotalFee: 100})
	if len(o.PayJSOrderID) != 25 {
		t.Fatalf("order id %q", o.PayJSOrderID)
	}
	chk, err := c.Check(ctx, &payjs.CheckRequest{PayJSOrderID: o.PayJSOrderID})
	if err != nil {
		t.Fatal(err)
	}
	if chk.TotalFee != 1000000 || chk.Status != payjs.StatusPaid || chk.Attach != "中文 附言" || chk.PaidTime.IsZero() {
		t.Fatalf("%+v", chk)
	}
	if chk2, err := c.Check(ctx, &payjs.CheckRequest{PayJSOrderID: unpaid.PayJSOrderID}); err != nil || chk2.Status != payjs.StatusUnpaid {
		t.Fatalf("%+v %v", chk2, err)
	}
	if _, err := c.Check(ctx, &payjs.CheckRequest{PayJSOrderID: "nope"}); !errors.Is(err, complaint.ErrNotFound) {
		t.Fatal(err)
	}

	r, err := c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: o.PayJSOrderID})
	if err != nil || r.Unsigned || r.AlreadyRefunded || r.OutTradeNo != "T 1" {
		t.Fatalf("%+v %v", r, err)
	}
	// Repeat refund: the fake answers without sign; the client confirms by check.
	r, err = c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: o.PayJSOrderID})
	if err != nil || !r.Unsigned || !r.AlreadyRefunded || r.Check == nil || r.Check.TotalFee != 1000000 {
		t.Fatalf("%+v %v", r, err)
	}
	if got, _ := srv.Order(o.PayJSOrderID); !got.Refunded || !got.Checked {
		t.Fatalf("%+v", got)
	}
	if _, err := c.Refund(ctx, &payjs.RefundRequest{PayJSOrderID: unpaid.PayJSOrderID}); err == nil {
		t.Fatal("refund of an unpaid order")
	}

	if _, err := c.Close(ctx, &payjs.CloseRequest{PayJSOrderID: o.PayJSOrderID}); err == nil {
		t.Fatal("closed a paid order")
	}
	if cr, err := c.Close(ctx, &payjs.CloseRequest{PayJSOrderID: unpaid.PayJSOrderID}); err != nil || cr.PayJSOrderID != unpaid.PayJSOrderID {
		t.Fatalf("%+v %v", cr, err)
	}
	if rr, err := c.Reverse(ctx, &payjs.ReverseRequest{PayJSOrderID: o.PayJSOrderID}); err != nil || rr.ReturnCode != 1 {
		t.Fatalf("%+v %v", rr, err)
	}
	if got, _ := srv.Order(unpaid.PayJSOrderID); !got.Closed {
		t.Fatal("not closed")
	}
}

func TestFakeRejectsWrongKey(t *testing.T) {
	srv, _, _ := newFake(t)
	bad, _ := payjs.NewClient(payjstest.DefaultMchID, "wrong", payjs.WithBaseURL(srv.URL))
	_, err := bad.Complaints(context.Background(), nil)
	var apiErr *payjs.APIError
	if !errors.As(err, &apiErr) || apiErr.ReturnMsg != payjstest.MsgSignError || !errors.Is(err, complaint.ErrUnauthorized) {
		t.Fatal(err)
	}
	other, _ := payjs.NewClient("999", payjstest.DefaultKey, payjs.WithBaseURL(srv.URL))
	if _, err := other.Complaints(context.Background(), nil); !errors.Is(err, complaint.ErrUnauthorized) {
		t.Fatal(err)
	}
}

func TestFakeTampered(t *testing.T) {
	srv, c, _ := newFake(t)
	o := srv.AddOrder(payjstest.Order{TotalFee: 100, Paid: true})
	srv.SetTamper(func(_ string, b []byte) []byte {
		return bytes.Replace(b, []byte(`"total_fee":100`), []byte(`"total_fee":1`), 1)
	})
	if _, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: o.PayJSOrderID}); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatal(err)
	}
	srv.SetTamper(nil)
	if _, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: o.PayJSOrderID}); err != nil {
		t.Fatal(err)
	}
}

func TestFakeJSONBody(t *testing.T) {
	srv, _, _ := newFake(t)
	o := srv.AddOrder(payjstest.Order{TotalFee: 100, Paid: true})
	c, _ := payjs.NewClient(payjstest.DefaultMchID, payjstest.DefaultKey, payjs.WithBaseURL(srv.URL), payjs.WithJSONBody())
	if _, err := c.Check(context.Background(), &payjs.CheckRequest{PayJSOrderID: o.PayJSOrderID}); err != nil {
		t.Fatal(err)
	}
}

func seedComplaints(srv *payjstest.Server, clk *fakeClock) (string, string) {
	o1 := srv.AddOrder(payjstest.Order{OutTradeNo: "A 1", TotalFee: 1000000, Paid: true})
	o2 := srv.AddOrder(payjstest.Order{OutTradeNo: "B 2", TotalFee: 250, Paid: true})
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: clk.Now().Add(-48 * time.Hour), OutTradeNo: "A 1", ComplaintID: "C1",
		OrderID: o1.PayJSOrderID, TotalFee: 1000000, Body: "",
		Extra: []payjstest.Field{{Key: "nested", Value: map[string]any{"k": nil, "e": ""}}, {Key: "flag", Value: false}}})
	srv.AddComplaint(payjstest.Complaint{ComplaintAt: clk.Now().Add(-time.Hour), OutTradeNo: "B 2",
		OrderID: o2.PayJSOrderID, TotalFee: 250, Body: "没有 收到货"})
	return o1.PayJSOrderID, o2.PayJSOrderID
}

func TestFakeComplaintsAllShapes(t *testing.T) {
	for _, shape := range []payjstest.Shape{payjstest.ShapeList, payjstest.ShapeIndexObject, payjstest.ShapeString, payjstest.ShapeNull} {
		srv, c, clk := newFake(t, payjstest.WithShape(shape))
		r, err := c.Complaints(context.Background(), nil)
		if err != nil || len(r.Complaints) != 0 {
			t.Fatalf("shape %d empty: %+v %v", shape, r, err)
		}
		clk.Add(payjs.DefaultPollInterval)
		o1, _ := seedComplaints(srv, clk)
		r, err = c.Complaints(context.Background(), nil)
		if err != nil {
			t.Fatalf("shape %d: %v", shape, err)
		}
		if len(r.Complaints) != 2 || r.Complaints[0].ComplaintID != "C1" || r.Complaints[0].OrderID != o1 ||
			r.Complaints[0].TotalFee != 1000000 || r.Complaints[1].ComplaintID != "" || r.Complaints[1].Body != "没有 收到货" ||
			string(r.Complaints[0].Raw["flag"]) != "false" {
			t.Fatalf("shape %d: %+v", shape, r.Complaints)
		}
	}
}

func TestFakeRateLimit(t *testing.T) {
	srv, c, clk := newFake(t)
	ctx := context.Background()
	if _, err := c.Complaints(ctx, nil); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	_, err := c.Complaints(ctx, nil)
	var apiErr *payjs.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, complaint.ErrRateLimited) {
		t.Fatal(err)
	}
	clk.Add(3 * time.Hour)
	if _, err := c.Complaints(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if srv.Calls("complaint") != 3 {
		t.Fatalf("calls %d", srv.Calls("complaint"))
	}
}

func TestSourceListThrottleAndConvert(t *testing.T) {
	srv, c, clk := newFake(t)
	o1, o2 := seedComplaints(srv, clk)
	src := payjs.NewSource(c)
	if src.MinPollInterval() != 4*time.Hour {
		t.Fatal(src.MinPollInterval())
	}
	ctx := context.Background()
	var got []*complaint.Complaint
	for cpl, err := range src.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cpl)
	}
	if len(got) != 2 {
		t.Fatalf("%d complaints", len(got))
	}
	a, b := got[0], got[1]
	if a.ID != "C1" || a.Provider != complaint.PAYJS || a.MerchantID != payjstest.DefaultMchID || a.Amount.Amount != 1000000 ||
		a.Orders[0].ProviderOrderID != o1 || a.Orders[0].OutTradeNo != "A 1" || a.State != complaint.StateUnknown ||
		a.CreatedAt.Location() != cntime.Zone || !a.CreatedAt.Equal(clk.Now().Add(-48*time.Hour)) {
		t.Fatalf("%+v", a)
	}
	if _, ok := a.Raw.(*payjs.ComplaintRecord); !ok {
		t.Fatalf("raw %T", a.Raw)
	}
	wantB := o2 + "@" + cntime.Format(clk.Now().Add(-time.Hour), cntime.DateTime)
	if b.ID != wantB || b.Content != "没有 收到货" {
		t.Fatalf("%q %+v", b.ID, b)
	}

	// A second List inside the interval is refused without calling PAYJS.
	clk.Add(time.Hour)
	for _, err := range src.List(ctx, complaint.ListOptions{}) {
		if !errors.Is(err, complaint.ErrRateLimited) {
			t.Fatal(err)
		}
	}
	if n := srv.Calls("complaint"); n != 1 {
		t.Fatalf("PAYJS called %d times", n)
	}
	// After the interval, with a window that keeps only the recent one.
	clk.Add(3 * time.Hour)
	var ids []string
	for cpl, err := range src.List(ctx, complaint.ListOptions{Since: clk.Now().Add(-24 * time.Hour)}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cpl.ID)
	}
	if len(ids) != 1 || ids[0] != wantB {
		t.Fatal(ids)
	}
	// Configured off: the client does not refuse, PAYJS (the fake) does.
	free := payjs.NewSource(c, payjs.WithPollInterval(0))
	for _, err := range free.List(ctx, complaint.ListOptions{}) {
		var apiErr *payjs.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, complaint.ErrRateLimited) {
			t.Fatal(err)
		}
	}
	if n := srv.Calls("complaint"); n != 3 {
		t.Fatalf("PAYJS called %d times", n)
	}
	for _, err := range src.List(ctx, complaint.ListOptions{MerchantID: "other"}) {
		if !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Fatal(err)
		}
	}
}

func TestSourceUnsupportedAndRefund(t *testing.T) {
	srv, c, clk := newFake(t)
	o1, o2 := seedComplaints(srv, clk)
	src := payjs.NewSource(c)
	ctx := context.Background()
	if _, err := src.Get(ctx, "C1"); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	for _, err := range src.History(ctx, "C1") {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Fatal(err)
		}
	}
	if err := src.Reply(ctx, "C1", complaint.Reply{Content: "x"}); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	if err := src.Complete(ctx, "C1", ""); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	if err := src.DecideRefund(ctx, "C1", complaint.RefundDecision{Approve: false}); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	// Not listed yet: unknown complaint id.
	if err := src.DecideRefund(ctx, "C1", complaint.RefundDecision{Approve: true}); !errors.Is(err, complaint.ErrNotFound) {
		t.Fatal(err)
	}
	for _, err := range src.List(ctx, complaint.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := src.DecideRefund(ctx, "C1", complaint.RefundDecision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if o, _ := srv.Order(o1); !o.Refunded {
		t.Fatal("not refunded")
	}
	// Derived id, refunded twice: the repeat is success.
	derived := o2 + "@" + cntime.Format(clk.Now().Add(-time.Hour), cntime.DateTime)
	for range 2 {
		if err := src.DecideRefund(ctx, derived, complaint.RefundDecision{Approve: true}); err != nil {
			t.Fatal(err)
		}
	}
	if o, _ := srv.Order(o2); !o.Refunded {
		t.Fatal("not refunded")
	}
	if _, err := src.RefundComplaint(ctx, &complaint.Complaint{Provider: complaint.WeChatPay}); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Fatal(err)
	}
}

func TestNotificationsThroughHandler(t *testing.T) {
	srv, c, _ := newFake(t)
	o := srv.AddOrder(payjstest.Order{OutTradeNo: "T 9", TotalFee: 1000000, Paid: true, Type: payjs.PayTypeAlipay, OpenID: "u1"})
	var mu sync.Mutex
	var events []complaint.Event
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, *e)
		return nil
	})
	hs := httptest.NewServer(complaint.NewHandler(payjs.NewReceiver(c), sink))
	defer hs.Close()
	ctx := context.Background()

	// Alipay order with a future field, delivered twice: dispatched once.
	for range 2 {
		res, err := srv.Notify(ctx, hs.URL, o.PayJSOrderID, map[string]string{"future": "新 字段"})
		if err != nil || res.Status != http.StatusOK || res.Body != "success" {
			t.Fatalf("%+v %v", res, err)
		}
	}
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	e := events[0]
	n, ok := e.Raw.(*payjs.Notification)
	if !ok || e.ID != o.PayJSOrderID || e.Kind != complaint.KindOther || e.ProviderKind != payjs.EventKindPayment ||
		e.Provider != complaint.PAYJS || n.Type != payjs.PayTypeAlipay || n.TotalFee != 1000000 ||
		n.Fields.Get("future") != "新 字段" || n.ReturnCode != 1 || e.Time.IsZero() {
		t.Fatalf("%+v %+v", e, n)
	}

	// Forged: a field changed after signing.
	v, err := srv.Notification(o.PayJSOrderID, nil)
	if err != nil {
		t.Fatal(err)
	}
	v.Set("total_fee", "1")
	resp, err := http.Post(hs.URL, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged: %d", resp.StatusCode)
	}
	// Dropping the type field breaks the signature too (it is signed).
	v, _ = srv.Notification(o.PayJSOrderID, nil)
	v.Del("type")
	resp, _ = http.Post(hs.URL, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("type dropped: %d", resp.StatusCode)
	}
	// Malformed body.
	resp, _ = http.Post(hs.URL, "application/x-www-form-urlencoded", strings.NewReader("%zz"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("malformed: %d", resp.StatusCode)
	}
	if len(events) != 1 {
		t.Fatalf("%d events after forgeries", len(events))
	}

	// After a successful check PAYJS (and the fake) stop notifying.
	if _, err := c.Check(ctx, &payjs.CheckRequest{PayJSOrderID: o.PayJSOrderID}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Notify(ctx, hs.URL, o.PayJSOrderID, nil); !errors.Is(err, payjstest.ErrNotificationStopped) {
		t.Fatal(err)
	}
}

func TestParseNotification(t *testing.T) {
	srv, c, _ := newFake(t)
	o := srv.AddOrder(payjstest.Order{OutTradeNo: "T", TotalFee: 1, Paid: true})
	v, _ := srv.Notification(o.PayJSOrderID, map[string]string{"attach": ""})
	body := v.Encode()
	r := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	n, err := c.ParseNotification(r)
	if err != nil || n.PayJSOrderID != o.PayJSOrderID || n.Attach != "" || n.Type != payjs.PayTypeWeChat {
		t.Fatalf("%+v %v", n, err)
	}
	// The body is restored.
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	if buf.String() != body {
		t.Fatal("body not restored")
	}
	// JSON content type, another merchant, no sign, GET.
	r = httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if _, err := c.ParseNotification(r); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatal(err)
	}
	other, _ := payjs.NewClient("999", payjstest.DefaultKey)
	if _, err := other.Verify(nil, []byte(body)); !errors.Is(err, complaint.ErrUnknownKey) {
		t.Fatal(err)
	}
	v.Del("sign")
	if _, err := c.Verify(nil, []byte(v.Encode())); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatal(err)
	}
	if _, err := c.ParseNotification(httptest.NewRequest(http.MethodGet, "/notify", nil)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatal(err)
	}
	if _, err := c.ParseNotification(nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatalf("nil request: %v", err)
	}
	// A repeated field is rejected, not resolved first- or last-wins.
	if _, err := c.Verify(nil, []byte(body+"&total_fee=2")); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatal(err)
	}
}
