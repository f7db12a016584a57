package opsgenie_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/opsgenie"
)

// The sources.opsgenie keys of dorareport.yaml map one to one onto Config: base_url to
// BaseURL (empty: the US region; opsgenie.EUBaseURL for the EU one), token_env to TokenEnv
// (whose value is the Token), services (tag: service) to Services.
func ExampleNew() {
	ctx := context.Background()
	db, err := dora.Open(ctx, "dora.duckdb")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer db.Close()
	src := opsgenie.New(opsgenie.Config{
		BaseURL:  opsgenie.EUBaseURL,
		Token:    os.Getenv("OPSGENIE_TOKEN"),
		TokenEnv: "OPSGENIE_TOKEN",
		Services: map[string]string{"checkout": "checkout-api"},
	})
	if err := src.Collect(ctx, db); err != nil {
		fmt.Fprintln(os.Stderr, err) // errors.Is(err, dora.ErrAuth): exit code 4
	}
}
