// Package sm2 implements SM3withSM2 signatures (GB/T 32918) with an explicit user
// id, and loads SM2 keys in the forms providers hand out. It is a package of its
// own so that only code that really speaks SM2 (Allinpay) links
// github.com/tjfoc/gmsm: importing package signing, wechatpay or payjs does not.
//
// # User ids
//
// The user id enters the ZA digest, so signer and verifier must agree on it.
// Allinpay signs requests with the appid as user id and its replies and
// notifications with "Allinpay"; neither side uses the standard default. An empty
// user id is ErrNoUID: this package never falls back to "1234567812345678" as
// tjfoc/gmsm does (pass DefaultUID explicitly where a peer really expects it).
//
//	key, err := sm2.ParsePrivateKey(merchantKeyBase64) // PKCS#8, SEC1; PEM, Base64 or DER
//	allinpayKey, err := sm2.ParsePublicKey(allinpayPubBase64)
//
//	// Requests: sign the parameter string with the appid as user id.
//	sig, err := sm2.Sign(key, []byte(appid), msg, sm2.Raw)
//	form.Set("sign", signing.EncodeBase64(sig))
//
//	// Replies and notifications: verify with "Allinpay" as user id.
//	v := sm2.Verifier{Key: allinpayKey, UID: []byte("Allinpay"), Encoding: sm2.Raw}
//	err = v.Verify(msg, sig)
//
// # Encodings
//
// Signatures travel as Raw (r‖s, each half left-padded to 32 bytes, what
// Allinpay sends) or DER (ASN.1, what OpenSSL and BouncyCastle produce);
// RawToDER and DERToRaw convert. A signature in the other form than the one
// asked for fails to verify.
//
// # Keys
//
// ParsePrivateKey and ParsePublicKey accept exactly what signing.DERBlocks
// accepts (PEM whatever its label says, bare Base64 DER with or without line
// breaks, binary DER) holding PKCS#8, SEC1 or SubjectPublicKeyInfo. Keys must be
// on the sm2p256v1 curve: a NIST P-256 key offered as SM2 is refused, as is a
// public point off the curve. MarshalPrivateKey and MarshalPublicKey write PKCS#8
// and SubjectPublicKeyInfo DER; signing.EncodeBase64 gives Allinpay's form.
// PrivateKey never reveals key material when printed (String, GoString, Format
// for every verb, and LogValue show "[REDACTED]").
//
// # Errors
//
// Failures wrap package signing's sentinels, so callers map them onto
// complaint's as for RSA: signing.ErrSignatureInvalid for every signature that
// does not verify or cannot be decoded, signing.ErrKeyInvalid for key material
// that cannot be used. ErrNoUID is this package's own. No function panics on
// malformed input, and no error quotes keys or signatures.
package sm2
