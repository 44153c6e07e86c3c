package allinpay_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

// contractSub is the agent's second sub-merchant in agent mode: one seeded
// complaint is against it, so its Ref carries a MerchantID that Get, History
// and the Responder must send as cusid.
const contractSub = "990581007426002"

// contractAges are the seeded complaints' ages: distinct, within one 30-day
// span, to the second as Allinpay sends times.
var contractAges = []time.Duration{20*24*time.Hour + 13*time.Second, 9*24*time.Hour + 7*time.Minute, 2 * 24 * time.Hour, 3 * time.Hour}

// TestContract runs the shared Source and Responder contract over
// allinpaytest: the WeChat channel and the Alipay channel in separate
// fixtures (each fake holds one channel's complaints; the adapter lists the
// fixture's channel only), in both sign types, and in agent mode, where the
// oldest complaint is against a sub-merchant other than the first.
func TestContract(t *testing.T) {
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		for _, ch := range []complaint.Channel{complaint.ChannelWeChat, complaint.ChannelAlipay} {
			for _, agent := range []bool{false, true} {
				if agent && st == allinpaytest.SM2 {
					continue // agent mode once, in RSA
				}
				name := fmt.Sprintf("%s/%s", st, ch)
				if agent {
					name += "/agent"
				}
				t.Run(name, func(t *testing.T) {
					complainttest.TestSource(t, func(t *testing.T) complainttest.Fixture {
						return contractFixture(t, st, ch, agent)
					})
				})
			}
		}
	}
}

func contractFixture(t *testing.T, st allinpaytest.SignType, ch complaint.Channel, agent bool) complainttest.Fixture {
	opts := []allinpaytest.Option{allinpaytest.WithSignType(st)}
	if agent {
		opts = append(opts, allinpaytest.WithAgent(allinpaytest.ModeAgent, "990581000000001", contractSub))
	}
	srv := allinpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	// The Ref's MerchantID: empty for the client's own merchant; in agent
	// mode every complaint is against a sub-merchant (the client's CusID is
	// the agent number).
	merchant := func(cusid string) string {
		if cusid == c.CusID() {
			return ""
		}
		return cusid
	}
	f := complainttest.Fixture{}
	for i, age := range contractAges {
		cusid := srv.CusID()
		if agent && i == 0 {
			cusid = contractSub
		}
		at := now.Add(-age)
		ref := complaint.Ref{Provider: complaint.Allinpay, MerchantID: merchant(cusid), Channel: ch}
		if ch == complaint.ChannelWeChat {
			wc := allinpaytest.WeChatComplaint{ComplaintID: fmt.Sprintf("2000000202505200800766%05d", i), CusID: cusid,
				ComplaintTime: at, Detail: "充电宝归还后仍在扣费", Orders: []allinpaytest.WeChatOrder{{TransactionID: fmt.Sprint("42000", i), Amount: 990}}}
			if i == 1 {
				wc.ProblemType, wc.ApplyRefundAmount = allinpaytest.ProblemRefund, 990
			}
			ref.ID = srv.AddWeChatComplaint(wc).ComplaintID
			if i == 1 {
				f.Refundable = ref
			}
		} else {
			ac := allinpaytest.AlipayComplaint{ID: fmt.Sprintf("20240523%08d", i+1), CusID: cusid, GmtComplain: at,
				ComplainAmount: "9.90", ComplainContent: "未收到商品", TradeNo: fmt.Sprint("2024052322001", i),
				GmtOverdue: at.Add(72 * time.Hour)}
			ref.ID = srv.AddAlipayComplaint(ac).ID
		}
		f.Seeded = append(f.Seeded, complainttest.Seed{Ref: ref, CreatedAt: at})
	}
	if agent && (f.Seeded[0].Ref.MerchantID != contractSub || f.Seeded[1].Ref.MerchantID != srv.CusID()) {
		t.Fatalf("agent merchants %+v", f.Seeded)
	}
	a := c.Adapter(allinpay.WithChannels(ch))
	f.Source, f.Responder = a, a
	if ch == complaint.ChannelWeChat {
		f.Missing = complaint.Ref{Provider: complaint.Allinpay, ID: "200000020250520080076699999", Channel: ch}
	} else {
		f.Missing = complaint.Ref{Provider: complaint.Allinpay, ID: "2024052399999999", Channel: ch}
		f.Unsupported = []complainttest.Capability{complainttest.CanHistory, complainttest.CanReply, complainttest.CanDecideRefund}
	}
	return f
}

// TestReceiverContract runs the shared receiver contract over notifications
// allinpaytest signs, in both sign types and both channels: a WeChat
// complaint created and then answered by the buyer; an Alipay complaint
// notified waiting and then processed. The forgery is the same notification
// signed by a server with other keys (same appid and cusid, so only the
// signature tells).
func TestReceiverContract(t *testing.T) {
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		for _, ch := range []complaint.Channel{complaint.ChannelWeChat, complaint.ChannelAlipay} {
			t.Run(fmt.Sprintf("%s/%s", st, ch), func(t *testing.T) {
				complainttest.TestReceiver(t, func(t *testing.T) complainttest.ReceiverFixture {
					return receiverFixture(t, st, ch)
				})
			})
		}
	}
}

func receiverFixture(t *testing.T, st allinpaytest.SignType, ch complaint.Channel) complainttest.ReceiverFixture {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(st))
	t.Cleanup(srv.Close)
	forger := allinpaytest.NewServer(allinpaytest.WithSignType(st), allinpaytest.WithFreshKeys())
	t.Cleanup(forger.Close)
	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	delivery := func(s *allinpaytest.Server, n allinpaytest.Notification) *complaint.Delivery {
		r, err := s.NewNotificationRequest(context.Background(), "http://127.0.0.1/callbacks/allinpay", n)
		if err != nil {
			t.Fatal(err)
		}
		d, err := complaint.ReadDelivery(r, complaint.DefaultMaxBodyBytes)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	f := complainttest.ReceiverFixture{Receiver: allinpay.NewReceiver(c)}
	if ch == complaint.ChannelWeChat {
		id := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "充电宝归还后仍在扣费"}).ComplaintID
		f.Delivery = delivery(srv, srv.ComplaintNotification(id, allinpaytest.ActionCreateComplaint))
		f.Later = delivery(srv, srv.ComplaintNotification(id, allinpaytest.ActionUserResponse))
		f.Forged = delivery(forger, forger.ComplaintNotification(id, allinpaytest.ActionCreateComplaint))
		return f
	}
	alipay := func(s *allinpaytest.Server, status string) *complaint.Delivery {
		n, err := s.AlipayComplaintNotification("2025111500000004")
		if err != nil {
			t.Fatal(err)
		}
		// Allinpay's page lists no id field; a real notification names the
		// complaint, so the fixture does too.
		n.Fields["id"] = "2025111500000004"
		n.Fields["status"] = status
		return delivery(s, n)
	}
	for _, s := range []*allinpaytest.Server{srv, forger} {
		s.AddAlipayComplaint(allinpaytest.AlipayComplaint{ID: "2025111500000004", ComplainAmount: "39.90",
			Status: "WAIT_PROCESS", GmtComplain: time.Date(2025, 11, 15, 7, 0, 0, 0, time.UTC)})
	}
	f.Delivery = alipay(srv, "WAIT_PROCESS")
	f.Later = alipay(srv, "PROCESSED")
	f.Forged = alipay(forger, "WAIT_PROCESS")
	return f
}
