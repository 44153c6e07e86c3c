package signing_test

import (
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"

	"github.com/tousu-go/tousu/signing"
)

// PAYJS: PHP array_filter drops "" and "0", keys are sorted, values are raw, the
// secret is appended as &key=, and the MD5 is upper case.
func ExampleMD5Signer_payjs() {
	signer := signing.MD5Signer{
		Rule:   signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitPHPFalsy, Placement: signing.KeyAppend},
		Secret: signing.NewSecret("xxxxxx"),
		Case:   signing.Upper,
	}
	params := []signing.Param{{Key: "mchid", Value: "123456"}, {Key: "hide", Value: "0"}}
	fmt.Println(string(signer.Rule.Build(params, []byte("xxxxxx"))))
	sig := signer.Sign(params)
	fmt.Println(sig)
	fmt.Println(signer.Verify(params, sig))
	// Output:
	// mchid=123456&key=xxxxxx
	// FE9AA5E95BDAB30273D0E55060B6E30A
	// <nil>
}

// Allinpay: every non-empty field except sign, sorted, no secret; the string is
// then signed with RSA (SHA-1) or SM2 (package signing/sm2).
func ExampleParamRule_allinpay() {
	form := url.Values{
		"appid": {"00000051"}, "cusid": {"990581007426001"}, "randomstr": {"82712208"}, "signtype": {"RSA"},
		"trxid": {"112094120001088317"}, "version": {"11"}, "remark": {""}, "sign": {"..."},
	}
	rule := signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}
	fmt.Println(string(rule.Build(signing.ParamsFromValues(form), nil)))
	// Output:
	// appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&version=11
}

// 畅想 v3 payment callbacks sign a fixed field order, lower-case MD5.
func ExampleParamRule_changxiang() {
	rule := signing.ParamRule{
		Fields:    []string{"mch_id", "total_fee", "result_code", "trade_no", "out_trade_no", "time_end", "pay_type"},
		Placement: signing.KeyAppend,
	}
	params := signing.ParamsFromMap(map[string]string{
		"pay_type": "alipay", "mch_id": "10001", "total_fee": "100", "result_code": "SUCCESS",
		"trade_no": "T1", "out_trade_no": "O1", "time_end": "20240101120000", "cards": "ignored",
	})
	fmt.Println(string(rule.Build(params, []byte("SECRET"))))
	// Output:
	// mch_id=10001&total_fee=100&result_code=SUCCESS&trade_no=T1&out_trade_no=O1&time_end=20240101120000&pay_type=alipay&key=SECRET
}

// Verifying an Allinpay RSA signature: the published example of the 收银宝
// security spec.
func ExampleVerifyRSABase64() {
	pubKey, err := os.ReadFile("testdata/published/allinpay_rsa1024_test_pub.b64")
	if err != nil {
		panic(err)
	}
	pub, err := signing.ParseRSAPublicKey(pubKey)
	if err != nil {
		panic(err)
	}
	msg := []byte("appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&version=11")
	sig := "ce6EAOj4rhoBMJM5MJCNG4qQ/CVMTWkoRuSGpSzRAnD3U3V5QyHkQUEej2eZXRaa+qSbw2/IJJSPV0sPuAia1+" +
		"ccb7OnvxyZqkV9wQyimX6qAMz0K+UWFhQ5McCcQ/XsFhhezoVd5QgL7PtdvuK1AtjuzA3J9yzNmwuPssPnKnc="
	fmt.Println(signing.VerifyRSABase64(pub, crypto.SHA1, msg, sig))
	err = signing.VerifyRSABase64(pub, crypto.SHA1, append(msg, '1'), sig)
	fmt.Println(errors.Is(err, signing.ErrSignatureInvalid))
	// Output:
	// <nil>
	// true
}

// WeChat Pay callbacks: AES-256-GCM with the 32-byte APIv3 key (vector from
// wechatpay-java's AeadAesCipherTest).
func ExampleAESGCM_Open() {
	a, err := signing.NewAESGCM([]byte("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"))
	if err != nil {
		panic(err)
	}
	ct, err := base64.StdEncoding.DecodeString("ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=") // resource.ciphertext
	if err != nil {
		panic(err)
	}
	pt, err := a.Open(nil, []byte("uluk4a9R25RW"), ct, []byte("associatedData"))
	fmt.Printf("%s %v\n", pt, err)
	// A forged callback with a short nonce is an error, not a panic.
	_, err = a.Open(nil, []byte("short"), ct, nil)
	fmt.Println(errors.Is(err, signing.ErrDecrypt))
	// Output:
	// message <nil>
	// true
}

// Secrets and keys never print.
func ExampleSecret() {
	cfg := struct {
		MchID  string
		APIKey signing.Secret
	}{"1900000109", signing.NewSecret("my-api-v3-key")}
	fmt.Printf("%+v\n", cfg)
	// Output:
	// {MchID:1900000109 APIKey:[REDACTED]}
}

// A secret from a config string and one read from a file are built the same
// way; the Secret keeps its own copy, so the caller can clear the bytes it read.
func ExampleNewSecret() {
	fromConfig := signing.NewSecret("0123456789abcdefghijABCDEFGHIJ01")
	read := []byte("0123456789abcdefghijABCDEFGHIJ01") // as from os.ReadFile
	fromFile := signing.NewSecret(read)
	clear(read)
	fmt.Println(fromFile.Equal(fromConfig), fromFile.Len())
	fmt.Println(fromFile)
	// Output:
	// true 32
	// [REDACTED]
}
