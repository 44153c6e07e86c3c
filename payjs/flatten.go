package payjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/signing"
)

// maxDepth bounds the nesting FlattenJSON accepts. PAYJS responses nest two
// levels (complaints[0][field]); the bound keeps hostile input shallow.
const maxDepth = 32

// dupCheckLinear is how many keys of one object are compared one by one
// before a map takes over.
const dupCheckLinear = 16

// FlattenJSON reads a PAYJS JSON object into the Params its PHP server signs,
// in received order. The server signs its PHP array before json_encode, so
// each value is read as json_decode would give it back to PHP and written as
// http_build_query writes it:
//   - strings are kept as received ("" and "0" are then dropped by the
//     signer's array_filter);
//   - a number without '.', 'e' or 'E' that fits in 64 bits is a PHP int and
//     keeps its digits (1000000 stays "1000000", never "1e+06"); any other
//     number is a PHP float and is written as PHP writes floats with its
//     default precision of 14 digits: 1e3 is "1000", 1.0 is "1", 0.1 is "0.1",
//     1e20 is "1.0E+20", 1.5e-7 is "1.5E-7", 0.30000000000000004 is "0.3",
//     and an integer beyond 64 bits such as 12345678901234567890 is
//     "1.2345678901235E+19";
//   - top-level values that array_filter drops: a zero number (int or float,
//     either sign) becomes "0" and false becomes "", which the signer's filter
//     drops (and which a Lenient signer's no-filter candidate signs as
//     PAYJS's Java demo would); null and empty arrays or objects are left
//     out; true is "1";
//   - a non-empty array or object is flattened as http_build_query does: each
//     scalar is one Param sharing the top-level Key, with Path
//     "[0][complaint_at]" built from object keys and array indexes in received
//     order; nested "" and zero are kept ("-0.0" is "-0"), nested null and
//     empty containers produce nothing, true is "1" and false is "0".
//
// A non-empty array or object whose members all print nothing
// ({"a":{"b":null}}) gives no Param, although PHP's ksort still sorts its key
// with the others. That changes the signed string only when the keys mix
// numbers and other text in a way PHP compares in a cycle (see phpKeyCompare);
// Signer.VerifyJSON and the Client read the body themselves and keep it.
//
// The JSON grammar is encoding/json's (strings decoded as it decodes them,
// invalid UTF-8 as U+FFFD). Duplicate keys in any object are rejected:
// encoding/json keeps the last one while the signature covers both, so
// accepting them would let a typed field differ from what was verified. The
// "sign" key is returned among the Params; the signer excludes it. Errors wrap
// ErrMalformed.
func FlattenJSON(body []byte) ([]signing.Param, error) {
	m, err := readMessage(body)
	if err != nil {
		return nil, err
	}
	return m.params, nil
}

