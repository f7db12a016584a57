package main

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/dorareport/dorareport/dora"
)

// servicesStored reports whether the warehouse holds exactly services, as SetServices would
// store them, so that a reader with a configuration need not open the database for writing.
func servicesStored(ctx context.Context, db *dora.DB, services []dora.Service) (bool, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT name, coalesce(team, ''), coalesce(to_json(repos)::VARCHAR, 'null'), coalesce(to_json(paths)::VARCHAR, 'null') FROM services`)
	if err != nil {
		return false, fmt.Errorf("read the stored services: %w", err)
	}
	defer rows.Close()
	var stored []dora.Service
	for rows.Next() {
		var s dora.Service
		var repos, paths string
		if err := rows.Scan(&s.Name, &s.Team, &repos, &paths); err != nil {
			return false, fmt.Errorf("read the stored services: %w", err)
		}
		if err := json.Unmarshal([]byte(repos), &s.Repos); err != nil {
			return false, fmt.Errorf("read the stored services: %w", err)
		}
		if err := json.Unmarshal([]byte(paths), &s.Paths); err != nil {
			return false, fmt.Errorf("read the stored services: %w", err)
		}
		stored = append(stored, s)
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read the stored services: %w", err)
	}
	byName := func(a, b dora.Service) int { return strings.Compare(a.Name, b.Name) }
	want := slices.SortedFunc(slices.Values(services), byName)
	slices.SortFunc(stored, byName)
	return reflect.DeepEqual(stored, want), nil
}
