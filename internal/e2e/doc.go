// Package e2e holds tousu's end-to-end tests and nothing else: they wire the
// four fake providers (wechatpaytest, allinpaytest, payjstest,
// changxiangtest), the callback handlers of package complaint (one route per
// provider on one server, a shared Store) and complaint.Poller (a shared
// PollState) together, on one simulated clock (internal/simclock), and check
// what a shop backend relies on: duplicates reach the sink once, a provider's
// 5xx and rate limiting are backed off from and recovered from, a redelivery
// while the first delivery is in flight is told to retry, a restart on
// persisted state emits nothing twice, and a change brought by a callback and
// by a poll reaches the sink once.
//
// Run them with the rest of the module (go test ./...) or alone:
//
//	go test -race ./internal/e2e/
package e2e
