package sm2_test

import (
	"errors"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
	"github.com/tousu-go/tousu/signing/sm2"
)

// Published vectors. Each names its source; none was computed by this package.
// The key files are under signing/testdata/published, whose README lists them.

// allinpayRule is Allinpay's string to sign: every non-empty field except sign,
// sorted, no secret.
var allinpayRule = signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}

// Source: Allinpay's SmUtil demo main() (copy in ckhua/ck-first-service
// .../utils/tonglian/pay/SmUtil.java): the TL test key's signature over
// "返回待验签数据", which the demo verifies with user id "Allinpay", raw r‖s.
func TestAllinpaySmUtilVector(t *testing.T) {
	pub, err := sm2.ParsePublicKey(vectors.Read(t, "published/allinpay_sm2_tl_test_pub.b64"))
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("返回待验签数据")
	sig := vectors.Base64(t, "AovBKQGUe0xuJ0ox7FgIIX+yB3DzbudgUsnNvJmDV0IdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA==")
	if len(sig) != 64 {
		t.Fatalf("published signature has %d bytes", len(sig))
	}
	v := sm2.Verifier{Key: pub, UID: []byte("Allinpay"), Encoding: sm2.Raw}
	if err := v.Verify(msg, sig); err != nil {
		t.Fatalf("published SM2 sample does not verify under \"Allinpay\": %v", err)
	}
	for _, uid := range [][]byte{sm2.DefaultUID, []byte("00000156"), []byte("allinpay")} {
		if err := sm2.Verify(pub, uid, msg, sig, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("uid %q: want ErrSignatureInvalid, got %v", uid, err)
		}
	}
	if err := sm2.Verify(pub, nil, msg, sig, sm2.Raw); !errors.Is(err, sm2.ErrNoUID) {
		t.Errorf("empty uid: want ErrNoUID, got %v", err)
	}
	// The same signature as DER verifies under DER.
	der, err := sm2.RawToDER(sig)
	if err != nil {
		t.Fatal(err)
	}
	if err := sm2.Verify(pub, []byte("Allinpay"), msg, der, sm2.DER); err != nil {
		t.Fatalf("DER form: %v", err)
	}
	if err := v.Verify([]byte("返回待验签数据 "), sig); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("tampered message verified: %v", err)
	}

	// The demo's merchant test key pair: our parser and marshaller reproduce the
	// public key the demo prints for its private key.
	priv, err := sm2.ParsePrivateKey(vectors.Read(t, "published/allinpay_sm2_smutil_cus_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := sm2.MarshalPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := signing.EncodeBase64(pubDER), string(vectors.Read(t, "published/allinpay_sm2_smutil_cus_pub.b64")); got != want {
		t.Fatalf("derived public key\n got %s\nwant %s", got, want)
	}
	// Request side: sign with the appid as user id, as the demo does.
	s := sm2.Signer{Key: priv, UID: []byte("00000156")}
	rs, err := s.Sign([]byte("请求待签名数据"))
	if err != nil || len(rs) != 64 {
		t.Fatalf("sign: %d bytes, %v", len(rs), err)
	}
	if err := sm2.Verify(priv.Public(), []byte("00000156"), []byte("请求待签名数据"), rs, sm2.Raw); err != nil {
		t.Fatal(err)
	}
}

// Source: 007gzs/pyallinpay tests/test_utils.py test_sm2_signer (skipped
// upstream): a request-side SM2 signature, raw r‖s, made with the appid
// "00000051" as user id.
func TestAllinpayRequestVector(t *testing.T) {
	priv, err := sm2.ParsePrivateKey(vectors.Read(t, "published/allinpay_sm2_request_test_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	params := []signing.Param{
		{Key: "appid", Value: "00000051"}, {Key: "cusid", Value: "990581007426001"},
		{Key: "randomstr", Value: "75016315"}, {Key: "signtype", Value: "SM2"},
		{Key: "trxid", Value: "112094120001088317"}, {Key: "version", Value: "11"},
	}
	msg := allinpayRule.Build(params, nil)
	if want := "appid=00000051&cusid=990581007426001&randomstr=75016315&signtype=SM2&trxid=112094120001088317&version=11"; string(msg) != want {
		t.Fatalf("string to sign %s", msg)
	}
	sig := vectors.Base64(t, "m4ki0xZ+19LtqjuyG8Qb0ytD3Q8B166mboCeg+6Ar1Z4XmQB14LrcfddkM121EbroDDnJ17bbJAH/S+8jus9iQ==")
	if err := sm2.Verify(priv.Public(), []byte("00000051"), msg, sig, sm2.Raw); err != nil {
		t.Fatalf("published request signature does not verify under the appid: %v", err)
	}
	for _, uid := range [][]byte{sm2.DefaultUID, []byte("Allinpay")} {
		if err := sm2.Verify(priv.Public(), uid, msg, sig, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("uid %q: want ErrSignatureInvalid, got %v", uid, err)
		}
	}
}
