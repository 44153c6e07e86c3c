package allinpay

import (
	"context"
	"crypto"
	"encoding/base64"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// BenchmarkVerifyNotification measures Verify on an Alipay complaint
// notification (the largest kind) in both sign types, next to its floor:
// the bare signature check over the same prebuilt string to sign. The ratio
// Verify/primitive is the cost of parsing the form, building the string and
// decoding the content; Receive adds the event and its id.
//
//	go test -run XXX -bench VerifyNotification -benchmem ./allinpay/
func BenchmarkVerifyNotification(b *testing.B) {
	for _, st := range signTypes {
		c, fake := newTestClient(b, st)
		form := fake.notification(alipayNotifyFields(st))
		body := []byte(form.Encode())
		msg := rule.Build(signing.ParamsFromValues(form), nil)
		sig, err := base64.StdEncoding.DecodeString(form.Get("sign"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(st)+"/primitive", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bareVerify(c.verifier, st, msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(st)+"/Verify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Verify(context.Background(), nil, body); err != nil {
					b.Fatal(err)
				}
			}
		})
		r := NewReceiver(c)
		d := &complaint.Delivery{Body: body}
		b.Run(string(st)+"/Receive", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Receive(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bareVerify is the floor of the verification benchmarks: Allinpay's
// signature check alone over a built string to sign, with the primitives
// the verifier calls.
func bareVerify(v *verifier, st SignType, msg, sig []byte) error {
	if st == SignRSA {
		return signing.VerifyRSA(v.rsa, crypto.SHA1, msg, sig)
	}
	return sm2.Verify(v.sm2, responseUID, msg, sig, sm2.Raw)
}
