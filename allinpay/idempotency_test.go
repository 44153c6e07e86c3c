package allinpay

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/option"
)

// Reads (list, detail, image download, complaint order) are retried after a
// 503 under the client's policy; writes (reply, complete, refund decision,
// upload) are sent once and fail with the 503.
func TestWeChatIdempotency(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, SignRSA)
	f.handle = func(m string, _ url.Values) (map[string]string, string) {
		switch m {
		case "wxcomplaintlistquery":
			return map[string]string{"records": records(t, "[]")}, ""
		case "wxcomplaintdetail":
			return map[string]string{"records": records(t, wxItem("1", "", false, false))}, ""
		case "wxgetmerchantimage":
			return map[string]string{"imagebase64": base64.StdEncoding.EncodeToString(pngBytes)}, ""
		case "wxcomplaintorderdetail":
			return map[string]string{"records": records(t, orderRecords(false))}, ""
		}
		return nil, ""
	}
	mt := httpmock.NewMockTransport()
	fails := 0
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if fails > 0 {
			fails--
			return httpmock.NewStringResponse(http.StatusServiceUnavailable, "busy"), nil
		}
		return f.respond(r)
	})
	c, err := NewClient(testCreds(t, SignRSA), option.WithTransport(mt),
		option.WithRetry(option.Retry{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	reads := map[string]func() error{
		"list": func() error {
			_, err := c.ListComplaints(ctx, &ListComplaintsRequest{Begin: may1, End: may8})
			return err
		},
		"detail": func() error { _, err := c.GetComplaint(ctx, &GetComplaintRequest{ComplaintID: "1"}); return err },
		"image": func() error {
			_, err := c.DownloadImage(ctx, &DownloadImageRequest{MediaURL: "https://api.mch.weixin.qq.com/i"})
			return err
		},
		"order": func() error {
			_, err := c.GetTransactionComplaint(ctx, &GetTransactionComplaintRequest{ComplaintOrderID: "CO123"})
			return err
		},
	}
	writes := map[string]func() error{
		"reply":    func() error { return c.Reply(ctx, &ReplyRequest{ComplaintID: "1", Content: "x"}) },
		"complete": func() error { return c.Complete(ctx, &CompleteRequest{ComplaintID: "1"}) },
		"refund": func() error {
			return c.UpdateRefundProgress(ctx, &UpdateRefundProgressRequest{ComplaintID: "1", Action: RefundApprove})
		},
		"upload": func() error { _, err := c.UploadImage(ctx, &UploadImageRequest{Data: pngBytes}); return err },
	}
	for name, call := range reads {
		fails = 1
		before := mt.GetTotalCallCount()
		if err := call(); err != nil {
			t.Errorf("%s not retried: %v", name, err)
		}
		if n := mt.GetTotalCallCount() - before; n != 2 {
			t.Errorf("%s: %d requests, want 2", name, n)
		}
	}
	for name, call := range writes {
		fails = 1
		before := mt.GetTotalCallCount()
		var ae *APIError
		if err := call(); !errors.As(err, &ae) || ae.HTTPStatus != http.StatusServiceUnavailable {
			t.Errorf("%s: %v", name, err)
		}
		if n := mt.GetTotalCallCount() - before; n != 1 {
			t.Errorf("%s: %d requests, want 1", name, n)
		}
	}
}
