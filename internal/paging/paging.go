package paging

import "iter"

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
