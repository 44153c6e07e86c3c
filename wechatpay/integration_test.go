package wechatpay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// These tests run the client against the fake server of wechatpaytest, which
// verifies request signatures with its own implementation and keeps state.

func newPair(t *testing.T, opts []wechatpaytest.Option, copts ...option.Option) (*wechatpaytest.Server, *wechatpay.Client) {
	t.Helper()
	srv := wechatpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := wechatpay.NewClient(srv.Credentials(), append(srv.ClientOptions(), copts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

func TestFakeServerFlow(t *testing.T) {
	for _, region := range []wechatpay.Region{wechatpay.RegionMainland, wechatpay.RegionGlobal} {
		t.Run(region.String(), func(t *testing.T) {
			srv, c := newPair(t, []wechatpaytest.Option{wechatpaytest.WithRegion(region)}, wechatpay.WithPayerPhoneDecryption())
			seeded := srv.Seed(12)
			ctx := t.Context()

			var ids []string
			for cp, err := range c.Adapter().List(ctx, complaint.ListOptions{PageSize: 5}) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, cp.ID)
			}
			if len(ids) != len(seeded) {
				t.Fatalf("listed %d of %d", len(ids), len(seeded))
			}

			id := seeded[0].ComplaintID
			ref := complaint.Ref{Provider: complaint.WeChatPay, ID: id}
			got, err := c.GetComplaint(ctx, &wechatpay.GetComplaintRequest{ComplaintID: id})
			if err != nil {
				t.Fatal(err)
			}
			if got.PayerPhone == "" || got.PayerPhonePlaintext == "" || got.PayerPhonePlaintext != seeded[0].PayerPhonePlaintext {
				t.Errorf("payer phone %q, want %q", got.PayerPhonePlaintext, seeded[0].PayerPhonePlaintext)
			}

			up, err := c.UploadImage(ctx, &wechatpay.UploadImageRequest{Filename: "proof.png", Data: wechatpaytest.SamplePNG()})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Adapter().Reply(ctx, ref, complaint.Reply{Content: "您好，已为您处理", MediaIDs: []string{up.MediaID}}); err != nil {
				t.Fatal(err)
			}
			after, _ := srv.Complaint(id)
			if after.ComplaintState != wechatpay.StateProcessing && seeded[0].ComplaintState == wechatpay.StatePending {
				t.Errorf("state after reply: %s", after.ComplaintState)
			}
			var replied bool
			for e, err := range c.Adapter().History(ctx, ref) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Kind == complaint.KindMerchantReply && strings.Contains(e.Content, "已为您处理") {
					replied = true
				}
			}
			if !replied {
				t.Error("reply not in history")
			}

			// A seeded image (media id with %2F and %3D%3D) downloads verbatim.
			var mediaURL string
			for _, m := range seeded[0].ComplaintMediaList {
				mediaURL = m.MediaURL[0]
			}
			if mediaURL == "" {
				t.Fatal("seeded complaint 0 has no image")
			}
			{
				img, err := c.DownloadImage(ctx, &wechatpay.DownloadImageRequest{MediaURL: mediaURL, ComplaintID: id})
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(img.Body)
				img.Body.Close()
				if len(b) == 0 {
					t.Error("empty image")
				}
			}

			err = c.Adapter().DecideRefund(ctx, ref, complaint.RefundDecision{Approve: true})
			if region == wechatpay.RegionGlobal && !errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("global refund decision: %v", err)
			}
		})
	}
}

func TestFakeServerFaults(t *testing.T) {
	srv, c := newPair(t, nil, option.WithRetry(option.Retry{}))
	srv.Seed(2)
	id := srv.Complaints()[0].ComplaintID
	for f, want := range map[wechatpaytest.Fault]error{
		wechatpaytest.FaultTamperedBody:    complaint.ErrSignatureInvalid,
		wechatpaytest.FaultStaleTimestamp:  complaint.ErrTimestampSkew,
		wechatpaytest.FaultFutureTimestamp: complaint.ErrTimestampSkew,
		wechatpaytest.FaultProbeSignature:  complaint.ErrSignatureInvalid,
		wechatpaytest.FaultUnknownSerial:   complaint.ErrUnknownKey,
		wechatpaytest.FaultUnsigned:        complaint.ErrSignatureInvalid,
	} {
		srv.InjectFault(f)
		if _, err := c.GetComplaint(t.Context(), &wechatpay.GetComplaintRequest{ComplaintID: id}); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", f, err, want)
		}
	}
	srv.SetRateLimit(0)
	if _, err := c.GetComplaint(t.Context(), &wechatpay.GetComplaintRequest{ComplaintID: id}); !errors.Is(err, complaint.ErrRateLimited) {
		t.Errorf("rate limit: %v", err)
	}
}

