package paging

import (
	"context"
	"iter"

	"github.com/tousu-go/tousu/internal/wxcomplaint"
)

// Failed is an iterator that yields err once: what a list iterator returns
// when its request is refused before any call.
func Failed[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}

// Offset yields every item of an offset/limit list, starting at offset start.
// fetch returns the page at offset and the total count when the provider sends
// it (0 or less when it does not; WeChat sends it on the first page only).
// Paging stops after a page shorter than limit, an empty page, or once offset
// reaches the total. A failed fetch yields (nil, err) and stops; so does the
// caller breaking out of the loop.
func Offset[T any](start, limit int, fetch func(offset int) (items []T, total int, err error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		offset, total := start, -1
		for {
			items, t, err := fetch(offset)
			if err != nil {
				yield(nil, err)
				return
			}
			if total < 0 && t > 0 {
				total = t
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			offset += len(items)
			if len(items) == 0 || len(items) < limit || (total >= 0 && offset >= total) {
				return
			}
		}
	}
}

// Number yields every item of a list paged by page number (1-based) and page
// size, starting at page first (values below 1 mean 1). fetch returns the
// page's items and the total number of items when the provider sends it (0 or
// less when it does not). Paging stops after a page shorter than size, an
// empty page, or once the pages fetched cover the total. A failed fetch
// yields (nil, err) and stops; so does the caller breaking out of the loop.
func Number[T any](first, size int, fetch func(page int) (items []T, total int, err error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for page := max(first, 1); ; page++ {
			items, total, err := fetch(page)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			if len(items) == 0 || len(items) < size || (total > 0 && page*size >= total) {
				return
			}
		}
	}
}

// ByOffset pages an offset/limit list call (list, such as a client's
// ListHistory method value) through Offset, from the offset of req that at
// points to; items takes a page's items and total count out of list's answer
// (WeChatItems for WeChat-shaped pages). Each page is asked for with a fresh
// copy of req whose offset is set to the page's, so req is never modified and
// the iterator may be ranged over more than once, even at the same time.
// limit is the page size the calls ask for (the request's, or the provider's
// default when the request leaves it zero).
func ByOffset[R, P, T any](ctx context.Context, req R, at func(*R) *int, limit int,
	list func(context.Context, *R) (*P, error), items func(*P) ([]T, int)) iter.Seq2[*T, error] {
	return Offset(*at(&req), limit, fetchAt(ctx, req, at, list, items))
}

// ByNumber is ByOffset for lists paged by page number: at points to the
// request's page number, size is the page size the calls ask for.
func ByNumber[R, P, T any](ctx context.Context, req R, at func(*R) *int, size int,
	list func(context.Context, *R) (*P, error), items func(*P) ([]T, int)) iter.Seq2[*T, error] {
	return Number(*at(&req), size, fetchAt(ctx, req, at, list, items))
}

// fetchAt is the fetch of ByOffset and ByNumber: list called with a copy of
// req positioned at pos.
func fetchAt[R, P, T any](ctx context.Context, req R, at func(*R) *int,
	list func(context.Context, *R) (*P, error), items func(*P) ([]T, int)) func(pos int) ([]T, int, error) {
	return func(pos int) ([]T, int, error) {
		r := req
		*at(&r) = pos
		p, err := list(ctx, &r)
		if err != nil {
			return nil, 0, err
		}
		data, total := items(p)
		return data, total, nil
	}
}

// WeChatItems returns a WeChat-shaped page's items and total_count, for
// ByOffset.
func WeChatItems[T any](p *wxcomplaint.Page[T]) ([]T, int) { return p.Data, p.TotalCount }
