package payjs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/signing"
)

// seedFiles adds every file of testdata/<dir> to f's corpus.
func seedFiles(f *testing.F, dir string) {
	f.Helper()
	for _, b := range seedBodies(f, dir) {
		f.Add(b)
	}
}

// seedBodies reads every file of testdata/<dir> for each dir.
func seedBodies(tb testing.TB, dirs ...string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		if err != nil || len(files) == 0 {
			tb.Fatalf("no seeds in testdata/%s: %v", dir, err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// FuzzVerifyJSON: no panic on any body; whatever FlattenJSON accepts can be
// signed and then verifies, and the signed string never changes when the same
// body is flattened twice.
func FuzzVerifyJSON(f *testing.F) {
	seedFiles(f, "responses")
	s := NewSigner(signing.NewSecret("fuzz-key"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = s.VerifyJSON(body)
		params, err := FlattenJSON(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		sig := s.Sign(params)
		if err := s.Verify(params, sig); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		again, _ := FlattenJSON(body)
		if string(appendPHPQuery(nil, params, nil, true)) != string(appendPHPQuery(nil, again, nil, true)) {
			t.Fatal("flattening is not deterministic")
		}
		// A top-level string "sign" of that value makes the body verify.
		m, _ := readMessage(body)
		if m.signPresent && m.signIsString && m.sign == sig {
			if err := s.VerifyJSON(body); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzDecodeComplaints: the tolerant decoder never panics, and every record
// it returns keeps its raw fields.
func FuzzDecodeComplaints(f *testing.F) {
	seedFiles(f, "complaints")
	f.Fuzz(func(t *testing.T, raw []byte) {
		recs, err := decodeComplaintList(json.RawMessage(raw))
		if err != nil {
			return
		}
		for i := range recs {
			if recs[i].Raw == nil {
				t.Fatal("record without raw fields")
			}
			_ = recs[i].ToComplaint("1")
		}
	})
}

// FuzzVerifyNotification: no panic; errors are always one of the shared
// notification sentinels.
func FuzzVerifyNotification(f *testing.F) {
	seedFiles(f, "notifications")
	c, err := NewClient(Credentials{MchID: "1230000109", Key: signing.NewSecret("fuzz-key")})
	if err != nil {
		f.Fatal(err)
	}
	// A correctly signed seed, so the success path is fuzzed too.
	v := url.Values{"return_code": {"1"}, "total_fee": {"1000000"}, "payjs_order_id": {"2019101503054900456615858"},
		"mchid": {"1230000109"}, "type": {"alipay"}, "time_end": {"2024-11-11 10:00:00"}, "attach": {"中文 附言"}}
	v.Set("sign", c.signer.SignValues(v))
	f.Add([]byte(v.Encode()))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := c.Verify(context.Background(), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body)
		if err != nil {
			if !errors.Is(err, complaint.ErrMalformedNotification) && !errors.Is(err, signing.ErrSignatureInvalid) &&
				!errors.Is(err, complaint.ErrUnknownKey) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if n.PayJSOrderID == "" {
			t.Fatal("verified notification without order id")
		}
		// Re-signing the received fields reproduces the received sign.
		v, _ := url.ParseQuery(string(body))
		if c.signer.SignValues(v) != v.Get("sign") {
			t.Fatal("sign mismatch after success")
		}
	})
}
