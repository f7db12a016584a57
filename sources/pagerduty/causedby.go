package pagerduty

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// causedByNote finds "caused by: REF" in a note, REF being a deployment id or sha.
var causedByNote = regexp.MustCompile("(?i)\\bcaused[ _-]by\\s*:\\s*`?([^\\s`]+)")

// hexWord is a candidate sha: 7 to 40 lowercase hexadecimal digits.
var hexWord = regexp.MustCompile(`^[0-9a-f]{7,40}$`)

// ref is PagerDuty's reference to another object.
type ref struct {
	ID string `json:"id"`
}

// note is an incident note.
type note struct {
	Content   string    `json:"content"`
	CreatedAt time.Time `json:"created_at"`
}

// changeEvent is the part of a PagerDuty change event that dorareport reads.
type changeEvent struct {
	ID            string         `json:"id"`
	Summary       string         `json:"summary"`
	Timestamp     time.Time      `json:"timestamp"`
	Services      []ref          `json:"services"`
	CustomDetails map[string]any `json:"custom_details"`
	Links         []struct {
		Href string `json:"href"`
		Text string `json:"text"`
	} `json:"links"`
}

// listChanges returns the change events of one PagerDuty service in [since, until).
func (s *Source) listChanges(ctx context.Context, serviceID string, since, until time.Time) ([]changeEvent, error) {
	q := url.Values{}
	q.Set("since", since.UTC().Format(time.RFC3339))
	q.Set("until", until.UTC().Format(time.RFC3339))
	var out []changeEvent
	err := s.list(ctx, "/services/"+url.PathEscape(serviceID)+"/change_events", q, func(raw []byte) (page, error) {
		var body struct {
			page
			ChangeEvents []changeEvent `json:"change_events"`
		}
		err := json.Unmarshal(raw, &body)
		out = append(out, body.ChangeEvents...)
		body.page.n = len(body.ChangeEvents)
		return body.page, err
	})
	if err != nil {
		return nil, fmt.Errorf("pagerduty: list change events of service %s: %w", serviceID, err)
	}
	return out, nil
}

// causedBy applies the rules of the package documentation: a note naming the cause, else the
// sha of the latest change event of the service shortly before the incident.
func (s *Source) causedBy(ctx context.Context, in incident, changes []changeEvent) (string, error) {
	var body struct {
		Notes []note `json:"notes"`
	}
	if err := s.get(ctx, "/incidents/"+url.PathEscape(in.ID)+"/notes", nil, &body); err != nil {
		return "", fmt.Errorf("pagerduty: list notes of incident %s: %w", in.ID, err)
	}
	slices.SortStableFunc(body.Notes, func(a, b note) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, n := range body.Notes {
		if ref := noteRef(n.Content); ref != "" {
			return ref, nil
		}
	}
	return changeSHA(in.Service.ID, in.CreatedAt, s.cfg.ChangeWindow, changes), nil
}

// noteRef returns what a note names as the cause, or "".
func noteRef(text string) string {
	m := causedByNote.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.TrimRight(m[1], ".,;:)]")
}

// changeSHA returns the sha named by the latest change event of the service in
// [started - window, started], or "".
func changeSHA(serviceID string, started time.Time, window time.Duration, changes []changeEvent) string {
	var near []changeEvent
	for _, c := range changes {
		if c.Timestamp.After(started) || c.Timestamp.Before(started.Add(-window)) {
			continue
		}
		if slices.Contains(c.Services, ref{ID: serviceID}) {
			near = append(near, c)
		}
	}
	slices.SortStableFunc(near, func(a, b changeEvent) int {
		return cmp.Or(b.Timestamp.Compare(a.Timestamp), strings.Compare(a.ID, b.ID))
	})
	for _, c := range near {
		if sha := c.sha(); sha != "" {
			return sha
		}
	}
	return ""
}

// sha returns the first sha the event names: in its custom details (keys in order), its
// summary, then its links.
func (c changeEvent) sha() string {
	var texts []string
	for _, k := range slices.Sorted(maps.Keys(c.CustomDetails)) {
		v := c.CustomDetails[k]
		if s, ok := v.(string); ok {
			texts = append(texts, s)
		} else if raw, err := json.Marshal(v); err == nil {
			texts = append(texts, string(raw))
		}
	}
	texts = append(texts, c.Summary)
	for _, l := range c.Links {
		texts = append(texts, l.Href, l.Text)
	}
	for _, t := range texts {
		if sha := findSHA(t); sha != "" {
			return sha
		}
	}
	return ""
}

// findSHA returns the first word of text (words are separated by anything but letters and
// digits) that is a hex word holding both a digit and a letter: digits alone are far more likely
// a build number, and letters alone an English word ("defaced"), than a sha.
func findSHA(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	})
	for _, w := range words {
		if hexWord.MatchString(w) && strings.ContainsAny(w, "abcdef") && strings.ContainsAny(w, "0123456789") {
			return w
		}
	}
	return ""
}
