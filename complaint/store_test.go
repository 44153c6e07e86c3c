package complaint

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeClock struct{ t atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.t.Add(int64(d)) }

func TestMemoryStoreClaimReleaseExpire(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{}
	clk.advance(time.Hour)
	s := NewMemoryStore(WithTTL(time.Minute), WithStoreClock(clk.now))

	claim := func(k string) bool {
		t.Helper()
		ok, err := s.Claim(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("a") || claim("a") {
		t.Fatal("first claim must win, second must be a duplicate")
	}
	if err := s.Release(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if !claim("a") {
		t.Fatal("a released key must be claimable again")
	}
	clk.advance(59 * time.Second)
	if claim("a") {
		t.Fatal("key expired before its TTL")
	}
	clk.advance(time.Second)
	if !claim("a") {
		t.Fatal("key did not expire after its TTL")
	}
	if s.Len() != 1 {
		t.Fatalf("Len = %d, want 1", s.Len())
	}
	clk.advance(time.Minute)
	if s.Len() != 0 {
		t.Fatalf("Len after expiry = %d, want 0", s.Len())
	}
}

func TestMemoryStoreBounded(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(WithMaxEntries(3))
	for i := 0; i < 5; i++ {
		if ok, _ := s.Claim(ctx, fmt.Sprint(i)); !ok {
			t.Fatalf("claim %d failed", i)
		}
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	// The newest three are still duplicates; the oldest two were forgotten.
	for _, k := range []string{"2", "3", "4"} {
		if ok, _ := s.Claim(ctx, k); ok {
			t.Fatalf("key %s was forgotten although it is among the newest", k)
		}
	}
	if ok, _ := s.Claim(ctx, "0"); !ok {
		t.Fatal("oldest key 0 was not evicted")
	}
	if ok, _ := s.Claim(ctx, "2"); !ok { // claiming 0 evicted the now-oldest, 2
		t.Fatal("claiming past the bound did not evict the oldest key")
	}
}

func TestMemoryStoreQueueStaysBounded(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(WithMaxEntries(10))
	for i := 0; i < 10000; i++ {
		k := fmt.Sprint(i % 7)
		if _, err := s.Claim(ctx, k); err != nil {
			t.Fatal(err)
		}
		_ = s.Release(ctx, k)
	}
	if n := len(s.queue) - s.head; n > 2*10+16+1 {
		t.Fatalf("queue grew to %d entries under claim/release churn", n)
	}
}

func TestMemoryStoreConcurrentClaims(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(WithMaxEntries(1000))
	var wins atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if ok, _ := s.Claim(ctx, fmt.Sprint(i)); ok {
					wins.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 200 {
		t.Fatalf("%d winning claims for 200 keys", wins.Load())
	}
}

func BenchmarkMemoryStoreClaim(b *testing.B) {
	ctx := context.Background()
	s := NewMemoryStore()
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprintf("wechatpay:%08d-aaaa-bbbb-cccc", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = s.Claim(ctx, keys[i%len(keys)])
	}
}
