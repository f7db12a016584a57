package gitlabtest

import (
	"slices"
	"testing"
)

// c0 - c1 - c2 ------ m5 - c6
//
//	\            /
//	 f3 ---- f4
func TestCompareListsWhatOnlyToReaches(t *testing.T) {
	p := &Project{Commits: []Commit{
		{SHA: "c0"}, {SHA: "c1", Parents: []string{"c0"}}, {SHA: "c2", Parents: []string{"c1"}},
		{SHA: "f3", Parents: []string{"c1"}}, {SHA: "f4", Parents: []string{"f3"}},
		{SHA: "m5", Parents: []string{"c2", "f4"}}, {SHA: "c6", Parents: []string{"m5"}},
	}}
	for _, tc := range []struct {
		name, from, to string
		want           []string
	}{
		{"linear_range", "c0", "c2", []string{"c1", "c2"}},
		{"merge_brings_its_branch", "c2", "c6", []string{"f3", "f4", "m5", "c6"}},
		{"rollback_ships_nothing", "c6", "c2", []string{}},
		{"same_sha_ships_nothing", "c2", "c2", []string{}},
		{"branch_only_from_merge_base", "c2", "f4", []string{"f3", "f4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Compare(tc.from, tc.to); !slices.Equal(got, tc.want) {
				t.Errorf("compare %s...%s = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}
