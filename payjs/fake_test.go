package payjs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/signing"
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
	c, err := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL), option.WithClock(clk.Now))
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

	if _, err := c.CloseOrder(ctx, &payjs.CloseRequest{PayJSOrderID: o.PayJSOrderID}); err == nil {
		t.Fatal("closed a paid order")
	}
	if cr, err := c.CloseOrder(ctx, &payjs.CloseRequest{PayJSOrderID: unpaid.PayJSOrderID}); err != nil || cr.PayJSOrderID != unpaid.PayJSOrderID {
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
	bad, _ := payjs.NewClient(payjs.Credentials{MchID: payjstest.DefaultMchID, Key: signing.NewSecret("wrong")}, option.WithBaseURL(srv.URL))
	_, err := bad.Complaints(context.Background(), nil)
	var apiErr *payjs.APIError
	if !errors.As(err, &apiErr) || apiErr.ReturnMsg != payjstest.MsgSignError || !errors.Is(err, complaint.ErrUnauthorized) {
		t.Fatal(err)
	}
	other, _ := payjs.NewClient(payjs.Credentials{MchID: "999", Key: srv.Credentials().Key}, option.WithBaseURL(srv.URL))
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
	c, _ := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL), payjs.WithJSONBody())
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

func TestAdapterListThrottleAndConvert(t *testing.T) {
	srv, c, clk := newFake(t)
	o1, o2 := seedComplaints(srv, clk)
	a := c.Adapter()
	if a.MinPollInterval() != 4*time.Hour || a.Provider() != complaint.PAYJS {
		t.Fatal(a.MinPollInterval(), a.Provider())
	}
	got := listAll(t, a, complaint.ListOptions{})
	if len(got) != 2 {
		t.Fatalf("%d complaints", len(got))
	}
	first, second := got[0], got[1]
	if first.ID != "C1" || first.Provider != complaint.PAYJS || first.MerchantID != payjstest.DefaultMchID || first.Amount.Amount != 1000000 ||
		first.Orders[0].ProviderOrderID != o1 || first.Orders[0].OutTradeNo != "A 1" || first.State != complaint.StateUnknown ||
		first.CreatedAt.Location() != cntime.Zone || !first.CreatedAt.Equal(clk.Now().Add(-48*time.Hour)) {
		t.Fatalf("%+v", first)
	}
	if want := (complaint.Ref{Provider: complaint.PAYJS, ID: "C1", MerchantID: payjstest.DefaultMchID, OrderID: o1}); first.Ref() != want {
		t.Fatalf("Ref() = %+v, want %+v", first.Ref(), want)
	}
	if _, ok := first.Raw.(*payjs.ComplaintRecord); !ok {
		t.Fatalf("raw %T", first.Raw)
	}
	wantB := o2 + "@" + cntime.Format(clk.Now().Add(-time.Hour), cntime.DateTime)
	if second.ID != wantB || second.Content != "没有 收到货" || second.Ref().OrderID != o2 {
		t.Fatalf("%q %+v", second.ID, second)
	}

	// A second List inside the interval is refused without calling PAYJS.
	clk.Add(time.Hour)
	if errs := listErrs(a, complaint.ListOptions{}); len(errs) != 1 || !errors.Is(errs[0], complaint.ErrRateLimited) {
		t.Fatal(errs)
	}
	if n := srv.Calls("complaint"); n != 1 {
		t.Fatalf("PAYJS called %d times", n)
	}
	// After the interval, with a window that keeps only the recent one.
	clk.Add(3 * time.Hour)
	got = listAll(t, a, complaint.ListOptions{Since: clk.Now().Add(-24 * time.Hour)})
	if len(got) != 1 || got[0].ID != wantB {
		t.Fatal(got)
	}
	// Configured off: the client does not refuse, PAYJS (the fake) does.
	free := c.Adapter(payjs.WithPollInterval(0))
	if free.MinPollInterval() != 0 || c.Adapter(payjs.WithPollInterval(-time.Hour)).MinPollInterval() != 0 {
		t.Fatal("an interval of 0 or less is off")
	}
	errs := listErrs(free, complaint.ListOptions{})
	var apiErr *payjs.APIError
	if len(errs) != 1 || !errors.As(errs[0], &apiErr) || !errors.Is(errs[0], complaint.ErrRateLimited) {
		t.Fatal(errs)
	}
	if n := srv.Calls("complaint"); n != 3 {
		t.Fatalf("PAYJS called %d times", n)
	}
	// Arguments PAYJS cannot serve are refused before anything is sent.
	for field, opts := range map[string]complaint.ListOptions{
		"MerchantID": {MerchantID: "other"},
		"Channel":    {Channel: complaint.ChannelAlipay},
		"Until":      {Since: clk.Now(), Until: clk.Now().Add(-time.Nanosecond)},
	} {
		errs := listErrs(free, opts)
		var ve *complaint.ValidationError
		if len(errs) != 1 || !errors.As(errs[0], &ve) || ve.Field != field {
			t.Errorf("%s: %v, want one ValidationError for it", field, errs)
		}
	}
	// The own merchant named explicitly is fine.
	clk.Add(payjs.DefaultPollInterval)
	if got := listAll(t, free, complaint.ListOptions{MerchantID: payjstest.DefaultMchID}); len(got) != 2 {
		t.Fatalf("%d complaints", len(got))
	}
	if n := srv.Calls("complaint"); n != 4 {
		t.Fatalf("PAYJS called %d times", n)
	}
}

