package signing

import (
	"bytes"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"

	"github.com/tjfoc/gmsm/sm2"
)

// Key loading accepts what providers hand out:
//   - PEM blocks: PKCS#1 ("RSA PRIVATE KEY", "RSA PUBLIC KEY"), PKCS#8 ("PRIVATE
//     KEY"), PKIX ("PUBLIC KEY"), SEC1 ("EC PRIVATE KEY", SM2 only) and X.509
//     certificates ("CERTIFICATE"). The label is a hint, not trusted: PKCS#8 wrapped
//     as "RSA PRIVATE KEY" (common in PHP Allinpay code) still loads.
//   - bare Base64 DER with no armour, line breaks allowed (how Allinpay hands out
//     PKCS#8 private keys and SubjectPublicKeyInfo public keys);
//   - binary DER, as in a .der file.
// Encrypted PEM is rejected. Errors wrap ErrKeyInvalid and never quote key bytes.

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSM2Curve    = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
)

// derBlocks returns the DER candidates in data: each PEM block, or the bare Base64
// decoding of data when it has no PEM armour, or data itself when it is binary DER.
func derBlocks(data []byte) ([]*pem.Block, error) {
	raw := data
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty key data", ErrKeyInvalid)
	}
	// PEM may follow other text (openssl's "Bag Attributes", a comment line).
	if bytes.Contains(data, []byte("-----BEGIN")) {
		var blocks []*pem.Block
		rest := data
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			if _, enc := b.Headers["DEK-Info"]; enc || b.Type == "ENCRYPTED PRIVATE KEY" {
				return nil, fmt.Errorf("%w: encrypted pem is not supported", ErrKeyInvalid)
			}
			blocks = append(blocks, b)
		}
		if len(blocks) == 0 {
			return nil, fmt.Errorf("%w: no pem block found", ErrKeyInvalid)
		}
		return blocks, nil
	}
	compact := make([]byte, 0, len(data))
	for _, c := range data {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			compact = append(compact, c)
		}
	}
	der, err := decodeBase64(string(compact))
	if err != nil {
		// Binary DER (a .der file) starts with a SEQUENCE tag, which is never
		// the first byte of a Base64 DER key ("M").
		if raw[0] == 0x30 {
			return []*pem.Block{{Bytes: raw}}, nil
		}
		return nil, fmt.Errorf("%w: neither pem, base64 nor der", ErrKeyInvalid)
	}
	return []*pem.Block{{Bytes: der}}, nil
}

// ParseRSAPrivateKey loads an RSA private key from PEM (PKCS#1 or PKCS#8) or bare
// Base64 DER (either form).
func ParseRSAPrivateKey(data []byte) (*RSAPrivateKey, error) {
	blocks, err := derBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			if rk, ok := k.(*rsa.PrivateKey); ok {
				return NewRSAPrivateKey(rk)
			}
			return nil, fmt.Errorf("%w: pkcs#8 key is %T, not rsa", ErrKeyInvalid, k)
		}
		if rk, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
			return NewRSAPrivateKey(rk)
		}
	}
	return nil, fmt.Errorf("%w: no rsa private key (pkcs#1 or pkcs#8) found", ErrKeyInvalid)
}

// ParseRSAPublicKey loads an RSA public key from PEM or bare Base64 DER: PKIX
// SubjectPublicKeyInfo, PKCS#1, or an X.509 certificate (its key is returned).
func ParseRSAPublicKey(data []byte) (*rsa.PublicKey, error) {
	blocks, err := derBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		if k, err := x509.ParsePKIXPublicKey(b.Bytes); err == nil {
			if rk, ok := k.(*rsa.PublicKey); ok {
				return rk, nil
			}
			return nil, fmt.Errorf("%w: public key is %T, not rsa", ErrKeyInvalid, k)
		}
		if rk, err := x509.ParsePKCS1PublicKey(b.Bytes); err == nil {
			return rk, nil
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			if rk, ok := c.PublicKey.(*rsa.PublicKey); ok {
				return rk, nil
			}
			return nil, fmt.Errorf("%w: certificate key is not rsa", ErrKeyInvalid)
		}
	}
	return nil, fmt.Errorf("%w: no rsa public key found", ErrKeyInvalid)
}

// ParseCertificate loads the first X.509 certificate from PEM or bare Base64 DER.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	blocks, err := derBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: no x.509 certificate found", ErrKeyInvalid)
}

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

// ParseSM2PrivateKey loads an SM2 private key from PEM or bare Base64 DER: PKCS#8
// (id-ecPublicKey with the sm2p256v1 curve) or SEC1. A key on any other curve, such
// as NIST P-256, is ErrKeyInvalid.
func ParseSM2PrivateKey(data []byte) (*SM2PrivateKey, error) {
	blocks, err := derBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		inner := b.Bytes
		var curve asn1.ObjectIdentifier
		var p8 pkcs8Info
		if rest, err := asn1.Unmarshal(b.Bytes, &p8); err == nil && len(rest) == 0 && p8.Algo.Algorithm != nil {
			if !p8.Algo.Algorithm.Equal(oidECPublicKey) {
				return nil, fmt.Errorf("%w: pkcs#8 key is not an elliptic-curve key", ErrKeyInvalid)
			}
			if _, err := asn1.Unmarshal(p8.Algo.Parameters.FullBytes, &curve); err != nil {
				return nil, fmt.Errorf("%w: pkcs#8 key names no curve", ErrKeyInvalid)
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
			return nil, fmt.Errorf("%w: key is not on the sm2 curve", ErrKeyInvalid)
		}
		key, err := sm2PrivateFromScalar(sk.PrivateKey)
		if err != nil {
			return nil, err
		}
		// A key that carries its uncompressed public point must carry the right
		// one: a mismatch means corrupted or spliced key material.
		if pt := sk.PublicKey.Bytes; len(pt) == 65 && pt[0] == 4 && !bytes.Equal(sk.PublicKey.Bytes, sm2Point(&key.k.PublicKey)) {
			return nil, fmt.Errorf("%w: sm2 public point does not match the private scalar", ErrKeyInvalid)
		}
		return key, nil
	}
	return nil, fmt.Errorf("%w: no sm2 private key found", ErrKeyInvalid)
}

