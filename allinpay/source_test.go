package allinpay_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/option"
)

// adapterServer is a fake with a client on a fixed clock.
func adapterServer(t *testing.T, now time.Time, opts ...allinpaytest.Option) (*allinpaytest.Server, *allinpay.Client) {
	t.Helper()
	srv := allinpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := allinpay.NewClient(srv.Credentials(),
		append(srv.ClientOptions(), option.WithClock(func() time.Time { return now }))...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func listIDs(t *testing.T, a *allinpay.Adapter, opts complaint.ListOptions) []string {
	t.Helper()
	var ids []string
	for c, err := range a.List(context.Background(), opts) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		ids = append(ids, string(c.Channel)+":"+c.ID)
	}
	return ids
}

// windows returns the list windows the fake was asked for, per method.
func windows(srv *allinpaytest.Server, method, bk, ek string) [][2]string {
	var out [][2]string
	for _, r := range srv.Requests() {
		if r.Method == method {
			out = append(out, [2]string{r.Fields.Get(bk), r.Fields.Get(ek)})
		}
	}
	return out
}

var now = time.Date(2025, 5, 20, 12, 0, 0, 0, cntime.Zone)

// Both channels by default, WeChat first; Channel and WithChannels narrow.
func TestAdapterListChannels(t *testing.T) {
	srv, c := adapterServer(t, now)
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020250520000000000001", ComplaintTime: now.Add(-time.Hour)})
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2025052000000001", GmtComplain: now.Add(-2 * time.Hour), ComplainAmount: "1.00"})
	both := []string{"wechat:200000020250520000000000001", "alipay:2025052000000001"}
	if got := listIDs(t, c.Adapter(), complaint.ListOptions{}); !slices.Equal(got, both) {
		t.Fatalf("default: %v", got)
	}
	if got := listIDs(t, c.Adapter(), complaint.ListOptions{Channel: complaint.ChannelAlipay}); !slices.Equal(got, both[1:]) {
		t.Fatalf("alipay: %v", got)
	}
	if got := listIDs(t, c.Adapter(allinpay.WithChannels(complaint.ChannelAlipay, complaint.ChannelWeChat)), complaint.ListOptions{}); !slices.Equal(got, []string{both[1], both[0]}) {
		t.Fatalf("alipay, wechat: %v", got)
	}
	for name, tc := range map[string]struct {
		a    *allinpay.Adapter
		opts complaint.ListOptions
	}{
		"unknown channel":        {c.Adapter(), complaint.ListOptions{Channel: "unionpay"}},
		"channel not listed":     {c.Adapter(allinpay.WithChannels(complaint.ChannelWeChat)), complaint.ListOptions{Channel: complaint.ChannelAlipay}},
		"unknown in WithChannel": {c.Adapter(allinpay.WithChannels("unionpay")), complaint.ListOptions{}},
		"bad merchant":           {c.Adapter(), complaint.ListOptions{MerchantID: "99&a=b"}},
	} {
		for _, err := range tc.a.List(context.Background(), tc.opts) {
			var ve *complaint.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%s: %v, want a ValidationError", name, err)
			}
			break
		}
	}
	// Page sizes: the channel's largest by default and above it.
	for size, want := range map[int][2]string{0: {"20", "50"}, 100: {"20", "50"}, 7: {"7", "7"}} {
		srv.ResetRequests()
		listIDs(t, c.Adapter(), complaint.ListOptions{PageSize: size})
		var got [2]string
		for _, r := range srv.Requests() {
			i := 0
			if r.Method == "alicomplaintqueryv2" {
				i = 1
			}
			got[i] = r.Fields.Get("page_size")
		}
		if got != want {
			t.Errorf("PageSize %d sent %v, want %v", size, got, want)
		}
	}
	srv.ResetRequests()
	// Nothing is asked for an empty window.
	if got := listIDs(t, c.Adapter(), complaint.ListOptions{Since: now, Until: now}); len(got) != 0 || len(srv.Requests()) != 0 {
		t.Fatalf("empty window: %v, %d requests", got, len(srv.Requests()))
	}
}

