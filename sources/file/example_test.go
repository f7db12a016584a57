package file_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/file"
)

func ExampleImport() {
	ctx := context.Background()
	db, err := dora.Open(ctx, "") // in memory
	if err != nil {
		panic(err)
	}
	defer db.Close()

	events := `{"kind":"deployment","id":"d-1","service":"api","environment":"production","status":"success","sha":"9f2c41e","finished_at":"2024-03-04T10:06:00Z","commits":["9f2c41e"]}
{"kind":"commit","repo":"acme/api","sha":"9f2c41e","authored_at":"2024-03-01T09:00:00Z"}
`
	counts, err := file.Import(ctx, db, "events.jsonl", strings.NewReader(events), file.Options{})
	fmt.Printf("%+v %v\n", counts, err)

	bad := `{"kind":"incident","id":"inc-1","started_at":"2024-03-04 11:00"}`
	_, err = file.Import(ctx, db, "incidents.jsonl", strings.NewReader(bad), file.Options{})
	fmt.Println(err)
	fmt.Println(errors.Is(err, dora.ErrInvalid))
	// Output:
	// {Deployments:1 Commits:1 PullRequests:0 Incidents:0} <nil>
	// incidents.jsonl:1: invalid record: started_at: "2024-03-04 11:00" is not an RFC 3339 time (like 2024-03-04T10:00:00Z)
	// true
}
