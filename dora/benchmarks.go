package dora

import (
	"slices"
	"time"
)

// Level is a performance level of the DORA research.
type Level string

// The levels, best first. LevelInsufficient is given when a metric has fewer values than
// Definitions.MinSample: a level is never guessed from a handful of samples.
const (
	LevelElite        Level = "elite"
	LevelHigh         Level = "high"
	LevelMedium       Level = "medium"
	LevelLow          Level = "low"
	LevelInsufficient Level = "insufficient_data"
)

// A Ladder classifies one metric: Bounds[i] is the bound a value must meet to reach Levels[i];
// a value that meets none gets the last level. HigherIsBetter says which way "meet" points, and
// Inclusive whether the bound itself is met.
type Ladder struct {
	Levels         []Level   `json:"levels"`
	Bounds         []float64 `json:"bounds"`
	HigherIsBetter bool      `json:"higher_is_better"`
	Inclusive      bool      `json:"inclusive"`
}

// Classify returns the level of v.
func (l Ladder) Classify(v float64) Level {
	for i, b := range l.Bounds {
		var meets bool
		switch {
		case l.HigherIsBetter && l.Inclusive:
			meets = v >= b
		case l.HigherIsBetter:
			meets = v > b
		case l.Inclusive:
			meets = v <= b
		default:
			meets = v < b
		}
		if meets {
			return l.Levels[i]
		}
	}
	return l.Levels[len(l.Levels)-1]
}

// A Benchmark is one edition's thresholds for the four classified metrics.
type Benchmark struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// DeployDaysPerWeek ladders the median of deploy days per ISO week.
	DeployDaysPerWeek Ladder `json:"deploy_days_per_week"`
	LeadTime          Ladder `json:"lead_time_seconds"`     // median, seconds
	ChangeFailureRate Ladder `json:"change_failure_rate"`   // 0..1
	RecoveryTime      Ladder `json:"recovery_time_seconds"` // median, seconds
}

const (
	hour = float64(time.Hour / time.Second)
	day  = 24 * hour
)

var (
	fourLevels  = []Level{LevelElite, LevelHigh, LevelMedium, LevelLow}
	threeLevels = []Level{LevelElite, LevelHigh, LevelLow}
)

// benchmarkTables holds the editions of METRICS.md, made monotone the way Apache DevLake does.
var benchmarkTables = map[string]Benchmark{
	"dora-2023": {
		Name:              "dora-2023",
		Description:       "State of DevOps 2023 cluster medians",
		DeployDaysPerWeek: Ladder{Levels: fourLevels, Bounds: []float64{5, 1, 12.0 / 52}, HigherIsBetter: true, Inclusive: true},
		LeadTime:          Ladder{Levels: fourLevels, Bounds: []float64{day, 7 * day, 30 * day}},
		ChangeFailureRate: Ladder{Levels: fourLevels, Bounds: []float64{0.05, 0.10, 0.15}, Inclusive: true},
		RecoveryTime:      Ladder{Levels: fourLevels, Bounds: []float64{hour, day, 7 * day}},
	},
	"dora-2021": {
		Name:              "dora-2021",
		Description:       "State of DevOps 2021 clusters",
		DeployDaysPerWeek: Ladder{Levels: fourLevels, Bounds: []float64{5, 12.0 / 52, 2.0 / 52}, HigherIsBetter: true, Inclusive: true},
		LeadTime:          Ladder{Levels: fourLevels, Bounds: []float64{hour, 7 * day, 183 * day}},
		ChangeFailureRate: Ladder{Levels: threeLevels, Bounds: []float64{0.15, 0.30}, Inclusive: true},
		RecoveryTime:      Ladder{Levels: fourLevels, Bounds: []float64{hour, day, 7 * day}},
	},
}

// BenchmarkEditions lists the known benchmark editions, sorted.
func BenchmarkEditions() []string {
	names := make([]string, 0, len(benchmarkTables))
	for n := range benchmarkTables {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// LookupBenchmark returns the edition named name.
func LookupBenchmark(name string) (Benchmark, bool) {
	b, ok := benchmarkTables[name]
	return b, ok
}
