package dora

import (
	"context"
	"fmt"
)

// Compare computes what a periodic report shows: the metrics of q's window with the series of
// q.Interval keyed "all", the groups of each dimension in groupings (and of q.By when set), and
// the same metrics and groups for the window of the same length just before (without series),
// for deltas. Team groups are left out when no service has a team.
func (db *DB) Compare(ctx context.Context, q Query, groupings ...Dimension) (current, previous *Metrics, err error) {
	if q.By != "" {
		groupings = append([]Dimension{q.By}, groupings...)
	}
	q.By = ""
	if current, err = db.withGroups(ctx, q, groupings); err != nil {
		return nil, nil, err
	}
	length := q.Until.Sub(q.Since)
	pq := q
	pq.Since, pq.Until, pq.Interval = q.Since.Add(-length), q.Since, ""
	if previous, err = db.withGroups(ctx, pq, groupings); err != nil {
		return nil, nil, fmt.Errorf("the previous window: %w", err)
	}
	return current, previous, nil
}

func (db *DB) withGroups(ctx context.Context, q Query, groupings []Dimension) (*Metrics, error) {
	m, err := db.Metrics(ctx, q)
	if err != nil {
		return nil, err
	}
	seen := map[Dimension]bool{}
	for _, by := range groupings {
		if seen[by] {
			continue
		}
		seen[by] = true
		gq := q
		gq.By, gq.Interval = by, ""
		g, err := db.Metrics(ctx, gq)
		if err != nil {
			return nil, err
		}
		if by == ByTeam && len(g.Groups) == 1 && g.Groups[0].Key == "unassigned" {
			continue
		}
		m.Groups = append(m.Groups, g.Groups...)
	}
	return m, nil
}
