package file

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvReader imports a CSV file whose rows are all of kind k.
func csvReader(k *kind) func(*importer, io.Reader) error {
	return func(im *importer, r io.Reader) error {
		lim := &recordLimit{r: r}
		cr := csv.NewReader(lim)
		cr.ReuseRecord = true
		header, err := cr.Read()
		if err == io.EOF {
			return nil // an empty file holds no records
		}
		if err != nil {
			return im.csvError(lim, err)
		}
		row, err := newCSVFields(k, header)
		if err != nil {
			return im.fail(1, err)
		}
		for {
			lim.reset()
			cells, err := cr.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return im.csvError(lim, err)
			}
			line, _ := cr.FieldPos(0)
			row.cells = cells
			if err := row.check(); err != nil {
				return im.fail(line, err)
			}
			if err := im.add(k, row, line); err != nil {
				return err
			}
		}
	}
}

// csvError places an error of the CSV reader: a syntax error at its line, a record over the
// limit at the line where it crossed it.
func (im *importer) csvError(lim *recordLimit, err error) error {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errRecordTooLong):
		return im.fail(lim.lines+1, errTooLong("record"))
	case errors.As(err, &pe):
		return im.fail(pe.Line, invalid("%s", csvReason(pe)))
	}
	return fmt.Errorf("read %s: %w", im.name, err)
}

func csvReason(pe *csv.ParseError) string {
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return "the row has a different number of fields than the header"
	}
	return fmt.Sprintf("%s (column %d)", pe.Err, pe.Column)
}

// csvFields is one CSV row, read by the column names of the header.
type csvFields struct {
	kind    *kind
	columns map[string]int // field name -> cell index
	names   []string       // cell index -> field name
	cells   []string
}

func newCSVFields(k *kind, header []string) (*csvFields, error) {
	f := &csvFields{kind: k, columns: make(map[string]int, len(header)), names: make([]string, len(header))}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // spreadsheets like to start with a BOM
		}
		name = strings.ToLower(strings.TrimSpace(name))
		f.names[i] = name
		if name == "" {
			continue
		}
		if _, dup := f.columns[name]; dup {
			return nil, invalid("column %q appears twice in the header", name)
		}
		f.columns[name] = i
	}
	for _, name := range k.columns {
		if _, ok := f.columns[name]; !ok {
			return nil, invalid("the header lacks the required column %q (a %s needs %s)", name, k.name, strings.Join(k.columns, ", "))
		}
	}
	return f, nil
}

// check rejects what DuckDB could not store and a row of another kind in a file that says
// which kind each row is.
func (f *csvFields) check() error {
	for i, c := range f.cells {
		if !utf8.ValidString(c) {
			return invalid("column %d (%q): not valid UTF-8", i+1, f.names[i])
		}
	}
	if k, _ := f.text("kind"); k != "" && k != f.kind.name {
		return invalid("kind %q in a file of %s", k, f.kind.plural)
	}
	return nil
}

// cell returns the trimmed cell of name; "" when the column is absent or the cell empty.
func (f *csvFields) cell(name string) string {
	i, ok := f.columns[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(f.cells[i])
}

func (f *csvFields) text(name string) (string, error) { return f.cell(name), nil }

// list splits a cell at ";". An empty cell is absent (unknown); a cell of a lone ";" is a known,
// empty list.
func (f *csvFields) list(name string) ([]string, error) {
	c := f.cell(name)
	switch c {
	case "":
		return nil, nil
	case ";":
		return []string{}, nil
	}
	items := strings.Split(c, ";")
	for i, item := range items {
		items[i] = strings.TrimSpace(item)
		if items[i] == "" {
			return nil, invalid(`%s: item %d of %q is empty (separate items with ";"; a lone ";" is an empty list)`, name, i+1, c)
		}
	}
	return items, nil
}

func (f *csvFields) integer(name string) (int64, error) {
	c := f.cell(name)
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil {
		return 0, invalid("%s: %q is not an integer", name, c)
	}
	return n, nil
}

func (f *csvFields) boolean(name string) (bool, error) {
	switch c := f.cell(name); {
	case c == "" || strings.EqualFold(c, "false"):
		return false, nil
	case strings.EqualFold(c, "true"):
		return true, nil
	default:
		return false, invalid("%s: %q is not true or false", name, c)
	}
}

// recordLimit fails the read once the current record has run past maxLine bytes, so a file
// without line breaks (or with an unclosed quote) cannot make the CSV reader hold it whole. It
// counts line breaks to say where that happened.
type recordLimit struct {
	r     io.Reader
	size  int
	lines int
}

var errRecordTooLong = errors.New("record too long")

func (l *recordLimit) reset() { l.size = 0 }

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.size > maxLine {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.size += n
	l.lines += bytes.Count(p[:n], []byte{'\n'})
	return n, err
}
