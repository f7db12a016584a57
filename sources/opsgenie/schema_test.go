package opsgenie_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// schema is a swagger 2.0 schema object, as far as the vendor subset uses it.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Enum                 []string           `json:"enum"`
	Required             []string           `json:"required"`
	Properties           map[string]*schema `json:"properties"`
	AllOf                []*schema          `json:"allOf"`
	Items                *schema            `json:"items"`
	AdditionalProperties *schema            `json:"additionalProperties"`
}

// TestFixturesMatchTheVendorSchema checks the hand-written payloads of testdata against the
// definitions of Opsgenie's swagger: every field exists with its type, required fields are
// there, enums hold.
func TestFixturesMatchTheVendorSchema(t *testing.T) {
	raw, err := os.ReadFile("testdata/schema_subset_alerts_incidents.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions map[string]*schema `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for file, def := range map[string]string{
		"list_incidents.json": "ListIncidentsResponse",
		"get_incident.json":   "GetIncidentResponse",
		"list_alerts.json":    "ListAlertsResponse",
		"get_alert.json":      "GetAlertResponse",
	} {
		t.Run(file, func(t *testing.T) {
			var v any
			if err := json.Unmarshal(readFile(t, file), &v); err != nil {
				t.Fatal(err)
			}
			for _, problem := range validate(doc.Definitions, &schema{Ref: "#/definitions/" + def}, v, "$") {
				t.Error(problem)
			}
		})
	}
}

func TestSchemaValidationCatchesAnUnknownField(t *testing.T) {
	defs := map[string]*schema{"BaseIncident": {Type: "object", Required: []string{"id"},
		Properties: map[string]*schema{"id": {Type: "string"}}}}
	got := validate(defs, &schema{Ref: "#/definitions/BaseIncident"}, map[string]any{"impactedServices": []any{}}, "$")
	want := []string{`$: required field "id" missing`, `$.impactedServices: not in the schema`}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

// validate lists what in v does not fit s.
func validate(defs map[string]*schema, s *schema, v any, path string) []string {
	s = resolve(defs, s)
	// Merge allOf into one object schema.
	if len(s.AllOf) > 0 {
		merged := &schema{Type: "object", Properties: map[string]*schema{}, Required: s.Required}
		for _, part := range s.AllOf {
			part = resolve(defs, part)
			for k, p := range part.Properties {
				merged.Properties[k] = p
			}
			merged.Required = append(merged.Required, part.Required...)
		}
		s = merged
	}
	var problems []string
	switch s.Type {
	case "object", "":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an object", path, v)}
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required field %q missing", path, r))
			}
		}
		for _, k := range sortedKeys(obj) {
			p := s.Properties[k]
			if p == nil {
				p = s.AdditionalProperties
			}
			if p == nil {
				problems = append(problems, fmt.Sprintf("%s.%s: not in the schema", path, k))
				continue
			}
			problems = append(problems, validate(defs, p, obj[k], path+"."+k)...)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an array", path, v)}
		}
		for i, e := range arr {
			problems = append(problems, validate(defs, s.Items, e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want a string", path, v)}
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			problems = append(problems, fmt.Sprintf("%s: %q not one of %v", path, str, s.Enum))
		}
		if s.Format == "date-time" && !strings.Contains(str, "T") {
			problems = append(problems, fmt.Sprintf("%s: %q is not a date-time", path, str))
		}
	case "integer":
		if n, ok := v.(float64); !ok || n != float64(int64(n)) {
			problems = append(problems, fmt.Sprintf("%s: %v, want an integer", path, v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			problems = append(problems, fmt.Sprintf("%s: %v, want a number", path, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			problems = append(problems, fmt.Sprintf("%s: %v, want a boolean", path, v))
		}
	default:
		problems = append(problems, fmt.Sprintf("%s: schema type %q not handled", path, s.Type))
	}
	return problems
}

func resolve(defs map[string]*schema, s *schema) *schema {
	for s != nil && s.Ref != "" {
		s = defs[strings.TrimPrefix(s.Ref, "#/definitions/")]
	}
	if s == nil {
		return &schema{Type: "unknown $ref"}
	}
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
