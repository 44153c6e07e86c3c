// Package signing holds the cryptography the tousu providers share: parameter
// strings, MD5 signatures, RSA (PKCS#1 v1.5 and OAEP), AES-256-GCM, and loading
// keys in the forms providers hand out. It imports no provider package and
// performs no I/O. SM2 lives in the subpackage signing/sm2, so that only
// providers that need it (Allinpay) link tjfoc/gmsm.
//
// # Parameter strings
//
// Form-style providers sign a string built from their parameters. A ParamRule
// describes one provider's recipe; a Param is one key/value pair. PHP-style
// nested values (a JSON array or object flattened the http_build_query way) are
// several Params that share Key and carry the rest of the name in Path, such as
// "[0][complaint_at]": sorting looks only at Key (a stable sort, so nested pairs
// keep the provider's order) and Omit only at top-level values.
//
//	// PAYJS: PHP array_filter ("" and "0" dropped), ksort, raw values,
//	// "&key=<secret>", upper-case MD5.
//	payjs := signing.MD5Signer{
//		Rule:   signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitPHPFalsy, Placement: signing.KeyAppend},
//		Secret: signing.NewSecret(key),
//		Case:   signing.Upper,
//	}
//	sig := payjs.Sign(params)
//
//	// Allinpay 收银宝: non-empty values except sign, sorted, no secret; the
//	// string is signed with RSA SHA-1 or SM2.
//	allinpay := signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}
//	msg := allinpay.Build(signing.ParamsFromValues(form), nil)
//
//	// Allinpay legacy MD5: "key=<appkey>" sorted among the fields, lower case,
//	// compared case-insensitively.
//	legacy := signing.MD5Signer{
//		Rule:    signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty, Placement: signing.KeySorted},
//		Secret:  signing.NewSecret(appkey),
//		Case:    signing.Lower,
//		AnyCase: true,
//	}
//
//	// 畅想 v3 callbacks: a fixed field order, "&key=<secret>", lower-case MD5.
//	changxiang := signing.MD5Signer{
//		Rule: signing.ParamRule{
//			Fields:    []string{"mch_id", "total_fee", "result_code", "trade_no", "out_trade_no", "time_end", "pay_type"},
//			Placement: signing.KeyAppend,
//		},
//		Secret: signing.NewSecret(secret),
//		Case:   signing.Lower,
//	}
//
//	// epay-style platforms: sorted, empty values and sign/sign_type dropped,
//	// the secret appended with no separator, lower-case MD5.
//	epay := signing.ParamRule{Exclude: []string{"sign", "sign_type"}, Omit: signing.OmitEmpty, Placement: signing.KeyConcat}
//
// ParamsFromValues and ParamsFromMap turn form values and maps into sorted
// Params; with sorted input, ParamRule.Append and MD5Signer.Sign do not allocate
// for typical strings. MD5 verification is constant-time and rejects a signature
// of the wrong length, not hex, or (unless AnyCase) of the wrong letter case.
//
// # RSA and OAEP
//
// SignRSA and VerifyRSA are RSASSA-PKCS1-v1_5 over a hash chosen by the caller:
// crypto.SHA256 for WeChat Pay, crypto.SHA1 for Allinpay. The Base64 variants
// take and return standard Base64; a signature that is not Base64 (a WeChat
// "WECHATPAY/SIGNTEST/" probe, say) is ErrSignatureInvalid. EncryptOAEP and
// DecryptOAEP use SHA-1 and MGF1-SHA-1 with an empty label, the scheme of
// WeChat Pay's encrypted fields such as payer_phone.
//
//	sig, err := signing.SignRSABase64(key, crypto.SHA256, message)
//	err = signing.VerifyRSABase64(platformKey, crypto.SHA256, message, header.Get("Wechatpay-Signature"))
//
// # SM2
//
// SM3withSM2 with an explicit user id is package signing/sm2. It reuses this
// package's key loading (DERBlocks), its Base64 (EncodeBase64) and its error
// sentinels, so an SM2 failure matches ErrSignatureInvalid or ErrKeyInvalid like
// an RSA one.
//
// # AES-256-GCM
//
// NewAESGCM takes exactly 32 bytes (the WeChat Pay APIv3 key, used as-is) and
// refuses any other length rather than silently running AES-128. Open checks the
// nonce (12 bytes) and ciphertext (at least the 16-byte tag) before calling
// crypto/cipher, which would panic on a bad nonce; every failure is ErrDecrypt.
//
//	gcm, err := signing.NewAESGCM(apiV3Key)
//	plaintext, err := gcm.Open(nil, []byte(resource.Nonce), ciphertext, []byte(resource.AssociatedData))
//
// # Key loading
//
// ParseRSAPrivateKey, ParseRSAPublicKey and ParseCertificate accept PEM
// (PKCS#1, PKCS#8, PKIX and CERTIFICATE blocks, whatever their label says), bare
// Base64 DER with or without line breaks (how Allinpay hands out keys), and
// binary DER; DERBlocks does the splitting, for them and for signing/sm2.
// Encrypted PEM is refused. A key of another kind (an EC key offered as RSA) is
// ErrKeyInvalid.
//
// # Redaction
//
// NewSecret builds a Secret from a string or a []byte alike and keeps its own
// copy, so clearing the caller's slice afterwards changes nothing.
// Secret, RSAPrivateKey, AESGCM and MD5Signer (and sm2.PrivateKey) never reveal
// key material when printed: String, GoString and Format show Redacted for
// every verb (%v, %+v, %#v, %s, %x, %d, %q, ...), LogValue does the same for
// log/slog, and Secret marshals to "[REDACTED]" in JSON (the key types have no
// exported fields). Secret keeps its bytes behind a function value, so even a
// Secret in an unexported struct field, which fmt prints by reflection, shows
// only an address. Errors from this package never quote keys, secrets or
// signatures. The bytes returned by ParamRule.Build contain the secret for the
// MD5 schemes: do not log them.
//
// # Errors
//
// Failures wrap one of ErrSignatureInvalid, ErrKeyInvalid or ErrDecrypt; test
// with errors.Is. No function panics on malformed input.
package signing
