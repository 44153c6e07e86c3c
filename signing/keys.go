package signing

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
)

// DERBlocks returns the DER candidates in key data, in the forms providers hand
// keys out:
//   - PEM blocks: PKCS#1 ("RSA PRIVATE KEY", "RSA PUBLIC KEY"), PKCS#8 ("PRIVATE
//     KEY"), PKIX ("PUBLIC KEY"), SEC1 ("EC PRIVATE KEY") and X.509 certificates
//     ("CERTIFICATE"), one candidate per block, in order. The label is a hint,
//     not trusted (PKCS#8 wrapped as "RSA PRIVATE KEY", common in PHP Allinpay
//     code, must still load), so it is not returned; PEM may follow other text
//     such as openssl's "Bag Attributes";
//   - bare Base64 DER with no armour, line breaks allowed (how Allinpay hands out
//     PKCS#8 private keys and SubjectPublicKeyInfo public keys);
//   - binary DER, as in a .der file.
//
// It is exported so that key loaders outside this package (signing/sm2) accept
// exactly the same forms. Encrypted PEM is refused. Errors wrap ErrKeyInvalid and
// never quote key bytes.
func DERBlocks(data []byte) ([][]byte, error) {
	raw := data
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty key data", ErrKeyInvalid)
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		var blocks [][]byte
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
			blocks = append(blocks, b.Bytes)
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
			return [][]byte{raw}, nil
		}
		return nil, fmt.Errorf("%w: neither pem, base64 nor der", ErrKeyInvalid)
	}
	return [][]byte{der}, nil
}

// ParseRSAPrivateKey loads an RSA private key from PEM (PKCS#1 or PKCS#8) or bare
// Base64 DER (either form).
func ParseRSAPrivateKey(data []byte) (*RSAPrivateKey, error) {
	blocks, err := DERBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, der := range blocks {
		if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
			if rk, ok := k.(*rsa.PrivateKey); ok {
				return NewRSAPrivateKey(rk)
			}
			return nil, fmt.Errorf("%w: pkcs#8 key is %T, not rsa", ErrKeyInvalid, k)
		}
		if rk, err := x509.ParsePKCS1PrivateKey(der); err == nil {
			return NewRSAPrivateKey(rk)
		}
	}
	return nil, fmt.Errorf("%w: no rsa private key (pkcs#1 or pkcs#8) found", ErrKeyInvalid)
}

// ParseRSAPublicKey loads an RSA public key from PEM or bare Base64 DER: PKIX
// SubjectPublicKeyInfo, PKCS#1, or an X.509 certificate (its key is returned).
func ParseRSAPublicKey(data []byte) (*rsa.PublicKey, error) {
	blocks, err := DERBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, der := range blocks {
		if k, err := x509.ParsePKIXPublicKey(der); err == nil {
			if rk, ok := k.(*rsa.PublicKey); ok {
				return rk, nil
			}
			return nil, fmt.Errorf("%w: public key is %T, not rsa", ErrKeyInvalid, k)
		}
		if rk, err := x509.ParsePKCS1PublicKey(der); err == nil {
			return rk, nil
		}
		if c, err := x509.ParseCertificate(der); err == nil {
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
	blocks, err := DERBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, der := range blocks {
		if c, err := x509.ParseCertificate(der); err == nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: no x.509 certificate found", ErrKeyInvalid)
}

// EncodeBase64 is standard Base64 with padding, the encoding of every signature
// and bare key in this package.
func EncodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