// The window is exact below the second although Allinpay's is to the
// second and inclusive.
func TestAdapterListSubSecondBounds(t *testing.T) {
	srv, c := adapterServer(t, now)
	at := now.Add(-time.Hour)
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020250520000000000001", ComplaintTime: at})
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2025052000000001", GmtComplain: at, ComplainAmount: "1.00"})
	a := c.Adapter()
	for _, tc := range []struct {
		since, until time.Time
		want         int
	}{
		{at, at.Add(time.Nanosecond), 2},
		{at.Add(time.Nanosecond), at.Add(time.Second), 0}, // the second asked for holds it; it is before Since
		{at.Add(-time.Second), at.Add(500 * time.Millisecond), 2},
		{at.Add(-time.Second), at, 0},
	} {
		if got := listIDs(t, a, complaint.ListOptions{Since: tc.since, Until: tc.until}); len(got) != tc.want {
			t.Errorf("[%v, %v): %v, want %d", tc.since, tc.until, got, tc.want)
		}
	}
	// The second holding Since is asked for, and the second before Until.
	srv.ResetRequests()
	listIDs(t, a, complaint.ListOptions{Since: at.Add(300 * time.Millisecond), Until: at.Add(2 * time.Second)})
	want := [2]string{cntime.Format(at, cntime.DateTime), cntime.Format(at.Add(time.Second), cntime.DateTime)}
	if w := windows(srv, "wxcomplaintlistquery", "begindate", "enddate"); len(w) != 1 || w[0] != want {
		t.Fatalf("wechat windows %v, want %v", w, want)
	}
	if w := windows(srv, "alicomplaintqueryv2", "gmt_complaint_start", "gmt_complaint_end"); len(w) != 1 || w[0] != want {
		t.Fatalf("alipay windows %v, want %v", w, want)
	}
}

// A long window is split into consecutive chunks of at most 30 days; a zero
// Since looks back DefaultLookBack from the client's clock.
func TestAdapterListChunks(t *testing.T) {
	srv, c := adapterServer(t, now)
	var want []string
	for i, age := range []time.Duration{65 * 24 * time.Hour, 31 * 24 * time.Hour, 24 * time.Hour} {
		id := fmt.Sprintf("2000000202505200000000000%02d", i)
		srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: id, ComplaintTime: now.Add(-age)})
		want = append(want, "wechat:"+id)
	}
	got := listIDs(t, c.Adapter(allinpay.WithChannels(complaint.ChannelWeChat)), complaint.ListOptions{Since: now.Add(-70 * 24 * time.Hour)})
	if !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v (oldest chunk first)", got, want)
	}
	w := windows(srv, "wxcomplaintlistquery", "begindate", "enddate")
	if len(w) != 3 {
		t.Fatalf("windows %v", w)
	}
	parse := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, cntime.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !parse(w[0][0]).Equal(now.Add(-70*24*time.Hour)) || !parse(w[2][1]).Equal(now.Add(-time.Second)) {
		t.Fatalf("windows %v do not cover the window", w)
	}
	for i, win := range w {
		if d := parse(win[1]).Sub(parse(win[0])); d > allinpay.MaxListSpan || d < 0 {
			t.Fatalf("window %d spans %v", i, d)
		}
		if i > 0 && !parse(win[0]).Equal(parse(w[i-1][1]).Add(time.Second)) {
			t.Fatalf("windows %v are not consecutive", w)
		}
	}
	srv.ResetRequests()
	listIDs(t, c.Adapter(allinpay.WithChannels(complaint.ChannelWeChat)), complaint.ListOptions{})
	if w := windows(srv, "wxcomplaintlistquery", "begindate", "enddate"); len(w) != 1 ||
		w[0] != [2]string{cntime.Format(now.Add(-allinpay.DefaultLookBack), cntime.DateTime), cntime.Format(now.Add(-time.Second), cntime.DateTime)} {
		t.Fatalf("default window %v", w)
	}
}

// A complaint filed while paging shifts an item onto the next page; List
// yields it once.
func TestAdapterListDeduplicates(t *testing.T) {
	for _, ch := range []complaint.Channel{complaint.ChannelWeChat, complaint.ChannelAlipay} {
		srv, c := adapterServer(t, now)
		add := func(i int, at time.Time) {
			if ch == complaint.ChannelWeChat {
				srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: fmt.Sprintf("2000000202505200000000000%02d", i), ComplaintTime: at})
			} else {
				srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: fmt.Sprintf("20250520000000%02d", i), GmtComplain: at, ComplainAmount: "1.00"})
			}
		}
		for i := range 3 {
			add(i, now.Add(-time.Duration(i+2)*time.Hour))
		}
		var ids []string
		for cp, err := range c.Adapter().List(context.Background(), complaint.ListOptions{PageSize: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) == 0 {
				add(9, now.Add(-time.Hour)) // newest: every later page shifts by one
			}
			ids = append(ids, cp.ID)
		}
		if len(ids) != 3 || ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] {
			t.Fatalf("%s: listed %v, want the 3 complaints once each", ch, ids)
		}
		n := 0
		for _, r := range srv.Requests() {
			if r.Fields.Get("current_page_num") != "" {
				n++
			}
		}
		if n < 4 {
			t.Fatalf("%s: %d pages asked for; the repeat was not provoked", ch, n)
		}
	}
}

