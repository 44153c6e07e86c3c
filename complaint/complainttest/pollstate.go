package complainttest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// PollStateFactory builds an empty poll state. States that share a server
// (one Redis, one database) should get a fresh namespace per call, so
// subtests do not see each other's keys.
type PollStateFactory func(t *testing.T) complaint.PollState

// TestPollState checks a complaint.PollState against the contract the Poller
// relies on: one poll lease per source at a time, a recorded start that keeps
// the next poll (a restarted process's included) at least minInterval away, a
// lease that a crashed holder leaves to run out, watermarks kept by EndPoll
// and refused to a holder whose lease was taken over, Seen records merged
// field by field, and open sets per source.
//
// The times it passes start at the real time now, rounded to the second, and
// move forward by what each check needs (hours, for a 4-hour interval); it
// never sleeps. An implementation compares the times it is given, as the
// interface asks, and may use its own clock only to collect garbage.
func TestPollState(t *testing.T, newState PollStateFactory) {
	t.Helper()
	const (
		lease    = 10 * time.Minute
		interval = 4 * time.Hour
	)
	base := time.Now().Truncate(time.Second)
	ctx := context.Background()

	t.Run("FirstPollIsGranted", func(t *testing.T) {
		s := newState(t)
		tk := mustBegin(t, s, "payjs", base, interval, lease, true)
		if !tk.Watermark.IsZero() || !tk.NotBefore.IsZero() {
			t.Fatalf("first ticket %+v: want no watermark and no NotBefore", tk)
		}
	})

	t.Run("LiveLeaseRefuses", func(t *testing.T) {
		s := newState(t)
		mustBegin(t, s, "src", base, 0, lease, true)
		tk := mustBegin(t, s, "src", base.Add(lease-time.Second), 0, lease, false)
		wantTime(t, "NotBefore while the lease is live", tk.NotBefore, base.Add(lease))
		// The lease ran out (the holder crashed): the next poll takes it over.
		mustBegin(t, s, "src", base.Add(lease), 0, lease, true)
	})

	t.Run("MinIntervalFromTheLastStart", func(t *testing.T) {
		s := newState(t)
		tk := mustBegin(t, s, "src", base, interval, lease, true)
		mustEnd(t, s, "src", tk.Token, base.Add(-time.Minute))
		tk = mustBegin(t, s, "src", base.Add(time.Minute), interval, lease, false)
		wantTime(t, "NotBefore after a completed poll", tk.NotBefore, base.Add(interval))
		// Another caller with a shorter interval is let through.
		tk = mustBegin(t, s, "src", base.Add(time.Minute), 0, lease, true)
		wantTime(t, "Watermark", tk.Watermark, base.Add(-time.Minute))
		mustEnd(t, s, "src", tk.Token, time.Time{})
		// The start that counts is now the later one.
		tk = mustBegin(t, s, "src", base.Add(interval), interval, lease, false)
		wantTime(t, "NotBefore after the second start", tk.NotBefore, base.Add(time.Minute+interval))
		mustBegin(t, s, "src", base.Add(time.Minute+interval), interval, lease, true)
	})

	t.Run("CrashLoopWaitsForTheInterval", func(t *testing.T) {
		s := newState(t)
		// A process starts polling and dies; it restarts every few seconds.
		mustBegin(t, s, "payjs", base, interval, lease, true)
		for at := base.Add(lease); at.Before(base.Add(interval)); at = at.Add(7 * time.Minute) {
			tk := mustBegin(t, s, "payjs", at, interval, lease, false)
			wantTime(t, fmt.Sprintf("NotBefore at %v", at.Sub(base)), tk.NotBefore, base.Add(interval))
		}
		mustBegin(t, s, "payjs", base.Add(interval), interval, lease, true)
	})

	t.Run("NotBeforeIsTheLaterOfLeaseAndInterval", func(t *testing.T) {
		s := newState(t)
		mustBegin(t, s, "src", base, time.Minute, lease, true)
		tk := mustBegin(t, s, "src", base.Add(lease-time.Second), time.Minute, lease, false)
		wantTime(t, "NotBefore with the lease ending last", tk.NotBefore, base.Add(lease))
		tk = mustBegin(t, s, "src", base.Add(lease-time.Second), interval, lease, false)
		wantTime(t, "NotBefore with the interval ending last", tk.NotBefore, base.Add(interval))
	})

	t.Run("RefusalRecordsNothing", func(t *testing.T) {
		s := newState(t)
		tk := mustBegin(t, s, "src", base, time.Hour, lease, true)
		mustEnd(t, s, "src", tk.Token, base)
		mustBegin(t, s, "src", base.Add(time.Hour-time.Second), time.Hour, lease, false)
		mustBegin(t, s, "src", base.Add(time.Hour), time.Hour, lease, true)
	})

	t.Run("WatermarkKeptByEndPoll", func(t *testing.T) {
		s := newState(t)
		w := base
		tk := mustBegin(t, s, "src", base, 0, lease, true)
		mustEnd(t, s, "src", tk.Token, w)
		tk = mustBegin(t, s, "src", base.Add(time.Minute), 0, lease, true)
		wantTime(t, "Watermark", tk.Watermark, w)
		// A failed poll ends with a zero watermark: the last one stays.
		mustEnd(t, s, "src", tk.Token, time.Time{})
		tk = mustBegin(t, s, "src", base.Add(2*time.Minute), 0, lease, true)
		wantTime(t, "Watermark after a failed poll", tk.Watermark, w)
		if err := s.EndPoll(ctx, "src", tk.Token, base.Add(2*time.Minute)); err != nil {
			t.Fatalf("EndPoll: %v", err)
		}
		// Ended: the token no longer holds anything.
		if err := s.EndPoll(ctx, "src", tk.Token, base.Add(time.Hour)); !errors.Is(err, complaint.ErrPollLeaseLost) {
			t.Fatalf("EndPoll twice: %v, want complaint.ErrPollLeaseLost", err)
		}
		tk = mustBegin(t, s, "src", base.Add(3*time.Minute), 0, lease, true)
		wantTime(t, "Watermark", tk.Watermark, base.Add(2*time.Minute))
	})

	t.Run("EndPollAfterTakeoverIsRefused", func(t *testing.T) {
		s := newState(t)
		old := mustBegin(t, s, "src", base, 0, lease, true)
		takenAt := base.Add(lease)
		taker := mustBegin(t, s, "src", takenAt, 0, lease, true)
		if taker.Token == old.Token {
			t.Fatal("the takeover reused the crashed holder's token")
		}
		if err := s.EndPoll(ctx, "src", old.Token, base.Add(time.Hour)); !errors.Is(err, complaint.ErrPollLeaseLost) {
			t.Fatalf("EndPoll of a taken-over lease: %v, want complaint.ErrPollLeaseLost", err)
		}
		// The old holder changed nothing: the taker still holds the lease.
		tk := mustBegin(t, s, "src", takenAt, 0, lease, false)
		wantTime(t, "NotBefore of the taker's lease", tk.NotBefore, takenAt.Add(lease))
		mustEnd(t, s, "src", taker.Token, base.Add(lease))
		tk = mustBegin(t, s, "src", takenAt, 0, lease, true)
		wantTime(t, "Watermark", tk.Watermark, base.Add(lease))
		if err := s.EndPoll(ctx, "src", "", time.Time{}); !errors.Is(err, complaint.ErrPollLeaseLost) {
			t.Fatalf("EndPoll with an empty token: %v, want complaint.ErrPollLeaseLost", err)
		}
	})

	t.Run("EndPollAfterTheLeaseRanOut", func(t *testing.T) {
		s := newState(t)
		tk := mustBegin(t, s, "src", base, 0, lease, true)
		// Nobody took the lease over: the late holder may still end its poll.
		mustEnd(t, s, "src", tk.Token, base.Add(time.Second))
		tk = mustBegin(t, s, "src", base.Add(lease), 0, lease, true)
		wantTime(t, "Watermark", tk.Watermark, base.Add(time.Second))
	})

	t.Run("SourcesAreIndependent", func(t *testing.T) {
		s := newState(t)
		a := mustBegin(t, s, "a", base, interval, lease, true)
		mustBegin(t, s, "b", base, interval, lease, true)
		mustEnd(t, s, "a", a.Token, base)
		if err := s.EndPoll(ctx, "b", a.Token, base); !errors.Is(err, complaint.ErrPollLeaseLost) {
			t.Fatalf("EndPoll of b with a's token: %v, want complaint.ErrPollLeaseLost", err)
		}
		tk := mustBegin(t, s, "c", base.Add(time.Second), interval, lease, true)
		if !tk.Watermark.IsZero() {
			t.Fatalf("a new source has watermark %v", tk.Watermark)
		}
	})

	t.Run("ConcurrentBeginPollOneWinner", func(t *testing.T) {
		s := newState(t)
		const n = 32
		tickets := make([]complaint.PollTicket, n)
		errs := make([]error, n)
		together(n, func(i int) { tickets[i], errs[i] = s.BeginPoll(ctx, "hot", base, interval, lease) })
		won := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("BeginPoll %d: %v", i, errs[i])
			}
			if tickets[i].Granted() {
				won++
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d concurrent polls were granted, want exactly 1", won, n)
		}
	})

	t.Run("RecallUnknownIsZero", func(t *testing.T) {
		s := newState(t)
		got, err := s.Recall(ctx, "wechatpay/nobody")
		if err != nil || got != (complaint.Seen{}) {
			t.Fatalf("Recall of an unknown key = %+v, %v; want the zero Seen", got, err)
		}
	})

	t.Run("RememberMerges", func(t *testing.T) {
		s := newState(t)
		due := base.Add(interval)
		mustRemember(t, s, "k", complaint.Seen{Fingerprint: "f1"})
		wantSeen(t, s, "k", complaint.Seen{Fingerprint: "f1"})
		mustRemember(t, s, "k", complaint.Seen{DueSoon: due})
		wantSeen(t, s, "k", complaint.Seen{Fingerprint: "f1", DueSoon: due})
		mustRemember(t, s, "k", complaint.Seen{Fingerprint: "f2"})
		wantSeen(t, s, "k", complaint.Seen{Fingerprint: "f2", DueSoon: due})
		mustRemember(t, s, "k", complaint.Seen{Overdue: due.Add(time.Hour)})
		wantSeen(t, s, "k", complaint.Seen{Fingerprint: "f2", DueSoon: due, Overdue: due.Add(time.Hour)})
		mustRemember(t, s, "k", complaint.Seen{DueSoon: due.Add(time.Hour), Overdue: due})
		wantSeen(t, s, "k", complaint.Seen{Fingerprint: "f2", DueSoon: due.Add(time.Hour), Overdue: due})
		wantSeen(t, s, "other", complaint.Seen{})
	})

	t.Run("KeysAreOpaque", func(t *testing.T) {
		s := newState(t)
		keys := []string{"wechatpay/1", "wechatpay/1 ", "a:b:c", "键/空格 \t\n", "{tag}x", "*"}
		for i, k := range keys {
			mustRemember(t, s, k, complaint.Seen{Fingerprint: fmt.Sprint("fp", i)})
		}
		for i, k := range keys {
			wantSeen(t, s, k, complaint.Seen{Fingerprint: fmt.Sprint("fp", i)})
		}
	})

	t.Run("OpenSets", func(t *testing.T) {
		s := newState(t)
		a := complaint.Ref{Provider: "wechatpay", ID: "200001", MerchantID: "1900000109"}
		b := complaint.Ref{Provider: "allinpay", ID: "支付宝-1", MerchantID: "cus 1", Channel: complaint.ChannelAlipay, OrderID: "o/1"}
		c := complaint.Ref{Provider: "wechatpay", ID: "200002"}
		mustTrack(t, s, "one", "ka", a)
		mustTrack(t, s, "one", "kb", b)
		mustTrack(t, s, "two", "kc", c)
		wantTracked(t, s, "one", a, b)
		wantTracked(t, s, "two", c)
		wantTracked(t, s, "three")
		// Tracking a key again replaces its entry.
		a2 := a
		a2.OrderID = "o-2"
		mustTrack(t, s, "one", "ka", a2)
		wantTracked(t, s, "one", a2, b)
		if err := s.Untrack(ctx, "one", "ka"); err != nil {
			t.Fatalf("Untrack: %v", err)
		}
		wantTracked(t, s, "one", b)
		if err := s.Untrack(ctx, "one", "ka"); err != nil {
			t.Fatalf("Untrack of an absent key: %v", err)
		}
		if err := s.Untrack(ctx, "two", "kb"); err != nil {
			t.Fatalf("Untrack in another source: %v", err)
		}
		wantTracked(t, s, "one", b)
		wantTracked(t, s, "two", c)
		// Stopping the loop early is allowed.
		for range s.Tracked(ctx, "one") {
			break
		}
	})

	t.Run("InvalidInput", func(t *testing.T) {
		s := newState(t)
		var nilCtx context.Context
		wantInvalid(t, "BeginPoll with a nil context", safe(func() error {
			_, err := s.BeginPoll(nilCtx, "src", base, 0, lease)
			return err
		}))
		wantInvalid(t, "EndPoll with a nil context", safe(func() error { return s.EndPoll(nilCtx, "src", "t", base) }))
		wantInvalid(t, "Recall with a nil context", safe(func() error {
			_, err := s.Recall(nilCtx, "k")
			return err
		}))
		wantInvalid(t, "Remember with a nil context", safe(func() error { return s.Remember(nilCtx, "k", complaint.Seen{Fingerprint: "f"}) }))
		wantInvalid(t, "Track with a nil context", safe(func() error { return s.Track(nilCtx, "src", "k", complaint.Ref{ID: "1"}) }))
		wantInvalid(t, "Untrack with a nil context", safe(func() error { return s.Untrack(nilCtx, "src", "k") }))
		wantInvalid(t, "Tracked with a nil context", firstErr(s.Tracked(nilCtx, "src")))
	})
}

