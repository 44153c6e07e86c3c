package complainttest

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// Capability names an optional part of the Source and Responder contract. A
// provider that lacks one must answer it with an error matching
// errors.ErrUnsupported.
type Capability string

// Capabilities.
const (
	CanGet          Capability = "Get"
	CanHistory      Capability = "History"
	CanReply        Capability = "Reply"
	CanComplete     Capability = "Complete"
	CanDecideRefund Capability = "DecideRefund"
)

// Seed is one complaint the fake provider holds, as the Source must list it.
type Seed struct {
	// Ref is what the listed complaint's Ref() must return.
	Ref complaint.Ref
	// CreatedAt is the complaint's creation time as the provider reports it.
	CreatedAt time.Time
}

// Fixture is one provider's Source, and optionally its Responder, over a fake
// server that holds exactly the Seeded complaints and nothing else.
type Fixture struct {
	Source complaint.Source
	// Responder is checked when not nil.
	Responder complaint.Responder
	// Seeded are the complaints the fake holds: at least three, with distinct
	// creation times, all within one listing span of the provider (the last
	// 20 days, say).
	Seeded []Seed
	// Missing names a complaint of this provider that the fake does not hold.
	Missing complaint.Ref
	// Refundable names a seeded complaint whose refund request can be decided,
	// when the Responder can decide refunds.
	Refundable complaint.Ref
	// Unsupported lists the capabilities the provider lacks.
	Unsupported []Capability
}

func (f *Fixture) can(c Capability) bool { return !slices.Contains(f.Unsupported, c) }

