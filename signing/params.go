package signing

import (
	"net/url"
	"slices"
	"sort"
)

// Param is one key/value pair of a parameter string.
//
// A flat parameter has an empty Path. A value that was an array or object on the
// wire is flattened the PHP http_build_query way into several Params that share the
// top-level Key and carry the rest of the name in Path ("[0][complaint_at]"), in the
// order the provider sent them. Sorting and the empty-value rule see only the
// top-level Key; nested pairs keep their order and are never dropped as empty.
type Param struct {
	Key   string
	Path  string
	Value string
}

// Name returns the name as it appears in the parameter string: Key followed by Path.
func (p Param) Name() string { return p.Key + p.Path }

// OmitFunc reports whether a top-level value counts as empty and is left out.
type OmitFunc func(value string) bool

// OmitEmpty leaves out "" only; a value of spaces is kept. Allinpay and the
// WeChat-v2-style platforms use this rule.
func OmitEmpty(v string) bool { return v == "" }

// OmitPHPFalsy leaves out what PHP's array_filter drops from a string array: "" and
// "0". Providers whose values are typed JSON map false, null, 0 and empty arrays to
// "" (or leave them out) before signing. PAYJS uses this rule.
func OmitPHPFalsy(v string) bool { return v == "" || v == "0" }

// KeyPlacement says where the secret goes in a parameter string.
type KeyPlacement int

const (
	// KeyNone appends no secret (RSA and SM2 signatures).
	KeyNone KeyPlacement = iota
	// KeyAppend appends "&<KeyName>=<secret>" after the sorted pairs (PAYJS, WeChat v2).
	KeyAppend
	// KeyConcat appends the secret directly, with no separator or name (epay style).
	KeyConcat
	// KeySorted adds "<KeyName>=<secret>" as one more pair and sorts it among the
	// others (Allinpay's legacy MD5).
	KeySorted
)

// ParamRule is one provider's recipe for turning a parameter set into the bytes it
// signs. The zero value sorts by key, keeps every value, excludes nothing and adds
// no secret. A ParamRule is safe for concurrent use once built.
type ParamRule struct {
	// Exclude lists top-level keys that are never signed (usually "sign", sometimes
	// "sign_type").
	Exclude []string
	// Omit decides which top-level values count as empty. Nil keeps every value.
	Omit OmitFunc
	// Fields, when set, is a fixed field order: exactly these keys are signed, in
	// this order, and every other key is ignored. A missing field is signed as an
	// empty value unless Omit drops it. When nil, pairs are sorted by top-level key
	// in byte order (PHP ksort and Java TreeMap order for ASCII keys), and nested
	// pairs keep their given order.
	Fields []string
	// Escape, when set, transforms each value (for example url.QueryEscape); nil
	// signs values raw, which is what every provider here does.
	Escape func(string) string
	// Placement says where the secret goes. KeyName is the name used by KeyAppend
	// and KeySorted; empty means "key".
	Placement KeyPlacement
	KeyName   string
}

// Build returns the string to sign for params and secret, as bytes. The result
// contains the secret when Placement is not KeyNone: never log it.
func (r *ParamRule) Build(params []Param, secret []byte) []byte {
	return r.Append(nil, params, secret)
}

// Append is Build appending to dst, for callers that reuse a buffer.
func (r *ParamRule) Append(dst []byte, params []Param, secret []byte) []byte {
	keyName := r.KeyName
	if keyName == "" {
		keyName = "key"
	}
	sel := r.selectParams(params)
	if r.Placement == KeySorted {
		sel = append(sel, Param{Key: keyName, Value: string(secret)})
		if r.Fields == nil {
			sortParams(sel)
		}
	}
	first := true
	for _, p := range sel {
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, p.Key...)
		dst = append(dst, p.Path...)
		dst = append(dst, '=')
		if r.Escape != nil {
			dst = append(dst, r.Escape(p.Value)...)
		} else {
			dst = append(dst, p.Value...)
		}
	}
	switch r.Placement {
	case KeyAppend:
		if !first {
			dst = append(dst, '&')
		}
		dst = append(dst, keyName...)
		dst = append(dst, '=')
		dst = append(dst, secret...)
	case KeyConcat:
		dst = append(dst, secret...)
	}
	return dst
}

// selectParams applies Exclude, Omit and the order, returning a new slice.
func (r *ParamRule) selectParams(params []Param) []Param {
	keep := func(p Param) bool {
		if slices.Contains(r.Exclude, p.Key) {
			return false
		}
		if p.Path == "" && r.Omit != nil && r.Omit(p.Value) {
			return false
		}
		return true
	}
	if r.Fields != nil {
		out := make([]Param, 0, len(r.Fields)+1)
		for _, f := range r.Fields {
			found := false
			for _, p := range params {
				if p.Key == f {
					found = true
					if keep(p) {
						out = append(out, p)
					}
				}
			}
			if !found && keep(Param{Key: f}) {
				out = append(out, Param{Key: f})
			}
		}
		return out
	}
	out := make([]Param, 0, len(params)+1)
	for _, p := range params {
		if keep(p) {
			out = append(out, p)
		}
	}
	sortParams(out)
	return out
}

// sortParams sorts by top-level key in byte order, keeping the given order of
// pairs that share a key (nested pairs).
func sortParams(ps []Param) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Key < ps[j].Key })
}

// ParamsFromValues turns form values into flat Params, one per key with its first
// value. Keys come out sorted, so the result is deterministic.
func ParamsFromValues(v url.Values) []Param {
	out := make([]Param, 0, len(v))
	for k, vs := range v {
		val := ""
		if len(vs) > 0 {
			val = vs[0]
		}
		out = append(out, Param{Key: k, Value: val})
	}
	sortParams(out)
	return out
}

// ParamsFromMap turns a map into flat Params, sorted by key.
func ParamsFromMap(m map[string]string) []Param {
	out := make([]Param, 0, len(m))
	for k, v := range m {
		out = append(out, Param{Key: k, Value: v})
	}
	sortParams(out)
	return out
}
