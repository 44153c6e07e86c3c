package signing_test

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"errors"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

// Fuzz targets for every decoder and verifier. Each checks that bad input gives
// an error of the documented kind and never a panic; the seeds are the real
// vectors from testdata plus edge cases. Run one with, for example,
//
//	go test ./signing/ -run '^$' -fuzz '^FuzzParseRSAPrivateKey$' -fuzztime 20s

func FuzzParseRSAPrivateKey(f *testing.F) {
	vectors.KeySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := signing.ParseRSAPrivateKey(data)
		vectors.CheckErr(t, err, signing.ErrKeyInvalid)
		if err == nil {
			// A key that loads can sign and verify.
			sig, err := signing.SignRSA(k, crypto.SHA256, data)
			if err != nil {
				t.Fatalf("loaded key cannot sign: %v", err)
			}
			if err := signing.VerifyRSA(k.Public(), crypto.SHA256, data, sig); err != nil {
				t.Fatalf("loaded key cannot verify: %v", err)
			}
		}
	})
}

func FuzzParseRSAPublicKey(f *testing.F) {
	vectors.KeySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := signing.ParseRSAPublicKey(data)
		vectors.CheckErr(t, err, signing.ErrKeyInvalid)
		if err == nil {
			if err := signing.VerifyRSA(k, crypto.SHA1, data, data); err == nil {
				t.Fatal("input verified as its own signature")
			}
		}
	})
}

func FuzzParseCertificate(f *testing.F) {
	vectors.KeySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := signing.ParseCertificate(data)
		vectors.CheckErr(t, err, signing.ErrKeyInvalid)
		if err == nil && c == nil {
			t.Fatal("nil certificate without error")
		}
	})
}

func FuzzVerifyMD5(f *testing.F) {
	sum := md5.Sum([]byte("mchid=123456&key=xxxxxx"))
	good := signing.MD5Hex(sum, signing.Upper)
	for _, s := range []string{good, strings.ToLower(good), "", "0", good[:31], good + "0", "ZZ" + good[2:], "é" + good[2:]} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, sig string, anyCase bool) {
		err := signing.VerifyMD5(sum, sig, signing.Upper, anyCase)
		vectors.CheckErr(t, err, signing.ErrSignatureInvalid)
		ok := sig == good || (anyCase && strings.EqualFold(sig, good))
		if (err == nil) != ok {
			t.Fatalf("sig %q anyCase=%v: err=%v, want ok=%v", sig, anyCase, err, ok)
		}
	})
}

func FuzzVerifyRSABase64(f *testing.F) {
	key, err := signing.ParseRSAPrivateKey(vectors.Read(f, "openssl/rsa_pkcs8.pem"))
	if err != nil {
		f.Fatal(err)
	}
	pub := key.Public()
	msg := vectors.Read(f, "openssl/msg_wechat.txt")
	f.Add(msg, strings.TrimSpace(string(vectors.Read(f, "openssl/msg_wechat.rsa_sha256.b64"))))
	f.Add(msg, "")
	f.Add(msg, "WECHATPAY/SIGNTEST/abc")
	f.Add([]byte(""), "AAAA")
	f.Add([]byte("x"), strings.Repeat("/", 344))
	f.Fuzz(func(t *testing.T, msg []byte, sig string) {
		err := signing.VerifyRSABase64(pub, crypto.SHA256, msg, sig)
		vectors.CheckErr(t, err, signing.ErrSignatureInvalid)
	})
}

