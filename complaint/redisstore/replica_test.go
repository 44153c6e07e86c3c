package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/redisstore"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// The multi-replica tests run real WeChat Pay callbacks (signed and encrypted
// by wechatpaytest, verified by wechatpay's receiver) over HTTP into several
// complaint.NewHandler replicas, each with its own go-redis client, sharing
// one Redis under one prefix, as replicas behind a load balancer do.

const testComplaintID = "200201820200101080076610000"

// cluster is a fake WeChat Pay and the replicas of one shop's callback URL.
type cluster struct {
	wx       *wechatpaytest.Server
	replicas []*replica
}

type replica struct {
	url   string
	srv   *httptest.Server
	store *redisstore.Store
}

// recordingSink records the events a sink accepted.
type recordingSink struct {
	mu     sync.Mutex
	events []*complaint.Event
}

func (s *recordingSink) add(e *complaint.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
}

// HandleEvent records e and accepts it.
func (s *recordingSink) HandleEvent(_ context.Context, e *complaint.Event) error {
	s.add(e)
	return nil
}

// everyReplica gives every replica of a cluster the same sink.
func everyReplica(s complaint.Sink) func(int) complaint.Sink {
	return func(int) complaint.Sink { return s }
}

// count is how many recorded events match.
func (s *recordingSink) count(match func(*complaint.Event) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.events {
		if match(e) {
			n++
		}
	}
	return n
}

// byID matches the events with event id id.
func byID(id string) func(*complaint.Event) bool {
	return func(e *complaint.Event) bool { return e.ID == id }
}

// byVersion matches the events for complaint id that carry the version with
// fingerprint fp.
func byVersion(id, fp string) func(*complaint.Event) bool {
	return func(e *complaint.Event) bool {
		return e.Ref.ID == id && e.Complaint != nil && complaint.Fingerprint(e.Complaint) == fp
	}
}

// len is how many events were recorded.
func (s *recordingSink) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// newCluster starts n replicas sharing one prefix on addr; sinkFor gives
// replica i its sink. opts apply to every handler.
func newCluster(t *testing.T, addr string, n int, sinkFor func(i int) complaint.Sink, opts ...complaint.HandlerOption) *cluster {
	t.Helper()
	wx := wechatpaytest.NewServer()
	t.Cleanup(wx.Close)
	client, err := wechatpay.NewClient(wx.Credentials(), wx.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	recv := wechatpay.NewReceiver(client)
	prefix := uniquePrefix(t)
	c := &cluster{wx: wx}
	for i := range n {
		rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 500 * time.Millisecond})
		t.Cleanup(func() { _ = rdb.Close() })
		store := redisstore.New(rdb, redisstore.WithPrefix(prefix))
		h := complaint.NewHandler(recv, sinkFor(i), append([]complaint.HandlerOption{complaint.WithStore(store)}, opts...)...)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		c.replicas = append(c.replicas, &replica{url: srv.URL, srv: srv, store: store})
	}
	return c
}

// deliver sends event id once to replica i, as WeChat would (a fresh
// signature each time), and returns the answer's status.
func (c *cluster) deliver(ctx context.Context, i int, id string) (int, error) {
	return c.wx.NotifyURL(ctx, c.replicas[i%len(c.replicas)].url, testComplaintID, wechatpay.ActionUserResponse,
		wechatpaytest.WithEventID(id))
}

