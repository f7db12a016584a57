package report

import (
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// A chart is one figure of the page: either a spec for ECharts or, when there is nothing worth
// drawing, the sentence that says so.
type chart struct {
	ID     string // the element id, fixed so that output is reproducible
	Title  string
	Note   string // one line under the title: what is plotted and how to read it
	Empty  string // set instead of Spec when there is no data
	Height int    // pixels
	Spec   *chartSpec
}

// chartSpec is what the page script hands to ECharts. Tips are plain-text tooltip lines, one
// list per data index (per series and data index when ItemTips is set); the script escapes them.
type chartSpec struct {
	ID       string         `json:"id"`
	Option   map[string]any `json:"option"`
	Tips     any            `json:"tips,omitempty"`
	ItemTips bool           `json:"itemTips,omitempty"`
}

// The palette: one blue for "our numbers", muted greys for scaffolding, level colours for
// thresholds only.
const (
	colInk     = "#1f2933"
	colMuted   = "#66707d"
	colGrid    = "#e8ebef"
	colAxis    = "#c9ced6"
	colPrimary = "#2f5b9a"
	colLight   = "#9bb3d6"
	colBand    = "#cfdbec"
	colTeal    = "#2a8c82"
	colAmber   = "#c27c0e"
	colRed     = "#b4432f"
	fontStack  = `-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`
)

var levelColours = map[string]string{
	"elite": "#0f6e5c", "high": "#6b9a1f", "medium": "#b7791f", "low": "#b4432f",
}

// xy is what every go-echarts rectangular chart offers.
type xy interface {
	Validate()
	JSON() map[string]interface{}
}

// finish turns a go-echarts chart into the spec the page renders, with the house style that
// go-echarts has no option for.
func finish(c xy, id string) *chartSpec {
	c.Validate()
	o := c.JSON()
	o["animation"] = false
	o["textStyle"] = map[string]any{"fontFamily": fontStack, "color": colInk}
	o["color"] = []string{colPrimary, colTeal, colAmber, colLight, colRed}
	return &chartSpec{ID: id, Option: o}
}

func initOpts(id string) charts.GlobalOpts {
	return charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "100%"})
}

func gridOpts(top string) charts.GlobalOpts {
	return charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: top, Bottom: "8", ContainLabel: opts.Bool(true)})
}

func tooltipOpts(trigger string) charts.GlobalOpts {
	return charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger, BackgroundColor: "#ffffff", BorderColor: colAxis})
}

func legendOpts(names ...string) charts.GlobalOpts {
	return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Right: "0", Data: names, ItemWidth: 14, ItemHeight: 8,
		TextStyle: &opts.TextStyle{Color: colMuted, FontSize: 12}})
}

func noLegend() charts.GlobalOpts { return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}) }

func categoryX(labels []string) opts.XAxis {
	return opts.XAxis{Type: "category", Data: labels,
		AxisLabel: &opts.AxisLabel{Color: colMuted, HideOverlap: opts.Bool(true), ShowMinLabel: opts.Bool(true), ShowMaxLabel: opts.Bool(true)},
		AxisTick:  &opts.AxisTick{Show: opts.Bool(false)},
		AxisLine:  &opts.AxisLine{LineStyle: &opts.LineStyle{Color: colAxis}}}
}

func valueY(name string, max any) opts.YAxis {
	return opts.YAxis{Type: "value", Name: name, Min: 0, Max: max, NameGap: 12,
		AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Color: colMuted, ShowMinLabel: opts.Bool(true), ShowMaxLabel: opts.Bool(true)},
		SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colGrid}}}
}

// A unit scales durations for an axis: the largest of days, hours and minutes that keeps the
// data above 1.
type unit struct {
	seconds float64
	name    string
}

func durationUnit(maxSeconds float64) unit {
	switch {
	case maxSeconds >= 3*86400:
		return unit{86400, "days"}
	case maxSeconds >= 3*3600:
		return unit{3600, "hours"}
	}
	return unit{60, "minutes"}
}

// round2 keeps chart data short and stable in the output.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// niceCeil rounds x up to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten.
func niceCeil(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// A threshold is a level bound drawn as a marked line.
type threshold struct {
	value float64 // in the axis unit
	label string
	level string
}

// visibleThresholds keeps the bounds a reader needs to place the data: every bound inside the
// data's range and the first one beyond it when that is near enough not to squash the data. It
// returns the axis maximum that shows them all.
func visibleThresholds(all []threshold, dataMax float64) ([]threshold, float64) {
	var shown []threshold
	top := dataMax
	beyond := false
	for _, t := range sortedByValue(all) {
		if t.value <= dataMax {
			shown = append(shown, t)
			continue
		}
		if !beyond && t.value <= 2.5*dataMax {
			shown = append(shown, t)
			top = t.value
			beyond = true
		}
	}
	return shown, niceCeil(top * 1.12)
}

func sortedByValue(ts []threshold) []threshold {
	out := append([]threshold(nil), ts...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].value < out[j-1].value; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// markLines draws thresholds as dashed lines labelled with their level.
func markLines(ts []threshold) charts.SeriesOpts {
	return charts.WithSeriesOpts(func(s *charts.SingleSeries) {
		if len(ts) == 0 {
			return
		}
		data := make([]any, 0, len(ts))
		for _, t := range ts {
			c := levelColours[t.level]
			if c == "" {
				c = colMuted
			}
			data = append(data, map[string]any{
				"name": t.label, "yAxis": t.value,
				"lineStyle": map[string]any{"color": c, "type": "dashed", "width": 1, "opacity": 0.8},
				"label":     map[string]any{"color": c, "formatter": "{b}", "position": "insideEndTop", "fontSize": 11},
			})
		}
		s.MarkLines = &opts.MarkLines{Data: data, MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"}}}
	})
}

func lineStyle(color string, width float32, dashed bool) charts.SeriesOpts {
	t := "solid"
	if dashed {
		t = "dashed"
	}
	return charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: width, Type: t})
}

// gap is ECharts' marker for a missing value: the line breaks instead of dropping to zero.
const gap = "-"
