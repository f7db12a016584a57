package dora

import (
	"context"
	"strings"
	"testing"
)

// The metrics group by a hash of each group's name (group_key): two names of one key would be
// counted as one group, so 09_groups.sql fails the query and names them instead.
func TestGroupsSharingAKeyFailTheQuery(t *testing.T) {
	body, err := sqlFiles.ReadFile("sql/prepare/09_groups.sql")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(body), "-- Two groups of one key")
	if i < 0 {
		t.Fatal("09_groups.sql no longer checks that the groups' keys are distinct")
	}
	check := string(body)[i:]
	ctx := context.Background()
	conn, err := openInMemory(t).sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, c := range []struct{ groups, want string }{
		{"(1, 'api', 1), (2, 'web', 2)", ""},
		{"(7, 'web', 1), (2, 'auth', 2), (7, 'api', 3)", "these groups share a key: api, web"},
	} {
		_, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE group_keys AS
			SELECT grp::UBIGINT AS grp, name, place FROM (VALUES `+c.groups+`) t(grp, name, place)`)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.ExecContext(ctx, check)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("groups %s: %v, want no error", c.groups, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("groups %s: %v, want an error saying %q", c.groups, err, c.want)
		}
	}
}
