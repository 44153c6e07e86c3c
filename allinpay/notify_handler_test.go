package allinpay_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
)

// End to end: allinpaytest signs and posts notifications as Allinpay does;
// complaint.NewHandler with allinpay.NewReceiver answers them on an
// httptest server.

const e2ePhone = "13800138000"

// recorder is a sink that keeps the events it took and fails the first
// fail deliveries.
type recorder struct {
	mu     sync.Mutex
	events []complaint.Event
	calls  int
	fail   int
}

func (r *recorder) HandleEvent(_ context.Context, e *complaint.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.fail {
		return errors.New("sink down")
	}
	r.events = append(r.events, *e)
	return nil
}

func (r *recorder) taken() []complaint.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]complaint.Event(nil), r.events...)
}

type e2e struct {
	srv  *allinpaytest.Server
	c    *allinpay.Client
	sink *recorder
	url  string
	logs *bytes.Buffer
}

func newE2E(t *testing.T, opts ...allinpaytest.Option) *e2e {
	t.Helper()
	srv := allinpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	x := &e2e{srv: srv, c: c, sink: &recorder{}, logs: new(bytes.Buffer)}
	log := slog.New(slog.NewTextHandler(x.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := complaint.NewHandler(allinpay.NewReceiver(c), x.sink, complaint.WithHandlerLogger(log))
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	x.url = hs.URL + "/allinpay/notify"
	return x
}

// deliver posts n as Allinpay does (resending until acknowledged).
func (x *e2e) deliver(t *testing.T, n allinpaytest.Notification) []allinpaytest.NotifyResult {
	t.Helper()
	rs, err := x.srv.Deliver(context.Background(), x.url, n)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func acknowledgedFirst(t *testing.T, rs []allinpaytest.NotifyResult) {
	t.Helper()
	if len(rs) != 1 || !rs[0].Acknowledged || rs[0].Body != "success" || rs[0].Status != http.StatusOK {
		t.Fatalf("answers %+v", rs)
	}
}

func TestHandlerEveryRiskType(t *testing.T) {
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		t.Run(string(st), func(t *testing.T) {
			x := newE2E(t, allinpaytest.WithSignType(st))
			wc := x.srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "扣费", PayerPhone: e2ePhone})
			ac := x.srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{Contact: e2ePhone, ComplainContent: "请退款 " + e2ePhone,
				ComplainAmount: "8.80", OppositeName: "李四", GmtRiskFinish: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)})
			an, err := x.srv.AlipayComplaintNotification(ac.ID)
			if err != nil {
				t.Fatal(err)
			}
			an.Fields["id"] = ac.ID // the key alicomplaintquery takes, where Allinpay sends it
			notes := []allinpaytest.Notification{
				x.srv.ComplaintNotification(wc.ComplaintID, allinpaytest.ActionCreateComplaint),
				x.srv.ComplaintV2Notification(wc.ComplaintID),
				x.srv.ViolationNotification(allinpaytest.Violation{RecordID: "R1", PunishTime: "2024-05-01T09:00:00+08:00", SubMchID: "1900000109"}),
				an,
				x.srv.RiskNotification("FREEZE", map[string]string{"resource": `{"x":1}`}),
			}
			for _, n := range notes {
				acknowledgedFirst(t, x.deliver(t, n))
			}
			evs := x.sink.taken()
			if len(evs) != len(notes) {
				t.Fatalf("%d events", len(evs))
			}
			want := []struct {
				ref  complaint.Ref
				kind complaint.Kind
			}{
				{complaint.Ref{Provider: complaint.Allinpay, ID: wc.ComplaintID, Channel: complaint.ChannelWeChat}, complaint.KindCreated},
				{complaint.Ref{Provider: complaint.Allinpay, ID: wc.ComplaintID, Channel: complaint.ChannelWeChat}, complaint.KindUpdated},
				{complaint.Ref{Provider: complaint.Allinpay, Channel: complaint.ChannelWeChat}, allinpay.KindViolation},
				{complaint.Ref{Provider: complaint.Allinpay, ID: ac.ID, Channel: complaint.ChannelAlipay}, complaint.KindCreated},
				{complaint.Ref{Provider: complaint.Allinpay}, complaint.KindOther},
			}
			ids := map[string]bool{}
			for i, e := range evs {
				if e.Ref != want[i].ref || e.Kind != want[i].kind {
					t.Errorf("event %d: %v %s, want %v %s", i, e.Ref, e.Kind, want[i].ref, want[i].kind)
				}
				n, ok := e.Raw.(*allinpay.Notification)
				if !ok || n.SignType != allinpay.SignType(st) {
					t.Errorf("event %d raw %T", i, e.Raw)
				}
				ids[e.ID] = true
			}
			if len(ids) != len(evs) {
				t.Fatal("event ids repeat")
			}
			if a := evs[3].Raw.(*allinpay.Notification).Alipay; a.Contact != e2ePhone || a.ComplainAmount != 880 ||
				!a.GmtRiskFinishTime.Equal(time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)) || !evs[3].Time.Equal(a.GmtRiskFinishTime) ||
				evs[3].Complaint == nil || evs[3].Complaint.Amount != complaint.CNY(880) || evs[3].Complaint.Contact.Phone.Plain() != e2ePhone {
				t.Errorf("alipay %v", a)
			}
			if v := evs[2].Raw.(*allinpay.Notification).Violation; v.RecordID != "R1" || v.SubMchID != "1900000109" {
				t.Errorf("violation %+v", v)
			}
			if n := evs[4].Raw.(*allinpay.Notification); n.RiskType != "FREEZE" || n.Resource != `{"x":1}` {
				t.Errorf("unknown %+v", n)
			}
			x.noPersonalData(t)
		})
	}
}

