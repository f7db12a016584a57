package report

import (
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

func TestDeltaTone(t *testing.T) {
	lead := func(s float64) *dora.Values {
		return &dora.Values{LeadTime: dora.LeadTime{Quantiles: dora.Quantiles{N: 9, Median: f(s)}}}
	}
	freq := func(perWeek float64) *dora.Values {
		return &dora.Values{DeploymentFrequency: dora.DeploymentFrequency{Deployments: 9, PerWeek: perWeek}}
	}
	cfr := func(r float64) *dora.Values {
		return &dora.Values{ChangeFailureRate: dora.ChangeFailureRate{Deployments: 9, Rate: f(r)}}
	}
	cases := []struct {
		name      string
		m         metric
		cur, prev *dora.Values
		arrow     string
		text      string
		tone      string
	}{
		{"falling_lead_time_is_better", mLeadTime, lead(3600), lead(7200), "▼", "50%", toneBetter},
		{"rising_lead_time_is_worse", mLeadTime, lead(7200), lead(3600), "▲", "100%", toneWorse},
		{"rising_frequency_is_better", mFrequency, freq(6), freq(4), "▲", "50%", toneBetter},
		{"falling_frequency_is_worse", mFrequency, freq(3), freq(4), "▼", "25%", toneWorse},
		{"rates_change_in_points", mFailureRate, cfr(0.12), cfr(0.10), "▲", "2 pp", toneWorse},
		{"tiny_change_is_unchanged", mLeadTime, lead(3601), lead(3600), "→", "unchanged", toneSame},
		{"no_previous_window", mLeadTime, lead(3600), nil, "", "no previous period", toneNone},
		{"missing_value_is_not_a_zero", mLeadTime, &dora.Values{}, lead(3600), "", "not comparable", toneNone},
		{"no_deployments_is_not_a_frequency", mFrequency, &dora.Values{}, freq(4), "", "not comparable", toneNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.m.compare(c.cur, c.prev)
			if d.Arrow != c.arrow || d.Text != c.text || d.Tone != c.tone {
				t.Errorf("got %q %q %q, want %q %q %q", d.Arrow, d.Text, d.Tone, c.arrow, c.text, c.tone)
			}
		})
	}
}

func TestEmptyTilesSayWhatIsMissing(t *testing.T) {
	tiles := headline(&dora.Values{RecoveryTime: dora.RecoveryTime{Open: 2}}, nil)
	want := map[string]string{"df": "no deployments", "lt": "no changes", "cfr": "no deployments", "rt": "none recovered", "rr": "no deployments"}
	for _, tl := range tiles {
		if !tl.Empty || tl.Value != want[tl.Key] {
			t.Errorf("tile %s reads %q (empty %v), want %q", tl.Key, tl.Value, tl.Empty, want[tl.Key])
		}
	}
}

func TestHumanUnits(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"seconds", duration(42), "42 s"},
		{"minutes", duration(35 * 60), "35 min"},
		{"hours_below_ten_keep_a_decimal", duration(1.5 * 3600), "1.5 h"},
		{"hours_up_to_two_days", duration(19 * 3600), "19 h"},
		{"days_beyond", duration(3.2 * 86400), "3.2 days"},
		{"two_days", duration(2 * 86400), "2 days"},
		{"percent", percent(0.075), "7.5%"},
		{"whole_percent", percent(0.1), "10%"},
		{"per_week", frequency(dora.DeploymentFrequency{PerDay: 3.2 / 7, PerWeek: 3.2}), "3.2 / week"},
		{"per_day", frequency(dora.DeploymentFrequency{PerDay: 4.3, PerWeek: 30.1}), "4.3 / day"},
		{"per_month", frequency(dora.DeploymentFrequency{PerDay: 0.05, PerWeek: 0.35}), "1.5 / month"},
		{"thousands", count(12345), "12,345"},
		{"bound_in_days", humanSpan(7 * 86400), "7 days"},
		{"bound_in_hours", humanSpan(3600), "1 h"},
		{"twelve_of_fifty_two", fraction(12.0 / 52), "0.23"},
		{"week_label", periodLabel("2026-09-07", false), "7 Sep"},
		{"month_label", periodLabel("2026-09-01", true), "Sep 2026"},
		{"window_across_months", window(day("2026-08-31"), day("2026-11-30"), time.UTC), "31 Aug – 29 Nov 2026"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestBenchmarkLadderPrintsEveryLevel(t *testing.T) {
	b, _ := dora.LookupBenchmark("dora-2021")
	rows := ladderRows(b)
	if got := rows[2].ChangeFailure; got != "—" {
		t.Errorf("dora-2021 has no medium change fail rate band, got %q", got)
	}
	if got := rows[3].ChangeFailure; got != "> 30%" {
		t.Errorf("low change fail rate reads %q, want > 30%%", got)
	}
	if got := rows[0].DeployDays; got != "≥ 5 days / week" {
		t.Errorf("elite deploy days read %q", got)
	}
}

func TestRegressionsWorstFirst(t *testing.T) {
	in := fixture()
	regs := regressions(in.Current, in.Previous, 5, 10)
	if len(regs) == 0 {
		t.Fatal("no regressions found in the fixture")
	}
	for i := 1; i < len(regs); i++ {
		if regs[i].score > regs[i-1].score {
			t.Errorf("regression %d (%s %s) is worse than the one before it", i, regs[i].Key, regs[i].Metric)
		}
	}
	for _, r := range regs {
		if r.Change.Tone != toneWorse {
			t.Errorf("%s %s is listed but got %s", r.Key, r.Metric, r.Change.Tone)
		}
		// billing's recovery time rose from 1 to 3 recoveries: too few values to call it a trend.
		if r.Key == "billing | ops\nteam" && strings.Contains(r.Metric, "recovery") {
			t.Errorf("a change measured on fewer than min_sample values is listed")
		}
	}
}

func TestMonthlySeriesReadsAsMonths(t *testing.T) {
	in := fixture()
	for i := range in.Current.Series {
		in.Current.Series[i].Period = day("2026-01-01").AddDate(0, i, 0).Format(time.DateOnly)
	}
	out := string(render(t, htmlOf, in))
	for _, want := range []string{"Deployments per month", "Change lead time per month", `"Jan 2026"`, "September 2026"} {
		if !strings.Contains(out, want) {
			t.Errorf("a monthly series does not read as months: %q missing", want)
		}
	}
	if strings.Contains(out, "per week</h3>") {
		t.Errorf("a monthly series is titled per week")
	}
}

func TestTrendNeedsTheOrganisationSeries(t *testing.T) {
	in := fixture()
	for i := range in.Current.Series {
		in.Current.Series[i].Key = "api"
	}
	out := string(render(t, htmlOf, in))
	if !strings.Contains(out, "No trend data") || strings.Contains(out, `id="trend-deployments"`) {
		t.Errorf("series of one group only are drawn as the organisation's trend")
	}
}
