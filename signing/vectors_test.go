package signing_test

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

// Published vectors. Each names its source; none was computed by this package.

// allinpayExample is the string-to-sign example of the 收银宝 安全规范 (prodoc/1033).
const allinpayExample = "appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&version=11"

// Source: 007gzs/pyallinpay tests/test_utils.py test_rsa_signer / test_rsa_verify:
// SHA1withRSA of allinpayExample under the documented 1024-bit test key.
const allinpayExampleSig = "ce6EAOj4rhoBMJM5MJCNG4qQ/CVMTWkoRuSGpSzRAnD3U3V5QyHkQUEej2eZXRaa+qSbw2/IJJSPV0sPuAia1+" +
	"ccb7OnvxyZqkV9wQyimX6qAMz0K+UWFhQ5McCcQ/XsFhhezoVd5QgL7PtdvuK1AtjuzA3J9yzNmwuPssPnKnc="

func allinpayParams() []signing.Param {
	// Deliberately unsorted, with an empty value and the sign field, as a reply
	// or notification would arrive.
	return []signing.Param{
		{Key: "version", Value: "11"},
		{Key: "trxid", Value: "112094120001088317"},
		{Key: "sign", Value: "whatever"},
		{Key: "cusid", Value: "990581007426001"},
		{Key: "remark", Value: ""},
		{Key: "appid", Value: "00000051"},
		{Key: "signtype", Value: "RSA"},
		{Key: "randomstr", Value: "82712208"},
	}
}

var allinpayRule = signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}

func TestAllinpayRSAPublishedVector(t *testing.T) {
	got := string(allinpayRule.Build(allinpayParams(), nil))
	if got != allinpayExample {
		t.Fatalf("string to sign:\n got %s\nwant %s", got, allinpayExample)
	}
	key, err := signing.ParseRSAPrivateKey(vectors.Read(t, "published/allinpay_rsa1024_test_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signing.SignRSABase64(key, crypto.SHA1, []byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if sig != allinpayExampleSig {
		t.Fatalf("signature:\n got %s\nwant %s", sig, allinpayExampleSig)
	}
	pub, err := signing.ParseRSAPublicKey(vectors.Read(t, "published/allinpay_rsa1024_test_pub.b64"))
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(key.Public()) {
		t.Fatal("published public key does not match the published private key")
	}
	if err := signing.VerifyRSABase64(pub, crypto.SHA1, []byte(allinpayExample), allinpayExampleSig); err != nil {
		t.Fatalf("verify published signature: %v", err)
	}
	if err := signing.VerifyRSABase64(pub, crypto.SHA256, []byte(allinpayExample), allinpayExampleSig); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("SHA-256 must not verify a SHA-1 signature, got %v", err)
	}
	tampered := bytes.Replace([]byte(allinpayExample), []byte("version=11"), []byte("version=12"), 1)
	if err := signing.VerifyRSABase64(pub, crypto.SHA1, tampered, allinpayExampleSig); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("tampered message verified: %v", err)
	}
}

// Source: rinne-dev/payjs sign/sign_test.go and verify_test.go: the JSON
// {"test2": "hehe", "test": 123, "sign": "test"} with key "test_key" signs to
// B16319F0C3F2BBDA5CB8B4FFC9048A81. rinne keeps empty values and drops "sign".
func TestPAYJSRinneVector(t *testing.T) {
	params := []signing.Param{{Key: "test2", Value: "hehe"}, {Key: "test", Value: "123"}, {Key: "sign", Value: "test"}}
	const want = "B16319F0C3F2BBDA5CB8B4FFC9048A81"
	rinne := signing.MD5Signer{
		Rule:   signing.ParamRule{Exclude: []string{"sign"}, Placement: signing.KeyAppend},
		Secret: signing.NewSecret("test_key"),
		Case:   signing.Upper,
	}
	if got := rinne.Sign(params); got != want {
		t.Fatalf("rinne rule: got %s want %s", got, want)
	}
	// Our PHP array_filter rule gives the same here (no falsy values)...
	payjs := rinne
	payjs.Rule.Omit = signing.OmitPHPFalsy
	if got := payjs.Sign(params); got != want {
		t.Fatalf("payjs rule: got %s want %s", got, want)
	}
	if err := payjs.Verify(params, want); err != nil {
		t.Fatal(err)
	}
	// ...and differs from rinne's once an empty or "0" value is present: rinne
	// signs "a=&" and "hide=0&", PHP drops both.
	withFalsy := append(params[:3:3], signing.Param{Key: "a", Value: ""}, signing.Param{Key: "hide", Value: "0"})
	if got := payjs.Sign(withFalsy); got != want {
		t.Fatalf("payjs rule with falsy values: got %s want %s", got, want)
	}
	if got := rinne.Sign(withFalsy); got == want {
		t.Fatal("rinne's rule must sign empty values")
	}
	if got, want := string(rinne.Rule.Build(withFalsy, []byte("test_key"))), "a=&hide=0&test=123&test2=hehe&key=test_key"; got != want {
		t.Fatalf("rinne string %q want %q", got, want)
	}
	// rinne's verify test: a wrong signature is rejected.
	if err := payjs.Verify(params, "test"); !errors.Is(err, signing.ErrSignatureInvalid) {
		t.Fatalf("want ErrSignatureInvalid, got %v", err)
	}
}

