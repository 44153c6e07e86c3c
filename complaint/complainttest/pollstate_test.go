package complainttest_test

import (
	"context"
	"iter"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

// brokenState breaks the memory state's contract one way at a time.
type brokenState struct {
	*complaint.MemoryPollState
	broken      string
	overwritten map[string]complaint.Seen
}

func (s *brokenState) BeginPoll(ctx context.Context, source string, now time.Time, minInterval, lease time.Duration) (complaint.PollTicket, error) {
	switch s.broken {
	case "ignores-interval":
		minInterval = 0
	case "ignores-lease":
		lease = 0
	case "no-watermark":
		tk, err := s.MemoryPollState.BeginPoll(ctx, source, now, minInterval, lease)
		tk.Watermark = time.Time{}
		return tk, err
	}
	return s.MemoryPollState.BeginPoll(ctx, source, now, minInterval, lease)
}

func (s *brokenState) EndPoll(ctx context.Context, source, token string, watermark time.Time) error {
	if s.broken == "end-lost-silently" {
		_ = s.MemoryPollState.EndPoll(ctx, source, token, watermark)
		return nil
	}
	return s.MemoryPollState.EndPoll(ctx, source, token, watermark)
}

func (s *brokenState) Remember(ctx context.Context, key string, seen complaint.Seen) error {
	if s.broken == "remember-overwrites" {
		s.overwritten[key] = seen
		return nil
	}
	return s.MemoryPollState.Remember(ctx, key, seen)
}

func (s *brokenState) Recall(ctx context.Context, key string) (complaint.Seen, error) {
	if s.broken == "remember-overwrites" {
		return s.overwritten[key], nil
	}
	return s.MemoryPollState.Recall(ctx, key)
}

func (s *brokenState) Untrack(ctx context.Context, source, key string) error {
	if s.broken == "untrack-noop" {
		return nil
	}
	return s.MemoryPollState.Untrack(ctx, source, key)
}

func (s *brokenState) Tracked(ctx context.Context, source string) iter.Seq2[complaint.Ref, error] {
	if s.broken == "tracked-one-source" {
		source = "one"
	}
	return s.MemoryPollState.Tracked(ctx, source)
}

func TestMemoryPollStatePasses(t *testing.T) {
	complainttest.TestPollState(t, func(*testing.T) complaint.PollState { return complaint.NewMemoryPollState() })
}

// TestBrokenPollState runs the contract against one broken variant; it is
// meant to fail, and runs only as the child process of
// TestPollStateContractHasTeeth.
func TestBrokenPollState(t *testing.T) {
	broken := os.Getenv("COMPLAINTTEST_BROKEN_STATE")
	if broken == "" {
		t.Skip("run by TestPollStateContractHasTeeth")
	}
	complainttest.TestPollState(t, func(*testing.T) complaint.PollState {
		return &brokenState{MemoryPollState: complaint.NewMemoryPollState(), broken: broken, overwritten: map[string]complaint.Seen{}}
	})
}

func TestPollStateContractHasTeeth(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns test processes")
	}
	for broken, subtest := range map[string]string{
		"ignores-interval":    "MinIntervalFromTheLastStart",
		"ignores-lease":       "LiveLeaseRefuses",
		"no-watermark":        "WatermarkKeptByEndPoll",
		"end-lost-silently":   "WatermarkKeptByEndPoll",
		"remember-overwrites": "RememberMerges",
		"untrack-noop":        "OpenSets",
		"tracked-one-source":  "OpenSets",
	} {
		t.Run(broken, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenPollState$", "-test.count=1")
			cmd.Env = append(os.Environ(), "COMPLAINTTEST_BROKEN_STATE="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the contract passed a poll state that is broken (%s):\n%s", broken, out)
			}
			if !strings.Contains(string(out), "--- FAIL: TestBrokenPollState/"+subtest) {
				t.Fatalf("broken (%s) was not caught by %s:\n%s", broken, subtest, out)
			}
		})
	}
}
