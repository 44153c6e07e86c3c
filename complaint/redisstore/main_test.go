package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The tests run against a real Redis: the harness starts redis-server on a
// free loopback port with a temporary directory and no persistence, or uses
// the server at TOUSU_REDIS_ADDR when that is set. Without either, the tests
// skip, unless CI or TOUSU_REQUIRE_REDIS is set: then the run fails.

// testRedis is the server every test uses; nil when there is none.
var testRedis *redisServer

// noRedis says why testRedis is nil.
var noRedis string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	// go-redis logs every failed dial; the tests that stop Redis on purpose
	// would fill the output.
	redis.SetLogger(quietLogger{})
	srv, err := startRedis()
	if err != nil {
		if redisRequired() {
			fmt.Fprintf(os.Stderr, "redisstore: %v\nCI or TOUSU_REQUIRE_REDIS is set, so a missing Redis fails the run\n", err)
			return 1
		}
		noRedis = fmt.Sprintf("no Redis to test against (%v): install redis-server or set TOUSU_REDIS_ADDR", err)
	}
	testRedis = srv
	defer srv.stop()
	defer func() { testCluster.stop() }()
	return m.Run()
}

func redisRequired() bool { return os.Getenv("CI") != "" || os.Getenv("TOUSU_REQUIRE_REDIS") != "" }

// needRedis skips tb when there is no server (never in CI, see runTests).
func needRedis(tb testing.TB) *redisServer {
	tb.Helper()
	if testRedis == nil {
		tb.Skip(noRedis)
	}
	return testRedis
}

// redisServer is the server under test: one the harness runs (cmd != nil
// while it is up) or an external one at TOUSU_REDIS_ADDR.
type redisServer struct {
	addr     string
	external bool

	mu    sync.Mutex
	bin   string
	dir   string
	port  string
	extra []string // more redis-server arguments
	cmd   *exec.Cmd
	out   *bytes.Buffer
}

func startRedis() (*redisServer, error) {
	if addr := os.Getenv("TOUSU_REDIS_ADDR"); addr != "" {
		s := &redisServer{addr: addr, external: true}
		if err := s.waitReady(5 * time.Second); err != nil {
			return nil, fmt.Errorf("TOUSU_REDIS_ADDR=%s: %w", addr, err)
		}
		return s, nil
	}
	return startServer()
}

// startServer runs a redis-server of the harness's own, with extra
// arguments.
func startServer(extra ...string) (*redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server is not on PATH")
	}
	dir, err := os.MkdirTemp("", "tousu-redis-")
	if err != nil {
		return nil, err
	}
	s := &redisServer{bin: bin, dir: dir, extra: extra}
	// A free port can be taken between finding it and redis-server binding
	// it; try a few.
	for range 3 {
		if s.port, err = freePort(); err != nil {
			break
		}
		s.addr = net.JoinHostPort("127.0.0.1", s.port)
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	_ = os.RemoveAll(dir)
	return nil, err
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// start runs redis-server on s.port and waits until it answers PING.
func (s *redisServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("redis-server already running")
	}
	s.out = &bytes.Buffer{}
	cmd := exec.Command(s.bin, append([]string{
		"--port", s.port, "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""}, s.extra...)...)
	cmd.Stdout, cmd.Stderr = s.out, s.out
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting redis-server: %w", err)
	}
	s.cmd = cmd
	if err := s.waitReady(10 * time.Second); err != nil {
		s.killLocked()
		return fmt.Errorf("redis-server on port %s: %w; its output:\n%s", s.port, err, s.out.String())
	}
	return nil
}

// kill stops the harness's redis-server at once (SIGKILL: a crash, not a
// shutdown).
func (s *redisServer) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
}

func (s *redisServer) killLocked() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// stop ends the harness's server and removes its directory; an external
// server is left alone.
func (s *redisServer) stop() {
	if s == nil || s.external {
		return
	}
	s.kill()
	_ = os.RemoveAll(s.dir)
}

func (s *redisServer) waitReady(max time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: s.addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(max)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING within %v: %w", max, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// client returns a new go-redis client of the server, closed with the test.
func (s *redisServer) client(tb testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.addr, DialTimeout: time.Second})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

var prefixSeq struct {
	sync.Mutex
	n int
}

// uniquePrefix namespaces one test's keys, so tests sharing a server (and an
// external server's other users) never see each other's, and deletes them
// when the test ends.
func uniquePrefix(tb testing.TB) string {
	prefixSeq.Lock()
	prefixSeq.n++
	p := "tousu-test:" + strconv.Itoa(os.Getpid()) + ":" + strconv.Itoa(prefixSeq.n) + ":" + tb.Name() + ":"
	prefixSeq.Unlock()
	if testRedis != nil {
		tb.Cleanup(func() { testRedis.deletePrefix(tb, p) })
	}
	return p
}

// deletePrefix removes the keys under prefix (SCAN, then DEL in batches).
func (s *redisServer) deletePrefix(tb testing.TB, prefix string) {
	c := redis.NewClient(&redis.Options{Addr: s.addr, DialTimeout: time.Second})
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		if keys = append(keys, iter.Val()); len(keys) == 1000 {
			c.Del(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
	if err := iter.Err(); err != nil {
		tb.Errorf("deleting the test keys under %q: %v", prefix, err)
	}
}

// The cluster tests run against a Redis Cluster of one node that serves
// every slot: Redis checks there, as on any cluster, that the keys a command
// or script names share one slot (CROSSSLOT otherwise), and go-redis's
// cluster client routes by slot as it does on a real cluster.
var (
	clusterOnce sync.Once
	testCluster *redisServer
	clusterErr  error
)

// needCluster returns the one-node cluster, started on first use; it skips
// where needRedis does, and when the server under test is an external one.
func needCluster(tb testing.TB) *redisServer {
	tb.Helper()
	if needRedis(tb).external {
		tb.Skip("TOUSU_REDIS_ADDR is set: the cluster tests need a redis-server they start themselves")
	}
	clusterOnce.Do(func() { testCluster, clusterErr = startCluster() })
	if clusterErr != nil {
		tb.Fatalf("starting a one-node Redis Cluster: %v", clusterErr)
	}
	return testCluster
}

func startCluster() (*redisServer, error) {
	s, err := startServer("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	if err != nil {
		return nil, err
	}
	c := redis.NewClient(&redis.Options{Addr: s.addr})
	defer c.Close()
	ctx := context.Background()
	if err := c.ClusterAddSlotsRange(ctx, 0, 16383).Err(); err != nil {
		// Before Redis 7.0 there is no ADDSLOTSRANGE: name every slot.
		slots := make([]int, 16384)
		for i := range slots {
			slots[i] = i
		}
		if err2 := c.ClusterAddSlots(ctx, slots...).Err(); err2 != nil {
			s.stop()
			return nil, fmt.Errorf("CLUSTER ADDSLOTSRANGE: %w; CLUSTER ADDSLOTS: %w", err, err2)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the cluster is not ok after 10s: %v %q", err, info)
		}
	}
}

// clusterClient returns a go-redis cluster client of the one-node cluster,
// closed with the test.
func (s *redisServer) clusterClient(tb testing.TB) *redis.ClusterClient {
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{s.addr}, DialTimeout: time.Second})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