func (x *e2e) noPersonalData(t *testing.T) {
	t.Helper()
	for _, s := range []string{e2ePhone, "请退款", "李四"} {
		if strings.Contains(x.logs.String(), s) {
			t.Fatalf("log holds %q:\n%s", s, x.logs)
		}
	}
}

func TestHandlerDuplicate(t *testing.T) {
	x := newE2E(t, allinpaytest.WithSignType(allinpaytest.SM2))
	n := x.srv.ComplaintNotification("200000020240501000000000001", allinpaytest.ActionUserResponse)
	rs, err := x.srv.NotifyTimes(context.Background(), x.url, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if !r.Acknowledged || r.Body != "success" {
			t.Fatalf("answer %+v", r)
		}
	}
	// Signed anew (another SM2 signature), the same notification is still a
	// duplicate; a later action is not.
	acknowledgedFirst(t, x.deliver(t, n))
	acknowledgedFirst(t, x.deliver(t, x.srv.ComplaintNotification("200000020240501000000000001", allinpaytest.ActionResponseByPlatform)))
	evs := x.sink.taken()
	if len(evs) != 2 || evs[0].Kind != complaint.KindUserMessage || evs[1].Kind != complaint.KindPlatformMessage || evs[0].Ref != evs[1].Ref {
		t.Fatalf("events %v", evs)
	}
	if !strings.Contains(x.logs.String(), "duplicate delivery dropped") {
		t.Fatalf("no duplicate logged:\n%s", x.logs)
	}
}

func TestHandlerForged(t *testing.T) {
	x := newE2E(t)
	forged := map[string]func(url.Values){
		"resource changed": func(f url.Values) { f.Set("resource", strings.Replace(f.Get("resource"), "CREATE", "CONTINUE", 1)) },
		"cusid changed":    func(f url.Values) { f.Set("cusid", "990581007426999") },
		"sign dropped":     func(f url.Values) { f.Del("sign") },
		"signtype RSA2":    func(f url.Values) { f.Set("signtype", "RSA2") },
		"field repeated":   func(f url.Values) { f.Add("risktype", "VIOLATION") },
	}
	for name, tamper := range forged {
		n := x.srv.ComplaintNotification("200000020240501000000000002", allinpaytest.ActionCreateComplaint)
		n.AfterSign = tamper
		rs := x.deliver(t, n)
		if len(rs) != 6 {
			t.Fatalf("%s: %d posts", name, len(rs))
		}
		for _, r := range rs {
			if r.Acknowledged || r.Body == "success" || r.Status == http.StatusOK {
				t.Fatalf("%s: answered %+v", name, r)
			}
		}
	}
	// Another merchant's notification, validly signed, is refused too.
	other := x.srv.ComplaintNotification("200000020240501000000000003", allinpaytest.ActionCreateComplaint)
	other.Fields["appid"] = "00000099"
	if rs := x.deliver(t, other); rs[0].Acknowledged || rs[0].Status != http.StatusBadRequest {
		t.Fatalf("other merchant: %+v", rs[0])
	}
	if evs := x.sink.taken(); len(evs) != 0 || x.sink.calls != 0 {
		t.Fatalf("dispatched %v", evs)
	}
}

// A sink failure is answered as a failure, so Allinpay resends; the resend
// is dispatched, once.
func TestHandlerSinkFailure(t *testing.T) {
	x := newE2E(t)
	x.sink.fail = 2
	an, err := x.srv.AlipayComplaintNotification(x.srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{Contact: e2ePhone}).ID)
	if err != nil {
		t.Fatal(err)
	}
	rs := x.deliver(t, an)
	if len(rs) != 3 || rs[0].Acknowledged || rs[1].Acknowledged || !rs[2].Acknowledged || rs[2].Body != "success" ||
		rs[0].Status != http.StatusInternalServerError || rs[2].After != allinpaytest.RetryDelays[1] {
		t.Fatalf("answers %+v", rs)
	}
	if rs[0].Body == "success" || rs[1].Body == "success" {
		t.Fatal("failure answered success")
	}
	if evs := x.sink.taken(); len(evs) != 1 || x.sink.calls != 3 {
		t.Fatalf("%d events in %d calls", len(evs), x.sink.calls)
	}
	// A later resend (the answer lost on the way) is a duplicate.
	acknowledgedFirst(t, x.deliver(t, an))
	if x.sink.calls != 3 {
		t.Fatal("resend dispatched again")
	}
	x.noPersonalData(t)
}

func TestHandlerAgent(t *testing.T) {
	for _, mode := range []allinpaytest.Mode{allinpaytest.ModeAgent, allinpaytest.ModeGroup} {
		x := newE2E(t, allinpaytest.WithAgent(mode, "660581000000001", "990581007426101", "990581007426102"))
		for _, sub := range x.srv.SubMerchants() {
			wc := x.srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{CusID: sub})
			acknowledgedFirst(t, x.deliver(t, x.srv.ComplaintNotification(wc.ComplaintID, allinpaytest.ActionCreateComplaint)))
		}
		evs := x.sink.taken()
		if len(evs) != 3 {
			t.Fatalf("%d events", len(evs))
		}
		for i, e := range evs {
			if e.Ref.MerchantID != x.srv.SubMerchants()[i] {
				t.Fatalf("event %d names merchant %q", i, e.Ref.MerchantID)
			}
		}
		// Another agent's notification is refused.
		n := x.srv.ComplaintNotification("200000020240501000000000004", allinpaytest.ActionCreateComplaint)
		n.Fields["orgid"] = "660581000000002"
		if rs := x.deliver(t, n); rs[0].Acknowledged {
			t.Fatal("other agent acknowledged")
		}
	}
}
