package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
	"github.com/tousu-go/tousu/complaint/redisstore"
)

func TestPollStateContract(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	complainttest.TestPollState(t, func(t *testing.T) complaint.PollState {
		return redisstore.New(rdb, redisstore.WithPrefix(uniquePrefix(t)))
	})
}

// TestCluster runs both contracts through go-redis's cluster client against
// a one-node Redis Cluster, which refuses a command or script whose keys are
// in different slots (CROSSSLOT), with prefixes whose braces would split a
// layout of several keys per source. The lease store's keys are one per
// command whatever the prefix, so its (slower, real-time) suite runs once.
func TestCluster(t *testing.T) {
	srv := needCluster(t)
	rdb := srv.clusterClient(t)
	for _, prefix := range []string{"tousu:", "{tousu}:", "odd{", "x}{y:", "{}:"} {
		t.Run("PollState/"+prefix, func(t *testing.T) {
			p := prefix + uniquePrefix(t)
			complainttest.TestPollState(t, func(t *testing.T) complaint.PollState {
				return redisstore.New(rdb, redisstore.WithPrefix(p+t.Name()+":"))
			})
		})
	}
	t.Run("Store", func(t *testing.T) {
		complainttest.TestStore(t, func(t *testing.T, ttl time.Duration) complaint.Store {
			return redisstore.New(rdb, redisstore.WithTTL(ttl), redisstore.WithPrefix("{}:"+uniquePrefix(t)))
		})
	})
}

// TestClusterOddSources: source names are opaque too, braces and the empty
// name included; each source's keys stay in one slot and apart from the
// others'.
func TestClusterOddSources(t *testing.T) {
	srv := needCluster(t)
	s := redisstore.New(srv.clusterClient(t), redisstore.WithPrefix("odd{"+uniquePrefix(t)))
	ctx := context.Background()
	now := time.Now()
	sources := []string{"", "a}b", "{x}", "}{", "{", "}", "键 值"}
	for i, src := range sources {
		tk, err := s.BeginPoll(ctx, src, now, time.Hour, time.Minute)
		if err != nil || !tk.Granted() {
			t.Fatalf("BeginPoll(%q) = %+v, %v", src, tk, err)
		}
		ref := complaint.Ref{Provider: "p", ID: fmt.Sprint(i)}
		if err := s.Track(ctx, src, "k", ref); err != nil {
			t.Fatalf("Track(%q): %v", src, err)
		}
		if err := s.EndPoll(ctx, src, tk.Token, now); err != nil {
			t.Fatalf("EndPoll(%q): %v", src, err)
		}
	}
	for i, src := range sources {
		if tk, err := s.BeginPoll(ctx, src, now.Add(time.Minute), time.Hour, time.Minute); err != nil || tk.Granted() {
			t.Fatalf("second BeginPoll(%q) = %+v, %v; want refused by the interval", src, tk, err)
		}
		var got []complaint.Ref
		for r, err := range s.Tracked(ctx, src) {
			if err != nil {
				t.Fatalf("Tracked(%q): %v", src, err)
			}
			got = append(got, r)
		}
		if want := (complaint.Ref{Provider: "p", ID: fmt.Sprint(i)}); len(got) != 1 || got[0] != want {
			t.Fatalf("Tracked(%q) = %+v, want [%+v]", src, got, want)
		}
	}
}

