package wechatpaytest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// These tests run package wechatpay's client against the fake server. The
// server's own tests check it against an independent signer; here the two
// halves of the SDK must agree with each other.

func newClient(t *testing.T, s *wechatpaytest.Server, opts ...option.Option) *wechatpay.Client {
	t.Helper()
	c, err := wechatpay.NewClient(s.Credentials(), append(s.ClientOptions(), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestClientRoundTrip(t *testing.T) {
	for _, mode := range []wechatpaytest.KeyMode{wechatpaytest.PublicKeyMode, wechatpaytest.CertificateMode, wechatpaytest.BothModes} {
		t.Run(mode.String(), func(t *testing.T) {
			s := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(mode))
			defer s.Close()
			seeded := s.Seed(25)
			c := newClient(t, s, wechatpay.WithPayerPhoneDecryption())
			ctx := context.Background()

			now := time.Now()
			n := 0
			for cmp, err := range c.AllComplaints(ctx, &wechatpay.ListComplaintsRequest{BeginDate: now.AddDate(0, 0, -7), EndDate: now, Limit: 10}) {
				if err != nil {
					t.Fatalf("list: %v", err)
				}
				n++
				_ = cmp
			}
			// Seeded complaints are 5 hours apart: all 25 fall in the last week.
			if n != len(seeded) {
				t.Errorf("iterated %d complaints, seeded %d", n, len(seeded))
			}

			id := seeded[0].ComplaintID
			got, err := c.GetComplaint(ctx, &wechatpay.GetComplaintRequest{ComplaintID: id})
			if err != nil {
				t.Fatalf("detail: %v", err)
			}
			if got.PayerPhonePlaintext != seeded[0].PayerPhonePlaintext {
				t.Errorf("payer phone not decrypted")
			}
			if _, err := c.GetComplaint(ctx, &wechatpay.GetComplaintRequest{ComplaintID: "1"}); !errors.Is(err, complaint.ErrNotFound) {
				t.Errorf("unknown complaint: %v", err)
			}

			if err := c.Reply(ctx, &wechatpay.ReplyRequest{ComplaintID: id, ComplaintedMchID: s.MchID(), ResponseContent: "您好，已为您安排退款。"}); err != nil {
				t.Fatalf("reply: %v", err)
			}
			if cur, _ := s.Complaint(id); cur.ComplaintState != wechatpay.StateProcessing {
				t.Errorf("state after reply %s", cur.ComplaintState)
			}
			hist := 0
			for _, err := range c.AllHistory(ctx, &wechatpay.ListHistoryRequest{ComplaintID: id}) {
				if err != nil {
					t.Fatalf("history: %v", err)
				}
				hist++
			}
			if hist != len(s.History(id)) {
				t.Errorf("history %d, server has %d", hist, len(s.History(id)))
			}
			if err := c.Complete(ctx, &wechatpay.CompleteRequest{ComplaintID: id, ComplaintedMchID: s.MchID()}); err != nil {
				t.Fatalf("complete: %v", err)
			}

			up, err := c.UploadImage(ctx, &wechatpay.UploadImageRequest{Filename: "proof.png", Data: wechatpaytest.SamplePNG()})
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if _, _, ok := s.Image(up.MediaID); !ok {
				t.Errorf("uploaded %q not stored", up.MediaID)
			}
			img, err := c.DownloadImage(ctx, &wechatpay.DownloadImageRequest{MediaURL: seeded[0].ComplaintMediaList[0].MediaURL[0]})
			if err != nil {
				t.Fatalf("download %%2F media: %v", err)
			}
			b, _ := io.ReadAll(img.Body)
			_ = img.Body.Close()
			if !bytes.Equal(b, wechatpaytest.SamplePNG()) {
				t.Error("downloaded bytes differ")
			}

			if _, err := c.CreateNotificationURL(ctx, &wechatpay.NotificationURLRequest{URL: "https://shop.example/wechat/complaints"}); err != nil {
				t.Fatalf("create url: %v", err)
			}
			if u, err := c.GetNotificationURL(ctx); err != nil || u.URL != "https://shop.example/wechat/complaints" {
				t.Fatalf("query url: %v %+v", err, u)
			}
			if err := c.DeleteNotificationURL(ctx); err != nil {
				t.Fatalf("delete url: %v", err)
			}
		})
	}
}

func TestClientCertificateDownload(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(wechatpaytest.CertificateMode), wechatpaytest.WithClock(clock))
	defer s.Close()
	c, err := wechatpay.NewClient(s.Credentials(), option.WithBaseURL(s.URL), option.WithHTTPClient(s.Client()),
		option.WithClock(clock), wechatpay.WithCertificateDownload())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	serials, err := c.RefreshCertificates(context.Background())
	if err != nil || len(serials) != 1 || serials[0] != s.Certificates()[0].Serial {
		t.Fatalf("refresh: %v %v", serials, err)
	}
	// The client names the certificate it holds in Wechatpay-Serial, so the
	// server keeps signing with it after a rotation; once it is retired, the
	// new serial is unknown to the client and triggers one download (the client
	// waits a minute between downloads).
	old := serials[0]
	rotated := s.RotateCertificate()
	s.RetireCertificate(old)
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	s.SetNotificationURL("https://shop.example/n") // a 200: error answers are not verified
	if _, err := c.GetNotificationURL(context.Background()); err != nil {
		t.Errorf("after rotation: %v", err)
	}
	if !slices.Contains(c.KeySerials(), rotated.Serial) {
		t.Errorf("client did not pick up %s: %v", rotated.Serial, c.KeySerials())
	}
}

func TestClientSeesFaults(t *testing.T) {
	s := wechatpaytest.NewServer()
	defer s.Close()
	c := newClient(t, s, option.WithRetry(option.Retry{}))
	ctx := context.Background()
	for _, tt := range []struct {
		f    wechatpaytest.Fault
		want error
	}{
		{wechatpaytest.FaultTamperedBody, complaint.ErrSignatureInvalid},
		{wechatpaytest.FaultProbeSignature, complaint.ErrSignatureInvalid},
		{wechatpaytest.FaultStaleTimestamp, complaint.ErrTimestampSkew},
		{wechatpaytest.FaultUnknownSerial, complaint.ErrUnknownKey},
		{wechatpaytest.FaultUnsigned, complaint.ErrSignatureInvalid},
	} {
		s.SetNotificationURL("https://shop.example/n")
		s.InjectFault(tt.f)
		if _, err := c.GetNotificationURL(ctx); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.f, err, tt.want)
		}
	}
	s.SetRateLimit(0)
	if _, err := c.GetNotificationURL(ctx); !errors.Is(err, complaint.ErrRateLimited) {
		t.Errorf("rate limit: %v", err)
	}
}

