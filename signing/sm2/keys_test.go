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

// Binary DER, as in a .der file, loads like PEM and bare Base64.
func TestParseBinaryDER(t *testing.T) {
	if _, err := sm2.ParsePrivateKey(vectors.ReadBase64(t, "openssl/sm2_pkcs8.b64")); err != nil {
		t.Fatalf("binary sm2 pkcs#8: %v", err)
	}
	if _, err := sm2.ParsePublicKey(vectors.ReadBase64(t, "openssl/sm2_pub.b64")); err != nil {
		t.Fatalf("binary sm2 spki: %v", err)
	}
}

func TestParseKeyFormats(t *testing.T) {
	want := opensslKey(t)
	wantPub, err := sm2.MarshalPublicKey(want.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sm2_pkcs8.pem", "sm2_pkcs8.b64", "sm2_sec1.pem"} {
		k, err := sm2.ParsePrivateKey(vectors.Read(t, "openssl/"+name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		pub, _ := sm2.MarshalPublicKey(k.Public())
		if !bytes.Equal(pub, wantPub) {
			t.Errorf("%s: different key", name)
		}
	}
	for _, name := range []string{"sm2_pub.pem", "sm2_pub.b64"} {
		k, err := sm2.ParsePublicKey(vectors.Read(t, "openssl/"+name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		der, _ := sm2.MarshalPublicKey(k)
		if !bytes.Equal(der, wantPub) {
			t.Errorf("%s: different key", name)
		}
	}
	// Our SPKI encoding is byte-identical to openssl's.
	if !bytes.Equal(wantPub, vectors.ReadBase64(t, "openssl/sm2_pub.b64")) {
		t.Error("MarshalPublicKey differs from openssl's SPKI")
	}
	// Marshal → parse round trip of a generated key, private and public.
	g, err := sm2.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, err := sm2.MarshalPrivateKey(g)
	if err != nil {
		t.Fatal(err)
	}
	back, err := sm2.ParsePrivateKey([]byte(signing.EncodeBase64(der)))
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := sm2.Sign(back, []byte("u"), []byte("m"), sm2.Raw)
	if err := sm2.Verify(g.Public(), []byte("u"), []byte("m"), sig, sm2.Raw); err != nil {
		t.Fatal("re-parsed key signs differently")
	}
}

func TestParseKeyRejects(t *testing.T) {
	p256 := map[string][]byte{
		"p256 sec1":  vectors.Read(t, "openssl/p256_sec1.pem"),
		"p256 pkcs8": vectors.Read(t, "openssl/p256_pkcs8.pem"),
	}
	for name, in := range p256 {
		if _, err := sm2.ParsePrivateKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%s offered as SM2: %v", name, err)
		}
	}
	if _, err := sm2.ParsePublicKey(vectors.Read(t, "openssl/p256_pub.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("P-256 public key accepted as SM2")
	}
	if _, err := sm2.ParsePrivateKey(vectors.Read(t, "openssl/rsa_pkcs8.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("RSA key accepted as SM2")
	}
	if _, err := sm2.ParsePublicKey(vectors.Read(t, "openssl/rsa_pub.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("RSA public key accepted as SM2")
	}
	// Encrypted PEM is refused by the shared splitter, for SM2 as for RSA.
	for _, name := range []string{"rsa_encrypted_pkcs1.pem", "rsa_encrypted_pkcs8.pem"} {
		_, err := sm2.ParsePrivateKey(vectors.Read(t, "openssl/"+name))
		if !errors.Is(err, signing.ErrKeyInvalid) || !strings.Contains(err.Error(), "encrypted") {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, in := range vectors.BadKeys(t) {
		if _, err := sm2.ParsePrivateKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("sm2 private %s: %v", name, err)
		}
		if _, err := sm2.ParsePublicKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("sm2 public %s: %v", name, err)
		}
	}
}

// An SM2 PKCS#8 key whose embedded public point does not belong to its scalar
// is refused: the published demo key with the TL public point spliced in.
func TestParsePrivateKeyMismatchedPoint(t *testing.T) {
	der := vectors.ReadBase64(t, "published/allinpay_sm2_smutil_cus_key.b64")
	cusPub := vectors.ReadBase64(t, "published/allinpay_sm2_smutil_cus_pub.b64")
	tlPub := vectors.ReadBase64(t, "published/allinpay_sm2_tl_test_pub.b64")
	// The last 64 bytes of both are the point's X‖Y.
	spliced := append(bytes.Clone(der[:len(der)-64]), tlPub[len(tlPub)-64:]...)
	if !bytes.Equal(der[len(der)-64:], cusPub[len(cusPub)-64:]) {
		t.Fatal("test assumption: key ends with its public point")
	}
	if _, err := sm2.ParsePrivateKey([]byte(signing.EncodeBase64(spliced))); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Fatalf("spliced key accepted: %v", err)
	}
}

func TestMarshalNil(t *testing.T) {
	if _, err := sm2.MarshalPublicKey(nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if _, err := sm2.MarshalPrivateKey(nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	var k *sm2.PrivateKey
	if k.Public() != nil {
		t.Error("nil Public")
	}
}

// Errors never quote key material.
func TestKeyErrorsDoNotLeak(t *testing.T) {
	in := vectors.Read(t, "openssl/p256_pkcs8.pem")
	_, err := sm2.ParsePrivateKey(in)
	if err == nil {
		t.Fatal("accepted")
	}
	body := strings.Join(strings.Split(string(in), "\n")[1:3], "")
	if strings.Contains(err.Error(), body[:20]) || strings.ContainsAny(err.Error(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t.Fatalf("error leaks or is not lower-case: %v", err)
	}
}
