package changxiang_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/signing"
)

type recorder struct {
	mu     sync.Mutex
	events []complaint.Event
}

func (r *recorder) HandleEvent(_ context.Context, e *complaint.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, *e)
	return nil
}

func (r *recorder) all() []complaint.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]complaint.Event(nil), r.events...)
}

func wantAnswer(t *testing.T, what string, res *changxiangtest.Result, err error, status int, ctype, body string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.Status != status || res.ContentType != ctype || res.Body != body {
		t.Fatalf("%s: answered %d %q %q, want %d %q %q", what, res.Status, res.ContentType, res.Body, status, ctype, body)
	}
}

// TestEndToEnd runs the fake sender against complaint.NewHandler on an
// httptest server, once per candidate rule.
func TestEndToEnd(t *testing.T) {
	for _, rule := range changxiang.Candidates() {
		t.Run(rule.Name(), func(t *testing.T) {
			ctx := context.Background()
			sender := changxiangtest.NewSender(changxiangtest.WithRule(rule))
			c, err := changxiang.NewClient(sender.Credentials(), changxiang.WithRule(sender.Rule()))
			if err != nil {
				t.Fatal(err)
			}
			sink := &recorder{}
			srv := httptest.NewServer(complaint.NewHandler(changxiang.NewReceiver(c), sink))
			defer srv.Close()

			at := time.Date(2025, 11, 15, 14, 30, 0, 0, cntime.Zone)
			nick := "小明"
			cpl := sender.Add(changxiangtest.Complaint{MerchantOrderNo: "M202411150001", BuyerMobile: "18612045566",
				ZFBComplaintNo: "ZFB20241115001", ComplaintAt: at, WechatNickname: &nick})

			res, err := sender.Notify(ctx, srv.URL, cpl.OrderNo)
			wantAnswer(t, "first", res, err, 200, "application/json", "{}")
			res, err = sender.Notify(ctx, srv.URL, cpl.OrderNo)
			wantAnswer(t, "duplicate", res, err, 200, "application/json", "{}")
			if n := len(sink.all()); n != 1 {
				t.Fatalf("after a duplicate: %d events", n)
			}

			if _, err := sender.Refund(cpl.OrderNo, "100000.01", at.Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			res, err = sender.Notify(ctx, srv.URL, cpl.OrderNo)
			wantAnswer(t, "refund", res, err, 200, "application/json", "{}")
			if _, err := sender.Close(cpl.OrderNo, at.Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			res, err = sender.Notify(ctx, srv.URL, cpl.OrderNo)
			wantAnswer(t, "close", res, err, 200, "application/json", "{}")
			res, err = sender.Notify(ctx, srv.URL, cpl.OrderNo)
			wantAnswer(t, "close again", res, err, 200, "application/json", "{}")

			// A forged notification (another secret) is refused and
			// dispatches nothing.
			forger := changxiangtest.NewSender(changxiangtest.WithRule(rule), changxiangtest.WithSecret(signing.NewSecret("wrong")))
			fake := forger.Add(changxiangtest.Complaint{OrderNo: "cxka251115999zzz", ComplaintAt: at})
			res, err = forger.Notify(ctx, srv.URL, fake.OrderNo)
			wantAnswer(t, "forged", res, err, 401, "application/json", `{"err_no":1,"err_msg":"fail"}`)
			body, _ := sender.Body(changxiangtest.Complaint{OrderNo: "cxka1", Type: "1"})
			res, err = sender.Post(ctx, srv.URL, "text/plain", body)
			wantAnswer(t, "wrong content type", res, err, 400, "application/json", `{"err_no":1,"err_msg":"fail"}`)

			evs := sink.all()
			if len(evs) != 3 {
				t.Fatalf("%d events, want 3", len(evs))
			}
			ref := complaint.Ref{Provider: complaint.Changxiang, ID: cpl.OrderNo, OrderID: cpl.OrderNo}
			kinds := []complaint.Kind{complaint.KindCreated, complaint.KindRefunded, complaint.KindStateChanged}
			states := []complaint.State{complaint.StatePending, complaint.StateProcessing, complaint.StateResolved}
			times := []time.Time{at, at.Add(24 * time.Hour), at.Add(48 * time.Hour)}
			for i, e := range evs {
				if e.Ref != ref || e.Kind != kinds[i] || e.Complaint == nil || e.Complaint.State != states[i] || !e.Time.Equal(times[i]) {
					t.Errorf("event %d: %v", i, e)
				}
				if i > 0 && e.ID == evs[i-1].ID {
					t.Errorf("event %d reuses id %s", i, e.ID)
				}
			}
			last := evs[2].Complaint
			if last.Refund.Refunded.Amount != 10000001 || last.Contact.Phone.Plain() != "18612045566" || last.Contact.Name != "小明" ||
				last.ChannelID != "ZFB20241115001" || last.Orders[0].OutTradeNo != "M202411150001" || !last.ClosedAt.Equal(times[2]) {
				t.Errorf("closed complaint %#v", *last)
			}
		})
	}
}

func TestEndToEndPayment(t *testing.T) {
	ctx := context.Background()
	sender := changxiangtest.NewSender()
	c, err := changxiang.NewClient(sender.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []*changxiang.PaymentNotification
	sink := complaint.PaymentSinkFunc[*changxiang.PaymentNotification](func(_ context.Context, p *changxiang.PaymentNotification) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
		return nil
	})
	srv := httptest.NewServer(complaint.NewPaymentHandler(changxiang.NewPaymentReceiver(c), sink))
	defer srv.Close()

	p := changxiangtest.Payment{TotalFee: "12.50", TradeNo: "cxka251115066acn", OutTradeNo: "M1", PayType: "alipay",
		Cards: "A1:S3CRET", TimeEnd: time.Date(2025, 11, 15, 14, 31, 2, 0, cntime.Zone)}
	res, err := sender.NotifyPayment(ctx, srv.URL, p)
	wantAnswer(t, "payment", res, err, 200, "text/plain; charset=utf-8", "success")
	res, err = sender.NotifyPayment(ctx, srv.URL, p)
	wantAnswer(t, "duplicate payment", res, err, 200, "text/plain; charset=utf-8", "success")
	fail := p
	fail.ResultCode = changxiang.ResultFail
	res, err = sender.NotifyPayment(ctx, srv.URL, fail)
	wantAnswer(t, "FAIL result", res, err, 200, "text/plain; charset=utf-8", "success")
	forged := sender.PaymentForm(p)
	forged.Set("total_fee", "0.01")
	res, err = sender.Post(ctx, srv.URL, "application/x-www-form-urlencoded", []byte(forged.Encode()))
	wantAnswer(t, "forged payment", res, err, 401, "text/plain; charset=utf-8", "fail")
	other := changxiangtest.NewSender(changxiangtest.WithSecret(signing.NewSecret("x")))
	res, err = other.NotifyPayment(ctx, srv.URL, p)
	wantAnswer(t, "wrong secret", res, err, 401, "text/plain; charset=utf-8", "fail")
	res, err = sender.NotifyPayment(ctx, srv.URL, changxiangtest.Payment{MchID: "1", TradeNo: "t"})
	wantAnswer(t, "other merchant", res, err, 401, "text/plain; charset=utf-8", "fail")

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].ResultCode != changxiang.ResultSuccess || got[1].ResultCode != changxiang.ResultFail ||
		got[0].Cards != "A1:S3CRET" || got[0].MchID != changxiangtest.DefaultMchID || !got[0].TimeEnd.Equal(p.TimeEnd) {
		t.Fatalf("payments %v", got)
	}
}
