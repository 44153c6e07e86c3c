package wechatpay

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

// The fixtures' complaint_time: 2025-05-20T13:29:35.120+08:00.
var fixtureTime = time.Date(2025, 5, 20, 13, 29, 35, 120e6, cntime.Zone)

// listMock answers the complaint list with one fixture complaint per request
// and records each request's query.
func listMock(t *testing.T) (*mock, *[]url.Values) {
	m := newMock(t, "", pubKeySigner())
	var queries []url.Values
	m.on("GET", "/v3/merchant-service/complaints-v2", func(r *recorded) reply {
		u, _ := url.Parse(r.URI)
		q := u.Query()
		queries = append(queries, q)
		return reply{body: page([]string{mainlandComplaintJSON("C-"+q.Get("begin_date"), "")}, 50, 0, 1)}
	})
	return m, &queries
}

func collect(t *testing.T, seq func(func(*complaint.Complaint, error) bool)) ([]*complaint.Complaint, error) {
	t.Helper()
	var out []*complaint.Complaint
	for c, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

func windows(qs []url.Values) string {
	var w []string
	for _, q := range qs {
		w = append(w, q.Get("begin_date")+".."+q.Get("end_date"))
	}
	return strings.Join(w, " ")
}

func TestListSourceWindows(t *testing.T) {
	m, queries := listMock(t)
	a := pubKeyClient(t, m).Adapter()
	since := time.Date(2025, 3, 1, 0, 0, 0, 0, cntime.Zone)
	until := time.Date(2025, 5, 20, 23, 59, 59, 0, cntime.Zone)
	got, err := collect(t, a.List(ctx(t), complaint.ListOptions{Since: since, Until: until}))
	if err != nil {
		t.Fatal(err)
	}
	// 30 calendar days per request, oldest first.
	if w := windows(*queries); w != "2025-03-01..2025-03-30 2025-03-31..2025-04-29 2025-04-30..2025-05-20" {
		t.Errorf("windows %s", w)
	}
	// Every answer holds a complaint of 2025-05-20 13:29:35.120, inside the
	// window: each of the three is yielded, converted.
	if len(got) != 3 {
		t.Fatalf("yielded %d", len(got))
	}
	for _, c := range got {
		if c.Provider != complaint.WeChatPay || c.MerchantID != "1900012181" || !c.CreatedAt.Equal(fixtureTime) {
			t.Errorf("complaint %+v", c)
		}
	}
	for _, q := range *queries {
		if q.Get("limit") != "50" || q.Get("offset") != "0" || q.Has("complainted_mchid") || q.Has("mch_language") {
			t.Errorf("query %v", q)
		}
	}
}

// The window is half-open at the exact instant: a complaint created at Until
// is not listed, one created at Since is.
func TestListHalfOpenAtExactTimes(t *testing.T) {
	for _, tc := range []struct {
		name         string
		since, until time.Time
		want         int
	}{
		{"created at since", fixtureTime, fixtureTime.Add(time.Millisecond), 1},
		{"created at until", fixtureTime.Add(-time.Hour), fixtureTime, 0},
		{"one nanosecond before until", fixtureTime.Add(-time.Hour), fixtureTime.Add(time.Nanosecond), 1},
		{"one nanosecond after since", fixtureTime.Add(time.Nanosecond), fixtureTime.Add(time.Hour), 0},
	} {
		m, queries := listMock(t)
		got, err := collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{Since: tc.since, Until: tc.until}))
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: %d complaints, %v; want %d", tc.name, len(got), err, tc.want)
		}
		if w := windows(*queries); w != "2025-05-20..2025-05-20" {
			t.Errorf("%s: windows %s", tc.name, w)
		}
	}
}

