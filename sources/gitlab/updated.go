package gitlab

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// listUpdated reads a whole list ordered by updated_at, from the cursor on. Offset pages shift
// when an item on an earlier page is updated while later pages are read: the updated item shows
// up twice and the item that slid onto the page already read is missed. A repeated item gives
// such a shift away, and the list is then read once more so the missed item is found. Items come
// back once each, in their newest version, oldest update first.
func listUpdated[T any](ctx context.Context, etag string, list pageFunc[*T], key func(*T) (int64, time.Time)) ([]*T, string, error) {
	var items []*T
	at := map[int64]int{}
	shifted := false
	add := func(page []*T) error {
		for _, it := range page {
			id, _ := key(it)
			if i, ok := at[id]; ok {
				shifted = true
				items[i] = it
				continue
			}
			at[id] = len(items)
			items = append(items, it)
		}
		return nil
	}
	newETag, err := walk(ctx, etag, list, add)
	if err != nil {
		return nil, "", err
	}
	if shifted {
		if _, err := walk(ctx, "", list, add); err != nil {
			return nil, "", err
		}
		newETag = ""
	}
	slices.SortStableFunc(items, func(a, b *T) int {
		_, ua := key(a)
		_, ub := key(b)
		return cmp.Compare(ua.UnixNano(), ub.UnixNano())
	})
	return items, newETag, nil
}
