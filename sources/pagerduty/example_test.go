package pagerduty_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/pagerduty"
)

// The sources.pagerduty keys of dorareport.yaml map one to one onto Config: base_url to
// BaseURL, token_env to TokenEnv (whose value is the Token), services to Services.
func ExampleNew() {
	ctx := context.Background()
	db, err := dora.Open(ctx, "dora.duckdb")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer db.Close()
	src := pagerduty.New(pagerduty.Config{
		Token:    os.Getenv("PAGERDUTY_TOKEN"),
		TokenEnv: "PAGERDUTY_TOKEN",
		Services: map[string]string{"PABC123": "api"},
	})
	if err := src.Collect(ctx, db); err != nil {
		fmt.Fprintln(os.Stderr, err) // errors.Is(err, dora.ErrAuth): exit code 4
	}
}
