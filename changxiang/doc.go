// Package changxiang will hold the 畅想 card-issuing platform integration: the
// open platform's JSON complaint notification (with a pluggable verifier for its
// unpublished MD5 sign rule) and the v3 payment callback (fixed-order,
// lower-case MD5).
//
// Nothing is implemented here yet; the package exists so the repository layout is
// final. See the README for the status of each provider.
package changxiang
