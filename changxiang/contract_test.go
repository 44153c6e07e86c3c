package changxiang_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tousu-go/tousu/changxiang"
	"github.com/tousu-go/tousu/changxiang/changxiangtest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
	"github.com/tousu-go/tousu/signing"
)

// TestReceiverContract runs the shared receiver contract under every
// candidate sign rule: 畅想 pushes and offers no list call, so the receiver is
// its part of the common interfaces (Client.Source answers ErrUnsupported,
// tested in notify_test.go).
func TestReceiverContract(t *testing.T) {
	for _, rule := range changxiang.Candidates() {
		t.Run(rule.Name(), func(t *testing.T) {
			complainttest.TestReceiver(t, func(t *testing.T) complainttest.ReceiverFixture {
				sender := changxiangtest.NewSender(changxiangtest.WithRule(rule))
				c, err := changxiang.NewClient(sender.Credentials(), changxiang.WithRule(rule))
				if err != nil {
					t.Fatal(err)
				}
				at := time.Date(2025, 11, 15, 10, 0, 0, 0, time.UTC)
				added := sender.Add(changxiangtest.Complaint{ComplaintAt: at, BuyerMobile: "13800138000"})
				refunded, err := sender.Refund(added.OrderNo, "12.50", at.Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				forger := changxiangtest.NewSender(changxiangtest.WithRule(rule), changxiangtest.WithSecret(signing.NewSecret("not-the-secret")))
				return complainttest.ReceiverFixture{
					Receiver: changxiang.NewReceiver(c),
					Delivery: delivery(t, sender, added),
					Later:    delivery(t, sender, refunded),
					Forged:   delivery(t, forger, added),
				}
			})
		})
	}
}

func delivery(t *testing.T, s *changxiangtest.Sender, c changxiangtest.Complaint) *complaint.Delivery {
	t.Helper()
	body, err := s.Body(c)
	if err != nil {
		t.Fatal(err)
	}
	return &complaint.Delivery{Method: http.MethodPost, URL: &url.URL{Path: "/callbacks/changxiang"},
		Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}
