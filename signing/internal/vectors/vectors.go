package vectors

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// root finds signing/testdata from the test's working directory (the package
// directory under go test) by walking up to the module's go.mod, so it works
// from any package below the module root.
var root = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "signing", "testdata"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("vectors: no go.mod above the working directory")
		}
		dir = parent
	}
})

// Path returns the path of signing/testdata/<name>, for tools that take a file
// name (openssl).
func Path(tb testing.TB, name string) string {
	tb.Helper()
	dir, err := root()
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// Read returns the contents of signing/testdata/<name>.
func Read(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Path(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ReadBase64 reads signing/testdata/<name> and decodes it as standard Base64
// (surrounding white space ignored): the bare-DER keys and the signatures.
func ReadBase64(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(Read(tb, name))))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return b
}

// Base64 decodes a standard-Base64 literal, such as a published signature.
func Base64(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// KeySeeds adds every key, certificate and signature file under
// signing/testdata/openssl and signing/testdata/published as a fuzz seed, plus
// edge cases of the PEM, Base64 and DER splitting, so every key parser starts
// from every real key of every kind.
func KeySeeds(f *testing.F) {
	f.Helper()
	for _, dir := range []string{"openssl", "published"} {
		entries, err := os.ReadDir(Path(f, dir))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sh") || strings.HasSuffix(e.Name(), ".md") {
				continue
			}
			f.Add(Read(f, dir+"/"+e.Name()))
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN"))
	f.Add([]byte("MA=="))
	f.Add([]byte{0x30, 0x80})
}

// CheckRedacted prints every value in every common fmt verb, with Sprint and
// Sprintln, as JSON, and through log/slog's JSON and text handlers (as an
// attribute and inside a group), and fails t for every output that contains one
// of the forbidden strings (keyed by a name for the failure message). The slog
// output must show placeholder somewhere, or LogValue was never exercised.
func CheckRedacted(t *testing.T, placeholder string, values map[string]any, forbidden map[string]string) {
	t.Helper()
	check := func(what, out string) {
		t.Helper()
		for name, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s leaks %s:\n%s", what, name, out)
			}
		}
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
		for name, v := range values {
			l.Info("value", name, v)
			l.Info("group", slog.Group("g", slog.Any(name, v)))
		}
	}
	check("slog", buf.String())
	if !strings.Contains(buf.String(), placeholder) {
		t.Error("slog output shows no placeholder: the check did not exercise LogValue")
	}
}

// CheckErr fails t unless err is nil or wraps target: what every parser and
// verifier promises a fuzzer (an error of the documented kind, never another).
func CheckErr(t *testing.T, err, target error) {
	t.Helper()
	if err != nil && !errors.Is(err, target) {
		t.Fatalf("error does not wrap %v: %v", target, err)
	}
}

// BadKeys returns inputs that no key parser may accept, keyed by a name for
// failure messages: empty and blank data, text that is neither PEM, Base64 nor
// DER, PEM with a broken or meaningless body, truncated keys, and an SM2 public
// key whose point is off the curve, compressed-tagged, or cut short.
func BadKeys(tb testing.TB) map[string][]byte {
	tb.Helper()
	sm2Pub := func() []byte { return ReadBase64(tb, "openssl/sm2_pub.b64") }
	offCurve := sm2Pub()
	offCurve[len(offCurve)-1] ^= 1 // Y changes, X stays: no longer on the curve
	enc := base64.StdEncoding.EncodeToString
	return map[string][]byte{
		"empty":         nil,
		"spaces":        []byte(" \n\t"),
		"not base64":    []byte("this is not a key!"),
		"base64 junk":   []byte("aGVsbG8gd29ybGQ="),
		"bad pem":       []byte("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n"),
		"pem junk":      []byte("-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n"),
		"truncated":     Read(tb, "openssl/rsa_pkcs8.b64")[:100],
		"half pem":      Read(tb, "openssl/sm2_pkcs8.pem")[:60],
		"sm2 off curve": []byte(enc(offCurve)),
		"sm2 bad pt":    bytes.Replace(sm2Pub(), []byte{0x04}, []byte{0x02}, 1),
		"sm2 pub junk":  []byte(enc(append(sm2Pub()[:40], make([]byte, 51)...))),
	}
}

// OpenSSL runs the openssl binary on files in a temporary directory, for tests
// that have an independent implementation check what this module produces.
type OpenSSL struct {
	t   *testing.T
	bin string
	dir string
}

// NewOpenSSL finds openssl on PATH, or skips t: the committed vectors cover the
// same ground without it.
func NewOpenSSL(t *testing.T) *OpenSSL {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH")
	}
	return &OpenSSL{t: t, bin: bin, dir: t.TempDir()}
}

// Write stores b as name in the temporary directory and returns its path.
func (o *OpenSSL) Write(name string, b []byte) string {
	o.t.Helper()
	p := filepath.Join(o.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		o.t.Fatal(err)
	}
	return p
}

// Run runs openssl with args and returns its standard output; a failure's error
// carries what openssl wrote to standard error.
func (o *OpenSSL) Run(args ...string) (string, error) {
	out, err := exec.Command(o.bin, args...).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(exit.Stderr))
	}
	return string(out), err
}
