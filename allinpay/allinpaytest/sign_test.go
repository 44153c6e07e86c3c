package allinpaytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// published reads a vector from signing/testdata/published (see its
// README.md for the source of each file).
func published(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "signing", "testdata", "published", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestStringToSign(t *testing.T) {
	// The 收银宝 安全规范 example (prodoc/1033), from fields in any order,
	// with sign and an empty value that must both be left out.
	got := string(stringToSign(map[string]string{
		"version": "11", "trxid": "112094120001088317", "sign": "x", "cusid": "990581007426001",
		"remark": "", "appid": "00000051", "signtype": "RSA", "randomstr": "82712208",
	}))
	if want := "appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&version=11"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// Sorted by key, not by "k=v": "a" sorts before "a1" although "a=" > "a1".
	if got := string(stringToSign(map[string]string{"a1": "x", "a": "y", "b": " "})); got != "a=y&a1=x&b= " {
		t.Fatalf("key order / spaces: %q", got)
	}
}

// The fake's verifier accepts the signatures Allinpay and its SDKs publish,
// and only under the right user id.
func TestPublishedVectors(t *testing.T) {
	msg := []byte("appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&version=11")
	rsaPub, err := parsePublicKey(RSA, published(t, "allinpay_rsa1024_test_pub.b64"))
	if err != nil {
		t.Fatal(err)
	}
	// 007gzs/pyallinpay tests/test_utils.py test_rsa_signer.
	const rsaSig = "ce6EAOj4rhoBMJM5MJCNG4qQ/CVMTWkoRuSGpSzRAnD3U3V5QyHkQUEej2eZXRaa+qSbw2/IJJSPV0sPuAia1+" +
		"ccb7OnvxyZqkV9wQyimX6qAMz0K+UWFhQ5McCcQ/XsFhhezoVd5QgL7PtdvuK1AtjuzA3J9yzNmwuPssPnKnc="
	if err := rsaPub.verify("", msg, rsaSig); err != nil {
		t.Fatalf("published RSA signature: %v", err)
	}
	if rsaPub.verify("", append(msg, '1'), rsaSig) == nil {
		t.Fatal("RSA signature verified over another message")
	}
	rsaPriv, err := parsePrivateKey(RSA, published(t, "allinpay_rsa1024_test_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	if sig, err := rsaPriv.sign("", msg); err != nil || sig != rsaSig {
		t.Fatalf("RSA signing is deterministic and must reproduce the sample: %v\n%s", err, sig)
	}

	// pyallinpay test_sm2_signer: a request signed under the appid.
	reqKey, err := parsePrivateKey(SM2, published(t, "allinpay_sm2_request_test_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	reqMsg := []byte("appid=00000051&cusid=990581007426001&randomstr=75016315&signtype=SM2&trxid=112094120001088317&version=11")
	const reqSig = "m4ki0xZ+19LtqjuyG8Qb0ytD3Q8B166mboCeg+6Ar1Z4XmQB14LrcfddkM121EbroDDnJ17bbJAH/S+8jus9iQ=="
	if err := reqKey.verify("00000051", reqMsg, reqSig); err != nil {
		t.Fatalf("published SM2 request signature under the appid: %v", err)
	}
	for _, uid := range []string{allinpayUID, "1234567812345678"} {
		if reqKey.verify(uid, reqMsg, reqSig) == nil {
			t.Fatalf("SM2 request signature verified under %q", uid)
		}
	}

	// Allinpay's SmUtil demo: the TL test key's signature under "Allinpay".
	tl, err := parsePublicKey(SM2, published(t, "allinpay_sm2_tl_test_pub.b64"))
	if err != nil {
		t.Fatal(err)
	}
	const tlSig = "AovBKQGUe0xuJ0ox7FgIIX+yB3DzbudgUsnNvJmDV0IdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA=="
	if err := tl.verify(allinpayUID, []byte("返回待验签数据"), tlSig); err != nil {
		t.Fatalf("SmUtil sample: %v", err)
	}
	if tl.verify("00000051", []byte("返回待验签数据"), tlSig) == nil {
		t.Fatal("SmUtil sample verified under the appid")
	}

	// The demo's merchant key: the fake derives and encodes the public key
	// the demo prints.
	cus, err := parsePrivateKey(SM2, published(t, "allinpay_sm2_smutil_cus_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cus.pair().PublicKey, published(t, "allinpay_sm2_smutil_cus_pub.b64"); got != want {
		t.Fatalf("derived public key\n got %s\nwant %s", got, want)
	}
	// Round trip of the fake's own SM2 signatures; a DER signature is refused.
	sig, err := cus.sign("00000156", msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := cus.verify("00000156", msg, sig); err != nil {
		t.Fatal(err)
	}
	if cus.verify("00000156", msg, "MEQCIAovwSkBlHtMbidKMexYCCF/sgdw825nYFLJzbyZg1dCAiAdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA==") == nil {
		t.Fatal("a DER signature verified")
	}
}

func TestKeyOptionsRoundTrip(t *testing.T) {
	for _, st := range []SignType{RSA, SM2} {
		k := generatedKey(st, "merchant", false)
		p := k.pair()
		for _, s := range []string{p.PrivateKey, p.PrivateKeyPEM} {
			back, err := parsePrivateKey(st, s)
			if err != nil {
				t.Fatalf("%s: %v", st, err)
			}
			if back.pair() != p {
				t.Fatalf("%s: private key round trip changed the key", st)
			}
		}
		for _, s := range []string{p.PublicKey, p.PublicKeyPEM} {
			back, err := parsePublicKey(st, s)
			if err != nil {
				t.Fatalf("%s: %v", st, err)
			}
			if back.pair().PublicKey != p.PublicKey || back.pair().PrivateKey != "" {
				t.Fatalf("%s: public key round trip", st)
			}
		}
		other := RSA
		if st == RSA {
			other = SM2
		}
		if _, err := parsePrivateKey(other, p.PrivateKey); err == nil {
			t.Fatalf("%s key parsed as %s", st, other)
		}
		if _, err := parsePublicKey(other, p.PublicKey); err == nil {
			t.Fatalf("%s public key parsed as %s", st, other)
		}
	}
	if _, err := parsePrivateKey(SM2, "not base64!"); err == nil {
		t.Fatal("garbage parsed")
	}
}
