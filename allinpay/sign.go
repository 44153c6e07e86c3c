package allinpay

import (
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"net/url"

	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// SignType is the 收银宝 signature scheme, sent as signtype and signed with the
// other fields.
type SignType string

// Sign types.
const (
	// SignRSA is SHA1withRSA (RSASSA-PKCS1-v1_5 over SHA-1), standard Base64.
	SignRSA SignType = "RSA"
	// SignSM2 is SM3withSM2 (GB/T 32918) with the appid as user id on
	// requests and "Allinpay" on replies and notifications; the signature is
	// the raw 64 bytes r‖s, standard Base64. Neither side uses SM2's default
	// user id.
	SignSM2 SignType = "SM2"
)

// responseUID is the SM2 user id Allinpay signs replies and notifications
// with (the official demo's SybUtil.validSign).
var responseUID = []byte("Allinpay")

// rule is Allinpay's string to sign (安全规范 3.2): every field except sign
// whose value is not empty (a value of spaces is kept), sorted by key in byte
// order, joined as k=v with &, values raw, no key appended.
var rule = signing.ParamRule{Exclude: []string{"sign"}, Omit: signing.OmitEmpty}

// requestSigner signs requests with the merchant's private key. It holds no
// lock: crypto/rsa and SM2 signing are safe for concurrent use.
type requestSigner struct {
	st  SignType
	rsa *signing.RSAPrivateKey
	sm2 *sm2.PrivateKey
	uid []byte // the appid: Allinpay's SM2 user id for requests
}

// sign returns the Base64 signature of params (sorted or not, sign ignored).
func (s *requestSigner) sign(params []signing.Param) (string, error) {
	return s.signMessage(rule.Build(params, nil))
}

// signMessage signs an already built string to sign.
func (s *requestSigner) signMessage(msg []byte) (string, error) {
	var (
		sig []byte
		err error
	)
	switch s.st {
	case SignRSA:
		sig, err = signing.SignRSA(s.rsa, crypto.SHA1, msg)
	case SignSM2:
		sig, err = sm2.Sign(s.sm2, s.uid, msg, sm2.Raw)
	default:
		err = fmt.Errorf("allinpay: cannot sign with sign type %q", string(s.st))
	}
	if err != nil {
		return "", err
	}
	return signing.EncodeBase64(sig), nil
}

// verifier checks Allinpay's signatures on replies and notifications. It
// holds Allinpay's key for each sign type, so a notification is verified by
// its own signtype as the demo's NotifyServlet does.
type verifier struct {
	rsa *rsa.PublicKey
	sm2 *sm2.PublicKey
}

// verifyValues verifies received form fields (a notification): every field
// except sign, by the rule above, against the Base64 sign field. A field sent
// more than once is ErrMalformed: which copy Allinpay signed is unknowable.
func (v *verifier) verifyValues(st SignType, fields url.Values) error {
	for k, vs := range fields {
		if len(vs) > 1 {
			return fmt.Errorf("%w: field %q appears %d times", ErrMalformed, httpc.ProviderText(k), len(vs))
		}
	}
	return v.verifyParams(st, signing.ParamsFromValues(fields))
}

// verifyParams verifies fields that include sign (a reply's fields, in any
// order): sign is taken out, the rest is built into the string to sign.
// Every failure wraps signing.ErrSignatureInvalid (complaint's
// ErrSignatureInvalid), a missing sign included.
func (v *verifier) verifyParams(st SignType, fields []signing.Param) error {
	sig, n := "", 0
	for _, p := range fields {
		if p.Key == "sign" {
			sig, n = p.Value, n+1
		}
	}
	switch {
	case n == 0 || sig == "":
		return fmt.Errorf("%w: no sign", signing.ErrSignatureInvalid)
	case n > 1:
		return fmt.Errorf("%w: more than one sign", signing.ErrSignatureInvalid)
	}
	return v.verifyMessage(st, rule.Build(fields, nil), sig)
}

// verifyMessage verifies a Base64 signature over a built string to sign.
func (v *verifier) verifyMessage(st SignType, msg []byte, sig string) error {
	switch st {
	case SignRSA:
		return signing.VerifyRSABase64(v.rsa, crypto.SHA1, msg, sig)
	case SignSM2:
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return fmt.Errorf("%w: signature is not base64", signing.ErrSignatureInvalid)
		}
		// Allinpay's SM2 signatures are raw r‖s (the demo's SmUtil converts
		// BouncyCastle's DER); a DER one is refused, not guessed at.
		return sm2.Verify(v.sm2, responseUID, msg, raw, sm2.Raw)
	}
	return fmt.Errorf("%w: unsupported sign type %q", signing.ErrSignatureInvalid, httpc.ProviderText(string(st)))
}
