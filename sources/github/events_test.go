package github_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// importEvents writes event lines the way an import of them would, through the dora types whose
// JSON is the event format.
func importEvents(t *testing.T, db *dora.DB, lines []byte) {
	t.Helper()
	err := db.Write(context.Background(), func(w *dora.Writer) error {
		sc := bufio.NewScanner(bytes.NewReader(lines))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var kind struct{ Kind string }
			if err := json.Unmarshal(sc.Bytes(), &kind); err != nil {
				return err
			}
			var err error
			switch kind.Kind {
			case "deployment":
				var d dora.Deployment
				if err = json.Unmarshal(sc.Bytes(), &d); err == nil {
					err = w.Deployment(d)
				}
			case "commit":
				var c dora.Commit
				if err = json.Unmarshal(sc.Bytes(), &c); err == nil {
					err = w.Commit(c)
				}
			case "pull_request":
				var p dora.PullRequest
				if err = json.Unmarshal(sc.Bytes(), &p); err == nil {
					err = w.PullRequest(p)
				}
			case "incident":
				var i dora.Incident
				if err = json.Unmarshal(sc.Bytes(), &i); err == nil {
					err = w.Incident(i)
				}
			}
			if err != nil {
				return err
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCollectedMetricsEqualImportedEvents collects repositories from the fake and compares the
// metrics with those of the same events, worked out from the repositories alone and imported.
func TestCollectedMetricsEqualImportedEvents(t *testing.T) {
	repos := []*githubtest.Repo{handmade(), githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 80, Commits: 900, Pulls: 60, Incidents: 6, Start: t0})}
	f := newFake(t, repos...)
	collected := openDB(t)
	collect(t, context.Background(), source(f, "acme/api", "acme/web"), collected)
	imported := openDB(t)
	for _, r := range repos {
		importEvents(t, imported, r.Events())
	}
	for _, q := range []dora.Query{
		{Since: t0.AddDate(0, 0, -7), Until: t0.AddDate(0, 0, 60), By: dora.ByService, Interval: dora.Week},
		{Since: t0.AddDate(0, 0, 10), Until: t0.AddDate(0, 0, 20), By: dora.ByEnvironment},
	} {
		want, got := metricsJSON(t, imported, q), metricsJSON(t, collected, q)
		if got != want {
			t.Errorf("%s..%s by %s: collected metrics differ from the imported events:\n%s", q.Since.Format(time.DateOnly), q.Until.Format(time.DateOnly), q.By, diff(want, got))
		}
	}
	var m struct{ Overall map[string]any }
	json.Unmarshal([]byte(metricsJSON(t, collected, dora.Query{Since: t0.AddDate(0, 0, -7), Until: t0.AddDate(0, 0, 60)})), &m)
	if len(m.Overall) == 0 {
		t.Fatal("no metrics computed")
	}
}

func metricsJSON(t *testing.T, db *dora.DB, q dora.Query) string {
	t.Helper()
	m, err := db.Metrics(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
