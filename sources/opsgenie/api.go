package opsgenie

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// pageLimit is the largest page Opsgenie serves.
const pageLimit = 100

// get sends GET u and decodes the JSON answer into out.
func (s *Source) get(ctx context.Context, u *url.URL, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "GenieKey "+s.cfg.Token)
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return httpx.Clean(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("GET %s: decode the answer: %w", httpx.RedactURL(u), err)
	}
	return nil
}

// endpoint is BaseURL + path ? query.
func (s *Source) endpoint(path string, query url.Values) *url.URL {
	u := *s.base
	u.Path += path
	u.RawQuery = query.Encode()
	return &u
}

// listPage is the envelope of a list answer (ListIncidentsResponse, ListAlertsResponse).
type listPage struct {
	Data   []item `json:"data"`
	Paging struct {
		Next string `json:"next"`
	} `json:"paging"`
}

// list returns the items of k created in [since, until), oldest first, following the body's
// paging.next from page to page.
func (s *Source) list(ctx context.Context, k kind, since, until time.Time) ([]item, error) {
	query := fmt.Sprintf("createdAt >= %d AND createdAt < %d", since.UnixMilli(), until.UnixMilli())
	if k.filter != "" {
		query = k.filter + " AND " + query
	}
	q := url.Values{}
	q.Set("query", query)
	q.Set("offset", "0")
	q.Set("limit", strconv.Itoa(pageLimit))
	q.Set("sort", "createdAt")
	q.Set("order", "asc")
	next := s.endpoint(k.listPath, q)
	var out []item
	read := map[string]bool{} // the pages read: a paging.next back to one of them would never end
	for next != nil {
		read[next.String()] = true
		var p listPage
		if err := s.get(ctx, next, &p); err != nil {
			return nil, fmt.Errorf("opsgenie: list %s: %w", k.name, err)
		}
		out = append(out, p.Data...)
		if p.Paging.Next == "" || len(p.Data) == 0 {
			break
		}
		u, err := next.Parse(p.Paging.Next)
		if err != nil {
			return nil, fmt.Errorf("opsgenie: list %s: paging.next %q: %w", k.name, p.Paging.Next, err)
		}
		// The key goes only where it was configured to go.
		if u.Scheme != s.base.Scheme || u.Host != s.base.Host {
			return nil, fmt.Errorf("opsgenie: list %s: paging.next points to %s, not to base_url %s", k.name, u.Host, s.base.Host)
		}
		if changed := sameListing(next, u); changed != "" {
			return nil, fmt.Errorf("opsgenie: list %s: paging.next %q changes the %s of the listing", k.name, p.Paging.Next, changed)
		}
		if read[u.String()] {
			return nil, fmt.Errorf("opsgenie: list %s: paging.next %q points back to a page already read", k.name, p.Paging.Next)
		}
		next = u
	}
	return out, nil
}

// sameListing names what next changes of the listing page asked for, or returns "" when next
// only moves through it (offset, limit): another path, filter or order would silently collect
// other items than the window asked for.
func sameListing(page, next *url.URL) string {
	if next.Path != page.Path {
		return "path"
	}
	pq, nq := page.Query(), next.Query()
	for _, key := range []string{"query", "sort", "order"} {
		if nq.Get(key) != pq.Get(key) {
			return key
		}
	}
	return ""
}

// read returns one item of k by id; ok is false when Opsgenie no longer has it.
func (s *Source) read(ctx context.Context, k kind, id string) (item, bool, error) {
	var body struct {
		Data item `json:"data"`
	}
	err := s.get(ctx, s.endpoint(k.getPath+url.PathEscape(id), url.Values{"identifierType": {"id"}}), &body)
	var se *httpx.StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		return item{}, false, nil
	}
	if err != nil {
		return item{}, false, fmt.Errorf("opsgenie: get %s %s: %w", k.singular, id, err)
	}
	return body.Data, true, nil
}
