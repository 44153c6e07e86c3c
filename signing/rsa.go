package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math/big"
)

// RSAPrivateKey wraps an *rsa.PrivateKey so that printing or logging it never shows
// key material.
type RSAPrivateKey struct {
	k *rsa.PrivateKey
}

// NewRSAPrivateKey wraps k. It returns ErrKeyInvalid for a nil key or one that
// fails rsa.PrivateKey.Validate.
func NewRSAPrivateKey(k *rsa.PrivateKey) (*RSAPrivateKey, error) {
	if k == nil {
		return nil, fmt.Errorf("%w: nil rsa key", ErrKeyInvalid)
	}
	if err := k.Validate(); err != nil || !exponentsAgree(k) {
		return nil, fmt.Errorf("%w: rsa key does not validate", ErrKeyInvalid)
	}
	return &RSAPrivateKey{k: k}, nil
}

// exponentsAgree checks D·E ≡ 1 (mod p−1) for every prime. Go 1.26's Validate
// does; Go 1.24's checks only the CRT values, so a key whose D was corrupted
// would load there and sign through CRT while D says otherwise.
func exponentsAgree(k *rsa.PrivateKey) bool {
	if k.D == nil || k.D.Sign() <= 0 || len(k.Primes) < 2 {
		return false
	}
	de := new(big.Int).Mul(k.D, big.NewInt(int64(k.E)))
	one := big.NewInt(1)
	for _, p := range k.Primes {
		if p == nil || p.Cmp(one) <= 0 {
			return false
		}
		pm1 := new(big.Int).Sub(p, one)
		if new(big.Int).Mod(de, pm1).Cmp(one) != 0 {
			return false
		}
	}
	return true
}

// Key returns the wrapped key (nil for a nil receiver).
func (k *RSAPrivateKey) Key() *rsa.PrivateKey {
	if k == nil {
		return nil
	}
	return k.k
}

// Public returns the public half (nil for a nil or empty receiver).
func (k *RSAPrivateKey) Public() *rsa.PublicKey {
	if k == nil || k.k == nil {
		return nil
	}
	return &k.k.PublicKey
}

// String returns a description without key material.
func (k *RSAPrivateKey) String() string {
	if k == nil || k.k == nil {
		return "RSAPrivateKey(nil)"
	}
	return fmt.Sprintf("RSAPrivateKey(%d bits, %s)", k.k.N.BitLen(), Redacted)
}

// GoString is String, so %#v does not dump the key.
func (k *RSAPrivateKey) GoString() string { return k.String() }

// Format prints String for every verb.
func (k *RSAPrivateKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue makes log/slog print String.
func (k *RSAPrivateKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// RSASigner signs with RSASSA-PKCS1-v1_5: SHA-1 for Allinpay, SHA-256 for WeChat Pay.
type RSASigner struct {
	Key  *RSAPrivateKey
	Hash crypto.Hash
}

// Sign hashes msg with s.Hash and signs the digest.
func (s RSASigner) Sign(msg []byte) ([]byte, error) { return SignRSA(s.Key, s.Hash, msg) }

// RSAVerifier verifies RSASSA-PKCS1-v1_5 signatures.
type RSAVerifier struct {
	Key  *rsa.PublicKey
	Hash crypto.Hash
}

// Verify checks sig over msg.
func (v RSAVerifier) Verify(msg, sig []byte) error { return VerifyRSA(v.Key, v.Hash, msg, sig) }

// SignRSA hashes msg with h and returns the PKCS#1 v1.5 signature.
func SignRSA(key *RSAPrivateKey, h crypto.Hash, msg []byte) ([]byte, error) {
	if key == nil || key.k == nil {
		return nil, fmt.Errorf("%w: nil rsa key", ErrKeyInvalid)
	}
	if !h.Available() {
		return nil, fmt.Errorf("signing: hash %v unavailable", h)
	}
	var buf [sha512.Size]byte
	sig, err := rsa.SignPKCS1v15(nil, key.k, h, digest(&buf, h, msg))
	if err != nil {
		return nil, fmt.Errorf("signing: rsa sign: %w", err)
	}
	return sig, nil
}

// VerifyRSA checks a PKCS#1 v1.5 signature of msg hashed with h. Every failure is
// ErrSignatureInvalid.
func VerifyRSA(pub *rsa.PublicKey, h crypto.Hash, msg, sig []byte) error {
	if pub == nil {
		return fmt.Errorf("%w: nil rsa public key", ErrKeyInvalid)
	}
	if !h.Available() {
		return fmt.Errorf("signing: hash %v unavailable", h)
	}
	if pub.N == nil || pub.N.Sign() <= 0 || pub.E < 2 {
		return fmt.Errorf("%w: malformed rsa public key", ErrKeyInvalid)
	}
	var buf [sha512.Size]byte
	if err := rsa.VerifyPKCS1v15(pub, h, digest(&buf, h, msg), sig); err != nil {
		return ErrSignatureInvalid
	}
	return nil
}

// SignRSABase64 is SignRSA with the signature in standard Base64 with padding.
func SignRSABase64(key *RSAPrivateKey, h crypto.Hash, msg []byte) (string, error) {
	sig, err := SignRSA(key, h, msg)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifyRSABase64 decodes a standard-Base64 signature and verifies it. A signature
// that is not Base64 (a WeChat probe, say) is ErrSignatureInvalid.
func VerifyRSABase64(pub *rsa.PublicKey, h crypto.Hash, msg []byte, sig string) error {
	raw, err := decodeBase64(sig)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrSignatureInvalid)
	}
	return VerifyRSA(pub, h, msg, raw)
}

// EncryptOAEP encrypts with RSA-OAEP, SHA-1 and MGF1-SHA-1, empty label: the scheme
// WeChat Pay uses for sensitive fields.
func EncryptOAEP(pub *rsa.PublicKey, plaintext []byte) ([]byte, error) {
	if pub == nil {
		return nil, fmt.Errorf("%w: nil rsa public key", ErrKeyInvalid)
	}
	ct, err := rsa.EncryptOAEP(crypto.SHA1.New(), rand.Reader, pub, plaintext, nil)
	if err != nil {
		return nil, fmt.Errorf("signing: oaep encrypt: %w", err)
	}
	return ct, nil
}

// DecryptOAEP decrypts an RSA-OAEP (SHA-1) ciphertext. Any failure is ErrDecrypt and
// says nothing about the plaintext.
func DecryptOAEP(key *RSAPrivateKey, ciphertext []byte) ([]byte, error) {
	if key == nil || key.k == nil {
		return nil, fmt.Errorf("%w: nil rsa key", ErrKeyInvalid)
	}
	pt, err := rsa.DecryptOAEP(crypto.SHA1.New(), nil, key.k, ciphertext, nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// DecryptOAEPBase64 decodes a standard-Base64 ciphertext and decrypts it.
func DecryptOAEPBase64(key *RSAPrivateKey, ciphertext string) ([]byte, error) {
	raw, err := decodeBase64(ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not base64", ErrDecrypt)
	}
	return DecryptOAEP(key, raw)
}

// digest hashes msg into buf. SHA-1 and SHA-256, the hashes providers use, go
// through the allocation-free one-shot functions.
func digest(buf *[sha512.Size]byte, h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA1:
		d := sha1.Sum(msg)
		return buf[:copy(buf[:], d[:])]
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return buf[:copy(buf[:], d[:])]
	}
	hh := h.New()
	hh.Write(msg)
	return hh.Sum(buf[:0])
}

// decodeBase64 accepts standard Base64 with or without padding.
func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}
