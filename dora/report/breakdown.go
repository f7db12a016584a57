package report

import (
	"strconv"

	"github.com/dorareport/dorareport/dora"
)

// A breakdown is one table of groups, one per grouping dimension present in the metrics.
type breakdown struct {
	By   string
	Rows []breakdownRow
}

// A cell shows Text and sorts by Sort (empty sorts last).
type cell struct {
	Text  string
	Sort  string
	Level dora.Level
}

type breakdownRow struct {
	Key                                             string
	Deployments, PerWeek, DeployDays, LeadTime, P90 cell
	FailRate, Recovery, Rework                      cell
}

func sortNum(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }

func (v *view) breakdowns() []breakdown {
	var out []breakdown
	index := map[dora.Dimension]int{}
	for _, g := range v.in.Current.Groups {
		i, ok := index[g.By]
		if !ok {
			i = len(out)
			index[g.By] = i
			out = append(out, breakdown{By: string(g.By)})
		}
		out[i].Rows = append(out[i].Rows, groupRow(g))
	}
	return out
}

func groupRow(g dora.Group) breakdownRow {
	df, lt, cfr, rt, rr := g.DeploymentFrequency, g.LeadTime, g.ChangeFailureRate, g.RecoveryTime, g.ReworkRate
	r := breakdownRow{
		Key:         g.Key,
		Deployments: cell{Text: count(df.Deployments), Sort: strconv.Itoa(df.Deployments)},
		PerWeek:     cell{Text: number(df.PerWeek), Sort: sortNum(df.PerWeek)},
		DeployDays:  cell{Text: number(df.MedianDeployDaysPerWeek), Sort: sortNum(df.MedianDeployDaysPerWeek), Level: df.Level},
		LeadTime:    quantileCell(lt.Median, lt.Level),
		P90:         quantileCell(lt.P90, ""),
		FailRate:    rateCell(cfr.Rate, cfr.Level),
		Recovery:    quantileCell(rt.Median, rt.Level),
		Rework:      rateCell(rr.Rate, ""),
	}
	if df.Deployments == 0 {
		r.PerWeek.Text, r.DeployDays.Text = "—", "—"
	}
	return r
}

func quantileCell(q *float64, l dora.Level) cell {
	if q == nil {
		return cell{Text: "—", Level: l}
	}
	return cell{Text: duration(*q), Sort: sortNum(*q), Level: l}
}

func rateCell(r *float64, l dora.Level) cell {
	if r == nil {
		return cell{Text: "—", Level: l}
	}
	return cell{Text: percent(*r), Sort: sortNum(*r), Level: l}
}