// TestSource checks a provider's Source and Responder against the contract of
// package complaint, as testing/fstest.TestFS checks a file system. newFixture
// is called once per subtest and must return a fixture over a freshly seeded
// fake (subtests change state through the Responder). A subtest may list the
// same Source several times: turn a client-side polling limit off.
//
// It checks that List honours the half-open window [Since, Until) at its exact
// boundaries and tiles adjacent windows without loss or repetition, pages with
// any page size, stops when the loop stops, and ends with the context's error
// when the context is cancelled; that every listed complaint's Ref round-trips
// through Get; that an unknown complaint is complaint.ErrNotFound; that
// capabilities the provider lacks are errors.ErrUnsupported; that a nil context
// and an inverted window are complaint.ErrInvalidRequest, never a panic; and,
// with a Responder, that a reply shows in the history and a completed
// complaint is no longer open.
func TestSource(t *testing.T, newFixture func(t *testing.T) Fixture) {
	t.Helper()
	t.Run("Provider", func(t *testing.T) {
		f := fixture(t, newFixture)
		for _, s := range f.Seeded {
			if s.Ref.Provider != f.Source.Provider() {
				t.Fatalf("seed %v is not of provider %q", s.Ref, f.Source.Provider())
			}
		}
		if f.Responder != nil && f.Responder.Provider() != f.Source.Provider() {
			t.Fatalf("responder provider %q, source %q", f.Responder.Provider(), f.Source.Provider())
		}
	})
	t.Run("ListAll", func(t *testing.T) {
		f := fixture(t, newFixture)
		got := list(t, f.Source, complaint.ListOptions{Since: f.first(), Until: f.last().Add(time.Second)})
		f.expect(t, got, f.Seeded)
		byID := map[string]*complaint.Complaint{}
		for _, c := range got {
			byID[c.ID] = c
		}
		for _, s := range f.Seeded {
			c := byID[s.Ref.ID]
			if c.Ref() != s.Ref {
				t.Errorf("listed %q: Ref() = %+v, want %+v", c.ID, c.Ref(), s.Ref)
			}
			if !c.CreatedAt.Equal(s.CreatedAt) {
				t.Errorf("listed %q: CreatedAt %v, want %v", c.ID, c.CreatedAt, s.CreatedAt)
			}
			if c.Provider != f.Source.Provider() {
				t.Errorf("listed %q: provider %q", c.ID, c.Provider)
			}
		}
	})
	t.Run("WindowIsHalfOpen", func(t *testing.T) {
		f := fixture(t, newFixture)
		seeds := f.sorted()
		// [second, last): the second is in (at Since exactly), the last is out
		// (at Until exactly), the first is out (before Since).
		since, until := seeds[1].CreatedAt, seeds[len(seeds)-1].CreatedAt
		got := list(t, f.Source, complaint.ListOptions{Since: since, Until: until})
		f.expect(t, got, seeds[1:len(seeds)-1])
	})
	t.Run("AdjacentWindowsTile", func(t *testing.T) {
		f := fixture(t, newFixture)
		seeds := f.sorted()
		mid := seeds[len(seeds)/2].CreatedAt
		end := f.last().Add(time.Second)
		a := list(t, f.Source, complaint.ListOptions{Since: f.first(), Until: mid})
		b := list(t, f.Source, complaint.ListOptions{Since: mid, Until: end})
		f.expect(t, append(a, b...), f.Seeded)
	})
	t.Run("Paging", func(t *testing.T) {
		f := fixture(t, newFixture)
		got := list(t, f.Source, complaint.ListOptions{Since: f.first(), Until: f.last().Add(time.Second), PageSize: 1})
		f.expect(t, got, f.Seeded)
	})
	t.Run("EarlyStop", func(t *testing.T) {
		f := fixture(t, newFixture)
		n := 0
		// The runtime panics if the iterator calls yield after the loop
		// stopped; the test fails on that panic.
		for c, err := range f.Source.List(context.Background(), complaint.ListOptions{Since: f.first(), Until: f.last().Add(time.Second), PageSize: 1}) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if c == nil {
				t.Fatal("List yielded a nil complaint without an error")
			}
			n++
			break
		}
		if n != 1 {
			t.Fatalf("loop ran %d times before break, want 1", n)
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		f := fixture(t, newFixture)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var errs []error
		for c, err := range f.Source.List(ctx, complaint.ListOptions{Since: f.first(), Until: f.last().Add(time.Second)}) {
			if err == nil {
				t.Fatalf("List with a cancelled context yielded %v", c)
			}
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Fatalf("List with a cancelled context yielded errors %v, want one matching context.Canceled", errs)
		}
		if f.can(CanGet) {
			if _, err := f.Source.Get(ctx, f.Seeded[0].Ref); !errors.Is(err, context.Canceled) {
				t.Fatalf("Get with a cancelled context: %v, want context.Canceled", err)
			}
		}
	})
	t.Run("InvalidInput", func(t *testing.T) {
		f := fixture(t, newFixture)
		var nilCtx context.Context
		wantInvalid(t, "List with a nil context", firstErr(f.Source.List(nilCtx, complaint.ListOptions{})))
		wantInvalid(t, "List with Until before Since",
			firstErr(f.Source.List(context.Background(), complaint.ListOptions{Since: f.last(), Until: f.first()})))
		if f.can(CanGet) {
			wantInvalid(t, "Get with a nil context", safe(func() error {
				_, err := f.Source.Get(nilCtx, f.Seeded[0].Ref)
				return err
			}))
		}
		if f.can(CanHistory) {
			wantInvalid(t, "History with a nil context", firstErr(f.Source.History(nilCtx, f.Seeded[0].Ref)))
		}
	})
	t.Run("GetRoundTrip", func(t *testing.T) {
		f := fixture(t, newFixture)
		if !f.can(CanGet) {
			_, err := f.Source.Get(context.Background(), f.Seeded[0].Ref)
			wantUnsupported(t, "Get", err)
			return
		}
		for _, c := range list(t, f.Source, complaint.ListOptions{Since: f.first(), Until: f.last().Add(time.Second)}) {
			got, err := f.Source.Get(context.Background(), c.Ref())
			if err != nil {
				t.Fatalf("Get(%v): %v", c.Ref(), err)
			}
			if got.Ref() != c.Ref() || got.ID != c.ID || !got.CreatedAt.Equal(c.CreatedAt) || got.State != c.State {
				t.Fatalf("Get(%v) returned %v (state %q, created %v); listed %v (state %q, created %v)",
					c.Ref(), got.Ref(), got.State, got.CreatedAt, c.Ref(), c.State, c.CreatedAt)
			}
		}
		if _, err := f.Source.Get(context.Background(), f.Missing); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("Get(missing %v): %v, want complaint.ErrNotFound", f.Missing, err)
		}
	})
	t.Run("History", func(t *testing.T) {
		f := fixture(t, newFixture)
		if !f.can(CanHistory) {
			wantUnsupported(t, "History", firstErr(f.Source.History(context.Background(), f.Seeded[0].Ref)))
			return
		}
		for _, s := range f.Seeded {
			for e, err := range f.Source.History(context.Background(), s.Ref) {
				if err != nil {
					t.Fatalf("History(%v): %v", s.Ref, err)
				}
				if e == nil || e.Kind == "" {
					t.Fatalf("History(%v) yielded %+v: an entry needs a kind", s.Ref, e)
				}
			}
		}
		if err := firstErr(f.Source.History(context.Background(), f.Missing)); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("History(missing %v): %v, want complaint.ErrNotFound", f.Missing, err)
		}
	})
	t.Run("Responder", func(t *testing.T) {
		f := fixture(t, newFixture)
		if f.Responder == nil {
			t.Skip("no responder in the fixture")
		}
		testResponder(t, &f)
	})
}

