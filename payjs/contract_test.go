package payjs_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
	"github.com/tousu-go/tousu/internal/cntime"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/payjs"
	"github.com/tousu-go/tousu/payjs/payjstest"
)

// TestContract runs the shared Source and Responder contract over payjstest:
// four complaints created over the last three weeks (one without
// complaint_id, as PAYJS's older answers send them), both poll limits off
// because the contract lists the same source several times.
func TestContract(t *testing.T) {
	complainttest.TestSource(t, func(t *testing.T) complainttest.Fixture {
		srv := payjstest.NewServer(payjstest.WithComplaintInterval(0))
		t.Cleanup(srv.Close)
		c, err := payjs.NewClient(srv.Credentials(), option.WithBaseURL(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		// complaint_at has whole seconds in Beijing time.
		now := time.Now().Truncate(time.Second)
		var seeds []complainttest.Seed
		for i, age := range []time.Duration{20 * 24 * time.Hour, 9 * 24 * time.Hour, 2 * 24 * time.Hour, 3 * time.Hour} {
			rec := payjstest.Complaint{
				ComplaintAt: now.Add(-age),
				ComplaintID: fmt.Sprintf("C%d", i+1),
				OrderID:     fmt.Sprintf("20241111100000%011d", i+1),
				OutTradeNo:  fmt.Sprintf("T-%d", i+1),
				TotalFee:    int64(100 * (i + 1)),
				Body:        "没有收到货",
			}
			id := rec.ComplaintID
			if i == 2 {
				rec.ComplaintID = ""
				id = rec.OrderID + "@" + cntime.Format(rec.ComplaintAt, cntime.DateTime)
			}
			srv.AddComplaint(rec)
			seeds = append(seeds, complainttest.Seed{
				Ref:       complaint.Ref{Provider: complaint.PAYJS, ID: id, MerchantID: srv.MchID(), OrderID: rec.OrderID},
				CreatedAt: rec.ComplaintAt,
			})
		}
		a := c.Adapter(payjs.WithPollInterval(0))
		return complainttest.Fixture{
			Source:      a,
			Responder:   a,
			Seeded:      seeds,
			Missing:     complaint.Ref{Provider: complaint.PAYJS, ID: "C404", OrderID: "2024111110000099999999999"},
			Refundable:  seeds[1].Ref,
			Unsupported: []complainttest.Capability{complainttest.CanGet, complainttest.CanHistory, complainttest.CanReply, complainttest.CanComplete},
		}
	})
}
