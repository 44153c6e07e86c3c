package allinpaytest_test

import (
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

func TestStateAccessors(t *testing.T) {
	at := time.Date(2024, 11, 20, 10, 0, 0, 500, cst)
	srv := allinpaytest.NewServer(allinpaytest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{Media: []allinpaytest.Media{{Type: allinpaytest.MediaUserComplaintImage, URLs: []string{"u"}}}})
	if len(wc.ComplaintID) != 27 || wc.CusID != srv.CusID() || wc.State != allinpaytest.StatePending ||
		!wc.ComplaintTime.Equal(at.Truncate(time.Second)) || wc.UserComplaintTimes != 1 {
		t.Fatalf("defaults %+v", wc)
	}
	h := srv.History(wc.ComplaintID)
	if len(h) != 1 || h[0].OperateType != allinpaytest.OpUserCreateComplaint || h[0].ImageList[0] != "u" {
		t.Fatalf("initial history %+v", h)
	}
	// Returned values are copies.
	wc.Media[0].URLs[0] = "changed"
	h[0].ImageList[0] = "changed"
	if got, _ := srv.WeChatComplaint(wc.ComplaintID); got.Media[0].URLs[0] != "u" || srv.History(wc.ComplaintID)[0].ImageList[0] != "u" {
		t.Fatal("state shares memory with a returned value")
	}
	if !srv.UpdateWeChatComplaint(wc.ComplaintID, func(c *allinpaytest.WeChatComplaint) {
		c.State, c.ComplaintID = allinpaytest.StateProcessed, "other"
	}) || srv.UpdateWeChatComplaint("nope", func(*allinpaytest.WeChatComplaint) {}) {
		t.Fatal("UpdateWeChatComplaint result")
	}
	if got, ok := srv.WeChatComplaint(wc.ComplaintID); !ok || got.State != allinpaytest.StateProcessed {
		t.Fatalf("after update %+v", got)
	}
	if !srv.AddHistory(wc.ComplaintID, allinpaytest.HistoryEntry{Operator: allinpaytest.OperatorUser, OperateType: allinpaytest.OpUserResponse}) ||
		srv.AddHistory("nope", allinpaytest.HistoryEntry{}) {
		t.Fatal("AddHistory result")
	}
	if h = srv.History(wc.ComplaintID); len(h) != 2 || h[1].LogID == "" || !h[1].OperateTime.Equal(at.Truncate(time.Second)) {
		t.Fatalf("history %+v", h)
	}
	if srv.History("nope") != nil || srv.RefundDecisions("nope") != nil {
		t.Fatal("unknown complaint has history")
	}

	ac := srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{})
	if ac.ID == "" || ac.TaskID == "" || ac.Status != "WAIT_PROCESS" || ac.StatusDescription == "" {
		t.Fatalf("alipay defaults %+v", ac)
	}
	if !srv.UpdateAlipayComplaint(ac.ID, func(c *allinpaytest.AlipayComplaint) { c.Status = "OVERDUE" }) ||
		srv.UpdateAlipayComplaint("nope", func(*allinpaytest.AlipayComplaint) {}) {
		t.Fatal("UpdateAlipayComplaint result")
	}
	if got, _ := srv.AlipayComplaint(ac.ID); got.Status != "OVERDUE" {
		t.Fatalf("after update %+v", got)
	}
	if _, ok := srv.AlipayComplaint("nope"); ok {
		t.Fatal("unknown alipay complaint found")
	}
	if u := srv.AddImage("", []byte("x")); len(u) < 60 {
		t.Fatalf("generated media URL %s", u)
	}
	if o := srv.AddTransactionComplaint(allinpaytest.TransactionComplaint{}); len(o.ComplaintOrderID) != 20 || o.CusID != srv.CusID() {
		t.Fatalf("order defaults %+v", o)
	}
	if allinpaytest.ModeGroup.String() != "group" || allinpaytest.Mode(9).String() != "Mode(9)" || srv.Mode() != allinpaytest.ModeMerchant {
		t.Fatal("Mode strings")
	}
}
