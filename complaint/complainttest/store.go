package complainttest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// StoreFactory builds an empty store whose done keys are remembered for ttl.
// Stores that share state (one Redis, one database) should get a fresh
// namespace per call, so subtests do not see each other's keys.
type StoreFactory func(t *testing.T, ttl time.Duration) complaint.Store

// TestStore checks a complaint.Store against the lease contract that the
// callback handler relies on: a key is claimed by one delivery at a time,
// committed keys stay done for the TTL, a released key is free, a lease that
// was neither committed nor released expires, and a stale holder can neither
// release nor take over a lease that another delivery holds. It uses real time
// (leases of a second), so a store backed by a server with
// its own clock can be tested as it is.
func TestStore(t *testing.T, newStore StoreFactory) {
	t.Helper()
	// Long enough that two round trips to a server on a loaded CI machine fit in
	// it (the in-flight and done checks must land before it runs out).
	const lease = time.Second

	t.Run("ClaimCommitDone", func(t *testing.T) {
		s := newStore(t, time.Hour)
		ctx := context.Background()
		mustClaim(t, s, "k", time.Minute, complaint.ClaimNew)
		mustClaim(t, s, "k", time.Minute, complaint.ClaimInFlight)
		if err := s.Commit(ctx, "k"); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimDone)
		mustClaim(t, s, "other", time.Minute, complaint.ClaimNew)
	})

	t.Run("TokensAreDistinct", func(t *testing.T) {
		s := newStore(t, time.Hour)
		_, a := mustClaim(t, s, "a", time.Minute, complaint.ClaimNew)
		_, b := mustClaim(t, s, "b", time.Minute, complaint.ClaimNew)
		if a == "" || b == "" || a == b {
			t.Fatalf("lease tokens %q and %q: want two distinct non-empty tokens", a, b)
		}
		if _, tok := mustClaim(t, s, "a", time.Minute, complaint.ClaimInFlight); tok != "" {
			t.Fatalf("an in-flight claim returned token %q; only a new lease has one", tok)
		}
	})

	t.Run("ReleaseFreesTheKey", func(t *testing.T) {
		s := newStore(t, time.Hour)
		_, tok := mustClaim(t, s, "k", time.Minute, complaint.ClaimNew)
		if err := s.Release(context.Background(), "k", tok); err != nil {
			t.Fatalf("Release: %v", err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimNew)
	})

	t.Run("ReleaseWithAnotherTokenKeepsTheLease", func(t *testing.T) {
		s := newStore(t, time.Hour)
		mustClaim(t, s, "k", time.Minute, complaint.ClaimNew)
		if err := s.Release(context.Background(), "k", "not-the-token"); err != nil {
			t.Fatalf("Release with a foreign token: %v", err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimInFlight)
	})

	t.Run("ReleaseAfterCommitKeepsDone", func(t *testing.T) {
		s := newStore(t, time.Hour)
		ctx := context.Background()
		_, tok := mustClaim(t, s, "k", time.Minute, complaint.ClaimNew)
		if err := s.Commit(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "k", tok); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimDone)
	})

	t.Run("ExpiredLeaseIsTakenOver", func(t *testing.T) {
		s := newStore(t, time.Hour)
		ctx := context.Background()
		_, crashed := mustClaim(t, s, "k", lease, complaint.ClaimNew)
		mustClaim(t, s, "k", lease, complaint.ClaimInFlight)
		// The holder "crashed": it never commits or releases.
		_, taker := waitForState(t, s, "k", time.Minute, complaint.ClaimNew, 20*lease)
		if taker == crashed {
			t.Fatal("the takeover reused the crashed holder's token")
		}
		// The crashed holder comes back and releases: the new lease must survive.
		if err := s.Release(ctx, "k", crashed); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimInFlight)
		// A stale holder that commits marks the key done: its sink succeeded.
		if err := s.Commit(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "k", taker); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimDone)
	})

	t.Run("DoneExpiresAfterTTL", func(t *testing.T) {
		s := newStore(t, lease)
		mustClaim(t, s, "k", time.Minute, complaint.ClaimNew)
		if err := s.Commit(context.Background(), "k"); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, "k", time.Minute, complaint.ClaimDone)
		waitForState(t, s, "k", time.Minute, complaint.ClaimNew, 20*lease)
	})

	t.Run("ConcurrentClaimsOneWinner", func(t *testing.T) {
		s := newStore(t, time.Hour)
		const n = 64
		states := make([]complaint.ClaimState, n)
		errs := make([]error, n)
		together(n, func(i int) { states[i], _, errs[i] = s.Claim(context.Background(), "hot", time.Minute) })
		won := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("claim %d: %v", i, errs[i])
			}
			switch states[i] {
			case complaint.ClaimNew:
				won++
			case complaint.ClaimInFlight:
			default:
				t.Fatalf("claim %d answered %v", i, states[i])
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d concurrent claims won the lease, want exactly 1", won, n)
		}
	})

	t.Run("KeysAreOpaque", func(t *testing.T) {
		s := newStore(t, time.Hour)
		keys := []string{"wechatpay:evt-1", "wechatpay:evt-1 ", "a:b:c", "键/空格 \t\n", "{tag}x", "*"}
		for _, k := range keys {
			mustClaim(t, s, k, time.Minute, complaint.ClaimNew)
		}
		for _, k := range keys {
			mustClaim(t, s, k, time.Minute, complaint.ClaimInFlight)
		}
	})
}

func mustClaim(t *testing.T, s complaint.Store, key string, lease time.Duration, want complaint.ClaimState) (complaint.ClaimState, string) {
	t.Helper()
	got, tok, err := s.Claim(context.Background(), key, lease)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	if got != want {
		t.Fatalf("Claim(%q) = %v, want %v", key, got, want)
	}
	if (got == complaint.ClaimNew) != (tok != "") {
		t.Fatalf("Claim(%q) = %v with token %q: a token comes with a new lease and only then", key, got, tok)
	}
	return got, tok
}

// waitForState claims key until the answer is want, for at most max. Claims
// that answer something else do not change the store (they take no lease).
func waitForState(t *testing.T, s complaint.Store, key string, lease time.Duration, want complaint.ClaimState, max time.Duration) (complaint.ClaimState, string) {
	t.Helper()
	deadline := time.Now().Add(max)
	var last complaint.ClaimState
	for time.Now().Before(deadline) {
		got, tok, err := s.Claim(context.Background(), key, lease)
		if err != nil {
			t.Fatalf("Claim(%q): %v", key, err)
		}
		if got == want {
			return got, tok
		}
		last = got
		time.Sleep(max / 100)
	}
	t.Fatalf("Claim(%q) still %v after %v, want %v", key, last, max, want)
	return 0, ""
}

// together runs f(0) .. f(n-1) in n goroutines released at once, and returns
// when all have returned.
func together(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}
