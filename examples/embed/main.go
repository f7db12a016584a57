// Command embed shows dorareport used as a library: it opens a warehouse, imports an event file
// and prints the metrics of the last 90 days by service.
//
//	go run ./examples/embed testdata/events/sample.jsonl
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/file"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: embed EVENTS.jsonl")
	}
	ctx := context.Background()
	db, err := dora.Open(ctx, "") // "" keeps the warehouse in memory; pass a path to keep it
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	counts, err := file.ImportPath(ctx, db, os.Args[1], file.Options{})
	if err != nil {
		log.Fatal(err) // a bad line reads FILE:LINE: reason, and nothing was written
	}
	fmt.Printf("imported %d deployments, %d commits, %d pull requests, %d incidents\n",
		counts.Deployments, counts.Commits, counts.PullRequests, counts.Incidents)

	// The sample's history is fixed in time; a real program would use time.Now().
	until := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	m, err := db.Metrics(ctx, dora.Query{Since: until.AddDate(0, 0, -90), Until: until, By: dora.ByService})
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range m.Groups {
		fmt.Printf("%-10s %3d deployments, lead time %s (n=%d), change fail rate %s (%d of %d)\n",
			g.Key, g.DeploymentFrequency.Deployments, hours(g.LeadTime.Median), g.LeadTime.N,
			percent(g.ChangeFailureRate.Rate), g.ChangeFailureRate.Failed, g.ChangeFailureRate.Deployments)
	}
}

// hours and percent print a missing value as such, never as a zero that looks like a result.
func hours(seconds *float64) string {
	if seconds == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1fh", *seconds/3600)
}

func percent(rate *float64) string {
	if rate == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", *rate*100)
}
