package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// pageLimit is the largest page PagerDuty serves.
const pageLimit = 100

// maxOffset is the end of what classic (offset) pagination reaches: offset + limit may not
// exceed 10,000. A variable so that a test can reach it with a handful of records.
var maxOffset = 10000

// get sends GET path?query and decodes the JSON answer into out.
func (s *Source) get(ctx context.Context, path string, query url.Values, out any) error {
	u := *s.base
	u.Path += path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Token token="+s.cfg.Token)
	req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")
	resp, err := s.client.Do(req)
	if err != nil {
		return httpx.Clean(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("GET %s: decode the answer: %w", httpx.RedactURL(&u), err)
	}
	return nil
}

// page is the envelope of classic pagination; n is set by the caller to the number of items
// the page held.
type page struct {
	More bool `json:"more"`
	n    int
}

// errTooDeep is returned by list when a listing goes past what offset pagination can reach.
var errTooDeep = errors.New("more than 10,000 records in one listing")

// list pages through path with offset and limit, calling decode for each page's body, until
// the answer says there is no more. The next offset counts the items received, since PagerDuty
// may serve smaller pages than asked for.
func (s *Source) list(ctx context.Context, path string, query url.Values, decode func(raw []byte) (page, error)) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("limit", strconv.Itoa(pageLimit))
	q.Set("total", "false")
	var prev json.RawMessage
	for offset := 0; ; {
		q.Set("offset", strconv.Itoa(offset))
		var raw json.RawMessage
		if err := s.get(ctx, path, q, &raw); err != nil {
			return err
		}
		// A server (or a proxy) that ignores offset serves the first page again and again, which
		// would be paged to the offset limit and, for incidents, split and paged again, for hours.
		if offset > 0 && bytes.Equal(raw, prev) {
			return fmt.Errorf("GET %s: the page at offset %d repeats the page before it: the answer ignores offset", path, offset)
		}
		prev = raw
		p, err := decode(raw)
		if err != nil {
			return fmt.Errorf("GET %s: decode the answer: %w", path, err)
		}
		if !p.More || p.n == 0 {
			return nil
		}
		offset += p.n
		if offset+pageLimit > maxOffset {
			return errTooDeep
		}
	}
}

// notFound reports whether err is a 404 answer.
func notFound(err error) bool {
	var se *httpx.StatusError
	return errors.As(err, &se) && se.Status == http.StatusNotFound
}
