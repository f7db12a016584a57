package report

import (
	"math"
	"slices"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func (v *view) leadTimeHistogram() chart {
	c := chart{ID: "lead-time-histogram", Title: "Lead time distribution",
		Note: "How many changes reached production within each span.", Height: 280}
	buckets := v.details.LeadTimeHistogram
	total := 0
	for _, b := range buckets {
		total += b.Count
	}
	if total == 0 {
		c.Empty = "No change reached production in this window."
		return c
	}
	labels := make([]string, len(buckets))
	data := make([]opts.BarData, len(buckets))
	tips := make([][]string, len(buckets))
	for i, b := range buckets {
		labels[i] = b.Label
		data[i] = opts.BarData{Value: b.Count}
		tips[i] = []string{b.Label, plural(b.Count, "change", "changes") + " (" + percent(float64(b.Count)/float64(total)) + ")"}
	}
	b := charts.NewBar()
	b.SetGlobalOptions(initOpts(c.ID), gridOpts("28"), tooltipOpts("axis"), noLegend(),
		charts.WithXAxisOpts(categoryX(labels)), charts.WithYAxisOpts(valueY("changes", nil)))
	b.SetXAxis(labels).AddSeries("Changes", data, charts.WithItemStyleOpts(opts.ItemStyle{Color: colPrimary, BorderRadius: "2"}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarCategoryGap = "18%" }))
	c.Spec = finish(b, c.ID)
	c.Spec.Tips = tips
	return c
}

// A stage is one step of a pull request's way to production.
type stage struct {
	Name, Meaning string
	Q             dora.Quantiles
}

func (v *view) stages() []stage {
	s := v.details.Stages
	return []stage{
		{"Coding", "first commit → pull request opened", s.Coding},
		{"Review", "opened → merged", s.Review},
		{"Deploy", "merged → deployed to production", s.Deploy},
	}
}

func (v *view) stageChart() chart {
	c := chart{ID: "lead-time-stages", Title: "Where lead time goes",
		Note: "Median and p75 of each stage, for changes that came through a pull request.", Height: 280}
	stages := v.stages()
	var top float64
	for _, s := range stages {
		for _, q := range []*float64{s.Q.Median, s.Q.P75} {
			if q != nil {
				top = max(top, *q)
			}
		}
	}
	if top == 0 && stages[0].Q.N+stages[1].Q.N+stages[2].Q.N == 0 {
		c.Empty = "No pull request data for a stage breakdown in this window."
		return c
	}
	u := durationUnit(top)
	c.Note = "Median and p75 of each stage in " + u.name + ", for changes that came through a pull request."
	names := make([]string, len(stages))
	med := make([]opts.BarData, len(stages))
	p75 := make([]opts.BarData, len(stages))
	tips := make([][]string, len(stages))
	for i, s := range stages {
		names[i] = s.Name
		med[i], p75[i] = opts.BarData{Value: gap}, opts.BarData{Value: gap}
		if s.Q.Median != nil {
			med[i].Value = round2(*s.Q.Median / u.seconds)
		}
		if s.Q.P75 != nil {
			p75[i].Value = round2(*s.Q.P75 / u.seconds)
		}
		tips[i] = []string{s.Name + ": " + s.Meaning, "Median: " + durationOrDash(s.Q.Median), "p75: " + durationOrDash(s.Q.P75),
			"p90: " + durationOrDash(s.Q.P90), "Pull requests: " + count(s.Q.N)}
	}
	b := charts.NewBar()
	x := valueY(u.name, nil)
	b.SetGlobalOptions(initOpts(c.ID), gridOpts("32"), tooltipOpts("axis"), legendOpts("Median", "p75"),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0,
			AxisLabel: x.AxisLabel, SplitLine: x.SplitLine}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Color: colInk, FontSize: 13},
			AxisLine:  &opts.AxisLine{LineStyle: &opts.LineStyle{Color: colAxis}}}))
	b.SetXAxis(names).
		AddSeries("Median", med, charts.WithItemStyleOpts(opts.ItemStyle{Color: colPrimary, BorderRadius: "2"})).
		AddSeries("p75", p75, charts.WithItemStyleOpts(opts.ItemStyle{Color: colLight, BorderRadius: "2"}))
	b.XYReversal()
	c.Spec = finish(b, c.ID)
	c.Spec.Tips = tips
	return c
}