// ParseSM2PublicKey loads an SM2 public key from PEM or bare Base64 DER
// SubjectPublicKeyInfo. The algorithm must be id-ecPublicKey with the sm2p256v1
// curve and the point must lie on that curve.
func ParseSM2PublicKey(data []byte) (*SM2PublicKey, error) {
	blocks, err := derBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		var info spki
		if rest, err := asn1.Unmarshal(b.Bytes, &info); err != nil || len(rest) != 0 {
			continue
		}
		var curve asn1.ObjectIdentifier
		if !info.Algo.Algorithm.Equal(oidECPublicKey) {
			return nil, fmt.Errorf("%w: public key is not an elliptic-curve key", ErrKeyInvalid)
		}
		if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &curve); err != nil || !curve.Equal(oidSM2Curve) {
			return nil, fmt.Errorf("%w: public key is not on the sm2 curve", ErrKeyInvalid)
		}
		return sm2PublicFromPoint(info.BitString.Bytes)
	}
	return nil, fmt.Errorf("%w: no sm2 public key found", ErrKeyInvalid)
}

// sm2PublicFromPoint decodes an uncompressed point 04‖X‖Y and checks it is on the
// SM2 curve.
func sm2PublicFromPoint(pt []byte) (*SM2PublicKey, error) {
	c := sm2.P256Sm2()
	if len(pt) != 65 || pt[0] != 4 {
		return nil, fmt.Errorf("%w: sm2 point is not uncompressed", ErrKeyInvalid)
	}
	x := new(big.Int).SetBytes(pt[1:33])
	y := new(big.Int).SetBytes(pt[33:])
	p := c.Params().P
	if x.Cmp(p) >= 0 || y.Cmp(p) >= 0 || !onSM2Curve(c.Params(), x, y) {
		return nil, fmt.Errorf("%w: point is not on the sm2 curve", ErrKeyInvalid)
	}
	return &SM2PublicKey{k: &sm2.PublicKey{Curve: c, X: x, Y: y}}, nil
}

// onSM2Curve checks y² = x³ - 3x + b (mod p), the SM2 curve equation (a = -3),
// with math/big instead of the deprecated elliptic.Curve.IsOnCurve.
func onSM2Curve(params *elliptic.CurveParams, x, y *big.Int) bool {
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

// sm2PrivateFromScalar builds a key from its big-endian scalar d, 0 < d < n-1
// (SM2 signing needs 1+d invertible).
func sm2PrivateFromScalar(d []byte) (*SM2PrivateKey, error) {
	c := sm2.P256Sm2()
	n := c.Params().N
	k := new(big.Int).SetBytes(d)
	if k.Sign() == 0 || k.Cmp(new(big.Int).Sub(n, big.NewInt(1))) >= 0 {
		return nil, fmt.Errorf("%w: sm2 private scalar out of range", ErrKeyInvalid)
	}
	// The standard library has no SM2 curve, so the elliptic.Curve method
	// (deprecated for NIST curves only in favour of crypto/ecdh) is the one way.
	//lint:ignore SA1019 tjfoc's SM2 curve is only reachable through elliptic.Curve
	x, y := c.ScalarBaseMult(k.FillBytes(make([]byte, 32)))
	return &SM2PrivateKey{k: &sm2.PrivateKey{PublicKey: sm2.PublicKey{Curve: c, X: x, Y: y}, D: k}}, nil
}

func sm2Algorithm() pkix.AlgorithmIdentifier {
	params, _ := asn1.Marshal(oidSM2Curve)
	return pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: params}}
}

func sm2Point(k *sm2.PublicKey) []byte {
	pt := make([]byte, 65)
	pt[0] = 4
	k.X.FillBytes(pt[1:33])
	k.Y.FillBytes(pt[33:])
	return pt
}

// MarshalSM2PublicKey encodes pub as DER SubjectPublicKeyInfo; Base64 it for the
// form Allinpay hands out.
func MarshalSM2PublicKey(pub *SM2PublicKey) ([]byte, error) {
	if pub == nil || pub.k == nil {
		return nil, fmt.Errorf("%w: nil sm2 public key", ErrKeyInvalid)
	}
	return asn1.Marshal(spki{Algo: sm2Algorithm(), BitString: asn1.BitString{Bytes: sm2Point(pub.k), BitLength: 65 * 8}})
}

// MarshalSM2PrivateKey encodes key as unencrypted PKCS#8 DER (with the SEC1 inner
// key carrying the curve and public point, as OpenSSL writes it).
func MarshalSM2PrivateKey(key *SM2PrivateKey) ([]byte, error) {
	if key == nil || key.k == nil {
		return nil, fmt.Errorf("%w: nil sm2 key", ErrKeyInvalid)
	}
	inner, err := asn1.Marshal(sec1Key{
		Version:       1,
		PrivateKey:    key.k.D.FillBytes(make([]byte, 32)),
		NamedCurveOID: oidSM2Curve,
		PublicKey:     asn1.BitString{Bytes: sm2Point(&key.k.PublicKey), BitLength: 65 * 8},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(pkcs8Info{Algo: sm2Algorithm(), PrivateKey: inner})
}

// EncodeBase64 is standard Base64 with padding, the encoding of every signature
// and bare key in this package.
func EncodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