func TestClientReceivesCallbacks(t *testing.T) {
	s := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(wechatpaytest.BothModes))
	defer s.Close()
	c := newClient(t, s)
	var got []*complaint.Event
	h := complaint.NewHandler(wechatpay.NewReceiver(c), complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		got = append(got, e)
		return nil
	}))
	hs := httptest.NewServer(h)
	defer hs.Close()
	s.SetNotificationURL(hs.URL)
	ctx := context.Background()
	cmp := s.AddComplaint(s.SampleComplaint(0))
	if st, err := s.Notify(ctx, cmp.ComplaintID, wechatpay.ActionCreateComplaint); err != nil || st/100 != 2 {
		t.Fatalf("notify: %d %v", st, err)
	}
	if st, _ := s.Notify(ctx, cmp.ComplaintID, wechatpay.ActionUserResponse, wechatpaytest.WithSigningSerial(s.Certificates()[0].Serial)); st/100 != 2 {
		t.Errorf("certificate-signed callback: %d", st)
	}
	for _, f := range []wechatpaytest.Fault{wechatpaytest.FaultProbeSignature, wechatpaytest.FaultTamperedBody, wechatpaytest.FaultStaleTimestamp} {
		if st, _ := s.Notify(ctx, cmp.ComplaintID, wechatpay.ActionUserResponse, wechatpaytest.WithNotifyFault(f)); st/100 == 2 {
			t.Errorf("%s accepted: %d", f, st)
		}
	}
	if st, _ := s.Notify(ctx, cmp.ComplaintID, wechatpay.ActionUserResponse, wechatpaytest.WithResourceNonce("short")); st/100 == 2 {
		t.Errorf("short nonce accepted: %d", st)
	}
	if len(got) != 2 || got[0].Ref != (complaint.Ref{Provider: complaint.WeChatPay, ID: cmp.ComplaintID}) || got[0].Kind != complaint.KindCreated {
		t.Errorf("sink got %d events", len(got))
	}
	req, err := s.NewNotificationRequest(cmp.ComplaintID, wechatpay.ActionMerchantApproveRefund)
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.ParseNotification(req)
	if err != nil || n.Decrypted.ActionType != wechatpay.ActionMerchantApproveRefund {
		t.Errorf("parse: %v %+v", err, n)
	}
}

func TestClientGlobal(t *testing.T) {
	s := wechatpaytest.NewServer(wechatpaytest.WithRegion(wechatpay.RegionGlobal))
	defer s.Close()
	seeded := s.Seed(3)
	c := newClient(t, s)
	ctx := context.Background()
	now := time.Now()
	page, err := c.ListComplaints(ctx, &wechatpay.ListComplaintsRequest{BeginDate: now.AddDate(0, 0, -1), EndDate: now, Language: wechatpay.LanguageEN})
	if err != nil || len(page.Data) == 0 {
		t.Fatalf("global list: %v", err)
	}
	img, err := c.DownloadImage(ctx, &wechatpay.DownloadImageRequest{MediaURL: seeded[0].ComplaintMediaList[0].MediaURL[0], ComplaintID: seeded[0].ComplaintID})
	if err != nil {
		t.Fatalf("global download: %v", err)
	}
	_ = img.Body.Close()
	if err := c.UpdateRefundProgress(ctx, &wechatpay.UpdateRefundProgressRequest{ComplaintID: seeded[0].ComplaintID, Action: wechatpay.RefundApprove}); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("global refund progress: %v", err)
	}
}

func TestClientOverTLS(t *testing.T) {
	merchant := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer merchant.Close()
	s := wechatpaytest.NewServer(wechatpaytest.WithTLS(), wechatpaytest.WithNotifyClient(merchant.Client()))
	defer s.Close()
	if !strings.HasPrefix(s.URL, "https://") {
		t.Fatalf("url %s", s.URL)
	}
	c := newClient(t, s)
	ctx := context.Background()
	if _, err := c.CreateNotificationURL(ctx, &wechatpay.NotificationURLRequest{URL: merchant.URL + "/n"}); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Notify(ctx, "200201820250101080076610000", wechatpay.ActionUserResponse); err != nil || st != 204 {
		t.Errorf("https callback: %d %v", st, err)
	}
}
