package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/redisstore"
)

// The store's claim+commit is measured next to the floor it is built on: a
// bare SET NX PX and a SET PX of the same keys with the same go-redis client,
// in the same run, so the cost of the claim script (EVALSHA, the token, the
// answer's decoding) is a ratio:
//
//	cd complaint/redisstore && go test -run '^$' -bench . -benchmem
//
// Both talk to the real server over loopback; the round trips dominate.

func BenchmarkClaimCommit(b *testing.B) {
	srv := needRedis(b)
	rdb := srv.client(b)
	prefix := uniquePrefix(b)
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithTTL(time.Minute))
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := "wechatpay:" + strconv.Itoa(i)
		i++
		st, _, err := s.Claim(ctx, key, time.Minute)
		if err != nil || st != complaint.ClaimNew {
			b.Fatalf("Claim = %v, %v", st, err)
		}
		if err := s.Commit(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareSetNXPXSet(b *testing.B) {
	srv := needRedis(b)
	rdb := srv.client(b)
	prefix := uniquePrefix(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := prefix + "lease:wechatpay:" + strconv.Itoa(i)
		i++
		ok, err := rdb.SetNX(ctx, key, complaint.NewLeaseToken(), time.Minute).Result()
		if err != nil || !ok {
			b.Fatalf("SET NX PX = %v, %v", ok, err)
		}
		if err := rdb.Set(ctx, key, "done", time.Minute).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// The poll state's operations next to bare go-redis commands of the same
// keys and sizes, in the same run: BeginPoll+EndPoll (two scripts) against
// an HSET of the three poll-record fields and an HSET of the watermark;
// Remember+Recall (two scripts that also refresh the retention) against an
// HSET of the fingerprint and an HGETALL.

func BenchmarkBeginEndPoll(b *testing.B) {
	srv := needRedis(b)
	s := redisstore.New(srv.client(b), redisstore.WithPrefix(uniquePrefix(b)))
	ctx := context.Background()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		tk, err := s.BeginPoll(ctx, "wechatpay-1900000109", now, time.Second, time.Minute)
		if err != nil || !tk.Granted() {
			b.Fatalf("BeginPoll = %+v, %v", tk, err)
		}
		if err := s.EndPoll(ctx, "wechatpay-1900000109", tk.Token, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareHSetHSet(b *testing.B) {
	srv := needRedis(b)
	rdb := srv.client(b)
	key := uniquePrefix(b) + "source:wechatpay-1900000109"
	ctx := context.Background()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		at := strconv.FormatInt(now.Unix(), 10) + ".000000000"
		if err := rdb.HSet(ctx, key, "token", complaint.NewLeaseToken(), "lease_end", at, "started", at).Err(); err != nil {
			b.Fatal(err)
		}
		if err := rdb.HSet(ctx, key, "watermark", at).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRememberRecall(b *testing.B) {
	srv := needRedis(b)
	s := redisstore.New(srv.client(b), redisstore.WithPrefix(uniquePrefix(b)))
	ctx := context.Background()
	fp := complaint.DeriveEventID("fingerprint")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := "wechatpay/" + strconv.Itoa(i%1000)
		i++
		if err := s.Remember(ctx, key, complaint.Seen{Fingerprint: fp}); err != nil {
			b.Fatal(err)
		}
		if seen, err := s.Recall(ctx, key); err != nil || seen.Fingerprint != fp {
			b.Fatalf("Recall = %+v, %v", seen, err)
		}
	}
}

func BenchmarkBareHSetHGetAll(b *testing.B) {
	srv := needRedis(b)
	rdb := srv.client(b)
	prefix := uniquePrefix(b) + "seen:"
	ctx := context.Background()
	fp := complaint.DeriveEventID("fingerprint")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := prefix + "wechatpay/" + strconv.Itoa(i%1000)
		i++
		if err := rdb.HSet(ctx, key, "fingerprint", fp).Err(); err != nil {
			b.Fatal(err)
		}
		if m, err := rdb.HGetAll(ctx, key).Result(); err != nil || m["fingerprint"] != fp {
			b.Fatalf("HGETALL = %v, %v", m, err)
		}
	}
}
