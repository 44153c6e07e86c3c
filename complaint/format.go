package complaint

import (
	"fmt"
	"log/slog"
	"strings"
)

// Complaint, Event and Entry hold personal data: the buyer's own text (which
// may itself hold a phone number), names, the phone. Their Format prints, for
// every verb, the same summary their LogValue gives to log/slog, so that
// fmt.Printf("%+v", c) and a stray %s in a log call show ids, states and
// times, never buyer data. Encode them with encoding/json to store them whole.

// Format prints the LogValue summary for every verb.
func (c Complaint) Format(f fmt.State, _ rune) { writeSummary(f, "complaint.Complaint", c.LogValue()) }

// Format prints the LogValue summary for every verb.
func (e Event) Format(f fmt.State, _ rune) { writeSummary(f, "complaint.Event", e.LogValue()) }

// Format prints the LogValue summary for every verb.
func (e Entry) Format(f fmt.State, _ rune) { writeSummary(f, "complaint.Entry", e.LogValue()) }

// LogValue makes log/slog print the entry's ids, actor, kinds, time and the
// number of media items, never its content, the actor's name or Raw.
func (e Entry) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", e.ID),
		slog.String("actor", string(e.Actor)),
		slog.String("kind", string(e.Kind)),
		slog.String("provider_kind", e.ProviderKind),
	}
	if !e.Time.IsZero() {
		attrs = append(attrs, slog.Time("time", e.Time))
	}
	if len(e.Media) > 0 {
		attrs = append(attrs, slog.Int("media", len(e.Media)))
	}
	return slog.GroupValue(attrs...)
}

// writeSummary renders a group value as name{k=v k=v ...}, nested groups in
// braces, values resolved through their own LogValue.
func writeSummary(f fmt.State, name string, v slog.Value) {
	var b strings.Builder
	b.WriteString(name)
	appendValue(&b, v)
	_, _ = f.Write([]byte(b.String()))
}

func appendValue(b *strings.Builder, v slog.Value) {
	v = v.Resolve()
	if v.Kind() != slog.KindGroup {
		b.WriteString(v.String())
		return
	}
	b.WriteByte('{')
	for i, a := range v.Group() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.Key)
		b.WriteByte('=')
		appendValue(b, a.Value)
	}
	b.WriteByte('}')
}
