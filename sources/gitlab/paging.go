package gitlab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// perPage is GitLab's largest page.
const perPage = 100

// A pageFunc asks for one page of a list: page is the offset page number (1 first); opts carry
// the context and, for keyset lists, the parameters of the next page.
type pageFunc[T any] func(page int64, opts ...gl.RequestOptionFunc) ([]T, *gl.Response, error)

// walk reads every page of a list, handing each page's items to each as it arrives. It follows
// X-Next-Page, or the Link rel="next" of keyset pagination, and never the totals, which GitLab
// leaves out on large collections. The first page is sent conditionally on etag; when GitLab
// answers 304 the list is unchanged and nothing is handed on. It returns the ETag worth keeping:
// the first page's, when that page was the only one (a longer list can grow beyond its first
// page without changing it).
func walk[T any](ctx context.Context, etag string, list pageFunc[*T], each func([]*T) error) (string, error) {
	page := int64(1)
	var keyset gl.RequestOptionFunc
	keep := ""
	for n := 0; ; n++ {
		pctx := ctx
		if n == 0 {
			pctx = httpx.IfNoneMatch(ctx, etag)
		}
		opts := []gl.RequestOptionFunc{gl.WithContext(pctx)}
		if keyset != nil {
			opts = append(opts, keyset)
		}
		items, resp, err := readPage(list, page, opts)
		if n == 0 && errors.Is(httpx.Clean(err), httpx.ErrNotModified) {
			return etag, nil
		}
		if err != nil {
			return "", err
		}
		// A null item of a list says nothing; GitLab never sends one.
		items = slices.DeleteFunc(items, func(it *T) bool { return it == nil })
		if err := each(items); err != nil {
			return "", err
		}
		if next, ok := httpx.NextPage(resp.Header); ok {
			page = int64(next)
			continue
		}
		if link := httpx.NextLink(resp.Header); link != "" {
			keyset = gl.WithKeysetPaginationParameters(link)
			continue
		}
		if n == 0 {
			keep = httpx.ETag(resp.Header)
		}
		return keep, nil
	}
}

// readPage asks list for one page. The client library converts some lists after decoding them
// and panics on a malformed answer (a null in a list of merge requests): that is a bad answer
// from the server, reported as such, not a crash of the collection.
func readPage[T any](list pageFunc[T], page int64, opts []gl.RequestOptionFunc) (items []T, resp *gl.Response, err error) {
	defer func() {
		if r := recover(); r != nil {
			items, resp, err = nil, nil, fmt.Errorf("page %d: the answer could not be read: %v", page, r)
		}
	}()
	return list(page, opts...)
}

// overlap is how far before its cursor a list by updated_at is read again, so that items
// updated in the same second as the last one stored are not missed whichever way GitLab
// compares updated_after; items read twice are recognised as unchanged and not written again.
const overlap = time.Second

// after returns the updated_after of a list: the cursor less the overlap, else since, else the
// Unix epoch (everything). It is always sent: GitLab's deployment finder wants the updated_at
// filter and the updated_at order paired, and logs a query that sorts without filtering as
// inefficient.
func after(c cursor, since time.Time) *time.Time {
	var t time.Time
	switch {
	case !c.Updated.IsZero():
		t = c.Updated.Add(-overlap)
	case !since.IsZero():
		t = since
	default:
		t = time.Unix(0, 0)
	}
	t = t.UTC()
	return &t
}

func ptr[T any](v T) *T { return &v }

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
