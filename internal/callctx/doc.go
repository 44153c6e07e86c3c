// Package callctx holds what a tousu call carries in its context besides
// cancellation.
//
// [WithoutRetry] marks a call that must be attempted once, whatever the
// client's retry policy: the complaint callback handler enriches an event
// under the provider's acknowledgement deadline, so a retried GET there would
// only spend the time the acknowledgement needs. The HTTP layer reads the mark
// with [RetryDisabled].
//
// A nil context is answered by complaint.CheckContext, the same way in every
// package.
package callctx
