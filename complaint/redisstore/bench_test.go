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
