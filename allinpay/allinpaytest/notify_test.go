package allinpaytest_test

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// receiver is a merchant's notification endpoint that verifies with package
// signing and signing/sm2, by the notification's own signtype, under
// "Allinpay", and answers from a script.
type receiver struct {
	t       *testing.T
	rsaPub  string
	sm2Pub  string
	mu      sync.Mutex
	answers []string // answer i to delivery i; Ack after the script ends
	got     []url.Values
	valid   []bool
}

func newReceiver(t *testing.T, srv *allinpaytest.Server, answers ...string) (*receiver, string) {
	r := &receiver{t: t, rsaPub: srv.KeysFor(allinpaytest.RSA).Allinpay.PublicKeyPEM,
		sm2Pub: srv.KeysFor(allinpaytest.SM2).Allinpay.PublicKey, answers: answers}
	ts := httptest.NewServer(r)
	t.Cleanup(ts.Close)
	return r, ts.URL + "/allinpay/notify"
}

func (r *receiver) verify(form url.Values) bool {
	msg := allinpayRule.Build(signing.ParamsFromValues(form), nil)
	sig, err := base64.StdEncoding.DecodeString(form.Get("sign"))
	if err != nil {
		return false
	}
	switch form.Get("signtype") {
	case "RSA":
		pub, err := signing.ParseRSAPublicKey([]byte(r.rsaPub))
		return err == nil && signing.VerifyRSA(pub, crypto.SHA1, msg, sig) == nil
	case "SM2":
		pub, err := sm2.ParsePublicKey([]byte(r.sm2Pub))
		return err == nil && sm2.Verify(pub, []byte("Allinpay"), msg, sig, sm2.Raw) == nil
	}
	return false
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil || req.Header.Get("Content-Type") == "" {
		http.Error(w, "bad form", 400)
		return
	}
	ok := r.verify(req.PostForm)
	r.mu.Lock()
	i := len(r.got)
	r.got = append(r.got, req.PostForm)
	r.valid = append(r.valid, ok)
	answer := allinpaytest.Ack
	if i < len(r.answers) {
		answer = r.answers[i]
	}
	r.mu.Unlock()
	if !ok {
		answer = "fail"
	}
	_, _ = w.Write([]byte(answer))
}

