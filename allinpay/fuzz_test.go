package allinpay

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// opensslReply is the reply of testdata/openssl/response.txt with OpenSSL's
// signature of sign type st (a valid reply for the test clients).
func opensslReply(tb testing.TB, st SignType) string {
	tb.Helper()
	sig := strings.TrimSpace(string(readTestdata(tb, "response_rsa.sig.b64")))
	if st == SignSM2 {
		raw, err := sm2.DERToRaw(readB64(tb, "response_sm2.uid_Allinpay.der.b64"))
		if err != nil {
			tb.Fatal(err)
		}
		sig = base64.StdEncoding.EncodeToString(raw)
	}
	fields, err := url.ParseQuery(string(readTestdata(tb, "response.txt")))
	if err != nil {
		tb.Fatal(err)
	}
	return `{"retcode":"SUCCESS","randomstr":"` + fields.Get("randomstr") + `","records":"` + fields.Get("records") + `","sign":"` + sig + `"}`
}

// FuzzReadResponse: whatever Allinpay (or someone in between) answers, the
// reply path returns a verified reply, an *APIError, or an error wrapping
// ErrMalformed or ErrSignatureInvalid; never a panic, and never a reply whose
// records were not covered by a valid signature.
func FuzzReadResponse(f *testing.F) {
	clients := map[SignType]*Client{}
	for _, st := range signTypes {
		c, _ := newTestClient(f, st)
		clients[st] = c
		f.Add(opensslReply(f, st), st == SignSM2)
	}
	f.Add(`{"retcode":"FAIL","retmsg":"签名验证失败"}`, false)
	f.Add(`{"retcode":"SUCCESS","retcode":"SUCCESS"}`, true)
	f.Add(`{"retcode":"SUCCESS","sign":"","records":"e30="}`, false)
	f.Add(`{"retcode":"SUCCESS","n":1.5e3,"b":true,"z":null,"o":{"a":[1]},"sign":"AA=="}`, true)
	f.Add(`[]`, false)
	f.Add(``, true)
	f.Fuzz(func(t *testing.T, body string, useSM2 bool) {
		c := clients[SignRSA]
		if useSM2 {
			c = clients[SignSM2]
		}
		resp, err := c.readResponse("wxcomplainthistory", 200, []byte(body))
		if err != nil {
			var ae *APIError
			if resp != nil || !(errors.As(err, &ae) || errors.Is(err, ErrMalformed) || errors.Is(err, signing.ErrSignatureInvalid)) {
				t.Fatalf("reply %v, untyped error %v", resp, err)
			}
			return
		}
		// A verified reply re-verifies over its own fields.
		if err := c.verifier.verifyParams(c.signType, resp.fields); err != nil {
			t.Fatalf("accepted reply does not verify: %v", err)
		}
		if b, err := resp.records(); err == nil {
			if _, err := decodeHistory(b); err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("records: %v", err)
			}
		}
	})
}

// FuzzDecodeRecords: any records text decodes into a history page with
// non-negative counts, or fails with ErrMalformed.
func FuzzDecodeRecords(f *testing.F) {
	enc := base64.StdEncoding.EncodeToString
	f.Add(enc([]byte(`{"total_count":2,"offset":0,"limit":100,"data":[{"log_id":"1","operator":"投诉人","operate_time":"2023-05-30T23:58:18+08:00","operate_type":"USER_CREATE_COMPLAINT","complaint_media_list":{"media_type":"USER_COMPLAINT_IMAGE","media_url":["u"]},"image_list":[]}]}`)))
	f.Add(enc([]byte(`{"total_count":"3","offset":"0","limit":"2","data":[{"log_id":"2","operate_time":""}]}`)))
	f.Add(enc([]byte(`[{"log_id":"1","complaint_media_list":[{"media_type":"OPERATION_IMAGE"}]}]`)))
	f.Add(enc([]byte(`{"data":null}`)))
	f.Add(enc([]byte(`{"limit":-1}`)))
	f.Add("eyJkYXRhIjpbXX0")      // unpadded
	f.Add("eyJkYXRh\r\nIjpbXX0=") // MIME line break
	f.Add("!!")
	f.Add("")
	f.Fuzz(func(t *testing.T, records string) {
		b, err := decodeRecords(records)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("records: %v", err)
			}
			return
		}
		p, err := decodeHistory(b)
		if err != nil {
			if p != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("page %v, error %v", p, err)
			}
			return
		}
		if p.Limit < 0 || p.Offset < 0 || p.TotalCount < 0 {
			t.Fatalf("negative counts: %+v", p)
		}
	})
}

// FuzzVerifyValues: a notification form verifies, or fails with
// ErrMalformed or ErrSignatureInvalid; never a panic.
func FuzzVerifyValues(f *testing.F) {
	c, _ := newTestClient(f, SignSM2)
	fake := newFake(f, SignSM2)
	m := map[string]string{"risktype": "COMPLAINTV2", "resource": `{"complaint_id":"1"}`, "signtype": "SM2"}
	form := fake.notification(m)
	f.Add(form.Encode())
	f.Add("signtype=RSA&sign=AA%3D%3D&a=1")
	f.Add("signtype=SM2&sign=&a=1&a=2")
	f.Add("signtype=RSA2&sign=x")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		err = c.verifier.verifyValues(SignType(v.Get("signtype")), v)
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