// TestPollStateKeyLayout holds the poll state to what the documentation says
// its keys hold: one hash per source (poll record and open set), one hash
// per complaint, times as "<unix seconds>.<nanoseconds>", and the retention
// as each key's expiry, refreshed by use.
func TestPollStateKeyLayout(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	prefix := uniquePrefix(t)
	const retention = 48 * time.Hour
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithRetention(retention))
	now := time.Unix(1767225600, 123456789)
	sourceKey, seenKey := prefix+"source:payjs", prefix+"seen:payjs/1"

	tk, err := s.BeginPoll(ctx, "payjs", now, 4*time.Hour, 15*time.Minute)
	if err != nil || !tk.Granted() {
		t.Fatalf("BeginPoll = %+v, %v", tk, err)
	}
	ref := complaint.Ref{Provider: "payjs", ID: "1", OrderID: "o1"}
	if err := s.Track(ctx, "payjs", "payjs/1", ref); err != nil {
		t.Fatal(err)
	}
	wantHash(t, rdb, sourceKey, map[string]string{
		"token": tk.Token, "lease_end": "1767226500.123456789", "started": "1767225600.123456789",
		"open:payjs/1": `{"provider":"payjs","id":"1","order_id":"o1"}`,
	})
	wantTTL(t, rdb, sourceKey, retention)
	if err := s.EndPoll(ctx, "payjs", tk.Token, now.Add(-time.Nanosecond)); err != nil {
		t.Fatal(err)
	}
	wantHash(t, rdb, sourceKey, map[string]string{
		"started": "1767225600.123456789", "watermark": "1767225600.123456788",
		"open:payjs/1": `{"provider":"payjs","id":"1","order_id":"o1"}`,
	})

	due := time.Unix(1767312000, 0)
	if err := s.Remember(ctx, "payjs/1", complaint.Seen{Fingerprint: "fp1", DueSoon: due}); err != nil {
		t.Fatal(err)
	}
	wantHash(t, rdb, seenKey, map[string]string{"fingerprint": "fp1", "due_soon": "1767312000.000000000"})
	wantTTL(t, rdb, seenKey, retention)
	// Recall refreshes the retention of what it finds.
	rdb.PExpire(ctx, seenKey, time.Minute)
	if _, err := s.Recall(ctx, "payjs/1"); err != nil {
		t.Fatal(err)
	}
	wantTTL(t, rdb, seenKey, retention)
	// A zero Seen writes nothing; a Recall of nothing creates nothing.
	if err := s.Remember(ctx, "payjs/2", complaint.Seen{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recall(ctx, "payjs/3"); err != nil {
		t.Fatal(err)
	}
	if keys := rdb.Keys(ctx, prefix+"*").Val(); len(keys) != 2 {
		t.Fatalf("keys under the prefix: %q, want only %q and %q", keys, sourceKey, seenKey)
	}
	// Untracking the last open complaint leaves the poll record.
	if err := s.Untrack(ctx, "payjs", "payjs/1"); err != nil {
		t.Fatal(err)
	}
	wantHash(t, rdb, sourceKey, map[string]string{"started": "1767225600.123456789", "watermark": "1767225600.123456788"})

	// Without WithRetention the keys keep DefaultRetention.
	d := redisstore.New(rdb, redisstore.WithPrefix(prefix+"d:"))
	if err := d.Remember(ctx, "k", complaint.Seen{Fingerprint: "f"}); err != nil {
		t.Fatal(err)
	}
	wantTTL(t, rdb, prefix+"d:seen:k", redisstore.DefaultRetention)
}

func wantHash(t *testing.T, rdb *redis.Client, key string, want map[string]string) {
	t.Helper()
	got, err := rdb.HGetAll(context.Background(), key).Result()
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("HGETALL %s = %q (%v), want %q", key, got, err, want)
	}
}

func wantTTL(t *testing.T, rdb *redis.Client, key string, want time.Duration) {
	t.Helper()
	if ttl := rdb.PTTL(context.Background(), key).Val(); ttl <= want-time.Minute || ttl > want {
		t.Fatalf("PTTL %s = %v, want %v", key, ttl, want)
	}
}

// TestPollStateNanoseconds: the scripts compare times to the nanosecond, for
// times before 1970 too (negative Unix seconds), and watermarks come back
// exactly; the shared suite's times are whole seconds.
func TestPollStateNanoseconds(t *testing.T) {
	srv := needRedis(t)
	ctx := context.Background()
	for _, base := range []time.Time{time.Unix(1767225600, 999999999), time.Unix(-1, 1)} {
		s := redisstore.New(srv.client(t), redisstore.WithPrefix(uniquePrefix(t)))
		const lease, interval = time.Second, time.Hour
		tk, err := s.BeginPoll(ctx, "src", base, interval, lease)
		if err != nil || !tk.Granted() {
			t.Fatalf("BeginPoll at %v = %+v, %v", base, tk, err)
		}
		// One nanosecond before the lease ends: refused until exactly its end.
		if tk, err := s.BeginPoll(ctx, "src", base.Add(lease-1), 0, lease); err != nil || tk.Granted() || !tk.NotBefore.Equal(base.Add(lease)) {
			t.Fatalf("BeginPoll 1ns before the lease ends = %+v, %v; want NotBefore %v", tk, err, base.Add(lease))
		}
		w := base.Add(-1)
		if err := s.EndPoll(ctx, "src", tk.Token, w); err != nil {
			t.Fatal(err)
		}
		if tk, err := s.BeginPoll(ctx, "src", base.Add(interval-1), interval, lease); err != nil || tk.Granted() || !tk.NotBefore.Equal(base.Add(interval)) {
			t.Fatalf("BeginPoll 1ns before the interval = %+v, %v; want NotBefore %v", tk, err, base.Add(interval))
		}
		tk, err = s.BeginPoll(ctx, "src", base.Add(interval), interval, lease)
		if err != nil || !tk.Granted() || !tk.Watermark.Equal(w) {
			t.Fatalf("BeginPoll at the interval = %+v, %v; want granted with watermark %v", tk, err, w)
		}
		seen := complaint.Seen{Fingerprint: "f", DueSoon: base.Add(-3), Overdue: base.Add(7)}
		if err := s.Remember(ctx, "k", seen); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Recall(ctx, "k"); err != nil || got.Fingerprint != "f" || !got.DueSoon.Equal(seen.DueSoon) || !got.Overdue.Equal(seen.Overdue) {
			t.Fatalf("Recall = %+v, %v; want %+v", got, err, seen)
		}
	}
}

