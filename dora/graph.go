package dora

import (
	"container/heap"
	"context"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// A commitGraph is the parent graph of one repository, with git's generation numbers
// (1 + the largest generation of the parents; 0 for a sha without a record).
type commitGraph struct {
	index   map[string]int32
	shas    []string
	parents [][]int32
	gen     []int32
}

func newCommitGraph() *commitGraph { return &commitGraph{index: map[string]int32{}} }

func (g *commitGraph) node(sha string) int32 {
	if i, ok := g.index[sha]; ok {
		return i
	}
	i := int32(len(g.shas))
	g.index[sha] = i
	g.shas = append(g.shas, sha)
	g.parents = append(g.parents, nil)
	return i
}

func (g *commitGraph) add(sha string, parents []string) {
	i := g.node(sha)
	ps := make([]int32, len(parents))
	for k, p := range parents {
		ps[k] = g.node(p)
	}
	g.parents[i] = ps
}

// generations computes the generation numbers without recursion (histories are deep).
func (g *commitGraph) generations() {
	g.gen = make([]int32, len(g.shas))
	done := make([]bool, len(g.shas))
	var stack []int32
	for root := range g.shas {
		if done[root] {
			continue
		}
		stack = append(stack[:0], int32(root))
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			if done[c] {
				stack = stack[:len(stack)-1]
				continue
			}
			pending := false
			for _, p := range g.parents[c] {
				if !done[p] {
					stack = append(stack, p)
					pending = true
				}
			}
			if pending {
				continue
			}
			var gen int32
			for _, p := range g.parents[c] {
				gen = max(gen, g.gen[p])
			}
			if g.parents[c] != nil {
				gen++
			}
			g.gen[c] = gen
			done[c] = true
			stack = stack[:len(stack)-1]
		}
	}
}

const (
	paintNew uint8 = 1 << iota // reachable from the deployed sha
	paintOld                   // reachable from the previous deployment's sha
)

// between returns the commits reachable from to and not from from (git's paint-down-to-common
// with generation numbers): commits are taken highest generation first, so a commit's paint is
// final when it is taken, and the walk stops once no commit left to take is reachable from to
// alone. It visits the range and the frontier of from, never the whole history.
func (g *commitGraph) between(from, to string) []string {
	paint := map[int32]uint8{}
	q := &genQueue{g: g}
	push := func(c int32, p uint8) {
		if paint[c]&p == p {
			return
		}
		before := paint[c]
		if before == 0 {
			heap.Push(q, c)
		}
		paint[c] |= p
		switch {
		case before != paintNew && paint[c] == paintNew:
			q.newOnly++
		case before == paintNew && paint[c] != paintNew:
			q.newOnly--
		}
	}
	fromNode, okFrom := g.index[from]
	toNode, okTo := g.index[to]
	if !okFrom || !okTo {
		return nil // a range needs both ends in the graph
	}
	push(fromNode, paintOld)
	push(toNode, paintNew)
	var out []string
	for q.Len() > 0 && q.newOnly > 0 {
		c := heap.Pop(q).(int32)
		p := paint[c]
		if p == paintNew {
			q.newOnly--
			out = append(out, g.shas[c])
		}
		if p&paintOld != 0 {
			p = paintOld
		}
		for _, parent := range g.parents[c] {
			push(parent, p)
		}
	}
	return out
}

// genQueue is a max-heap of commits by generation; newOnly counts the queued commits painted
// new and not old.
type genQueue struct {
	g       *commitGraph
	items   []int32
	newOnly int
}

func (q *genQueue) Len() int           { return len(q.items) }
func (q *genQueue) Less(i, j int) bool { return q.g.gen[q.items[i]] > q.g.gen[q.items[j]] }
func (q *genQueue) Swap(i, j int)      { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *genQueue) Push(x any)         { q.items = append(q.items, x.(int32)) }
func (q *genQueue) Pop() any {
	x := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return x
}

// A commitRange is what a deployment of to shipped after one of from in repo, by the graph.
type commitRange struct {
	repo, from, to string
	shas           []string
}

