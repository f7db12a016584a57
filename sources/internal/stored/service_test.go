package stored_test

import (
	"context"
	"testing"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/stored"
)

func TestServiceOfFollowsTheWarehouseRule(t *testing.T) {
	db := openDB(t)
	err := db.SetServices(context.Background(), []dora.Service{
		{Name: "api", Repos: []string{"acme/api", "acme/platform"}},
		{Name: "web", Repos: []string{"acme/platform"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for repo, want := range map[string]string{
		"acme/api":      "api",           // listed by one service
		"acme/platform": "acme/platform", // shared by two: the repository itself, as in the warehouse
		"acme/other":    "acme/other",    // listed by none
	} {
		got, err := stored.ServiceOf(context.Background(), db, repo)
		if err != nil || got != want {
			t.Errorf("ServiceOf(%s) = %q, %v; want %q", repo, got, err, want)
		}
	}
}