func TestFakeServerCertificateRotation(t *testing.T) {
	srv, c := newPair(t, []wechatpaytest.Option{wechatpaytest.WithKeyMode(wechatpaytest.CertificateMode)}, wechatpay.WithCertificateDownload())
	srv.Seed(1)
	id := srv.Complaints()[0].ComplaintID
	old := srv.Certificates()[0].Serial
	if _, err := c.GetComplaint(t.Context(), &wechatpay.GetComplaintRequest{ComplaintID: id}); err != nil {
		t.Fatal(err)
	}
	fresh := srv.RotateCertificate()
	srv.RetireCertificate(old)
	if _, err := c.GetComplaint(t.Context(), &wechatpay.GetComplaintRequest{ComplaintID: id}); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	downloads := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.RequestURI, "/v3/certificates") {
			downloads++
		}
	}
	if downloads != 1 {
		t.Errorf("%d certificate downloads, want 1", downloads)
	}
	found := false
	for _, s := range c.KeySerials() {
		found = found || s == fresh.Serial
	}
	if !found {
		t.Error("rotated certificate not in the key ring")
	}
}

func TestFakeServerCallbacks(t *testing.T) {
	srv, c := newPair(t, nil)
	srv.Seed(1)
	id := srv.Complaints()[0].ComplaintID
	var mu sync.Mutex
	var events []*complaint.Event
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
		return nil
	})
	hs := httptest.NewServer(complaint.NewHandler(wechatpay.NewReceiver(c), sink, complaint.WithEnrichment(c.Adapter())))
	defer hs.Close()
	srv.SetNotificationURL(hs.URL)

	ctx := t.Context()
	for i := 0; i < 2; i++ { // the second is a redelivery
		st, err := srv.Notify(ctx, id, wechatpay.ActionUserResponse, wechatpaytest.WithEventID("evt-1"))
		if err != nil || st != http.StatusOK {
			t.Fatalf("delivery %d: %d %v", i, st, err)
		}
	}
	for _, f := range []wechatpaytest.Fault{wechatpaytest.FaultProbeSignature, wechatpaytest.FaultStaleTimestamp, wechatpaytest.FaultTamperedBody} {
		st, err := srv.Notify(ctx, id, wechatpay.ActionUserResponse, wechatpaytest.WithNotifyFault(f))
		if err != nil || st != http.StatusUnauthorized {
			t.Errorf("%s: %d %v", f, st, err)
		}
	}
	st, _ := srv.Notify(ctx, id, wechatpay.ActionUserResponse, wechatpaytest.WithResourceNonce("short"))
	if st != http.StatusBadRequest {
		t.Errorf("bad nonce: %d", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 1 {
		t.Fatalf("%d events dispatched, want 1", len(events))
	}
	wantRef := complaint.Ref{Provider: complaint.WeChatPay, ID: id}
	if e := events[0]; e.ID != "evt-1" || e.Ref != wantRef || e.Complaint == nil || e.Complaint.Ref() != (complaint.Ref{Provider: complaint.WeChatPay, ID: id, MerchantID: srv.MchID()}) || e.Kind != complaint.KindUserMessage {
		t.Errorf("event %+v", e)
	}

	// ParseNotification on a request built for a direct handler call.
	r, err := srv.NewNotificationRequest(id, wechatpay.ActionMerchantApproveRefund)
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.ParseNotification(r)
	if err != nil || n.Decrypted.ComplaintID != id || n.Decrypted.ActionType != wechatpay.ActionMerchantApproveRefund {
		t.Errorf("parse: %+v %v", n, err)
	}
	if b, _ := io.ReadAll(r.Body); !bytes.Contains(b, []byte(`"resource"`)) {
		t.Error("body not restored")
	}
}

// The client and the fake server apply the notification URL rule each with
// its own code; they must agree on every URL: https (any length: WeChat
// documents none), or http:// to localhost in any letter case, 127.0.0.0/8
// or [::1], never to an IPv4-mapped or zoned address.
func TestNotificationURLRuleAgreesWithFake(t *testing.T) {
	srv, c := newPair(t, nil)
	ctx := t.Context()
	long := "https://shop.example/" + strings.Repeat("n", 600)
	for u, want := range map[string]bool{
		"https://shop.example/wechat/complaints": true,
		long:                                     true,
		"https://127.0.0.1/n":                    true,
		"http://localhost/n":                     true,
		"http://LOCALHOST:8080/n":                true,
		"http://127.0.0.1:41234/wechatpay/complaints": true,
		"http://127.255.255.254/n":                    true,
		"http://[::1]:8080/n":                         true,
		"http://shop.example/n":                       false,
		"http://localhost.shop.example/n":             false,
		"http://128.0.0.1/n":                          false,
		"http://0.0.0.0:8080/n":                       false,
		"http://[::ffff:127.0.0.1]/n":                 false,
		"http://[::1%25lo]/n":                         false,
		"http://[fe80::1%25lo]/n":                     false,
		"ftp://localhost/n":                           false,
		"//localhost/n":                               false,
		"https://":                                    false,
	} {
		_, clientErr := c.CreateNotificationURL(ctx, &wechatpay.NotificationURLRequest{URL: u})
		// The same URL sent past the client's check, to the fake's.
		body, _ := json.Marshal(map[string]string{"url": u})
		_, fakeErr := c.Do(ctx, http.MethodPost, "/v3/merchant-service/complaint-notifications", body)
		if (clientErr == nil) != want || (fakeErr == nil) != want {
			t.Errorf("%.60s: client %v, fake %v; want accepted = %t", u, clientErr, fakeErr, want)
		}
		if !want && (!errors.Is(clientErr, complaint.ErrInvalidRequest) || !errors.Is(fakeErr, complaint.ErrInvalidRequest)) {
			t.Errorf("%.60s: client %v, fake %v; want invalid request from both", u, clientErr, fakeErr)
		}
		if want && srv.NotificationURL() != u {
			t.Errorf("%.60s: registered %q", u, srv.NotificationURL())
		}
	}
}

// WeChat leaves optional booleans out when they are false, and so does the
// fake: the client reads their absence as false and their presence as true,
// in both regions.
func TestOptionalBooleansRoundTrip(t *testing.T) {
	for _, region := range []wechatpay.Region{wechatpay.RegionMainland, wechatpay.RegionGlobal} {
		t.Run(region.String(), func(t *testing.T) {
			srv, c := newPair(t, []wechatpaytest.Option{wechatpaytest.WithRegion(region)})
			for _, set := range []bool{false, true} {
				cp := srv.SampleComplaint(1)
				cp.ComplaintID = ""
				cp.InPlatformService, cp.NeedImmediateService, cp.IsAgentMode, cp.IsOverdue = set, set, set, set
				cp.ComplaintFullRefunded, cp.IncomingUserResponse = set, set
				stored := srv.AddComplaint(cp)
				got, err := c.GetComplaint(t.Context(), &wechatpay.GetComplaintRequest{ComplaintID: stored.ComplaintID})
				if err != nil {
					t.Fatal(err)
				}
				// Required on both: always sent, always read.
				if got.ComplaintFullRefunded != set || got.IncomingUserResponse != set {
					t.Errorf("set=%t: required booleans %+v", set, got)
				}
				if region == wechatpay.RegionGlobal {
					// Global has is_overdue and none of the mainland flags.
					if got.IsOverdue != set || got.InPlatformService || got.NeedImmediateService || got.IsAgentMode {
						t.Errorf("set=%t: global booleans %+v", set, got)
					}
					for _, k := range []string{`"in_platform_service"`, `"need_immediate_service"`, `"is_agent_mode"`} {
						if bytes.Contains(got.Raw, []byte(k)) {
							t.Errorf("global answer carries %s", k)
						}
					}
				} else if got.InPlatformService != set || got.NeedImmediateService != set || got.IsAgentMode != set || got.IsOverdue {
					t.Errorf("set=%t: mainland booleans %+v", set, got)
				}
				if !set && (bytes.Contains(got.Raw, []byte(`"is_agent_mode"`)) || bytes.Contains(got.Raw, []byte(`"is_overdue"`))) {
					t.Errorf("false optional booleans were sent: %s", got.Raw)
				}
				if c := got.ToComplaint(); c.PlatformAssisting != (set && region == wechatpay.RegionMainland) || c.AwaitingReply != set {
					t.Errorf("set=%t: converted %+v", set, c)
				}
			}
		})
	}
}
