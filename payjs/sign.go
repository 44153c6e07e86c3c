package payjs

import (
	"crypto/md5"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
)

// Signer signs and verifies PAYJS parameter sets the way PAYJS's PHP server
// does (payjs-cn/phpsdk sign and checkSign):
//
//	unset($data['sign']);
//	$data = array_filter($data);
//	ksort($data);
//	return strtoupper(md5(urldecode(http_build_query($data)) . '&key=' . $key));
//
// In detail:
//   - array_filter drops top-level values PHP treats as falsy: "" and "0" (and
//     what FlattenJSON maps to them); nested values are never dropped;
//   - ksort orders the top-level keys as PHP 8.2 does: byte order for ordinary
//     keys, numbers for numeric ones ("9" before "10"), and PHP's own
//     comparison for mixed sets (see phpKeyCompare); nested values keep their
//     order;
//   - http_build_query then urldecode joins "k=v" and "k[sub]=v" with "&",
//     values raw;
//   - "&key=<key>" is appended even when nothing is left, so an all-empty set
//     signs "&key=<key>";
//   - the MD5 of those UTF-8 bytes is written in upper-case hex.
//
// signing.ParamRule cannot express this rule (it sorts keys byte by byte and
// writes "key=<key>" for an empty set), so this package offers none.
//
// It never prints its key. A Signer is safe for concurrent use.
type Signer struct {
	secret signing.Secret
	// lenient also accepts the candidate signed without array_filter.
	lenient bool
}

// NewSigner returns a Signer for the merchant's 通信密钥 (build it with
// signing.NewSecret from a string or a []byte).
func NewSigner(key signing.Secret) *Signer { return &Signer{secret: key} }

// Sign returns the 32-character upper-case signature of params. A "sign"
// parameter among them is ignored. To check a JSON answer use VerifyJSON,
// which also sees the arrays that print nothing (see FlattenJSON).
func (s *Signer) Sign(params []signing.Param) string {
	return signing.MD5Hex(s.sum(params, nil, true), signing.Upper)
}

// Verify checks sig against params in constant time; a mismatch, a wrong length
// or lower-case hex is signing.ErrSignatureInvalid. A Lenient signer also
// accepts the no-filter candidate.
func (s *Signer) Verify(params []signing.Param, sig string) error { return s.verify(params, nil, sig) }

// verify is Verify with the PHP array's entries when they are known (see
// message.entries); nil entries are derived from params.
func (s *Signer) verify(params []signing.Param, entries []phpEntry, sig string) error {
	err := signing.VerifyMD5(s.sum(params, entries, true), sig, signing.Upper, false)
	if err != nil && s.lenient && signing.VerifyMD5(s.sum(params, entries, false), sig, signing.Upper, false) == nil {
		return nil
	}
	return err
}

// Lenient returns a signer that signs like s but, when a signature fails under
// PHP's rule, also accepts one computed without dropping empty and "0" values:
// the rule of PAYJS's official Java demo and fastadmin plugin. Which filter the
// PAYJS server applies on every endpoint is inferred, not documented (the PHP
// SDK's array_filter is the evidence), so this is an opt-in fallback for
// answers or notifications that fail to verify only because of an empty or zero
// field. It accepts two candidate signatures instead of one.
func (s *Signer) Lenient() *Signer { return &Signer{secret: s.secret, lenient: true} }

// sum is the MD5 of the string PHP hashes for params, with or without
// array_filter.
func (s *Signer) sum(params []signing.Param, entries []phpEntry, filter bool) [md5.Size]byte {
	// Typical strings fit this stack buffer; longer ones spill to the heap.
	var arr [512]byte
	buf := appendPHPQuery(arr[:0], params, entries, filter)
	buf = append(buf, "&key="...)
	buf = append(buf, s.secret.Bytes()...)
	sum := md5.Sum(buf)
	clear(buf) // it holds the key
	return sum
}

// phpEntry is one top-level entry of the PHP array the server signs: the key
// and its Params, params[from:to].
type phpEntry struct {
	key      string
	from, to int
}

// appendPHPEntries appends the entries of params: one per top-level Param,
// and one per run of Params sharing a Key with a non-empty Path (a nested
// value, as FlattenJSON returns it).
func appendPHPEntries(entries []phpEntry, params []signing.Param) []phpEntry {
	for i := 0; i < len(params); {
		j := i + 1
		if params[i].Path != "" {
			for j < len(params) && params[j].Key == params[i].Key && params[j].Path != "" {
				j++
			}
		}
		entries = append(entries, phpEntry{key: params[i].Key, from: i, to: j})
		i = j
	}
	return entries
}

