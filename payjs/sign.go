package payjs

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/tousu-go/tousu/signing"
)

// Rule returns the parameter-string rule of PAYJS's own PHP SDK (payjs-cn/phpsdk
// sign/checkSign): "sign" excluded, top-level values PHP's array_filter treats
// as falsy dropped ("" and "0"; typed JSON falsy values are mapped to "" by
// FlattenJSON), keys sorted like ksort, values raw (no URL encoding: spaces and
// Chinese stay literal), nested values as "k[sub]=v" in received order, and
// "&key=<key>" appended.
func Rule() signing.ParamRule {
	return signing.ParamRule{
		Exclude:   []string{"sign"},
		Omit:      signing.OmitPHPFalsy,
		Placement: signing.KeyAppend,
	}
}

// Signer signs and verifies PAYJS parameter sets: MD5 over Rule's string,
// upper-case hex, compared in constant time. It never prints its key. A Signer
// is safe for concurrent use.
type Signer struct {
	md5 signing.MD5Signer
	// keepAll, when set, is the second candidate of a lenient signer: the same
	// rule without the empty-value filter.
	keepAll *signing.MD5Signer
}

// NewSigner returns a Signer for the merchant's 通信密钥.
func NewSigner(key string) *Signer {
	return &Signer{md5: signing.MD5Signer{Rule: Rule(), Secret: signing.NewSecret(key), Case: signing.Upper}}
}

// Sign returns the 32-character upper-case signature of params. A "sign"
// parameter among them is ignored.
func (s *Signer) Sign(params []signing.Param) string { return s.md5.Sign(params) }

// Verify checks sig against params in constant time; a mismatch, a wrong length
// or lower-case hex is signing.ErrSignatureInvalid. A Lenient signer also
// accepts the no-filter candidate.
func (s *Signer) Verify(params []signing.Param, sig string) error {
	err := s.md5.Verify(params, sig)
	if err != nil && s.keepAll != nil && s.keepAll.Verify(params, sig) == nil {
		return nil
	}
	return err
}

// Lenient returns a signer that signs like s but, when a signature fails under
// Rule, also accepts one computed without dropping empty and "0" values: the
// rule of PAYJS's official Java demo and fastadmin plugin. Which filter the
// PAYJS server applies on every endpoint is inferred, not documented (the PHP
// SDK's array_filter is the evidence), so this is an opt-in fallback for
// answers or notifications that fail to verify only because of an empty or zero
// field. It accepts two candidate signatures instead of one.
func (s *Signer) Lenient() *Signer {
	keepAll := s.md5
	keepAll.Rule.Omit = nil
	return &Signer{md5: s.md5, keepAll: &keepAll}
}

// SignValues signs form values (the first value of each key). PAYJS requests are
// signed over exactly what is sent, so drop the parameters you do not send
// before signing.
func (s *Signer) SignValues(v url.Values) string { return s.Sign(signing.ParamsFromValues(v)) }

// VerifyValues checks form values carrying their own "sign" field, the way a
// PAYJS payment notification or request is checked: every received field takes
// part, including ones this package does not know. A key sent more than once is
// rejected (PHP would keep the last, most Go code the first; a signed message
// never has both).
func (s *Signer) VerifyValues(v url.Values) error {
	params, sig, err := formParams(v)
	if err != nil {
		return err
	}
	return s.Verify(params, sig)
}

// VerifyJSON checks a PAYJS JSON response or message against its "sign" field
// over the fields exactly as received (see FlattenJSON). A message without a
// sign is ErrUnsigned; a bad sign is signing.ErrSignatureInvalid.
func (s *Signer) VerifyJSON(body []byte) error {
	m, err := readMessage(body)
	if err != nil {
		return err
	}
	return s.verifyMessage(m)
}

func (s *Signer) verifyMessage(m *message) error {
	if !m.signPresent {
		return ErrUnsigned
	}
	if !m.signIsString {
		return fmt.Errorf("%w: sign is not a string", signing.ErrSignatureInvalid)
	}
	return s.Verify(m.params, m.sign)
}

// String describes the signer without its key.
func (s *Signer) String() string { return "payjs.Signer{key=[REDACTED]}" }

// GoString is String, so %#v never shows the key.
func (s *Signer) GoString() string { return s.String() }

// formParams turns received form values into Params and the sign. It rejects
// repeated keys.
func formParams(v url.Values) ([]signing.Param, string, error) {
	params := make([]signing.Param, 0, len(v))
	sig := ""
	for k, vs := range v {
		if len(vs) != 1 {
			return nil, "", fmt.Errorf("%w: field %q sent %d times", ErrMalformed, k, len(vs))
		}
		if k == "sign" {
			sig = vs[0]
		}
		params = append(params, signing.Param{Key: k, Value: vs[0]})
	}
	slices.SortFunc(params, func(a, b signing.Param) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return params, sig, nil
}
