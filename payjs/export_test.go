package payjs

import "github.com/tousu-go/tousu/signing"

// Names for the external tests (package payjs_test).
var (
	// RefPHPFloat is the tests' own construction of PHP's float text.
	RefPHPFloat = refPHPFloat
	// RefKsortOrder is the tests' own ksort order for keys without PHP's
	// non-transitive mixes.
	RefKsortOrder = refKsortOrder
)

// PHPQuery is the signer's string before "&key=": what PHP's
// urldecode(http_build_query(...)) gives after array_filter and ksort.
func PHPQuery(params []signing.Param) string { return string(appendPHPQuery(nil, params, nil, true)) }

// The PHP rules, for the opt-in cross-check against a real PHP.
var (
	PHPKsort  = phpKsort
	PHPNumber = phpNumber
)
