package complaint

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

type fakeClock struct{ t atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.t.Add(int64(d)) }

func newClock() *fakeClock {
	c := &fakeClock{}
	c.advance(time.Hour)
	return c
}

func claimState(t *testing.T, s Store, key string, lease time.Duration) (ClaimState, string) {
	t.Helper()
	st, tok, err := s.Claim(context.Background(), key, lease)
	if err != nil {
		t.Fatal(err)
	}
	return st, tok
}

// The lease contract with a clock: the shared suite in complainttest checks
// it again in real time.
func TestMemoryStoreLeaseAndTTL(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := NewMemoryStore(WithTTL(time.Minute), WithStoreClock(clk.now))

	st, tok := claimState(t, s, "a", 10*time.Second)
	if st != ClaimNew || tok == "" {
		t.Fatalf("first claim = %v %q, want new with a token", st, tok)
	}
	if st, _ := claimState(t, s, "a", 10*time.Second); st != ClaimInFlight {
		t.Fatalf("second claim = %v, want in flight", st)
	}
	clk.advance(9 * time.Second)
	if st, _ := claimState(t, s, "a", 10*time.Second); st != ClaimInFlight {
		t.Fatalf("claim before the lease ends = %v, want in flight", st)
	}
	clk.advance(time.Second)
	st, tok2 := claimState(t, s, "a", 10*time.Second)
	if st != ClaimNew || tok2 == tok {
		t.Fatalf("claim after the lease = %v %q, want new with a fresh token", st, tok2)
	}
	_ = s.Release(ctx, "a", tok) // the crashed holder's token: no effect
	if st, _ := claimState(t, s, "a", 10*time.Second); st != ClaimInFlight {
		t.Fatalf("a stale release freed the new lease: %v", st)
	}
	if err := s.Commit(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	clk.advance(59 * time.Second)
	if st, _ := claimState(t, s, "a", 10*time.Second); st != ClaimDone {
		t.Fatalf("claim within the TTL = %v, want done", st)
	}
	clk.advance(time.Second)
	if st, _ := claimState(t, s, "a", 10*time.Second); st != ClaimNew {
		t.Fatalf("claim after the TTL = %v, want new", st)
	}
	if s.Len() != 1 {
		t.Fatalf("Len = %d, want 1", s.Len())
	}
	clk.advance(11 * time.Second)
	if s.Len() != 0 {
		t.Fatalf("Len after the lease ran out = %d, want 0", s.Len())
	}
}

func TestMemoryStoreDefaultLease(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(WithStoreClock(clk.now))
	claimState(t, s, "k", 0)
	clk.advance(DefaultLease - time.Nanosecond)
	if st, _ := claimState(t, s, "k", 0); st != ClaimInFlight {
		t.Fatalf("within DefaultLease: %v", st)
	}
	clk.advance(time.Nanosecond)
	if st, _ := claimState(t, s, "k", 0); st != ClaimNew {
		t.Fatalf("after DefaultLease: %v", st)
	}
}

func TestMemoryStoreBounded(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(WithMaxEntries(3))
	for i := 0; i < 5; i++ {
		if st, _ := claimState(t, s, fmt.Sprint(i), time.Minute); st != ClaimNew {
			t.Fatalf("claim %d = %v", i, st)
		}
		if err := s.Commit(ctx, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	// The newest three are still done; the oldest two were forgotten.
	for _, k := range []string{"2", "3", "4"} {
		if st, _ := claimState(t, s, k, time.Minute); st != ClaimDone {
			t.Fatalf("key %s = %v although it is among the newest", k, st)
		}
	}
	if st, _ := claimState(t, s, "0", time.Minute); st != ClaimNew {
		t.Fatalf("oldest key 0 = %v, want evicted (new)", st)
	}
	// Claiming 0 changed it last; the least recently changed is now 2.
	if st, _ := claimState(t, s, "2", time.Minute); st != ClaimNew {
		t.Fatalf("claiming past the bound did not evict the least recently changed key: %v", st)
	}
}

func TestMemoryStoreQueueStaysBounded(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := NewMemoryStore(WithMaxEntries(10), WithTTL(time.Second), WithStoreClock(clk.now))
	for i := 0; i < 10000; i++ {
		k := fmt.Sprint(i % 7)
		st, tok := claimState(t, s, k, time.Minute)
		if st != ClaimNew {
			t.Fatalf("round %d: claim %s = %v", i, k, st)
		}
		if i%2 == 0 {
			_ = s.Release(ctx, k, tok)
		} else {
			_ = s.Commit(ctx, k)
			clk.advance(time.Second) // the done key expires
		}
	}
	if n := len(s.queue) - s.head; n > 2*10+16+1 {
		t.Fatalf("queue grew to %d entries under claim/commit/release churn", n)
	}
}

func TestClaimStateString(t *testing.T) {
	for st, want := range map[ClaimState]string{ClaimNew: "new", ClaimInFlight: "in flight", ClaimDone: "done", 0: "invalid"} {
		if st.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(st), st.String(), want)
		}
	}
}

func TestNewLeaseToken(t *testing.T) {
	a, b := NewLeaseToken(), NewLeaseToken()
	if len(a) != 32 || a == b {
		t.Fatalf("tokens %q %q: want 32 hex characters, distinct", a, b)
	}
}

func BenchmarkMemoryStoreClaimCommit(b *testing.B) {
	ctx := context.Background()
	s := NewMemoryStore()
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprintf("wechatpay:%08d-aaaa-bbbb-cccc", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := keys[i%len(keys)]
		if st, _, _ := s.Claim(ctx, k, time.Minute); st == ClaimNew {
			_ = s.Commit(ctx, k)
		}
	}
}
