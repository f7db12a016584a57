package doratest

import (
	"context"

	"github.com/dorareport/dorareport/dora"
)

// A batch holds the records of one repository between the goroutine that generates them and
// the one that writes them, so generation overlaps with the warehouse's appends.
type batch struct {
	repo         *repo
	deployments  []dora.Deployment
	commits      []dora.Commit
	pullRequests []dora.PullRequest
	incidents    []dora.Incident
	services     []dora.Service
	err          error
}

func (b *batch) Deployment(d dora.Deployment) error {
	b.deployments = append(b.deployments, d)
	return nil
}

func (b *batch) Commit(c dora.Commit) error {
	b.commits = append(b.commits, c)
	return nil
}

func (b *batch) PullRequest(p dora.PullRequest) error {
	b.pullRequests = append(b.pullRequests, p)
	return nil
}

func (b *batch) Incident(i dora.Incident) error {
	b.incidents = append(b.incidents, i)
	return nil
}

func (b *batch) Service(s dora.Service) error {
	b.services = append(b.services, s)
	return nil
}

func (b *batch) reset(r *repo) {
	b.repo, b.err = r, nil
	b.deployments, b.commits, b.pullRequests = b.deployments[:0], b.commits[:0], b.pullRequests[:0]
	b.incidents, b.services = b.incidents[:0], b.services[:0]
}

// replay writes the batch to out.
func (b *batch) replay(out sink) error {
	for _, s := range b.services {
		if err := out.Service(s); err != nil {
			return err
		}
	}
	for _, c := range b.commits {
		if err := out.Commit(c); err != nil {
			return err
		}
	}
	for _, p := range b.pullRequests {
		if err := out.PullRequest(p); err != nil {
			return err
		}
	}
	for _, d := range b.deployments {
		if err := out.Deployment(d); err != nil {
			return err
		}
	}
	for _, i := range b.incidents {
		if err := out.Incident(i); err != nil {
			return err
		}
	}
	return nil
}

// inFlight bounds the batches generated ahead of the writer, and so the memory.
const inFlight = 4

// produce generates the repositories in order on its own goroutine. The returned channel
// closes after the last batch or when ctx is done; every batch received must be handed back
// on free.
func (o *Org) produce(ctx context.Context, repos []*repo) (batches <-chan *batch, free chan<- *batch) {
	out := make(chan *batch, inFlight)
	pool := make(chan *batch, inFlight+1)
	for range inFlight + 1 {
		pool <- &batch{}
	}
	go func() {
		defer close(out)
		for _, r := range repos {
			var b *batch
			select {
			case b = <-pool:
			case <-ctx.Done():
				return
			}
			b.reset(r)
			b.err = o.generateRepo(b, r)
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, pool
}
