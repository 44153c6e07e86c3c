// Package simclock is a settable clock for the offline demo and the
// end-to-end tests: every fake provider, client, store and poller in one
// scenario reads the same simulated time, which moves only when the scenario
// advances it (four hours for PAYJS's polling limit, three days for a
// deadline) and never with the wall clock, so output and assertions do not
// depend on when or how fast they run.
package simclock
