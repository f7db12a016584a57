package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// writeMetricsCSV writes one row per scope (overall, each group, each series point). The metric
// columns are the JSON names of dora.Values joined by dots (lead_time.median_seconds), derived
// from the type so that CSV and JSON never disagree; numbers keep full precision and a missing
// value (a quantile without values) is an empty cell.
func writeMetricsCSV(w io.Writer, m *dora.Metrics) error {
	cw := csv.NewWriter(w)
	header := []string{"scope", "by", "key", "period", "since", "until", "benchmarks"}
	header = append(header, valueColumns(reflect.TypeOf(dora.Values{}), "")...)
	if err := cw.Write(header); err != nil {
		return err
	}
	since, until := m.Since.Format(time.RFC3339), m.Until.Format(time.RFC3339)
	row := func(scope, by, key, period string, v dora.Values) error {
		r := []string{scope, by, key, period, since, until, m.Benchmarks}
		return cw.Write(appendValueCells(r, reflect.ValueOf(v)))
	}
	if err := row("overall", "", "", "", m.Overall); err != nil {
		return err
	}
	for _, g := range m.Groups {
		if err := row("group", string(g.By), g.Key, "", g.Values); err != nil {
			return err
		}
	}
	var by string
	if len(m.Groups) > 0 {
		by = string(m.Groups[0].By)
	}
	for _, p := range m.Series {
		pointBy := by
		if p.Key == dora.SeriesKeyAll {
			pointBy = ""
		}
		if err := row("series", pointBy, p.Key, p.Period, p.Values); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonName is a field's JSON name, "" for a field JSON leaves out, and whether it is embedded
// (its fields belong to the parent).
func jsonName(f reflect.StructField) (name string, embedded bool) {
	name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" || !f.IsExported() {
		return "", false
	}
	if f.Anonymous && name == "" {
		return "", true
	}
	if name == "" {
		name = f.Name
	}
	return name, false
}

func valueColumns(t reflect.Type, prefix string) []string {
	var cols []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, embedded := jsonName(f)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case embedded:
			cols = append(cols, valueColumns(ft, prefix)...)
		case name == "":
		case ft.Kind() == reflect.Struct:
			cols = append(cols, valueColumns(ft, prefix+name+".")...)
		default:
			cols = append(cols, prefix+name)
		}
	}
	return cols
}

func appendValueCells(cells []string, v reflect.Value) []string {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, embedded := jsonName(f)
		if name == "" && !embedded {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				if fv.Type().Elem().Kind() == reflect.Struct {
					cells = append(cells, make([]string, len(valueColumns(fv.Type().Elem(), "")))...)
				} else {
					cells = append(cells, "")
				}
				continue
			}
			fv = fv.Elem()
		}
		if fv.Kind() == reflect.Struct {
			cells = appendValueCells(cells, fv)
			continue
		}
		cells = append(cells, cell(fv))
	}
	return cells
}

func cell(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		// The shortest representation that reads back as the same float64: full precision.
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return fmt.Sprint(v.Interface())
}