// message is a JSON object read by readMessage.
type message struct {
	params []signing.Param
	// entries are the top-level members array_filter keeps, in received
	// order, each with its Params. A non-empty array whose members all print
	// nothing ({"a":{"b":null}}) is an entry without Params: http_build_query
	// writes nothing for it, but ksort sorts it with the others, which can
	// change their order when PHP compares keys in a cycle.
	entries      []phpEntry
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

// readMessage decodes one JSON object with encoding/json's token stream,
// in received order and with numbers as json.Number. Everything about the
// JSON grammar (escapes, UTF-8, whitespace, trailing data) is encoding/json's;
// what this adds is PHP's view of the values (see FlattenJSON), duplicate keys
// rejected, and a nesting bound.
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
	r := reader{dec: dec, m: &message{}}
	if _, err := r.object(1, "", ""); err != nil {
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

// next reads one token; a syntax error or a truncated body wraps ErrMalformed.
func (r *reader) next() (json.Token, error) {
	tok, err := r.dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return tok, nil
}

// object reads the members of an object whose '{' was read and returns how
// many it had. depth is its nesting level (1 for the message), top the
// top-level key it belongs to and path its name below that key.
func (r *reader) object(depth int, top, path string) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
	}
	// Duplicates are found in a slice while objects are small and in a map
	// beyond that, so hostile input stays linear.
	var seen []string
	var seenSet map[string]struct{}
	for n := 0; ; n++ {
		tok, err := r.next()
		if err != nil {
			return 0, err
		}
		key, ok := tok.(string)
		if !ok { // the closing '}': the decoder allows nothing else here
			return n, nil
		}
		dup := false
		if seenSet != nil {
			_, dup = seenSet[key]
			seenSet[key] = struct{}{}
		} else {
			for _, s := range seen {
				dup = dup || s == key
			}
			if seen = append(seen, key); len(seen) > dupCheckLinear {
				seenSet = make(map[string]struct{}, 4*dupCheckLinear)
				for _, s := range seen {
					seenSet[s] = struct{}{}
				}
			}
		}
		if dup {
			return 0, fmt.Errorf("%w: duplicate key %q", ErrMalformed, httpc.ProviderText(key))
		}
		if depth == 1 {
			err = r.topValue(key)
		} else {
			err = r.nestedValue(depth, top, path+"["+key+"]")
		}
		if err != nil {
			return 0, err
		}
	}
}

// array reads the elements of an array whose '[' was read and returns how
// many it had.
func (r *reader) array(depth int, top, path string) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
	}
	n := 0
	for ; r.dec.More(); n++ {
		if err := r.nestedValue(depth, top, path+"["+strconv.Itoa(n)+"]"); err != nil {
			return 0, err
		}
	}
	_, err := r.next() // the closing ']', or the syntax error in its place
	return n, err
}

// topValue reads one top-level member with array_filter's view of falsy
// values.
func (r *reader) topValue(key string) error {
	tok, err := r.next()
	if err != nil {
		return err
	}
	m := r.m
	switch key {
	case "sign":
		s, isString := tok.(string)
		m.sign, m.signIsString = s, isString
		m.signPresent = tok != nil && tok != false && (!isString || s != "")
	case "return_code":
		m.hasReturn = true
		switch v := tok.(type) {
		case string:
			m.returnCode = v
		case json.Number:
			m.returnCode = string(v)
		}
	}
	var v string
	switch t := tok.(type) {
	case string:
		v = t
	case json.Number:
		text, zero := phpNumber(string(t))
		if zero {
			text = "0" // falsy: the signer's array_filter drops it
		}
		v = text
	case bool:
		if t {
			v = "1"
		} // false is "", which the filter drops
	case nil:
		return nil // array_filter drops null
	case json.Delim:
		from := len(m.params)
		var n int
		if t == '{' {
			n, err = r.object(2, key, "")
		} else {
			n, err = r.array(2, key, "")
		}
		if n > 0 { // array_filter drops an empty array
			m.entries = append(m.entries, phpEntry{key: key, from: from, to: len(m.params)})
		}
		return err
	}
	m.entries = append(m.entries, phpEntry{key: key, from: len(m.params), to: len(m.params) + 1})
	m.params = append(m.params, signing.Param{Key: key, Value: v})
	return nil
}

// nestedValue reads one value below the top level, named path, as
// http_build_query writes it. depth is the level of its container.
func (r *reader) nestedValue(depth int, top, path string) error {
	tok, err := r.next()
	if err != nil {
		return err
	}
	var v string
	switch t := tok.(type) {
	case string:
		v = t
	case json.Number:
		v, _ = phpNumber(string(t))
	case bool:
		v = "0"
		if t {
			v = "1"
		}
	case nil:
		return nil // http_build_query skips null
	case json.Delim:
		if t == '{' {
			_, err = r.object(depth+1, top, path)
		} else {
			_, err = r.array(depth+1, top, path)
		}
		return err
	}
	r.m.params = append(r.m.params, signing.Param{Key: top, Path: path, Value: v})
	return nil
}
