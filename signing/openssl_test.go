package signing_test

import (
	"bytes"
	"crypto"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
)

// Cross-checks against OpenSSL. The vectors under testdata/openssl were made by
// testdata/openssl/gen.sh; these tests need only the committed files.

func opensslRSAKey(t testing.TB) *signing.RSAPrivateKey {
	t.Helper()
	k, err := signing.ParseRSAPrivateKey(testdata(t, "openssl/rsa_pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func opensslSM2Key(t testing.TB) *signing.SM2PrivateKey {
	t.Helper()
	k, err := signing.ParseSM2PrivateKey(testdata(t, "openssl/sm2_pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestOpenSSLRSASignaturesMatchByteForByte(t *testing.T) {
	key := opensslRSAKey(t)
	cases := []struct {
		msg, sig string
		hash     crypto.Hash
	}{
		{"openssl/msg_allinpay.txt", "openssl/msg_allinpay.rsa_sha1.b64", crypto.SHA1},
		{"openssl/msg_wechat.txt", "openssl/msg_wechat.rsa_sha256.b64", crypto.SHA256},
	}
	pub, err := signing.ParseRSAPublicKey(testdata(t, "openssl/rsa_pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		msg := testdata(t, tc.msg)
		want := strings.TrimSpace(string(testdata(t, tc.sig)))
		got, err := signing.SignRSABase64(key, tc.hash, msg)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: our %v signature differs from openssl's\n got %s\nwant %s", tc.msg, tc.hash, got, want)
		}
		s := signing.RSASigner{Key: key, Hash: tc.hash}
		raw, err := s.Sign(msg)
		if err != nil || signing.EncodeBase64(raw) != want {
			t.Errorf("RSASigner: %v", err)
		}
		if err := signing.VerifyRSABase64(pub, tc.hash, msg, want); err != nil {
			t.Errorf("%s: openssl signature does not verify: %v", tc.msg, err)
		}
		other := crypto.SHA256
		if tc.hash == crypto.SHA256 {
			other = crypto.SHA1
		}
		if err := signing.VerifyRSABase64(pub, other, msg, want); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s: verified under the wrong hash: %v", tc.msg, err)
		}
	}
	// The Allinpay message is the documented example string.
	if string(testdata(t, "openssl/msg_allinpay.txt")) != allinpayExample {
		t.Fatal("msg_allinpay.txt is not the documented example")
	}
}

func TestOpenSSLSM2SignaturesVerify(t *testing.T) {
	pub, err := signing.ParseSM2PublicKey(testdata(t, "openssl/sm2_pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	msg := testdata(t, "openssl/msg_sm2.txt")
	uids := map[string][]byte{"00000051": []byte("00000051"), "Allinpay": []byte("Allinpay")}
	for name, uid := range uids {
		der := testdataB64(t, "openssl/msg_sm2.uid_"+name+".der.b64")
		v := signing.SM2Verifier{Key: pub, UID: uid, Encoding: signing.SM2DER}
		if err := v.Verify(msg, der); err != nil {
			t.Errorf("uid %s: openssl DER signature rejected: %v", name, err)
		}
		// Under the default uid and under the other provider-side uid it must fail.
		for other, wrong := range map[string][]byte{"default": signing.SM2DefaultUID, "wrong": []byte(strings.Replace(name, "0", "1", 1) + "x")} {
			if err := signing.VerifySM2(pub, wrong, msg, der, signing.SM2DER); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Errorf("uid %s: verified under the %s uid %q: %v", name, other, wrong, err)
			}
		}
		for otherName, otherUID := range uids {
			if otherName == name {
				continue
			}
			if err := signing.VerifySM2(pub, otherUID, msg, der, signing.SM2DER); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Errorf("uid %s: verified under uid %s", name, otherName)
			}
		}
		// As Allinpay sends it: raw r‖s.
		raw, err := signing.SM2DERToRaw(der)
		if err != nil || len(raw) != 64 {
			t.Fatalf("SM2DERToRaw: %d bytes, %v", len(raw), err)
		}
		if err := signing.VerifySM2(pub, uid, msg, raw, signing.SM2Raw); err != nil {
			t.Errorf("uid %s: raw form rejected: %v", name, err)
		}
		back, err := signing.SM2RawToDER(raw)
		if err != nil || !bytes.Equal(back, der) {
			t.Errorf("uid %s: raw→DER does not round-trip to openssl's DER", name)
		}
		// DER passed as raw, and raw passed as DER, are rejected.
		if err := signing.VerifySM2(pub, uid, msg, der, signing.SM2Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("DER accepted as raw: %v", err)
		}
		if err := signing.VerifySM2(pub, uid, msg, raw, signing.SM2DER); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("raw accepted as DER: %v", err)
		}
		tampered := append(bytes.Clone(msg), ' ')
		if err := v.Verify(tampered, der); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("tampered message verified: %v", err)
		}
	}
	// The private key openssl made signs what its public key verifies.
	priv := opensslSM2Key(t)
	sig, err := signing.SignSM2(priv, []byte("Allinpay"), msg, signing.SM2Raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := signing.VerifySM2(pub, []byte("Allinpay"), msg, sig, signing.SM2Raw); err != nil {
		t.Fatal(err)
	}
}

func TestOpenSSLOAEPDecrypt(t *testing.T) {
	key := opensslRSAKey(t)
	want := testdata(t, "openssl/oaep_plain.txt")
	ct := strings.TrimSpace(string(testdata(t, "openssl/oaep_cipher.b64")))
	pt, err := signing.DecryptOAEPBase64(key, ct)
	if err != nil || !bytes.Equal(pt, want) {
		t.Fatalf("openssl OAEP ciphertext: %q %v", pt, err)
	}
	raw := mustB64(t, ct)
	raw[10] ^= 0x80
	if _, err := signing.DecryptOAEP(key, raw); !errors.Is(err, signing.ErrDecrypt) {
		t.Fatalf("tampered: %v", err)
	}
	if _, err := signing.DecryptOAEPBase64(key, "%%%"); !errors.Is(err, signing.ErrDecrypt) {
		t.Fatalf("not base64: %v", err)
	}
}

// TestOpenSSLVerifiesOurs has openssl check what this package produces. It is
// skipped where openssl is not installed; the committed vectors above do not
// need it.
func TestOpenSSLVerifiesOurs(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH")
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(args ...string) (string, error) {
		out, err := exec.Command(bin, args...).CombinedOutput()
		return string(out), err
	}
	msg := []byte("mchid=123456&out_trade_no=订单 1&total_fee=1")
	msgFile := write("msg", msg)

	// RSA SHA-256 and SHA-1.
	rsaKey := opensslRSAKey(t)
	for _, h := range []struct {
		hash crypto.Hash
		flag string
	}{{crypto.SHA256, "-sha256"}, {crypto.SHA1, "-sha1"}} {
		sig, err := signing.SignRSA(rsaKey, h.hash, msg)
		if err != nil {
			t.Fatal(err)
		}
		sigFile := write("rsa.sig", sig)
		if out, err := run("dgst", h.flag, "-verify", "testdata/openssl/rsa_pub.pem", "-signature", sigFile, msgFile); err != nil {
			t.Errorf("openssl rejected our %v signature: %v %s", h.hash, err, out)
		}
	}

	// SM2 under each uid: our DER directly, our raw converted to DER; openssl
	// must also reject them under the wrong uid.
	sm2Key := opensslSM2Key(t)
	for _, uid := range []string{"00000051", "Allinpay"} {
		der, err := signing.SignSM2(sm2Key, []byte(uid), msg, signing.SM2DER)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := signing.SignSM2(sm2Key, []byte(uid), msg, signing.SM2Raw)
		if err != nil {
			t.Fatal(err)
		}
		raw2der, err := signing.SM2RawToDER(raw)
		if err != nil {
			t.Fatal(err)
		}
		for name, sig := range map[string][]byte{"der": der, "raw": raw2der} {
			sigFile := write("sm2.sig", sig)
			if out, err := run("dgst", "-sm3", "-verify", "testdata/openssl/sm2_pub.pem", "-sigopt", "distid:"+uid, "-signature", sigFile, msgFile); err != nil {
				t.Errorf("openssl rejected our SM2 %s signature under %s: %v %s", name, uid, err, out)
			}
			if _, err := run("dgst", "-sm3", "-verify", "testdata/openssl/sm2_pub.pem", "-sigopt", "distid:x"+uid, "-signature", sigFile, msgFile); err == nil {
				t.Errorf("openssl accepted our SM2 %s signature under a wrong uid", name)
			}
		}
	}

	// Our OAEP ciphertext decrypts with openssl.
	ct, err := signing.EncryptOAEP(rsaKey.Public(), []byte("13800138000"))
	if err != nil {
		t.Fatal(err)
	}
	ctFile := write("oaep", ct)
	out, err := exec.Command(bin, "pkeyutl", "-decrypt", "-inkey", "testdata/openssl/rsa_pkcs8.pem",
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1", "-in", ctFile).Output()
	if err != nil || string(out) != "13800138000" {
		t.Errorf("openssl OAEP decrypt: %q %v", out, err)
	}
}
