package report

import (
	"github.com/dorareport/dorareport/dora"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// trends are the four charts over the organisation's series.
func (v *view) trends() []chart {
	per := "week"
	if v.monthly {
		per = "month"
	}
	return []chart{v.deployTrend(per), v.leadTimeTrend(per), v.failureTrend(per), v.recoveryTrend(per)}
}

func (v *view) periodLabels() []string {
	labels := make([]string, len(v.series))
	for i, p := range v.series {
		labels[i] = periodLabel(p.Period, v.monthly)
	}
	return labels
}

// noSeries says why a trend is missing, or "" when it can be drawn.
func (v *view) noSeries() string {
	if len(v.series) == 0 {
		return "No trend data: this report was made without a weekly or monthly series."
	}
	return ""
}

func (v *view) deployTrend(per string) chart {
	c := chart{ID: "trend-deployments", Title: "Deployments per " + per,
		Note: "Bars: successful production deployments (left axis). Line: median deploy days a week (right axis), which sets the level.", Height: 300}
	if c.Empty = v.noSeries(); c.Empty != "" {
		return c
	}
	if v.in.Current.Overall.DeploymentFrequency.Deployments == 0 {
		c.Empty = "No deployments in this window."
		return c
	}
	bars := make([]opts.BarData, len(v.series))
	days := make([]opts.LineData, len(v.series))
	tips := make([][]string, len(v.series))
	for i, p := range v.series {
		f := p.DeploymentFrequency
		bars[i] = opts.BarData{Value: f.Deployments}
		days[i] = opts.LineData{Value: round2(f.MedianDeployDaysPerWeek)}
		tips[i] = []string{periodTitle(p.Period, v.monthly), "Deployments: " + count(f.Deployments), "Deploy days: " + count(f.DeployDays)}
		if v.monthly {
			tips[i] = append(tips[i], "Median deploy days a week: "+number(f.MedianDeployDaysPerWeek))
		}
	}
	var ts []threshold
	if v.hasBench {
		ts = ladderThresholds(v.bench.DeployDaysPerWeek, 1, func(x float64) string { return fraction(x) + " days" })
	}
	b := charts.NewBar()
	days2 := opts.YAxis{Type: "value", Min: 0, Max: 7, Position: "right", NameGap: 12,
		AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Color: colMuted}, SplitLine: &opts.SplitLine{Show: opts.Bool(false)}}
	b.SetGlobalOptions(initOpts(c.ID), gridOpts("44"), tooltipOpts("axis"),
		legendOpts("Deployments", "Median deploy days / week"),
		charts.WithXAxisOpts(categoryX(v.periodLabels())), charts.WithYAxisOpts(valueY("", nil)))
	b.ExtendYAxis(days2)
	b.SetXAxis(v.periodLabels()).AddSeries("Deployments", bars,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colLight, BorderRadius: "2"}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarMaxWidth = "28" }))
	line := charts.NewLine()
	line.AddSeries("Median deploy days / week", days,
		charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, Symbol: "circle", SymbolSize: 5, ShowSymbol: opts.Bool(true)}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colPrimary}), lineStyle(colPrimary, 2, false), markLines(ts))
	b.Overlap(line)
	c.Spec = finish(b, c.ID)
	c.Spec.Tips = tips
	return c
}

// ladderThresholds turns a benchmark ladder into marked lines, scaling bounds by 1/scale.
func ladderThresholds(l dora.Ladder, scale float64, format func(float64) string) []threshold {
	op := comparison(l, false)
	ts := make([]threshold, 0, len(l.Bounds))
	for i, b := range l.Bounds {
		ts = append(ts, threshold{value: round2(b / scale), label: string(l.Levels[i]) + " " + op + " " + format(b), level: string(l.Levels[i])})
	}
	return ts
}