func TestNotificationsOfEveryRiskType(t *testing.T) {
	both(t, func(t *testing.T, srv *allinpaytest.Server) {
		wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
		ali := srv.AddAlipayComplaint(allinpaytest.AlipayComplaint{ComplainAmount: "0.01", ComplainContent: "扣款未到账",
			Trades: []allinpaytest.AlipayTrade{{TradeNo: "2024", OutNo: "O1", Amount: "0.01"}}})
		aliN, err := srv.AlipayComplaintNotification(ali.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.AlipayComplaintNotification("nope"); err == nil {
			t.Fatal("notification of an unknown Alipay complaint")
		}
		rsaN := srv.ComplaintV2Notification(wc.ComplaintID)
		rsaN.SignType = allinpaytest.RSA
		sm2N := srv.ComplaintNotification(wc.ComplaintID, allinpaytest.ActionUserResponse)
		sm2N.SignType = allinpaytest.SM2
		notes := map[string]allinpaytest.Notification{
			"complaint":   srv.ComplaintNotification(wc.ComplaintID, allinpaytest.ActionCreateComplaint),
			"complaintv2": srv.ComplaintV2Notification(wc.ComplaintID),
			"violation":   srv.ViolationNotification(allinpaytest.Violation{RecordID: "R1", RiskType: "TRANSACTION_RISK"}),
			"alipay":      aliN,
			"unknown":     srv.RiskNotification("SETTLEMENT_HOLD", map[string]string{"resource": `{"x":1}`, "newfield": "值"}),
			"rsa":         rsaN,
			"sm2":         sm2N,
		}
		for name, n := range notes {
			t.Run(name, func(t *testing.T) {
				r, target := newReceiver(t, srv)
				res, err := srv.Notify(context.Background(), target, n)
				if err != nil {
					t.Fatal(err)
				}
				if !res.Acknowledged || res.Body != "success" || res.Status != 200 || !r.valid[0] {
					t.Fatalf("answer %+v, verified %v, form %v", res, r.valid, r.got)
				}
				want := n.SignType
				if want == "" {
					want = srv.SignType()
				}
				if got := r.got[0].Get("signtype"); got != string(want) {
					t.Fatalf("signtype %s, want %s", got, want)
				}
			})
		}
		// The shapes receivers parse.
		var res map[string]string
		f := notes["complaint"].Fields
		_ = json.Unmarshal([]byte(f["resource"]), &res)
		if f["risktype"] != "COMPLAINT" || res["complaint_id"] != wc.ComplaintID || res["action_type"] != "CREATE_COMPLAINT" ||
			f["cusid"] != srv.CusID() || f["appid"] != srv.AppID() {
			t.Fatalf("COMPLAINT fields %v", f)
		}
		res = nil
		_ = json.Unmarshal([]byte(notes["complaintv2"].Fields["resource"]), &res)
		if len(res) != 1 || res["complaint_id"] != wc.ComplaintID {
			t.Fatalf("COMPLAINTV2 resource %v", res)
		}
		af := notes["alipay"].Fields
		if af["task_id"] != ali.TaskID || af["complain_amount"] != "0.01" || af["status"] != "WAIT_PROCESS" || af["risktype"] != "" ||
			af["complaint_trade_info_list"] != `[{"amount":"0.01","gmt_trade":"","out_no":"O1","status_description":"","trade_no":"2024"}]` {
			t.Fatalf("alipay fields %v", af)
		}
		if len(srv.Deliveries()) != len(notes) {
			t.Fatalf("deliveries %d", len(srv.Deliveries()))
		}
	})
}

func TestNotificationTampered(t *testing.T) {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
	defer srv.Close()
	r, target := newReceiver(t, srv)
	n := srv.ComplaintNotification("200000000000000000000000001", allinpaytest.ActionCreateComplaint)
	n.AfterSign = func(form url.Values) { form.Set("resource", `{"complaint_id":"2","action_type":"CREATE_COMPLAINT"}`) }
	res, err := srv.Notify(context.Background(), target, n)
	if err != nil {
		t.Fatal(err)
	}
	if res.Acknowledged || r.valid[0] {
		t.Fatalf("tampered notification verified: %+v", res)
	}
	// The same notification signed by the other key type's signtype but a
	// wrong key: labelled RSA, signed with SM2 → refused.
	n = srv.ComplaintNotification("1", allinpaytest.ActionCreateComplaint)
	n.AfterSign = func(form url.Values) { form.Set("signtype", "RSA") }
	if res, _ = srv.Notify(context.Background(), target, n); res.Acknowledged {
		t.Fatal("relabelled notification verified")
	}
	if _, err := srv.Notify(context.Background(), target, allinpaytest.Notification{SignType: "MD5"}); err == nil {
		t.Fatal("unknown sign type signed")
	}
}

func TestDeliverRetries(t *testing.T) {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	n := srv.ComplaintNotification("200000000000000000000000001", allinpaytest.ActionCreateComplaint)

	// Two wrong answers, then success: three posts of the same form.
	r, target := newReceiver(t, srv, "sccuess", "SUCCESS\n")
	res, err := srv.Deliver(context.Background(), target, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[2].Body != "success" || !res[2].Acknowledged || res[0].Acknowledged || res[1].Acknowledged {
		t.Fatalf("results %+v", res)
	}
	if res[0].After != 0 || res[1].After != 15*time.Second || res[2].After != 15*time.Second {
		t.Fatalf("schedule %v %v %v", res[0].After, res[1].After, res[2].After)
	}
	if r.got[0].Encode() != r.got[2].Encode() {
		t.Fatal("a resend is not the same notification")
	}

	// Never acknowledged: the first post and five resends, 30m30s in all.
	_, target = newReceiver(t, srv, "fail", "fail", "fail", "fail", "fail", "fail", "fail")
	res, err = srv.Deliver(context.Background(), target, n)
	if err != nil {
		t.Fatal(err)
	}
	var total time.Duration
	for _, x := range res {
		total += x.After
	}
	if len(res) != 6 || res[5].Acknowledged || total != 30*time.Minute+30*time.Second {
		t.Fatalf("%d results, %v in all", len(res), total)
	}

	// NotifyTimes repeats regardless of the answers.
	r, target = newReceiver(t, srv)
	res, err = srv.NotifyTimes(context.Background(), target, n, 3)
	if err != nil || len(res) != 3 || len(r.got) != 3 || !res[2].Acknowledged {
		t.Fatalf("NotifyTimes: %v %+v", err, res)
	}

	// A direct handler call.
	req, err := srv.NewNotificationRequest(context.Background(), "http://merchant.example/notify", n)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Body.String() != "success" || !r.valid[len(r.valid)-1] {
		t.Fatalf("direct call: %q", rec.Body.String())
	}
	// An unreachable receiver is an error.
	if _, err := srv.Notify(context.Background(), "http://127.0.0.1:1/notify", n); err == nil {
		t.Fatal("no error for an unreachable receiver")
	}
}
