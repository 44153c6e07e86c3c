package sm2

import (
	"bytes"
	"crypto/elliptic"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"

	gmsm "github.com/tjfoc/gmsm/sm2"

	"github.com/tousu-go/tousu/signing"
)

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSM2Curve    = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
)

type pkcs8Info struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
	Attributes asn1.RawValue `asn1:"optional,tag:0"`
	PublicKey  asn1.RawValue `asn1:"optional,tag:1"`
}

type sec1Key struct {
	Version       int
	PrivateKey    []byte
	NamedCurveOID asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey     asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

type spki struct {
	Algo      pkix.AlgorithmIdentifier
	BitString asn1.BitString
}

// ParsePrivateKey loads an SM2 private key from PEM, bare Base64 DER (how
// Allinpay hands keys out) or binary DER, as signing.DERBlocks splits them:
// PKCS#8 (id-ecPublicKey with the sm2p256v1 curve) or SEC1. A key on any other
// curve, such as NIST P-256, or one whose embedded public point does not belong
// to its scalar, wraps signing.ErrKeyInvalid.
func ParsePrivateKey(data []byte) (*PrivateKey, error) {
	blocks, err := signing.DERBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, der := range blocks {
		inner := der
		var curve asn1.ObjectIdentifier
		var p8 pkcs8Info
		if rest, err := asn1.Unmarshal(der, &p8); err == nil && len(rest) == 0 && p8.Algo.Algorithm != nil {
			if !p8.Algo.Algorithm.Equal(oidECPublicKey) {
				return nil, fmt.Errorf("%w: pkcs#8 key is not an elliptic-curve key", signing.ErrKeyInvalid)
			}
			if _, err := asn1.Unmarshal(p8.Algo.Parameters.FullBytes, &curve); err != nil {
				return nil, fmt.Errorf("%w: pkcs#8 key names no curve", signing.ErrKeyInvalid)
			}
			inner = p8.PrivateKey
		}
		var sk sec1Key
		if rest, err := asn1.Unmarshal(inner, &sk); err != nil || len(rest) != 0 {
			continue
		}
		if curve == nil {
			curve = sk.NamedCurveOID
		}
		if !curve.Equal(oidSM2Curve) || (sk.NamedCurveOID != nil && !sk.NamedCurveOID.Equal(oidSM2Curve)) {
			return nil, fmt.Errorf("%w: key is not on the sm2 curve", signing.ErrKeyInvalid)
		}
		key, err := privateFromScalar(sk.PrivateKey)
		if err != nil {
			return nil, err
		}
		// A key that carries its uncompressed public point must carry the right
		// one: a mismatch means corrupted or spliced key material.
		if pt := sk.PublicKey.Bytes; len(pt) == 65 && pt[0] == 4 && !bytes.Equal(sk.PublicKey.Bytes, point(&key.k.PublicKey)) {
			return nil, fmt.Errorf("%w: sm2 public point does not match the private scalar", signing.ErrKeyInvalid)
		}
		return key, nil
	}
	return nil, fmt.Errorf("%w: no sm2 private key found", signing.ErrKeyInvalid)
}

// ParsePublicKey loads an SM2 public key from PEM, bare Base64 DER or binary DER
// SubjectPublicKeyInfo. The algorithm must be id-ecPublicKey with the sm2p256v1
// curve and the point must lie on that curve; anything else wraps
// signing.ErrKeyInvalid.
func ParsePublicKey(data []byte) (*PublicKey, error) {
	blocks, err := signing.DERBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, der := range blocks {
		var info spki
		if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
			continue
		}
		var curve asn1.ObjectIdentifier
		if !info.Algo.Algorithm.Equal(oidECPublicKey) {
			return nil, fmt.Errorf("%w: public key is not an elliptic-curve key", signing.ErrKeyInvalid)
		}
		if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &curve); err != nil || !curve.Equal(oidSM2Curve) {
			return nil, fmt.Errorf("%w: public key is not on the sm2 curve", signing.ErrKeyInvalid)
		}
		return publicFromPoint(info.BitString.Bytes)
	}
	return nil, fmt.Errorf("%w: no sm2 public key found", signing.ErrKeyInvalid)
}

