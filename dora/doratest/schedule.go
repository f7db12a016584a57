package doratest

import (
	"math"
	"slices"
	"time"
)

// A rollout puts one sha into every production environment of a service, one region after the
// other; it may be preceded by a staging deployment and a failed attempt.
type rollout struct {
	at        time.Time // the first production attempt starts
	kind      rolloutKind
	bad       bool // needs intervention: the next rollout remediates it
	incident  incidentKind
	staging   bool
	stagingAt time.Time
	failed    bool          // the first attempt fails (or is cancelled) and is retried
	dur       time.Duration // of each attempt
	works     []*work       // merged for this rollout, in time order
	head      int           // index of the deployed commit in the repository's main line
	ids       []string      // deployment ids of the successful records, one per region
}

type rolloutKind uint8

const (
	plannedRollout rolloutKind = iota
	rollbackRollout
	hotfixRollout
	revertRollout
	unplannedRollout
)

type incidentKind uint8

const (
	noIncident incidentKind = iota
	causedIncident
	windowIncident
)

// regionGap separates the rollout of one region from the next.
const regionGap = 12 * time.Minute

// retryGap is the pause between a failed attempt and its retry.
const retryGap = 3 * time.Minute

// successAt is when the successful attempt in region i starts.
func (r *rollout) successAt(i int) time.Time {
	t := r.at.Add(time.Duration(i) * regionGap)
	if r.failed {
		t = t.Add(r.dur/2 + retryGap)
	}
	return t
}

// lastFinish is when the rollout has reached every region.
func (r *rollout) lastFinish(regions int) time.Time { return r.successAt(regions - 1).Add(r.dur) }

// minGap is the least time between two planned rollouts of a service; a remediation lands
// at least half of it after the bad rollout, which leaves room for every region.
const minGap = 90 * time.Minute

// slots draws the start times of n planned rollouts of s in [start, end): working hours of the
// team's time zone, few at weekends and over the new year.
func slots(g *rng, s *service, n int, start, end time.Time) []time.Time {
	offset := s.team.offset
	firstDay := start.Add(offset).Truncate(24 * time.Hour)
	days := int(end.Add(offset).Sub(firstDay).Hours()/24) + 1
	cum := make([]float64, days)
	var sum float64
	for d := range days {
		sum += dayWeight(firstDay.AddDate(0, 0, d))
		cum[d] = sum
	}
	ts := make([]time.Time, 0, n)
	for tries := 0; len(ts) < n && tries < 4*n+16; tries++ {
		d, _ := slices.BinarySearch(cum, g.Float64()*sum)
		// Triangular over 09:00–18:00 local, busiest early afternoon.
		hour := 9 + 4.5*(g.Float64()+g.Float64())
		t := firstDay.AddDate(0, 0, d).Add(time.Duration(hour * float64(time.Hour))).Add(-offset).Truncate(time.Second)
		if !t.Before(start) && t.Before(end) {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	// Keep planned rollouts apart; the ones pushed past the end are dropped.
	out := ts[:0]
	for _, t := range ts {
		if len(out) > 0 && t.Before(out[len(out)-1].Add(minGap)) {
			t = out[len(out)-1].Add(minGap)
		}
		if t.Before(end) {
			out = append(out, t)
		}
	}
	return out
}

func dayWeight(day time.Time) float64 {
	w := [...]float64{time.Sunday: 0.03, time.Monday: 1, time.Tuesday: 1.05, time.Wednesday: 1, time.Thursday: 0.95, time.Friday: 0.6, time.Saturday: 0.05}[day.Weekday()]
	if (day.Month() == time.December && day.Day() >= 22) || (day.Month() == time.January && day.Day() <= 2) {
		w *= 0.3
	}
	return w
}

// schedule plans the rollouts of s and the changes each one ships.
func (o *Org) schedule(g *rng, s *service) []*rollout {
	weeks := o.End.Sub(o.Start).Hours() / (24 * 7)
	n := int(math.Round(o.DeploysPerServicePerWeek * s.team.pace * weeks / float64(len(s.environments))))
	times := slots(g, s, max(n, 1), o.Start, o.End)
	regions := len(s.environments)
	var rs []*rollout
	var prev *rollout
	for k, at := range times {
		r := &rollout{at: at, dur: g.between(3*time.Minute, 9*time.Minute)}
		r.failed = g.chance(o.FailedAttemptRate)
		remedy := -1
		if prev != nil && prev.bad {
			remedy = g.pick(o.RollbackRate, o.HotfixRate, o.RevertRate, o.UnplannedRate)
		}
		if remedy >= 0 {
			r.kind = rolloutKind(1 + remedy)
			// Remediation comes fast: tens of minutes to hours after the bad rollout.
			ready := prev.lastFinish(regions)
			r.at = ready.Add(g.lognormal(80*time.Minute, 0.6, 15*time.Minute, 8*time.Hour)).Truncate(time.Second)
			if k+1 < len(times) && r.at.After(ready.Add(times[k+1].Sub(ready)/2)) {
				r.at = ready.Add(times[k+1].Sub(ready) / 2).Truncate(time.Second)
			}
			r.failed = false
			o.remediationWork(g, s, r, prev, ready)
		} else {
			r.staging = g.chance(o.StagingRate)
			o.plannedWork(g, s, r, prev)
			r.bad = prev != nil && g.chance(o.BadDeployRate)
			if r.bad && g.chance(o.IncidentRate) {
				r.incident = causedIncident
				if g.chance(0.5) {
					r.incident = windowIncident
				}
			}
		}
		if !r.lastFinish(regions).Before(o.End) {
			break // nothing finishes after the end of the history
		}
		rs = append(rs, r)
		prev = r
	}
	return rs
}

// plannedWork draws the merges a planned rollout ships: after the previous rollout started and
// before this one (and its staging deployment) starts.
func (o *Org) plannedWork(g *rng, s *service, r, prev *rollout) {
	from := r.at.Add(-72 * time.Hour)
	if prev != nil && prev.at.After(from) {
		from = prev.at
	}
	until := r.at.Add(-30 * time.Minute)
	if until.Sub(from) < 20*time.Minute {
		until = r.at.Add(-5 * time.Minute)
	}
	from = from.Add(time.Minute)
	n := 1 + g.poisson(o.PullRequestsPerDeploy-1)
	r.works = make([]*work, n)
	for i := range r.works {
		w := &work{service: s, at: from.Add(g.between(0, until.Sub(from))).Truncate(time.Second)}
		if g.chance(o.DirectPushRate) {
			w.kind = directPush
		}
		r.works[i] = w
	}
	slices.SortFunc(r.works, func(a, b *work) int { return a.at.Compare(b.at) })
	last := r.works[len(r.works)-1].at
	r.stagingAt = last.Add(time.Duration(float64(r.at.Sub(last)) * (0.2 + 0.5*g.Float64()))).Truncate(time.Second)
}

// remediationWork draws the fix a remediation rollout ships, merged between the bad rollout
// and this one.
func (o *Org) remediationWork(g *rng, s *service, r, bad *rollout, ready time.Time) {
	at := r.at.Add(-g.between(2*time.Minute, r.at.Sub(ready)/2)).Truncate(time.Second)
	switch r.kind {
	case hotfixRollout:
		r.works = []*work{{service: s, at: at, kind: hotfixPR}}
	case revertRollout:
		w := &work{service: s, at: at, kind: revertPR}
		for _, b := range bad.works {
			if b.kind != directPush {
				w.reverts = b
				break
			}
		}
		r.works = []*work{w}
	case unplannedRollout:
		r.works = []*work{{service: s, at: at, kind: directPush}}
	}
}
