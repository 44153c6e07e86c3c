package wechatpay

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/cntime"
)

func TestListSourceWindows(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	var windows [][2]string
	m.on("GET", "/v3/merchant-service/complaints-v2", func(r *recorded) reply {
		u, _ := url.Parse(r.URI)
		windows = append(windows, [2]string{u.Query().Get("begin_date"), u.Query().Get("end_date")})
		return reply{body: page([]string{mainlandComplaintJSON("C-"+u.Query().Get("begin_date"), "")}, 50, 0, 1)}
	})
	c := pubKeyClient(t, m)
	since := time.Date(2025, 3, 1, 0, 0, 0, 0, cntime.Zone)
	until := time.Date(2025, 5, 20, 23, 59, 59, 0, cntime.Zone)
	var n int
	for cp, err := range c.Source().List(ctx(t), complaint.ListOptions{Since: since, Until: until}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if cp.Provider != complaint.WeChatPay {
			t.Errorf("provider %s", cp.Provider)
		}
	}
	want := [][2]string{{"2025-03-01", "2025-03-30"}, {"2025-03-31", "2025-04-29"}, {"2025-04-30", "2025-05-20"}}
	if fmt.Sprint(windows) != fmt.Sprint(want) {
		t.Errorf("windows %v, want %v", windows, want)
	}
	// Every complaint carries the same complaint_time (2025-05-20T13:29:35), which
	// is inside [since, until]: all three are yielded.
	if n != 3 {
		t.Errorf("yielded %d", n)
	}
	// Narrower window filters by exact time.
	n = 0
	for _, err := range c.Source().List(ctx(t), complaint.ListOptions{Since: until.Add(-time.Hour), Until: until}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 0 {
		t.Errorf("complaint outside the window yielded")
	}
}

func TestAdapterResponder(t *testing.T) {
	m := newMock(t, "", pubKeySigner())
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/response", func(*recorded) reply { return reply{status: 204} })
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/complete", func(*recorded) reply { return reply{status: 204} })
	m.on("POST", "/v3/merchant-service/complaints-v2/C1/update-refund-progress", func(*recorded) reply { return reply{status: 204} })
	m.on("GET", "/v3/merchant-service/complaints-v2/C1", func(*recorded) reply { return reply{body: mainlandComplaintJSON("C1", "")} })
	m.on("GET", "/v3/merchant-service/complaints-v2/C1/negotiation-historys", func(*recorded) reply {
		return reply{body: page([]string{historyItem("L1", "USER_CREATE_COMPLAINT", "")}, 300, 0, 1)}
	})
	c := pubKeyClient(t, m)
	var r complaint.Responder = c.Responder()
	if err := r.Reply(ctx(t), "C1", complaint.Reply{Content: "ok", MediaIDs: []string{"m"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Complete(ctx(t), "C1", "sub1"); err != nil {
		t.Fatal(err)
	}
	if err := r.DecideRefund(ctx(t), "C1", complaint.RefundDecision{Reason: "no", MediaIDs: []string{"m"}}); err != nil {
		t.Fatal(err)
	}
	rs := m.requests()
	if !strings.Contains(string(rs[0].Body), `"complainted_mchid":"`+testMchID+`"`) || !strings.Contains(string(rs[1].Body), `"sub1"`) ||
		string(rs[2].Body) != `{"action":"REJECT","reject_reason":"no","reject_media_list":["m"]}` {
		t.Errorf("bodies: %s | %s | %s", rs[0].Body, rs[1].Body, rs[2].Body)
	}
	var s complaint.Source = c.Source()
	got, err := s.Get(ctx(t), "C1")
	if err != nil || got.ID != "C1" || got.State != complaint.StatePending || got.Problem.Type != complaint.ProblemRefund {
		t.Fatalf("get: %+v %v", got, err)
	}
	for e, err := range s.History(ctx(t), "C1") {
		if err != nil || e.Kind != complaint.KindCreated || e.Actor != complaint.ActorUser {
			t.Errorf("history: %+v %v", e, err)
		}
	}
}