// appendPHPQuery appends urldecode(http_build_query(ksort($data))) for params,
// after removing "sign" and, with filter, array_filter's falsy top-level
// values. entries, when not nil, are the PHP array's entries; otherwise they
// are derived from params. Entries that compare equal under ksort (1 and
// "1.0") keep their given order.
func appendPHPQuery(dst []byte, params []signing.Param, entries []phpEntry, filter bool) []byte {
	// Working memory on the stack for the usual sizes (a PAYJS answer has
	// about a dozen fields); append moves larger sets to the heap.
	const small = 32
	var entryBuf, keptBuf [small]phpEntry
	var keyBuf [small]phpKey
	var orderBuf [small]int
	if entries == nil {
		entries = appendPHPEntries(entryBuf[:0], params)
	}
	kept, keys := keptBuf[:0], keyBuf[:0]
	for _, e := range entries {
		scalar := e.to == e.from+1 && params[e.from].Path == ""
		if e.key == "sign" || (filter && scalar && signing.OmitPHPFalsy(params[e.from].Value)) {
			continue
		}
		kept = append(kept, e)
		keys = append(keys, newPHPKey(e.key))
	}
	order := orderBuf[:0]
	if len(kept) > small {
		order = make([]int, len(kept))
	}
	order = order[:len(kept)]
	ksortKeys(order, keys)
	start := len(dst)
	for _, i := range order {
		for _, p := range params[kept[i].from:kept[i].to] {
			if len(dst) > start {
				dst = append(dst, '&')
			}
			dst = append(dst, p.Key...)
			dst = append(dst, p.Path...)
			dst = append(dst, '=')
			dst = append(dst, p.Value...)
		}
	}
	return dst
}

// SignValues signs form values (the first value of each key). PAYJS requests are
// signed over exactly what is sent, so drop the parameters you do not send
// before signing.
func (s *Signer) SignValues(v url.Values) string { return s.Sign(signing.ParamsFromValues(v)) }

// VerifyValues checks form values carrying their own "sign" field, the way a
// PAYJS payment notification or request is checked: every received field takes
// part, including ones this package does not know. A key sent more than once is
// rejected (PHP would keep the last, most Go code the first; a signed message
// never has both). url.Values does not keep the order of the wire, which PHP's
// ksort depends on only for cyclic mixes of numeric and other keys (see
// Signer); Client.Verify, which has the body, keeps it.
func (s *Signer) VerifyValues(v url.Values) error {
	params, sig, err := formParams(v, nil)
	if err != nil {
		return err
	}
	return s.Verify(params, sig)
}

// VerifyJSON checks a PAYJS JSON response or message against its "sign" field
// over the fields exactly as received (see FlattenJSON). A message without a
// sign is ErrUnsigned; a bad sign is signing.ErrSignatureInvalid.
func (s *Signer) VerifyJSON(body []byte) error {
	m, err := readMessage(body)
	if err != nil {
		return err
	}
	return s.verifyMessage(m)
}

func (s *Signer) verifyMessage(m *message) error {
	if !m.signPresent {
		return ErrUnsigned
	}
	if !m.signIsString {
		return fmt.Errorf("%w: sign is not a string", signing.ErrSignatureInvalid)
	}
	return s.verify(m.params, m.entries, m.sign)
}

// String describes the signer without its key.
func (s *Signer) String() string { return "payjs.Signer{key=" + signing.Redacted + "}" }

// GoString is String, so %#v never shows the key.
func (s *Signer) GoString() string { return s.String() }

// formParams turns received form values into Params and the sign. It rejects
// repeated keys. order, when not nil, is the keys' order on the wire (see
// formOrder): PHP's $_POST keeps it, and ksort's result depends on it for the
// mixes of numeric and other keys that PHP compares in a cycle. Without it the
// Params come in byte order of their keys, which gives PHP's result for every
// other key set.
func formParams(v url.Values, order []string) ([]signing.Param, string, error) {
	params := make([]signing.Param, 0, len(v))
	sig := ""
	for k, vs := range v {
		if len(vs) != 1 {
			return nil, "", fmt.Errorf("%w: field %q sent %d times", ErrMalformed, httpc.ProviderText(k), len(vs))
		}
		if k == "sign" {
			sig = vs[0]
		}
	}
	if len(order) != len(v) {
		order = slices.Sorted(maps.Keys(v))
	}
	for _, k := range order {
		params = append(params, signing.Param{Key: k, Value: v.Get(k)})
	}
	return params, sig, nil
}

// formOrder returns the keys of a form body in order, skipping what
// url.ParseQuery skips (empty pairs), so that for a body without repeated keys
// it lists exactly the keys of url.ParseQuery(body). (formParams rejects
// repeated keys before it looks at the order.)
func formOrder(body string) []string {
	keys := make([]string, 0, strings.Count(body, "&")+1)
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(k); err == nil {
			keys = append(keys, k)
		}
	}
	return keys
}
