package sm2

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	gmsm "github.com/tjfoc/gmsm/sm2"

	"github.com/tousu-go/tousu/signing"
)

// ErrNoUID means an SM2 operation was asked to run without a user id. tjfoc/gmsm
// silently substitutes "1234567812345678" for an empty id, which would make a
// forgotten appid look like a bad key at the peer; this package never does: pass
// DefaultUID explicitly when the default is really meant.
var ErrNoUID = errors.New("sm2: user id is empty")

// DefaultUID is the GB/T 32918 default user id. Allinpay uses neither side's
// default; pass it explicitly only where a peer really expects it.
var DefaultUID = []byte("1234567812345678")

// MaxUIDLen is the longest user id SM2 allows: ZA encodes the id's length in bits
// in two bytes, so a longer id would wrap around instead of failing.
const MaxUIDLen = 8191

// Encoding is the wire form of an SM2 signature. Peers disagree on it, and a
// signature in the wrong form must fail rather than be guessed at.
type Encoding int

const (
	// Raw is r‖s, each left-padded to 32 bytes: 64 bytes (Allinpay).
	Raw Encoding = iota
	// DER is the ASN.1 DER SEQUENCE{r, s} (OpenSSL, BouncyCastle default).
	DER
)

// PrivateKey is an SM2 private key whose printed forms never show key material,
// so it can sit in a config struct that is logged or printed with %+v.
type PrivateKey struct {
	k *gmsm.PrivateKey
}

// PublicKey is an SM2 public key, checked to lie on the SM2 curve when it was
// parsed.
type PublicKey struct {
	k *gmsm.PublicKey
}

// GenerateKey makes a new SM2 key from random (crypto/rand when nil), for tests
// and for merchants who create their own key pair before uploading the public
// half.
func GenerateKey(random io.Reader) (*PrivateKey, error) {
	k, err := gmsm.GenerateKey(random)
	if err != nil {
		return nil, fmt.Errorf("sm2: generate: %w", err)
	}
	return &PrivateKey{k: k}, nil
}

// Public returns the public half (nil for a nil or empty receiver).
func (k *PrivateKey) Public() *PublicKey {
	if k == nil || k.k == nil {
		return nil
	}
	return &PublicKey{k: &k.k.PublicKey}
}

// String returns a description without key material.
func (k *PrivateKey) String() string { return "SM2PrivateKey(" + signing.Redacted + ")" }

// GoString is String, so %#v does not dump the key.
func (k *PrivateKey) GoString() string { return k.String() }

