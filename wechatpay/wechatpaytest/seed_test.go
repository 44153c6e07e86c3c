package wechatpaytest

import (
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

var complaintIDRE = regexp.MustCompile(`^\d{27}$`)

func TestAddComplaintDefaults(t *testing.T) {
	s, now := fixedServer(t)
	c := s.AddComplaint(wechatpay.Complaint{ComplaintDetail: "未收到货", PayerPhonePlaintext: "13800138000"})
	if !complaintIDRE.MatchString(c.ComplaintID) || c.ComplaintState != wechatpay.StatePending || c.ComplaintedMchID != s.MchID() ||
		!c.ComplaintTime.Equal(now) || c.UserComplaintTimes != 1 || c.PayerPhone == "" {
		t.Fatalf("defaults %+v", c)
	}
	if pt, err := signing.DecryptOAEPBase64(s.MerchantPrivateKey(), c.PayerPhone); err != nil || string(pt) != "13800138000" {
		t.Errorf("payer_phone: %v", err)
	}
	h := s.History(c.ComplaintID)
	if len(h) != 1 || h[0].OperateType != wechatpay.OperateUserCreateComplaint || h[0].OperateDetails != "未收到货" || h[0].LogID == "" || !h[0].OperateTime.Equal(now) {
		t.Errorf("initial history %+v", h)
	}
	// Given history is kept and completed.
	c2 := s.AddComplaint(wechatpay.Complaint{ComplaintID: "200201820250630000000000001"},
		wechatpay.NegotiationHistory{OperateType: wechatpay.OperateUserCreateComplaint, Operator: "投诉人"},
		wechatpay.NegotiationHistory{OperateType: wechatpay.OperatePlatformHelpApplication, Operator: "微信支付", LogID: "L2"})
	h = s.History(c2.ComplaintID)
	if len(h) != 2 || h[0].LogID == "" || h[1].LogID != "L2" || h[1].OperateTime.IsZero() {
		t.Errorf("given history %+v", h)
	}
	// Replacing by id.
	s.AddComplaint(wechatpay.Complaint{ComplaintID: c2.ComplaintID, ComplaintState: wechatpay.StateProcessed})
	if got, _ := s.Complaint(c2.ComplaintID); got.ComplaintState != wechatpay.StateProcessed || len(s.Complaints()) != 2 {
		t.Errorf("replace: %+v", got)
	}
	if _, ok := s.Complaint("nope"); ok || s.History("nope") != nil || s.UpdateComplaint("nope", func(*wechatpay.Complaint) {}) || s.AddHistory("nope", wechatpay.NegotiationHistory{}) || s.UserResponds("nope", "x") {
		t.Error("unknown id reported as existing")
	}
}

func TestStateIsCopied(t *testing.T) {
	s, _ := fixedServer(t)
	in := s.SampleComplaint(0)
	c := s.AddComplaint(in)
	in.ComplaintOrderInfo[0].OutTradeNo = "changed"
	c.ComplaintMediaList[0].MediaURL[0] = "changed"
	c.AdditionalInfo.SharePowerInfo.ReturnAddressInfo.ReturnAddress = "changed"
	got, _ := s.Complaint(c.ComplaintID)
	if got.ComplaintOrderInfo[0].OutTradeNo == "changed" || got.ComplaintMediaList[0].MediaURL[0] == "changed" ||
		got.AdditionalInfo.SharePowerInfo.ReturnAddressInfo.ReturnAddress == "changed" {
		t.Error("caller's copy aliases server state")
	}
	h := s.History(c.ComplaintID)
	h[0].ImageList[0] = "changed"
	if s.History(c.ComplaintID)[0].ImageList[0] == "changed" {
		t.Error("history aliases server state")
	}
	if !s.UpdateComplaint(c.ComplaintID, func(x *wechatpay.Complaint) { x.ComplaintFullRefunded = true; x.ComplaintID = "other" }) {
		t.Fatal("update")
	}
	if got, ok := s.Complaint(c.ComplaintID); !ok || !got.ComplaintFullRefunded {
		t.Error("update not applied or id changed")
	}
}

func TestSeed(t *testing.T) {
	s, now := fixedServer(t)
	cs := s.Seed(8)
	if len(cs) != 8 || len(s.Complaints()) != 8 {
		t.Fatalf("%d seeded", len(cs))
	}
	kinds := map[wechatpay.ProblemType]bool{}
	for i, c := range cs {
		kinds[c.ProblemType] = true
		if !utf8.ValidString(c.ComplaintDetail) || utf8.RuneCountInString(c.ComplaintDetail) < 10 || c.ComplaintOrderInfo[0].Amount <= 0 {
			t.Errorf("sample %d: %+v", i, c)
		}
		if d := now.Sub(c.ComplaintTime); d < 0 || d > 40*3600e9 {
			t.Errorf("sample %d time %v", i, c.ComplaintTime)
		}
		for _, m := range c.ComplaintMediaList {
			for _, u := range m.MediaURL {
				id := u[len(s.ImageURL("")):]
				if _, _, ok := s.Image(id); !ok {
					t.Errorf("media %s not served", u)
				}
			}
		}
	}
	if len(kinds) != 3 {
		t.Errorf("problem types %v", kinds)
	}
	g, _ := fixedServer(t, WithRegion(wechatpay.RegionGlobal))
	gc := g.SampleComplaint(1)
	if gc.ProblemType != "" || gc.ComplaintOrderInfo[0].Amount != 0 || gc.ComplaintOrderInfo[0].SettlementCurrency != "HKD" || gc.ComplaintDetailTrans == "" {
		t.Errorf("global sample %+v", gc)
	}
}
