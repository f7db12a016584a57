package dora

import (
	"context"
	"fmt"
)

// Compare computes what a periodic report shows: the metrics of q's window with the series of
// q.Interval keyed "all", the groups of each dimension in groupings (and of q.By when set), and
// the same metrics and groups for the window of the same length just before (without series),
// for deltas. Team groups are left out when no service has a team. Each window is prepared
// once for all its groupings, which costs less than a Metrics call for each.
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

// withGroups computes the metrics of q and the groups of each dimension in groupings, in one
// analysis of q's window.
func (db *DB) withGroups(ctx context.Context, q Query, groupings []Dimension) (*Metrics, error) {
	var m *Metrics
	err := db.analyse(ctx, q, func(a *analysis) error {
		var err error
		if m, err = a.metrics(ctx); err != nil {
			return err
		}
		seen := map[Dimension]bool{}
		for _, by := range groupings {
			if seen[by] {
				continue
			}
			seen[by] = true
			if err := a.regroup(ctx, by, ""); err != nil {
				return err
			}
			g, err := a.metrics(ctx)
			if err != nil {
				return err
			}
			if by == ByTeam && len(g.Groups) == 1 && g.Groups[0].Key == "unassigned" {
				continue
			}
			m.Groups = append(m.Groups, g.Groups...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compute metrics: %w", err)
	}
	return m, nil
}
