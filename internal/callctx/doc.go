// Package callctx holds what a tousu call carries in its context besides
// cancellation, and the one check every entry point makes on the context it
// was given.
//
// [WithoutRetry] marks a call that must be attempted once, whatever the
// client's retry policy: the complaint callback handler enriches an event
// under the provider's acknowledgement deadline, so a retried GET there would
// only spend the time the acknowledgement needs. The HTTP layer reads the mark
// with [RetryDisabled].
//
// [CheckContext] is how a nil context is handled everywhere: never a panic
// deep inside net/http, but an error matching [ErrNilContext] returned before
// any work starts, which providers wrap into their validation errors.
package callctx
