// Package redisstore keeps the callback handler's de-duplication leases in
// Redis, so that several replicas of a webhook endpoint behind a load balancer
// hand each provider event to the sink once, and never lose one.
//
// It is a nested module (github.com/tousu-go/tousu/complaint/redisstore) so
// that the root module does not depend on a Redis client; it uses
// github.com/redis/go-redis/v9 (v9.22, the last release that builds with the
// Go 1.24 the root module asks for).
//
// # Wiring
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store := redisstore.New(rdb, redisstore.WithPrefix("shop:tousu:"))
//	h := complaint.NewHandler(wechatpay.NewReceiver(client), sink, complaint.WithStore(store))
//	http.Handle("/notify/wechatpay", h)
//
// Every replica builds its own client and Store with the same prefix. A Redis
// error (connection refused, timeout, failover in progress) makes the handler
// answer the provider's failure acknowledgement, so the provider delivers the
// event again; nothing reaches the sink without a lease and nothing is lost.
//
// # Keys and commands
//
// An event key k (complaint.Event.DedupeKey, "provider:event-id") is stored
// under prefix + "lease:" + k. It holds the lease token while a delivery is in
// flight, with the lease as its expiry, and the value "done" for the store's
// TTL once the sink succeeded. Each operation is one round trip:
//
//   - Claim runs a Lua script: SET key token NX PX lease; when the key exists,
//     GET tells done from in flight.
//   - Commit is SET key done PX ttl (EX when the TTL is whole seconds).
//   - Release runs a Lua script that deletes the key only while it holds the
//     caller's token (compare-and-delete), so a holder whose lease expired
//     cannot free a lease taken over since, nor a done key.
//
// Scripts are sent with EVALSHA and fall back to EVAL when the server does not
// know them (after a restart or SCRIPT FLUSH).
//
// # Redis versions and Cluster
//
// The commands need Redis 2.6.12 or later (Lua scripting and SET with NX and
// PX); the tests run against Redis 7.0. Every command and script touches
// exactly one key, so the store works unchanged on Redis Cluster: each event's
// key hashes to its own slot, which spreads events over the nodes. A prefix
// holding a hash tag ("{tousu}:") pins every key to one slot, which also works
// but puts the whole load on one node. Expiry is the server's: replicas need no
// synchronised clocks.
//
// # Testing
//
// The tests start a real redis-server on a free loopback port (or use
// TOUSU_REDIS_ADDR when set), and skip when none can be started, unless CI or
// TOUSU_REQUIRE_REDIS is set:
//
//	cd complaint/redisstore && go test -race ./...
package redisstore