// deliverUntilOK redelivers event id, to replica i first and then to the
// next ones in turn, until one answers success, as WeChat retries a failed
// callback; it returns the failure statuses seen before that, each of which
// it also passes to onFail when that is not nil.
func (c *cluster) deliverUntilOK(t *testing.T, i int, id string, max time.Duration, onFail func(status int)) []int {
	t.Helper()
	var failures []int
	deadline := time.Now().Add(max)
	for try := 0; ; try++ {
		status, err := c.deliver(context.Background(), i+try, id)
		if err != nil {
			t.Errorf("delivering %s: %v", id, err)
			return failures
		}
		if status == http.StatusOK || status == http.StatusNoContent {
			return failures
		}
		failures = append(failures, status)
		if onFail != nil {
			onFail(status)
		}
		if time.Now().After(deadline) {
			t.Errorf("event %s still answered %d after %v (failures %v)", id, status, max, failures)
			return failures
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wantFailure makes sure a failure answer is the receiver's retry answer (a
// handler that panicked would have dropped the connection instead).
func wantFailure(t *testing.T, status int, want ...int) {
	t.Helper()
	for _, w := range want {
		if status == w {
			return
		}
	}
	t.Errorf("status %d, want one of %v", status, want)
}

// TestReplicasDeliverOnce: 100 concurrent deliveries of one event, spread
// over three replicas, reach the sinks exactly once; the others are answered
// 503 while the first is in flight and success once it is done, and each is
// redelivered until it succeeds.
func TestReplicasDeliverOnce(t *testing.T) {
	srv := needRedis(t)
	sink := &recordingSink{}
	c := newCluster(t, srv.addr, 3, func(int) complaint.Sink {
		return complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
			sink.add(e)
			// Hold the lease long enough for the other deliveries to meet it.
			select {
			case <-time.After(300 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	})

	const n = 100
	const id = "1f5b9cd1-7205-58fe-827e-ee8b12bc8169"
	start := make(chan struct{})
	var wg sync.WaitGroup
	var inFlight, other atomic.Int64
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for _, st := range c.deliverUntilOK(t, i, id, 30*time.Second, nil) {
				if st == http.StatusServiceUnavailable {
					inFlight.Add(1)
				} else {
					other.Add(1)
				}
			}
		}()
	}
	close(start)
	wg.Wait()

	if got := sink.count(byID(id)); got != 1 {
		t.Fatalf("the event reached the sinks %d times, want exactly once", got)
	}
	if inFlight.Load() == 0 {
		t.Error("no delivery met the event in flight: the test did not exercise concurrent claims")
	}
	if other.Load() != 0 {
		t.Errorf("%d failure answers other than 503 in flight", other.Load())
	}
	// A redelivery long after is a duplicate on every replica.
	for i := range c.replicas {
		if st, err := c.deliver(context.Background(), i, id); err != nil || st != http.StatusOK {
			t.Errorf("late redelivery to replica %d: %d, %v", i, st, err)
		}
	}
	if got := sink.count(byID(id)); got != 1 {
		t.Fatalf("late redeliveries reached the sink: %d", got)
	}
}

// TestReplicaDiesMidSink: replica 0 claims the event and hangs in its sink
// (a dead process never commits). Replica 1 answers 503 until the lease
// expires, then takes the event over. When replica 0 wakes up and fails, its
// stale release must not free the key replica 1 has committed.
func TestReplicaDiesMidSink(t *testing.T) {
	srv := needRedis(t)
	// Long enough that replica 1's first delivery (an RSA verification and a
	// round trip) lands inside the lease even on a loaded machine.
	const lease = 1500 * time.Millisecond
	entered := make(chan time.Time, 1)
	wake := make(chan struct{})
	dead, alive := &recordingSink{}, &recordingSink{}
	c := newCluster(t, srv.addr, 2, func(i int) complaint.Sink {
		if i == 0 {
			return complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
				dead.add(e)
				entered <- time.Now()
				<-wake // ignores its context, as a hung process would
				return errors.New("replica 0 died")
			})
		}
		return alive
	}, complaint.WithLease(lease), complaint.WithCallbackTimeout(lease*2/3))
	var once sync.Once
	wakeDead := func() { once.Do(func() { close(wake) }) }
	t.Cleanup(wakeDead)

	const id = "evt-dies"
	deadAnswer := make(chan int, 1)
	go func() {
		st, err := c.deliver(context.Background(), 0, id)
		if err != nil {
			t.Errorf("delivery to the dying replica: %v", err)
		}
		deadAnswer <- st
	}()
	var claimedBy time.Time
	select {
	case claimedBy = <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("replica 0 never reached its sink")
	}

	st, err := c.deliver(context.Background(), 1, id)
	if err != nil || st != http.StatusServiceUnavailable {
		t.Fatalf("redelivery while replica 0 holds the lease: %d, %v; want 503", st, err)
	}
	for alive.count(byID(id)) == 0 {
		if time.Since(claimedBy) > 20*lease {
			t.Fatalf("replica 1 never took the event over")
		}
		time.Sleep(20 * time.Millisecond)
		st, err := c.deliver(context.Background(), 1, id)
		if err != nil {
			t.Fatal(err)
		}
		if alive.count(byID(id)) == 0 {
			wantFailure(t, st, http.StatusServiceUnavailable)
		} else if st != http.StatusOK {
			t.Fatalf("the takeover answered %d", st)
		}
	}
	if took := time.Since(claimedBy); took < lease/2 {
		t.Errorf("replica 1 took the event over %v after replica 0 claimed it; the lease is %v", took, lease)
	}

	wakeDead()
	if st := <-deadAnswer; st != http.StatusInternalServerError {
		t.Errorf("the dead replica answered %d after its sink failed, want 500", st)
	}
	// Replica 0 released with its stale token: the key must still be done.
	for i := range c.replicas {
		if st, err := c.deliver(context.Background(), i, id); err != nil || st != http.StatusOK {
			t.Errorf("redelivery to replica %d after the takeover: %d, %v", i, st, err)
		}
	}
	if d, a := dead.count(byID(id)), alive.count(byID(id)); d != 1 || a != 1 {
		t.Errorf("sink calls: dead replica %d, live replica %d; want 1 and 1", d, a)
	}
}

// TestRedisRestart kills redis-server mid-test and starts it again on the
// same port, while events keep arriving: deliveries during the outage are
// answered 500 (the provider retries), none panics, and after the restart
// every event reaches the sink exactly once.
func TestRedisRestart(t *testing.T) {
	srv := needRedis(t)
	if srv.external {
		t.Skip("TOUSU_REDIS_ADDR is set: the test restarts only a redis-server it started itself")
	}
	sink := &recordingSink{}
	c := newCluster(t, srv.addr, 2, everyReplica(sink))
	c.deliverUntilOK(t, 0, "before", 10*time.Second, nil)

	srv.kill()
	restarted := false
	t.Cleanup(func() {
		if !restarted { // leave a server for the tests that follow
			_ = srv.start()
		}
	})
	for i := range c.replicas {
		st, err := c.deliver(context.Background(), i, "during")
		if err != nil {
			t.Fatalf("delivery to replica %d with Redis down: %v (a panicking handler drops the connection)", i, err)
		}
		wantFailure(t, st, http.StatusInternalServerError)
	}

	// Events keep coming while Redis is down and comes back: each is answered
	// failure at least once before the server is started again.
	ids := []string{"during", "a", "b", "c", "d", "e", "f", "g"}
	var wg sync.WaitGroup
	failed := make([]atomic.Int64, len(ids))
	var failedOnce atomic.Int64
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.deliverUntilOK(t, i, id, 60*time.Second, func(status int) {
				wantFailure(t, status, http.StatusInternalServerError)
				if failed[i].Add(1) == 1 {
					failedOnce.Add(1)
				}
			})
		}()
	}
	for deadline := time.Now().Add(30 * time.Second); failedOnce.Load() < int64(len(ids)); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d events were answered failure with Redis down", failedOnce.Load(), len(ids))
		}
	}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	wg.Wait()

	for i, id := range ids {
		if got := sink.count(byID(id)); got != 1 {
			t.Errorf("event %s reached the sink %d times after %d failure answers, want exactly once", id, got, failed[i].Load())
		}
	}
	if got := sink.count(byID("before")); got != 1 {
		t.Errorf("the event delivered before the outage reached the sink %d times", got)
	}
}

