package signing

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// Redacted is what every secret-holding type prints instead of its contents. It
// is exported so that key types outside this package (signing/sm2) print the
// same placeholder, and tests can look for it.
const Redacted = "[REDACTED]"

// Secret holds a shared secret (an MD5 signing key, the WeChat APIv3 key). Its
// String, GoString, Format and LogValue never reveal the bytes, so a Secret can sit
// in a config struct that is logged or printed with %+v.
//
// The bytes sit behind a function value: where fmt cannot call Format (a Secret
// in an unexported struct field, which fmt prints by reflection, even under a bad
// verb such as %s) it prints a function as an address, never the contents.
type Secret struct {
	get func() []byte
}

// NewSecret copies s into a Secret. It takes a string (a key from a config file
// or an environment variable) or a byte slice (a key read from a file or a
// vault) alike, so no caller converts and leaves an extra copy of the secret
// behind. The bytes are copied: changing or clearing the caller's slice
// afterwards does not change the Secret.
func NewSecret[T ~string | ~[]byte](s T) Secret {
	b := make([]byte, len(s))
	copy(b, s)
	return Secret{get: func() []byte { return b }}
}

// Bytes returns the secret bytes. The caller must not modify or log them.
func (s Secret) Bytes() []byte {
	if s.get == nil {
		return nil
	}
	return s.get()
}

// Len reports the length of the secret in bytes.
func (s Secret) Len() int { return len(s.Bytes()) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Len() == 0 }

// Equal reports in constant time whether s and t hold the same bytes.
func (s Secret) Equal(t Secret) bool { return subtle.ConstantTimeCompare(s.Bytes(), t.Bytes()) == 1 }

// String returns a fixed placeholder, never the secret.
func (Secret) String() string { return Redacted }

// GoString returns a fixed placeholder, never the secret.
func (Secret) GoString() string { return "signing.Secret{" + Redacted + "}" }

// Format prints a fixed placeholder for every verb (%s, %v, %x, %d, ...).
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// LogValue makes log/slog print a placeholder.
func (Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalText returns the placeholder, so encoding/json and friends never serialise
// the secret.
func (Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }
