// Package config reads dorareport.yaml: the database, the metric definitions, the services and
// the sources to collect from. Decoding is strict: an unknown key, a bad duration or a service
// named twice is an *Error that names the key and its line.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/dorareport/dorareport/dora"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Config is the content of a configuration file.
type Config struct {
	// Database is the warehouse file; empty: the command line's default.
	Database    string           `yaml:"database"`
	Definitions dora.Definitions `yaml:"definitions"`
	// Services is nil when the file has no services key, so that a file without one leaves the
	// services stored in the database alone.
	Services []dora.Service `yaml:"services"`
	Sources  Sources        `yaml:"sources"`

	file string   // the file name errors and Where refer to
	body ast.Node // the document, for the line numbers of Where; nil for an empty file
}

// Sources holds one entry per configured outside system; nil: not configured.
type Sources struct {
	GitHub    *GitHub    `yaml:"github"`
	GitLab    *GitLab    `yaml:"gitlab"`
	PagerDuty *PagerDuty `yaml:"pagerduty"`
	Opsgenie  *Opsgenie  `yaml:"opsgenie"`
}

// GitHub configures the GitHub (or GitHub Enterprise Server) source.
type GitHub struct {
	BaseURL  string   `yaml:"base_url"`
	TokenEnv string   `yaml:"token_env"`
	Repos    []string `yaml:"repos"`
	// Deployments names the deployment signal: deployments, workflow_runs or releases.
	Deployments string   `yaml:"deployments"`
	Workflows   []string `yaml:"workflows"`
	// Environment names the environment of workflow runs and releases, which carry none;
	// empty: production.
	Environment    string   `yaml:"environment"`
	IncidentLabels []string `yaml:"incident_labels"`
}

// GitLab configures the GitLab source.
type GitLab struct {
	BaseURL  string   `yaml:"base_url"`
	TokenEnv string   `yaml:"token_env"`
	Projects []string `yaml:"projects"`
}

// PagerDuty configures the PagerDuty source.
type PagerDuty struct {
	BaseURL  string `yaml:"base_url"`
	TokenEnv string `yaml:"token_env"`
	// Services maps PagerDuty service ids to dorareport service names.
	Services map[string]string `yaml:"services"`
}

// Opsgenie configures the Opsgenie source.
type Opsgenie struct {
	BaseURL  string `yaml:"base_url"`
	TokenEnv string `yaml:"token_env"`
	// Services maps Opsgenie tags to dorareport service names.
	Services map[string]string `yaml:"services"`
	// ServiceProperty is the incidents' extra property that names the service; it wins over tags.
	ServiceProperty string `yaml:"service_property"`
	// AlertsTag, when set, also collects the alerts carrying this tag.
	AlertsTag string `yaml:"alerts_tag"`
}

// The environment variables tokens are read from when a source names none.
const (
	DefaultGitHubTokenEnv    = "GITHUB_TOKEN"
	DefaultGitLabTokenEnv    = "GITLAB_TOKEN"
	DefaultPagerDutyTokenEnv = "PAGERDUTY_TOKEN"
	DefaultOpsgenieTokenEnv  = "OPSGENIE_TOKEN"
)

// GitHub deployment signals.
var githubDeployments = []string{"deployments", "workflow_runs", "releases"}

// Error is a configuration that cannot be used: File:Line:Column names where, Key the setting
// (dotted, e.g. "definitions.incident_window"; empty for a syntax error).
type Error struct {
	File         string
	Line, Column int
	Key          string
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and checks the configuration file at path. A file that cannot be read gives an
// error wrapping the fs error (fs.ErrNotExist for a missing file); a file that cannot be used
// gives an *Error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("read configuration %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse decodes and checks a configuration; name is the file name that errors mention.
func Parse(name string, data []byte) (*Config, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, f, err)
	}
	c := &Config{file: name}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc.Body == nil {
			continue // an empty document, as after a trailing "---"
		}
		if body != nil {
			return nil, &Error{File: name, Line: doc.Body.GetToken().Position.Line, Msg: "a configuration is one YAML document, this file holds several"}
		}
		body = doc.Body
	}
	c.body = body
	if body == nil {
		return c, nil // an empty file configures nothing
	}
	// time.ParseDuration's error carries no position, so durations are checked on the syntax
	// tree before decoding.
	if err := c.checkDurations(body); err != nil {
		return nil, err
	}
	// A configuration has no use for tags, and the decoder has panicked on odd ones.
	if tags := ast.Filter(ast.TagType, body); len(tags) > 0 {
		pos := tags[0].GetToken().Position
		return nil, &Error{File: name, Line: pos.Line, Column: pos.Column, Key: keyAt(body, pos), Msg: "YAML tags (!name) are not allowed in a configuration"}
	}
	if err := decode(body, c); err != nil {
		return nil, yamlError(name, f, err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.fillDefaults()
	return c, nil
}

// decode is yaml.NodeToValue, strict, with a panic of the decoder turned into an error: a
// configuration file is input, and input never crashes the program.
func decode(body ast.Node, c *Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML decoder failed on this file: %v", r)
		}
	}()
	return yaml.NodeToValue(body, c, yaml.Strict())
}