// Format prints String for every verb.
func (k *PrivateKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue makes log/slog print String.
func (k *PrivateKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// Signer signs with SM3withSM2 and a fixed user id (Allinpay: the appid), so a
// client configures the id once instead of passing it on every call.
type Signer struct {
	Key      *PrivateKey
	UID      []byte
	Encoding Encoding
}

// Sign signs msg with Sign(s.Key, s.UID, msg, s.Encoding).
func (s Signer) Sign(msg []byte) ([]byte, error) { return Sign(s.Key, s.UID, msg, s.Encoding) }

// Verifier verifies SM3withSM2 signatures with a fixed user id (Allinpay's
// responses and notifications: "Allinpay").
type Verifier struct {
	Key      *PublicKey
	UID      []byte
	Encoding Encoding
}

// Verify checks sig over msg with Verify(v.Key, v.UID, msg, sig, v.Encoding).
func (v Verifier) Verify(msg, sig []byte) error {
	return Verify(v.Key, v.UID, msg, sig, v.Encoding)
}

// Sign signs msg with SM3withSM2 under uid (ZA is computed over uid). An empty uid
// is ErrNoUID and a nil key wraps signing.ErrKeyInvalid. The signature is
// randomised.
func Sign(key *PrivateKey, uid, msg []byte, enc Encoding) ([]byte, error) {
	if key == nil || key.k == nil {
		return nil, fmt.Errorf("%w: nil sm2 key", signing.ErrKeyInvalid)
	}
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	r, s, err := gmsm.Sm2Sign(key.k, msg, uid, nil)
	if err != nil {
		return nil, fmt.Errorf("sm2: sign: %w", err)
	}
	switch enc {
	case Raw:
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out, nil
	case DER:
		return asn1.Marshal(signature{R: r, S: s})
	default:
		return nil, fmt.Errorf("sm2: unknown encoding %d", enc)
	}
}

// Verify checks an SM3withSM2 signature under uid. Every failure, including a
// signature that is not 64 bytes (Raw) or not canonical DER (DER), wraps
// signing.ErrSignatureInvalid, so a provider maps it onto complaint's sentinel
// like any other signature failure; an empty uid is ErrNoUID.
func Verify(pub *PublicKey, uid, msg, sig []byte, enc Encoding) error {
	if pub == nil || pub.k == nil {
		return fmt.Errorf("%w: nil sm2 public key", signing.ErrKeyInvalid)
	}
	if err := checkUID(uid); err != nil {
		return err
	}
	var r, s *big.Int
	switch enc {
	case Raw:
		if len(sig) != 64 {
			return fmt.Errorf("%w: sm2 signature has %d bytes, want 64", signing.ErrSignatureInvalid, len(sig))
		}
		r = new(big.Int).SetBytes(sig[:32])
		s = new(big.Int).SetBytes(sig[32:])
	case DER:
		var v signature
		rest, err := asn1.Unmarshal(sig, &v)
		if err != nil || len(rest) != 0 || v.R == nil || v.S == nil {
			return fmt.Errorf("%w: sm2 signature is not DER", signing.ErrSignatureInvalid)
		}
		r, s = v.R, v.S
	default:
		return fmt.Errorf("sm2: unknown encoding %d", enc)
	}
	n := gmsm.P256Sm2().Params().N
	if r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(n) >= 0 || s.Cmp(n) >= 0 {
		return signing.ErrSignatureInvalid
	}
	if !gmsm.Sm2Verify(pub.k, msg, uid, r, s) {
		return signing.ErrSignatureInvalid
	}
	return nil
}

// checkUID refuses an empty id (tjfoc would quietly use the default) and one too
// long for ZA's two-byte length.
func checkUID(uid []byte) error {
	if len(uid) == 0 {
		return ErrNoUID
	}
	if len(uid) > MaxUIDLen {
		return fmt.Errorf("sm2: user id has %d bytes, at most %d allowed", len(uid), MaxUIDLen)
	}
	return nil
}

// RawToDER converts a 64-byte r‖s signature (Allinpay's form) to DER (OpenSSL's),
// for checking one side's signature with the other side's tools. A raw signature
// that is not 64 bytes wraps signing.ErrSignatureInvalid.
func RawToDER(raw []byte) ([]byte, error) {
	if len(raw) != 64 {
		return nil, fmt.Errorf("%w: sm2 signature has %d bytes, want 64", signing.ErrSignatureInvalid, len(raw))
	}
	return asn1.Marshal(signature{R: new(big.Int).SetBytes(raw[:32]), S: new(big.Int).SetBytes(raw[32:])})
}

// DERToRaw converts a DER signature to 64-byte r‖s, restoring the left padding
// DER drops. Input that is not DER, has trailing bytes, or holds a negative or
// over-long integer wraps signing.ErrSignatureInvalid.
func DERToRaw(der []byte) ([]byte, error) {
	var v signature
	rest, err := asn1.Unmarshal(der, &v)
	if err != nil || len(rest) != 0 || v.R == nil || v.S == nil || v.R.Sign() < 0 || v.S.Sign() < 0 ||
		v.R.BitLen() > 256 || v.S.BitLen() > 256 {
		return nil, fmt.Errorf("%w: sm2 signature is not DER", signing.ErrSignatureInvalid)
	}
	out := make([]byte, 64)
	v.R.FillBytes(out[:32])
	v.S.FillBytes(out[32:])
	return out, nil
}

// signature is the ASN.1 form of an SM2 signature.
type signature struct {
	R, S *big.Int
}
