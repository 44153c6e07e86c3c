package signing_test

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
)

func TestParseRSAPrivateKeyFormats(t *testing.T) {
	want := opensslRSAKey(t).Key()
	pemPKCS8 := testdata(t, "openssl/rsa_pkcs8.pem")
	// PKCS#8 DER wrapped as "RSA PRIVATE KEY" (common in PHP Allinpay code).
	mislabelled := bytes.ReplaceAll(pemPKCS8, []byte("PRIVATE KEY"), []byte("RSA PRIVATE KEY"))
	// Bare Base64 with line breaks, as pasted from a console.
	b64 := string(testdata(t, "openssl/rsa_pkcs8.b64"))
	var wrapped strings.Builder
	for i := 0; i < len(b64); i += 64 {
		wrapped.WriteString(b64[i:min(i+64, len(b64))] + "\r\n")
	}
	inputs := map[string][]byte{
		"pkcs8 pem":           pemPKCS8,
		"pkcs1 pem":           testdata(t, "openssl/rsa_pkcs1.pem"),
		"pkcs8 base64":        testdata(t, "openssl/rsa_pkcs8.b64"),
		"pkcs1 base64":        testdata(t, "openssl/rsa_pkcs1.b64"),
		"pkcs8 mislabelled":   mislabelled,
		"base64 wrapped":      []byte(wrapped.String()),
		"pem after text":      append([]byte("Bag Attributes\n    localKeyID: 01\n"), pemPKCS8...),
		"pem with whitespace": append(append([]byte("\n\t "), pemPKCS8...), "\n\n"...),
	}
	for name, in := range inputs {
		k, err := signing.ParseRSAPrivateKey(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !k.Key().Equal(want) {
			t.Errorf("%s: different key", name)
		}
	}
}

func TestParseRSAPublicKeyFormats(t *testing.T) {
	want := opensslRSAKey(t).Public()
	for _, name := range []string{"rsa_pub.pem", "rsa_pub_pkcs1.pem", "rsa_pub.b64", "rsa_cert.pem", "rsa_cert.b64"} {
		k, err := signing.ParseRSAPublicKey(testdata(t, "openssl/"+name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !k.Equal(want) {
			t.Errorf("%s: different key", name)
		}
	}
	for _, name := range []string{"rsa_cert.pem", "rsa_cert.b64"} {
		c, err := signing.ParseCertificate(testdata(t, "openssl/"+name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Subject.CommonName != "tousu openssl test" || !c.PublicKey.(*rsa.PublicKey).Equal(want) {
			t.Errorf("%s: %v", name, c.Subject)
		}
	}
	// A bundle: the first certificate wins; a key before it is skipped.
	bundle := append(testdata(t, "openssl/rsa_pub.pem"), testdata(t, "openssl/rsa_cert.pem")...)
	if _, err := signing.ParseCertificate(bundle); err != nil {
		t.Errorf("bundle: %v", err)
	}
}

func TestParseBinaryDER(t *testing.T) {
	der := testdataB64(t, "openssl/rsa_pkcs8.b64")
	k, err := signing.ParseRSAPrivateKey(der)
	if err != nil || !k.Key().Equal(opensslRSAKey(t).Key()) {
		t.Fatalf("binary pkcs#8: %v", err)
	}
	if _, err := signing.ParseRSAPublicKey(testdataB64(t, "openssl/rsa_pub.b64")); err != nil {
		t.Fatalf("binary spki: %v", err)
	}
	if _, err := signing.ParseCertificate(testdataB64(t, "openssl/rsa_cert.b64")); err != nil {
		t.Fatalf("binary certificate: %v", err)
	}
	if _, err := signing.ParseSM2PrivateKey(testdataB64(t, "openssl/sm2_pkcs8.b64")); err != nil {
		t.Fatalf("binary sm2 pkcs#8: %v", err)
	}
	if _, err := signing.ParseSM2PublicKey(testdataB64(t, "openssl/sm2_pub.b64")); err != nil {
		t.Fatalf("binary sm2 spki: %v", err)
	}
	// Binary that is not DER is still rejected.
	if _, err := signing.ParseRSAPrivateKey([]byte{0x30, 0xff, 0x00}); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Fatal(err)
	}
}

func TestParseSM2KeyFormats(t *testing.T) {
	want := opensslSM2Key(t)
	wantPub, err := signing.MarshalSM2PublicKey(want.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sm2_pkcs8.pem", "sm2_pkcs8.b64", "sm2_sec1.pem"} {
		k, err := signing.ParseSM2PrivateKey(testdata(t, "openssl/"+name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		pub, _ := signing.MarshalSM2PublicKey(k.Public())
		if !bytes.Equal(pub, wantPub) {
			t.Errorf("%s: different key", name)
		}
	}
	for _, name := range []string{"sm2_pub.pem", "sm2_pub.b64"} {
		k, err := signing.ParseSM2PublicKey(testdata(t, "openssl/"+name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		der, _ := signing.MarshalSM2PublicKey(k)
		if !bytes.Equal(der, wantPub) {
			t.Errorf("%s: different key", name)
		}
	}
	// Our SPKI encoding is byte-identical to openssl's.
	if !bytes.Equal(wantPub, testdataB64(t, "openssl/sm2_pub.b64")) {
		t.Error("MarshalSM2PublicKey differs from openssl's SPKI")
	}
	// Marshal → parse round trip of a generated key, private and public.
	g, err := signing.GenerateSM2Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, err := signing.MarshalSM2PrivateKey(g)
	if err != nil {
		t.Fatal(err)
	}
	back, err := signing.ParseSM2PrivateKey([]byte(signing.EncodeBase64(der)))
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := signing.SignSM2(back, []byte("u"), []byte("m"), signing.SM2Raw)
	if err := signing.VerifySM2(g.Public(), []byte("u"), []byte("m"), sig, signing.SM2Raw); err != nil {
		t.Fatal("re-parsed key signs differently")
	}
}

func TestParseKeyRejects(t *testing.T) {
	p256 := map[string][]byte{
		"p256 sec1":  testdata(t, "openssl/p256_sec1.pem"),
		"p256 pkcs8": testdata(t, "openssl/p256_pkcs8.pem"),
	}
	for name, in := range p256 {
		if _, err := signing.ParseSM2PrivateKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%s offered as SM2: %v", name, err)
		}
	}
	if _, err := signing.ParseSM2PublicKey(testdata(t, "openssl/p256_pub.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("P-256 public key accepted as SM2")
	}
	if _, err := signing.ParseSM2PrivateKey(testdata(t, "openssl/rsa_pkcs8.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("RSA key accepted as SM2")
	}
	if _, err := signing.ParseSM2PublicKey(testdata(t, "openssl/rsa_pub.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("RSA public key accepted as SM2")
	}
	for _, name := range []string{"ed25519.pem", "p256_pkcs8.pem", "p256_sec1.pem", "sm2_pkcs8.pem", "rsa_encrypted_pkcs1.pem", "rsa_encrypted_pkcs8.pem", "rsa_pub.pem"} {
		if _, err := signing.ParseRSAPrivateKey(testdata(t, "openssl/"+name)); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%s accepted as RSA private key: %v", name, err)
		}
	}
	for _, name := range []string{"ed25519_pub.pem", "p256_pub.pem", "sm2_pub.pem", "rsa_pkcs8.pem"} {
		if _, err := signing.ParseRSAPublicKey(testdata(t, "openssl/"+name)); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%s accepted as RSA public key: %v", name, err)
		}
	}
	if _, err := signing.ParseCertificate(testdata(t, "openssl/rsa_pub.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("public key accepted as certificate")
	}
	// Encrypted PEM says so.
	for _, name := range []string{"rsa_encrypted_pkcs1.pem", "rsa_encrypted_pkcs8.pem"} {
		_, err := signing.ParseRSAPrivateKey(testdata(t, "openssl/"+name))
		if err == nil || !strings.Contains(err.Error(), "encrypted") {
			t.Errorf("%s: %v", name, err)
		}
	}
	garbage := map[string][]byte{
		"empty":         nil,
		"spaces":        []byte(" \n\t"),
		"not base64":    []byte("this is not a key!"),
		"base64 junk":   []byte("aGVsbG8gd29ybGQ="),
		"bad pem":       []byte("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n"),
		"pem junk":      []byte("-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n"),
		"truncated":     testdata(t, "openssl/rsa_pkcs8.b64")[:100],
		"half pem":      testdata(t, "openssl/sm2_pkcs8.pem")[:60],
		"sm2 off curve": offCurve(t),
		"sm2 bad pt":    bytes.Replace(testdataB64(t, "openssl/sm2_pub.b64"), []byte{0x04}, []byte{0x02}, 1),
		"sm2 pub junk":  []byte(signing.EncodeBase64(append(testdataB64(t, "openssl/sm2_pub.b64")[:40], make([]byte, 51)...))),
	}
	for name, in := range garbage {
		if _, err := signing.ParseRSAPrivateKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("rsa private %s: %v", name, err)
		}
		if _, err := signing.ParseRSAPublicKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("rsa public %s: %v", name, err)
		}
		if _, err := signing.ParseCertificate(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("certificate %s: %v", name, err)
		}
		if _, err := signing.ParseSM2PrivateKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("sm2 private %s: %v", name, err)
		}
		if _, err := signing.ParseSM2PublicKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("sm2 public %s: %v", name, err)
		}
	}
}

func offCurve(t *testing.T) []byte {
	der := testdataB64(t, "openssl/sm2_pub.b64")
	der[len(der)-1] ^= 1 // Y changes, X stays: no longer on the curve
	return []byte(signing.EncodeBase64(der))
}

// An SM2 PKCS#8 key whose embedded public point does not belong to its scalar
// is refused: the published demo key with the TL public point spliced in.
func TestParseSM2PrivateKeyMismatchedPoint(t *testing.T) {
	der := testdataB64(t, "published/allinpay_sm2_smutil_cus_key.b64")
	cusPub := testdataB64(t, "published/allinpay_sm2_smutil_cus_pub.b64")
	tlPub := testdataB64(t, "published/allinpay_sm2_tl_test_pub.b64")
	// The last 64 bytes of both are the point's X‖Y.
	spliced := append(bytes.Clone(der[:len(der)-64]), tlPub[len(tlPub)-64:]...)
	if !bytes.Equal(der[len(der)-64:], cusPub[len(cusPub)-64:]) {
		t.Fatal("test assumption: key ends with its public point")
	}
	if _, err := signing.ParseSM2PrivateKey([]byte(signing.EncodeBase64(spliced))); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Fatalf("spliced key accepted: %v", err)
	}
}

func TestMarshalNil(t *testing.T) {
	if _, err := signing.MarshalSM2PublicKey(nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if _, err := signing.MarshalSM2PrivateKey(nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	var k *signing.SM2PrivateKey
	if k.Public() != nil {
		t.Error("nil Public")
	}
}

// Errors never quote key material.
func TestKeyErrorsDoNotLeak(t *testing.T) {
	in := testdata(t, "openssl/p256_pkcs8.pem")
	_, err := signing.ParseSM2PrivateKey(in)
	if err == nil {
		t.Fatal("accepted")
	}
	body := strings.Join(strings.Split(string(in), "\n")[1:3], "")
	if strings.Contains(err.Error(), body[:20]) || strings.ContainsAny(err.Error(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t.Fatalf("error leaks or is not lower-case: %v", err)
	}
}