// Agents list every sub-merchant or one (cusid), act with the complaint's
// sub-merchant, and groups ask for the whole group with WithGroupAll.
func TestAdapterAgentAndGroup(t *testing.T) {
	const sub = "990581007426002"
	srv, c := adapterServer(t, now, allinpaytest.WithAgent(allinpaytest.ModeGroup, "990581000000001", sub))
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020250520000000000001", CusID: sub, ComplaintTime: now.Add(-time.Hour)})
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020250520000000000002", ComplaintTime: now.Add(-2 * time.Hour)})
	a := c.Adapter(allinpay.WithChannels(complaint.ChannelWeChat), allinpay.WithGroupAll())
	var refs []complaint.Ref
	for cp, err := range a.List(context.Background(), complaint.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, cp.Ref())
	}
	if len(refs) != 2 || refs[0].MerchantID != sub || refs[1].MerchantID != srv.CusID() {
		t.Fatalf("group refs %+v", refs)
	}
	if w := srv.Requests(); w[0].Fields.Get("groupall") != "1" || w[0].Fields.Get("cusid") != "990581000000001" {
		t.Fatalf("group list sent %v", w[0].Fields)
	}
	if got := listIDs(t, c.Adapter(allinpay.WithChannels(complaint.ChannelWeChat)), complaint.ListOptions{MerchantID: sub}); !slices.Equal(got, []string{"wechat:200000020250520000000000001"}) {
		t.Fatalf("one sub-merchant: %v", got)
	}
	if err := a.Reply(context.Background(), refs[0], complaint.Reply{Content: "您好"}); err != nil {
		t.Fatal(err)
	}
	// Without the sub-merchant the agent number is asked, which has no such
	// complaint.
	ref := refs[0]
	ref.MerchantID = ""
	if _, err := a.Get(context.Background(), ref); !errors.Is(err, complaint.ErrNotFound) {
		t.Fatalf("Get without the sub-merchant: %v", err)
	}
}

