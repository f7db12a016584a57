package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/internal/config"
)

// Every mistake on the command line exits 2 with a message that names it.
func TestUsageErrorsExit2(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.duckdb")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown_command", []string{"frobnicate"}, nil, `unknown command "frobnicate"`},
		{"unknown_flag", []string{"metrics", "--db", db, "--colour"}, nil, "unknown flag: --colour"},
		{"flag_without_value", []string{"metrics", "--db"}, nil, "flag needs an argument"},
		{"unexpected_argument", []string{"metrics", "--db", db, "extra"}, nil, `unknown command "extra"`},
		{"bad_since", []string{"metrics", "--db", db, "--since", "01/02/2024"}, nil, `--since "01/02/2024"`},
		{"bad_until", []string{"report", "--db", db, "--until", "2024-13-01"}, nil, `--until "2024-13-01"`},
		{"since_not_before_until", []string{"metrics", "--db", db, "--since", "2024-06-01", "--until", "2024-05-01"}, nil, "is not before --until"},
		{"unknown_by", []string{"metrics", "--db", db, "--by", "region"}, nil, `--by "region": want service, team, repo or environment`},
		{"unknown_interval", []string{"metrics", "--db", db, "--interval", "day"}, nil, `--interval "day": want week or month`},
		{"unknown_metrics_format", []string{"metrics", "--db", db, "--format", "xml"}, nil, `--format "xml": want json, csv or table`},
		{"unknown_report_format", []string{"report", "--db", db, "--format", "pdf"}, nil, `--format "pdf": want html or markdown`},
		{"unknown_report_by", []string{"report", "--db", db, "--by", "region"}, nil, `--by "region"`},
		{"unknown_last", []string{"metrics", "--db", db, "--last", "year"}, nil, `--last "year": want week, month or quarter`},
		{"last_with_since", []string{"metrics", "--db", db, "--last", "week", "--since", "2024-01-01"}, nil, "[last since] were all set"},
		{"echarts_js_for_markdown", []string{"report", "--db", db, "--format", "markdown", "--echarts-js", "x.js"}, nil, "--echarts-js is for --format html"},
		{"missing_echarts_js", []string{"report", "--db", db, "--echarts-js", filepath.Join(t.TempDir(), "none.js")}, nil, "--echarts-js"},
		{"import_without_files", []string{"import", "--db", db}, nil, "no event files given"},
		{"unknown_import_kind", []string{"import", "--db", db, "--kind", "release", "x.csv"}, nil, `--kind "release"`},
		{"missing_config", []string{"metrics", "--db", db, "--config", filepath.Join(t.TempDir(), "nope.yaml")}, nil, "nope.yaml: no such file"},
		{"bad_source_date_epoch", []string{"metrics", "--db", db}, map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, `SOURCE_DATE_EPOCH="yesterday"`},
		{"collect_bad_since", []string{"collect", "--since", "soon"}, nil, `--since "soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := invocation{env: tt.env}.run(t, tt.args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2; stderr: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, tt.want)
			}
			if !strings.Contains(r.stderr, "--help' for usage") {
				t.Errorf("stderr %q does not point at --help", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, a := range [][]string{{"help", "metrics"}, {"metrics", "--help"}, {"metrics", "-h"}} {
		r := must(t, a...)
		for _, flag := range []string{"--since", "--until", "--last", "--by", "--interval", "--format", "--db", "--config", "-o, --output", "-v, --verbose"} {
			if !strings.Contains(r.stdout, flag) {
				t.Errorf("%v: usage does not mention %s:\n%s", a, flag, r.stdout)
			}
		}
	}
	for _, cmd := range []string{"demo", "import", "report", "collect", "version"} {
		if r := must(t, "help", cmd); !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("help %s: %q", cmd, r.stdout)
		}
	}
	if r := must(t, "--help"); !strings.Contains(r.stdout, "metrics") || !strings.Contains(r.stdout, "Exit codes") {
		t.Errorf("--help: %q", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := must(t, "version")
	if !strings.HasPrefix(r.stdout, "dorareport ") || !strings.Contains(r.stdout, fmt.Sprint("schema ", dora.SchemaVersion)) {
		t.Errorf("version = %q", r.stdout)
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		interrupted bool
		want        int
	}{
		{"success", nil, false, 0},
		{"failure", errors.New("disk full"), false, 1},
		{"usage", usagef("bad"), false, 2},
		{"config_error_is_usage", fmt.Errorf("load: %w", &config.Error{File: "c.yaml", Line: 2, Msg: "x"}), false, 2},
		{"invalid_data", fmt.Errorf("a.jsonl:3: %w", dora.ErrInvalid), false, 3},
		{"auth", fmt.Errorf("github: %w", &dora.AuthError{Source: "github", Status: 401}), false, 4},
		{"auth_sentinel", fmt.Errorf("gitlab: %w", dora.ErrAuth), false, 4},
		{"auth_beats_invalid_in_a_joined_error", errors.Join(fmt.Errorf("x: %w", dora.ErrAuth), fmt.Errorf("y: %w", dora.ErrInvalid)), false, 4},
		{"interrupted_whatever_the_error", errors.New("driver: query cancelled"), true, 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err, tt.interrupted); got != tt.want {
				t.Errorf("exitCode = %d, want %d", got, tt.want)
			}
		})
	}
}
