package changxiang

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

// seedNotifications adds every file of testdata/notifications to f's corpus.
func seedNotifications(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "notifications", "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzVerify: no body panics; every failure matches a sentinel; whatever
// decodes can be signed under each candidate rule and then verifies, with
// its data unchanged and its event id stable.
func FuzzVerify(f *testing.F) {
	seedNotifications(f)
	f.Add(buildBody(signed(dataFields(f, readFile(f, "seed.json")), RuleSortedKey)))
	clients := map[string]*Client{}
	for _, r := range Candidates() {
		clients[r.Name()] = newTestClient(f, r)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range clients {
			_, err := c.Verify(ctx, nil, body)
			if err != nil && !errors.Is(err, complaint.ErrSignatureInvalid) && !errors.Is(err, complaint.ErrMalformedNotification) {
				t.Fatalf("unexpected error class: %v", err)
			}
		}
		env, err := decodeEnvelope(body)
		if err != nil {
			if !errors.Is(err, complaint.ErrMalformedNotification) {
				t.Fatalf("decode error class: %v", err)
			}
			return
		}
		for _, r := range Candidates() {
			fields := signed(env.data, r)
			resigned := buildBody(fields)
			n, err := clients[r.Name()].Verify(ctx, nil, resigned)
			if err != nil {
				if !errors.Is(err, complaint.ErrMalformedNotification) {
					t.Fatalf("%s: re-signed body fails: %v", r.Name(), err)
				}
				continue
			}
			if len(n.Fields) != len(fields) {
				t.Fatalf("%s: %d fields, want %d", r.Name(), len(n.Fields), len(fields))
			}
			for i := range fields {
				if n.Fields[i].Key != fields[i].Key || n.Fields[i].Value != fields[i].Value || string(n.Fields[i].Raw) != string(fields[i].Raw) {
					t.Fatalf("%s: field %d changed", r.Name(), i)
				}
			}
			if n.Event().ID != n.EventID() || n.OrderNo == "" {
				t.Fatal("event")
			}
			_ = n.String()
		}
	})
}

// FuzzVerifyPayment: no form panics; failures match a sentinel; a form
// re-signed under PaymentRule verifies unless it is malformed.
func FuzzVerifyPayment(f *testing.F) {
	f.Add([]byte(paymentForm().Encode()))
	f.Add([]byte("sign=x&sign=y"))
	f.Add([]byte("mch_id=10086&trade_no=t&sign=" + paymentSign))
	f.Add([]byte("%zz"))
	c := newTestClient(f, DefaultRule)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := c.VerifyPayment(ctx, nil, body)
		if err != nil && !errors.Is(err, complaint.ErrSignatureInvalid) && !errors.Is(err, complaint.ErrMalformedNotification) &&
			!errors.Is(err, complaint.ErrUnknownKey) {
			t.Fatalf("unexpected error class: %v", err)
		}
		v, perr := url.ParseQuery(string(body))
		if perr != nil {
			return
		}
		fields := make([]Field, 0, len(v))
		for k := range v {
			fields = append(fields, Field{Key: k, Value: v.Get(k)})
		}
		v.Set("sign", PaymentRule.Sign(fields, secret()))
		p, err := c.VerifyPayment(ctx, nil, []byte(v.Encode()))
		if err == nil && (p.TradeNo != v.Get("trade_no") || p.Sign != v.Get("sign") || p.MchID != "10086") {
			t.Fatalf("typed %v from %v", p, v)
		}
		if errors.Is(err, complaint.ErrSignatureInvalid) {
			t.Fatalf("re-signed form fails: %v", err)
		}
	})
}

// FuzzParseYuan: an accepted amount round-trips through its fen value.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"0", "12.50", "100000.01", "1.500", "1e5", "-1", "92233720368547758.07", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseYuan(s)
		if err != nil {
			if !errors.Is(err, ErrAmount) || fen != 0 {
				t.Fatalf("%q: %d %v", s, fen, err)
			}
			return
		}
		again, err := ParseYuan(formatFen(fen))
		if err != nil || again != fen || fen < 0 {
			t.Fatalf("%q: %d, round trip %d %v", s, fen, again, err)
		}
	})
}

func formatFen(fen int64) string {
	s := []byte{}
	for i := 0; fen > 0 || i < 3; i++ {
		if i == 2 {
			s = append([]byte{'.'}, s...)
		}
		s = append([]byte{byte('0' + fen%10)}, s...)
		fen /= 10
	}
	return string(s)
}
