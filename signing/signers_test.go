package signing_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

func TestMD5VerifyRejects(t *testing.T) {
	s := signing.MD5Signer{Rule: payjsRule, Secret: signing.NewSecret("k"), Case: signing.Upper}
	params := []signing.Param{{Key: "mchid", Value: "1"}}
	good := s.Sign(params)
	if len(good) != 32 || good != strings.ToUpper(good) {
		t.Fatalf("sign %q", good)
	}
	bad := map[string]string{
		"lower case":     strings.ToLower(good),
		"mixed case":     lowerFirstLetter(good),
		"short":          good[:31],
		"long":           good + "0",
		"empty":          "",
		"not hex":        "Z" + good[1:],
		"other digest":   md5Upper("x"),
		"spaces":         " " + good[1:],
		"probe":          "WECHATPAY/SIGNTEST/" + good,
		"multibyte":      "é" + good[2:],
		"tampered digit": flipHex(good),
	}
	for name, sig := range bad {
		if err := s.Verify(params, sig); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s: want ErrSignatureInvalid, got %v", name, err)
		}
	}
	// Other secret, other params.
	other := s
	other.Secret = signing.NewSecret("K")
	if err := other.Verify(params, good); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Error("other secret verified")
	}
	if err := s.Verify([]signing.Param{{Key: "mchid", Value: "2"}}, good); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Error("other params verified")
	}
	// AnyCase accepts any case, still not other lengths or digests.
	s.AnyCase = true
	for _, sig := range []string{good, strings.ToLower(good), lowerFirstLetter(good)} {
		if err := s.Verify(params, sig); err != nil {
			t.Errorf("AnyCase %s: %v", sig, err)
		}
	}
	if err := s.Verify(params, good[:31]); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Error("AnyCase accepted a short signature")
	}
	// Lower-case signer.
	l := signing.MD5Signer{Rule: payjsRule, Secret: signing.NewSecret("k"), Case: signing.Lower}
	if got := l.Sign(params); got != strings.ToLower(good) {
		t.Fatal(got)
	}
	if err := l.Verify(params, good); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Error("lower signer accepted upper case")
	}
	if l.Sum(params) != s.Sum(params) {
		t.Error("Sum depends on case")
	}
}

func lowerFirstLetter(s string) string {
	i := strings.IndexAny(s, "ABCDEF")
	if i < 0 {
		return s
	}
	return s[:i] + strings.ToLower(s[i:i+1]) + s[i+1:]
}

func flipHex(s string) string {
	b := []byte(s)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

func TestMD5HexCase(t *testing.T) {
	var sum [16]byte
	for i := range sum {
		sum[i] = byte(i * 17)
	}
	if got := signing.MD5Hex(sum, signing.Upper); got != "00112233445566778899AABBCCDDEEFF" {
		t.Fatal(got)
	}
	if got := signing.MD5Hex(sum, signing.Lower); got != "00112233445566778899aabbccddeeff" {
		t.Fatal(got)
	}
}

func TestRSARoundTripAndTamper(t *testing.T) {
	key := opensslRSAKey(t)
	msg := []byte("GET\n/v3/x\n1\nN\n\n")
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA512} {
		s := signing.RSASigner{Key: key, Hash: h}
		v := signing.RSAVerifier{Key: key.Public(), Hash: h}
		sig, err := s.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Verify(msg, sig); err != nil {
			t.Fatalf("%v: %v", h, err)
		}
		bad := bytes.Clone(sig)
		bad[len(bad)/2] ^= 1
		if err := v.Verify(msg, bad); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%v tampered signature: %v", h, err)
		}
		if err := v.Verify(append(bytes.Clone(msg), 'x'), sig); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%v tampered message: %v", h, err)
		}
		if err := v.Verify(msg, sig[:len(sig)-1]); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%v short signature: %v", h, err)
		}
		if err := v.Verify(msg, nil); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%v empty signature: %v", h, err)
		}
	}
	b64, err := signing.SignRSABase64(key, crypto.SHA256, msg)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "!!!", "WECHATPAY/SIGNTEST/" + b64, b64[:10]} {
		if err := signing.VerifyRSABase64(key.Public(), crypto.SHA256, msg, bad); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// Unpadded Base64 is accepted too.
	if err := signing.VerifyRSABase64(key.Public(), crypto.SHA256, msg, strings.TrimRight(b64, "=")); err != nil && strings.HasSuffix(b64, "=") {
		t.Errorf("unpadded: %v", err)
	}
}

