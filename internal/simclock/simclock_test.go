package simclock

import (
	"sync"
	"testing"
	"time"
)

func TestClockMovesOnlyWhenAdvanced(t *testing.T) {
	start := time.Date(2025, 11, 15, 10, 0, 0, 0, time.UTC)
	c := New(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	time.Sleep(time.Millisecond)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now moved with the wall clock: %v", got)
	}
	if got := c.Advance(4 * time.Hour); !got.Equal(start.Add(4 * time.Hour)) {
		t.Fatalf("Advance returned %v", got)
	}
	if got := c.Advance(-time.Hour); !got.Equal(start.Add(3 * time.Hour)) {
		t.Fatalf("Advance(-1h) returned %v", got)
	}
}

func TestClockConcurrent(t *testing.T) {
	c := New(time.Unix(0, 0))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Advance(time.Second)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	if got := c.Now(); !got.Equal(time.Unix(800, 0)) {
		t.Fatalf("Now = %v after 800 advances of 1s", got)
	}
}
