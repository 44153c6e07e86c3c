package signing

import (
	"net/url"
	"slices"
	"strings"
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
	// Size the result once: the pairs plus "&"/"=", and the secret with its name.
	n := len(secret) + len(r.KeyName) + len("&key=")
	for _, p := range params {
		n += len(p.Key) + len(p.Path) + len(p.Value) + 2
	}
	return r.Append(make([]byte, 0, n), params, secret)
}

// Append is Build appending to dst, for callers that reuse a buffer. When params
// are already in key order (ParamsFromValues and ParamsFromMap return them so),
// it allocates nothing beyond growing dst.
func (r *ParamRule) Append(dst []byte, params []Param, secret []byte) []byte {
	keyName := r.KeyName
	if keyName == "" {
		keyName = "key"
	}
	first := true
	pair := func(key, path, value string) {
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, key...)
		dst = append(dst, path...)
		dst = append(dst, '=')
		if r.Escape != nil {
			dst = append(dst, r.Escape(value)...)
		} else {
			dst = append(dst, value...)
		}
	}
	secretPair := func() {
		if r.Escape != nil {
			pair(keyName, "", string(secret))
			return
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, keyName...)
		dst = append(dst, '=')
		dst = append(dst, secret...)
	}

	if r.Fields != nil {
		for _, f := range r.Fields {
			found := false
			for _, p := range params {
				if p.Key == f {
					found = true
					if r.keep(p) {
						pair(p.Key, p.Path, p.Value)
					}
				}
			}
			if !found && r.keep(Param{Key: f}) {
				pair(f, "", "")
			}
		}
		if r.Placement == KeySorted {
			secretPair()
		}
	} else {
		ps := params
		if !slices.IsSortedFunc(ps, compareKeys) {
			ps = slices.Clone(params)
			slices.SortStableFunc(ps, compareKeys)
		}
		// KeySorted places the secret after every pair whose key sorts at or
		// before keyName, as a stable sort of params plus the secret pair would.
		keyDone := r.Placement != KeySorted
		for _, p := range ps {
			if !r.keep(p) {
				continue
			}
			if !keyDone && p.Key > keyName {
				secretPair()
				keyDone = true
			}
			pair(p.Key, p.Path, p.Value)
		}
		if !keyDone {
			secretPair()
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

// keep applies Exclude to every pair and Omit to top-level values.
func (r *ParamRule) keep(p Param) bool {
	if slices.Contains(r.Exclude, p.Key) {
		return false
	}
	return p.Path != "" || r.Omit == nil || !r.Omit(p.Value)
}

// compareKeys orders Params by top-level key in byte order. Used with a stable
// sort, pairs that share a key (nested pairs) keep their given order.
func compareKeys(a, b Param) int { return strings.Compare(a.Key, b.Key) }

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
	slices.SortStableFunc(out, compareKeys)
	return out
}

// ParamsFromMap turns a map into flat Params, sorted by key.
func ParamsFromMap(m map[string]string) []Param {
	out := make([]Param, 0, len(m))
	for k, v := range m {
		out = append(out, Param{Key: k, Value: v})
	}
	slices.SortStableFunc(out, compareKeys)
	return out
}
