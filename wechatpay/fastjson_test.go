package wechatpay

import (
	"encoding/json"
	"reflect"
	"testing"
)

// checkFast asserts that when the fast decoders accept input, encoding/json
// decodes it to the same value.
func checkFast(t *testing.T, b []byte) (fastOK bool) {
	var fast, slow Notification
	var v envelopeView
	if fastEnvelope(b, &fast, &v) {
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("fast accepted what encoding/json rejects (%v): %q", err, b)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast %+v\nslow %+v\ninput %q", fast, slow, b)
		}
		if string(v.nonce) != fast.Resource.Nonce || string(v.ciphertext) != fast.Resource.Ciphertext || string(v.aad) != fast.Resource.AssociatedData {
			t.Fatalf("views disagree with fields: %q", b)
		}
		fastOK = true
	}
	var fr, sr NotificationResource
	if fastResource(b, &fr) {
		if err := json.Unmarshal(b, &sr); err != nil || fr != sr {
			t.Fatalf("resource: fast %+v slow %+v (%v) for %q", fr, sr, err, b)
		}
	}
	return fastOK
}

func TestFastDecoders(t *testing.T) {
	_, body := callback{action: "USER_RESPONSE", complaintID: "C1"}.build(t)
	if !checkFast(t, body) {
		t.Fatal("the envelope WeChat sends is not on the fast path")
	}
	if !checkFast(t, []byte(" { \"id\" : \"x\" ,\n\"resource\":{ } } ")) {
		t.Error("whitespace not on the fast path")
	}
	// These must fall back (and encoding/json decides).
	for _, in := range []string{
		`{"ID":"x"}`,                  // case-insensitive key: json's business
		`{"id":"a\"b"}`,               // escapes
		`{"id":"x","extra":1}`,        // unknown key
		`{"id":null}`,                 // null
		`{"id":"x"} trailing`,         // trailing data
		`{"id":"\xff"}`,               // invalid UTF-8
		`{"create_time":"yesterday"}`, // bad time
		`{"id":"x",}`,                 // trailing comma
		`{"resource":{"nonce":"a","nonce":1}}`,
	} {
		if checkFast(t, []byte(in)) {
			t.Errorf("fast path accepted %q", in)
		}
	}
	var r NotificationResource
	if !fastResource([]byte(`{"complaint_id":"C1","action_type":"USER_RESPONSE"}`), &r) || r.ComplaintID != "C1" {
		t.Error("resource not on the fast path")
	}
	if fastResource([]byte(`{"complaint_id":"C1","echo_message":"x"}`), &r) {
		t.Error("unknown resource key accepted")
	}
}

// FuzzFastDecoders is a differential fuzz target: the hand-written decoders
// against encoding/json.
func FuzzFastDecoders(f *testing.F) {
	_, body := callback{action: "USER_RESPONSE", complaintID: "C1"}.build(f)
	f.Add(body)
	f.Add([]byte(`{"complaint_id":"C1","action_type":"USER_RESPONSE"}`))
	f.Add([]byte(`{"id":"x","resource":{"nonce":"a"},"resource":{"algorithm":"b"}}`))
	f.Add([]byte(`{"create_time":"2021-06-24T16:37:26+08:00","create_time":"2021-06-24T16:37:26Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkFast(t, b) })
}
