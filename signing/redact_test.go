package signing

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing/internal/vectors"
)

// Config is what a user's code might log: secrets in exported fields, by value
// and by pointer, and one in an unexported field, which fmt prints by reflection
// without calling Format.
type redactConfig struct {
	MchID   string
	Secret  Secret
	SecretP *Secret
	RSA     *RSAPrivateKey
	AES     *AESGCM
	Signer  MD5Signer
	hidden  Secret
	hiddenK *RSAPrivateKey
	hiddenV RSAPrivateKey
	hiddenA AESGCM
	hiddenM MD5Signer
}

func TestRedaction(t *testing.T) {
	const secret = "s3cr3t-APIv3-key-0123456789abcde" // 32 bytes, used as the AES key too
	rk, err := ParseRSAPrivateKey(vectors.Read(t, "openssl/rsa_pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	ak, err := NewAESGCM([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSecret(secret)
	sb := NewSecret([]byte(secret))
	cfg := redactConfig{
		MchID: "1900000109", Secret: s, SecretP: &s, RSA: rk, AES: ak,
		Signer: MD5Signer{Secret: s}, hidden: s, hiddenK: rk, hiddenV: *rk,
		hiddenA: *ak, hiddenM: MD5Signer{Secret: s},
	}

	// What must never appear: the secret as text, hex, decimal bytes; the RSA
	// private exponent in hex and decimal; an RSA prime.
	forbidden := map[string]string{
		"secret":         secret,
		"secret hex":     hex.EncodeToString([]byte(secret)),
		"secret HEX":     strings.ToUpper(hex.EncodeToString([]byte(secret))),
		"secret bytes":   fmt.Sprint([]byte(secret))[1:30],
		"rsa D hex":      hex.EncodeToString(rk.k.D.Bytes())[:32],
		"rsa D dec":      rk.k.D.String()[:32],
		"rsa P dec":      rk.k.Primes[0].String()[:32],
		"rsa D base64":   EncodeBase64(rk.k.D.Bytes())[:20],
		"secret base64":  EncodeBase64([]byte(secret))[:20],
		"secret quoted":  fmt.Sprintf("%q", secret),
		"secret rune ch": "115 51 99 114", // s 3 c r as %d of a byte slice
	}
	vectors.CheckRedacted(t, Redacted, map[string]any{
		"config": cfg, "&config": &cfg, "secret": s, "&secret": &s, "secret from bytes": sb, "rsa": rk,
		"aes": ak, "signer": cfg.Signer, "&signer": &cfg.Signer, "rsa value": *rk,
		"nil rsa": (*RSAPrivateKey)(nil), "slice": []any{s, rk, ak},
		"map": map[string]any{"k": s}, "secret String": s.String(),
	}, forbidden)

	// The forbidden strings are really what a naive print would show, so the
	// checks above can fail.
	naive := fmt.Sprintf("%s %v", secret, rk.k.D)
	for _, name := range []string{"secret", "rsa D dec"} {
		if !strings.Contains(naive, forbidden[name]) {
			t.Fatalf("self-check: %s not found in a naive print", name)
		}
	}
	// The secret still works.
	if !bytes.Equal(cfg.Secret.Bytes(), []byte(secret)) || cfg.Signer.Secret.Len() != 32 || !sb.Equal(s) {
		t.Fatal("secret lost")
	}
}

func TestRedactionJSONShape(t *testing.T) {
	j, err := json.Marshal(struct{ S Secret }{NewSecret("x")})
	if err != nil || string(j) != `{"S":"[REDACTED]"}` {
		t.Fatalf("%s %v", j, err)
	}
}
