package dora_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// Write a deployment, the commits it shipped and an incident it caused, then compute the
// metrics of the week.
func Example() {
	ctx := context.Background()
	db, err := dora.Open(ctx, "") // in memory
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	monday := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	err = db.Write(ctx, func(w *dora.Writer) error {
		for _, c := range []dora.Commit{
			{Repo: "acme/api", SHA: "a1", AuthoredAt: monday.Add(2 * time.Hour)},
			{Repo: "acme/api", SHA: "b2", AuthoredAt: monday.Add(6 * time.Hour), Parents: []string{"a1"}},
		} {
			if err := w.Commit(c); err != nil {
				return err
			}
		}
		if err := w.Deployment(dora.Deployment{ID: "d-1", Service: "api", Repo: "acme/api", Environment: "production",
			Status: dora.StatusSuccess, SHA: "b2", FinishedAt: monday.Add(10 * time.Hour), Commits: []string{"a1", "b2"}}); err != nil {
			return err
		}
		return w.Incident(dora.Incident{ID: "inc-1", Service: "api", Title: "5xx spike",
			StartedAt: monday.Add(11 * time.Hour), ResolvedAt: monday.Add(11*time.Hour + 30*time.Minute)})
	})
	if err != nil {
		log.Fatal(err)
	}

	m, err := db.Metrics(ctx, dora.Query{Since: monday, Until: monday.AddDate(0, 0, 7)})
	if err != nil {
		log.Fatal(err)
	}
	v := m.Overall
	fmt.Printf("deployments: %d\n", v.DeploymentFrequency.Deployments)
	fmt.Printf("lead time: n=%d median=%.0fh\n", v.LeadTime.N, *v.LeadTime.Median/3600)
	fmt.Printf("change fail rate: %d of %d\n", v.ChangeFailureRate.Failed, v.ChangeFailureRate.Deployments)
	fmt.Printf("recovery: median=%.0fmin level=%s\n", *v.RecoveryTime.Median/60, v.RecoveryTime.Level)
	// Output:
	// deployments: 1
	// lead time: n=2 median=6h
	// change fail rate: 1 of 1
	// recovery: median=90min level=insufficient_data
}

// Definitions are switchable: the zero value means the defaults of docs/metrics.md, and a
// field that is set replaces its default only.
func ExampleDefinitions() {
	d := dora.Definitions{IncidentWindow: 24 * time.Hour}.WithDefaults()
	fmt.Println(d.IncidentWindow, d.LeadTimeStart, d.Benchmarks)
	fmt.Println(d.IsProduction("Prod-EU"), d.IsProduction("staging"))
	// Output:
	// 24h0m0s authored dora-2023
	// true false
}

// Each benchmark edition is a table of ladders; a value is classified on its own.
func ExampleLadder_Classify() {
	b, _ := dora.LookupBenchmark("dora-2023")
	fmt.Println(b.ChangeFailureRate.Classify(0.08))
	fmt.Println(b.LeadTime.Classify((36 * time.Hour).Seconds()))
	// Output:
	// high
	// high
}
