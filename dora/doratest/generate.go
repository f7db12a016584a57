package doratest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// Stats counts the records Generate wrote.
type Stats struct {
	Deployments           int // every attempt, in every environment
	ProductionDeployments int // successful production deployments
	Commits               int
	PullRequests          int
	Incidents             int
	Services              int
}

// Rows is the number of records written.
func (s Stats) Rows() int {
	return s.Deployments + s.Commits + s.PullRequests + s.Incidents + s.Services
}

func (s *Stats) add(t Stats) {
	s.Deployments += t.Deployments
	s.ProductionDeployments += t.ProductionDeployments
	s.Commits += t.Commits
	s.PullRequests += t.PullRequests
	s.Incidents += t.Incidents
	s.Services += t.Services
}

// Generate writes the history of org into db, one repository after the other, committing a
// transaction about every org.ChunkDeployments deployments, so memory stays bounded whatever
// the size. The same org always writes the same rows.
func Generate(ctx context.Context, db *dora.DB, org Org) (Stats, error) {
	o := org.withDefaults()
	if !o.End.After(o.Start) {
		return Stats{}, fmt.Errorf("generate: %w: end %s is not after start %s", dora.ErrInvalid, o.End.Format(time.RFC3339), o.Start.Format(time.RFC3339))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the producer when writing fails
	batches, free := o.produce(ctx, o.layout())
	var total Stats
	for more := true; more; {
		var chunk Stats
		err := db.Write(ctx, func(w *dora.Writer) error {
			out := &counter{sink: w, stats: &chunk}
			for chunk.Deployments < o.ChunkDeployments {
				b, ok := <-batches
				if !ok {
					more = false
					return ctx.Err()
				}
				err := b.err
				if err == nil {
					err = b.replay(out)
				}
				if err != nil {
					return fmt.Errorf("generate %s: %w", b.repo.name, err)
				}
				free <- b
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total.add(chunk)
	}
	return total, nil
}

// counter counts what passes to the sink.
type counter struct {
	sink
	stats *Stats
}

func (c *counter) Deployment(d dora.Deployment) error {
	c.stats.Deployments++
	if d.Status == dora.StatusSuccess && d.Environment != "staging" {
		c.stats.ProductionDeployments++
	}
	return c.sink.Deployment(d)
}

func (c *counter) Commit(x dora.Commit) error {
	c.stats.Commits++
	return c.sink.Commit(x)
}

func (c *counter) PullRequest(p dora.PullRequest) error {
	c.stats.PullRequests++
	return c.sink.PullRequest(p)
}

func (c *counter) Incident(i dora.Incident) error {
	c.stats.Incidents++
	return c.sink.Incident(i)
}

func (c *counter) Service(s dora.Service) error {
	c.stats.Services++
	return c.sink.Service(s)
}

// generateRepo writes one repository: its services, their rollouts, the main line the rollouts
// deploy, and the incidents.
func (o *Org) generateRepo(out sink, r *repo) error {
	g := newRNG(o.Seed, r.index)
	plans := make([][]*rollout, len(r.services))
	var works []*work
	for i, s := range r.services {
		if err := out.Service(dora.Service{Name: s.name, Team: s.team.name, Repos: []string{r.name}, Paths: s.paths}); err != nil {
			return err
		}
		plans[i] = o.schedule(g, s)
		for _, ro := range plans[i] {
			works = append(works, ro.works...)
		}
	}
	slices.SortStableFunc(works, func(a, b *work) int { return a.at.Compare(b.at) })
	b := &builder{o: o, g: g, r: r, out: out, squash: r.services[0].team.squash, monorepo: len(r.services) > 1}
	if err := b.build(works); err != nil {
		return err
	}
	ids := &ids{base: int64(r.index+1) * 100_000_000}
	for i, s := range r.services {
		if err := o.deployments(g, out, r, s, &b.h, plans[i], ids); err != nil {
			return err
		}
		if err := o.incidents(g, out, s, plans[i], ids); err != nil {
			return err
		}
	}
	return nil
}

// ids numbers the deployments and incidents of one repository.
type ids struct {
	base       int64
	deployment int64
	incident   int64
}

func (n *ids) nextDeployment() string {
	n.deployment++
	return strconv.FormatInt(n.base+n.deployment, 10)
}

func (n *ids) nextIncident() string {
	n.incident++
	return "Q" + strings.ToUpper(strconv.FormatInt(n.base+n.incident, 36))
}

// deployments writes the staging, failed and successful deployments of each rollout of s.
func (o *Org) deployments(g *rng, out sink, r *repo, s *service, h *history, plan []*rollout, n *ids) error {
	previous := map[string]int{} // environment -> head last deployed there
	shipped := func(env string, head int) []string {
		prev, seen := previous[env]
		previous[env] = head
		if !seen || g.chance(o.UnknownCommitsRate) {
			return nil // a first deployment, or a source that does not list commits
		}
		return h.between(prev, head)
	}
	deployment := func(env string, status dora.Status, sha string, started, finished time.Time) dora.Deployment {
		id := n.nextDeployment()
		return dora.Deployment{ID: id, Service: s.name, Environment: env, Status: status, SHA: sha, Repo: r.name,
			StartedAt: started, FinishedAt: finished, URL: "https://github.com/" + r.name + "/actions/runs/" + id, Source: "github"}
	}
	for k, ro := range plan {
		switch {
		case ro.kind == rollbackRollout:
			ro.head = plan[k-2].head
		case ro.staging:
			ro.head = h.headAt(ro.stagingAt)
		default:
			ro.head = h.headAt(ro.at)
		}
		sha := h.sha[ro.head]
		if ro.staging {
			d := deployment("staging", dora.StatusSuccess, sha, ro.stagingAt, ro.stagingAt.Add(ro.dur))
			d.Commits = shipped("staging", ro.head)
			if err := out.Deployment(d); err != nil {
				return err
			}
		}
		if ro.failed {
			status := dora.StatusFailure
			if g.chance(0.25) {
				status = dora.StatusCancelled
			}
			if err := out.Deployment(deployment(s.environments[0], status, sha, ro.at, ro.at.Add(ro.dur/2))); err != nil {
				return err
			}
		}
		ro.ids = make([]string, len(s.environments))
		for i, env := range s.environments {
			started := ro.successAt(i)
			d := deployment(env, dora.StatusSuccess, sha, started, started.Add(ro.dur))
			d.Commits = shipped(env, ro.head)
			d.Unplanned = ro.kind == unplannedRollout
			ro.ids[i] = d.ID
			if err := out.Deployment(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// incidents writes the incidents of s: the ones bad rollouts cause, named in caused_by or
// starting within the attribution window, and the ones in quiet stretches that no deployment
// caused.
func (o *Org) incidents(g *rng, out sink, s *service, plan []*rollout, n *ids) error {
	regions := len(s.environments)
	for k, ro := range plan {
		done := ro.lastFinish(regions)
		next := o.End
		if k+1 < len(plan) {
			next = plan[k+1].at
		}
		if ro.incident != noIncident && next.Sub(done) > 10*time.Minute {
			region := g.IntN(regions)
			i := o.incident(g, n, s, s.environments[region], done.Add(g.between(5*time.Minute, min(3*time.Hour, next.Sub(done)/2))))
			i.Title = strings.Replace(oneOf(g, incidentTitles), "%s", s.name, 1)
			i.Severity = severities[max(g.pick(0.05, 0.25, 0.5, 0.2), 0)]
			if ro.incident == causedIncident {
				i.CausedBy = ro.ids[region]
			}
			if !i.StartedAt.Before(o.End) {
				continue
			}
			if err := out.Incident(i); err != nil {
				return err
			}
		}
		if quiet := next.Sub(done) - 48*time.Hour; quiet > time.Hour && g.chance(o.QuietIncidentRate) {
			i := o.incident(g, n, s, s.environments[0], done.Add(48*time.Hour+g.between(30*time.Minute, quiet-30*time.Minute)))
			i.Title = strings.Replace(oneOf(g, quietIncidentTitles), "%s", s.name, 1)
			i.Severity = severities[2+g.IntN(2)]
			if !i.StartedAt.Before(o.End) {
				continue
			}
			if err := out.Incident(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// incident is an incident of s starting at start with a restore time of its own; one not
// restored by the end of the history, half of the last two weeks' and a few forgotten ones are
// still open.
func (o *Org) incident(g *rng, n *ids, s *service, env string, start time.Time) dora.Incident {
	start = start.Truncate(time.Second)
	id := n.nextIncident()
	resolved := start.Add(g.lognormal(90*time.Minute, 1.0, 5*time.Minute, 5*24*time.Hour)).Truncate(time.Second)
	if !resolved.Before(o.End) || (o.End.Sub(start) < 14*24*time.Hour && g.chance(0.5)) || g.chance(0.02) {
		resolved = time.Time{}
	}
	return dora.Incident{ID: id, Service: s.name, Environment: env, StartedAt: start, ResolvedAt: resolved,
		URL: "https://acme.pagerduty.com/incidents/" + id, Source: "pagerduty"}
}

func prTitle(g *rng, s *service) string {
	return oneOf(g, prVerbs) + " " + strings.Replace(oneOf(g, prObjects), "%s", s.name, 1)
}
