package callctx

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

type otherKey struct{}

func TestRetryDisabled(t *testing.T) {
	bg := context.Background()
	marked := WithoutRetry(bg)
	cancelled, cancel := context.WithCancel(marked)
	cancel()
	deadline, stop := context.WithTimeout(marked, time.Hour)
	defer stop()
	tests := []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"background", bg, false},
		{"nil", nil, false},
		{"marked", marked, true},
		{"derived value", context.WithValue(marked, otherKey{}, 1), true},
		{"derived cancelled", cancelled, true},
		{"derived deadline", deadline, true},
		{"marked twice", WithoutRetry(marked), true},
		{"unrelated value", context.WithValue(bg, otherKey{}, true), false},
		{"without cancel keeps values", context.WithoutCancel(marked), true},
	}
	for _, tt := range tests {
		if got := RetryDisabled(tt.ctx); got != tt.want {
			t.Errorf("%s: RetryDisabled = %v, want %v", tt.name, got, tt.want)
		}
	}
	if RetryDisabled(bg) {
		t.Error("WithoutRetry modified its parent")
	}
}

func TestWithoutRetryNil(t *testing.T) {
	//lint:ignore SA1012 the nil context is what is tested
	ctx := WithoutRetry(nil)
	if ctx != nil {
		t.Fatalf("WithoutRetry(nil) = %v, want nil", ctx)
	}
}

func ExampleWithoutRetry() {
	ctx := WithoutRetry(context.Background())
	fmt.Println(RetryDisabled(ctx), RetryDisabled(context.Background()))
	// Output: true false
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v, want nil after the wait", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if time.Since(start) > time.Minute {
		t.Fatal("Sleep waited although its context was done")
	}
}
