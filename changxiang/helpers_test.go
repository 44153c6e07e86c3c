package changxiang

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tousu-go/tousu/signing"
)

const testSecret = "cx-test-secret"

// Signs of the seed's data with testSecret, computed outside Go with
// coreutils md5sum over the strings in the tests (an independent MD5 and an
// independent string).
const (
	seedSignSortedKey    = "6B01C8C47289A25AE9C07AF171AFC2AC"
	seedSignFixedOrder   = "CAAB646FE256717CF00A288A01D32BE3"
	seedSignSortedConcat = "A7AD14DD4D84237C3DE3663621B7FEA9"
	// seedPublishedSign is the example's own sign; its secret is unknown.
	seedPublishedSign = "1B93A9D90503A2B7245C6CD89463AB2B"
)

func secret() signing.Secret { return signing.NewSecret(testSecret) }

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "notifications", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedWithSign is the published example, byte for byte, with its sign
// replaced.
func seedWithSign(t testing.TB, sign string) []byte {
	t.Helper()
	b := readFile(t, "seed.json")
	out := bytes.Replace(b, []byte(seedPublishedSign), []byte(sign), 1)
	if bytes.Equal(out, b) && sign != seedPublishedSign {
		t.Fatal("seed sign not found")
	}
	return out
}

func newTestClient(t testing.TB, r Rule) *Client {
	t.Helper()
	c, err := NewClient(Credentials{Secret: secret(), AppKey: "cxtest-app-key", MchID: "10086"}, WithRule(r))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dataFields decodes a body's data.
func dataFields(t testing.TB, body []byte) []Field {
	t.Helper()
	env, err := decodeEnvelope(body)
	if err != nil {
		t.Fatal(err)
	}
	return env.data
}

// buildBody writes an envelope around fields, compact, in their order.
func buildBody(fields []Field) []byte { return EncodeNotification(fields) }

// signed returns fields with their sign (added or replaced) computed by r.
func signed(fields []Field, r Rule) []Field {
	out := make([]Field, 0, len(fields)+1)
	for _, f := range fields {
		if f.Key != "sign" {
			out = append(out, f)
		}
	}
	raw, _ := json.Marshal(r.Sign(out, secret()))
	return append(out, JSONField("sign", raw))
}

// with returns a copy of fields with key's raw JSON replaced (or appended
// before sign when absent).
func with(fields []Field, key, raw string) []Field {
	out := make([]Field, 0, len(fields)+1)
	done := false
	for _, f := range fields {
		if f.Key == key {
			f, done = JSONField(key, json.RawMessage(raw)), true
		}
		if f.Key == "sign" && !done {
			out = append(out, JSONField(key, json.RawMessage(raw)))
			done = true
		}
		out = append(out, f)
	}
	if !done {
		out = append(out, JSONField(key, json.RawMessage(raw)))
	}
	return out
}

// without returns a copy of fields without key.
func without(fields []Field, key string) []Field {
	var out []Field
	for _, f := range fields {
		if f.Key != key {
			out = append(out, f)
		}
	}
	return out
}

var ctx = context.Background()
