package payjs

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tousu-go/tousu/signing"
)

// maxDepth bounds the nesting FlattenJSON accepts. PAYJS responses nest two
// levels (complaints[0][field]); the bound keeps hostile input from recursing.
const maxDepth = 32

// FlattenJSON reads a PAYJS JSON object into the Params its PHP server signs,
// in received order, with a single order-preserving pass over the bytes (never
// through map[string]any or float64: 1000000 stays "1000000", not "1e+06").
//
// Top-level values follow PHP's array_filter as the server applies it before
// signing:
//   - strings are kept as received ("" and "0" are then dropped by Rule's Omit);
//   - numbers keep their literal text; a number whose value is zero ("0",
//     "-0", "0.0", "0e5") is falsy and becomes "0", which Rule's Omit drops
//     (and which a Lenient signer's no-filter candidate signs as PAYJS's Java
//     demo would);
//   - true is "1", false is "" (dropped), null is left out;
//   - an empty array or object is left out (array_filter drops it);
//   - a non-empty array or object is flattened as http_build_query does.
//
// Nested values follow http_build_query: each scalar is one Param sharing the
// top-level Key, with Path "[0][complaint_at]" built from object keys and
// array indexes in received order; nested "" is kept, nested null and empty
// containers produce nothing, true is "1" and false is "0".
//
// Floats are signed as their literal JSON text. PHP would sign its own float
// formatting (1.0 as "1"); PAYJS sends no float fields (amounts are integer
// fen), so a float that PHP formats differently from its JSON text would not
// verify. That is a documented limitation, not a silent acceptance.
//
// Duplicate keys in any object are rejected: encoding/json keeps the last one
// while the signature covers both, so accepting them would let a typed field
// differ from what was verified. The "sign" key is returned among the Params;
// Rule excludes it.
func FlattenJSON(body []byte) ([]signing.Param, error) {
	m, err := readMessage(body)
	if err != nil {
		return nil, err
	}
	return m.params, nil
}

// message is a JSON object read by readMessage.
type message struct {
	params       []signing.Param
	sign         string
	signPresent  bool // a top-level "sign" with a non-empty value
	signIsString bool
	returnCode   string // literal text of return_code, "" when absent
	hasReturn    bool
}

// value looks up a top-level scalar Param.
func (m *message) value(key string) string {
	for _, p := range m.params {
		if p.Key == key && p.Path == "" {
			// A copy, so an error keeping it does not keep the body.
			return strings.Clone(p.Value)
		}
	}
	return ""
}

// readMessage decodes one JSON object in a single pass over its bytes. It
// accepts exactly what encoding/json accepts (RFC 8259 grammar, whitespace
// " \t\r\n", nothing after the object) and decodes strings exactly as it does:
// invalid UTF-8 and lone or mismatched \u surrogates become U+FFFD. It never
// panics on any input; every error wraps ErrMalformed.
//
// The body is copied to a string once; keys and values without escapes are
// substrings of that copy, and every nested Path is a substring of one more
// string built at the end, so a response costs a handful of allocations
// however many fields it has.
func readMessage(body []byte) (*message, error) {
	// Each scalar but the first in a container follows a comma, so the commas
	// bound the Params of a well-formed body (commas inside strings only
	// overestimate). The cap keeps a hostile body from reserving much.
	n := bytes.Count(body, []byte{','}) + 1
	if n > maxPreparams {
		n = maxPreparams
	}
	buf := scratchPool.Get().(*scratch)
	defer buf.put()
	sc := scanner{
		s:       string(body),
		m:       &message{params: make([]signing.Param, 0, n)},
		scratch: buf,
	}
	sc.space()
	if sc.i >= len(sc.s) || sc.s[sc.i] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	sc.i++
	if err := sc.object(1, ""); err != nil {
		return nil, err
	}
	sc.space()
	if sc.i != len(sc.s) {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	if len(sc.refs) > 0 {
		paths := string(sc.arena)
		from := 0
		for _, r := range sc.refs {
			sc.m.params[r.param].Path = paths[from:r.end]
			from = r.end
		}
	}
	return sc.m, nil
}

// maxPreparams bounds the Params readMessage reserves before reading.
const maxPreparams = 256

// pathRef says that params[param].Path ends at arena[end] and starts where the
// previous pathRef ended.
type pathRef struct {
	param, end int
}

// scanner is readMessage's state.
type scanner struct {
	s string // the body
	i int    // next unread byte of s
	m *message
	*scratch
}

// scratch is the reusable working memory of a scanner. Nothing in it is
// returned to readMessage's caller: the arena is copied into a string.
type scratch struct {
	path  []byte    // Path of the value being read, "[0][complaint_at]"
	arena []byte    // the Paths of nested Params, concatenated in order
	refs  []pathRef // where each nested Param's Path ends in arena
	keys  []string  // keys of the objects being read, for duplicate checks
	esc   []byte    // for strings with escapes or invalid UTF-8
}

// maxScratch is the largest buffer a scratch keeps for reuse.
const maxScratch = 64 << 10

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// put empties s and returns it to the pool, unless a huge body grew it. The
// keys are cleared so that a pooled scratch keeps no body alive.
func (s *scratch) put() {
	clear(s.keys[:cap(s.keys)])
	if cap(s.arena) > maxScratch || cap(s.esc) > maxScratch || cap(s.keys) > maxScratch/16 ||
		cap(s.refs) > maxScratch/16 || cap(s.path) > maxScratch {
		return
	}
	s.path, s.arena, s.refs, s.keys, s.esc = s.path[:0], s.arena[:0], s.refs[:0], s.keys[:0], s.esc[:0]
	scratchPool.Put(s)
}

// Kinds of JSON value.
const (
	kindString = iota
	kindNumber
	kindTrue
	kindFalse
	kindNull
	kindObject
	kindArray
)

// dupCheckLinear is how many keys of one object are compared one by one
// before a map takes over, so hostile input stays linear.
const dupCheckLinear = 16

func (sc *scanner) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrMalformed, what, sc.i)
}

