package wechatpay_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// subMerchant is a service provider's sub-merchant: one seeded complaint is
// against it, so its reference carries a MerchantID other than the client's,
// which Reply and Complete must send as complainted_mchid.
const subMerchant = "1900000110"

// TestContract runs the shared Source and Responder contract over
// wechatpaytest in both regions: four complaints created over the last three
// weeks (complaint_time has milliseconds), the oldest against a sub-merchant,
// the second a refund request (mainland decides refunds on it; global has no
// refund decision).
func TestContract(t *testing.T) {
	for _, region := range []wechatpay.Region{wechatpay.RegionMainland, wechatpay.RegionGlobal} {
		t.Run(region.String(), func(t *testing.T) {
			complainttest.TestSource(t, func(t *testing.T) complainttest.Fixture {
				return contractFixture(t, region)
			})
		})
	}
}

func contractFixture(t *testing.T, region wechatpay.Region) complainttest.Fixture {
	srv := wechatpaytest.NewServer(wechatpaytest.WithRegion(region))
	t.Cleanup(srv.Close)
	c, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	now := time.Now().Truncate(time.Millisecond)
	var seeds []complainttest.Seed
	var refundable complaint.Ref
	for i, age := range []time.Duration{20 * 24 * time.Hour, 9*24*time.Hour + 7*time.Minute, 2 * 24 * time.Hour, 3 * time.Hour} {
		cp := srv.SampleComplaint(i)
		cp.ComplaintID = fmt.Sprintf("2002018202505200800766%05d", i)
		cp.ComplaintTime = now.Add(-age)
		if i == 0 {
			cp.ComplaintedMchID = subMerchant
		}
		if i == 1 {
			cp.ProblemType = wechatpay.ProblemRefund
			cp.ApplyRefundAmount = 990
		}
		stored := srv.AddComplaint(cp)
		ref := complaint.Ref{Provider: complaint.WeChatPay, ID: stored.ComplaintID, MerchantID: stored.ComplaintedMchID}
		seeds = append(seeds, complainttest.Seed{Ref: ref, CreatedAt: stored.ComplaintTime})
		if i == 1 {
			refundable = ref
		}
	}
	if seeds[0].Ref.MerchantID != subMerchant || seeds[1].Ref.MerchantID != srv.MchID() {
		t.Fatalf("seeded merchants %+v", seeds)
	}
	a := c.Adapter()
	f := complainttest.Fixture{
		Source:    a,
		Responder: a,
		Seeded:    seeds,
		Missing:   complaint.Ref{Provider: complaint.WeChatPay, ID: "200201820250520080076699999"},
	}
	if region == wechatpay.RegionGlobal {
		f.Unsupported = []complainttest.Capability{complainttest.CanDecideRefund}
	} else {
		f.Refundable = refundable
	}
	return f
}

// TestReceiverContract runs the shared receiver contract over notifications
// wechatpaytest signs and encrypts, in both regions: a complaint created,
// then the buyer's answer to it; a body changed after signing is the forgery.
func TestReceiverContract(t *testing.T) {
	for _, region := range []wechatpay.Region{wechatpay.RegionMainland, wechatpay.RegionGlobal} {
		t.Run(region.String(), func(t *testing.T) {
			complainttest.TestReceiver(t, func(t *testing.T) complainttest.ReceiverFixture {
				srv := wechatpaytest.NewServer(wechatpaytest.WithRegion(region))
				t.Cleanup(srv.Close)
				c, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = c.Close() })
				id := srv.AddComplaint(srv.SampleComplaint(0)).ComplaintID
				notification := func(action wechatpay.ActionType, opts ...wechatpaytest.NotifyOption) *complaint.Delivery {
					r, err := srv.NewNotificationRequest(id, action, opts...)
					if err != nil {
						t.Fatal(err)
					}
					d, err := complaint.ReadDelivery(r, complaint.DefaultMaxBodyBytes)
					if err != nil {
						t.Fatal(err)
					}
					return d
				}
				return complainttest.ReceiverFixture{
					Receiver: wechatpay.NewReceiver(c),
					Delivery: notification(wechatpay.ActionCreateComplaint),
					Later:    notification(wechatpay.ActionUserResponse),
					Forged:   notification(wechatpay.ActionCreateComplaint, wechatpaytest.WithNotifyFault(wechatpaytest.FaultTamperedBody)),
				}
			})
		})
	}
}
