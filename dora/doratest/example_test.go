package doratest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
)

func ExampleGenerate() {
	ctx := context.Background()
	db, err := dora.Open(ctx, "") // in memory
	if err != nil {
		panic(err)
	}
	defer db.Close()
	org := doratest.DemoOrg(time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC))
	stats, err := doratest.Generate(ctx, db, org)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d services, %d successful production deployments, %d commits\n",
		stats.Services, stats.ProductionDeployments, stats.Commits)
	// Output: 8 services, 2087 successful production deployments, 20342 commits
}