func TestListWindowEdges(t *testing.T) {
	// Until at midnight: the day it starts is outside the window, so it is not
	// asked for.
	m, queries := listMock(t)
	midnight := time.Date(2025, 5, 21, 0, 0, 0, 0, cntime.Zone)
	if _, err := collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{Since: midnight.AddDate(0, 0, -1), Until: midnight})); err != nil {
		t.Fatal(err)
	}
	if w := windows(*queries); w != "2025-05-20..2025-05-20" {
		t.Errorf("until at midnight: windows %s", w)
	}

	// An empty window asks for nothing.
	m, queries = listMock(t)
	got, err := collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{Since: fixtureTime, Until: fixtureTime}))
	if err != nil || len(got) != 0 || len(*queries) != 0 {
		t.Errorf("empty window: %d complaints, %d requests, %v", len(got), len(*queries), err)
	}

	// Zero Until is the client's now (testNow, 2025-06-01 12:00 Beijing); zero
	// Since the start of the day 29 days before: one request of 30 days.
	m, queries = listMock(t)
	got, err = collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{}))
	if err != nil || len(got) != 1 {
		t.Fatalf("defaults: %d complaints, %v", len(got), err)
	}
	if w := windows(*queries); w != "2025-05-03..2025-06-01" {
		t.Errorf("defaults: windows %s", w)
	}
	// The default look-back starts at midnight: a complaint of 2025-05-03 00:00
	// is in, one of 2025-05-02 23:59:59.999 out.
	m, queries = listMock(t)
	got, err = collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{Until: fixtureTime.AddDate(0, 0, 29)}))
	if err != nil || len(got) != 1 || windows(*queries) != "2025-05-20..2025-06-18" {
		t.Errorf("default since: %d complaints, windows %s, %v", len(got), windows(*queries), err)
	}

	// MerchantID and PageSize go into the query; a PageSize over 50 is 50.
	m, queries = listMock(t)
	if _, err := collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{
		Since: fixtureTime, Until: fixtureTime.Add(time.Second), MerchantID: "1900000110", PageSize: 7})); err != nil {
		t.Fatal(err)
	}
	if q := (*queries)[0]; q.Get("complainted_mchid") != "1900000110" || q.Get("limit") != "7" {
		t.Errorf("query %v", q)
	}
	m, queries = listMock(t)
	if _, err := collect(t, pubKeyClient(t, m).Adapter().List(ctx(t), complaint.ListOptions{
		Since: fixtureTime, Until: fixtureTime.Add(time.Second), PageSize: 500})); err != nil || (*queries)[0].Get("limit") != "50" {
		t.Errorf("page size 500: %v %v", (*queries)[0], err)
	}
}

func TestListRefusesBadInput(t *testing.T) {
	m, queries := listMock(t)
	a := pubKeyClient(t, m).Adapter()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	var nilCtx context.Context
	for name, tc := range map[string]struct {
		ctx   context.Context
		opts  complaint.ListOptions
		field string
		want  error
	}{
		"nil ctx":       {nilCtx, complaint.ListOptions{}, "ctx", complaint.ErrInvalidRequest},
		"inverted":      {ctx(t), complaint.ListOptions{Since: fixtureTime, Until: fixtureTime.Add(-time.Nanosecond)}, "Until", complaint.ErrInvalidRequest},
		"since ahead":   {ctx(t), complaint.ListOptions{Since: testNow.Add(time.Hour)}, "Until", complaint.ErrInvalidRequest},
		"channel":       {ctx(t), complaint.ListOptions{Channel: complaint.ChannelAlipay}, "Channel", complaint.ErrInvalidRequest},
		"cancelled":     {cancelled, complaint.ListOptions{}, "", context.Canceled},
		"cancelled+win": {cancelled, complaint.ListOptions{Since: fixtureTime, Until: fixtureTime.Add(time.Second)}, "", context.Canceled},
	} {
		n := 0
		for c, err := range a.List(tc.ctx, tc.opts) {
			n++
			if c != nil || !errors.Is(err, tc.want) {
				t.Errorf("%s: %v %v", name, c, err)
			}
			var ve *complaint.ValidationError
			if tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field) {
				t.Errorf("%s: %v, want a ValidationError for %s", name, err, tc.field)
			}
		}
		if n != 1 {
			t.Errorf("%s: %d yields, want 1", name, n)
		}
	}
	if len(*queries) != 0 {
		t.Errorf("%d requests sent for refused input", len(*queries))
	}
}