// TestTrackedStreams: a large open set is read in HSCAN batches, every entry
// once, and a loop stopped early stops reading.
func TestTrackedStreams(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	var scans atomic.Int64
	rdb.AddHook(scanCounter{&scans})
	ctx := context.Background()
	s := redisstore.New(rdb, redisstore.WithPrefix(uniquePrefix(t)))
	const n = 2000
	for i := range n {
		ref := complaint.Ref{Provider: "wechatpay", ID: strconv.Itoa(i)}
		if err := s.Track(ctx, "big", "wechatpay/"+ref.ID, ref); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int{}
	for r, err := range s.Tracked(ctx, "big") {
		if err != nil {
			t.Fatal(err)
		}
		got[r.ID]++
	}
	if len(got) != n {
		t.Fatalf("Tracked yielded %d distinct entries, want %d", len(got), n)
	}
	for id, c := range got {
		if c != 1 {
			t.Fatalf("entry %s yielded %d times", id, c)
		}
	}
	if c := scans.Load(); c < n/512 {
		t.Fatalf("the open set was read in %d HSCAN calls: not in batches", c)
	}
	scans.Store(0)
	for range s.Tracked(ctx, "big") {
		break
	}
	if c := scans.Load(); c != 1 {
		t.Fatalf("a loop stopped at its first entry made %d HSCAN calls, want 1", c)
	}
}

// scanCounter counts the HSCAN commands a client sends.
type scanCounter struct{ n *atomic.Int64 }

func (scanCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h scanCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "hscan" {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (scanCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestPollStateCorruptRecords: a record that is not what the store writes
// is an error matching complaint.ErrInternal, never a panic or a guess.
func TestPollStateCorruptRecords(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	prefix := uniquePrefix(t)
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	for _, v := range []string{"garbage", "12", "12.5", "a.000000000", "1.-00000001"} {
		rdb.HSet(ctx, prefix+"seen:k", "due_soon", v)
		if _, err := s.Recall(ctx, "k"); !errors.Is(err, complaint.ErrInternal) {
			t.Errorf("Recall of due_soon %q: %v, want complaint.ErrInternal", v, err)
		}
		rdb.HSet(ctx, prefix+"source:src", "started", v)
		if _, err := s.BeginPoll(ctx, "src", time.Now(), time.Hour, time.Minute); !errors.Is(err, complaint.ErrInternal) {
			t.Errorf("BeginPoll over a started of %q: %v, want complaint.ErrInternal", v, err)
		}
	}
	// A corrupt watermark fails BeginPoll before it takes the lease: once it
	// is repaired, the next poll is granted at once.
	rdb.HSet(ctx, prefix+"source:src", "started", "1.000000000", "watermark", "garbage")
	if _, err := s.BeginPoll(ctx, "src", time.Now(), time.Hour, time.Minute); !errors.Is(err, complaint.ErrInternal) {
		t.Errorf("BeginPoll over a corrupt watermark: %v, want complaint.ErrInternal", err)
	}
	rdb.HDel(ctx, prefix+"source:src", "watermark")
	if tk, err := s.BeginPoll(ctx, "src", time.Now(), time.Hour, time.Minute); err != nil || !tk.Granted() {
		t.Errorf("BeginPoll after the repair = %+v, %v; want granted", tk, err)
	}
	rdb.HSet(ctx, prefix+"source:src", "open:k", "{not json")
	var errs int
	for _, err := range s.Tracked(ctx, "src") {
		if !errors.Is(err, complaint.ErrInternal) {
			t.Fatalf("Tracked over a corrupt entry: %v, want complaint.ErrInternal", err)
		}
		errs++
	}
	if errs != 1 {
		t.Fatalf("Tracked yielded %d errors, want 1", errs)
	}
}
