package sm2

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/internal/vectors"
)

// redactConfig is what a user's code might log: the key by pointer in an
// exported field, and by value in an unexported one, which fmt prints by
// reflection without calling Format.
type redactConfig struct {
	AppID   string
	SM2     *PrivateKey
	hiddenS PrivateKey
}

func TestRedaction(t *testing.T) {
	sk, err := ParsePrivateKey(vectors.Read(t, "openssl/sm2_pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := redactConfig{AppID: "00000051", SM2: sk, hiddenS: *sk}
	d := sk.k.D
	// What must never appear: the private scalar in hex, decimal and Base64.
	forbidden := map[string]string{
		"sm2 D hex":    hex.EncodeToString(d.Bytes())[:32],
		"sm2 D HEX":    strings.ToUpper(hex.EncodeToString(d.Bytes()))[:32],
		"sm2 D dec":    d.String()[:32],
		"sm2 D base64": signing.EncodeBase64(d.FillBytes(make([]byte, 32)))[:20],
	}
	vectors.CheckRedacted(t, signing.Redacted, map[string]any{
		"config": cfg, "&config": &cfg, "sm2": sk, "sm2 value": *sk, "slice": []any{sk},
		"sm2 public": sk.Public(), "nil sm2": (*PrivateKey)(nil),
	}, forbidden)

	// The forbidden strings are really what a naive print would show, so the
	// checks above can fail.
	naive := fmt.Sprintf("%x %v", d.Bytes(), d)
	for _, name := range []string{"sm2 D hex", "sm2 D dec"} {
		if !strings.Contains(naive, forbidden[name]) {
			t.Fatalf("self-check: %s not found in a naive print", name)
		}
	}
	// Every printed form is the one placeholder, as today.
	for _, got := range []string{sk.String(), sk.GoString(), fmt.Sprintf("%#v", sk), fmt.Sprintf("%x", sk), sk.LogValue().String()} {
		if got != "SM2PrivateKey([REDACTED])" {
			t.Errorf("printed as %q", got)
		}
	}
}
