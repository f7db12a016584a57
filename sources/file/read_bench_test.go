package file

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// BenchmarkReadJSONL measures the JSONL reader alone, without the warehouse.
func BenchmarkReadJSONL(b *testing.B) {
	sample, err := os.ReadFile("../../testdata/events/sample.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat(sample, 1000)
	records := bytes.Count(data, []byte{'\n'})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := read(context.Background(), "bench.jsonl", bytes.NewReader(data), Options{}, validator{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
}
