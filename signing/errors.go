package signing

import "errors"

// Errors returned by this package. They are sentinels: match them with errors.Is.
// Package complaint re-exports ErrSignatureInvalid, so a provider's verifier error
// matches complaint.ErrSignatureInvalid as well. Package signing/sm2 wraps the
// same sentinels, so its errors match them too.
var (
	// ErrSignatureInvalid means a signature did not verify, or could not even be decoded
	// (not Base64, wrong length, not hex). Probe signatures such as WeChat's
	// "WECHATPAY/SIGNTEST/..." end here too.
	ErrSignatureInvalid = errors.New("signing: signature invalid")

	// ErrKeyInvalid means key material could not be parsed or is of the wrong kind,
	// size or curve.
	ErrKeyInvalid = errors.New("signing: invalid key")

	// ErrDecrypt means a ciphertext could not be opened: wrong key, tampered data,
	// or a nonce, tag or ciphertext of the wrong length.
	ErrDecrypt = errors.New("signing: decryption failed")
)