func (v *view) leadTimeTrend(per string) chart {
	c := chart{ID: "trend-lead-time", Title: "Change lead time per " + per,
		Note: "Median with the p75–p90 band: the band shows how long the slower changes wait.", Height: 300}
	if c.Empty = v.noSeries(); c.Empty != "" {
		return c
	}
	var top float64
	any := false
	for _, p := range v.series {
		if p.LeadTime.Median != nil {
			any = true
			top = max(top, *p.LeadTime.Median)
		}
		if p.LeadTime.P90 != nil {
			top = max(top, *p.LeadTime.P90)
		}
	}
	if !any {
		c.Empty = "No change reached production in this window, so there is no lead time."
		return c
	}
	u := durationUnit(top)
	median := make([]opts.LineData, len(v.series))
	p75 := make([]opts.LineData, len(v.series))
	band := make([]opts.LineData, len(v.series))
	tips := make([][]string, len(v.series))
	for i, p := range v.series {
		lt := p.LeadTime
		median[i], p75[i], band[i] = opts.LineData{Value: gap}, opts.LineData{Value: gap}, opts.LineData{Value: gap}
		tips[i] = []string{periodTitle(p.Period, v.monthly)}
		if lt.Median == nil {
			tips[i] = append(tips[i], "No changes deployed")
			continue
		}
		median[i].Value = round2(*lt.Median / u.seconds)
		if lt.P75 != nil && lt.P90 != nil {
			p75[i].Value = round2(*lt.P75 / u.seconds)
			band[i].Value = round2((*lt.P90 - *lt.P75) / u.seconds)
		}
		tips[i] = append(tips[i], "Median: "+duration(*lt.Median), "p75: "+durationOrDash(lt.P75), "p90: "+durationOrDash(lt.P90), "Changes: "+count(lt.N))
	}
	var ts []threshold
	if v.hasBench {
		ts = ladderThresholds(v.bench.LeadTime, u.seconds, humanSpan)
	}
	ts, axisMax := visibleThresholds(ts, top/u.seconds)
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(c.ID), gridOpts("44"), tooltipOpts("axis"), legendOpts("Median", "p75–p90"),
		charts.WithXAxisOpts(categoryX(v.periodLabels())), charts.WithYAxisOpts(valueY(u.name, axisMax)))
	noSymbol := charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false), Symbol: "none"})
	l.SetXAxis(v.periodLabels()).
		AddSeries("p75", p75, noSymbol, charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)})).
		AddSeries("p75–p90", band, noSymbol, charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
			charts.WithAreaStyleOpts(opts.AreaStyle{Color: colBand, Opacity: opts.Float(1)}), charts.WithItemStyleOpts(opts.ItemStyle{Color: colBand})).
		AddSeries("Median", median, charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 5, ShowSymbol: opts.Bool(true)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colPrimary}), lineStyle(colPrimary, 2, false), markLines(ts))
	c.Spec = finish(l, c.ID)
	c.Spec.Tips = tips
	return c
}

