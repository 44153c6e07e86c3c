package allinpay

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

// FuzzVerifyNotification: whatever is posted to the notification URL,
// Verify returns a notification that verifies and whose typed parts agree
// with its fields, or an error matching one of complaint's sentinels; never
// a panic, never both, and no error quotes the contact. The seeds are
// signed notifications of every kind (valid bodies reach the decoders) and
// broken ones; testdata/fuzz/FuzzVerifyNotification holds more.
func FuzzVerifyNotification(f *testing.F) {
	c, fake := newTestClient(f, SignRSA)
	wxv2 := wxNotification(SignRSA, "")
	wxv2["risktype"], wxv2["resource"] = "COMPLAINTV2", `{"complaint_id":12345678901234567890123}`
	viol := wxNotification(SignRSA, "")
	viol["risktype"], viol["resource"] = "VIOLATION", `{"record_id":"R1","punish_time":"2024-05-23 10:00:00"}`
	unknown := wxNotification(SignRSA, "")
	unknown["risktype"], unknown["resource"] = "FREEZE", "x"
	for _, m := range []map[string]string{wxNotification(SignRSA, "CREATE_COMPLAINT"), wxv2, viol, unknown, alipayNotifyFields(SignRSA)} {
		f.Add(fake.notification(m).Encode())
	}
	f.Add("signtype=RSA&sign=AA%3D%3D&cusid=1")
	f.Add("a=1&a=2")
	f.Add("a=%zz;b")
	f.Add("=&&&")
	f.Add("signtype=RSA2&sign=x")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		n, err := c.Verify(context.Background(), nil, []byte(body))
		if err != nil {
			if n != nil {
				t.Fatal("notification and error")
			}
			if !errors.Is(err, complaint.ErrSignatureInvalid) && !errors.Is(err, complaint.ErrMalformedNotification) &&
				!errors.Is(err, complaint.ErrBodyTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			if strings.Contains(err.Error(), testPhone) {
				t.Fatalf("error quotes the contact: %v", err)
			}
			return
		}
		form, perr := parseNotificationForm([]byte(body))
		if perr != nil || c.verifier.verifyValues(n.SignType, form) != nil || len(form) != len(n.Fields) {
			t.Fatalf("accepted a notification that does not verify: %v", perr)
		}
		if n.CusID == "" || n.CusID != n.Fields.Get("cusid") || string(n.RiskType) != n.Fields.Get("risktype") {
			t.Fatalf("typed fields disagree: %v", n)
		}
		switch n.RiskType {
		case RiskComplaint, RiskComplaintV2:
			if n.Complaint == nil || n.Complaint.ComplaintID == "" {
				t.Fatal("complaint without id")
			}
		case RiskViolation:
			if n.Violation == nil {
				t.Fatal("violation not decoded")
			}
		}
		evs, err := NewReceiver(c).Receive(context.Background(), &complaint.Delivery{Body: []byte(body)})
		if err != nil || len(evs) != 1 || evs[0].ID == "" || evs[0].Ref.Provider != complaint.Allinpay {
			t.Fatalf("receive: %v %v", evs, err)
		}
	})
}
