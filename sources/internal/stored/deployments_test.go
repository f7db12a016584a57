package stored_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/batch"
	"github.com/dorareport/dorareport/sources/internal/stored"
)

func openDB(t *testing.T) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "warehouse.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func write(t *testing.T, db *dora.DB, ds ...dora.Deployment) {
	t.Helper()
	if err := db.Write(context.Background(), (&batch.Batch{Deployments: ds}).Store); err != nil {
		t.Fatal(err)
	}
}

func TestDeploymentsReadBackWhatWasWritten(t *testing.T) {
	db := openDB(t)
	cet := time.FixedZone("CET", 3600)
	t0 := time.Date(2024, 3, 4, 11, 0, 0, 0, cet)
	sha := func(c byte) string { return string(slices.Repeat([]byte{c}, 40)) }
	known := dora.Deployment{ID: "acme/api/deployments/1", Environment: "production", Status: dora.StatusSuccess, SHA: sha('a'),
		Repo: "acme/api", StartedAt: t0, FinishedAt: t0.Add(5 * time.Minute), Commits: []string{sha('b'), sha('a')},
		URL: "https://example.test/1", Source: "github"}
	empty := dora.Deployment{ID: "acme/api/deployments/2", Environment: "production", Status: dora.StatusSuccess, SHA: sha('a'),
		Repo: "acme/api", StartedAt: t0.Add(time.Hour), FinishedAt: t0.Add(time.Hour), Commits: []string{}, Source: "github"}
	unknown := dora.Deployment{ID: "acme/api/deployments/3", Environment: "staging", Status: dora.StatusInProgress, SHA: sha('c'),
		Repo: "acme/api", StartedAt: t0.Add(2 * time.Hour), Source: "github"}
	write(t, db, known, empty, unknown,
		dora.Deployment{ID: "acme/web/deployments/4", Environment: "production", Status: dora.StatusSuccess, SHA: sha('d'),
			Repo: "acme/web", StartedAt: t0, FinishedAt: t0, Source: "github"})

	got, err := stored.Deployments(context.Background(), db, "acme/api", "github")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*dora.Deployment{&known, &empty, &unknown} {
		d.StartedAt, d.FinishedAt = utc(d.StartedAt), utc(d.FinishedAt)
	}
	want := map[string]dora.Deployment{known.ID: known, empty.ID: empty, unknown.ID: unknown}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored deployments of acme/api:\n got %+v\nwant %+v", got, want)
	}
	if got[empty.ID].Commits == nil || got[unknown.ID].Commits != nil {
		t.Errorf("an empty range must stay empty and an unknown one nil; got %#v and %#v", got[empty.ID].Commits, got[unknown.ID].Commits)
	}
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func TestDeploymentsOfTheNamedSourcesOnly(t *testing.T) {
	db := openDB(t)
	t0 := time.Date(2024, 3, 4, 11, 0, 0, 0, time.UTC)
	dep := func(id, source, tier string) dora.Deployment {
		return dora.Deployment{ID: id, Environment: "prod", Tier: tier, Status: dora.StatusSuccess, SHA: "abc1234",
			Repo: "group/api", StartedAt: t0, FinishedAt: t0, Source: source}
	}
	write(t, db, dep("job", "gitlab", "production"), dep("api", "gitlab:updated_at", ""), dep("gh", "github", ""),
		dep("other", "gitlabx", ""), dep("file", "", ""))

	for _, tc := range []struct {
		name    string
		sources []string
		want    []string
	}{
		{"an exact source", []string{"github"}, []string{"gh"}},
		{"a source with its variants", []string{"gitlab", "gitlab:%"}, []string{"api", "job"}},
		{"a pattern does not reach a longer name", []string{"gitlab"}, []string{"job"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := stored.Deployments(context.Background(), db, "group/api", tc.sources...)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for id, d := range got {
				ids = append(ids, id)
				if d.Source == "" {
					t.Errorf("%s read back without its source", id)
				}
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tc.want) {
				t.Errorf("ids %v, want %v", ids, tc.want)
			}
		})
	}
	got, err := stored.Deployments(context.Background(), db, "group/api", "gitlab", "gitlab:%")
	if err != nil {
		t.Fatal(err)
	}
	if got["job"].Tier != dora.TierProduction || got["api"].Source != "gitlab:updated_at" {
		t.Errorf("tier and source read back as %q, %q", got["job"].Tier, got["api"].Source)
	}
}

func TestDeploymentsWithoutASourceIsAnError(t *testing.T) {
	if _, err := stored.Deployments(context.Background(), openDB(t), "acme/api"); err == nil {
		t.Error("no error without a source")
	}
}