// publicFromPoint decodes an uncompressed point 04‖X‖Y and checks it is on the
// SM2 curve.
func publicFromPoint(pt []byte) (*PublicKey, error) {
	c := gmsm.P256Sm2()
	if len(pt) != 65 || pt[0] != 4 {
		return nil, fmt.Errorf("%w: sm2 point is not uncompressed", signing.ErrKeyInvalid)
	}
	x := new(big.Int).SetBytes(pt[1:33])
	y := new(big.Int).SetBytes(pt[33:])
	p := c.Params().P
	if x.Cmp(p) >= 0 || y.Cmp(p) >= 0 || !onCurve(c.Params(), x, y) {
		return nil, fmt.Errorf("%w: point is not on the sm2 curve", signing.ErrKeyInvalid)
	}
	return &PublicKey{k: &gmsm.PublicKey{Curve: c, X: x, Y: y}}, nil
}

// onCurve checks y² = x³ - 3x + b (mod p), the SM2 curve equation (a = -3),
// with math/big instead of the deprecated elliptic.Curve.IsOnCurve.
func onCurve(params *elliptic.CurveParams, x, y *big.Int) bool {
	p := params.P
	lhs := new(big.Int).Mul(y, y)
	lhs.Mod(lhs, p)
	rhs := new(big.Int).Mul(x, x)
	rhs.Mul(rhs, x)
	threeX := new(big.Int).Lsh(x, 1)
	threeX.Add(threeX, x)
	rhs.Sub(rhs, threeX)
	rhs.Add(rhs, params.B)
	rhs.Mod(rhs, p)
	return lhs.Cmp(rhs) == 0
}

// privateFromScalar builds a key from its big-endian scalar d, 0 < d < n-1
// (SM2 signing needs 1+d invertible).
func privateFromScalar(d []byte) (*PrivateKey, error) {
	c := gmsm.P256Sm2()
	n := c.Params().N
	k := new(big.Int).SetBytes(d)
	if k.Sign() == 0 || k.Cmp(new(big.Int).Sub(n, big.NewInt(1))) >= 0 {
		return nil, fmt.Errorf("%w: sm2 private scalar out of range", signing.ErrKeyInvalid)
	}
	// The standard library has no SM2 curve, so the elliptic.Curve method
	// (deprecated for NIST curves only in favour of crypto/ecdh) is the one way.
	//lint:ignore SA1019 tjfoc's SM2 curve is only reachable through elliptic.Curve
	x, y := c.ScalarBaseMult(k.FillBytes(make([]byte, 32)))
	return &PrivateKey{k: &gmsm.PrivateKey{PublicKey: gmsm.PublicKey{Curve: c, X: x, Y: y}, D: k}}, nil
}

func algorithm() pkix.AlgorithmIdentifier {
	params, _ := asn1.Marshal(oidSM2Curve)
	return pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: params}}
}

func point(k *gmsm.PublicKey) []byte {
	pt := make([]byte, 65)
	pt[0] = 4
	k.X.FillBytes(pt[1:33])
	k.Y.FillBytes(pt[33:])
	return pt
}

// MarshalPublicKey encodes pub as DER SubjectPublicKeyInfo, byte for byte what
// OpenSSL writes; signing.EncodeBase64 of it is the form Allinpay hands out and
// asks merchants to upload.
func MarshalPublicKey(pub *PublicKey) ([]byte, error) {
	if pub == nil || pub.k == nil {
		return nil, fmt.Errorf("%w: nil sm2 public key", signing.ErrKeyInvalid)
	}
	return asn1.Marshal(spki{Algo: algorithm(), BitString: asn1.BitString{Bytes: point(pub.k), BitLength: 65 * 8}})
}

// MarshalPrivateKey encodes key as unencrypted PKCS#8 DER (with the SEC1 inner
// key carrying the curve and public point, as OpenSSL writes it), so a generated
// key can be stored and loaded again by ParsePrivateKey or other SM2 tools.
func MarshalPrivateKey(key *PrivateKey) ([]byte, error) {
	if key == nil || key.k == nil {
		return nil, fmt.Errorf("%w: nil sm2 key", signing.ErrKeyInvalid)
	}
	inner, err := asn1.Marshal(sec1Key{
		Version:       1,
		PrivateKey:    key.k.D.FillBytes(make([]byte, 32)),
		NamedCurveOID: oidSM2Curve,
		PublicKey:     asn1.BitString{Bytes: point(&key.k.PublicKey), BitLength: 65 * 8},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(pkcs8Info{Algo: algorithm(), PrivateKey: inner})
}
