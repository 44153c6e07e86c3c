package gate

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestHold(t *testing.T) {
	var h Hold
	if err := h.Pass(context.Background()); err != nil {
		t.Fatalf("Pass with nothing armed = %v", err)
	}
	g := h.Next()
	done := make(chan error, 1)
	go func() { done <- h.Pass(context.Background()) }()
	<-g.Entered
	select {
	case err := <-done:
		t.Fatalf("Pass returned %v before its gate was released", err)
	case <-time.After(10 * time.Millisecond):
	}
	close(g.Release)
	if err := <-done; err != nil {
		t.Fatalf("released Pass = %v", err)
	}
	if err := h.Pass(context.Background()); err != nil {
		t.Fatalf("a gate holds one call only; the next Pass = %v", err)
	}

	h.Next()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Pass(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("held Pass with a done context = %v, want context.Canceled", err)
	}
}
