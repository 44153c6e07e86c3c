// Package plainlog makes the loggers the offline examples print with:
// log/slog's text format without timestamps or durations, so that their
// output reads like a transcript and their tests can match it.
package plainlog

import (
	"io"
	"log/slog"
)

// New returns a text logger writing lines of level and above to w.
func New(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: dropClock}))
}

// dropClock drops the record's time and the poller's "took" duration, the
// only parts of the examples' lines that change from run to run besides ids.
func dropClock(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == "took") {
		return slog.Attr{}
	}
	return a
}
