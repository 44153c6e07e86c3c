// Package syncbuf is a bytes.Buffer that several goroutines may write to and
// a test may read at the same time: where tests capture what a handler, a
// poller or an HTTP client logs through log/slog while it runs.
package syncbuf

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer is safe for concurrent use; the zero value is empty and ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Count is how many times sub occurs in what was written so far.
func (b *Buffer) Count(sub string) int { return strings.Count(b.String(), sub) }
