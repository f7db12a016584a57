package file_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/sources/file"
)

// generated is a JSONL file of n deployments and n commits made up while it is read, so a test
// can import more data than it could sensibly hold.
type generated struct {
	n, i int
	line []byte
	rest []byte
}

func (g *generated) Read(p []byte) (int, error) {
	for len(g.rest) == 0 {
		if g.i == 2*g.n {
			return 0, io.EOF
		}
		k := g.i / 2
		if g.i%2 == 0 {
			g.line = fmt.Appendf(g.line[:0], `{"kind":"deployment","id":"d-%d","service":"svc-%d","environment":"production","status":"success","sha":"%040x","repo":"acme/svc-%d","started_at":"2024-03-04T10:00:00Z","finished_at":"2024-03-04T10:06:00Z","commits":["%040x"],"url":"https://ci.example.com/runs/%d"}`+"\n", k, k%20, k, k%20, k, k)
		} else {
			g.line = fmt.Appendf(g.line[:0], `{"kind":"commit","repo":"acme/svc-%d","sha":"%040x","parents":["%040x"],"authored_at":"2024-03-01T09:00:00Z","committed_at":"2024-03-03T17:00:00Z","pull_request":%d}`+"\n", k%20, k, k+1<<40, k+1)
		}
		g.rest = g.line
		g.i++
	}
	n := copy(p, g.rest)
	g.rest = g.rest[n:]
	return n, nil
}

// peakHeap passes reads through and samples the Go heap every MiB.
type peakHeap struct {
	r           io.Reader
	read, peak  uint64
	lastSampled uint64
}

func (h *peakHeap) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.read += uint64(n)
	if h.read-h.lastSampled >= 1<<20 {
		h.lastSampled = h.read
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc)
	}
	return n, err
}

func TestImportStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 60 MB")
	}
	db := openDB(t)
	runtime.GC()
	in := &peakHeap{r: &generated{n: 120_000}}
	var progress strings.Builder
	got, err := file.Import(context.Background(), db, "big.jsonl", in, file.Options{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if got.Total() != 240_000 {
		t.Errorf("imported %d records, want 240000", got.Total())
	}
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM") {
			t.Logf("process peak resident memory: %s", strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")))
		}
	}
	t.Logf("read %d MiB with a peak Go heap of %d MiB", in.read>>20, in.peak>>20)
	if in.read < 50<<20 {
		t.Fatalf("the file is only %d MiB; the test needs one much larger than the bound", in.read>>20)
	}
	if in.peak > 24<<20 {
		t.Errorf("peak Go heap %d MiB while reading %d MiB: the file is not streamed", in.peak>>20, in.read>>20)
	}
}

// repeated is an endless run of one byte.
type repeated byte

func (r repeated) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestOverlongLinesAreRejected(t *testing.T) {
	huge := func() io.Reader { return io.LimitReader(repeated('x'), 16<<20+1) }
	cases := []struct {
		rule, name string
		in         io.Reader
		want       string
	}{
		{"JSONL_line_over_16MiB", "big.jsonl",
			io.MultiReader(strings.NewReader(good), huge()),
			"big.jsonl:3: invalid record: line is longer than 16 MiB"},
		{"CSV_record_over_16MiB", "deployments.csv",
			io.MultiReader(strings.NewReader(csvHeader+csvGood), huge()),
			"deployments.csv:3: invalid record: record is longer than 16 MiB"},
		{"CSV_unclosed_quote_over_16MiB", "deployments.csv",
			io.MultiReader(strings.NewReader(csvHeader+csvGood+`d-2,"`), io.LimitReader(repeated('\n'), 16<<20+1)),
			"deployments.csv:",
		},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			db := openDB(t)
			seed(t, db)
			before := snapshot(t, db)
			_, err := file.Import(context.Background(), db, c.name, c.in, file.Options{})
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || !strings.Contains(err.Error(), "longer than 16 MiB") {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if after := snapshot(t, db); after != before {
				t.Errorf("the rejected file changed the warehouse")
			}
		})
	}
}

// BenchmarkImportJSONL reports the import rate of a generated file of 100k records.
func BenchmarkImportJSONL(b *testing.B) {
	db := openDB(b)
	ctx := context.Background()
	var bytes uint64
	for b.Loop() {
		in := &peakHeap{r: &generated{n: 50_000}}
		if _, err := file.Import(ctx, db, "bench.jsonl", in, file.Options{}); err != nil {
			b.Fatal(err)
		}
		bytes = in.read
	}
	b.SetBytes(int64(bytes))
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "records/s")
}
