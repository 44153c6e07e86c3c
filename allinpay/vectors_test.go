package allinpay

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/url"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// Published vectors: each names its source; none was computed by this
// package. The key files live in signing/testdata/published (its README lists
// the sources).

// Source: Allinpay's SmUtil demo main() (copy in ckhua/ck-first-service,
// .../utils/tonglian/pay/SmUtil.java): Allinpay's (TL) test key signed
// "返回待验签数据"; the demo verifies it with user id "Allinpay", raw r‖s. The
// client's reply verifier, holding the Test environment's published SM2 key
// (env.go), accepts it; the Production key and other user ids do not.
func TestPublishedSmUtilVector(t *testing.T) {
	const sig = "AovBKQGUe0xuJ0ox7FgIIX+yB3DzbudgUsnNvJmDV0IdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA=="
	msg := []byte("返回待验签数据")
	creds := Credentials{AppID: testAppID, CusID: testCusID, SignType: SignSM2,
		PrivateKey: signing.NewSecret(readTestdata(t, "signing/published/allinpay_sm2_smutil_cus_key.b64"))}
	test, err := NewClient(creds, WithEnvironment(Test))
	if err != nil {
		t.Fatal(err)
	}
	if err := test.verifier.verifyMessage(SignSM2, msg, sig); err != nil {
		t.Fatalf("SmUtil sample does not verify with the Test environment's key: %v", err)
	}
	// The published test key file and the constant agree.
	if got := string(bytes.TrimSpace(readTestdata(t, "signing/published/allinpay_sm2_tl_test_pub.b64"))); got != testSM2PublicKey {
		t.Fatalf("testSM2PublicKey differs from the published file")
	}
	prod, err := NewClient(creds)
	if err != nil {
		t.Fatal(err)
	}
	if err := prod.verifier.verifyMessage(SignSM2, msg, sig); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("production key accepted the test sample: %v", err)
	}
	raw, _ := base64.StdEncoding.DecodeString(sig)
	pub := test.verifier.sm2
	for _, uid := range [][]byte{[]byte(testAppID), sm2.DefaultUID} {
		if err := sm2.Verify(pub, uid, msg, raw, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("uid %q verified the sample: %v", uid, err)
		}
	}
	// The same signature in DER is refused: Allinpay sends raw r‖s.
	der, err := sm2.RawToDER(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.verifier.verifyMessage(SignSM2, msg, base64.StdEncoding.EncodeToString(der)); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("DER signature accepted: %v", err)
	}
}

// fixedRandom makes the client send a given randomstr, to sign a published
// request.
func fixedRandom(c *Client, s string) { c.randomStr = func() (string, error) { return s, nil } }

// sampleRequest builds the 安全规范 example request (a trxid query with
// version 11) through the client's form path, with the given randomstr.
func sampleRequest(t *testing.T, creds Credentials, randomstr string) (*Client, url.Values) {
	t.Helper()
	c, err := NewClient(creds)
	if err != nil {
		t.Fatal(err)
	}
	fixedRandom(c, randomstr)
	form, err := c.requestForm(endpoint{name: "query", version: "11"}, url.Values{"trxid": {"112094120001088317"}})
	if err != nil {
		t.Fatal(err)
	}
	return c, form
}

// Source: 007gzs/pyallinpay tests/test_utils.py test_sm2_signer (skipped
// upstream): a request signed with SM2 under the appid 00000051. The client
// builds the same string from the same fields (trxid given through the raw
// form path, the rest added by the client), the published signature verifies
// over it under the appid only, and the client's own signature over it does
// too (SM2 is randomised, so only verification can be compared).
func TestPublishedSM2RequestVector(t *testing.T) {
	const published = "m4ki0xZ+19LtqjuyG8Qb0ytD3Q8B166mboCeg+6Ar1Z4XmQB14LrcfddkM121EbroDDnJ17bbJAH/S+8jus9iQ=="
	c, form := sampleRequest(t, Credentials{AppID: "00000051", CusID: "990581007426001", SignType: SignSM2,
		PrivateKey: signing.NewSecret(readTestdata(t, "signing/published/allinpay_sm2_request_test_key.b64"))}, "75016315")
	msg := rule.Build(signing.ParamsFromValues(form), nil)
	if want := "appid=00000051&cusid=990581007426001&randomstr=75016315&signtype=SM2&trxid=112094120001088317&version=11"; string(msg) != want {
		t.Fatalf("string to sign\n got %s\nwant %s", msg, want)
	}
	pub := c.signer.sm2.Public()
	raw, _ := base64.StdEncoding.DecodeString(published)
	if err := sm2.Verify(pub, []byte("00000051"), msg, raw, sm2.Raw); err != nil {
		t.Fatalf("published signature does not verify under the appid: %v", err)
	}
	for _, uid := range [][]byte{[]byte("Allinpay"), sm2.DefaultUID} {
		if err := sm2.Verify(pub, uid, msg, raw, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("published signature verifies under %q: %v", uid, err)
		}
	}
	ours, err := base64.StdEncoding.DecodeString(form.Get("sign"))
	if err != nil || len(ours) != 64 {
		t.Fatalf("client signature: %d bytes, %v", len(ours), err)
	}
	if err := sm2.Verify(pub, []byte("00000051"), msg, ours, sm2.Raw); err != nil {
		t.Fatalf("client signature does not verify under the appid: %v", err)
	}
}

// Source: 007gzs/pyallinpay tests/test_utils.py test_rsa_signer: SHA1withRSA
// of the 安全规范 (prodoc/1033) example string under the documented 1024-bit
// test key. RSA PKCS#1 v1.5 is deterministic, so the client's form must carry
// exactly the published signature.
func TestPublishedRSARequestVector(t *testing.T) {
	const published = "ce6EAOj4rhoBMJM5MJCNG4qQ/CVMTWkoRuSGpSzRAnD3U3V5QyHkQUEej2eZXRaa+qSbw2/IJJSPV0sPuAia1+" +
		"ccb7OnvxyZqkV9wQyimX6qAMz0K+UWFhQ5McCcQ/XsFhhezoVd5QgL7PtdvuK1AtjuzA3J9yzNmwuPssPnKnc="
	c, form := sampleRequest(t, Credentials{AppID: "00000051", CusID: "990581007426001", SignType: SignRSA,
		PrivateKey:        signing.NewSecret(readTestdata(t, "signing/published/allinpay_rsa1024_test_key.b64")),
		AllinpayPublicKey: string(readTestdata(t, "signing/published/allinpay_rsa1024_test_pub.b64"))}, "82712208")
	if got := form.Get("sign"); got != published {
		t.Fatalf("signature\n got %s\nwant %s", got, published)
	}
	// The test key pair's public half verifies it through the reply verifier
	// (set as AllinpayPublicKey above), over every field but sign.
	if err := c.verifier.verifyValues(SignRSA, form); err != nil {
		t.Fatalf("verifier: %v", err)
	}
	form.Set("version", "12")
	if err := c.verifier.verifyValues(SignRSA, form); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("tampered form verified: %v", err)
	}
}
