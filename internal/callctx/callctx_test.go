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
	if err := CheckContext(ctx); !errors.Is(err, ErrNilContext) {
		t.Errorf("CheckContext(WithoutRetry(nil)) = %v, want ErrNilContext", err)
	}
}

func TestCheckContext(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, ctx := range map[string]context.Context{
		"background": context.Background(),
		"todo":       context.TODO(),
		// A done context is usable: the request reports ctx.Err() itself.
		"cancelled": cancelled,
		"marked":    WithoutRetry(context.Background()),
	} {
		if err := CheckContext(ctx); err != nil {
			t.Errorf("%s: CheckContext = %v, want nil", name, err)
		}
	}

	//lint:ignore SA1012 the nil context is what is tested
	err := CheckContext(nil)
	if err == nil {
		t.Fatal("CheckContext(nil) = nil")
	}
	if err.Error() != "tousu: nil context" {
		t.Errorf("message = %q", err.Error())
	}
	wrapped := fmt.Errorf("wechatpay: invalid request: %w", err)
	if !errors.Is(wrapped, ErrNilContext) {
		t.Error("a wrapped CheckContext error does not match ErrNilContext")
	}
	for _, other := range []error{context.Canceled, errors.New("tousu: nil context")} {
		if errors.Is(other, ErrNilContext) {
			t.Errorf("ErrNilContext matches %v, which is not it", other)
		}
	}
}

func ExampleCheckContext() {
	var ctx context.Context // a caller forgot to pass one
	if err := CheckContext(ctx); errors.Is(err, ErrNilContext) {
		fmt.Println(err)
	}
	// Output: tousu: nil context
}

func ExampleWithoutRetry() {
	ctx := WithoutRetry(context.Background())
	fmt.Println(RetryDisabled(ctx), RetryDisabled(context.Background()))
	// Output: true false
}