// Where returns "FILE:LINE" of a dotted key ("sources.github", "services[1].name"), or just the
// file name when the key is not in the file.
func (c *Config) Where(key string) string {
	if line, _ := c.position(key); line > 0 {
		return fmt.Sprintf("%s:%d", c.file, line)
	}
	return c.file
}

// File is the name the configuration was read from.
func (c *Config) File() string { return c.file }

func (c *Config) errorAt(key, format string, args ...any) *Error {
	line, col := c.position(key)
	return &Error{File: c.file, Line: line, Column: col, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// check reports the first setting that decodes but cannot be used.
func (c *Config) check() error {
	if err := c.Definitions.Validate(); err != nil {
		// Validate names the key first: "definitions.timezone: ...".
		key, msg, ok := strings.Cut(err.Error(), ": ")
		if !ok || !strings.HasPrefix(key, "definitions.") {
			key, msg = "definitions", err.Error()
		}
		return c.errorAt(key, "%s", msg)
	}
	first := map[string]int{}
	for i, s := range c.Services {
		key := fmt.Sprintf("services[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			return c.errorAt(key, "a service needs a name")
		}
		if j, dup := first[s.Name]; dup {
			line, _ := c.position(fmt.Sprintf("services[%d].name", j))
			return c.errorAt(key+".name", "service %q is named twice (first at line %d)", s.Name, line)
		}
		first[s.Name] = i
	}
	return c.checkSources()
}

func (c *Config) checkSources() error {
	s := c.Sources
	if g := s.GitHub; g != nil {
		if err := c.checkBaseURL("sources.github", g.BaseURL); err != nil {
			return err
		}
		for i, r := range g.Repos {
			if owner, name, ok := strings.Cut(r, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
				return c.errorAt(fmt.Sprintf("sources.github.repos[%d]", i), "%q is not owner/name", r)
			}
		}
		if g.Deployments != "" && !contains(githubDeployments, g.Deployments) {
			return c.errorAt("sources.github.deployments", "%q is not one of %s", g.Deployments, strings.Join(githubDeployments, ", "))
		}
		if len(g.Workflows) > 0 && g.Deployments != "workflow_runs" {
			return c.errorAt("sources.github.workflows", "workflows are read only with deployments: workflow_runs")
		}
	}
	if g := s.GitLab; g != nil {
		if err := c.checkBaseURL("sources.gitlab", g.BaseURL); err != nil {
			return err
		}
		for i, p := range g.Projects {
			if group, name, ok := strings.Cut(p, "/"); !ok || group == "" || name == "" {
				return c.errorAt(fmt.Sprintf("sources.gitlab.projects[%d]", i), "%q is not group/project", p)
			}
		}
	}
	if p := s.PagerDuty; p != nil {
		if err := c.checkBaseURL("sources.pagerduty", p.BaseURL); err != nil {
			return err
		}
	}
	if o := s.Opsgenie; o != nil {
		if err := c.checkBaseURL("sources.opsgenie", o.BaseURL); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) checkBaseURL(source, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c.errorAt(source+".base_url", "%q is not an http or https URL", raw)
	}
	return nil
}

func (c *Config) fillDefaults() {
	s := &c.Sources
	if s.GitHub != nil && s.GitHub.TokenEnv == "" {
		s.GitHub.TokenEnv = DefaultGitHubTokenEnv
	}
	if s.GitLab != nil && s.GitLab.TokenEnv == "" {
		s.GitLab.TokenEnv = DefaultGitLabTokenEnv
	}
	if s.PagerDuty != nil && s.PagerDuty.TokenEnv == "" {
		s.PagerDuty.TokenEnv = DefaultPagerDutyTokenEnv
	}
	if s.Opsgenie != nil && s.Opsgenie.TokenEnv == "" {
		s.Opsgenie.TokenEnv = DefaultOpsgenieTokenEnv
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
