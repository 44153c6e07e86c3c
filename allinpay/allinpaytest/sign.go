package allinpaytest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"math/big"
	"sort"
	"strings"

	"github.com/tjfoc/gmsm/sm2"
)

// This file is the fake's own implementation of the 收银宝 安全规范 (fact sheet
// §3): written from the rule, not through package signing, so that a mistake
// there shows up as a failing request here instead of two sides agreeing on
// the same bug.

// User ids of SM2 signatures: a request is signed under the appid, a response
// or notification under this fixed string (fact sheet §3.3).
const allinpayUID = "Allinpay"

// stringToSign is Allinpay's string to sign: every field except sign whose
// value is non-empty (a value of spaces is kept), sorted by key in byte order,
// joined as k=v with &, nothing escaped.
func stringToSign(fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	n := 0
	for k, v := range fields {
		if k == "sign" || v == "" {
			continue
		}
		keys = append(keys, k)
		n += len(k) + len(v) + 2
	}
	sort.Strings(keys)
	var b strings.Builder
	b.Grow(n)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(fields[k])
	}
	return []byte(b.String())
}

// errBadSignature is any signature that does not verify; its cause is never
// told to the caller, as Allinpay tells none.
var errBadSignature = errors.New("allinpaytest: signature does not verify")

// sign signs msg with k: SHA1withRSA, or SM3withSM2 under uid with the raw
// 64-byte r‖s encoding; the result is standard Base64.
func (k *key) sign(uid string, msg []byte) (string, error) {
	if k.rsaPriv != nil {
		d := sha1.Sum(msg)
		sig, err := rsa.SignPKCS1v15(nil, k.rsaPriv, crypto.SHA1, d[:])
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(sig), nil
	}
	if k.sm2Priv == nil {
		return "", errors.New("allinpaytest: no private key")
	}
	r, s, err := sm2.Sm2Sign(k.sm2Priv, msg, []byte(uid), rand.Reader)
	if err != nil {
		return "", err
	}
	var raw [64]byte
	r.FillBytes(raw[:32])
	s.FillBytes(raw[32:])
	return base64.StdEncoding.EncodeToString(raw[:]), nil
}

// verify checks a Base64 signature over msg. An SM2 signature must decode to
// exactly 64 bytes (DER is refused, as Allinpay refuses it).
func (k *key) verify(uid string, msg []byte, sig string) error {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return errBadSignature
	}
	if k.rsaPub != nil {
		d := sha1.Sum(msg)
		if rsa.VerifyPKCS1v15(k.rsaPub, crypto.SHA1, d[:], raw) != nil {
			return errBadSignature
		}
		return nil
	}
	if len(raw) != 64 || k.sm2Pub == nil {
		return errBadSignature
	}
	r := new(big.Int).SetBytes(raw[:32])
	s := new(big.Int).SetBytes(raw[32:])
	if !sm2.Sm2Verify(k.sm2Pub, msg, []byte(uid), r, s) {
		return errBadSignature
	}
	return nil
}
