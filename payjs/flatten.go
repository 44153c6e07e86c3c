package payjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/tousu-go/tousu/signing"
)

// maxDepth bounds the nesting FlattenJSON accepts. PAYJS responses nest two
// levels (complaints[0][field]); the bound keeps hostile input from recursing.
const maxDepth = 32

// FlattenJSON reads a PAYJS JSON object into the Params its PHP server signs,
// in received order, with a single order-preserving pass over the tokens (never
// through map[string]any or float64: 1000000 stays "1000000", not "1e+06").
//
// Top-level values follow PHP's array_filter as the server applies it before
// signing:
//   - strings are kept as received ("" and "0" are then dropped by Rule's Omit);
//   - numbers keep their literal text; a number whose value is zero ("0",
//     "-0", "0.0", "0e5") is falsy and becomes "";
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
			return p.Value
		}
	}
	return ""
}

// readMessage decodes one JSON object. It never panics on any input.
func readMessage(body []byte) (*message, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	r := &reader{dec: dec, m: &message{params: make([]signing.Param, 0, 16)}}
	if err := r.object("", "", 1); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	return r.m, nil
}

type reader struct {
	dec *json.Decoder
	m   *message
}

// object reads the members of an object whose '{' was consumed. top is the
// top-level key ("" for the top-level object itself) and path the name so far.
func (r *reader) object(top, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
	}
	var seen []string
	var seenSet map[string]struct{}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return nil
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("%w: object key is not a string", ErrMalformed)
		}
		// Duplicate detection: a short slice for the usual small objects, a map
		// beyond that so hostile input stays linear.
		if seenSet != nil {
			if _, dup := seenSet[key]; dup {
				return fmt.Errorf("%w: duplicate key %q", ErrMalformed, key)
			}
			seenSet[key] = struct{}{}
		} else {
			for _, s := range seen {
				if s == key {
					return fmt.Errorf("%w: duplicate key %q", ErrMalformed, key)
				}
			}
			seen = append(seen, key)
			if len(seen) > 32 {
				seenSet = make(map[string]struct{}, 64)
				for _, s := range seen {
					seenSet[s] = struct{}{}
				}
			}
		}
		if top == "" {
			err = r.topValue(key, depth)
		} else {
			err = r.nestedValue(top, path+"["+key+"]", depth)
		}
		if err != nil {
			return err
		}
	}
}

// array reads the elements of an array whose '[' was consumed.
func (r *reader) array(top, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
	}
	for i := 0; ; i++ {
		if !r.dec.More() {
			tok, err := r.dec.Token()
			if err != nil {
				return fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			if d, ok := tok.(json.Delim); !ok || d != ']' {
				return fmt.Errorf("%w: unterminated array", ErrMalformed)
			}
			return nil
		}
		if err := r.nestedValue(top, path+"["+strconv.Itoa(i)+"]", depth); err != nil {
			return err
		}
	}
}

// topValue reads one top-level member value with array_filter semantics.
func (r *reader) topValue(key string, depth int) error {
	tok, err := r.dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	m := r.m
	if key == "sign" {
		s, isStr := tok.(string)
		m.signIsString = isStr
		m.signPresent = tok != nil && tok != false && (!isStr || s != "")
		m.sign = s
	}
	if key == "return_code" {
		m.hasReturn = true
		switch v := tok.(type) {
		case json.Number:
			m.returnCode = string(v)
		case string:
			m.returnCode = v
		}
	}
	add := func(v string) { m.params = append(m.params, signing.Param{Key: key, Value: v}) }
	switch v := tok.(type) {
	case string:
		add(v)
	case json.Number:
		if zeroNumber(string(v)) {
			add("")
		} else {
			add(string(v))
		}
	case bool:
		if v {
			add("1")
		} else {
			add("")
		}
	case nil:
		// array_filter drops null.
	case json.Delim:
		// An empty container adds nothing, which is array_filter's rule.
		switch v {
		case '{':
			err = r.object(key, "", depth+1)
		case '[':
			err = r.array(key, "", depth+1)
		default:
			err = fmt.Errorf("%w: unexpected %q", ErrMalformed, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// nestedValue reads one value below the top level with http_build_query
// semantics.
func (r *reader) nestedValue(top, path string, depth int) error {
	tok, err := r.dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	add := func(v string) { r.m.params = append(r.m.params, signing.Param{Key: top, Path: path, Value: v}) }
	switch v := tok.(type) {
	case string:
		add(v)
	case json.Number:
		add(string(v))
	case bool:
		if v {
			add("1")
		} else {
			add("0")
		}
	case nil:
		// http_build_query skips null.
	case json.Delim:
		switch v {
		case '{':
			return r.object(top, path, depth+1)
		case '[':
			return r.array(top, path, depth+1)
		default:
			return fmt.Errorf("%w: unexpected %q", ErrMalformed, v)
		}
	}
	return nil
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
