package complaint

import (
	"context"
	"errors"

	"github.com/tousu-go/tousu/signing"
)

// Shared errors. Every provider's *APIError and verifier error matches one of these
// with errors.Is, so code handling complaints from several providers can react
// alike: back off on ErrRateLimited, alert on ErrUnauthorized, answer 401 on
// ErrSignatureInvalid.
var (
	// ErrRateLimited: the provider refused the call for frequency (HTTP 429, WeChat
	// FREQUENCY_LIMITED, a PAYJS poll inside its interval).
	ErrRateLimited = errors.New("complaint: rate limited")
	// ErrNotFound: the complaint, order or resource does not exist.
	ErrNotFound = errors.New("complaint: not found")
	// ErrUnauthorized: the provider rejected our credentials or our request
	// signature (WeChat SIGN_ERROR, NO_AUTH).
	ErrUnauthorized = errors.New("complaint: unauthorized")
	// ErrInvalidRequest: a request broke a documented limit, found before sending
	// (see *ValidationError) or reported by the provider (WeChat PARAM_ERROR).
	ErrInvalidRequest = errors.New("complaint: invalid request")
	// ErrSignatureInvalid: a response or callback signature did not verify. It is
	// the same value as signing.ErrSignatureInvalid.
	ErrSignatureInvalid = signing.ErrSignatureInvalid
	// ErrTimestampSkew: a signed message's timestamp is too far from now.
	ErrTimestampSkew = errors.New("complaint: timestamp outside the allowed window")
	// ErrUnknownKey: a message names a key serial or key id we do not hold.
	ErrUnknownKey = errors.New("complaint: unknown key serial")
	// ErrBodyTooLarge: a callback body exceeded the configured limit.
	ErrBodyTooLarge = errors.New("complaint: body too large")
	// ErrMalformedNotification: a callback is not what the provider sends (bad
	// JSON or form, missing headers or fields, undecryptable resource).
	ErrMalformedNotification = errors.New("complaint: malformed notification")
	// ErrUnsupported is errors.ErrUnsupported: the provider lacks the capability
	// (PAYJS has no complaint detail; WeChat global has no refund decision).
	ErrUnsupported = errors.ErrUnsupported
)

// ValidationError reports a request that breaks a documented limit, found before
// anything was sent. It matches ErrInvalidRequest.
type ValidationError struct {
	// Field is the request field, as named on the wire ("response_content").
	Field string
	// Reason says what is wrong, without echoing the value.
	Reason string
}

// Error names the field and the reason, never the value.
func (e *ValidationError) Error() string {
	return "complaint: invalid " + e.Field + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidRequest) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }

// CheckContext returns nil for a usable context and, for a nil one, a
// *ValidationError for the field "ctx" that matches ErrInvalidRequest. Every
// tousu call that takes a context answers a nil one this way, never with a
// panic and never by substituting context.Background.
func CheckContext(ctx context.Context) error {
	if ctx == nil {
		return &ValidationError{Field: "ctx", Reason: "is nil"}
	}
	return nil
}
