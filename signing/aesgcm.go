package signing

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"log/slog"
)

// AES-GCM sizes WeChat Pay uses: a 32-byte key (AES-256), a 12-byte nonce and a
// 16-byte tag appended to the ciphertext.
const (
	AESGCMKeySize   = 32
	AESGCMNonceSize = 12
	AESGCMTagSize   = 16
)

// AESGCM is an AES-256-GCM AEAD built once from a 32-byte key and reused. Its
// printed forms never show the key. It is safe for concurrent use.
type AESGCM struct {
	aead cipher.AEAD
}

// NewAESGCM builds an AEAD from a key of exactly 32 bytes; any other length is
// ErrKeyInvalid (WeChat's own SDK silently accepts 16 bytes and runs AES-128).
func NewAESGCM(key []byte) (*AESGCM, error) {
	if len(key) != AESGCMKeySize {
		return nil, fmt.Errorf("%w: aes-256-gcm key has %d bytes, want 32", ErrKeyInvalid, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyInvalid, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyInvalid, err)
	}
	return &AESGCM{aead: aead}, nil
}

// Open authenticates and decrypts ciphertext‖tag, appending the plaintext to dst.
// A nonce that is not 12 bytes, a ciphertext shorter than the tag, or a failed
// authentication is ErrDecrypt; it never panics.
func (a *AESGCM) Open(dst, nonce, ciphertext, aad []byte) ([]byte, error) {
	if a == nil || a.aead == nil {
		return nil, fmt.Errorf("%w: nil aes-gcm key", ErrKeyInvalid)
	}
	if len(nonce) != AESGCMNonceSize {
		return nil, fmt.Errorf("%w: nonce has %d bytes, want 12", ErrDecrypt, len(nonce))
	}
	if len(ciphertext) < AESGCMTagSize {
		return nil, fmt.Errorf("%w: ciphertext shorter than the tag", ErrDecrypt)
	}
	pt, err := a.aead.Open(dst, nonce, ciphertext, aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Seal encrypts and authenticates plaintext, appending ciphertext‖tag to dst. A
// nonce that is not 12 bytes is an error, never a panic. Never reuse a nonce
// with the same key.
func (a *AESGCM) Seal(dst, nonce, plaintext, aad []byte) ([]byte, error) {
	if a == nil || a.aead == nil {
		return nil, fmt.Errorf("%w: nil aes-gcm key", ErrKeyInvalid)
	}
	if len(nonce) != AESGCMNonceSize {
		return nil, fmt.Errorf("signing: nonce has %d bytes, want 12", len(nonce))
	}
	return a.aead.Seal(dst, nonce, plaintext, aad), nil
}

// String returns a description without key material.
func (a *AESGCM) String() string { return "AESGCM(" + Redacted + ")" }

// GoString is String.
func (a *AESGCM) GoString() string { return a.String() }

// Format prints String for every verb.
func (a *AESGCM) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.String())) }

// LogValue makes log/slog print String.
func (a *AESGCM) LogValue() slog.Value { return slog.StringValue(a.String()) }

// OpenAESGCM is a one-shot Open with a fresh AEAD, with the same length checks on
// key, nonce and ciphertext.
func OpenAESGCM(key, nonce, ciphertext, aad []byte) ([]byte, error) {
	a, err := NewAESGCM(key)
	if err != nil {
		return nil, err
	}
	return a.Open(nil, nonce, ciphertext, aad)
}
