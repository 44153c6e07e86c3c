package cntime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Zone is China Standard Time, UTC+8.
var Zone = time.FixedZone("CST", 8*60*60)

// Layouts the providers use.
const (
	DateTime      = "2006-01-02 15:04:05" // Allinpay, PAYJS time_end, 畅想
	Date          = "2006-01-02"          // WeChat list begin_date/end_date
	CompactSecond = "20060102150405"      // Allinpay timestamp
)

// Parse reads a provider time. Zone-less layouts (DateTime, Date, CompactSecond)
// are read in Zone; RFC 3339 values keep their own offset. The empty string is
// the zero time with no error.
func Parse(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{DateTime, time.RFC3339Nano, Date, CompactSecond} {
		var t time.Time
		var err error
		if layout == time.RFC3339Nano {
			t, err = time.Parse(layout, s)
		} else {
			t, err = time.ParseInLocation(layout, s, Zone)
		}
		if err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cntime: unrecognised time %q", s)
}

// Format writes t in layout, in Zone.
func Format(t time.Time, layout string) string { return t.In(Zone).Format(layout) }

// Time is a time.Time that decodes from a provider's JSON string in any layout
// Parse accepts, and from null or "" as the zero time. It encodes as DateTime in
// Zone, or null when zero.
type Time struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("cntime: time is not a string: %w", err)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(Format(t.Time, DateTime))
}
