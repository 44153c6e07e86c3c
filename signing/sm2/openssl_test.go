package sm2_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
	"github.com/tousu-go/tousu/signing/sm2"
)

// Cross-checks against OpenSSL. The vectors under signing/testdata/openssl were
// made by signing/testdata/openssl/gen.sh together with the RSA and P-256 keys
// the parsers must refuse; these tests need only the committed files.

func opensslKey(t testing.TB) *sm2.PrivateKey {
	t.Helper()
	k, err := sm2.ParsePrivateKey(vectors.Read(t, "openssl/sm2_pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestOpenSSLSignaturesVerify(t *testing.T) {
	pub, err := sm2.ParsePublicKey(vectors.Read(t, "openssl/sm2_pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	msg := vectors.Read(t, "openssl/msg_sm2.txt")
	uids := map[string][]byte{"00000051": []byte("00000051"), "Allinpay": []byte("Allinpay")}
	for name, uid := range uids {
		der := vectors.ReadBase64(t, "openssl/msg_sm2.uid_"+name+".der.b64")
		v := sm2.Verifier{Key: pub, UID: uid, Encoding: sm2.DER}
		if err := v.Verify(msg, der); err != nil {
			t.Errorf("uid %s: openssl DER signature rejected: %v", name, err)
		}
		// Under the default uid and under the other provider-side uid it must fail.
		for other, wrong := range map[string][]byte{"default": sm2.DefaultUID, "wrong": []byte(strings.Replace(name, "0", "1", 1) + "x")} {
			if err := sm2.Verify(pub, wrong, msg, der, sm2.DER); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Errorf("uid %s: verified under the %s uid %q: %v", name, other, wrong, err)
			}
		}
		for otherName, otherUID := range uids {
			if otherName == name {
				continue
			}
			if err := sm2.Verify(pub, otherUID, msg, der, sm2.DER); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Errorf("uid %s: verified under uid %s", name, otherName)
			}
		}
		// As Allinpay sends it: raw r‖s.
		raw, err := sm2.DERToRaw(der)
		if err != nil || len(raw) != 64 {
			t.Fatalf("DERToRaw: %d bytes, %v", len(raw), err)
		}
		if err := sm2.Verify(pub, uid, msg, raw, sm2.Raw); err != nil {
			t.Errorf("uid %s: raw form rejected: %v", name, err)
		}
		back, err := sm2.RawToDER(raw)
		if err != nil || !bytes.Equal(back, der) {
			t.Errorf("uid %s: raw→DER does not round-trip to openssl's DER", name)
		}
		// DER passed as raw, and raw passed as DER, are rejected.
		if err := sm2.Verify(pub, uid, msg, der, sm2.Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("DER accepted as raw: %v", err)
		}
		if err := sm2.Verify(pub, uid, msg, raw, sm2.DER); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("raw accepted as DER: %v", err)
		}
		tampered := append(bytes.Clone(msg), ' ')
		if err := v.Verify(tampered, der); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("tampered message verified: %v", err)
		}
	}
	// The private key openssl made signs what its public key verifies.
	priv := opensslKey(t)
	sig, err := sm2.Sign(priv, []byte("Allinpay"), msg, sm2.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := sm2.Verify(pub, []byte("Allinpay"), msg, sig, sm2.Raw); err != nil {
		t.Fatal(err)
	}
}

// TestOpenSSLVerifiesOurs has openssl check the SM2 signatures this package
// makes, under each user id, and reject them under a wrong one. It is skipped
// where openssl is not installed; the committed vectors above do not need it.
func TestOpenSSLVerifiesOurs(t *testing.T) {
	ossl := vectors.NewOpenSSL(t)
	msg := []byte("mchid=123456&out_trade_no=订单 1&total_fee=1")
	msgFile := ossl.Write("msg", msg)
	pubFile := vectors.Path(t, "openssl/sm2_pub.pem")

	// Our DER directly, our raw converted to DER.
	key := opensslKey(t)
	for _, uid := range []string{"00000051", "Allinpay"} {
		der, err := sm2.Sign(key, []byte(uid), msg, sm2.DER)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := sm2.Sign(key, []byte(uid), msg, sm2.Raw)
		if err != nil {
			t.Fatal(err)
		}
		raw2der, err := sm2.RawToDER(raw)
		if err != nil {
			t.Fatal(err)
		}
		for name, sig := range map[string][]byte{"der": der, "raw": raw2der} {
			sigFile := ossl.Write("sm2.sig", sig)
			if out, err := ossl.Run("dgst", "-sm3", "-verify", pubFile, "-sigopt", "distid:"+uid, "-signature", sigFile, msgFile); err != nil {
				t.Errorf("openssl rejected our SM2 %s signature under %s: %v %s", name, uid, err, out)
			}
			if _, err := ossl.Run("dgst", "-sm3", "-verify", pubFile, "-sigopt", "distid:x"+uid, "-signature", sigFile, msgFile); err == nil {
				t.Errorf("openssl accepted our SM2 %s signature under a wrong uid", name)
			}
		}
	}
}
