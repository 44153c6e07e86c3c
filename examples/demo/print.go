package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/tousu-go/tousu/complaint"
)

// section prints a section heading.
func section(out io.Writer, title string) { fmt.Fprintf(out, "\n== %s\n", title) }

// table prints rows in aligned columns. text/tabwriter counts a Chinese
// character as one column where a terminal shows two, so the providers'
// Chinese texts would push their rows out of line; table counts them as
// two.
type table struct {
	out  io.Writer
	rows [][]string
}

func newTable(out io.Writer, header ...string) *table {
	return &table{out: out, rows: [][]string{header}}
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// flush writes the rows, two spaces between columns, no trailing blanks.
func (t *table) flush() error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(t.out, b.String())
	return err
}

// displayWidth is the number of terminal columns s takes: two for the
// wide characters of Chinese text and full-width punctuation, one for the
// rest.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xff60:
			n += 2
		default:
			n++
		}
	}
	return n
}

// httpStatus is "200 OK"-style text for a callback's answer.
func httpStatus(code int) string { return fmt.Sprintf("%d %s", code, http.StatusText(code)) }

// dispatched says how many events a delivery passed to the sink.
func dispatched(n int) string {
	switch n {
	case 0:
		return "no"
	case 1:
		return "yes, once"
	}
	return fmt.Sprintf("%d times", n)
}

// stateText is the normalised state, or what PAYJS's missing state means.
func stateText(s complaint.State) string {
	if s == complaint.StateUnknown {
		return "(not reported)"
	}
	return string(s)
}

// channelText is the relayed channel, "-" for single-channel providers.
func channelText(c complaint.Channel) string {
	if c == complaint.ChannelDefault {
		return "-"
	}
	return string(c)
}

// yuan prints fen as yuan with two decimals, "-" for none (畅想's
// notification carries no complained amount).
func yuan(m complaint.Money) string {
	if m.Amount == 0 {
		return "-"
	}
	sign := ""
	a := m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// due says when a complaint must be answered by, and whether that is past.
func due(c *complaint.Complaint, now time.Time) string {
	switch {
	case !c.State.Open():
		return "-"
	case c.IsOverdue(now):
		return "OVERDUE since " + c.DueAt.In(demoStart.Location()).Format("01-02 15:04")
	case c.DueAt.IsZero():
		return "(no deadline)"
	case c.DueEstimated:
		return "by " + c.DueAt.In(demoStart.Location()).Format("01-02 15:04") + " (72h rule of thumb)"
	}
	return "by " + c.DueAt.In(demoStart.Location()).Format("01-02 15:04") + " (provider's)"
}
