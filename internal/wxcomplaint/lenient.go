package wxcomplaint

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// FlexInt64 decodes a JSON number or a JSON string holding an integer (global
// settlement_refunded_amount is a string in WeChat's spec and a number in
// practice). null and "" decode as 0. It encodes as a JSON string, as the spec
// shows.
type FlexInt64 int64

var errNotInteger = errors.New("wxcomplaint: amount is not an integer")

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*f = 0
			return nil
		}
		b = []byte(s)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return errNotInteger
	}
	*f = FlexInt64(n)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f FlexInt64) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, strconv.FormatInt(int64(f), 10)), nil
}

// MediaList is complaint_media_list. It is an array of objects in list and
// detail responses and a single object in history items; it decodes both (and
// null) into a slice. It always encodes as an array.
type MediaList []ComplaintMedia

// UnmarshalJSON implements json.Unmarshaler.
func (m *MediaList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*m = nil
		return nil
	case b[0] == '{':
		var one ComplaintMedia
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*m = MediaList{one}
		return nil
	}
	var many []ComplaintMedia
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*m = many
	return nil
}

// Unmarshal is json.Unmarshal for WeChat's complaint JSON (and any other
// WeChat Pay v3 JSON with times in it). It decodes plainly first, so the common
// case costs what json.Unmarshal costs. Only when that fails does it rewrite
// WeChat's irregular shapes and decode once more, into a zeroed v:
//   - an empty string for a time (a member whose name ends in "_time":
//     complaint_time, trade_time, return_time, operate_time, expired_time,
//     create_time, effective_time, expire_time, ...) becomes the zero time;
//   - complaint_media_list given as one object becomes a one-element list.
//
// The retry's error is returned when it fails too (it is the first error
// again when the document had nothing to rewrite). On error v must not be
// used.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	fixed, ok := regularize(data)
	if !ok {
		return err
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv.Elem().SetZero()
	}
	return json.Unmarshal(fixed, v)
}

// regularize rewrites WeChat's irregular shapes (see Unmarshal) in a JSON
// document; it reports false when the document is not JSON. It goes through a
// generic tree, which is slow and only runs after a plain decode failed. The
// tree also resolves duplicate member names the way encoding/json does (the
// last wins), so a retry agrees with a plain decode wherever that succeeds.
func regularize(data []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as written
	var tree any
	if dec.Decode(&tree) != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // trailing data: json.Unmarshal's error stands
	}
	regularizeValue(tree)
	out, err := json.Marshal(tree)
	if err != nil {
		return nil, false
	}
	return out, true
}

func regularizeValue(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch ev := e.(type) {
			case string:
				if ev == "" && len(k) > 5 && strings.EqualFold(k[len(k)-5:], "_time") {
					x[k] = nil // a null time decodes as the zero time
				}
				continue
			case map[string]any:
				if strings.EqualFold(k, "complaint_media_list") {
					x[k] = []any{ev}
				}
			}
			regularizeValue(e)
		}
	case []any:
		for _, e := range x {
			regularizeValue(e)
		}
	}
}
