package signing_test

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

func TestParseRSAPrivateKeyFormats(t *testing.T) {
	want := opensslRSAKey(t).Key()
	pemPKCS8 := vectors.Read(t, "openssl/rsa_pkcs8.pem")
	// PKCS#8 DER wrapped as "RSA PRIVATE KEY" (common in PHP Allinpay code).
	mislabelled := bytes.ReplaceAll(pemPKCS8, []byte("PRIVATE KEY"), []byte("RSA PRIVATE KEY"))
	// Bare Base64 with line breaks, as pasted from a console.
	b64 := string(vectors.Read(t, "openssl/rsa_pkcs8.b64"))
	var wrapped strings.Builder
	for i := 0; i < len(b64); i += 64 {
		wrapped.WriteString(b64[i:min(i+64, len(b64))] + "\r\n")
	}
	inputs := map[string][]byte{
		"pkcs8 pem":           pemPKCS8,
		"pkcs1 pem":           vectors.Read(t, "openssl/rsa_pkcs1.pem"),
		"pkcs8 base64":        vectors.Read(t, "openssl/rsa_pkcs8.b64"),
		"pkcs1 base64":        vectors.Read(t, "openssl/rsa_pkcs1.b64"),
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
		k, err := signing.ParseRSAPublicKey(vectors.Read(t, "openssl/"+name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !k.Equal(want) {
			t.Errorf("%s: different key", name)
		}
	}
	for _, name := range []string{"rsa_cert.pem", "rsa_cert.b64"} {
		c, err := signing.ParseCertificate(vectors.Read(t, "openssl/"+name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Subject.CommonName != "tousu openssl test" || !c.PublicKey.(*rsa.PublicKey).Equal(want) {
			t.Errorf("%s: %v", name, c.Subject)
		}
	}
	// A bundle: the first certificate wins; a key before it is skipped.
	bundle := append(vectors.Read(t, "openssl/rsa_pub.pem"), vectors.Read(t, "openssl/rsa_cert.pem")...)
	if _, err := signing.ParseCertificate(bundle); err != nil {
		t.Errorf("bundle: %v", err)
	}
}

func TestParseBinaryDER(t *testing.T) {
	der := vectors.ReadBase64(t, "openssl/rsa_pkcs8.b64")
	k, err := signing.ParseRSAPrivateKey(der)
	if err != nil || !k.Key().Equal(opensslRSAKey(t).Key()) {
		t.Fatalf("binary pkcs#8: %v", err)
	}
	if _, err := signing.ParseRSAPublicKey(vectors.ReadBase64(t, "openssl/rsa_pub.b64")); err != nil {
		t.Fatalf("binary spki: %v", err)
	}
	if _, err := signing.ParseCertificate(vectors.ReadBase64(t, "openssl/rsa_cert.b64")); err != nil {
		t.Fatalf("binary certificate: %v", err)
	}
	// Binary that is not DER is still rejected.
	if _, err := signing.ParseRSAPrivateKey([]byte{0x30, 0xff, 0x00}); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Fatal(err)
	}
}

func TestParseKeyRejects(t *testing.T) {
	for _, name := range []string{"ed25519.pem", "p256_pkcs8.pem", "p256_sec1.pem", "sm2_pkcs8.pem", "rsa_encrypted_pkcs1.pem", "rsa_encrypted_pkcs8.pem", "rsa_pub.pem"} {
		if _, err := signing.ParseRSAPrivateKey(vectors.Read(t, "openssl/"+name)); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%s accepted as RSA private key: %v", name, err)
		}
	}
	for _, name := range []string{"ed25519_pub.pem", "p256_pub.pem", "sm2_pub.pem", "rsa_pkcs8.pem"} {
		if _, err := signing.ParseRSAPublicKey(vectors.Read(t, "openssl/"+name)); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%s accepted as RSA public key: %v", name, err)
		}
	}
	if _, err := signing.ParseCertificate(vectors.Read(t, "openssl/rsa_pub.pem")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error("public key accepted as certificate")
	}
	// Encrypted PEM says so.
	for _, name := range []string{"rsa_encrypted_pkcs1.pem", "rsa_encrypted_pkcs8.pem"} {
		_, err := signing.ParseRSAPrivateKey(vectors.Read(t, "openssl/"+name))
		if err == nil || !strings.Contains(err.Error(), "encrypted") {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, in := range vectors.BadKeys(t) {
		if _, err := signing.ParseRSAPrivateKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("rsa private %s: %v", name, err)
		}
		if _, err := signing.ParseRSAPublicKey(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("rsa public %s: %v", name, err)
		}
		if _, err := signing.ParseCertificate(in); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("certificate %s: %v", name, err)
		}
	}
}
