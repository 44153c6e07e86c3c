package wechatpay

import (
	"unicode/utf8"
)

// A callback is verified and decoded on every delivery. The decoders here
// handle the exact shapes WeChat sends (flat string fields, no escapes, valid
// UTF-8, only known keys) and report false on anything else, so the caller
// falls back to encoding/json (through wxcomplaint.Unmarshal, which also takes
// an empty create_time). When they report true the result is what
// encoding/json would produce; FuzzFastDecoders checks that.
//
// Why they exist, measured (go test -bench Callback -benchmem -count 6,
// medians of one run, after the move to core v2): BenchmarkCallback (verify,
// decrypt, decode with these) costs 1.05x BenchmarkCallbackBareCrypto
// (rsa.VerifyPKCS1v15 plus an AES-GCM open of the same message), 30.9 µs
// against 29.3 µs, 12 allocations; BenchmarkCallbackStdJSON, the same callback
// decoded by encoding/json, costs 1.21x (35.3 µs, 38 allocations). Earlier
// runs gave 0.99x/1.23x and 1.06x/1.21x. The callback path must not cost
// more, relative to that floor, than it does, so they stay.

type jscan struct {
	b []byte
	i int
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jscan) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters and returns the
// offsets of its contents.
func (s *jscan) str() (start, end int, ok bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return 0, 0, false
	}
	start = s.i + 1
	for j := start; j < len(s.b); j++ {
		c := s.b[j]
		switch {
		case c == '"':
			if !utf8.Valid(s.b[start:j]) {
				return 0, 0, false
			}
			s.i = j + 1
			return start, j, true
		case c == '\\' || c < 0x20:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// object walks a flat-or-nested object, calling field for each key with the
// scanner positioned before the value. field returns false to give up.
func (s *jscan) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		ks, ke, ok := s.str()
		if !ok || !s.next(':') {
			return false
		}
		if !field(s.b[ks:ke]) {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next('}')
	}
}

func (s *jscan) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// envelopeView holds the resource fields as sub-slices of the body, so that
// decryption needs no copies.
type envelopeView struct {
	nonce, ciphertext, aad []byte
}

// fastEnvelope decodes a notification envelope. All strings share one copy
// of the body.
func fastEnvelope(body []byte, n *Notification, v *envelopeView) bool {
	all := string(body)
	s := &jscan{b: body}
	str := func(dst *string) ([]byte, bool) {
		a, e, ok := s.str()
		if !ok {
			return nil, false
		}
		*dst = all[a:e]
		return body[a:e], true
	}
	ok := s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "id":
			_, ok = str(&n.ID)
		case "event_type":
			var t string
			_, ok = str(&t)
			n.EventType = EventType(t)
		case "resource_type":
			_, ok = str(&n.ResourceType)
		case "summary":
			_, ok = str(&n.Summary)
		case "create_time":
			s.ws()
			a, e, sok := s.str()
			if !sok || n.CreateTime.UnmarshalJSON(body[a-1:e+1]) != nil {
				return false
			}
			ok = true
		case "resource":
			r := &n.Resource
			ok = s.object(func(key []byte) bool {
				var ok bool
				switch string(key) {
				case "original_type":
					_, ok = str(&r.OriginalType)
				case "algorithm":
					_, ok = str(&r.Algorithm)
				case "ciphertext":
					v.ciphertext, ok = str(&r.Ciphertext)
				case "associated_data":
					v.aad, ok = str(&r.AssociatedData)
				case "nonce":
					v.nonce, ok = str(&r.Nonce)
				}
				return ok
			})
		}
		return ok
	})
	return ok && s.end()
}

// fastResource decodes the decrypted {complaint_id, action_type}.
func fastResource(pt []byte, r *NotificationResource) bool {
	all := string(pt)
	s := &jscan{b: pt}
	ok := s.object(func(key []byte) bool {
		a, e, ok := s.str()
		if !ok {
			return false
		}
		switch string(key) {
		case "complaint_id":
			r.ComplaintID = all[a:e]
		case "action_type":
			r.ActionType = ActionType(all[a:e])
		default:
			return false
		}
		return true
	})
	return ok && s.end()
}
