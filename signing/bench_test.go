package signing_test

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

// Benchmarks pair each wrapper with the bare primitive it wraps, so the cost of
// the wrapper is visible: go test ./signing/ -run '^$' -bench . -benchmem

// benchParams is a typical PAYJS/Allinpay parameter set: already sorted, as
// ParamsFromValues returns it.
var benchParams = signing.ParamsFromMap(map[string]string{
	"appid": "00000051", "cusid": "990581007426001", "randomstr": "82712208", "signtype": "RSA",
	"trxid": "112094120001088317", "version": "11", "body": "测试 订单", "notify_url": "https://example.com/notify",
	"total_fee": "100", "attach": "", "hide": "0", "sign": "0123456789ABCDEF0123456789ABCDEF",
})

func BenchmarkMD5SignerSign(b *testing.B) {
	s := signing.MD5Signer{Rule: payjsRule, Secret: signing.NewSecret("xxxxxxxxxxxxxxxx"), Case: signing.Upper}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Sign(benchParams)
	}
}

func BenchmarkMD5SignerVerify(b *testing.B) {
	s := signing.MD5Signer{Rule: payjsRule, Secret: signing.NewSecret("xxxxxxxxxxxxxxxx"), Case: signing.Upper}
	sig := s.Sign(benchParams)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Verify(benchParams, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareMD5 is md5.Sum of the prebuilt string plus hex encoding: the
// floor for MD5Signer.Sign.
func BenchmarkBareMD5(b *testing.B) {
	str := payjsRule.Build(benchParams, []byte("xxxxxxxxxxxxxxxx"))
	b.ReportAllocs()
	for b.Loop() {
		sum := md5.Sum(str)
		_ = signing.MD5Hex(sum, signing.Upper)
	}
}

func BenchmarkParamRuleBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = payjsRule.Build(benchParams, []byte("xxxxxxxxxxxxxxxx"))
	}
}

func BenchmarkParamRuleAppendReuse(b *testing.B) {
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = payjsRule.Append(buf[:0], benchParams, []byte("xxxxxxxxxxxxxxxx"))
	}
}

func BenchmarkParamRuleBuildUnsorted(b *testing.B) {
	params := append([]signing.Param(nil), benchParams...)
	params[0], params[len(params)-1] = params[len(params)-1], params[0]
	b.ReportAllocs()
	for b.Loop() {
		_ = payjsRule.Build(params, []byte("xxxxxxxxxxxxxxxx"))
	}
}

func benchRSA(b *testing.B) *signing.RSAPrivateKey {
	k, err := signing.ParseRSAPrivateKey(vectors.Read(b, "openssl/rsa_pkcs8.pem"))
	if err != nil {
		b.Fatal(err)
	}
	return k
}

var benchMsg = []byte("POST\n/v3/merchant-service/complaints-v2/200201820200101080076610000/response\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"response_content\":\"已与用户沟通解决\"}\n")

func BenchmarkSignRSASHA256(b *testing.B) {
	k := benchRSA(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signing.SignRSA(k, crypto.SHA256, benchMsg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareRSASignPKCS1v15(b *testing.B) {
	k := benchRSA(b).Key()
	b.ReportAllocs()
	for b.Loop() {
		d := sha256.Sum256(benchMsg)
		if _, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, d[:]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRSABase64(b *testing.B) {
	k := benchRSA(b)
	sig, _ := signing.SignRSABase64(k, crypto.SHA256, benchMsg)
	pub := k.Public()
	b.ReportAllocs()
	for b.Loop() {
		if err := signing.VerifyRSABase64(pub, crypto.SHA256, benchMsg, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareRSAVerifyPKCS1v15 includes the Base64 decode, like the wrapper.
func BenchmarkBareRSAVerifyPKCS1v15(b *testing.B) {
	k := benchRSA(b)
	sig, _ := signing.SignRSABase64(k, crypto.SHA256, benchMsg)
	pub := k.Public()
	b.ReportAllocs()
	for b.Loop() {
		raw, _ := base64.StdEncoding.DecodeString(sig)
		d := sha256.Sum256(benchMsg)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], raw); err != nil {
			b.Fatal(err)
		}
	}
}

var benchAESKey = []byte("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")

func benchAES(b *testing.B) ([]byte, []byte, []byte) {
	nonce := []byte("uluk4a9R25RW")
	aad := []byte("transaction")
	a, _ := signing.NewAESGCM(benchAESKey)
	pt := make([]byte, 1024)
	ct, _ := a.Seal(nil, nonce, pt, aad)
	return nonce, ct, aad
}

func BenchmarkAESGCMOpen(b *testing.B) {
	a, _ := signing.NewAESGCM(benchAESKey)
	nonce, ct, aad := benchAES(b)
	dst := make([]byte, 0, len(ct))
	b.SetBytes(int64(len(ct)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Open(dst[:0], nonce, ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareAEADOpen(b *testing.B) {
	block, _ := aes.NewCipher(benchAESKey)
	g, _ := cipher.NewGCM(block)
	nonce, ct, aad := benchAES(b)
	dst := make([]byte, 0, len(ct))
	b.SetBytes(int64(len(ct)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Open(dst[:0], nonce, ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}
