package dora

import (
	"slices"
	"testing"
)

func TestCommitGraphBetween(t *testing.T) {
	// a <- b <- c <- m <- e        (main)
	//  \              /
	//   x <- y <------             (a branch forked from a long ago, merged at m)
	g := newCommitGraph()
	g.add("a", []string{})
	g.add("b", []string{"a"})
	g.add("c", []string{"b"})
	g.add("x", []string{"a"})
	g.add("y", []string{"x"})
	g.add("m", []string{"c", "y"})
	g.add("e", []string{"m"})
	g.generations()
	for _, tc := range []struct {
		name     string
		from, to string
		want     []string
	}{
		{"linear_range", "b", "c", []string{"c"}},
		{"merge_brings_the_old_branch_not_main_history", "c", "e", []string{"e", "m", "x", "y"}},
		{"nothing_when_to_is_an_ancestor_of_from", "e", "b", nil},
		{"same_sha_ships_nothing", "c", "c", nil},
		{"sibling_ranges_exclude_the_common_ancestor", "y", "c", []string{"b", "c"}},
		{"an_unknown_end_gives_no_range", "nope", "c", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := g.between(tc.from, tc.to)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("between(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}
