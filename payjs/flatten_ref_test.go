package payjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/tousu-go/tousu/signing"
)

// This file keeps the encoding/json Decoder.Token implementation that
// readMessage used before the hand-written scanner, as a test-only reference
// for FuzzFlattenDifferential. It is the old code verbatim except for the
// names (ref prefix) and one fix, marked "FIX" below: the old code tested
// top == "" to mean "members of the top-level object", so a top-level key ""
// holding an object or array had its nested members treated as top-level
// values ({"":{"a":1}} gave a=1, and {"":{"sign":"x"}} set the sign) instead
// of Path "[a]" under Key "" as http_build_query writes them. The reference
// now passes that fact explicitly, the way the scanner does.

// refReadMessage decodes one JSON object. It never panics on any input.
func refReadMessage(body []byte) (*message, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	r := &refReader{dec: dec, m: &message{params: make([]signing.Param, 0, 16)}}
	if err := r.object("", "", 1); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	return r.m, nil
}

type refReader struct {
	dec *json.Decoder
	m   *message
}

// object reads the members of an object whose '{' was consumed. top is the
// top-level key ("" for the top-level object itself) and path the name so far.
func (r *refReader) object(top, path string, depth int) error {
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
		if depth == 1 { // FIX: was top == ""
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
func (r *refReader) array(top, path string, depth int) error {
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
func (r *refReader) topValue(key string, depth int) error {
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
			add("0")
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
func (r *refReader) nestedValue(top, path string, depth int) error {
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
