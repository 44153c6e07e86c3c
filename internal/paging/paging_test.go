package paging

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/tousu-go/tousu/internal/wxcomplaint"
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

func TestFailed(t *testing.T) {
	boom := errors.New("boom")
	n := 0
	for v, err := range Failed[int](boom) {
		n++
		if v != nil || !errors.Is(err, boom) {
			t.Fatalf("yield (%v, %v)", v, err)
		}
	}
	if n != 1 {
		t.Fatalf("%d yields, want 1", n)
	}
}

// pages serves n items, size per page, 1-based page numbers, with the total
// on every page when withTotal.
func pages(n, size int, withTotal bool, calls *[]int) func(int) ([]int, int, error) {
	return func(page int) ([]int, int, error) {
		*calls = append(*calls, page)
		var out []int
		for i := (page - 1) * size; i < n && i < page*size; i++ {
			out = append(out, i)
		}
		if withTotal {
			return out, n, nil
		}
		return out, 0, nil
	}
}

func TestNumber(t *testing.T) {
	cases := []struct {
		n, size, first int
		withTotal      bool
		wantCalls      []int
		wantFrom       int
	}{
		{0, 10, 1, true, []int{1}, 0},
		{5, 10, 1, false, []int{1}, 0},
		{10, 10, 1, false, []int{1, 2}, 0}, // a full last page needs one more call
		{10, 10, 1, true, []int{1}, 0},     // unless the total says so
		{25, 10, 1, true, []int{1, 2, 3}, 0},
		{25, 10, 0, false, []int{1, 2, 3}, 0}, // page 0 means 1
		{25, 10, 2, true, []int{2, 3}, 10},
	}
	for _, tc := range cases {
		var calls, got []int
		for v, err := range Number(tc.first, tc.size, pages(tc.n, tc.size, tc.withTotal, &calls)) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *v)
		}
		if len(got) != tc.n-tc.wantFrom {
			t.Fatalf("%+v: got %d items", tc, len(got))
		}
		for i, v := range got {
			if v != tc.wantFrom+i {
				t.Fatalf("%+v: item %d is %d", tc, i, v)
			}
		}
		if !slices.Equal(calls, tc.wantCalls) {
			t.Fatalf("%+v: calls %v, want %v", tc, calls, tc.wantCalls)
		}
	}
}

func TestNumberStopsOnErrorAndBreak(t *testing.T) {
	boom := errors.New("boom")
	var items []int
	var errs []error
	for v, err := range Number(1, 2, func(page int) ([]int, int, error) {
		if page == 2 {
			return nil, 0, boom
		}
		return []int{1, 2}, 10, nil
	}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, *v)
	}
	if len(items) != 2 || len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Fatalf("items %v, errors %v", items, errs)
	}
	var calls []int
	for range Number(1, 10, pages(100, 10, true, &calls)) {
		break
	}
	if len(calls) != 1 {
		t.Fatalf("breaking early still fetched %v", calls)
	}
}

type listReq struct {
	Offset, Page int
	Name         string
}

type listPage struct {
	Items []int
	Total int
}

// ByOffset and ByNumber call list with copies of the request positioned at
// each page, pass ctx through, and never modify the caller's request.
func TestByOffsetAndByNumber(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "v")
	var seen []listReq
	list := func(c context.Context, r *listReq) (*listPage, error) {
		if c.Value(key{}) != "v" {
			t.Fatal("context not passed through")
		}
		seen = append(seen, *r)
		start := r.Offset + max(r.Page-1, 0)*3
		var p listPage
		for i := start; i < 7 && i < start+3; i++ {
			p.Items = append(p.Items, i)
		}
		p.Total = 7
		r.Name = "changed by list" // a copy: the caller's stays
		return &p, nil
	}
	items := func(p *listPage) ([]int, int) { return p.Items, p.Total }
	req := listReq{Offset: 1, Name: "x"}
	var got []int
	for v, err := range ByOffset(ctx, req, func(r *listReq) *int { return &r.Offset }, 3, list, items) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *v)
	}
	if !slices.Equal(got, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("by offset: %v", got)
	}
	want := []listReq{{Offset: 1, Name: "x"}, {Offset: 4, Name: "x"}}
	if !slices.Equal(seen, want) {
		t.Fatalf("requests %+v, want %+v", seen, want)
	}

	seen, got = nil, nil
	req = listReq{Page: 2, Name: "y"}
	for v, err := range ByNumber(ctx, req, func(r *listReq) *int { return &r.Page }, 3, list, items) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *v)
	}
	if !slices.Equal(got, []int{3, 4, 5, 6}) {
		t.Fatalf("by number: %v", got)
	}
	want = []listReq{{Page: 2, Name: "y"}, {Page: 3, Name: "y"}}
	if !slices.Equal(seen, want) {
		t.Fatalf("requests %+v, want %+v", seen, want)
	}
	if req.Page != 2 || req.Name != "y" {
		t.Fatalf("request modified: %+v", req)
	}

	boom := errors.New("boom")
	for v, err := range ByNumber(ctx, req, func(r *listReq) *int { return &r.Page }, 3,
		func(context.Context, *listReq) (*listPage, error) { return nil, boom }, items) {
		if v != nil || !errors.Is(err, boom) {
			t.Fatalf("(%v, %v)", v, err)
		}
	}
}

func TestWeChatItems(t *testing.T) {
	p := &wxcomplaint.Page[int]{Data: []int{4, 5}, TotalCount: 9}
	data, total := WeChatItems(p)
	if !slices.Equal(data, []int{4, 5}) || total != 9 {
		t.Fatalf("%v, %d", data, total)
	}
}