func mustBegin(t *testing.T, s complaint.PollState, source string, now time.Time, minInterval, lease time.Duration, granted bool) complaint.PollTicket {
	t.Helper()
	tk, err := s.BeginPoll(context.Background(), source, now, minInterval, lease)
	if err != nil {
		t.Fatalf("BeginPoll(%q): %v", source, err)
	}
	if tk.Granted() != granted {
		t.Fatalf("BeginPoll(%q) granted = %v (ticket %+v), want %v", source, tk.Granted(), tk, granted)
	}
	if granted && !tk.NotBefore.IsZero() {
		t.Fatalf("BeginPoll(%q) granted with NotBefore %v", source, tk.NotBefore)
	}
	if !granted && !tk.NotBefore.After(now) {
		t.Fatalf("BeginPoll(%q) refused at %v with NotBefore %v, want a later time", source, now, tk.NotBefore)
	}
	return tk
}

func mustEnd(t *testing.T, s complaint.PollState, source, token string, watermark time.Time) {
	t.Helper()
	if err := s.EndPoll(context.Background(), source, token, watermark); err != nil {
		t.Fatalf("EndPoll(%q): %v", source, err)
	}
}

func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func mustRemember(t *testing.T, s complaint.PollState, key string, seen complaint.Seen) {
	t.Helper()
	if err := s.Remember(context.Background(), key, seen); err != nil {
		t.Fatalf("Remember(%q): %v", key, err)
	}
}

