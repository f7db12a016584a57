package stored

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dorareport/dorareport/dora"
)

// ServiceOf returns the service whose records of repo belong to, by the warehouse's own rule
// (dora/sql/prepare/02_deploys.sql): the one configured service that lists the repository, else
// the repository itself. Incidents collected from a repository then land in the same service as
// its deployments, also when several services share it (a monorepo).
func ServiceOf(ctx context.Context, db *dora.DB, repo string) (string, error) {
	var name sql.NullString
	err := db.SQL().QueryRowContext(ctx,
		`SELECT CASE WHEN count(*) = 1 THEN any_value(name) END FROM services WHERE list_contains(repos, ?)`, repo).Scan(&name)
	if err != nil {
		return "", fmt.Errorf("read services: %w", err)
	}
	if !name.Valid {
		return repo, nil
	}
	return name.String, nil
}
