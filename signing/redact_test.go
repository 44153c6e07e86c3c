package signing

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
)

// Config is what a user's code might log: secrets in exported fields, by value
// and by pointer, and one in an unexported field, which fmt prints by reflection
// without calling Format.
type redactConfig struct {
	MchID   string
	Secret  Secret
	SecretP *Secret
	RSA     *RSAPrivateKey
	SM2     *SM2PrivateKey
	AES     *AESGCM
	Signer  MD5Signer
	hidden  Secret
	hiddenK *RSAPrivateKey
	hiddenV RSAPrivateKey
	hiddenS SM2PrivateKey
	hiddenA AESGCM
	hiddenM MD5Signer
}

func TestRedaction(t *testing.T) {
	const secret = "s3cr3t-APIv3-key-0123456789abcde" // 32 bytes, used as the AES key too
	b, err := os.ReadFile("testdata/openssl/rsa_pkcs8.pem")
	if err != nil {
		t.Fatal(err)
	}
	rk, err := ParseRSAPrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile("testdata/openssl/sm2_pkcs8.pem")
	if err != nil {
		t.Fatal(err)
	}
	sk, err := ParseSM2PrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	ak, err := NewAESGCM([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSecret(secret)
	cfg := redactConfig{
		MchID: "1900000109", Secret: s, SecretP: &s, RSA: rk, SM2: sk, AES: ak,
		Signer: MD5Signer{Secret: s}, hidden: s, hiddenK: rk, hiddenV: *rk, hiddenS: *sk,
		hiddenA: *ak, hiddenM: MD5Signer{Secret: s},
	}

	// What must never appear: the secret as text, hex, decimal bytes; the RSA
	// and SM2 private scalars in hex and decimal; an RSA prime.
	forbidden := map[string]string{
		"secret":         secret,
		"secret hex":     hex.EncodeToString([]byte(secret)),
		"secret HEX":     strings.ToUpper(hex.EncodeToString([]byte(secret))),
		"secret bytes":   fmt.Sprint([]byte(secret))[1:30],
		"rsa D hex":      hex.EncodeToString(rk.k.D.Bytes())[:32],
		"rsa D dec":      rk.k.D.String()[:32],
		"rsa P dec":      rk.k.Primes[0].String()[:32],
		"sm2 D hex":      hex.EncodeToString(sk.k.D.Bytes())[:32],
		"sm2 D HEX":      strings.ToUpper(hex.EncodeToString(sk.k.D.Bytes()))[:32],
		"sm2 D dec":      sk.k.D.String()[:32],
		"sm2 D base64":   EncodeBase64(sk.k.D.FillBytes(make([]byte, 32)))[:20],
		"rsa D base64":   EncodeBase64(rk.k.D.Bytes())[:20],
		"secret base64":  EncodeBase64([]byte(secret))[:20],
		"secret quoted":  fmt.Sprintf("%q", secret),
		"secret rune ch": "115 51 99 114", // s 3 c r as %d of a byte slice
	}
	check := func(what, out string) {
		t.Helper()
		for name, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s leaks %s:\n%s", what, name, out)
			}
		}
	}

	values := map[string]any{
		"config": cfg, "&config": &cfg, "secret": s, "&secret": &s, "rsa": rk, "sm2": sk,
		"aes": ak, "signer": cfg.Signer, "&signer": &cfg.Signer, "rsa value": *rk, "sm2 value": *sk,
		"nil rsa": (*RSAPrivateKey)(nil), "slice": []any{s, rk, sk, ak},
		"map": map[string]any{"k": s}, "sm2 public": sk.Public(),
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q", "%T %v"} {
			check(name+" "+verb, fmt.Sprintf(verb, v))
		}
		check(name+" Sprint", fmt.Sprint(v))
		check(name+" Sprintln", fmt.Sprintln(v))
		j, _ := json.Marshal(v)
		check(name+" json", string(j))
	}

	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("config", "cfg", cfg, "pcfg", &cfg, "secret", s, "rsa", rk, "sm2", sk, "aes", ak, "signer", cfg.Signer)
		l.Info("group", slog.Group("g", slog.Any("secret", s), slog.Any("key", rk)))
		l.Info("attrs", slog.Any("secret", s), slog.String("s", s.String()))
	}
	check("slog", buf.String())
	if !strings.Contains(buf.String(), redacted) {
		t.Error("slog output shows no placeholder: the test did not exercise LogValue")
	}

	// The forbidden strings are really what a naive print would show, so the
	// checks above can fail.
	naive := fmt.Sprintf("%s %v %x", secret, rk.k.D, sk.k.D.Bytes())
	for _, name := range []string{"secret", "rsa D dec", "sm2 D hex"} {
		if !strings.Contains(naive, forbidden[name]) {
			t.Fatalf("self-check: %s not found in a naive print", name)
		}
	}
	// The secret still works.
	if !bytes.Equal(cfg.Secret.Bytes(), []byte(secret)) || cfg.Signer.Secret.Len() != 32 {
		t.Fatal("secret lost")
	}
}

func TestRedactionJSONShape(t *testing.T) {
	j, err := json.Marshal(struct{ S Secret }{NewSecret("x")})
	if err != nil || string(j) != `{"S":"[REDACTED]"}` {
		t.Fatalf("%s %v", j, err)
	}
}
