package httpx

import (
	"errors"
	"fmt"
	"io"
)

// DefaultMaxResponse bounds the body of one answer. The largest page the sources ask for (100
// items of the richest vendor objects, or a compare page of 100 commits with their files) is a
// few MiB; an answer far beyond that is a misbehaving server or proxy, and reading it whole
// would take the process's memory with it.
const DefaultMaxResponse = 64 << 20

// ErrResponseTooLarge is wrapped by the error a body read returns past Options.MaxResponse.
var ErrResponseTooLarge = errors.New("answer larger than the limit")

// cappedBody fails a read once more than max bytes came, naming the request, instead of letting
// a decoder take in an answer of any size.
type cappedBody struct {
	io.ReadCloser
	max, read int64
	where     string
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	if b.read > b.max {
		return n, fmt.Errorf("%s: %w of %d MiB", b.where, ErrResponseTooLarge, b.max>>20)
	}
	return n, err
}
