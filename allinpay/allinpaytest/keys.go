package allinpaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tjfoc/gmsm/sm2"
)

// SignType is the signtype field: the algorithm a message is signed with.
type SignType string

// Sign types Allinpay's complaint endpoints take (fact sheet §3.2, §3.3).
const (
	// RSA is SHA1withRSA (RSASSA-PKCS1-v1_5 over SHA-1), Base64.
	RSA SignType = "RSA"
	// SM2 is SM3withSM2 with a user id (the appid for requests, "Allinpay"
	// for responses and notifications), the signature raw r‖s (64 bytes),
	// Base64.
	SM2 SignType = "SM2"
)

// KeyPair is one key pair in the forms Allinpay hands keys out: the private
// key as bare Base64 PKCS#8 DER (as in the 收银宝 console and the demo) and the
// public key as bare Base64 SubjectPublicKeyInfo DER, each also as PEM
// ("PRIVATE KEY", "PUBLIC KEY"). PrivateKey is empty when the fake was given
// only the public half.
type KeyPair struct {
	PrivateKey    string
	PublicKey     string
	PrivateKeyPEM string
	PublicKeyPEM  string
}

// Keys are the keys of one sign type: Merchant is the merchant's pair (the
// client signs requests with Merchant.PrivateKey; the fake verifies them with
// Merchant.PublicKey), Allinpay is the fake's own "Allinpay" (通联) pair (the
// fake signs responses and notifications with it; the client verifies them
// with Allinpay.PublicKey).
type Keys struct {
	SignType SignType
	Merchant KeyPair
	Allinpay KeyPair
}

// key is one key of either algorithm; priv is nil when only the public half is
// known.
type key struct {
	rsaPriv *rsa.PrivateKey
	rsaPub  *rsa.PublicKey
	sm2Priv *sm2.PrivateKey
	sm2Pub  *sm2.PublicKey
}

// pair renders k in Allinpay's forms.
func (k *key) pair() KeyPair {
	var privDER, pubDER []byte
	var err error
	switch {
	case k.rsaPub != nil:
		if k.rsaPriv != nil {
			privDER, err = x509.MarshalPKCS8PrivateKey(k.rsaPriv)
		}
		if err == nil {
			pubDER, err = x509.MarshalPKIXPublicKey(k.rsaPub)
		}
	case k.sm2Pub != nil:
		if k.sm2Priv != nil {
			privDER, err = marshalSM2Private(k.sm2Priv)
		}
		if err == nil {
			pubDER, err = marshalSM2Public(k.sm2Pub)
		}
	}
	if err != nil {
		panic(fmt.Sprintf("allinpaytest: marshalling a key: %v", err))
	}
	var p KeyPair
	if privDER != nil {
		p.PrivateKey = base64.StdEncoding.EncodeToString(privDER)
		p.PrivateKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
	}
	p.PublicKey = base64.StdEncoding.EncodeToString(pubDER)
	p.PublicKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	return p
}

// rsaBits is the size of generated RSA keys: Allinpay's own RSA keys are
// 1024-bit, merchants' 1024 or 2048; 2048 is what a merchant makes today.
const rsaBits = 2048

// rsaCache holds RSA keys generated once per process, by role: a 2048-bit key
// takes tens of milliseconds, and suites start a server per test. SM2 keys are
// cheap and generated per server. WithFreshKeys opts out.
var rsaCache struct {
	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey
}

func cachedRSA(role string) *rsa.PrivateKey {
	rsaCache.mu.Lock()
	defer rsaCache.mu.Unlock()
	if k, ok := rsaCache.keys[role]; ok {
		return k
	}
	k := freshRSA()
	if rsaCache.keys == nil {
		rsaCache.keys = map[string]*rsa.PrivateKey{}
	}
	rsaCache.keys[role] = k
	return k
}

// freshRSA generates an RSA key; a broken random source leaves a test server
// nothing useful to do, so it panics as httptest.NewServer does when it
// cannot listen.
func freshRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		panic(fmt.Sprintf("allinpaytest: generating an rsa key: %v", err))
	}
	return k
}

// freshSM2 generates an SM2 key whose scalar takes all 32 bytes, so its
// PKCS#8 form has the fixed length of Allinpay's keys ("MIGTAgEAMBMG...").
func freshSM2() *sm2.PrivateKey {
	for {
		k, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			panic(fmt.Sprintf("allinpaytest: generating an sm2 key: %v", err))
		}
		if len(k.D.Bytes()) == 32 {
			return k
		}
	}
}

func generatedKey(t SignType, role string, fresh bool) *key {
	if t == SM2 {
		k := freshSM2()
		return &key{sm2Priv: k, sm2Pub: &k.PublicKey}
	}
	k := cachedRSA(role)
	if fresh {
		k = freshRSA()
	}
	return &key{rsaPriv: k, rsaPub: &k.PublicKey}
}

// keyDER reads a key given as bare Base64 DER or as PEM.
func keyDER(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-----BEGIN") {
		b, _ := pem.Decode([]byte(s))
		if b == nil {
			return nil, errors.New("malformed PEM")
		}
		return b.Bytes, nil
	}
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("neither PEM nor Base64")
	}
	return der, nil
}

// parsePrivateKey reads a PKCS#8 private key of sign type t.
func parsePrivateKey(t SignType, s string) (*key, error) {
	der, err := keyDER(s)
	if err != nil {
		return nil, err
	}
	switch t {
	case RSA:
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("not an RSA key")
		}
		return &key{rsaPriv: rk, rsaPub: &rk.PublicKey}, nil
	case SM2:
		k, err := parseSM2Private(der)
		if err != nil {
			return nil, err
		}
		return &key{sm2Priv: k, sm2Pub: &k.PublicKey}, nil
	}
	return nil, fmt.Errorf("unknown sign type %q", t)
}

// parsePublicKey reads a SubjectPublicKeyInfo public key of sign type t.
func parsePublicKey(t SignType, s string) (*key, error) {
	der, err := keyDER(s)
	if err != nil {
		return nil, err
	}
	switch t {
	case RSA:
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("not an RSA key")
		}
		return &key{rsaPub: rk}, nil
	case SM2:
		k, err := parseSM2Public(der)
		if err != nil {
			return nil, err
		}
		return &key{sm2Pub: k}, nil
	}
	return nil, fmt.Errorf("unknown sign type %q", t)
}
