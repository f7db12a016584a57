package gitlabtest

import "container/heap"

// graph answers compares the way git does: the commits reachable from one sha and not from
// another, newest first, found by painting both sides down from the tips (as git's merge-base
// walk does) so that a compare of neighbours does not walk the whole history.
type graph struct {
	commits []Commit
	index   map[string]int // position in commits: parents come first
}

func newGraph(commits []Commit) *graph {
	g := &graph{commits: commits, index: make(map[string]int, len(commits))}
	for i, c := range commits {
		g.index[c.SHA] = i
	}
	return g
}

func (g *graph) has(sha string) bool { _, ok := g.index[sha]; return ok }

const (
	fromSide = 1 << iota
	toSide
)

// only returns the commits reachable from to and not from from, as GitLab's compare lists
// them: oldest first.
func (g *graph) only(to, from string) []string {
	paint := map[int]int{}
	q := &maxHeap{}
	push := func(i, side int) {
		if paint[i]&side == side {
			return
		}
		if paint[i] == 0 {
			heap.Push(q, i)
		}
		paint[i] |= side
	}
	push(g.index[to], toSide)
	push(g.index[from], fromSide)
	var out []int
	for q.Len() > 0 {
		if g.onlyBoth(q, paint) {
			break
		}
		i := heap.Pop(q).(int)
		side := paint[i]
		if side == toSide {
			out = append(out, i)
		}
		for _, parent := range g.commits[i].Parents {
			if j, ok := g.index[parent]; ok {
				before := paint[j]
				paint[j] |= side
				if before == 0 {
					heap.Push(q, j)
				}
			}
		}
	}
	shas := make([]string, len(out))
	for k, i := range out {
		shas[len(out)-1-k] = g.commits[i].SHA
	}
	return shas
}

// onlyBoth reports whether every queued commit is reachable from both sides: nothing below them
// can be reachable from to alone.
func (g *graph) onlyBoth(q *maxHeap, paint map[int]int) bool {
	for _, i := range *q {
		if paint[i] != fromSide|toSide {
			return false
		}
	}
	return true
}

type maxHeap []int

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(a, b int) bool { return h[a] > h[b] }
func (h maxHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Compare returns what GitLab's compare from...to lists: the shas reachable from to and not
// from from, oldest first.
func (p *Project) Compare(from, to string) []string { return newGraph(p.Commits).only(to, from) }
