package allinpay

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"testing"

	"github.com/tousu-go/tousu/complaint"
)

// The iterator pages by limit, sees total_count only on the first page, and
// yields every item once, in order.
func TestAllHistoryPages(t *testing.T) {
	for _, st := range signTypes {
		t.Run(string(st), func(t *testing.T) {
			c, f := newTestClient(t, st)
			f.handle = historyRecords(t, historyItems(5))
			req := &ListHistoryRequest{ComplaintID: "x", Limit: 2}
			var got []string
			for h, err := range c.AllHistory(context.Background(), req) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, h.LogID)
			}
			if want := []string{"log-0", "log-1", "log-2", "log-3", "log-4"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("items %v", got)
			}
			var offsets []string
			for _, r := range f.requests {
				offsets = append(offsets, r.Get("offset"))
				if r.Get("limit") != "2" {
					t.Fatalf("limit %q", r.Get("limit"))
				}
			}
			if !reflect.DeepEqual(offsets, []string{"0", "2", "4"}) {
				t.Fatalf("offsets %v", offsets)
			}
			if req.Offset != 0 {
				t.Fatal("request modified")
			}
		})
	}
}

// total_count stops paging when the last page is full; pages after offset 0
// carry no total_count.
func TestHistoryTotalCountOnlyAtOffsetZero(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	f.handle = historyRecords(t, historyItems(4))
	ctx := context.Background()
	first, err := c.ListHistory(ctx, &ListHistoryRequest{ComplaintID: "x", Limit: 2})
	if err != nil || first.TotalCount != 4 {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	second, err := c.ListHistory(ctx, &ListHistoryRequest{ComplaintID: "x", Limit: 2, Offset: 2})
	if err != nil || second.TotalCount != 0 || second.Offset != 2 || len(second.Data) != 2 {
		t.Fatalf("second page: %+v, %v", second, err)
	}
	f.requests = nil
	n := 0
	for _, err := range c.AllHistory(ctx, &ListHistoryRequest{ComplaintID: "x", Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	// 4 items of limit 2: total_count from the first page ends paging after
	// the second full page, without asking for an empty third.
	if n != 4 || len(f.requests) != 2 {
		t.Fatalf("%d items in %d requests", n, len(f.requests))
	}
}

// Breaking out of the loop stops paging: no further request.
func TestAllHistoryEarlyBreak(t *testing.T) {
	c, f := newTestClient(t, SignSM2)
	f.handle = historyRecords(t, historyItems(10))
	for h, err := range c.AllHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x", Limit: 3}) {
		if err != nil || h.LogID != "log-0" {
			t.Fatalf("%v, %v", h, err)
		}
		break
	}
	if len(f.requests) != 1 {
		t.Fatalf("%d requests after break", len(f.requests))
	}
}

// A failed page yields the error once and stops.
func TestAllHistoryError(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	ok := historyRecords(t, historyItems(5))
	f.handle = func(m string, form url.Values) (map[string]string, string) {
		if form.Get("offset") == "2" {
			return nil, "投诉单不存在"
		}
		return ok(m, form)
	}
	var items, errs int
	for h, err := range c.AllHistory(context.Background(), &ListHistoryRequest{ComplaintID: "x", Limit: 2}) {
		if err != nil {
			errs++
			if h != nil || !errors.Is(err, complaint.ErrNotFound) {
				t.Fatalf("%v, %v", h, err)
			}
			continue
		}
		items++
	}
	if items != 2 || errs != 1 {
		t.Fatalf("%d items, %d errors", items, errs)
	}
	for _, err := range c.AllHistory(context.Background(), nil) {
		if !errors.Is(err, complaint.ErrInvalidRequest) {
			t.Fatalf("nil request: %v", err)
		}
	}
	if got := fmt.Sprint(len(f.requests)); got != "2" {
		t.Fatalf("%s requests", got)
	}
}
