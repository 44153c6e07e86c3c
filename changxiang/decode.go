package changxiang

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
)

// envelope is a complaint notification's JSON: the envelope's members the
// package reports, and results.data's members in received order, exactly as
// received.
type envelope struct {
	ErrNo   json.RawMessage `json:"err_no"`
	ErrMsg  json.RawMessage `json:"err_msg"`
	Results *struct {
		Status json.RawMessage `json:"status"`
		Error  json.RawMessage `json:"error"`
		Data   json.RawMessage `json:"data"`
	} `json:"results"`
	data []Field
}

// decodeEnvelope reads {"err_no","err_msg","results":{"status","error",
// "data":{...}}}. The envelope is read with json.Unmarshal (one pass; it is
// not signed, so which of two duplicate members wins does not matter: only
// data is verified); results and data must be objects, and data is read in
// order without duplicate keys (encoding/json would keep the last one while
// the sign covers what was sent). Errors match
// complaint.ErrMalformedNotification and never quote a value.
func decodeEnvelope(body []byte) (*envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, malformed("not a JSON notification")
	}
	if env.Results == nil {
		return nil, malformed("no results")
	}
	if env.Results.Data == nil {
		return nil, malformed("no results.data")
	}
	var err error
	if env.data, err = readObject(env.Results.Data); err != nil {
		return nil, fmt.Errorf("%w (results.data)", err)
	}
	return &env, nil
}

// EncodeNotification writes the body the platform sends around data fields:
// the published envelope ({"err_no":0,"err_msg":"success","results":
// {"status":200,"error":null,"data":{...}}}), compact, with the fields in
// the given order as their Raw JSON text (a field without Raw as a JSON
// string of its Value). Add the sign field first (Rule.Sign); it does not
// check the fields. changxiangtest builds its notifications with it.
func EncodeNotification(data []Field) []byte {
	var b bytes.Buffer
	b.WriteString(`{"err_no":0,"err_msg":"success","results":{"status":200,"error":null,"data":{`)
	for i, f := range data {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(f.Key)
		b.Write(key)
		b.WriteByte(':')
		if f.Raw == nil {
			raw, _ := json.Marshal(f.Value)
			b.Write(raw)
		} else {
			b.Write(f.Raw)
		}
	}
	b.WriteString(`}}}`)
	return b.Bytes()
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
		// Most values hold no escape and are valid UTF-8: their content is
		// the text between the quotes, which saves json.Unmarshal's
		// reflection (see BenchmarkVerify).
		inner, closed := bytes.CutSuffix(raw[1:], []byte{'"'})
		if closed && bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			return string(inner)
		}
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
