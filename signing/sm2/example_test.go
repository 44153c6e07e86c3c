package sm2_test

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// SM2 for Allinpay: requests are signed with the appid as user id, replies and
// notifications verified with "Allinpay"; signatures are raw r‖s, 64 bytes.
func ExampleSign() {
	key, err := sm2.GenerateKey(nil)
	if err != nil {
		panic(err)
	}
	msg := []byte("appid=00000051&randomstr=1&signtype=SM2")
	sig, err := sm2.Sign(key, []byte("00000051"), msg, sm2.Raw)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(sig), len(signing.EncodeBase64(sig)))
	fmt.Println(sm2.Verify(key.Public(), []byte("00000051"), msg, sig, sm2.Raw))
	// The gmsm default id would be silently used for an empty one; not here.
	_, err = sm2.Sign(key, nil, msg, sm2.Raw)
	fmt.Println(errors.Is(err, sm2.ErrNoUID))
	// The key never prints.
	fmt.Printf("%v %+v\n", key, key)
	// Output:
	// 64 88
	// <nil>
	// true
	// SM2PrivateKey([REDACTED]) SM2PrivateKey([REDACTED])
}

// Verifying what Allinpay sends: the TL test key's signature from Allinpay's
// SmUtil demo, under the user id "Allinpay". The same signature under the
// default id, or tampered, fails with signing.ErrSignatureInvalid.
func ExampleVerifier() {
	pub, err := sm2.ParsePublicKey([]byte("MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE/BnA8BawehBtH0ksPyayo4pmzL/u1FQ2sZcqwOp6bjVqQX4tjo930QAvHZPJ2eez8sCz/RYghcqv4LvMq+kloQ=="))
	if err != nil {
		panic(err)
	}
	sig, _ := base64.StdEncoding.DecodeString("AovBKQGUe0xuJ0ox7FgIIX+yB3DzbudgUsnNvJmDV0IdHZtU2Y8vdeUY1pd2vmPUf08hNgdkoz+4WP/D/ktOcA==")
	v := sm2.Verifier{Key: pub, UID: []byte("Allinpay"), Encoding: sm2.Raw}
	fmt.Println(v.Verify([]byte("返回待验签数据"), sig))
	err = sm2.Verify(pub, sm2.DefaultUID, []byte("返回待验签数据"), sig, sm2.Raw)
	fmt.Println(errors.Is(err, signing.ErrSignatureInvalid))
	err = v.Verify([]byte("返回待验签数据!"), sig)
	fmt.Println(errors.Is(err, signing.ErrSignatureInvalid))
	// Output:
	// <nil>
	// true
	// true
}
