package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

func TestPollRuns(t *testing.T) {
	var out bytes.Buffer
	statePath := filepath.Join(t.TempDir(), "state.json")
	if err := run(context.Background(), &out, statePath); err != nil {
		t.Fatalf("poll failed: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"events: 5 in process 1, 1 in process 2; PAYJS complaint calls: 1",
		`msg="complaint poll not due" source=payjs-1230000109`,
		"sink: created  payjs     PC20241111001",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	// Process 2 emits exactly the one change made between the processes.
	_, second, _ := strings.Cut(text, "== process 2")
	if n := strings.Count(second, "sink: "); n != 1 || !regexp.MustCompile(`sink: updated  wechatpay \d+ +pending`).MatchString(second) {
		t.Errorf("process 2 emitted %d events, want one WeChat update:\n%s", n, second)
	}
	if _, err := os.Stat(statePath); err != nil {
		t.Errorf("no state file left behind: %v", err)
	}
	if tmp, _ := filepath.Glob(statePath + ".tmp-*"); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestFileStateContract(t *testing.T) {
	complainttest.TestPollState(t, func(t *testing.T) complaint.PollState {
		s, err := OpenFileState(context.Background(), filepath.Join(t.TempDir(), "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A reopened FileState has what the first one recorded: the last start (an
// early poll is refused), the watermark, what reached the sink, the open set.
func TestFileStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ref := complaint.Ref{Provider: complaint.WeChatPay, ID: "200201820200101080076610000"}
	seen := complaint.Seen{Fingerprint: "fp1", DueSoon: start.Add(48 * time.Hour)}

	s, err := OpenFileState(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := s.BeginPoll(ctx, "wx", start, time.Hour, time.Minute)
	if err != nil || !tk.Granted() {
		t.Fatalf("first BeginPoll: %+v, %v", tk, err)
	}
	if err := s.Remember(ctx, "k1", seen); err != nil {
		t.Fatal(err)
	}
	if err := s.Track(ctx, "wx", "k1", ref); err != nil {
		t.Fatal(err)
	}
	if err := s.Track(ctx, "wx", "k2", complaint.Ref{Provider: complaint.WeChatPay, ID: "gone"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Untrack(ctx, "wx", "k2"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndPoll(ctx, "wx", tk.Token, start.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}

	r, err := OpenFileState(ctx, path) // the restart
	if err != nil {
		t.Fatal(err)
	}
	if tk, err := r.BeginPoll(ctx, "wx", start.Add(30*time.Minute), time.Hour, time.Minute); err != nil || tk.Granted() ||
		!tk.NotBefore.Equal(start.Add(time.Hour)) {
		t.Fatalf("BeginPoll within the interval after a restart: %+v, %v; want refused until %v", tk, err, start.Add(time.Hour))
	}
	tk, err = r.BeginPoll(ctx, "wx", start.Add(time.Hour), time.Hour, time.Minute)
	if err != nil || !tk.Granted() || !tk.Watermark.Equal(start.Add(-time.Minute)) {
		t.Fatalf("BeginPoll after the interval: %+v, %v; want granted with the old watermark", tk, err)
	}
	if got, err := r.Recall(ctx, "k1"); err != nil || got.Fingerprint != seen.Fingerprint || !got.DueSoon.Equal(seen.DueSoon) {
		t.Fatalf("Recall after restart: %+v, %v; want %+v", got, err, seen)
	}
	var open []complaint.Ref
	for ref, err := range r.Tracked(ctx, "wx") {
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, ref)
	}
	if len(open) != 1 || open[0] != ref {
		t.Fatalf("open set after restart: %+v, want [%+v]", open, ref)
	}

	// A corrupt file is an error, not an empty state that would poll early.
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFileState(ctx, path); err == nil {
		t.Fatal("OpenFileState accepted a corrupt file")
	}
}
