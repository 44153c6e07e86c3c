package complainttest_test

import (
	"context"
	"iter"
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
	broken := brokenVariant(t, "COMPLAINTTEST_BROKEN_STATE")
	complainttest.TestPollState(t, func(*testing.T) complaint.PollState {
		return &brokenState{MemoryPollState: complaint.NewMemoryPollState(), broken: broken, overwritten: map[string]complaint.Seen{}}
	})
}

func TestPollStateContractHasTeeth(t *testing.T) {
	checkCaught(t, "TestBrokenPollState", "COMPLAINTTEST_BROKEN_STATE", map[string]string{
		"ignores-interval":    "MinIntervalFromTheLastStart",
		"ignores-lease":       "LiveLeaseRefuses",
		"no-watermark":        "WatermarkKeptByEndPoll",
		"end-lost-silently":   "WatermarkKeptByEndPoll",
		"remember-overwrites": "RememberMerges",
		"untrack-noop":        "OpenSets",
		"tracked-one-source":  "OpenSets",
	})
}
