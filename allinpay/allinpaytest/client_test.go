package allinpaytest_test

import (
	"context"
	"testing"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

// TestCredentialsReachServer checks that a client built from Credentials and
// ClientOptions passes the server's signature checks in both sign types and
// verifies the server's signed answers.
func TestCredentialsReachServer(t *testing.T) {
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		t.Run(string(st), func(t *testing.T) {
			srv := allinpaytest.NewServer(allinpaytest.WithSignType(st))
			defer srv.Close()
			c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			id := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Detail: "货不对板"},
				allinpaytest.HistoryEntry{OperateType: allinpaytest.OpUserCreateComplaint, Operator: allinpaytest.OperatorUser}).ComplaintID
			page, err := c.ListHistory(context.Background(), &allinpay.ListHistoryRequest{ComplaintID: id})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 1 || string(page.Data[0].OperateType) != allinpaytest.OpUserCreateComplaint {
				t.Fatalf("history = %+v", page.Data)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].RetCode != "SUCCESS" || reqs[0].Fields.Get("signtype") != string(st) {
				t.Fatalf("requests = %+v", reqs)
			}
		})
	}
}

// TestCredentialsAgent checks that an agent's credentials carry the agent
// number as both orgid and cusid.
func TestCredentialsAgent(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithAgent(allinpaytest.ModeAgent, "660581000000001", "990581007426002"))
	defer srv.Close()
	cr := srv.Credentials()
	if cr.OrgID != "660581000000001" || cr.CusID != cr.OrgID {
		t.Fatalf("credentials ids = %q/%q", cr.OrgID, cr.CusID)
	}
}
