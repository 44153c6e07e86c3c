package signing

import (
	"encoding/asn1"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	"github.com/tjfoc/gmsm/sm2"
)

// SM2DefaultUID is the GB/T 32918 default user id. Allinpay uses neither side's
// default; pass it explicitly only where a peer really expects it.
var SM2DefaultUID = []byte("1234567812345678")

// SM2Encoding is the wire form of an SM2 signature.
type SM2Encoding int

const (
	// SM2Raw is r‖s, each left-padded to 32 bytes: 64 bytes (Allinpay).
	SM2Raw SM2Encoding = iota
	// SM2DER is the ASN.1 DER SEQUENCE{r, s} (OpenSSL, BouncyCastle default).
	SM2DER
)

// SM2PrivateKey is an SM2 private key whose printed forms never show key material.
type SM2PrivateKey struct {
	k *sm2.PrivateKey
}

// SM2PublicKey is an SM2 public key on the SM2 curve.
type SM2PublicKey struct {
	k *sm2.PublicKey
}

// GenerateSM2Key makes a new SM2 key from random (crypto/rand when nil).
func GenerateSM2Key(random io.Reader) (*SM2PrivateKey, error) {
	k, err := sm2.GenerateKey(random)
	if err != nil {
		return nil, fmt.Errorf("signing: sm2 generate: %w", err)
	}
	return &SM2PrivateKey{k: k}, nil
}

// SM2MaxUIDLen is the longest user id SM2 allows: ZA encodes the id's length in
// bits in two bytes.
const SM2MaxUIDLen = 8191

// Public returns the public half (nil for a nil or empty receiver).
func (k *SM2PrivateKey) Public() *SM2PublicKey {
	if k == nil || k.k == nil {
		return nil
	}
	return &SM2PublicKey{k: &k.k.PublicKey}
}

// String returns a description without key material.
func (k *SM2PrivateKey) String() string { return "SM2PrivateKey(" + redacted + ")" }

// GoString is String.
func (k *SM2PrivateKey) GoString() string { return k.String() }

// Format prints String for every verb.
func (k *SM2PrivateKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue makes log/slog print String.
func (k *SM2PrivateKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// SM2Signer signs with SM3withSM2 and a fixed user id (Allinpay: the appid).
type SM2Signer struct {
	Key      *SM2PrivateKey
	UID      []byte
	Encoding SM2Encoding
}

// Sign signs msg.
func (s SM2Signer) Sign(msg []byte) ([]byte, error) { return SignSM2(s.Key, s.UID, msg, s.Encoding) }

// SM2Verifier verifies SM3withSM2 signatures with a fixed user id (Allinpay's
// responses and notifications: "Allinpay").
type SM2Verifier struct {
	Key      *SM2PublicKey
	UID      []byte
	Encoding SM2Encoding
}

// Verify checks sig over msg.
func (v SM2Verifier) Verify(msg, sig []byte) error {
	return VerifySM2(v.Key, v.UID, msg, sig, v.Encoding)
}

// SignSM2 signs msg with SM3withSM2 under uid (ZA is computed over uid). An empty
// uid is ErrNoUID. The signature is randomised.
func SignSM2(key *SM2PrivateKey, uid, msg []byte, enc SM2Encoding) ([]byte, error) {
	if key == nil || key.k == nil {
		return nil, fmt.Errorf("%w: nil sm2 key", ErrKeyInvalid)
	}
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	r, s, err := sm2.Sm2Sign(key.k, msg, uid, nil)
	if err != nil {
		return nil, fmt.Errorf("signing: sm2 sign: %w", err)
	}
	switch enc {
	case SM2Raw:
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out, nil
	case SM2DER:
		return asn1.Marshal(sm2Sig{R: r, S: s})
	default:
		return nil, fmt.Errorf("signing: unknown sm2 encoding %d", enc)
	}
}

// VerifySM2 checks an SM3withSM2 signature under uid. Every failure, including a
// signature that is not 64 bytes (SM2Raw) or not canonical DER (SM2DER), is
// ErrSignatureInvalid; an empty uid is ErrNoUID.
func VerifySM2(pub *SM2PublicKey, uid, msg, sig []byte, enc SM2Encoding) error {
	if pub == nil || pub.k == nil {
		return fmt.Errorf("%w: nil sm2 public key", ErrKeyInvalid)
	}
	if err := checkUID(uid); err != nil {
		return err
	}
	var r, s *big.Int
	switch enc {
	case SM2Raw:
		if len(sig) != 64 {
			return fmt.Errorf("%w: sm2 signature has %d bytes, want 64", ErrSignatureInvalid, len(sig))
		}
		r = new(big.Int).SetBytes(sig[:32])
		s = new(big.Int).SetBytes(sig[32:])
	case SM2DER:
		var v sm2Sig
		rest, err := asn1.Unmarshal(sig, &v)
		if err != nil || len(rest) != 0 || v.R == nil || v.S == nil {
			return fmt.Errorf("%w: sm2 signature is not DER", ErrSignatureInvalid)
		}
		r, s = v.R, v.S
	default:
		return fmt.Errorf("signing: unknown sm2 encoding %d", enc)
	}
	n := sm2.P256Sm2().Params().N
	if r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(n) >= 0 || s.Cmp(n) >= 0 {
		return ErrSignatureInvalid
	}
	if !sm2.Sm2Verify(pub.k, msg, uid, r, s) {
		return ErrSignatureInvalid
	}
	return nil
}

// checkUID refuses an empty id (tjfoc would quietly use the default) and one too
// long for ZA's two-byte length.
func checkUID(uid []byte) error {
	if len(uid) == 0 {
		return ErrNoUID
	}
	if len(uid) > SM2MaxUIDLen {
		return fmt.Errorf("signing: sm2 user id has %d bytes, at most %d allowed", len(uid), SM2MaxUIDLen)
	}
	return nil
}

// SM2RawToDER converts a 64-byte r‖s signature to DER.
func SM2RawToDER(raw []byte) ([]byte, error) {
	if len(raw) != 64 {
		return nil, fmt.Errorf("%w: sm2 signature has %d bytes, want 64", ErrSignatureInvalid, len(raw))
	}
	return asn1.Marshal(sm2Sig{R: new(big.Int).SetBytes(raw[:32]), S: new(big.Int).SetBytes(raw[32:])})
}

// SM2DERToRaw converts a DER signature to 64-byte r‖s.
func SM2DERToRaw(der []byte) ([]byte, error) {
	var v sm2Sig
	rest, err := asn1.Unmarshal(der, &v)
	if err != nil || len(rest) != 0 || v.R == nil || v.S == nil || v.R.Sign() < 0 || v.S.Sign() < 0 ||
		v.R.BitLen() > 256 || v.S.BitLen() > 256 {
		return nil, fmt.Errorf("%w: sm2 signature is not DER", ErrSignatureInvalid)
	}
	out := make([]byte, 64)
	v.R.FillBytes(out[:32])
	v.S.FillBytes(out[32:])
	return out, nil
}

type sm2Sig struct {
	R, S *big.Int
}