func TestAdapterResponder(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/response", func(*recorded) reply { return reply{status: 204} })
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/complete", func(*recorded) reply { return reply{status: 204} })
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/update-refund-progress", func(*recorded) reply { return reply{status: 204} })
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply { return reply{body: mainlandComplaintJSON("C1", "")} })
	m.on("GET", "/v3/merchant-service/complaints-v2/C1/negotiation-historys", func(*recorded) reply {
		return reply{body: page([]string{historyItem("L1", "USER_CREATE_COMPLAINT", "")}, 300, 0, 1)}
	})
	c := pubKeyClient(t, m)
	var r complaint.Responder = c.Adapter()
	own := complaint.Ref{Provider: complaint.WeChatPay, ID: "C1"}
	sub := complaint.Ref{Provider: complaint.WeChatPay, ID: "C1", MerchantID: "sub1"}
	if err := r.Reply(ctx(t), own, complaint.Reply{Content: "ok", MediaIDs: []string{"m"}}); err != nil {
		t.Fatal(err)
	}
	// WeChat's complete takes no process code, remark or media: they are not sent.
	if err := r.Complete(ctx(t), sub, complaint.Completion{Code: "REFUND", Remark: "已退款", Media: []complaint.Media{{ID: "m"}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.DecideRefund(ctx(t), sub, complaint.RefundDecision{Reason: "no", MediaIDs: []string{"m"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.DecideRefund(ctx(t), own, complaint.RefundDecision{Approve: true, RefundInDays: 3, Remark: "r"}); err != nil {
		t.Fatal(err)
	}
	rs := m.requests()
	for i, want := range []string{
		`{"complainted_mchid":"` + testMchID + `","response_content":"ok","response_images":["m"]}`,
		`{"complainted_mchid":"sub1"}`,
		`{"action":"REJECT","reject_reason":"no","reject_media_list":["m"]}`, // no merchant: the call takes none
		`{"action":"APPROVE","launch_refund_day":3,"remark":"r"}`,
	} {
		if string(rs[i].Body) != want {
			t.Errorf("request %d body %s, want %s", i, rs[i].Body, want)
		}
	}
	var s complaint.Source = c.Adapter()
	got, err := s.Get(ctx(t), own)
	if err != nil || got.ID != "C1" || got.State != complaint.StatePending || got.Problem.Type != complaint.ProblemRefund {
		t.Fatalf("get: %+v %v", got, err)
	}
	// The complaint names its merchant, so its Ref round-trips.
	wantRef := complaint.Ref{Provider: complaint.WeChatPay, ID: "C1", MerchantID: "1900012181"}
	if got.Ref() != wantRef {
		t.Errorf("Ref() = %+v, want %+v", got.Ref(), wantRef)
	}
	if again, err := s.Get(ctx(t), got.Ref()); err != nil || again.Ref() != wantRef {
		t.Errorf("get by its own ref: %+v %v", again, err)
	}
	// A reference naming another merchant does not find it.
	if _, err := s.Get(ctx(t), sub); !errors.Is(err, complaint.ErrNotFound) {
		t.Errorf("get with another merchant: %v", err)
	}
	n := 0
	for e, err := range s.History(ctx(t), own) {
		n++
		if err != nil || e.Kind != complaint.KindCreated || e.Actor != complaint.ActorUser || e.ID != "L1" {
			t.Errorf("history: %+v %v", e, err)
		}
	}
	if n != 1 {
		t.Errorf("history yielded %d", n)
	}
}

// Every adapter call checks the context and the reference before sending
// anything.
func TestAdapterRefusesBadInput(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	a := pubKeyClient(t, m).Adapter()
	good := complaint.Ref{Provider: complaint.WeChatPay, ID: "C1"}
	var nilCtx context.Context
	calls := map[string]func(context.Context, complaint.Ref) error{
		"Get": func(ctx context.Context, ref complaint.Ref) error { _, err := a.Get(ctx, ref); return err },
		"History": func(ctx context.Context, ref complaint.Ref) error {
			for _, err := range a.History(ctx, ref) {
				return err
			}
			return nil
		},
		"Reply": func(ctx context.Context, ref complaint.Ref) error {
			return a.Reply(ctx, ref, complaint.Reply{Content: "x"})
		},
		"Complete": func(ctx context.Context, ref complaint.Ref) error {
			return a.Complete(ctx, ref, complaint.Completion{})
		},
		"DecideRefund": func(ctx context.Context, ref complaint.Ref) error {
			return a.DecideRefund(ctx, ref, complaint.RefundDecision{Approve: true})
		},
	}
	for name, call := range calls {
		for what, tc := range map[string]struct {
			ctx   context.Context
			ref   complaint.Ref
			field string
		}{
			"nil ctx":        {nilCtx, good, "ctx"},
			"other provider": {ctx(t), complaint.Ref{Provider: complaint.PAYJS, ID: "C1"}, "Provider"},
			"channel":        {ctx(t), complaint.Ref{Provider: complaint.WeChatPay, ID: "C1", Channel: complaint.ChannelWeChat}, "Channel"},
			"no id":          {ctx(t), complaint.Ref{Provider: complaint.WeChatPay}, "complaint_id"},
		} {
			var ve *complaint.ValidationError
			if err := call(tc.ctx, tc.ref); !errors.As(err, &ve) || ve.Field != tc.field || !errors.Is(err, complaint.ErrInvalidRequest) {
				t.Errorf("%s with %s: %v, want a ValidationError for %s", name, what, err, tc.field)
			}
		}
	}
	if n := len(m.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// WithLanguage reaches every global read; on mainland it is not sent.
func TestAdapterLanguage(t *testing.T) {
	for _, env := range []Environment{Mainland, Global} {
		m := newMock(t, "", pubKeySigner())
		prefix := "/v3/merchant-service/complaints-v2"
		if env == Global {
			prefix = "/v3/global/merchant-service/complaints"
		}
		m.on("GET", prefix, func(*recorded) reply { return reply{body: page(nil, 50, 0, 0)} })
		m.on("GET", prefix+"/C1", func(*recorded) reply { return reply{body: globalComplaintJSON("C1")} })
		m.on("GET", prefix+"/C1/negotiation-historys", func(*recorded) reply { return reply{body: page(nil, 300, 0, 0)} })
		a := pubKeyClient(t, m, WithEnvironment(env)).Adapter(WithLanguage(LanguageEN))
		ref := complaint.Ref{Provider: complaint.WeChatPay, ID: "C1"}
		if _, err := collect(t, a.List(ctx(t), complaint.ListOptions{})); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Get(ctx(t), ref); err != nil {
			t.Fatal(err)
		}
		for _, err := range a.History(ctx(t), ref) {
			t.Fatal(err)
		}
		rs := m.requests()
		if len(rs) != 3 {
			t.Fatalf("%s: %d requests", env, len(rs))
		}
		for _, r := range rs {
			u, _ := url.Parse(r.URI)
			want := ""
			if env == Global {
				want = "EN"
			}
			if got := u.Query().Get("mch_language"); got != want {
				t.Errorf("%s %s: mch_language %q, want %q", env, r.URI, got, want)
			}
		}
	}
	// An invalid language is refused before sending.
	m := newMock(t, "", pubKeySigner())
	a := pubKeyClient(t, m, WithEnvironment(Global)).Adapter(WithLanguage("en-US"))
	if _, err := a.Get(ctx(t), complaint.Ref{ID: "C1"}); !errors.Is(err, complaint.ErrInvalidRequest) || len(m.requests()) != 0 {
		t.Errorf("bad language: %v", err)
	}
}
