package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
	"github.com/tousu-go/tousu/complaint/redisstore"
)

func TestStoreContract(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	complainttest.TestStore(t, func(t *testing.T, ttl time.Duration) complaint.Store {
		return redisstore.New(rdb, redisstore.WithTTL(ttl), redisstore.WithPrefix(uniquePrefix(t)))
	})
}

// TestKeyLayout holds the store to what its documentation says a key holds:
// where it lives, the token and lease while in flight, "done" and the TTL
// after commit.
func TestKeyLayout(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	prefix := uniquePrefix(t)
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithTTL(90*time.Minute))
	const key = "wechatpay:evt-1"
	redisKey := prefix + "lease:" + key

	state, token, err := s.Claim(ctx, key, 45*time.Second)
	if err != nil || state != complaint.ClaimNew {
		t.Fatalf("Claim = %v, %v", state, err)
	}
	if v, err := rdb.Get(ctx, redisKey).Result(); err != nil || v != token {
		t.Fatalf("in flight: %s holds %q (%v), want the token %q", redisKey, v, err, token)
	}
	if ttl := rdb.PTTL(ctx, redisKey).Val(); ttl <= 40*time.Second || ttl > 45*time.Second {
		t.Fatalf("in flight: PTTL %v, want the 45s lease", ttl)
	}
	if err := s.Commit(ctx, key); err != nil {
		t.Fatal(err)
	}
	if v, err := rdb.Get(ctx, redisKey).Result(); err != nil || v != "done" {
		t.Fatalf("done: %s holds %q (%v), want \"done\"", redisKey, v, err)
	}
	if ttl := rdb.PTTL(ctx, redisKey).Val(); ttl <= 89*time.Minute || ttl > 90*time.Minute {
		t.Fatalf("done: PTTL %v, want the 90m TTL", ttl)
	}
	n, err := rdb.Keys(ctx, prefix+"*").Result()
	if err != nil || len(n) != 1 {
		t.Fatalf("keys under the prefix: %q (%v), want only %q", n, err, redisKey)
	}
}

// TestReleaseCannotFreeDone: no token, not even the done marker itself,
// releases a committed key.
func TestReleaseCannotFreeDone(t *testing.T) {
	srv := needRedis(t)
	ctx := context.Background()
	s := redisstore.New(srv.client(t), redisstore.WithPrefix(uniquePrefix(t)))
	if _, _, err := s.Claim(ctx, "k", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"done", "", "*"} {
		if err := s.Release(ctx, "k", tok); err != nil {
			t.Fatalf("Release(%q): %v", tok, err)
		}
	}
	if st, _, err := s.Claim(ctx, "k", time.Minute); err != nil || st != complaint.ClaimDone {
		t.Fatalf("after releases with foreign tokens: %v, %v; want done", st, err)
	}
}

// TestDefaults: a lease of 0 is complaint.DefaultLease, and a store without
// options writes under DefaultPrefix with complaint.DefaultStoreTTL.
func TestDefaults(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	key := uniquePrefix(t) + "k"
	redisKey := redisstore.DefaultPrefix + "lease:" + key
	t.Cleanup(func() { rdb.Del(context.Background(), redisKey) })
	s := redisstore.New(rdb)
	if st, _, err := s.Claim(ctx, key, 0); err != nil || st != complaint.ClaimNew {
		t.Fatalf("Claim = %v, %v", st, err)
	}
	if ttl := rdb.PTTL(ctx, redisKey).Val(); ttl <= complaint.DefaultLease-5*time.Second || ttl > complaint.DefaultLease {
		t.Fatalf("lease PTTL %v, want complaint.DefaultLease (%v)", ttl, complaint.DefaultLease)
	}
	if err := s.Commit(ctx, key); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, redisKey).Val(); ttl <= complaint.DefaultStoreTTL-time.Minute || ttl > complaint.DefaultStoreTTL {
		t.Fatalf("done PTTL %v, want complaint.DefaultStoreTTL (%v)", ttl, complaint.DefaultStoreTTL)
	}
}

// TestRedisDown: every operation against a port nobody listens on returns a
// wrapped error that still says connection refused.
func TestRedisDown(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	s := redisstore.New(rdb)
	ctx := context.Background()

	st, tok, err := s.Claim(ctx, "k", time.Minute)
	checkStoreErr(t, "claim", err, syscall.ECONNREFUSED)
	if st != 0 || tok != "" {
		t.Errorf("a failed claim answered %v with token %q", st, tok)
	}
	checkStoreErr(t, "commit", s.Commit(ctx, "k"), syscall.ECONNREFUSED)
	checkStoreErr(t, "release", s.Release(ctx, "k", "t"), syscall.ECONNREFUSED)
	for op, err := range pollStateErrors(s) {
		checkStoreErr(t, op, err, syscall.ECONNREFUSED)
	}
}

// pollStateErrors calls every PollState method once and returns the errors
// by the operation each should name.
func pollStateErrors(s *redisstore.Store) map[string]error {
	ctx := context.Background()
	errs := map[string]error{}
	tk, err := s.BeginPoll(ctx, "src", time.Now(), time.Hour, time.Minute)
	if err == nil && tk != (complaint.PollTicket{}) {
		err = fmt.Errorf("a failed BeginPoll answered %+v", tk)
	}
	errs["begin poll"] = err
	errs["end poll"] = s.EndPoll(ctx, "src", "t", time.Now())
	seen, err := s.Recall(ctx, "k")
	if err == nil && seen != (complaint.Seen{}) {
		err = fmt.Errorf("a failed Recall answered %+v", seen)
	}
	errs["recall"] = err
	errs["remember"] = s.Remember(ctx, "k", complaint.Seen{Fingerprint: "f"})
	errs["track"] = s.Track(ctx, "src", "k", complaint.Ref{ID: "1"})
	errs["untrack"] = s.Untrack(ctx, "src", "k")
	n := 0
	for _, err := range s.Tracked(ctx, "src") {
		if n++; n == 1 {
			errs["tracked"] = err
		}
	}
	if n != 1 {
		errs["tracked"] = fmt.Errorf("a failed Tracked yielded %d times", n)
	}
	return errs
}

// TestRedisTimeout: a server that accepts connections and never answers
// makes each operation fail with the client's read timeout.
func TestRedisTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() }) // hold it open, say nothing
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: l.Addr().String(), ReadTimeout: 100 * time.Millisecond,
		WriteTimeout: 100 * time.Millisecond, MaxRetries: -1, Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { _ = rdb.Close() })
	s := redisstore.New(rdb)
	ctx := context.Background()
	_, _, err = s.Claim(ctx, "k", time.Minute)
	checkStoreErr(t, "claim", err, nil)
	checkStoreErr(t, "commit", s.Commit(ctx, "k"), nil)
	checkStoreErr(t, "release", s.Release(ctx, "k", "t"), nil)
	for op, err := range pollStateErrors(s) {
		checkStoreErr(t, op, err, nil)
	}
}

// checkStoreErr wants err to be the store's wrapped error for op, matching
// want (or, when want is nil, a timeout).
func checkStoreErr(t *testing.T, op string, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s against a dead server: no error", op)
	}
	if !strings.HasPrefix(err.Error(), "redisstore: "+op+": ") {
		t.Errorf("%s: error %q does not say where it came from", op, err)
	}
	if want != nil {
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want it to wrap %v", op, err, want)
		}
		return
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%s: %v, want a wrapped timeout", op, err)
	}
}