func (v *view) calendar() chart {
	c := chart{ID: "deploy-calendar", Title: "Calendar",
		Note: "Each square is a day; the darker, the more successful production deployments."}
	cur := v.in.Current
	first := cur.Since.In(v.loc)
	last := cur.Until.Add(-time.Nanosecond).In(v.loc)
	weeks := int(math.Ceil(last.Sub(first).Hours()/24/7)) + 1
	cell := min(max(900/weeks, 11), 26)
	c.Height = 7*cell + 78
	var days []dora.DayCount
	most := 0
	for _, d := range v.details.DeployDays {
		if d.Deployments > 0 {
			days = append(days, d)
			most = max(most, d.Deployments)
		}
	}
	if len(days) == 0 {
		c.Empty = "No deployments in this window."
		return c
	}
	data := make([]opts.HeatMapData, len(days))
	tips := make([][]string, len(days))
	for i, d := range days {
		data[i] = opts.HeatMapData{Value: [2]any{d.Day, d.Deployments}}
		label := d.Day
		if t, err := time.Parse(time.DateOnly, d.Day); err == nil {
			label = t.Format("Monday 2 January 2006")
		}
		tips[i] = []string{label, plural(d.Deployments, "deployment", "deployments")}
	}
	h := charts.NewHeatMap()
	h.SetGlobalOptions(initOpts(c.ID), tooltipOpts("item"), noLegend(),
		charts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Min: 0, Max: float32(most), Show: opts.Bool(true),
			Orient: "horizontal", Left: "center", Bottom: "0", Text: []string{"more", "fewer"}, Calculable: opts.Bool(false),
			InRange:   &opts.VisualMapInRange{Color: []string{"#e3ebf6", colPrimary}},
			TextStyle: &opts.TextStyle{Color: colMuted, FontSize: 11}}))
	h.AddCalendar(&opts.Calendar{})
	h.AddSeries("Deployments", data, charts.WithCoordinateSystem("calendar"))
	c.Spec = finish(h, c.ID)
	// go-echarts types cellSize as a string; ECharts wants numbers, so the calendar is given whole.
	cal := map[string]any{
		"left": "center", "top": 24, "orient": "horizontal", "cellSize": []any{cell, cell},
		"range":      []string{first.Format(time.DateOnly), last.Format(time.DateOnly)},
		"itemStyle":  map[string]any{"color": "#f6f7f9", "borderColor": "#ffffff", "borderWidth": 2},
		"splitLine":  map[string]any{"show": false},
		"dayLabel":   map[string]any{"firstDay": 1, "color": colMuted, "fontSize": 10, "nameMap": []string{"S", "M", "T", "W", "T", "F", "S"}},
		"monthLabel": map[string]any{"color": colMuted, "fontSize": 11},
		"yearLabel":  map[string]any{"show": false},
	}
	if weeks > 80 {
		cal["cellSize"], cal["left"], cal["right"] = []any{"auto", cell}, 36, 16
	}
	c.Spec.Option["calendar"] = []any{cal}
	c.Spec.Tips = [][][]string{tips}
	c.Spec.ItemTips = true
	return c
}