func (v *view) failureTrend(per string) chart {
	c := chart{ID: "trend-change-fail-rate", Title: "Change fail rate per " + per,
		Note: "Share of deployments that failed, with the rework rate (unplanned deployments) dashed.", Height: 300}
	if c.Empty = v.noSeries(); c.Empty != "" {
		return c
	}
	if v.in.Current.Overall.ChangeFailureRate.Rate == nil {
		c.Empty = "No deployments in this window, so no change fail rate."
		return c
	}
	cfr := make([]opts.LineData, len(v.series))
	rework := make([]opts.LineData, len(v.series))
	tips := make([][]string, len(v.series))
	var top float64
	for i, p := range v.series {
		f, r := p.ChangeFailureRate, p.ReworkRate
		cfr[i], rework[i] = opts.LineData{Value: gap}, opts.LineData{Value: gap}
		tips[i] = []string{periodTitle(p.Period, v.monthly)}
		if f.Rate == nil {
			tips[i] = append(tips[i], "No deployments")
			continue
		}
		cfr[i].Value = round2(*f.Rate * 100)
		top = max(top, *f.Rate*100)
		tips[i] = append(tips[i], "Change fail rate: "+percent(*f.Rate)+" ("+count(f.Failed)+" of "+count(f.Deployments)+")")
		if r.Rate != nil {
			rework[i].Value = round2(*r.Rate * 100)
			top = max(top, *r.Rate*100)
			tips[i] = append(tips[i], "Rework rate: "+percent(*r.Rate)+" ("+count(r.Rework)+" of "+count(r.Deployments)+")")
		}
	}
	var ts []threshold
	if v.hasBench {
		ts = ladderThresholds(v.bench.ChangeFailureRate, 0.01, percent)
	}
	ts, axisMax := visibleThresholds(ts, top)
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(c.ID), gridOpts("44"), tooltipOpts("axis"), legendOpts("Change fail rate", "Rework rate"),
		charts.WithXAxisOpts(categoryX(v.periodLabels())), charts.WithYAxisOpts(valueY("%", axisMax)))
	l.SetXAxis(v.periodLabels()).
		AddSeries("Change fail rate", cfr, charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 5, ShowSymbol: opts.Bool(true)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colPrimary}), lineStyle(colPrimary, 2, false), markLines(ts)).
		AddSeries("Rework rate", rework, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Symbol: "none"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colMuted}), lineStyle(colMuted, 1.5, true))
	c.Spec = finish(l, c.ID)
	c.Spec.Tips = tips
	return c
}

func (v *view) recoveryTrend(per string) chart {
	c := chart{ID: "trend-recovery-time", Title: "Failed deployment recovery time per " + per,
		Note: "Median time from a failed deployment to restored service; weeks without a recovery are skipped.", Height: 300}
	if v.monthly {
		c.Note = "Median time from a failed deployment to restored service; months without a recovery are skipped."
	}
	if c.Empty = v.noSeries(); c.Empty != "" {
		return c
	}
	var top float64
	any := false
	for _, p := range v.series {
		if p.RecoveryTime.Median != nil {
			any = true
			top = max(top, *p.RecoveryTime.Median)
		}
	}
	if !any {
		c.Empty = "No failed deployment recovered in this window."
		if v.in.Current.Overall.ChangeFailureRate.Failed == 0 {
			c.Empty = "No failed deployments in this window: nothing to recover from."
		}
		return c
	}
	u := durationUnit(top)
	median := make([]opts.LineData, len(v.series))
	tips := make([][]string, len(v.series))
	for i, p := range v.series {
		r := p.RecoveryTime
		median[i] = opts.LineData{Value: gap}
		tips[i] = []string{periodTitle(p.Period, v.monthly)}
		if r.Median != nil {
			median[i].Value = round2(*r.Median / u.seconds)
			tips[i] = append(tips[i], "Median recovery: "+duration(*r.Median), "Recovered: "+count(r.N))
		} else {
			tips[i] = append(tips[i], "No recovery")
		}
		if r.Open > 0 {
			tips[i] = append(tips[i], "Still open: "+count(r.Open))
		}
	}
	var ts []threshold
	if v.hasBench {
		ts = ladderThresholds(v.bench.RecoveryTime, u.seconds, humanSpan)
	}
	ts, axisMax := visibleThresholds(ts, top/u.seconds)
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(c.ID), gridOpts("44"), tooltipOpts("axis"), legendOpts("Median recovery"),
		charts.WithXAxisOpts(categoryX(v.periodLabels())), charts.WithYAxisOpts(valueY(u.name, axisMax)))
	l.SetXAxis(v.periodLabels()).
		AddSeries("Median recovery", median, charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 6, ShowSymbol: opts.Bool(true), ConnectNulls: opts.Bool(true)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colTeal}), lineStyle(colTeal, 2, false), markLines(ts))
	c.Spec = finish(l, c.ID)
	c.Spec.Tips = tips
	return c
}
