package file_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/file"
)

// procStatus reads one kB figure (VmRSS, VmHWM) of this process from /proc/self/status.
func procStatus(t testing.TB, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", field, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// TestImportLargeFileInBoundedMemory imports a JSONL file of about DORAREPORT_LARGE_MB MiB
// (default 1024) into a warehouse file and bounds the process's peak resident memory. The file is
// made up while the import reads it, through a pipe, so the test itself holds none of it.
// It is opt-in (DORAREPORT_LARGE=1): at 1 GiB it runs for several minutes.
func TestImportLargeFileInBoundedMemory(t *testing.T) {
	if os.Getenv("DORAREPORT_LARGE") != "1" {
		t.Skip("set DORAREPORT_LARGE=1 to import a 1 GiB file")
	}
	mib := int64(1024)
	if v := os.Getenv("DORAREPORT_LARGE_MB"); v != "" {
		var err error
		if mib, err = strconv.ParseInt(v, 10, 64); err != nil || mib < 1 {
			t.Fatalf("DORAREPORT_LARGE_MB=%q is not a positive number", v)
		}
	}
	// Size the file from the length of a typical pair of lines (a deployment and its commit).
	var pair bytes.Buffer
	io.Copy(&pair, &generated{n: 1, i: 0})
	n := int(mib << 20 / int64(pair.Len()+8)) // later ids are a few digits longer

	db := openDB(t)
	// DORAREPORT_LARGE_MEMORY_LIMIT tries a DuckDB memory_limit (e.g. 256MB) on the same import.
	if limit := os.Getenv("DORAREPORT_LARGE_MEMORY_LIMIT"); limit != "" {
		if _, err := db.SQL().ExecContext(context.Background(), "SET memory_limit = '"+strings.ReplaceAll(limit, "'", "")+"'"); err != nil {
			t.Fatal(err)
		}
		t.Logf("DuckDB memory_limit = %s", limit)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(copyCounting(pw, &generated{n: n})) }()
	in := &counting{r: pr}

	// Sample the resident set while the import runs: DuckDB's memory is not in the Go heap.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var peakRSS int64
	var samples []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
				rss := procStatus(t, "VmRSS")
				peakRSS = max(peakRSS, rss)
				if i%15 == 0 {
					samples = append(samples, strconv.FormatInt(in.n()>>20, 10)+" MiB read: RSS "+strconv.FormatInt(rss>>20, 10)+" MiB")
				}
			}
		}
	}()
	before := procStatus(t, "VmHWM")
	var progress bytes.Buffer
	start := time.Now()
	got, err := file.Import(context.Background(), db, "large.jsonl", in, file.Options{Progress: &progress})
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	hwm := procStatus(t, "VmHWM")
	for _, s := range samples {
		t.Log(s)
	}
	read := in.n()
	t.Logf("imported %d records (%d MiB) in %s: %.1f MiB/s, %.0f records/s", got.Total(), read>>20, elapsed.Round(time.Second),
		float64(read)/(1<<20)/elapsed.Seconds(), float64(got.Total())/elapsed.Seconds())
	t.Logf("peak resident memory (VmHWM): %d MiB before the import, %d MiB after; sampled peak RSS %d MiB", before>>20, hwm>>20, peakRSS>>20)
	if got.Total() != 2*n {
		t.Errorf("imported %d records, want %d", got.Total(), 2*n)
	}
	if !strings.Contains(progress.String(), "large.jsonl") {
		t.Errorf("no progress line naming the file: %q", progress.String())
	}
	// Measured at 1 GiB: 762 MiB with DuckDB's default memory_limit (80% of RAM), most of it while
	// the transaction commits; 388 MiB with DORAREPORT_LARGE_MEMORY_LIMIT=256MB. A reader that held
	// the file, or a writer that held its records, would pass the size of the file itself.
	const bound = 1 << 30
	if hwm > bound {
		t.Errorf("peak resident memory %d MiB importing %d MiB: over the %d MiB bound", hwm>>20, read>>20, bound>>20)
	}
}

// counting counts the bytes read through it; n is safe to call while another goroutine reads.
type counting struct {
	r    io.Reader
	mu   sync.Mutex
	read int64
}

func (c *counting) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.mu.Lock()
	c.read += int64(k)
	c.mu.Unlock()
	return k, err
}

func (c *counting) n() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.read }

// copyCounting copies src to dst in pipe-sized writes.
func copyCounting(dst io.Writer, src io.Reader) error {
	_, err := io.CopyBuffer(dst, src, make([]byte, 256<<10))
	return err
}
