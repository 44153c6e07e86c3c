package signing_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
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
	other, err := signing.ParseRSAPrivateKey(testdata(t, "published/allinpay_rsa1024_test_key.b64"))
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

func TestSM2RoundTripsAndUID(t *testing.T) {
	priv, err := signing.GenerateSM2Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("appid=00000051&randomstr=1&signtype=SM2")
	uid := []byte("00000051")
	for _, enc := range []signing.SM2Encoding{signing.SM2Raw, signing.SM2DER} {
		s := signing.SM2Signer{Key: priv, UID: uid, Encoding: enc}
		v := signing.SM2Verifier{Key: priv.Public(), UID: uid, Encoding: enc}
		sig, err := s.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if enc == signing.SM2Raw && len(sig) != 64 {
			t.Fatalf("raw signature has %d bytes", len(sig))
		}
		if err := v.Verify(msg, sig); err != nil {
			t.Fatalf("enc %d: %v", enc, err)
		}
		sig2, _ := s.Sign(msg)
		if bytes.Equal(sig, sig2) {
			t.Error("SM2 signatures should be randomised")
		}
		if err := v.Verify(append(bytes.Clone(msg), '&'), sig); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("tampered message: %v", err)
		}
		bad := bytes.Clone(sig)
		bad[len(bad)-1] ^= 1
		if err := v.Verify(msg, bad); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("tampered signature: %v", err)
		}
		for _, wrong := range [][]byte{signing.SM2DefaultUID, []byte("Allinpay"), []byte("00000052")} {
			if err := signing.VerifySM2(priv.Public(), wrong, msg, sig, enc); !errors.Is(err, signing.ErrSignatureInvalid) {
				t.Errorf("uid %q: %v", wrong, err)
			}
		}
		// Empty uid: never the silent default.
		if _, err := signing.SignSM2(priv, nil, msg, enc); !errors.Is(err, signing.ErrNoUID) {
			t.Errorf("sign with nil uid: %v", err)
		}
		if _, err := signing.SignSM2(priv, []byte{}, msg, enc); !errors.Is(err, signing.ErrNoUID) {
			t.Errorf("sign with empty uid: %v", err)
		}
		if err := signing.VerifySM2(priv.Public(), nil, msg, sig, enc); !errors.Is(err, signing.ErrNoUID) {
			t.Errorf("verify with empty uid: %v", err)
		}
		// Oversized uid is an error, not a wrapped-around length.
		if _, err := signing.SignSM2(priv, make([]byte, signing.SM2MaxUIDLen+1), msg, enc); err == nil {
			t.Error("oversized uid accepted")
		}
	}
	// An explicit default uid works where really meant.
	sig, err := signing.SignSM2(priv, signing.SM2DefaultUID, msg, signing.SM2DER)
	if err != nil {
		t.Fatal(err)
	}
	if err := signing.VerifySM2(priv.Public(), signing.SM2DefaultUID, msg, sig, signing.SM2DER); err != nil {
		t.Fatal(err)
	}
	if _, err := signing.SignSM2(priv, uid, msg, signing.SM2Encoding(9)); err == nil {
		t.Error("unknown encoding accepted")
	}
	if err := signing.VerifySM2(priv.Public(), uid, msg, sig, signing.SM2Encoding(9)); err == nil {
		t.Error("unknown encoding accepted")
	}
	if _, err := signing.SignSM2(nil, uid, msg, signing.SM2Raw); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
	if err := signing.VerifySM2(nil, uid, msg, sig, signing.SM2Raw); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Error(err)
	}
}

// TestSM2RawLeadingZero signs until r or s has a leading zero byte, then checks
// the raw form is still 64 bytes (left-padded) and verifies, and that its DER
// form is shorter (DER drops the zero).
func TestSM2RawLeadingZero(t *testing.T) {
	priv := opensslSM2Key(t)
	uid := []byte("Allinpay")
	found := false
	for i := 0; i < 4000 && !found; i++ {
		msg := []byte{byte(i), byte(i >> 8)}
		sig, err := signing.SignSM2(priv, uid, msg, signing.SM2Raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 64 {
			t.Fatalf("raw signature has %d bytes", len(sig))
		}
		if sig[0] != 0 && sig[32] != 0 {
			continue
		}
		found = true
		if err := signing.VerifySM2(priv.Public(), uid, msg, sig, signing.SM2Raw); err != nil {
			t.Fatalf("leading-zero signature rejected: %v", err)
		}
		der, err := signing.SM2RawToDER(sig)
		if err != nil {
			t.Fatal(err)
		}
		var v struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &v); err != nil {
			t.Fatal(err)
		}
		if (sig[0] == 0 && v.R.BitLen() > 248) || (sig[32] == 0 && v.S.BitLen() > 248) {
			t.Fatal("leading zero lost")
		}
		back, err := signing.SM2DERToRaw(der)
		if err != nil || !bytes.Equal(back, sig) {
			t.Fatal("DER→raw did not restore the padding")
		}
	}
	if !found {
		t.Fatal("no leading-zero signature in 4000 tries (expected about 1 in 128)")
	}
	// Constructed: r = 1 (31 zero bytes) through SM2DERToRaw.
	der, _ := asn1.Marshal(struct{ R, S *big.Int }{big.NewInt(1), big.NewInt(0x0102)})
	raw, err := signing.SM2DERToRaw(der)
	if err != nil || len(raw) != 64 || raw[31] != 1 || raw[62] != 1 || raw[63] != 2 {
		t.Fatalf("%x %v", raw, err)
	}
}

func TestSM2ConversionRejects(t *testing.T) {
	for name, der := range map[string][]byte{
		"empty":    nil,
		"garbage":  []byte("not der"),
		"trailing": append(mustMarshal(t, big.NewInt(1), big.NewInt(1)), 0),
		"negative": mustMarshal(t, big.NewInt(-1), big.NewInt(1)),
		"too big":  mustMarshal(t, new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)),
	} {
		if _, err := signing.SM2DERToRaw(der); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, n := range []int{0, 63, 65} {
		if _, err := signing.SM2RawToDER(make([]byte, n)); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("raw of %d bytes: %v", n, err)
		}
	}
	// r or s zero, or >= n, never verify.
	pub := opensslSM2Key(t).Public()
	n, _ := new(big.Int).SetString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
	for name, rs := range map[string][2]*big.Int{
		"zero r": {big.NewInt(0), big.NewInt(1)}, "zero s": {big.NewInt(1), big.NewInt(0)},
		"r = n": {n, big.NewInt(1)}, "s = n": {big.NewInt(1), n},
	} {
		if err := signing.VerifySM2(pub, []byte("u"), nil, mustMarshal(t, rs[0], rs[1]), signing.SM2DER); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s: %v", name, err)
		}
		raw := make([]byte, 64)
		rs[0].FillBytes(raw[:32])
		rs[1].FillBytes(raw[32:])
		if err := signing.VerifySM2(pub, []byte("u"), nil, raw, signing.SM2Raw); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Errorf("%s raw: %v", name, err)
		}
	}
}

func mustMarshal(t *testing.T, r, s *big.Int) []byte {
	t.Helper()
	b, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		t.Fatal(err)
	}
	return b
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