// TestConnectionsCut: CLIENT KILL drops every replica's pooled connection;
// the next deliveries reconnect, and the events arrive once.
func TestConnectionsCut(t *testing.T) {
	srv := needRedis(t)
	sink := &recordingSink{}
	c := newCluster(t, srv.addr, 2, everyReplica(sink))
	for i := range c.replicas { // each replica has a pooled connection now
		c.deliverUntilOK(t, i, fmt.Sprintf("warm-%d", i), 10*time.Second, nil)
	}
	admin := srv.client(t)
	killed, err := admin.ClientKillByFilter(context.Background(), "TYPE", "normal", "SKIPME", "yes").Result()
	if err != nil || killed < int64(len(c.replicas)) {
		t.Fatalf("CLIENT KILL: %d connections, %v; want at least one per replica", killed, err)
	}
	for i := range 2 * len(c.replicas) {
		id := fmt.Sprintf("cut-%d", i)
		c.deliverUntilOK(t, i, id, 10*time.Second, nil)
		if got := sink.count(byID(id)); got != 1 {
			t.Errorf("event %s reached the sink %d times", id, got)
		}
	}
}

// TestHandlerRedisDown: a replica whose Redis does not answer gives the
// provider its retry answer (WeChat: 500 with a FAIL body) and never calls
// the sink.
func TestHandlerRedisDown(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	c := newCluster(t, "127.0.0.1:"+port, 1, func(int) complaint.Sink {
		return complaint.SinkFunc(func(context.Context, *complaint.Event) error {
			calls.Add(1)
			return nil
		})
	})
	req, err := c.wx.NewNotificationRequest(testComplaintID, wechatpay.ActionUserResponse, wechatpaytest.WithEventID("evt-down"))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	c.replicas[0].srv.Config.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"code":"FAIL","message":"internal error"}` {
		t.Errorf("answer with Redis down: %d %s", rec.Code, rec.Body.String())
	}
	if calls.Load() != 0 {
		t.Errorf("the sink ran %d times without a lease", calls.Load())
	}
}
