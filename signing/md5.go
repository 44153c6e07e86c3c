package signing

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// HexCase is the letter case of a hex-encoded digest.
type HexCase int

const (
	// Upper is upper-case hex (PAYJS, WeChat v2, the 畅想 complaint notification).
	Upper HexCase = iota
	// Lower is lower-case hex (Allinpay legacy MD5, 畅想 v3 callbacks, epay).
	Lower
)

// MD5Signer signs parameter sets with MD5 over a ParamRule's string, the scheme of
// PAYJS, 畅想 and the legacy Allinpay MD5 mode. The secret never appears in an
// error or in the printed form of the signer.
type MD5Signer struct {
	Rule   ParamRule
	Secret Secret
	Case   HexCase
	// AnyCase, when true, makes Verify accept either letter case (Allinpay's demo
	// compares case-insensitively). By default Verify requires Case.
	AnyCase bool
}

// Sign returns the hex MD5 of the rule's string for params.
func (s *MD5Signer) Sign(params []Param) string {
	return MD5Hex(s.Sum(params), s.Case)
}

// Sum returns the raw MD5 digest of the rule's string for params.
func (s *MD5Signer) Sum(params []Param) [md5.Size]byte {
	// Typical parameter strings fit this stack buffer, so signing does not
	// allocate; longer ones spill to the heap through append.
	var arr [512]byte
	buf := s.Rule.Append(arr[:0], params, s.Secret.Bytes())
	sum := md5.Sum(buf)
	clear(buf) // the string holds the secret
	return sum
}

// Verify checks sig against params in constant time. A signature of the wrong
// length, or not hex, or of the wrong case (unless AnyCase) is ErrSignatureInvalid.
func (s *MD5Signer) Verify(params []Param, sig string) error {
	return VerifyMD5(s.Sum(params), sig, s.Case, s.AnyCase)
}

// String describes the signer without its secret.
func (s MD5Signer) String() string {
	c := "upper"
	if s.Case == Lower {
		c = "lower"
	}
	return "MD5Signer{case=" + c + ", secret=" + Redacted + "}"
}

// MD5Hex encodes an MD5 digest as 32 hex characters of the given case.
func MD5Hex(sum [md5.Size]byte, c HexCase) string {
	const lowerDigits = "0123456789abcdef"
	const upperDigits = "0123456789ABCDEF"
	digits := lowerDigits
	if c == Upper {
		digits = upperDigits
	}
	var out [md5.Size * 2]byte
	for i, b := range sum {
		out[2*i] = digits[b>>4]
		out[2*i+1] = digits[b&0x0f]
	}
	return string(out[:])
}

// VerifyMD5 compares a hex signature with a digest in constant time. With anyCase
// false the signature must be entirely in case c.
func VerifyMD5(sum [md5.Size]byte, sig string, c HexCase, anyCase bool) error {
	if len(sig) != md5.Size*2 {
		return fmt.Errorf("%w: md5 signature has length %d, want 32", ErrSignatureInvalid, len(sig))
	}
	var got [md5.Size]byte
	if _, err := hex.Decode(got[:], []byte(sig)); err != nil {
		return fmt.Errorf("%w: md5 signature is not hex", ErrSignatureInvalid)
	}
	ok := subtle.ConstantTimeCompare(got[:], sum[:]) == 1
	if ok && !anyCase {
		want := MD5Hex(sum, c)
		ok = subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1
	}
	if !ok {
		return ErrSignatureInvalid
	}
	return nil
}
