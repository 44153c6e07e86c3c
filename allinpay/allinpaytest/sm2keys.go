package allinpaytest

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"math/big"

	"github.com/tjfoc/gmsm/sm2"
)

// SM2 keys in the DER forms Allinpay hands out (fact sheet §3.3): PKCS#8 with
// algorithm id-ecPublicKey and parameter sm2p256v1 around a SEC1 key that
// carries the curve and the public point ("MIGTAgEAMBMGByqGSM49AgEGCCqBHM9V
// AYItBHkwdwIBAQQg..."), and SubjectPublicKeyInfo ("MFkwEwYHKoZIzj0CAQYIKoEc
// z1UBgi0DQgAE..."). Written here with encoding/asn1 rather than taken from
// package signing/sm2, so that the keys a test hands the client check that
// package's parser instead of agreeing with it by construction. (tjfoc's own
// x509 package would pull golang.org/x/crypto into the module.)

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSM2P256V1   = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
)

// ecAlgorithm is an AlgorithmIdentifier whose parameter is a named curve.
type ecAlgorithm struct {
	Algorithm asn1.ObjectIdentifier
	Curve     asn1.ObjectIdentifier
}

type privateKeyInfo struct {
	Version    int
	Algorithm  ecAlgorithm
	PrivateKey []byte
}

type ecPrivateKey struct {
	Version    int
	PrivateKey []byte
	Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

type subjectPublicKeyInfo struct {
	Algorithm ecAlgorithm
	PublicKey asn1.BitString
}

var sm2Algorithm = ecAlgorithm{Algorithm: oidECPublicKey, Curve: oidSM2P256V1}

// uncompressed is the point 04‖X‖Y.
func uncompressed(pub *sm2.PublicKey) asn1.BitString {
	b := make([]byte, 65)
	b[0] = 4
	pub.X.FillBytes(b[1:33])
	pub.Y.FillBytes(b[33:])
	return asn1.BitString{Bytes: b, BitLength: 8 * len(b)}
}

func marshalSM2Public(pub *sm2.PublicKey) ([]byte, error) {
	return asn1.Marshal(subjectPublicKeyInfo{Algorithm: sm2Algorithm, PublicKey: uncompressed(pub)})
}

func marshalSM2Private(k *sm2.PrivateKey) ([]byte, error) {
	inner, err := asn1.Marshal(ecPrivateKey{Version: 1, PrivateKey: k.D.FillBytes(make([]byte, 32)),
		Curve: oidSM2P256V1, PublicKey: uncompressed(&k.PublicKey)})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(privateKeyInfo{Algorithm: sm2Algorithm, PrivateKey: inner})
}

var errNotSM2 = errors.New("not an sm2p256v1 key")

func parseSM2Public(der []byte) (*sm2.PublicKey, error) {
	var info subjectPublicKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 ||
		!info.Algorithm.Algorithm.Equal(oidECPublicKey) || !info.Algorithm.Curve.Equal(oidSM2P256V1) {
		return nil, errNotSM2
	}
	pt := info.PublicKey.Bytes
	if len(pt) != 65 || pt[0] != 4 {
		return nil, errNotSM2
	}
	c := sm2.P256Sm2()
	x, y := new(big.Int).SetBytes(pt[1:33]), new(big.Int).SetBytes(pt[33:])
	//lint:ignore SA1019 the SM2 curve exists only as tjfoc's elliptic.Curve
	if !c.IsOnCurve(x, y) {
		return nil, errNotSM2
	}
	return &sm2.PublicKey{Curve: c, X: x, Y: y}, nil
}

func parseSM2Private(der []byte) (*sm2.PrivateKey, error) {
	var info privateKeyInfo
	var ec ecPrivateKey
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 ||
		!info.Algorithm.Algorithm.Equal(oidECPublicKey) || !info.Algorithm.Curve.Equal(oidSM2P256V1) {
		return nil, errNotSM2
	}
	if rest, err := asn1.Unmarshal(info.PrivateKey, &ec); err != nil || len(rest) > 0 || len(ec.PrivateKey) > 32 {
		return nil, errNotSM2
	}
	c := sm2.P256Sm2()
	d := new(big.Int).SetBytes(ec.PrivateKey)
	if d.Sign() == 0 || d.Cmp(new(big.Int).Sub(c.Params().N, big.NewInt(1))) >= 0 {
		return nil, errNotSM2
	}
	//lint:ignore SA1019 the SM2 curve exists only as tjfoc's elliptic.Curve
	x, y := c.ScalarBaseMult(d.FillBytes(make([]byte, 32)))
	k := &sm2.PrivateKey{PublicKey: sm2.PublicKey{Curve: c, X: x, Y: y}, D: d}
	if len(ec.PublicKey.Bytes) > 0 && !bytes.Equal(ec.PublicKey.Bytes, uncompressed(&k.PublicKey).Bytes) {
		return nil, errors.New("public point does not match the private key")
	}
	return k, nil
}
