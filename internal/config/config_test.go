package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// The example of INTERFACES.md (without workflows, which need workflow_runs) decodes onto the
// library's types.
func TestLoadTheDocumentedExample(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "dora.duckdb" {
		t.Errorf("database = %q", c.Database)
	}
	d := c.Definitions
	if d.IncidentWindow != 48*time.Hour || d.LeadTimeStart != dora.StartAuthored || d.Timezone != "UTC" ||
		!reflect.DeepEqual(d.ProductionEnvironments, []string{"production", "prod", "prod-*"}) {
		t.Errorf("definitions = %+v", d)
	}
	want := []dora.Service{{Name: "api", Team: "platform", Repos: []string{"acme/api"}, Paths: []string{"services/api/**"}}}
	if !reflect.DeepEqual(c.Services, want) {
		t.Errorf("services = %+v", c.Services)
	}
	s := c.Sources
	if s.GitHub == nil || s.GitHub.BaseURL != "https://api.github.com/" || !reflect.DeepEqual(s.GitHub.Repos, []string{"acme/api", "acme/web"}) ||
		s.GitHub.Deployments != "deployments" || !reflect.DeepEqual(s.GitHub.IncidentLabels, []string{"incident"}) {
		t.Errorf("github = %+v", s.GitHub)
	}
	if s.GitLab == nil || !reflect.DeepEqual(s.GitLab.Projects, []string{"acme/platform"}) || s.GitLab.TokenEnv != "GITLAB_TOKEN" {
		t.Errorf("gitlab = %+v", s.GitLab)
	}
	if s.PagerDuty == nil || s.PagerDuty.Services["PABC123"] != "api" {
		t.Errorf("pagerduty = %+v", s.PagerDuty)
	}
	if s.Opsgenie == nil || s.Opsgenie.BaseURL != "https://api.opsgenie.com" || s.Opsgenie.Services["team-api"] != "api" || s.Opsgenie.ServiceProperty != "service" {
		t.Errorf("opsgenie = %+v", s.Opsgenie)
	}
	if got := c.Where("sources.gitlab"); got != "testdata/full.yaml:20" {
		t.Errorf("Where(sources.gitlab) = %q", got)
	}
	if got := c.Where("services[0].name"); got != "testdata/full.yaml:9" {
		t.Errorf("Where(services[0].name) = %q", got)
	}
}

func TestParse(t *testing.T) {
	t.Run("empty_file_configures_nothing", func(t *testing.T) {
		c, err := Parse("c.yaml", []byte("# nothing yet\n"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Services != nil || c.Sources.GitHub != nil || c.Database != "" {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("no_services_key_leaves_services_nil", func(t *testing.T) {
		c, err := Parse("c.yaml", []byte("database: x.duckdb\n"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Services != nil {
			t.Errorf("services = %#v, want nil", c.Services)
		}
	})
	t.Run("empty_documents_around_the_configuration_are_ignored", func(t *testing.T) {
		c, err := Parse("c.yaml", []byte("---\ndatabase: x.duckdb\n---\n"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Database != "x.duckdb" {
			t.Errorf("database = %q", c.Database)
		}
	})
	t.Run("token_env_defaults_to_the_vendor_variable", func(t *testing.T) {
		c, err := Parse("c.yaml", []byte("sources:\n  github:\n    repos: [a/b]\n  pagerduty: {}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Sources.GitHub.TokenEnv != "GITHUB_TOKEN" || c.Sources.PagerDuty.TokenEnv != "PAGERDUTY_TOKEN" {
			t.Errorf("token envs = %q, %q", c.Sources.GitHub.TokenEnv, c.Sources.PagerDuty.TokenEnv)
		}
	})
}

// Every rejection is an *Error naming the key and the line, as the exit code 2 message needs.
func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		key, msg   string
	}{
		{"unknown_top_level_key", "database: x\ndatabse: y\n", 2, "databse", "unknown key"},
		{"unknown_nested_key", "definitions:\n  timezone: UTC\n  incident_windw: 48h\n", 3, "definitions.incident_windw", "unknown key"},
		{"unknown_key_in_a_service", "services:\n  - name: api\n    team: a\n    repo: [x/y]\n", 4, "services[0].repo", "unknown key"},
		{"unknown_key_in_a_source", "sources:\n  github:\n    repos: [a/b]\n    token: abc\n", 4, "sources.github.token", "unknown key"},
		{"unknown_source", "sources:\n  jira:\n    base_url: https://x\n", 2, "sources.jira", "unknown key"},
		{"bad_duration", "definitions:\n  incident_window: 2 days\n", 2, "definitions.incident_window", `bad duration "2 days"`},
		{"duration_without_unit", "definitions:\n  incident_window: 48\n", 2, "definitions.incident_window", `bad duration "48"`},
		{"duplicate_service", "services:\n  - name: api\n  - name: web\n  - name: api\n", 4, "services[2].name", `service "api" is named twice (first at line 2)`},
		{"service_without_name", "services:\n  - team: a\n", 2, "services[0]", "needs a name"},
		{"bad_timezone", "definitions:\n  timezone: Mars/Olympus\n", 2, "definitions.timezone", "unknown time zone"},
		{"unknown_benchmarks", "definitions:\n  benchmarks: dora-1999\n", 2, "definitions.benchmarks", "unknown edition"},
		{"bad_lead_time_start", "definitions:\n  lead_time_start: merged\n", 2, "definitions.lead_time_start", "neither"},
		{"list_given_a_number", "definitions:\n  production_environments: 3\n", 2, "definitions.production_environments", "sequence"},
		{"bad_github_repo", "sources:\n  github:\n    repos: [acme]\n", 3, "sources.github.repos[0]", "not owner/name"},
		{"bad_deployment_signal", "sources:\n  github:\n    deployments: tags\n", 3, "sources.github.deployments", "not one of"},
		{"workflows_without_workflow_runs", "sources:\n  github:\n    workflows: [deploy.yml]\n", 3, "sources.github.workflows", "workflow_runs"},
		{"bad_base_url", "sources:\n  gitlab:\n    base_url: gitlab.example.com\n", 3, "sources.gitlab.base_url", "not an http"},
		{"yaml_tag", "database: x\nservices: !seq\n  - name: a\n", 2, "services", "tags"},
		{"syntax_error", "database: [x\n", 1, "", "not found"},
		{"duplicate_key", "database: x\ndatabase: y\n", 2, "", "already defined"},
		{"two_documents", "database: x\n---\ndatabase: y\n", 3, "", "one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("dorareport.yaml", []byte(tt.yaml))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if ce.Line != tt.line || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("got line %d key %q msg %q, want line %d key %q msg containing %q", ce.Line, ce.Key, ce.Msg, tt.line, tt.key, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "dorareport.yaml:") {
				t.Errorf("message %q does not start with the file name", err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}
