package report

import (
	"context"
	"testing"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
)

// demoInput computes a report input from the synthetic demo organisation, the way the CLI does:
// the organisation's weekly series and groups by service and by team, for the last 13 weeks and
// the 13 before them.
func demoInput(t *testing.T) Input {
	t.Helper()
	ctx := context.Background()
	db, err := dora.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	end := day("2026-11-30")
	org := doratest.DemoOrg(end)
	if err := db.SetServices(ctx, doratest.Services(org)); err != nil {
		t.Fatal(err)
	}
	if _, err := doratest.Generate(ctx, db, org); err != nil {
		t.Fatal(err)
	}
	since := end.AddDate(0, 0, -7*13)
	cur, prev, err := db.Compare(ctx, dora.Query{Since: since, Until: end, Interval: dora.Week}, dora.ByService, dora.ByTeam)
	if err != nil {
		t.Fatal(err)
	}
	details, err := db.Details(ctx, dora.Query{Since: since, Until: end})
	if err != nil {
		t.Fatal(err)
	}
	return Input{Title: "Demo organisation", Current: cur, Previous: prev, Details: details, GeneratedAt: end}
}

func TestDemoReport(t *testing.T) {
	in := demoInput(t)
	if len(in.Current.Groups) == 0 || len(in.Details.FailedDeployments) == 0 {
		t.Fatalf("the demo organisation gave no groups or no failed deployments; the report would show little")
	}
	a, b := render(t, htmlOf, in), render(t, htmlOf, in)
	if string(a) != string(b) {
		t.Errorf("the demo report is not reproducible\n%s", firstDifference(a, b))
	}
	if err := Markdown(&countingWriter{}, in); err != nil {
		t.Fatal(err)
	}
}
