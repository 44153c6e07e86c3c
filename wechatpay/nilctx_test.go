package wechatpay

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// Every exported method that takes a context answers a nil one with
// complaint.CheckContext's error (a ValidationError for "ctx"), sends
// nothing, and never panics; iterators yield that error once. A cancelled
// context is an error matching context.Canceled (Verify excepted: it is
// local, and the context bounds only a certificate download).
func TestNilAndCancelledContext(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	c := pubKeyClient(t, m, WithCertificateDownload())
	first := func(seq func(func(*Complaint, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return nil
	}
	calls := map[string]func(ctx context.Context) error{
		"ListComplaints": func(ctx context.Context) error {
			_, err := c.ListComplaints(ctx, &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow})
			return err
		},
		"AllComplaints": func(ctx context.Context) error {
			return first(c.AllComplaints(ctx, &ListComplaintsRequest{BeginDate: testNow, EndDate: testNow}))
		},
		"GetComplaint": func(ctx context.Context) error {
			_, err := c.GetComplaint(ctx, &GetComplaintRequest{ComplaintID: "C1"})
			return err
		},
		"ListHistory": func(ctx context.Context) error {
			_, err := c.ListHistory(ctx, &ListHistoryRequest{ComplaintID: "C1"})
			return err
		},
		"AllHistory": func(ctx context.Context) error {
			for _, err := range c.AllHistory(ctx, &ListHistoryRequest{ComplaintID: "C1"}) {
				return err
			}
			return nil
		},
		"Reply": func(ctx context.Context) error {
			return c.Reply(ctx, &ReplyRequest{ComplaintID: "C1", ComplaintedMchID: "1", ResponseContent: "x"})
		},
		"Complete": func(ctx context.Context) error {
			return c.Complete(ctx, &CompleteRequest{ComplaintID: "C1", ComplaintedMchID: "1"})
		},
		"UpdateRefundProgress": func(ctx context.Context) error {
			return c.UpdateRefundProgress(ctx, &UpdateRefundProgressRequest{ComplaintID: "C1", Action: RefundApprove})
		},
		"ReplyImmediateService": func(ctx context.Context) error {
			_, err := c.ReplyImmediateService(ctx, &ImmediateServiceRequest{ComplaintID: "C1", ComplaintedMchID: "1", IdempotentID: "k",
				Message: NormalMessage{Blocks: []MessageBlock{{Type: BlockText, Text: &TextBlock{Text: "x"}}}}})
			return err
		},
		"CreateNotificationURL": func(ctx context.Context) error {
			_, err := c.CreateNotificationURL(ctx, &NotificationURLRequest{URL: "https://shop.example/n"})
			return err
		},
		"GetNotificationURL": func(ctx context.Context) error { _, err := c.GetNotificationURL(ctx); return err },
		"UpdateNotificationURL": func(ctx context.Context) error {
			_, err := c.UpdateNotificationURL(ctx, &NotificationURLRequest{URL: "https://shop.example/n"})
			return err
		},
		"DeleteNotificationURL": func(ctx context.Context) error { return c.DeleteNotificationURL(ctx) },
		"UploadImage": func(ctx context.Context) error {
			_, err := c.UploadImage(ctx, &UploadImageRequest{Filename: "a.png", Data: []byte("\x89PNG\r\n\x1a\n")})
			return err
		},
		"DownloadImage": func(ctx context.Context) error {
			_, err := c.DownloadImage(ctx, &DownloadImageRequest{MediaURL: "https://api.mch.weixin.qq.com" + mediaPath})
			return err
		},
		"Do": func(ctx context.Context) error {
			_, err := c.Do(ctx, "GET", "/v3/merchant-service/complaint-notifications", nil)
			return err
		},
		"RefreshCertificates":      func(ctx context.Context) error { _, err := c.RefreshCertificates(ctx); return err },
		"RefreshCertificatesEvery": func(ctx context.Context) error { return c.RefreshCertificatesEvery(ctx, time.Hour) },
		"Verify":                   func(ctx context.Context) error { _, err := c.Verify(ctx, nil, nil); return err },
	}
	var nilCtx context.Context
	for name, call := range calls {
		var err error
		func() {
			defer func() {
				if v := recover(); v != nil {
					err = errors.New("panicked")
				}
			}()
			err = call(nilCtx)
		}()
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != "ctx" {
			t.Errorf("%s(nil ctx): %v, want complaint.CheckContext's error", name, err)
		}
	}
	if n := len(m.requests()); n != 0 {
		t.Errorf("%d requests sent with a nil context", n)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, call := range calls {
		if name == "Verify" {
			continue
		}
		if err := call(cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("%s(cancelled ctx): %v, want context.Canceled", name, err)
		}
	}
}
