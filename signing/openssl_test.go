package signing_test

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

// Cross-checks against OpenSSL. The vectors under testdata/openssl were made by
// testdata/openssl/gen.sh; these tests need only the committed files. The SM2
// cross-checks on the same files are in signing/sm2.

func opensslRSAKey(t testing.TB) *signing.RSAPrivateKey {
	t.Helper()
	k, err := signing.ParseRSAPrivateKey(vectors.Read(t, "openssl/rsa_pkcs8.pem"))
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
	pub, err := signing.ParseRSAPublicKey(vectors.Read(t, "openssl/rsa_pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		msg := vectors.Read(t, tc.msg)
		want := strings.TrimSpace(string(vectors.Read(t, tc.sig)))
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
	if string(vectors.Read(t, "openssl/msg_allinpay.txt")) != allinpayExample {
		t.Fatal("msg_allinpay.txt is not the documented example")
	}
}

func TestOpenSSLOAEPDecrypt(t *testing.T) {
	key := opensslRSAKey(t)
	want := vectors.Read(t, "openssl/oaep_plain.txt")
	ct := strings.TrimSpace(string(vectors.Read(t, "openssl/oaep_cipher.b64")))
	pt, err := signing.DecryptOAEPBase64(key, ct)
	if err != nil || !bytes.Equal(pt, want) {
		t.Fatalf("openssl OAEP ciphertext: %q %v", pt, err)
	}
	raw := vectors.Base64(t, ct)
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
// need it. signing/sm2 has the same check for SM2.
func TestOpenSSLVerifiesOurs(t *testing.T) {
	ossl := vectors.NewOpenSSL(t)
	msg := []byte("mchid=123456&out_trade_no=订单 1&total_fee=1")
	msgFile := ossl.Write("msg", msg)

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
		sigFile := ossl.Write("rsa.sig", sig)
		if out, err := ossl.Run("dgst", h.flag, "-verify", vectors.Path(t, "openssl/rsa_pub.pem"), "-signature", sigFile, msgFile); err != nil {
			t.Errorf("openssl rejected our %v signature: %v %s", h.hash, err, out)
		}
	}

	// Our OAEP ciphertext decrypts with openssl.
	ct, err := signing.EncryptOAEP(rsaKey.Public(), []byte("13800138000"))
	if err != nil {
		t.Fatal(err)
	}
	ctFile := ossl.Write("oaep", ct)
	out, err := ossl.Run("pkeyutl", "-decrypt", "-inkey", vectors.Path(t, "openssl/rsa_pkcs8.pem"),
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1", "-in", ctFile)
	if err != nil || out != "13800138000" {
		t.Errorf("openssl OAEP decrypt: %q %v", out, err)
	}
}