// Alipay completion: the Completion's code, remark and images, or the
// default process code; refs are checked before any request.
func TestAdapterAlipayComplete(t *testing.T) {
	srv, c := adapterServer(t, now)
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2025052000000001", GmtComplain: now.Add(-time.Hour), ComplainAmount: "1.00"})
	srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2025052000000002", GmtComplain: now.Add(-time.Hour), ComplainAmount: "1.00"})
	ctx := context.Background()
	f, err := c.UploadAlipayFile(ctx, &allinpay.UploadAlipayFileRequest{FileName: "p.png", Data: []byte("\x89PNG\r\n\x1a\nxx")})
	if err != nil {
		t.Fatal(err)
	}
	ref := complaint.Ref{Provider: complaint.Allinpay, ID: "2025052000000001", Channel: complaint.ChannelAlipay}
	if err := c.Adapter().Complete(ctx, ref, complaint.Completion{Code: "REFUND", Remark: "已退款",
		Media: []complaint.Media{{ID: f.FileKey, URL: f.FileURL}}}); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.AlipayComplaint(ref.ID)
	if got.ProcessCode != "REFUND" || got.ProcessRemark != "已退款" || len(got.ProcessImages) != 1 || got.ProcessImages[0].ImgURLKey != f.FileKey {
		t.Fatalf("finished %+v", got)
	}
	ref.ID = "2025052000000002"
	if err := c.Adapter().Complete(ctx, ref, complaint.Completion{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.AlipayComplaint(ref.ID); got.ProcessCode != "ORTHER" {
		t.Fatalf("default process code %q", got.ProcessCode)
	}
	if err := c.Adapter(allinpay.WithProcessCode(allinpay.AlipayProcessConsensusWithClient)).Complete(ctx, ref, complaint.Completion{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.AlipayComplaint(ref.ID); got.ProcessCode != "CONSENSUS_WITH_CLIENT" {
		t.Fatalf("configured process code %q", got.ProcessCode)
	}

	srv.ResetRequests()
	a := c.Adapter()
	for name, r := range map[string]complaint.Ref{
		"other provider": {Provider: complaint.WeChatPay, ID: "1", Channel: complaint.ChannelWeChat},
		"no channel":     {Provider: complaint.Allinpay, ID: "1"},
		"bad channel":    {Provider: complaint.Allinpay, ID: "1", Channel: "unionpay"},
		"bad merchant":   {Provider: complaint.Allinpay, ID: "1", Channel: complaint.ChannelWeChat, MerchantID: "a&b=c"},
	} {
		var ve *complaint.ValidationError
		if _, err := a.Get(ctx, r); !errors.As(err, &ve) {
			t.Errorf("Get %s: %v", name, err)
		}
		if err := a.Complete(ctx, r, complaint.Completion{}); !errors.As(err, &ve) {
			t.Errorf("Complete %s: %v", name, err)
		}
		if err := a.Reply(ctx, r, complaint.Reply{Content: "x"}); !errors.As(err, &ve) {
			t.Errorf("Reply %s: %v", name, err)
		}
		if err := a.DecideRefund(ctx, r, complaint.RefundDecision{}); !errors.As(err, &ve) {
			t.Errorf("DecideRefund %s: %v", name, err)
		}
		for _, err := range a.History(ctx, r) {
			if !errors.As(err, &ve) {
				t.Errorf("History %s: %v", name, err)
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests for refused refs", n)
	}
}

// A WeChat refund decision sends the decision's fields; Get converts with
// the WeChat converter under Allinpay's name.
func TestAdapterWeChatDecideRefundAndGet(t *testing.T) {
	srv, c := adapterServer(t, now)
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020250520000000000001", ComplaintTime: now.Add(-time.Hour),
		ProblemType: allinpaytest.ProblemRefund, ApplyRefundAmount: 990, Orders: []allinpaytest.WeChatOrder{{TransactionID: "4200", Amount: 990}}})
	srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200000020250520000000000002", ComplaintTime: now.Add(-time.Hour),
		ProblemType: allinpaytest.ProblemRefund})
	ctx := context.Background()
	a := c.Adapter()
	ref := complaint.Ref{Provider: complaint.Allinpay, ID: "200000020250520000000000001", Channel: complaint.ChannelWeChat}
	cp, err := a.Get(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Ref() != ref || cp.ChannelID != ref.ID || cp.Amount != complaint.CNY(990) || cp.Refund.Requested != complaint.CNY(990) ||
		cp.Problem.Type != complaint.ProblemRefund || cp.State != complaint.StatePending {
		t.Fatalf("converted %+v", cp)
	}
	if l, ok := cp.Raw.(*allinpay.ListedComplaint); !ok || l.ComplaintID != ref.ID {
		t.Fatalf("raw %T", cp.Raw)
	}
	if err := a.DecideRefund(ctx, ref, complaint.RefundDecision{Approve: true, RefundInDays: 3, Remark: "r"}); err != nil {
		t.Fatal(err)
	}
	ref2 := ref
	ref2.ID = "200000020250520000000000002"
	if err := a.DecideRefund(ctx, ref2, complaint.RefundDecision{Reason: "已发货", Remark: "r2"}); err != nil {
		t.Fatal(err)
	}
	d1, d2 := srv.RefundDecisions(ref.ID), srv.RefundDecisions(ref2.ID)
	if len(d1) != 1 || d1[0].Action != "APPROVE" || d1[0].LaunchRefundDay != "3" || d1[0].Remark != "r" || d1[0].RejectReason != "" ||
		len(d2) != 1 || d2[0].Action != "REJECT" || d2[0].RejectReason != "已发货" || d2[0].Remark != "r2" {
		t.Fatalf("decisions %+v %+v", d1, d2)
	}
	// Alipay lacks what Allinpay does not relay.
	ali := complaint.Ref{Provider: complaint.Allinpay, ID: "1", Channel: complaint.ChannelAlipay}
	for name, err := range map[string]error{
		"Reply":        a.Reply(ctx, ali, complaint.Reply{Content: "x"}),
		"DecideRefund": a.DecideRefund(ctx, ali, complaint.RefundDecision{Approve: true}),
	} {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s on Alipay: %v", name, err)
		}
	}
}