func testResponder(t *testing.T, f *Fixture) {
	ctx := context.Background()
	r := f.Responder
	seeds := f.sorted()
	replyTo, completeIt := seeds[0].Ref, seeds[len(seeds)-1].Ref

	const text = "您好，我们已收到您的反馈，会尽快处理。"
	err := r.Reply(ctx, replyTo, complaint.Reply{Content: text})
	switch {
	case !f.can(CanReply):
		wantUnsupported(t, "Reply", err)
	case err != nil:
		t.Fatalf("Reply(%v): %v", replyTo, err)
	default:
		if err := r.Reply(ctx, f.Missing, complaint.Reply{Content: text}); !errors.Is(err, complaint.ErrNotFound) {
			t.Errorf("Reply(missing): %v, want complaint.ErrNotFound", err)
		}
		if f.can(CanHistory) {
			found := false
			for e, err := range f.Source.History(ctx, replyTo) {
				if err != nil {
					t.Fatalf("History after Reply: %v", err)
				}
				found = found || (e.Kind == complaint.KindMerchantReply && e.Content == text)
			}
			if !found {
				t.Errorf("History(%v) shows no merchant reply with the text sent", replyTo)
			}
		}
	}

	err = r.Complete(ctx, completeIt, complaint.Completion{Remark: "已与用户协商一致"})
	switch {
	case !f.can(CanComplete):
		wantUnsupported(t, "Complete", err)
	case err != nil:
		t.Fatalf("Complete(%v): %v", completeIt, err)
	default:
		if err := r.Complete(ctx, f.Missing, complaint.Completion{}); !errors.Is(err, complaint.ErrNotFound) {
			t.Errorf("Complete(missing): %v, want complaint.ErrNotFound", err)
		}
		if f.can(CanGet) {
			c, err := f.Source.Get(ctx, completeIt)
			if err != nil {
				t.Fatalf("Get after Complete: %v", err)
			}
			if c.State.Open() {
				t.Errorf("completed complaint %v is still %q", completeIt, c.State)
			}
		}
	}

	if !f.can(CanDecideRefund) {
		wantUnsupported(t, "DecideRefund", r.DecideRefund(ctx, seeds[0].Ref, complaint.RefundDecision{Approve: true}))
		return
	}
	if f.Refundable.IsZero() {
		t.Fatal("the fixture decides refunds but names no Refundable complaint")
	}
	if err := r.DecideRefund(ctx, f.Refundable, complaint.RefundDecision{Approve: true}); err != nil {
		t.Fatalf("DecideRefund(%v, approve): %v", f.Refundable, err)
	}
	if err := r.DecideRefund(ctx, f.Missing, complaint.RefundDecision{Approve: true}); !errors.Is(err, complaint.ErrNotFound) {
		t.Errorf("DecideRefund(missing): %v, want complaint.ErrNotFound", err)
	}
}

func fixture(t *testing.T, newFixture func(t *testing.T) Fixture) Fixture {
	t.Helper()
	f := newFixture(t)
	if f.Source == nil {
		t.Fatal("fixture without a Source")
	}
	if len(f.Seeded) < 3 {
		t.Fatalf("fixture seeds %d complaints, want at least 3", len(f.Seeded))
	}
	seen := map[int64]bool{}
	for _, s := range f.Seeded {
		if seen[s.CreatedAt.UnixNano()] {
			t.Fatalf("fixture seeds two complaints created at %v; creation times must differ", s.CreatedAt)
		}
		seen[s.CreatedAt.UnixNano()] = true
	}
	if f.Missing.IsZero() || f.Missing.ID == "" {
		t.Fatal("fixture without a Missing reference")
	}
	return f
}

func (f *Fixture) sorted() []Seed {
	s := slices.Clone(f.Seeded)
	sort.Slice(s, func(i, j int) bool { return s[i].CreatedAt.Before(s[j].CreatedAt) })
	return s
}

func (f *Fixture) first() time.Time { return f.sorted()[0].CreatedAt }
func (f *Fixture) last() time.Time  { s := f.sorted(); return s[len(s)-1].CreatedAt }

// expect checks that got holds exactly the complaints of want, each once.
func (f *Fixture) expect(t *testing.T, got []*complaint.Complaint, want []Seed) {
	t.Helper()
	var g, w []string
	for _, c := range got {
		g = append(g, c.ID)
	}
	for _, s := range want {
		w = append(w, s.Ref.ID)
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Fatalf("listed [%s], want [%s] (each exactly once)", strings.Join(g, " "), strings.Join(w, " "))
	}
}

func list(t *testing.T, s complaint.Source, opts complaint.ListOptions) []*complaint.Complaint {
	t.Helper()
	var out []*complaint.Complaint
	for c, err := range s.List(context.Background(), opts) {
		if err != nil {
			t.Fatalf("List(%v .. %v, page %d): %v", opts.Since, opts.Until, opts.PageSize, err)
		}
		if c == nil {
			t.Fatal("List yielded a nil complaint without an error")
		}
		out = append(out, c)
	}
	return out
}

// firstErr runs an iterator to its end and returns the first error it
// yielded, failing nothing itself.
func firstErr[T any](seq func(yield func(T, error) bool)) (first error) {
	defer func() {
		if v := recover(); v != nil {
			first = errors.New("the iterator panicked")
		}
	}()
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// safe calls f and turns a panic into an error, so that a provider that
// panics on bad input fails the check instead of the test binary.
func safe(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = errors.New("panicked")
		}
	}()
	return f()
}

func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, complaint.ErrInvalidRequest) {
		t.Errorf("%s: %v, want an error matching complaint.ErrInvalidRequest", what, err)
	}
}

func wantUnsupported(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("%s on a provider without it: %v, want errors.ErrUnsupported", what, err)
	}
}