// incidentTimeline plots each incident at its start, one row per service, sized by how long it
// lasted and coloured by whether a deployment was blamed for it.
func (v *view) incidentTimeline() chart {
	c := chart{ID: "incident-timeline", Title: "Incident timeline",
		Note: "One dot per incident at its start, larger for longer outages; red when attributed to a deployment."}
	incidents := v.details.Incidents
	if len(incidents) == 0 {
		c.Empty = "No incidents started in this window."
		c.Height = 0
		return c
	}
	var services []string
	for _, in := range incidents {
		if !slices.Contains(services, in.Service) {
			services = append(services, in.Service)
		}
	}
	slices.Sort(services)
	c.Height = min(max(26*len(services)+90, 180), 560)
	var attributed, unattributed []opts.ScatterData
	var tipsA, tipsU [][]string
	for _, in := range incidents {
		// The axis runs in UTC; shifting by the report zone's offset makes its labels read in that zone.
		_, offset := in.StartedAt.In(v.loc).Zone()
		x := in.StartedAt.UnixMilli() + int64(offset)*1000
		y := slices.Index(services, in.Service)
		size, lasted := 9, "unresolved"
		if in.ResolvedAt != nil {
			d := in.ResolvedAt.Sub(in.StartedAt).Seconds()
			size = min(max(int(7+3*math.Log2(1+d/3600)), 7), 24)
			lasted = "restored after " + duration(d)
		}
		point := opts.ScatterData{Value: []any{x, y}, SymbolSize: size}
		if in.ResolvedAt == nil {
			point.Symbol = "diamond"
		}
		tip := []string{in.Title, in.Service + severityNote(in.Severity), "Started " + in.StartedAt.In(v.loc).Format(dateTimeLayout) + ", " + lasted, attributionText(in, v.defs)}
		if in.DeploymentID != "" {
			attributed = append(attributed, point)
			tipsA = append(tipsA, tip)
		} else {
			unattributed = append(unattributed, point)
			tipsU = append(tipsU, tip)
		}
	}
	cur := v.in.Current
	_, so := cur.Since.In(v.loc).Zone()
	_, uo := cur.Until.In(v.loc).Zone()
	s := charts.NewScatter()
	s.SetGlobalOptions(initOpts(c.ID), gridOpts("36"), tooltipOpts("item"), legendOpts("Attributed to a deployment", "Unattributed"),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Min: cur.Since.UnixMilli() + int64(so)*1000, Max: cur.Until.UnixMilli() + int64(uo)*1000,
			AxisLabel: &opts.AxisLabel{Color: colMuted, HideOverlap: opts.Bool(true)},
			SplitLine: &opts.SplitLine{Show: opts.Bool(false)},
			AxisLine:  &opts.AxisLine{LineStyle: &opts.LineStyle{Color: colAxis}}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: services,
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Color: colInk, Width: 140, Overflow: "truncate"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colGrid}},
			AxisLine:  &opts.AxisLine{LineStyle: &opts.LineStyle{Color: colAxis}}}))
	s.AddSeries("Attributed to a deployment", attributed, charts.WithItemStyleOpts(opts.ItemStyle{Color: colRed, Opacity: opts.Float(0.8)}))
	s.AddSeries("Unattributed", unattributed, charts.WithItemStyleOpts(opts.ItemStyle{Color: colAmber, Opacity: opts.Float(0.8)}))
	c.Spec = finish(s, c.ID)
	c.Spec.Option["useUTC"] = true
	c.Spec.Tips = [][][]string{tipsA, tipsU}
	c.Spec.ItemTips = true
	return c
}

func severityNote(s string) string {
	if s == "" {
		return ""
	}
	return " · " + s
}

// attributionText says which deployment an incident was blamed on, and by which rule.
func attributionText(in dora.IncidentDetail, d dora.Definitions) string {
	switch {
	case in.DeploymentID == "":
		return "Unattributed: no deployment of the service within " + humanWindow(d.IncidentWindow.Seconds()) + " before it"
	case in.Attribution == dora.AttributedExplicitly:
		return "Caused by deployment " + in.DeploymentID + " (named by the incident)"
	case in.Attribution == dora.AttributedByWindow:
		return "Attributed to deployment " + in.DeploymentID + " (latest deployment within " + humanWindow(d.IncidentWindow.Seconds()) + ")"
	}
	return "Attributed to deployment " + in.DeploymentID
}
