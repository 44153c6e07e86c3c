package changxiang

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// envelope is a complaint notification's JSON read into its three objects,
// each member exactly as received.
type envelope struct {
	top, results, data []Field
}

// decodeEnvelope reads {"err_no","err_msg","results":{"status","error",
// "data":{...}}}. Every object must be a JSON object without duplicate keys
// (encoding/json would keep the last one while a signature covers what was
// sent); results and data must be present. Errors match
// complaint.ErrMalformedNotification and never quote a value.
func decodeEnvelope(body []byte) (*envelope, error) {
	var env envelope
	var err error
	if env.top, err = readObject(body); err != nil {
		return nil, err
	}
	results, ok := lookup(env.top, "results")
	if !ok {
		return nil, malformed("no results")
	}
	if env.results, err = readObject(results.Raw); err != nil {
		return nil, fmt.Errorf("%w (results)", err)
	}
	data, ok := lookup(env.results, "data")
	if !ok {
		return nil, malformed("no results.data")
	}
	if env.data, err = readObject(data.Raw); err != nil {
		return nil, fmt.Errorf("%w (results.data)", err)
	}
	return &env, nil
}

// malformed is a complaint.ErrMalformedNotification with a reason that holds
// no received value.
func malformed(reason string) error {
	return fmt.Errorf("%w: changxiang: %s", complaint.ErrMalformedNotification, reason)
}

// readObject reads one JSON object into its members in received order, each
// value as its exact JSON text (json.RawMessage) and as the text rules sign
// (Field.Value). The grammar is encoding/json's; numbers are never converted.
func readObject(b []byte) ([]Field, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, malformed("not JSON")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, malformed("not a JSON object")
	}
	var fields []Field
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed("bad JSON")
		}
		key := tok.(string) // inside an object the decoder yields only string keys
		if seen[key] {
			return nil, malformed(fmt.Sprintf("duplicate key %q", httpc.ProviderText(key)))
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, malformed("bad JSON")
		}
		fields = append(fields, JSONField(key, raw))
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, malformed("bad JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed("data after the JSON object")
	}
	return fields, nil
}

// signedText is the text a rule signs for a JSON value (see Field.Value).
// A string that does not unquote (invalid JSON, which the decoder never
// hands over) and empty raw text are "".
func signedText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	case 'n':
		return ""
	}
	return string(raw)
}

// lookup returns the member named key.
func lookup(fields []Field, key string) (Field, bool) {
	for _, f := range fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}
