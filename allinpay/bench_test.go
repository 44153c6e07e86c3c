package allinpay

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// Benchmarks of the client's request signing and reply verification, each
// next to the bare primitive over the same prebuilt string in the same run
// (the floor): the ratio client/primitive is the cost of the call path
// (go-querystring, randomstr, the string to sign, JSON field parsing).
//
//	go test -run XXX -bench . -benchmem ./allinpay/

var benchRequest = &ListHistoryRequest{ComplaintID: "200000020230530232256940819", Limit: 100, Offset: 200}

func BenchmarkSignRequest(b *testing.B) {
	for _, st := range signTypes {
		c, _ := newTestClient(b, st)
		form, err := c.requestForm(historyEndpoint, benchRequest)
		if err != nil {
			b.Fatal(err)
		}
		msg := rule.Build(signing.ParamsFromValues(form), nil)
		b.Run(string(st)+"/primitive", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if st == SignRSA {
					_, err = signing.SignRSA(c.signer.rsa, crypto.SHA1, msg)
				} else {
					_, err = sm2.Sign(c.signer.sm2, c.signer.uid, msg, sm2.Raw)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(st)+"/client", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.requestForm(historyEndpoint, benchRequest); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignRSAParallel signs requests from every core at once: no lock
// is held across the RSA operation, so throughput scales with -cpu.
func BenchmarkSignRSAParallel(b *testing.B) {
	c, _ := newTestClient(b, SignRSA)
	form, err := c.requestForm(historyEndpoint, benchRequest)
	if err != nil {
		b.Fatal(err)
	}
	msg := rule.Build(signing.ParamsFromValues(form), nil)
	b.Run("primitive", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := signing.SignRSA(c.signer.rsa, crypto.SHA1, msg); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.requestForm(historyEndpoint, benchRequest); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkVerifyResponse(b *testing.B) {
	for _, st := range signTypes {
		c, _ := newTestClient(b, st)
		body := []byte(opensslReply(b, st))
		fields, err := parseFields(body)
		if err != nil {
			b.Fatal(err)
		}
		msg := rule.Build(fields, nil)
		sig, _ := base64.StdEncoding.DecodeString(lookup(fields, "sign"))
		b.Run(string(st)+"/primitive", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bareVerify(c.verifier, st, msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(st)+"/client", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.readResponse("wxcomplainthistory", 200, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotificationVerify is the verifier notify.go reuses, over a form.
func BenchmarkNotificationVerify(b *testing.B) {
	c, _ := newTestClient(b, SignRSA)
	f := newFake(b, SignRSA)
	m := map[string]string{"risktype": "COMPLAINT", "resource": `{"complaint_id":"2000","action_type":"CREATE_COMPLAINT"}`, "signtype": "RSA"}
	form := f.notification(m)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.verifier.verifyValues(SignRSA, form); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFields is the non-cryptographic part of reply verification:
// parseFields (a token walk, so that a key given twice is refused) next to
// the floor, a plain encoding/json decode of the same reply into a map
// (which would silently keep the last of two equal keys).
func BenchmarkParseFields(b *testing.B) {
	body := []byte(opensslReply(b, SignSM2))
	b.Run("json-map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]string
			if err := json.Unmarshal(body, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parseFields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseFields(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
