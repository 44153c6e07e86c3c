package paging

import (
	"errors"
	"testing"
)

// list serves n items, limit per page, and reports the total on the first page
// only when withTotal.
func list(n, limit int, withTotal bool, calls *[]int) func(int) ([]int, int, error) {
	return func(offset int) ([]int, int, error) {
		*calls = append(*calls, offset)
		var out []int
		for i := offset; i < n && i < offset+limit; i++ {
			out = append(out, i)
		}
		total := 0
		if withTotal && offset == 0 {
			total = n
		}
		return out, total, nil
	}
}

func TestOffset(t *testing.T) {
	cases := []struct {
		n, limit  int
		withTotal bool
		wantCalls int
	}{
		{0, 10, false, 1},
		{5, 10, false, 1},
		{10, 10, false, 2}, // a full last page needs one more call to see the end
		{10, 10, true, 1},  // unless the total says so
		{25, 10, true, 3},
		{25, 10, false, 3},
	}
	for _, tc := range cases {
		var calls []int
		var got []int
		for v, err := range Offset(0, tc.limit, list(tc.n, tc.limit, tc.withTotal, &calls)) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *v)
		}
		if len(got) != tc.n {
			t.Fatalf("%+v: got %d items", tc, len(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("%+v: item %d is %d", tc, i, v)
			}
		}
		if len(calls) != tc.wantCalls {
			t.Fatalf("%+v: %d calls %v, want %d", tc, len(calls), calls, tc.wantCalls)
		}
	}
}

func TestOffsetStopsOnErrorAndBreak(t *testing.T) {
	boom := errors.New("boom")
	n := 0
	for _, err := range Offset(0, 2, func(offset int) ([]int, int, error) {
		if offset >= 2 {
			return nil, 0, boom
		}
		return []int{1, 2}, 0, nil
	}) {
		n++
		if n == 3 && !errors.Is(err, boom) {
			t.Fatalf("third yield = %v, want boom", err)
		}
	}
	if n != 3 {
		t.Fatalf("%d yields, want 2 items and an error", n)
	}

	var calls []int
	for range Offset(0, 10, list(100, 10, false, &calls)) {
		break
	}
	if len(calls) != 1 {
		t.Fatalf("breaking early still fetched %v", calls)
	}
}

func TestOffsetStart(t *testing.T) {
	var calls []int
	var got []int
	for v, _ := range Offset(20, 10, list(25, 10, true, &calls)) {
		got = append(got, *v)
	}
	if len(got) != 5 || got[0] != 20 || calls[0] != 20 {
		t.Fatalf("from offset 20: %v (calls %v)", got, calls)
	}
}