func TestRSANilAndBadKeys(t *testing.T) {
	if _, err := signing.SignRSA(nil, crypto.SHA256, nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if err := signing.VerifyRSA(nil, crypto.SHA256, nil, nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if _, err := signing.NewRSAPrivateKey(nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	k := opensslRSAKey(t)
	broken := *k.Key()
	broken.D = big.NewInt(3)
	if _, err := signing.NewRSAPrivateKey(&broken); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Errorf("inconsistent key accepted: %v", err)
	}
	var nilKey *signing.RSAPrivateKey
	if nilKey.Public() != nil || nilKey.Key() != nil || nilKey.String() != "RSAPrivateKey(nil)" {
		t.Error("nil receiver")
	}
	if _, err := signing.EncryptOAEP(nil, []byte("x")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if _, err := signing.DecryptOAEP(nil, []byte("x")); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if _, err := signing.SignRSA(k, crypto.Hash(0), nil); err == nil {
		t.Error("hash 0 accepted")
	}
}

func TestOAEPRoundTrip(t *testing.T) {
	k := opensslRSAKey(t)
	ct, err := signing.EncryptOAEP(k.Public(), []byte("13800138000"))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := signing.DecryptOAEPBase64(k, signing.EncodeBase64(ct))
	if err != nil || string(pt) != "13800138000" {
		t.Fatalf("%q %v", pt, err)
	}
	other, err := signing.ParseRSAPrivateKey(vectors.Read(t, "published/allinpay_rsa1024_test_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signing.DecryptOAEP(other, ct); !errors.Is(err, signing.ErrDecrypt) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := signing.EncryptOAEP(k.Public(), make([]byte, 300)); err == nil {
		t.Fatal("oversized plaintext accepted")
	}
}

func TestAESGCMRejects(t *testing.T) {
	key := bytes.Repeat([]byte("k"), 32)
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := signing.NewAESGCM(make([]byte, n)); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("%d-byte key: %v", n, err)
		}
		if _, err := signing.OpenAESGCM(make([]byte, n), make([]byte, 12), make([]byte, 32), nil); !errors.Is(err, signing.ErrKeyInvalid) {
			t.Errorf("OpenAESGCM %d-byte key: %v", n, err)
		}
	}
	a, err := signing.NewAESGCM(key)
	if err != nil {
		t.Fatal(err)
	}
	nonce := []byte("0123456789ab")
	ct, err := a.Seal(nil, nonce, []byte(`{"complaint_id":"1"}`), []byte("certificate"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := a.Open(nil, nonce, ct, []byte("certificate")); err != nil || string(pt) != `{"complaint_id":"1"}` {
		t.Fatalf("round trip: %q %v", pt, err)
	}
	// Open appends to dst.
	if pt, err := a.Open([]byte("x"), nonce, ct, []byte("certificate")); err != nil || string(pt) != `x{"complaint_id":"1"}` {
		t.Fatalf("dst: %q %v", pt, err)
	}
	for _, n := range []int{0, 11, 13, 16} {
		if _, err := a.Open(nil, make([]byte, n), ct, nil); !errors.Is(err, signing.ErrDecrypt) {
			t.Errorf("%d-byte nonce: %v", n, err)
		}
		if _, err := a.Seal(nil, make([]byte, n), nil, nil); err == nil {
			t.Errorf("Seal with %d-byte nonce accepted", n)
		}
	}
	for _, n := range []int{0, 1, 15} {
		if _, err := a.Open(nil, nonce, make([]byte, n), nil); !errors.Is(err, signing.ErrDecrypt) {
			t.Errorf("%d-byte ciphertext: %v", n, err)
		}
	}
	// A bare tag (empty plaintext) is 16 bytes and fine when authentic.
	tagOnly, _ := a.Seal(nil, nonce, nil, nil)
	if pt, err := a.Open(nil, nonce, tagOnly, nil); err != nil || len(pt) != 0 {
		t.Errorf("empty plaintext: %v", err)
	}
	bad := bytes.Clone(ct)
	bad[len(bad)-1] ^= 0x01
	if _, err := a.Open(nil, nonce, bad, []byte("certificate")); !errors.Is(err, signing.ErrDecrypt) {
		t.Errorf("tampered tag: %v", err)
	}
	bad = bytes.Clone(ct)
	bad[0] ^= 0x01
	if _, err := a.Open(nil, nonce, bad, []byte("certificate")); !errors.Is(err, signing.ErrDecrypt) {
		t.Errorf("tampered ciphertext: %v", err)
	}
	if _, err := a.Open(nil, nonce, ct, nil); !errors.Is(err, signing.ErrDecrypt) {
		t.Errorf("missing aad: %v", err)
	}
	other, _ := signing.NewAESGCM(bytes.Repeat([]byte("K"), 32))
	if _, err := other.Open(nil, nonce, ct, []byte("certificate")); !errors.Is(err, signing.ErrDecrypt) {
		t.Errorf("wrong key: %v", err)
	}
	var nilA *signing.AESGCM
	if _, err := nilA.Open(nil, nonce, ct, nil); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Errorf("nil AESGCM: %v", err)
	}
}

func TestSecret(t *testing.T) {
	s := signing.NewSecret("abc")
	if string(s.Bytes()) != "abc" || s.Len() != 3 || s.IsZero() {
		t.Fatal("accessors")
	}
	if !s.Equal(signing.NewSecret("abc")) || s.Equal(signing.NewSecret("abd")) || s.Equal(signing.Secret{}) {
		t.Fatal("Equal")
	}
	var zero signing.Secret
	if !zero.IsZero() || zero.Bytes() != nil || zero.Len() != 0 {
		t.Fatal("zero value")
	}
	if _, err := rand.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
}

// NewSecret takes strings and byte slices, and named types of either, and
// keeps its own copy of the bytes.
func TestNewSecretFromStringOrBytes(t *testing.T) {
	type apiKey string
	type rawKey []byte
	fromString := signing.NewSecret("0123456789abcdef")
	for name, s := range map[string]signing.Secret{
		"[]byte":       signing.NewSecret([]byte("0123456789abcdef")),
		"named string": signing.NewSecret(apiKey("0123456789abcdef")),
		"named []byte": signing.NewSecret(rawKey("0123456789abcdef")),
	} {
		if !s.Equal(fromString) || string(s.Bytes()) != "0123456789abcdef" || s.Len() != 16 {
			t.Errorf("%s: %q", name, s.Bytes())
		}
	}

	// A later change to the caller's slice, or clearing it, leaves the Secret
	// as it was.
	b := []byte("0123456789abcdef")
	s := signing.NewSecret(b)
	b[0] = 'X'
	clear(b[1:])
	if string(s.Bytes()) != "0123456789abcdef" {
		t.Fatalf("secret follows the caller's slice: %q", s.Bytes())
	}
	// And the Secret's bytes are not the caller's array even before any change.
	if b2 := []byte("k"); &signing.NewSecret(b2).Bytes()[0] == &b2[0] {
		t.Fatal("secret shares the caller's array")
	}

	// Empty and nil input are an empty Secret, as "" is.
	for name, s := range map[string]signing.Secret{
		"nil":        signing.NewSecret([]byte(nil)),
		"empty":      signing.NewSecret([]byte{}),
		"empty \"\"": signing.NewSecret(""),
	} {
		if !s.IsZero() || s.Len() != 0 || !s.Equal(signing.Secret{}) {
			t.Errorf("%s: not empty", name)
		}
	}
}

// DERBlocks splits PEM bundles block by block, in order, and unwraps bare
// Base64 and binary DER into one candidate.
func TestDERBlocks(t *testing.T) {
	pub := vectors.Read(t, "openssl/rsa_pub.pem")
	cert := vectors.Read(t, "openssl/rsa_cert.pem")
	pubDER := vectors.ReadBase64(t, "openssl/rsa_pub.b64")
	certDER := vectors.ReadBase64(t, "openssl/rsa_cert.b64")
	blocks, err := signing.DERBlocks(append(append([]byte("comment\n"), pub...), cert...))
	if err != nil || len(blocks) != 2 || !bytes.Equal(blocks[0], pubDER) || !bytes.Equal(blocks[1], certDER) {
		t.Fatalf("bundle: %d blocks, %v", len(blocks), err)
	}
	for name, in := range map[string][]byte{
		"base64": vectors.Read(t, "openssl/rsa_pub.b64"),
		"binary": pubDER,
	} {
		blocks, err := signing.DERBlocks(in)
		if err != nil || len(blocks) != 1 || !bytes.Equal(blocks[0], pubDER) {
			t.Errorf("%s: %d blocks, %v", name, len(blocks), err)
		}
	}
	// What is not even PEM, Base64 or DER fails here, before any parser runs
	// (the other bad keys split fine and fail in the parsers).
	bad := vectors.BadKeys(t)
	for _, name := range []string{"empty", "spaces", "not base64", "bad pem", "half pem"} {
		if blocks, err := signing.DERBlocks(bad[name]); !errors.Is(err, signing.ErrKeyInvalid) || blocks != nil {
			t.Errorf("%s: %d blocks, %v", name, len(blocks), err)
		}
	}
	_, err = signing.DERBlocks(vectors.Read(t, "openssl/rsa_encrypted_pkcs8.pem"))
	if !errors.Is(err, signing.ErrKeyInvalid) || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("encrypted pem: %v", err)
	}
}