// Source: wechatpay-apiv3/wechatpay-go utils/sign_test.go: SHA256withRSA of
// "source" under the SDK's test key. Verified here with the public key from
// utils/rsa_crypto_test.go (the private key is not copied into this repo).
func TestWeChatPaySignVector(t *testing.T) {
	const sig = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoV" +
		"z+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLl" +
		"i/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj" +
		"1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg=="
	for _, file := range []string{"published/wechatpay_test_pub.pem", "published/wechatpay_test_cert.pem"} {
		pub, err := signing.ParseRSAPublicKey(vectors.Read(t, file))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		v := signing.RSAVerifier{Key: pub, Hash: crypto.SHA256}
		if err := v.Verify([]byte("source"), vectors.Base64(t, sig)); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := signing.VerifyRSABase64(pub, crypto.SHA256, []byte("sourcE"), sig); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Fatalf("tampered: %v", err)
		}
		if err := signing.VerifyRSABase64(pub, crypto.SHA256, []byte("source"), "WECHATPAY/SIGNTEST/"+sig); !errors.Is(err, signing.ErrSignatureInvalid) {
			t.Fatalf("probe signature: %v", err)
		}
	}
	cert, err := signing.ParseCertificate(vectors.Read(t, "published/wechatpay_test_cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.Organization[0] != "Default Company Ltd" {
		t.Fatalf("subject %v", cert.Subject)
	}
}

// Source: wechatpay-apiv3/wechatpay-java AeadAesCipherTest.java with
// TestConfig.API_V3_KEY.
func TestWeChatPayJavaAEADVector(t *testing.T) {
	const key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
	a, err := signing.NewAESGCM([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	ct := vectors.Base64(t, "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=")
	pt, err := a.Open(nil, []byte("uluk4a9R25RW"), ct, []byte("associatedData"))
	if err != nil || string(pt) != "message" {
		t.Fatalf("open: %q %v", pt, err)
	}
	sealed, err := a.Seal(nil, []byte("uluk4a9R25RW"), []byte("message"), []byte("associatedData"))
	if err != nil || !bytes.Equal(sealed, ct) {
		t.Fatalf("seal: %x %v", sealed, err)
	}
	if _, err := a.Open(nil, []byte("uluk4a9R25RW"), ct, []byte("associatedDatA")); !errors.Is(err, signing.ErrDecrypt) {
		t.Fatalf("wrong aad: %v", err)
	}

	// TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE: a platform certificate encrypted
	// with the same key; it decrypts to a PEM certificate whose serial is the
	// response's serial_no.
	ct = vectors.ReadBase64(t, "published/wechatpay_java_certificate_ciphertext.b64")
	pt, err = signing.OpenAESGCM([]byte(key), []byte("14b16c03dc1b"), ct, []byte("certificate"))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := signing.ParseCertificate(pt)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(cert.SerialNumber.Bytes()); got != "5dea10ef55877e3cf6c33255c2e7defff7e427ec" {
		t.Fatalf("serial %s", got)
	}
}

// Source: wechatpay-apiv3/wechatpay-go utils/aes_test.go. Its API v3 key
// "testAPIv3Key0000" has 16 bytes (AES-128), which the Go SDK silently accepts.
// The vector is genuine (plain crypto/aes opens it) but NewAESGCM must refuse
// the key: a real APIv3 key has 32 bytes.
func TestWeChatPayGoAESVectorRejectsShortKey(t *testing.T) {
	key := []byte("testAPIv3Key0000")
	ct := vectors.Base64(t, "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC")
	nonce, aad := []byte("wCq51qZv4Yfg"), []byte("Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8")
	block, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(block)
	if pt, err := g.Open(nil, nonce, ct, aad); err != nil || string(pt) != "Hello World" {
		t.Fatalf("bare AES-128-GCM: %q %v", pt, err)
	}
	if _, err := signing.OpenAESGCM(key, nonce, ct, aad); !errors.Is(err, signing.ErrKeyInvalid) {
		t.Fatalf("16-byte key: want ErrKeyInvalid, got %v", err)
	}
}

// Source: the GCM specification (McGrew & Viega, "The Galois/Counter Mode of
// Operation", appendix B), AES-256 test cases 13-16, also in NIST's CAVP files.
func TestAESGCMSpecVectors(t *testing.T) {
	const (
		k1 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
		n1 = "cafebabefacedbaddecaf888"
		p  = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
		c  = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
		z  = "0000000000000000000000000000000000000000000000000000000000000000"
	)
	cases := []struct{ name, key, nonce, aad, pt, ct string }{
		{"case 13", z, z[:24], "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
		{"case 14", z, z[:24], "", z[:32], "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"},
		{"case 15", k1, n1, "", p + "1aafd255", c + "898015ad" + "b094dac5d93471bdec1a502270e3cc6c"},
		{"case 16", k1, n1, "feedfacedeadbeeffeedfacedeadbeefabaddad2", p, c + "76fc6ece0f4e1768cddf8853bb2d551b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
			a, err := signing.NewAESGCM(h(tc.key))
			if err != nil {
				t.Fatal(err)
			}
			pt, err := a.Open(nil, h(tc.nonce), h(tc.ct), h(tc.aad))
			if err != nil || !bytes.Equal(pt, h(tc.pt)) {
				t.Fatalf("open: %x %v", pt, err)
			}
			ct, err := a.Seal(nil, h(tc.nonce), h(tc.pt), h(tc.aad))
			if err != nil || !bytes.Equal(ct, h(tc.ct)) {
				t.Fatalf("seal: %x %v", ct, err)
			}
			bad := h(tc.ct)
			bad[len(bad)-1] ^= 1
			if _, err := a.Open(nil, h(tc.nonce), bad, h(tc.aad)); !errors.Is(err, signing.ErrDecrypt) {
				t.Fatalf("tampered tag: %v", err)
			}
		})
	}
}
