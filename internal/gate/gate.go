// Package gate holds one call of a sink until the caller lets it go: how the
// demo and the end-to-end tests show a redelivery arriving while the first
// delivery of the same event is still running.
package gate

import (
	"context"
	"sync"
)

// Gate is one held call: Entered is closed when the call arrives, and
// closing Release lets it finish.
type Gate struct {
	Entered chan struct{}
	Release chan struct{}
}

// Hold arms a gate for the next call that passes it. The zero value holds
// nothing and is ready; it is safe for concurrent use.
type Hold struct {
	mu   sync.Mutex
	next *Gate
}

// Next makes the next Pass wait on the returned gate.
func (h *Hold) Next() *Gate {
	g := &Gate{Entered: make(chan struct{}), Release: make(chan struct{})}
	h.mu.Lock()
	h.next = g
	h.mu.Unlock()
	return g
}

// Pass returns at once unless a gate is armed; then it takes the gate,
// closes its Entered, and waits for its Release or for ctx to be done
// (returning ctx's error).
func (h *Hold) Pass(ctx context.Context) error {
	h.mu.Lock()
	g := h.next
	h.next = nil
	h.mu.Unlock()
	if g == nil {
		return nil
	}
	close(g.Entered)
	select {
	case <-g.Release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
