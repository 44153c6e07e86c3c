// Package redisstore keeps on Redis what several replicas of a shop backend
// must agree on: the callback handler's de-duplication leases
// (complaint.Store), so that each provider event reaches the sink once and is
// never lost, and the Poller's state (complaint.PollState), so that one
// replica at a time polls a source, a restart neither polls a rate-limited
// provider early nor emits again, and a change reaches the sink once whether
// a callback or a poll brings it.
//
// It is a nested module (github.com/tousu-go/tousu/complaint/redisstore) so
// that the root module does not depend on a Redis client; it uses
// github.com/redis/go-redis/v9 (v9.22, the last release that builds with the
// Go 1.24 the root module asks for).
//
// # Wiring
//
// One Store serves both: give it to the handler with complaint.WithStore and
// complaint.WithSharedPollState, and to the poller with
// complaint.WithPollState.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store := redisstore.New(rdb, redisstore.WithPrefix("shop:tousu:"))
//
//	h := complaint.NewHandler(wechatpay.NewReceiver(client), sink,
//		complaint.WithStore(store),
//		complaint.WithEnrichment(client.Adapter()),
//		complaint.WithSharedPollState(store))
//	http.Handle("/notify/wechatpay", h)
//
//	p, err := complaint.NewPoller(sink, []complaint.PollSource{
//		{Name: "wechatpay-1900000109", Source: client.Adapter()},
//	}, complaint.WithPollState(store))
//	go p.Run(ctx)
//
// Every replica builds its own client and Store with the same prefix, and
// may run the poller too: the poll lease lets one of them list a source per
// interval. A Redis error (connection refused, timeout, failover in
// progress) makes the handler answer the provider's failure acknowledgement,
// so the provider delivers the event again, and makes a poll fail, so the
// poller backs off and tries again; nothing reaches the sink without a lease
// and nothing is lost.
//
// # Keys and commands
//
// Every command and script names exactly one key, so each operation is one
// round trip and atomic on its node. Scripts are sent with EVALSHA and fall
// back to EVAL when the server does not know them (after a restart or SCRIPT
// FLUSH). The keys, under the prefix (DefaultPrefix, or WithPrefix):
//
//   - lease:<event key> — a handler lease (complaint.Event.DedupeKey,
//     "provider:event-id"). It holds the lease token while a delivery is in
//     flight, with the lease as its expiry, and "done" for the store's TTL
//     (WithTTL, complaint.DefaultStoreTTL) once the sink succeeded. Claim is a
//     script (SET NX PX; when the key exists, GET tells done from in flight),
//     Commit a SET with expiry, Release a compare-and-delete script on the
//     token, so a holder whose lease expired cannot free a lease taken over
//     since, nor a done key.
//   - source:<source name> — a hash per polled source: its poll record
//     (fields token and lease_end while a poll holds the lease, started,
//     watermark) and its open set (a field open:<complaint key> per open
//     complaint, holding the complaint.Ref as JSON). BeginPoll is a script
//     that refuses while another holder's lease_end is after now or started
//     is after now minus the interval, and otherwise records started and
//     takes the lease with a new token; EndPoll is a script that releases
//     the lease and records the watermark only while the record holds the
//     caller's token; Track is HSET (in a script that also refreshes the
//     expiry), Untrack HDEL, and Tracked reads with HSCAN MATCH open:* in
//     batches, never the whole set at once.
//   - seen:<complaint key> — a hash per complaint (complaint.Seen: fields
//     fingerprint, due_soon, overdue). Remember sends one HSET of the
//     non-zero fields, so the handler's fingerprint and the poller's deadline
//     marks merge without a read; Recall is HGETALL. Both run in a script
//     that also refreshes the expiry.
//
// Times of the poll state are the caller's, never the Redis clock, stored as
// "<unix seconds>.<nanoseconds, 9 digits>" and compared to the nanosecond;
// replicas then agree as long as their clocks roughly do.
//
// # Retention
//
// Handler leases expire with the lease, done keys after the TTL. The poll
// state's keys expire after the retention (WithRetention, DefaultRetention:
// 37 days) without use: a source's hash after its last granted BeginPoll,
// EndPoll or Track, a complaint's hash after its last Remember or Recall. A
// complaint the poller re-reads or lists stays remembered; one that no window
// lists and no callback names any more is forgotten. Keep the retention far
// above the poll interval and the window overlap; the watermark and the open
// set of a source not polled for the retention are forgotten, and its next
// poll starts from the look-back like a first one.
//
// # Redis versions and Cluster
//
// The lease store needs Redis 2.6.12 or later (Lua scripting, SET with NX and
// PX); the poll state needs Redis 4.0 or later (HSET of several fields);
// HSCAN MATCH needs 2.8. The tests run against Redis 7.0. As every command
// and script touches one key, the store works unchanged on Redis Cluster
// (the tests run both contracts on a one-node cluster, which refuses a
// script whose keys span slots, with prefixes holding stray braces): event
// and complaint keys spread over the slots, and each source's poll record
// and open set sit together in its one hash. A prefix holding a hash tag
// ("{tousu}:") pins every key to one slot, which also works but puts the
// whole load on one node.
//
// # Testing
//
// The tests start a real redis-server on a free loopback port (or use
// TOUSU_REDIS_ADDR when set), and skip when none can be started, unless CI or
// TOUSU_REQUIRE_REDIS is set:
//
//	cd complaint/redisstore && go test -race ./...
package redisstore
