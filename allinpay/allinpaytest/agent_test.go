package allinpaytest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

const (
	agentNo = "660581000000001"
	subA    = "990581000000011"
	subB    = "990581000000012"
)

func TestAgentMode(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithAgent(allinpaytest.ModeAgent, agentNo, subA, subB))
	defer srv.Close()
	if got := srv.SubMerchants(); !slices.Equal(got, []string{srv.CusID(), subA, subB}) || srv.OrgID() != agentNo {
		t.Fatalf("merchants %v org %s", got, srv.OrgID())
	}
	at := time.Date(2024, 11, 20, 10, 0, 0, 0, cst)
	a := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{CusID: subA, ComplaintTime: at})
	b := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{CusID: subB, ComplaintTime: at.Add(-time.Hour)})
	ali := srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{CusID: subB, GmtComplain: at})

	agent := newTestClient(t, srv)
	agent.cusid = agentNo
	ids, _ := listIDs(t, agent, listFields(at.Add(-2*time.Hour), at, 0, 0))
	if !slices.Equal(ids, []string{a.ComplaintID, b.ComplaintID}) {
		t.Fatalf("agent list %v", ids)
	}
	var p aliPage
	records(t, agent.ok("alicomplaintqueryv2", nil), &p)
	if len(p.ComplaintList) != 1 || p.ComplaintList[0]["merchantNo"] != subB {
		t.Fatalf("agent alipay list %+v", p)
	}
	// The agent number cannot act on a complaint; the sub-merchant can, and
	// only on its own.
	wantMsg(t, agent.fail("wxcomplaintdetail", detailFields(a.ComplaintID)), allinpaytest.MsgComplaintNotFound)
	wantMsg(t, agent.fail("complaintsComplete", map[string]string{"complaint_id": a.ComplaintID}), allinpaytest.MsgComplaintNotFound)
	sub := newTestClient(t, srv)
	sub.cusid = subA
	ids, _ = listIDs(t, sub, listFields(at.Add(-2*time.Hour), at, 0, 0))
	if !slices.Equal(ids, []string{a.ComplaintID}) {
		t.Fatalf("sub-merchant list %v", ids)
	}
	wantMsg(t, sub.fail("wxcomplaintdetail", detailFields(b.ComplaintID)), allinpaytest.MsgComplaintNotFound)
	wantMsg(t, sub.fail("alicomplaintquery", map[string]string{"complain_id": ali.ID}), allinpaytest.MsgComplaintNotFound)
	sub.ok("complaintsComplete", map[string]string{"complaint_id": a.ComplaintID})
	subBClient := newTestClient(t, srv)
	subBClient.cusid = subB
	subBClient.ok("alicomplaintquery", map[string]string{"complain_id": ali.ID})
	// orgid is required of an agent's requests, and must be its own.
	sub.orgid = ""
	wantMsg(t, sub.fail("wxcomplaintdetail", detailFields(a.ComplaintID)), allinpaytest.MsgParamPrefix+"orgid")
	sub.orgid = "660581000000999"
	wantMsg(t, sub.fail("wxcomplaintdetail", detailFields(a.ComplaintID)), allinpaytest.MsgOrgIDError)
	// A merchant that is not the agent's.
	sub.orgid, sub.cusid = agentNo, "990581000000099"
	wantMsg(t, sub.fail("wxcomplaintdetail", detailFields(a.ComplaintID)), allinpaytest.MsgCusIDError)
}

func TestGroupMode(t *testing.T) {
	const group = "770581000000001"
	srv := allinpaytest.NewServer(allinpaytest.WithAgent(allinpaytest.ModeGroup, group, subA))
	defer srv.Close()
	at := time.Date(2024, 11, 20, 10, 0, 0, 0, cst)
	a := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{CusID: subA, ComplaintTime: at})
	own := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintTime: at.Add(-time.Minute)})
	c := newTestClient(t, srv)
	c.cusid = group
	f := listFields(at.Add(-time.Hour), at, 0, 0)
	if ids, _ := listIDs(t, c, f); len(ids) != 0 {
		t.Fatalf("group list without groupall: %v", ids)
	}
	f["groupall"] = "1"
	if ids, _ := listIDs(t, c, f); !slices.Equal(ids, []string{a.ComplaintID, own.ComplaintID}) {
		t.Fatalf("group list with groupall=1: %v", ids)
	}
	f["groupall"] = "2"
	wantMsg(t, c.fail("wxcomplaintlistquery", f), allinpaytest.MsgParamPrefix+"groupall")
}

func TestInvalidOptionsPanic(t *testing.T) {
	for name, opt := range map[string]allinpaytest.Option{
		"sign type":  allinpaytest.WithSignType("MD5"),
		"agent mode": allinpaytest.WithAgent(allinpaytest.ModeMerchant, "1"),
		"agent org":  allinpaytest.WithAgent(allinpaytest.ModeAgent, ""),
		"bad key":    allinpaytest.WithMerchantKey(allinpaytest.SM2, "MIIB"),
		"rsa as sm2": allinpaytest.WithAllinpayKey(allinpaytest.SM2, allinpaytest.NewServer().Keys().Allinpay.PrivateKey),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			allinpaytest.NewServer(opt).Close()
		})
	}
}

// Fixed keys: a server given the published demo keys hands them back and
// signs RSA answers reproducibly.
func TestFixedKeys(t *testing.T) {
	gen := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
	gen.Close()
	k := gen.Keys()
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2),
		allinpaytest.WithMerchantKey(allinpaytest.SM2, k.Merchant.PrivateKeyPEM),
		allinpaytest.WithAllinpayKey(allinpaytest.SM2, k.Allinpay.PrivateKey))
	defer srv.Close()
	if srv.Keys() != k {
		t.Fatalf("keys not kept:\n%+v\n%+v", srv.Keys(), k)
	}
	pubOnly := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2), allinpaytest.WithMerchantPublicKey(allinpaytest.SM2, k.Merchant.PublicKey))
	defer pubOnly.Close()
	if got := pubOnly.Keys().Merchant; got.PrivateKey != "" || got.PublicKey != k.Merchant.PublicKey {
		t.Fatalf("public-only merchant key %+v", got)
	}
	// A client holding the private half is accepted by the public-only server.
	c := newTestClient(t, pubOnly)
	c.setKeys(allinpaytest.Keys{SignType: allinpaytest.SM2, Merchant: k.Merchant, Allinpay: pubOnly.Keys().Allinpay})
	c.ok("alicomplaintqueryv2", nil)
	for _, st := range []allinpaytest.SignType{allinpaytest.RSA, allinpaytest.SM2} {
		ks := srv.KeysFor(st)
		if ks.SignType != st || ks.Merchant.PublicKeyPEM == "" || ks.Allinpay.PrivateKey == "" {
			t.Fatalf("KeysFor(%s) = %+v", st, ks)
		}
	}
}
