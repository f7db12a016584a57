package httpx

import (
	"context"
	"net/http"
)

type etagKey struct{}

// IfNoneMatch returns a context whose requests are sent with If-None-Match: etag (when etag is
// not empty). The Transport then turns a 304 answer into an error wrapping ErrNotModified, which
// works the same through any client library. Read the new ETag of a 200 answer with ETag.
func IfNoneMatch(ctx context.Context, etag string) context.Context {
	if etag == "" {
		return ctx
	}
	return context.WithValue(ctx, etagKey{}, etag)
}

func etagFrom(ctx context.Context) string {
	s, _ := ctx.Value(etagKey{}).(string)
	return s
}

// ETag returns the entity tag of an answer, to store and send with IfNoneMatch next time.
func ETag(h http.Header) string { return h.Get("ETag") }