// space skips JSON whitespace.
func (sc *scanner) space() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// object reads the members of an object whose '{' was consumed. depth is the
// object's nesting level (1 for the message itself); top is the top-level key
// the object belongs to and sc.path its name below that key.
func (sc *scanner) object(depth int, top string) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
	}
	sc.space()
	if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
		sc.i++
		return nil
	}
	base := len(sc.keys)
	var seen map[string]struct{}
	for {
		sc.space()
		if sc.i >= len(sc.s) || sc.s[sc.i] != '"' {
			return sc.fail("object key is not a string")
		}
		key, err := sc.str()
		if err != nil {
			return err
		}
		if seen != nil {
			if _, dup := seen[key]; dup {
				return fmt.Errorf("%w: duplicate key %q", ErrMalformed, key)
			}
			seen[key] = struct{}{}
		} else {
			for _, k := range sc.keys[base:] {
				if k == key {
					return fmt.Errorf("%w: duplicate key %q", ErrMalformed, key)
				}
			}
			sc.keys = append(sc.keys, key)
			if len(sc.keys)-base > dupCheckLinear {
				seen = make(map[string]struct{}, 4*dupCheckLinear)
				for _, k := range sc.keys[base:] {
					seen[k] = struct{}{}
				}
			}
		}
		sc.space()
		if sc.i >= len(sc.s) || sc.s[sc.i] != ':' {
			return sc.fail("missing colon after object key")
		}
		sc.i++
		if depth == 1 {
			err = sc.topValue(key)
		} else {
			n := len(sc.path)
			sc.path = append(sc.path, '[')
			sc.path = append(sc.path, key...)
			sc.path = append(sc.path, ']')
			err = sc.nestedValue(depth, top)
			sc.path = sc.path[:n]
		}
		if err != nil {
			return err
		}
		sc.space()
		if sc.i >= len(sc.s) {
			return sc.fail("unterminated object")
		}
		switch sc.s[sc.i] {
		case ',':
			sc.i++
		case '}':
			sc.i++
			sc.keys = sc.keys[:base]
			return nil
		default:
			return sc.fail("missing comma after object member")
		}
	}
}

// array reads the elements of an array whose '[' was consumed.
func (sc *scanner) array(depth int, top string) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
	}
	sc.space()
	if sc.i < len(sc.s) && sc.s[sc.i] == ']' {
		sc.i++
		return nil
	}
	for idx := 0; ; idx++ {
		n := len(sc.path)
		sc.path = append(sc.path, '[')
		sc.path = strconv.AppendInt(sc.path, int64(idx), 10)
		sc.path = append(sc.path, ']')
		err := sc.nestedValue(depth, top)
		sc.path = sc.path[:n]
		if err != nil {
			return err
		}
		sc.space()
		if sc.i >= len(sc.s) {
			return sc.fail("unterminated array")
		}
		switch sc.s[sc.i] {
		case ',':
			sc.i++
		case ']':
			sc.i++
			return nil
		default:
			return sc.fail("missing comma after array element")
		}
	}
}

// topValue reads one top-level member value with array_filter semantics.
func (sc *scanner) topValue(key string) error {
	kind, v, err := sc.value()
	if err != nil {
		return err
	}
	m := sc.m
	switch key {
	case "sign":
		m.signIsString = kind == kindString
		m.signPresent = kind != kindNull && kind != kindFalse && (kind != kindString || v != "")
		if kind == kindString {
			m.sign = v
		}
	case "return_code":
		m.hasReturn = true
		if kind == kindString || kind == kindNumber {
			m.returnCode = v
		}
	}
	switch kind {
	case kindString:
	case kindNumber:
		if zeroNumber(v) {
			v = "0"
		}
	case kindTrue:
		v = "1"
	case kindFalse:
		v = ""
	case kindNull:
		return nil // array_filter drops null.
	case kindObject:
		// An empty container adds nothing, which is array_filter's rule.
		return sc.object(2, key)
	case kindArray:
		return sc.array(2, key)
	}
	m.params = append(m.params, signing.Param{Key: key, Value: v})
	return nil
}

