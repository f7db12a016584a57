package dora_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// Compare answers every grouping of a window from one analysis, deriving again only the tables
// that depend on the grouping and the series interval. Each of its answers must equal the
// metrics of the same grouping computed alone: a table left out of that re-derivation would
// carry the groups or periods of the grouping before it.
func TestCompareEqualsEachGroupingComputedAlone(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, "")
	q := dora.Query{Since: demoEnd.AddDate(0, 0, -7*13), Until: demoEnd, Interval: dora.Week}
	groupings := []dora.Dimension{dora.ByService, dora.ByTeam, dora.ByRepo, dora.ByEnvironment}
	cur, prev, err := db.Compare(ctx, q, groupings...)
	if err != nil {
		t.Fatal(err)
	}
	previous := q
	previous.Since, previous.Until, previous.Interval = q.Since.Add(-q.Until.Sub(q.Since)), q.Since, ""
	for _, c := range []struct {
		name string
		got  *dora.Metrics
		q    dora.Query
	}{{"current window", cur, q}, {"previous window", prev, previous}} {
		alone, err := db.Metrics(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.got.Overall, alone.Overall) {
			t.Errorf("%s: the overall values differ from those computed alone", c.name)
		}
		if !reflect.DeepEqual(c.got.Series, alone.Series) {
			t.Errorf("%s: the series differs from the one computed alone", c.name)
		}
		var groups []dora.Group
		for _, by := range groupings {
			gq := c.q
			gq.By, gq.Interval = by, ""
			g, err := db.Metrics(ctx, gq)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Groups) < 2 {
				t.Fatalf("%s: %d groups by %s; the demo organisation should have several", c.name, len(g.Groups), by)
			}
			groups = append(groups, g.Groups...)
		}
		if len(c.got.Groups) != len(groups) {
			t.Fatalf("%s: %d groups, %d computed alone", c.name, len(c.got.Groups), len(groups))
		}
		for i := range groups {
			if !reflect.DeepEqual(c.got.Groups[i], groups[i]) {
				t.Errorf("%s: group %s:%s differs from the one computed alone", c.name, groups[i].By, groups[i].Key)
			}
		}
	}
}

// An analysis regrouped from any grouping and series interval to any other answers as one
// prepared for the second, whether it derives everything or reads what Index stored.
func TestRegroupedMetricsEqualMetricsComputedAlone(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, "")
	q := dora.Query{Since: demoEnd.AddDate(0, 0, -7*13), Until: demoEnd}
	var steps []dora.Query
	for _, s := range []struct {
		by       dora.Dimension
		interval dora.Interval
	}{
		{"", ""}, {"", dora.Week}, {dora.ByService, ""}, {dora.ByTeam, dora.Month}, {"", ""},
		{dora.ByRepo, dora.Week}, {dora.ByEnvironment, dora.Month}, {dora.ByService, dora.Week},
	} {
		step := q
		step.By, step.Interval = s.by, s.interval
		steps = append(steps, step)
	}
	for _, indexed := range []bool{false, true} {
		if indexed {
			if _, err := db.Index(ctx, q.Definitions); err != nil {
				t.Fatal(err)
			}
		}
		regrouped, err := db.MetricsRegrouped(ctx, q, steps)
		if err != nil {
			t.Fatal(err)
		}
		for i, step := range steps {
			alone, err := db.Metrics(ctx, step)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(regrouped[i], alone) {
				t.Errorf("indexed %v, step %d, by %q and interval %q: the metrics differ from those computed alone", indexed, i, step.By, step.Interval)
			}
		}
	}
}