// shipByGraph computes the ranges of the deployments in graph_missing, keeps them in a.computed and
// appends them to graph_shipped. Each distinct range is computed once; the commits of the
// repositories concerned are read in one scan ordered by repository, so that one graph at a time is
// in memory.
func (a *analysis) shipByGraph(ctx context.Context) error {
	type pair struct{ from, to string }
	pairs := map[string]map[pair][]string{} // repo -> range -> the deployments that shipped it
	err := a.eachRowQuery(ctx, `SELECT repo, id, sha, prev_sha FROM graph_missing`, func(scan func(...any) error) error {
		var repo, id string
		var p pair
		if err := scan(&repo, &id, &p.to, &p.from); err != nil {
			return err
		}
		if pairs[repo] == nil {
			pairs[repo] = map[pair][]string{}
		}
		pairs[repo][p] = append(pairs[repo][p], id)
		return nil
	})
	if err != nil || len(pairs) == 0 {
		return err
	}
	var shipped [][]driver.Value
	var repo string
	g := newCommitGraph()
	flush := func() {
		if repo == "" {
			return
		}
		g.generations()
		for p, ids := range pairs[repo] {
			r := commitRange{repo: repo, from: p.from, to: p.to, shas: g.between(p.from, p.to)}
			a.computed = append(a.computed, r)
			for _, id := range ids {
				for _, sha := range r.shas {
					shipped = append(shipped, []driver.Value{id, repo, sha})
				}
			}
		}
		g = newCommitGraph()
	}
	spans, err := a.graphSpans(ctx)
	if err != nil {
		return err
	}
	for _, sp := range spans {
		err = a.eachRowQuery(ctx, fmt.Sprintf(`SELECT c.repo, c.sha, c.parents FROM commits c
			WHERE c.parents IS NOT NULL AND c.repo BETWEEN %s AND %s AND c.repo IN (SELECT DISTINCT repo FROM graph_missing)
			ORDER BY c.repo`, sqlString(sp.first), sqlString(sp.last)), func(scan func(...any) error) error {
			var r, sha string
			var parents stringList
			if err := scan(&r, &sha, &parents); err != nil {
				return err
			}
			if r != repo {
				flush()
				repo = r
			}
			g.add(sha, parents)
			return nil
		})
		if err != nil {
			return fmt.Errorf("load commit graphs: %w", err)
		}
	}
	flush()
	a.logger.Debug("shipped by commit graph", "repositories", len(pairs), "ranges", len(a.computed), "shipped", len(shipped))
	return a.appendRows("graph_shipped", shipped)
}

// graphSpanCommits bounds the commits one query reads for shipByGraph: the driver holds a
// query's whole result in memory, which for ten million commits was 2 GB.
var graphSpanCommits = 1 << 20

// A graphSpan is a range of repositories, by name, whose graphs are read in one query.
type graphSpan struct{ first, last string }

// graphSpans cuts the repositories of graph_missing into spans of about graphSpanCommits
// commits (more when one repository alone has more).
func (a *analysis) graphSpans(ctx context.Context) ([]graphSpan, error) {
	var spans []graphSpan
	size := 0
	err := a.eachRowQuery(ctx, `SELECT repo, count(*) FROM commits
		WHERE parents IS NOT NULL AND repo IN (SELECT DISTINCT repo FROM graph_missing)
		GROUP BY repo ORDER BY repo`, func(scan func(...any) error) error {
		var repo string
		var n int
		if err := scan(&repo, &n); err != nil {
			return err
		}
		if len(spans) == 0 || size+n > graphSpanCommits && size > 0 {
			spans = append(spans, graphSpan{first: repo})
			size = 0
		}
		spans[len(spans)-1].last = repo
		size += n
		return nil
	})
	return spans, err
}

// appendRows appends rows to a temporary table of the analysis. (The connection is locked while
// appending, so the rows are computed before.)
func (a *analysis) appendRows(table string, rows [][]driver.Value) error {
	return a.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", table)
		if err != nil {
			return fmt.Errorf("append %s: %w", table, err)
		}
		for _, r := range rows {
			if err := app.AppendRow(r...); err != nil {
				app.Close()
				return fmt.Errorf("append %s: %w", table, err)
			}
		}
		return app.Close()
	})
}