// nestedValue reads one value below the top level, named sc.path, with
// http_build_query semantics. depth is the level of its container.
func (sc *scanner) nestedValue(depth int, top string) error {
	kind, v, err := sc.value()
	if err != nil {
		return err
	}
	switch kind {
	case kindString, kindNumber:
	case kindTrue:
		v = "1"
	case kindFalse:
		v = "0"
	case kindNull:
		return nil // http_build_query skips null.
	case kindObject:
		return sc.object(depth+1, top)
	case kindArray:
		return sc.array(depth+1, top)
	}
	sc.m.params = append(sc.m.params, signing.Param{Key: top, Value: v})
	sc.arena = append(sc.arena, sc.path...)
	sc.refs = append(sc.refs, pathRef{param: len(sc.m.params) - 1, end: len(sc.arena)})
	return nil
}

// value reads the next value. For a string it returns the decoded text, for a
// number its literal text; for an object or array it consumes only the opening
// bracket.
func (sc *scanner) value() (kind int, v string, err error) {
	sc.space()
	if sc.i >= len(sc.s) {
		return 0, "", sc.fail("unexpected end of input")
	}
	switch c := sc.s[sc.i]; {
	case c == '"':
		v, err = sc.str()
		return kindString, v, err
	case c == '{':
		sc.i++
		return kindObject, "", nil
	case c == '[':
		sc.i++
		return kindArray, "", nil
	case c == 't':
		return kindTrue, "", sc.literal("true")
	case c == 'f':
		return kindFalse, "", sc.literal("false")
	case c == 'n':
		return kindNull, "", sc.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		v, err = sc.number()
		return kindNumber, v, err
	}
	return 0, "", sc.fail("invalid character looking for a value")
}

// literal consumes word or fails.
func (sc *scanner) literal(word string) error {
	if !strings.HasPrefix(sc.s[sc.i:], word) {
		return sc.fail("invalid literal")
	}
	sc.i += len(word)
	return nil
}

// number reads a number by the JSON grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and returns its text. What
// follows it is checked by the caller, so "01" fails there, as in
// encoding/json.
func (sc *scanner) number() (string, error) {
	s, i := sc.s, sc.i
	start := i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i+1)
	default:
		sc.i = i
		return "", sc.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			sc.i = i
			return "", sc.fail("invalid number")
		}
		i = digits(s, i)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			sc.i = i
			return "", sc.fail("invalid number")
		}
		i = digits(s, i)
	}
	sc.i = i
	return s[start:i], nil
}

// digits returns the index of the first non-digit at or after i.
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// str reads a string whose opening quote is at sc.i. A string without escapes
// and with valid UTF-8 is a substring of the body; others are decoded by
// strSlow.
func (sc *scanner) str() (string, error) {
	s := sc.s
	start := sc.i + 1
	i := start
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '"' {
				sc.i = i + 1
				return s[start:i], nil
			}
			if c == '\\' || c < ' ' {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	return sc.strSlow(start, i)
}

// strSlow decodes the rest of a string from s[i], s[start:i] being plain text,
// exactly as encoding/json does: the escapes \" \\ \/ \b \f \n \r \t and \uXXXX,
// a high and low surrogate escape pair joined, any other surrogate escape and
// each byte of invalid UTF-8 replaced by U+FFFD; raw control characters and
// other escapes are errors.
func (sc *scanner) strSlow(start, i int) (string, error) {
	s := sc.s
	b := append(sc.esc[:0], s[start:i]...)
	for {
		if i >= len(s) {
			sc.i = i
			return "", sc.fail("unterminated string")
		}
		c := s[i]
		switch {
		case c == '"':
			sc.i = i + 1
			sc.esc = b
			return string(b), nil
		case c == '\\':
			if i+1 >= len(s) {
				sc.i = i
				return "", sc.fail("unterminated string")
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s, i+2)
				if r < 0 {
					sc.i = i
					return "", sc.fail(`invalid \u escape`)
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2 = hex4(s, i+2)
					}
					if d := utf16.DecodeRune(r, r2); d != unicode.ReplacementChar {
						r = d
						i += 6
					} else {
						r = unicode.ReplacementChar
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				sc.i = i
				return "", sc.fail("invalid escape in string")
			}
			i += 2
		case c < ' ':
			sc.i = i
			return "", sc.fail("control character in string")
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			// Invalid UTF-8 decodes as RuneError of size 1: one U+FFFD per byte.
			r, size := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
}

// hex4 reads the four hex digits at s[i:], or returns -1.
func hex4(s string, i int) rune {
	if i+4 > len(s) {
		return -1
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// zeroNumber reports whether a JSON number literal has the value zero: its
// mantissa digits are all '0'. PHP reads such a number as int 0 or float 0.0,
// both falsy.
func zeroNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'e' || c == 'E':
			return true
		case c >= '1' && c <= '9':
			return false
		}
	}
	return true
}
