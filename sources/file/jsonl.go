package file

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// readJSONL imports one JSON object per line, skipping blank lines.
func readJSONL(im *importer, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	obj := jsonFields{}
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, utf8BOM)
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		clear(obj)
		if err := obj.parse(b); err != nil {
			return im.fail(line, err)
		}
		k, err := obj.kind()
		if err != nil {
			return im.fail(line, err)
		}
		if err := im.add(k, obj, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return im.fail(line+1, errTooLong("line"))
		}
		return fmt.Errorf("read %s: %w", im.name, err)
	}
	return nil
}

var utf8BOM = []byte("\uFEFF")

// jsonFields is one JSONL record, its values still undecoded so that each is checked against
// the type its field needs and a mismatch names the field.
type jsonFields map[string]json.RawMessage

func (f jsonFields) parse(line []byte) error {
	if line[0] != '{' {
		if !json.Valid(line) {
			return invalid("invalid JSON: %s", syntaxError(line))
		}
		return invalid("want a JSON object, got %s", typeOf(line))
	}
	if err := json.Unmarshal(line, &f); err != nil {
		return invalid("invalid JSON: %s", syntaxError(line))
	}
	return nil
}

// syntaxError describes what json.Valid rejected, with the column where it went wrong.
func syntaxError(line []byte) string {
	var v any
	err := json.Unmarshal(line, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (column %d)", se.Error(), se.Offset)
	}
	if err != nil {
		return err.Error()
	}
	return "unreadable"
}

func (f jsonFields) kind() (*kind, error) {
	name, err := f.text("kind")
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalid("missing kind (want deployment, commit, pull_request or incident)")
	}
	k := kindNamed(name)
	if k == nil {
		return nil, invalid("unknown kind %q (want deployment, commit, pull_request or incident)", name)
	}
	return k, nil
}

// value returns the raw value of name; null counts as absent.
func (f jsonFields) value(name string) (json.RawMessage, bool) {
	v, ok := f[name]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

func (f jsonFields) text(name string) (string, error) {
	v, ok := f.value(name)
	if !ok {
		return "", nil
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return "", wrongType(name, "a string", v)
	}
	return s, nil
}

func (f jsonFields) list(name string) ([]string, error) {
	v, ok := f.value(name)
	if !ok {
		return nil, nil
	}
	var items []string
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		return nil, wrongType(name, "a list of strings", v)
	}
	if items == nil {
		items = []string{} // [] is a known, empty list: not the same as absent
	}
	for i, item := range items {
		if item == "" {
			return nil, invalid("%s: item %d is empty", name, i+1)
		}
	}
	return items, nil
}

func (f jsonFields) integer(name string) (int64, error) {
	v, ok := f.value(name)
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, wrongType(name, "an integer", v)
	}
	return n, nil
}

func (f jsonFields) boolean(name string) (bool, error) {
	switch v, _ := f.value(name); string(v) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, wrongType(name, "true or false", v)
	}
}

func wrongType(name, want string, got json.RawMessage) error {
	return invalid("%s: want %s, got %s", name, want, typeOf(got))
}

// typeOf names the JSON type of v, quoting short values so the user can find them.
func typeOf(v []byte) string {
	var what string
	switch v[0] {
	case '"':
		what = "a string"
	case '[':
		what = "a list"
	case '{':
		what = "an object"
	case 't', 'f':
		what = "a boolean"
	case 'n':
		return "null"
	default:
		what = "a number"
	}
	if len(v) <= 40 {
		what += " " + string(v)
	}
	return what
}
