package file_test

import (
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/file"
)

var printScenarios = flag.Bool("print-scenarios", false, "print the metrics each scenario computes")

// scenarioQuery is query.json of a scenario.
type scenarioQuery struct {
	Since     time.Time      `json:"since"`
	Until     time.Time      `json:"until"`
	By        dora.Dimension `json:"by"`
	Interval  dora.Interval  `json:"interval"`
	MinSample int            `json:"min_sample"`
}

// TestScenarios imports each hand-computed scenario of testdata/scenarios (events.jsonl), twice,
// and compares the metrics with its expected.json, written by hand from the definitions.
func TestScenarios(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/scenarios/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var q scenarioQuery
			readJSON(t, filepath.Join(dir, "query.json"), &q)
			ctx := context.Background()
			db, err := dora.Open(ctx, filepath.Join(t.TempDir(), "scenario.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			query := dora.Query{Since: q.Since, Until: q.Until, By: q.By, Interval: q.Interval, Definitions: dora.Definitions{MinSample: q.MinSample}}
			var first []byte
			for range 2 { // importing the same file again must change nothing
				if _, err := file.ImportPath(ctx, db, filepath.Join(dir, "events.jsonl"), file.Options{}); err != nil {
					t.Fatal(err)
				}
				m, err := db.Metrics(ctx, query)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := json.MarshalIndent(m, "", "  ")
				if first != nil && string(got) != string(first) {
					t.Fatal("the metrics changed when the same events were imported again")
				}
				first = got
			}
			if *printScenarios {
				t.Logf("%s", first)
			}
			var got, want any
			json.Unmarshal(first, &got)
			readJSON(t, filepath.Join(dir, "expected.json"), &want)
			compareJSON(t, "", got, want)
		})
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// compareJSON reports every field of want that got lacks or disagrees with (numbers to 1e-9
// relative); fields of got that want does not name are not checked.
func compareJSON(t *testing.T, path string, got, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %v, want an object", path, got)
			return
		}
		for k, wv := range w {
			compareJSON(t, path+"."+k, g[k], wv)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %d items", path, got, len(w))
			return
		}
		for i := range w {
			compareJSON(t, path+"["+string(rune('0'+i))+"]", g[i], w[i])
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	default:
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
}
