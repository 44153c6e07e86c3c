package readme

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

type chanQueue chan *complaint.Event

func (q chanQueue) Push(_ context.Context, e *complaint.Event) error {
	q <- e
	return nil
}

func TestChangxiangSnippetTakesNotifications(t *testing.T) {
	s := changxiangtest.NewSender()
	q := make(chanQueue, 1)
	h, err := changxiangCallbacks(changxiangtest.DefaultSecret, q)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := s.Add(changxiangtest.Complaint{MerchantOrderNo: "M1"})
	r, err := s.Notify(t.Context(), srv.URL, c.OrderNo)
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("answer %+v, %v", r, err)
	}
	if e := <-q; e.Ref.ID != c.OrderNo || e.Complaint == nil {
		t.Errorf("queued %v", e)
	}
}

func TestReplyOrRetrySnippet(t *testing.T) {
	wx := wechatpaytest.NewServer()
	defer wx.Close()
	seeded := wx.Seed(1)
	client, err := wechatpay.NewClient(wx.Credentials(), wx.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	src := client.Adapter()
	ref := seeded[0].ToComplaint().Ref()
	if err := replyOrRetry(t.Context(), src, ref, "您好"); err != nil {
		t.Errorf("a good reply: %v", err)
	}
	if err := replyOrRetry(t.Context(), src, ref, strings.Repeat("长", 201)); !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("a 201-character reply: %v, want ErrInvalidRequest", err)
	}
	missing := ref
	missing.ID = "200000000000000000000000000"
	if err := replyOrRetry(t.Context(), src, missing, "您好"); err != nil {
		t.Errorf("an unknown complaint is not an error here: %v", err)
	}
	wx.SetRateLimit(0)
	if err := replyOrRetry(t.Context(), src, ref, "您好"); !errors.Is(err, complaint.ErrRateLimited) {
		t.Errorf("rate limited: %v", err)
	}
	pj := payjstest.NewServer()
	defer pj.Close()
	pc, err := payjs.NewClient(pj.Credentials(), option.WithBaseURL(pj.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := replyOrRetry(t.Context(), pc.Adapter(), complaint.Ref{Provider: complaint.PAYJS, ID: "x"}, "您好"); err != nil {
		t.Errorf("PAYJS cannot reply, which the snippet accepts: %v", err)
	}
}
