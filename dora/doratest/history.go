package doratest

import (
	"slices"
	"strconv"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// A work item is one change reaching the main line: a merged pull request or a direct push.
type work struct {
	service *service
	at      time.Time // merged or pushed
	kind    workKind
	reverts *work  // for a revert: the change it undoes
	title   string // of the pull request, once built
}

type workKind uint8

const (
	pullRequest workKind = iota
	directPush
	hotfixPR
	revertPR
)

// history is the first-parent main line of one repository, in commit order.
type history struct {
	sha    []string
	at     []time.Time
	branch [][]string // for a merge commit: the merged branch's commits, oldest first
}

func (h *history) add(sha string, at time.Time, branch []string) {
	h.sha = append(h.sha, sha)
	h.at = append(h.at, at)
	h.branch = append(h.branch, branch)
}

// headAt is the main-line commit that was the head just before t.
func (h *history) headAt(t time.Time) int {
	i, _ := slices.BinarySearchFunc(h.at, t, func(a, b time.Time) int {
		if a.Before(b) {
			return -1
		}
		return 1
	})
	return max(i-1, 0)
}

// between lists what a deployment of head i+…+j ships after one of i, as a compare of the two
// would: every commit reachable from j and not from i, oldest first. A head that is not ahead
// (a rollback, a redeploy) ships nothing.
func (h *history) between(i, j int) []string {
	if j <= i {
		return []string{}
	}
	n := 0
	for k := i + 1; k <= j; k++ {
		n += 1 + len(h.branch[k])
	}
	out := make([]string, 0, n)
	for k := i + 1; k <= j; k++ {
		out = append(append(out, h.branch[k]...), h.sha[k])
	}
	return out
}

// sink receives the generated records; *dora.Writer is one.
type sink interface {
	Deployment(dora.Deployment) error
	Commit(dora.Commit) error
	PullRequest(dora.PullRequest) error
	Incident(dora.Incident) error
	Service(dora.Service) error
}

// builder writes the main line of one repository from its work items.
type builder struct {
	o        *Org
	g        *rng
	r        *repo
	out      sink
	h        history
	squash   bool
	monorepo bool
	pr       int64
}

// build writes the repository's commits and pull requests; works must be in time order.
func (b *builder) build(works []*work) error {
	root := b.g.sha()
	rootAt := b.o.Start.AddDate(0, -3, 0)
	if err := b.out.Commit(dora.Commit{Repo: b.r.name, SHA: root, Parents: []string{}, AuthoredAt: rootAt, CommittedAt: rootAt}); err != nil {
		return err
	}
	b.h.add(root, rootAt, nil)
	for _, w := range works {
		var err error
		if w.kind == directPush {
			err = b.push(w)
		} else {
			err = b.pullRequest(w)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) serviceOf(w *work) string {
	if b.monorepo {
		return w.service.name
	}
	return ""
}

func (b *builder) push(w *work) error {
	sha := b.g.sha()
	authored := w.at.Add(-b.g.lognormal(20*time.Minute, 0.8, time.Minute, 6*time.Hour))
	err := b.out.Commit(dora.Commit{Repo: b.r.name, SHA: sha, Parents: []string{b.h.sha[len(b.h.sha)-1]},
		AuthoredAt: authored, CommittedAt: w.at, Service: b.serviceOf(w)})
	b.h.add(sha, w.at, nil)
	return err
}

// pullRequest writes the branch of a pull request, its squash or merge commit on the main
// line and the pull request itself.
func (b *builder) pullRequest(w *work) error {
	g := b.g
	b.pr += 1 + int64(g.IntN(3)) // issues share the numbering
	number := b.pr
	var labels []string
	var review, coding time.Duration
	commits := 1
	switch w.kind {
	case hotfixPR:
		w.title = "hotfix: " + oneOf(g, hotfixTitles)
		labels = []string{"hotfix"}
		review = g.lognormal(15*time.Minute, 0.5, 2*time.Minute, 2*time.Hour)
		coding = g.lognormal(25*time.Minute, 0.5, 2*time.Minute, 3*time.Hour)
		commits += g.IntN(2)
	case revertPR:
		if w.reverts != nil {
			w.title = `Revert "` + w.reverts.title + `"`
		} else {
			w.title = `Revert "` + prTitle(g, w.service) + `"`
		}
		review = g.lognormal(10*time.Minute, 0.5, time.Minute, time.Hour)
		coding = time.Minute
	default:
		w.title = prTitle(g, w.service)
		if g.chance(0.4) {
			labels = []string{oneOf(g, prLabels)}
		}
		review = g.lognormal(3*time.Hour, 1.3, 5*time.Minute, 21*24*time.Hour)
		coding = g.lognormal(20*time.Hour, 1.1, 10*time.Minute, 30*24*time.Hour)
		commits += g.poisson(b.o.CommitsPerPR - 1)
	}
	// The timeline is laid out backwards from the merge; a review shorter than the gap to the
	// previous main-line commit is fine, branches overlap.
	created := w.at.Add(-review).Truncate(time.Second)
	first := created.Add(-coding).Truncate(time.Second)
	authored := make([]time.Time, commits)
	authored[0] = first
	for i := 1; i < commits; i++ {
		authored[i] = first.Add(g.between(0, w.at.Add(-2*time.Minute).Sub(first))).Truncate(time.Second)
	}
	slices.SortFunc(authored, func(a, c time.Time) int { return a.Compare(c) })

	head := len(b.h.sha) - 1
	parent := b.h.sha[b.h.headAt(first)]
	branch := make([]string, commits)
	service := b.serviceOf(w)
	for i, at := range authored {
		committed := at.Add(b.g.between(0, 2*time.Minute))
		if g.chance(0.2) && created.After(committed) { // rebased on the main line when the review started
			committed = created
		}
		branch[i] = g.sha()
		if err := b.out.Commit(dora.Commit{Repo: b.r.name, SHA: branch[i], Parents: []string{parent}, AuthoredAt: at,
			CommittedAt: committed, PullRequest: number, Service: service}); err != nil {
			return err
		}
		parent = branch[i]
	}
	merge := g.sha()
	parents := []string{b.h.sha[head]}
	var merged []string
	if !b.squash {
		parents = append(parents, parent)
		merged = branch
	}
	if err := b.out.Commit(dora.Commit{Repo: b.r.name, SHA: merge, Parents: parents, AuthoredAt: w.at, CommittedAt: w.at, Service: service}); err != nil {
		return err
	}
	b.h.add(merge, w.at, merged)
	return b.out.PullRequest(dora.PullRequest{Repo: b.r.name, Number: number, Title: w.title, Labels: labels,
		CreatedAt: created, MergedAt: w.at, MergeSHA: merge, FirstCommitAt: first,
		URL: "https://github.com/" + b.r.name + "/pull/" + strconv.FormatInt(number, 10)})
}
