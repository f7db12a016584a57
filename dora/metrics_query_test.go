package dora

import (
	"math/big"
	"testing"
)

// The metric columns scan into Values whatever numeric type DuckDB gives them: the driver's
// BIGINT and DOUBLE directly, anything else through database/sql's conversions, and NULL as zero
// (counts, medians of deploy days) or nil (durations).
func TestMetricColumnsScanAnyNumberAndNull(t *testing.T) {
	count := -1
	for _, c := range []struct {
		src  any
		want int
	}{{int64(7), 7}, {int32(8), 8}, {big.NewInt(9), 9}, {nil, 0}} {
		if err := orZero(&count).Scan(c.src); err != nil {
			t.Fatalf("count from %T: %v", c.src, err)
		}
		if count != c.want {
			t.Errorf("count from %T %v = %d, want %d", c.src, c.src, count, c.want)
		}
	}
	if err := orZero(&count).Scan("many"); err == nil {
		t.Error("a count scanned from a string, want an error")
	}

	median := -1.0
	for _, c := range []struct {
		src  any
		want float64
	}{{2.5, 2.5}, {float32(1.5), 1.5}, {int64(3), 3}, {nil, 0}} {
		if err := orZero(&median).Scan(c.src); err != nil {
			t.Fatalf("median from %T: %v", c.src, err)
		}
		if median != c.want {
			t.Errorf("median from %T %v = %v, want %v", c.src, c.src, median, c.want)
		}
	}

	var seconds *float64
	for _, c := range []struct {
		src  any
		want float64
	}{{3600.0, 3600}, {int64(60), 60}} {
		if err := orNil(&seconds, &floats{}).Scan(c.src); err != nil {
			t.Fatalf("seconds from %T: %v", c.src, err)
		}
		if seconds == nil || *seconds != c.want {
			t.Errorf("seconds from %T %v = %v, want %v", c.src, c.src, seconds, c.want)
		}
	}
	if err := orNil(&seconds, &floats{}).Scan(nil); err != nil || seconds != nil {
		t.Errorf("seconds from NULL = %v (error %v), want nil", seconds, err)
	}
	// Each row gets its own value: the previous row's must not change.
	var first *float64
	var durations floats
	orNil(&first, &durations).Scan(1.0)
	kept := first
	orNil(&first, &durations).Scan(2.0)
	if *kept != 1 {
		t.Errorf("scanning the next row changed the previous row's value to %v", *kept)
	}
}
