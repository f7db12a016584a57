package gitlab

import (
	"context"
	"sync"
)

// compareParallel is how many compares of one batch are in flight at once: a first collection
// asks for one per deployment, and GitLab answers each with the diffs as well.
const compareParallel = 4

// prefetch asks, a few at a time, for the compares that storing ls in order will need, so that
// storing them then finds every range at hand. It plans on a copy of the orderings exactly as
// ship will place the deployments, so it asks for nothing ship would not.
func (p *projectSync) prefetch(ctx context.Context, ls []listed) error {
	o := p.successes.clone()
	seen := map[string]bool{}
	var pairs [][2]string
	for _, l := range ls {
		for _, d := range p.place(o, l.dep) {
			prev, ok := o.previous(d)
			if !ok || prev.SHA == d.SHA {
				continue
			}
			key := rangeKey(prev.SHA, d.SHA)
			if _, ok := p.ranges[key]; ok || seen[key] {
				continue
			}
			seen[key] = true
			pairs = append(pairs, [2]string{prev.SHA, d.SHA})
		}
	}
	if len(pairs) < 2 {
		return nil // nothing to overlap
	}
	results := make([]fetchedRange, len(pairs))
	errs := make([]error, len(pairs))
	sem := make(chan struct{}, compareParallel)
	var wg sync.WaitGroup
	for i, pair := range pairs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			results[i], errs[i] = p.fetchRange(ctx, pair[0], pair[1])
		}()
	}
	wg.Wait()
	for i, pair := range pairs {
		if errs[i] != nil {
			return errs[i]
		}
		p.fetched[rangeKey(pair[0], pair[1])] = results[i]
	}
	return nil
}
