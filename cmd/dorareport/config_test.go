package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// A configuration that cannot be used is a usage error naming the file, line and key.
func TestConfigErrorsExit2NamingKeyAndLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown_key", "database: d.duckdb\ndefinitions:\n  timezone: UTC\n  incident_windw: 48h\n", "c.yaml:4:3: definitions.incident_windw: unknown key"},
		{"bad_duration", "definitions:\n  incident_window: 2 days\n", `c.yaml:2:3: definitions.incident_window: bad duration "2 days"`},
		{"service_named_twice", "services:\n  - name: api\n    repos: [acme/api]\n  - name: api\n    repos: [acme/api2]\n", `c.yaml:4:5: services[1].name: service "api" is named twice (first at line 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeFile(t, dir, "c.yaml", tt.yaml)
			for _, cmd := range []string{"metrics", "report", "import", "collect"} {
				a := []string{cmd, "--config", cfg, "--db", filepath.Join(dir, "d.duckdb")}
				if cmd == "import" {
					a = append(a, eventsFile)
				}
				r := dorareport(t, a...)
				if r.code != exitUsage {
					t.Fatalf("%s: exit %d, want 2; stderr: %s", cmd, r.code, r.stderr)
				}
				if !strings.Contains(r.stderr, tt.want) {
					t.Errorf("%s: stderr %q does not say %q", cmd, r.stderr, tt.want)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "d.duckdb")); err == nil {
				t.Error("a bad configuration still created the database")
			}
		})
	}
}

// --db wins over the configuration's database, which wins over dora.duckdb in the working
// directory; dorareport.yaml there is read without --config.
func TestDatabasePrecedence(t *testing.T) {
	dir := t.TempDir()
	events := events(t)
	t.Chdir(dir)
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	}

	must(t, "import", events)
	if !exists("dora.duckdb") {
		t.Fatal("without flag or configuration the import did not write dora.duckdb")
	}

	writeFile(t, dir, "dorareport.yaml", "database: from-config.duckdb\n")
	must(t, "import", events)
	if !exists("from-config.duckdb") {
		t.Fatal("the configuration's database was not used")
	}

	must(t, "import", "--db", "from-flag.duckdb", events)
	if !exists("from-flag.duckdb") {
		t.Fatal("--db did not win over the configuration")
	}

	other := writeFile(t, dir, "other.yaml", "database: other.duckdb\n")
	must(t, "import", "--config", other, events)
	if !exists("other.duckdb") {
		t.Fatal("--config was not read")
	}
}

// The configuration's services are stored, so grouping by team works on imported data.
func TestConfigServicesReachTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.duckdb")
	cfg := writeFile(t, dir, "c.yaml", "services:\n  - name: api\n    team: platform\n    repos: [acme/api]\n  - name: web\n    team: frontend\n    repos: [acme/web]\n")
	must(t, "import", "--db", db, "--config", cfg, eventsFile)
	r := must(t, args("metrics", "--db", db, "--config", cfg, window, "--by", "team")...)
	var m dora.Metrics
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	var teams []string
	for _, g := range m.Groups {
		teams = append(teams, g.Key)
	}
	if strings.Join(teams, ",") != "frontend,platform" {
		t.Errorf("teams = %v, want frontend and platform from the configuration", teams)
	}
}