// listAll lists through a and fails the test on an error.
func listAll(t *testing.T, a *payjs.Adapter, opts complaint.ListOptions) []*complaint.Complaint {
	t.Helper()
	var out []*complaint.Complaint
	for c, err := range a.List(context.Background(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// listErrs lists through a and returns the errors yielded.
func listErrs(a *payjs.Adapter, opts complaint.ListOptions) []error {
	var errs []error
	for _, err := range a.List(context.Background(), opts) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func ids(cs []*complaint.Complaint) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestAdapterWindow: [Since, Until) at exact seconds, a zero Until is the
// clock's now, a zero Since has no bound, an empty window lists nothing.
func TestAdapterWindow(t *testing.T) {
	srv, c, clk := newFake(t, payjstest.WithComplaintInterval(0))
	now := clk.Now()
	for i, at := range []time.Time{now.Add(-2 * time.Hour), now.Add(-time.Hour), now.Add(-time.Second), now} {
		srv.AddComplaint(payjstest.Complaint{ComplaintAt: at, ComplaintID: fmt.Sprintf("C%d", i), OrderID: fmt.Sprintf("O%d", i), TotalFee: 1})
	}
	a := c.Adapter(payjs.WithPollInterval(0))
	for _, tc := range []struct {
		name         string
		since, until time.Time
		want         []string
	}{
		{"everything before now", time.Time{}, time.Time{}, []string{"C0", "C1", "C2"}},
		{"since is in, until is out", now.Add(-time.Hour), now.Add(-time.Second), []string{"C1"}},
		{"one second later", now.Add(-time.Hour + time.Second), now, []string{"C2"}},
		{"until past now", now.Add(-time.Second), now.Add(time.Second), []string{"C2", "C3"}},
		{"empty window", now.Add(-time.Hour), now.Add(-time.Hour), nil},
		{"since in the future", now.Add(time.Hour), time.Time{}, nil},
	} {
		got := ids(listAll(t, a, complaint.ListOptions{Since: tc.since, Until: tc.until}))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: listed %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestAdapterTimelessRecords: a record whose complaint_at is missing or
// unreadable is listed in every window, with a zero CreatedAt, and the
// logger is told how many there were, without their content.
func TestAdapterTimelessRecords(t *testing.T) {
	var logs bytes.Buffer
	c, mt := mockClient(t, option.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	items := list(
		phpArr{{"complaint_at", "2024-11-11 10:00:00"}, {"complaint_id", "C1"}, {"order_id", "O1"}, {"body", "第一"}},
		phpArr{{"complaint_at", "2024-11-12 10:00:00"}, {"complaint_id", "C2"}, {"order_id", "O2"}},
		phpArr{{"complaint_at", "11/12/2024"}, {"complaint_id", "C3"}, {"order_id", "O3"}, {"body", "手机 13800000000"}},
		phpArr{{"complaint_id", "C4"}, {"order_id", "O4"}},
	)
	mt.RegisterResponder("POST", payjs.Production+"complaint", httpmock.NewStringResponder(200,
		signedBody(phpArr{{"return_code", int64(1)}, {"complaints", items}})))
	a := c.Adapter(payjs.WithPollInterval(0))
	day := func(d int) time.Time { return time.Date(2024, 11, d, 0, 0, 0, 0, cntime.Zone) }
	first := listAll(t, a, complaint.ListOptions{Since: day(11), Until: day(12)})
	second := listAll(t, a, complaint.ListOptions{Since: day(12), Until: day(13)})
	if got := ids(first); !slices.Equal(got, []string{"C1", "C3", "C4"}) {
		t.Fatalf("first window %q", got)
	}
	if got := ids(second); !slices.Equal(got, []string{"C2", "C3", "C4"}) {
		t.Fatalf("second window %q", got)
	}
	for _, c := range append(first[1:], second[1:]...) {
		if !c.CreatedAt.IsZero() || c.Ref().OrderID == "" {
			t.Fatalf("%s: CreatedAt %v, ref %v", c.ID, c.CreatedAt, c.Ref())
		}
	}
	if c := first[1].Raw.(*payjs.ComplaintRecord); c.ComplaintAtText != "11/12/2024" {
		t.Fatalf("the unread text is kept: %q", c.ComplaintAtText)
	}
	out := logs.String()
	if strings.Count(out, "level=WARN") != 2 || strings.Count(out, "records=2") != 2 {
		t.Fatalf("log: %s", out)
	}
	for _, secret := range []string{"13800000000", "11/12/2024", "O3", "C3", "第一"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log carries record content %q: %s", secret, out)
		}
	}
}

// TestAdapterCancelledContext: a context cancelled before the request reached
// PAYJS yields the context's error and does not count against the poll
// interval; one cancelled after PAYJS received the request counts, as PAYJS
// counts it.
func TestAdapterCancelledContext(t *testing.T) {
	srv, c, clk := newFake(t)
	seedComplaints(srv, clk)
	a := c.Adapter()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for ctx, want := range map[context.Context]error{cancelled: context.Canceled, expired: context.DeadlineExceeded} {
		var errs []error
		for cpl, err := range a.List(ctx, complaint.ListOptions{}) {
			if err == nil {
				t.Fatalf("listed %v", cpl)
			}
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], want) {
			t.Fatalf("errors %v, want one matching %v", errs, want)
		}
		if err := a.DecideRefund(ctx, complaint.Ref{OrderID: orderID}, complaint.RefundDecision{Approve: true}); !errors.Is(err, want) {
			t.Fatalf("DecideRefund: %v, want %v", err, want)
		}
	}
	if n := srv.Calls("complaint") + srv.Calls("refund"); n != 0 {
		t.Fatalf("PAYJS called %d times", n)
	}
	// Those did not count: the next List reaches PAYJS.
	if got := listAll(t, a, complaint.ListOptions{}); len(got) != 2 {
		t.Fatalf("%d complaints", len(got))
	}
	if n := srv.Calls("complaint"); n != 1 {
		t.Fatalf("PAYJS called %d times", n)
	}

	// Cancelled while PAYJS holds the request: it counts.
	h := payjstest.NewHandler(payjstest.WithClock(clk.Now))
	ctx, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ctx.Err() != nil { // later requests are served as PAYJS serves them
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(httptest.NewRecorder(), r) // PAYJS has it now
		cancel3()
		<-r.Context().Done() // the client gave up
	}))
	defer ts.Close()
	c2, err := payjs.NewClient(h.Credentials(), option.WithBaseURL(ts.URL+"/api/"), option.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	a2 := c2.Adapter()
	for _, err := range a2.List(ctx, complaint.ListOptions{}) {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v, want context.Canceled", err)
		}
	}
	if errs := listErrs(a2, complaint.ListOptions{}); len(errs) != 1 || !errors.Is(errs[0], complaint.ErrRateLimited) {
		t.Fatalf("after a call PAYJS received: %v, want the client's refusal", errs)
	}
	if n := h.Calls("complaint"); n != 1 {
		t.Fatalf("PAYJS called %d times", n)
	}
}

func TestAdapterUnsupportedAndRefund(t *testing.T) {
	srv, c, clk := newFake(t)
	o1, o2 := seedComplaints(srv, clk)
	// A fresh adapter that never listed: a Ref stored elsewhere is enough.
	a := c.Adapter()
	ctx := context.Background()
	ref := complaint.Ref{Provider: complaint.PAYJS, ID: "C1", MerchantID: payjstest.DefaultMchID, OrderID: o1}
	if _, err := a.Get(ctx, ref); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	if errs := seqErrs(a.History(ctx, ref)); len(errs) != 1 || !errors.Is(errs[0], errors.ErrUnsupported) {
		t.Fatal(errs)
	}
	if err := a.Reply(ctx, ref, complaint.Reply{Content: "x"}); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	if err := a.Complete(ctx, ref, complaint.Completion{}); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	if err := a.DecideRefund(ctx, ref, complaint.RefundDecision{Approve: false, Reason: "no"}); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	// References this client cannot act on, whatever the method.
	for field, bad := range map[string]complaint.Ref{
		"Provider":   {Provider: complaint.WeChatPay, ID: "C1", OrderID: o1},
		"MerchantID": {Provider: complaint.PAYJS, ID: "C1", MerchantID: "999", OrderID: o1},
		"Channel":    {Provider: complaint.PAYJS, ID: "C1", Channel: complaint.ChannelWeChat, OrderID: o1},
	} {
		_, getErr := a.Get(ctx, bad)
		for what, err := range map[string]error{
			"Get":          getErr,
			"History":      seqErrs(a.History(ctx, bad))[0],
			"Reply":        a.Reply(ctx, bad, complaint.Reply{}),
			"Complete":     a.Complete(ctx, bad, complaint.Completion{}),
			"DecideRefund": a.DecideRefund(ctx, bad, complaint.RefundDecision{Approve: true}),
		} {
			var ve *complaint.ValidationError
			if !errors.As(err, &ve) || ve.Field != field {
				t.Errorf("%s with a bad %s: %v", what, field, err)
			}
		}
	}
	// No order id: PAYJS refunds by order, so the field is named.
	err := a.DecideRefund(ctx, complaint.Ref{Provider: complaint.PAYJS, ID: "C1"}, complaint.RefundDecision{Approve: true})
	var ve *complaint.ValidationError
	if !errors.As(err, &ve) || ve.Field != "OrderID" {
		t.Fatal(err)
	}
	if n := srv.Calls("refund"); n != 0 {
		t.Fatalf("refund called %d times before a valid reference", n)
	}
	if err := a.DecideRefund(ctx, ref, complaint.RefundDecision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if o, _ := srv.Order(o1); !o.Refunded {
		t.Fatal("not refunded")
	}
	// A listed complaint without complaint_id, refunded twice through its Ref
	// (no MerchantID: the client's own): the repeat is success.
	var derived complaint.Ref
	for _, cpl := range listAll(t, a, complaint.ListOptions{}) {
		if cpl.Ref().OrderID == o2 {
			derived = cpl.Ref()
		}
	}
	derived.MerchantID = ""
	for range 2 {
		if err := a.DecideRefund(ctx, derived, complaint.RefundDecision{Approve: true}); err != nil {
			t.Fatal(err)
		}
	}
	if o, _ := srv.Order(o2); !o.Refunded {
		t.Fatal("not refunded")
	}
	// An order PAYJS does not know.
	if err := a.DecideRefund(ctx, complaint.Ref{ID: "C9", OrderID: "2019101500000000000000000"},
		complaint.RefundDecision{Approve: true}); !errors.Is(err, complaint.ErrNotFound) {
		t.Fatal(err)
	}
}

// TestAdapterErrorsEchoNoReference: validation errors name the field, never
// the value given.
func TestAdapterErrorsEchoNoReference(t *testing.T) {
	c, _ := mockClient(t)
	a := c.Adapter()
	const hostile = "wechat\nforged line 13800000000"
	for _, err := range []error{
		a.DecideRefund(context.Background(), complaint.Ref{Provider: hostile}, complaint.RefundDecision{Approve: true}),
		a.DecideRefund(context.Background(), complaint.Ref{MerchantID: hostile}, complaint.RefundDecision{Approve: true}),
		a.DecideRefund(context.Background(), complaint.Ref{ID: hostile}, complaint.RefundDecision{Approve: true}),
		seqErrs(a.List(context.Background(), complaint.ListOptions{MerchantID: hostile}))[0],
	} {
		if err == nil || strings.Contains(err.Error(), "13800000000") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q", err)
		}
	}
}

// seqErrs runs an iterator to its end and returns the errors it yielded.
func seqErrs[T any](seq iter.Seq2[T, error]) []error {
	var errs []error
	for _, err := range seq {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func TestPaymentNotificationsThroughHandler(t *testing.T) {
	srv, c, _ := newFake(t)
	o := srv.AddOrder(payjstest.Order{OutTradeNo: "T 9", TotalFee: 1000000, Paid: true, Type: payjs.PayTypeAlipay, OpenID: "u1"})
	var mu sync.Mutex
	var got []*payjs.Notification
	sink := complaint.PaymentSinkFunc[*payjs.Notification](func(_ context.Context, n *payjs.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, n)
		return nil
	})
	hs := httptest.NewServer(complaint.NewPaymentHandler(payjs.NewReceiver(c), sink))
	defer hs.Close()
	ctx := context.Background()

	// Alipay order with a future field, delivered twice: dispatched once.
	for range 2 {
		res, err := srv.Notify(ctx, hs.URL, o.PayJSOrderID, map[string]string{"future": "新 字段"})
		if err != nil || res.Status != http.StatusOK || res.Body != "success" {
			t.Fatalf("%+v %v", res, err)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d notifications", len(got))
	}
	n := got[0]
	if n.PayJSOrderID != o.PayJSOrderID || n.Type != payjs.PayTypeAlipay || n.TotalFee != 1000000 || n.OutTradeNo != "T 9" ||
		n.Fields.Get("future") != "新 字段" || n.ReturnCode != 1 || n.TimeEnd.IsZero() || n.OpenID != "u1" {
		t.Fatalf("%+v", n)
	}

	post := func(body string) *http.Response {
		t.Helper()
		resp, err := http.Post(hs.URL, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "fail" {
			t.Fatalf("failure body %q", b)
		}
		return resp
	}
	// Forged: a field changed after signing.
	v, err := srv.Notification(o.PayJSOrderID, nil)
	if err != nil {
		t.Fatal(err)
	}
	v.Set("total_fee", "1")
	if resp := post(v.Encode()); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged: %d", resp.StatusCode)
	}
	// Dropping the type field breaks the signature too (it is signed).
	v, _ = srv.Notification(o.PayJSOrderID, nil)
	v.Del("type")
	if resp := post(v.Encode()); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("type dropped: %d", resp.StatusCode)
	}
	// Malformed body.
	if resp := post("%zz"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("malformed: %d", resp.StatusCode)
	}
	if len(got) != 1 {
		t.Fatalf("%d notifications after forgeries", len(got))
	}

	// After a successful check PAYJS (and the fake) stop notifying.
	if _, err := c.Check(ctx, &payjs.CheckRequest{PayJSOrderID: o.PayJSOrderID}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Notify(ctx, hs.URL, o.PayJSOrderID, nil); !errors.Is(err, payjstest.ErrNotificationStopped) {
		t.Fatal(err)
	}
}

// TestReceiver checks the receiver's layer by itself: the dedupe id, bad
// deliveries, and PAYJS's exact answers.
func TestReceiver(t *testing.T) {
	srv, c, _ := newFake(t)
	o := srv.AddOrder(payjstest.Order{TotalFee: 100, Paid: true})
	v, _ := srv.Notification(o.PayJSOrderID, nil)
	r := payjs.NewReceiver(c)
	if r.Provider() != complaint.PAYJS {
		t.Fatal(r.Provider())
	}
	ctx := context.Background()
	d := &complaint.Delivery{Method: http.MethodPost, Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body: []byte(v.Encode())}
	n, id, err := r.ReceivePayment(ctx, d)
	if err != nil || id != o.PayJSOrderID || n.PayJSOrderID != id || n.TotalFee != 100 {
		t.Fatalf("%+v %q %v", n, id, err)
	}
	if _, _, err := r.ReceivePayment(ctx, nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatal(err)
	}
	if _, _, err := (&payjs.Receiver{}).ReceivePayment(ctx, d); err == nil {
		t.Fatal("a receiver without a client verified a delivery")
	}
	d.Body = append([]byte("x=1&"), d.Body...)
	if _, id, err := r.ReceivePayment(ctx, d); !errors.Is(err, complaint.ErrSignatureInvalid) || id != "" {
		t.Fatalf("%q %v", id, err)
	}
	for _, tc := range []struct {
		err    error
		status int
		body   string
	}{
		{nil, http.StatusOK, "success"},
		{complaint.ErrSignatureInvalid, http.StatusUnauthorized, "fail"},
		{complaint.ErrMalformedNotification, http.StatusBadRequest, "fail"},
		{complaint.ErrInFlight, http.StatusServiceUnavailable, "fail"},
		{complaint.ErrBodyTooLarge, http.StatusRequestEntityTooLarge, "fail"},
		{errors.New("sink failed"), http.StatusInternalServerError, "fail"},
	} {
		ack := r.Ack(tc.err)
		if ack.Status != tc.status || string(ack.Body) != tc.body || ack.ContentType != "text/plain; charset=utf-8" {
			t.Errorf("Ack(%v) = %d %q %q", tc.err, ack.Status, ack.Body, ack.ContentType)
		}
	}
}

func TestParseNotification(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
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
	other, _ := payjs.NewClient(payjs.Credentials{MchID: "999", Key: srv.Credentials().Key})
	if _, err := other.Verify(ctx, nil, []byte(body)); !errors.Is(err, complaint.ErrUnknownKey) {
		t.Fatal(err)
	}
	v.Del("sign")
	if _, err := c.Verify(ctx, nil, []byte(v.Encode())); !errors.Is(err, complaint.ErrSignatureInvalid) {
		t.Fatal(err)
	}
	if _, err := c.ParseNotification(httptest.NewRequest(http.MethodGet, "/notify", nil)); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatal(err)
	}
	if _, err := c.ParseNotification(nil); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatalf("nil request: %v", err)
	}
	// A repeated field is rejected, not resolved first- or last-wins.
	if _, err := c.Verify(ctx, nil, []byte(body+"&total_fee=2")); !errors.Is(err, complaint.ErrMalformedNotification) {
		t.Fatal(err)
	}
}