func FuzzAESGCMOpen(f *testing.F) {
	key := []byte("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
	a, err := signing.NewAESGCM(key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("uluk4a9R25RW"), vectors.Base64(f, "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="), []byte("associatedData"))
	f.Add([]byte("uluk4a9R25R"), vectors.Base64(f, "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="), []byte("associatedData"))
	f.Add([]byte("uluk4a9R25RWx"), []byte("short"), []byte{})
	f.Add([]byte{}, []byte{}, []byte{})
	f.Add(make([]byte, 12), make([]byte, 15), []byte{})
	f.Add(make([]byte, 12), make([]byte, 16), []byte{})
	f.Fuzz(func(t *testing.T, nonce, ct, aad []byte) {
		pt, err := a.Open(nil, nonce, ct, aad)
		if err != nil {
			if !errors.Is(err, signing.ErrDecrypt) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if pt != nil {
				t.Fatal("plaintext returned with an error")
			}
			return
		}
		if string(pt) != "message" {
			t.Fatalf("forged ciphertext opened: %q", pt)
		}
		if _, err := signing.OpenAESGCM(key, nonce, ct, aad); err != nil {
			t.Fatal("OpenAESGCM disagrees with Open")
		}
	})
}

// FuzzParamRuleBuild decodes the fuzz input into params (pairs separated by
// '\n', key, path and value by '\t') and checks that Build does not panic, is
// deterministic, does not modify its input, does not depend on the order of
// distinct keys, and agrees with the MD5 signer.
func FuzzParamRuleBuild(f *testing.F) {
	f.Add("b\t\t2\na\t\t1\nsign\t\tx", uint8(1), "k")
	f.Add("user\t[name]\t\nuser\t[age]\t0\ntotal\t\t0\nz\t\t ", uint8(0x11), "secret")
	f.Add("mch_id\t\tM\npay_type\t\tw", uint8(0x2a), "")
	f.Add("key\t\tx\nkeyword\t\ty\nkex\t\tz", uint8(3), "K")
	f.Add("", uint8(0xff), "k")
	f.Add("\t\t\n\t\t\n", uint8(7), "=&")
	f.Fuzz(func(t *testing.T, in string, mode uint8, secret string) {
		var params []signing.Param
		if in != "" {
			for _, line := range strings.Split(in, "\n") {
				parts := strings.SplitN(line, "\t", 3)
				for len(parts) < 3 {
					parts = append(parts, "")
				}
				params = append(params, signing.Param{Key: parts[0], Path: parts[1], Value: parts[2]})
			}
		}
		rule := signing.ParamRule{Placement: signing.KeyPlacement(mode & 3)}
		switch (mode >> 2) & 3 {
		case 1:
			rule.Omit = signing.OmitEmpty
		case 2:
			rule.Omit = signing.OmitPHPFalsy
		}
		if mode&0x10 != 0 {
			rule.Exclude = []string{"sign", "sign_type"}
		}
		if mode&0x20 != 0 {
			rule.Fields = []string{"mch_id", "total_fee", "pay_type"}
		}
		if mode&0x40 != 0 {
			rule.KeyName = "secret"
		}
		orig := append([]signing.Param(nil), params...)
		out1 := rule.Build(params, []byte(secret))
		out2 := rule.Build(params, []byte(secret))
		if !bytes.Equal(out1, out2) {
			t.Fatalf("not deterministic: %q vs %q", out1, out2)
		}
		for i := range orig {
			if params[i] != orig[i] {
				t.Fatal("Build modified its input")
			}
		}
		// Reversing params changes nothing when keys are distinct.
		distinct := map[string]bool{}
		for _, p := range params {
			distinct[p.Key] = true
		}
		if len(distinct) == len(params) {
			rev := append([]signing.Param(nil), params...)
			for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
				rev[i], rev[j] = rev[j], rev[i]
			}
			if out3 := rule.Build(rev, []byte(secret)); !bytes.Equal(out1, out3) {
				t.Fatalf("order-dependent: %q vs %q", out1, out3)
			}
		}
		// Append onto a prefix is the prefix plus Build.
		if got := rule.Append([]byte("p:"), params, []byte(secret)); string(got) != "p:"+string(out1) {
			t.Fatalf("Append %q vs Build %q", got, out1)
		}
		s := signing.MD5Signer{Rule: rule, Secret: signing.NewSecret(secret), Case: signing.Upper}
		if got, want := s.Sum(params), md5.Sum(out1); got != want {
			t.Fatal("MD5Signer.Sum differs from md5 of Build")
		}
		if err := s.Verify(params, s.Sign(params)); err != nil {
			t.Fatal(err)
		}
	})
}
