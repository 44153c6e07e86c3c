package complaint

import (
	"context"
	"fmt"
	"testing"
)

// The bound: the least recently used complaint is forgotten first, a read
// counts as a use, and each source's open set is bounded on its own.
func TestMemoryPollStateBound(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryPollState(WithPollStateMaxEntries(3))
	for i := range 3 {
		if err := s.Remember(ctx, fmt.Sprint("k", i), Seen{Fingerprint: fmt.Sprint("f", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Recall(ctx, "k0"); got.Fingerprint != "f0" { // k0 is now the most recently used
		t.Fatalf("Recall(k0) = %+v", got)
	}
	_ = s.Remember(ctx, "k3", Seen{Fingerprint: "f3"})
	want := map[string]string{"k0": "f0", "k1": "", "k2": "f2", "k3": "f3"}
	for k, fp := range want {
		if got, _ := s.Recall(ctx, k); got.Fingerprint != fp {
			t.Errorf("Recall(%s) = %q, want %q", k, got.Fingerprint, fp)
		}
	}
	for i := range 5 {
		_ = s.Track(ctx, "a", fmt.Sprint("o", i), Ref{ID: fmt.Sprint(i)})
	}
	_ = s.Track(ctx, "b", "x", Ref{ID: "x"})
	var ids []string
	for r, err := range s.Tracked(ctx, "a") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != "[4 3 2]" {
		t.Fatalf("open set a = %v, want the 3 newest [4 3 2]", ids)
	}
	if seen, open := s.Len(); seen != 3 || open != 4 {
		t.Fatalf("Len = %d, %d; want 3 remembered and 4 tracked", seen, open)
	}
	if d := NewMemoryPollState(WithPollStateMaxEntries(0), nil); d.max != DefaultPollStateMaxEntries {
		t.Fatalf("max = %d, want the default", d.max)
	}
}