func wantSeen(t *testing.T, s complaint.PollState, key string, want complaint.Seen) {
	t.Helper()
	got, err := s.Recall(context.Background(), key)
	if err != nil {
		t.Fatalf("Recall(%q): %v", key, err)
	}
	if got.Fingerprint != want.Fingerprint || !got.DueSoon.Equal(want.DueSoon) || !got.Overdue.Equal(want.Overdue) {
		t.Fatalf("Recall(%q) = %+v, want %+v", key, got, want)
	}
}

func mustTrack(t *testing.T, s complaint.PollState, source, key string, ref complaint.Ref) {
	t.Helper()
	if err := s.Track(context.Background(), source, key, ref); err != nil {
		t.Fatalf("Track(%q, %q): %v", source, key, err)
	}
}

func wantTracked(t *testing.T, s complaint.PollState, source string, want ...complaint.Ref) {
	t.Helper()
	var got []complaint.Ref
	for r, err := range s.Tracked(context.Background(), source) {
		if err != nil {
			t.Fatalf("Tracked(%q): %v", source, err)
		}
		got = append(got, r)
	}
	byText := func(a, b complaint.Ref) int { return cmp.Compare(fmt.Sprintf("%+v", a), fmt.Sprintf("%+v", b)) }
	slices.SortFunc(got, byText)
	want = slices.Clone(want)
	slices.SortFunc(want, byText)
	if !slices.Equal(got, want) {
		t.Fatalf("Tracked(%q) = %+v, want %+v", source, got, want)
	}
}
