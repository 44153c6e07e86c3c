package cntime

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	want := time.Date(2025, 11, 15, 6, 30, 0, 0, time.UTC)
	for _, s := range []string{"2025-11-15 14:30:00", "2025-11-15T14:30:00+08:00", "20251115143000", "2025-11-15T06:30:00Z"} {
		got, err := Parse(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := Parse("2015-05-20T13:29:35.120+08:00"); err != nil || got.Nanosecond() != 120e6 {
		t.Errorf("millis lost: %v %v", got, err)
	}
	if got, err := Parse(""); err != nil || !got.IsZero() {
		t.Errorf("empty: %v %v", got, err)
	}
	for _, bad := range []string{"yesterday", "2025-13-01 00:00:00", "2025-11-15 25:00:00"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestTimeJSON(t *testing.T) {
	var v struct {
		A, B, C Time
	}
	if err := json.Unmarshal([]byte(`{"A":"2025-11-15 14:30:00","B":null,"C":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if Format(v.A.Time, DateTime) != "2025-11-15 14:30:00" || !v.B.IsZero() || !v.C.IsZero() {
		t.Fatalf("decoded %+v", v)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"A":"2025-11-15 14:30:00","B":null,"C":null}` {
		t.Fatalf("encoded %s", out)
	}
	if err := json.Unmarshal([]byte(`{"A":12}`), &v); err == nil {
		t.Fatal("a number decoded as a time")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2025-11-15 14:30:00", "2025-11-15T14:30:00+08:00", "20251115143000", "", "2025-11-15"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses must survive a round trip through DateTime to the second.
		back, err := Parse(Format(tm, DateTime))
		if err != nil || (!tm.IsZero() && !back.Equal(tm.Truncate(time.Second))) {
			if tm.Year() >= 0 && tm.Year() <= 9999 {
				t.Fatalf("round trip of %q: %v -> %v (%v)", s, tm, back, err)
			}
		}
	})
}
