package file

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// readJSONL imports one JSON object per line, skipping blank lines.
func readJSONL(im *importer, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	obj := &jsonFields{}
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
// the type its field needs and a mismatch names the field. The line is split by hand rather
// than decoded into a map: after json.Valid has vouched for it, finding the top-level members
// is a short scan, and it makes reading several times faster than reflection.
type jsonFields struct {
	members []member
}

type member struct {
	key   []byte // unquoted
	value []byte // raw JSON
}

func (f *jsonFields) parse(line []byte) error {
	if !json.Valid(line) {
		return invalid("invalid JSON: %s", syntaxError(line))
	}
	if line[0] != '{' {
		return invalid("want one JSON object per line, got %s", typeOf(line))
	}
	f.members = f.members[:0]
	for i := 1; ; {
		i = skipSpace(line, i)
		switch line[i] {
		case '}':
			return nil
		case ',':
			i++
			continue
		}
		end := stringEnd(line, i)
		key := unquote(line[i:end])
		i = skipSpace(line, end) + 1 // past the colon
		i = skipSpace(line, i)
		end = valueEnd(line, i)
		f.members = append(f.members, member{key, line[i:end]})
		i = end
	}
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

// The scanners below assume valid JSON, which json.Valid has checked.

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that starts at b[i].
func stringEnd(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// valueEnd returns the index just past the value that starts at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\r', '\n', ',', '}', ']':
			return i
		}
	}
	return i
}

// unquote decodes a JSON string literal as encoding/json does, invalid UTF-8 becoming U+FFFD.
func unquote(lit []byte) []byte {
	inner := lit[1 : len(lit)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	var s string
	json.Unmarshal(lit, &s) // cannot fail on a literal json.Valid accepted
	return []byte(s)
}

func (f *jsonFields) kind() (*kind, error) {
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

// value returns the raw value of name; null counts as absent. Of two members with one name the
// last counts, as with encoding/json.
func (f *jsonFields) value(name string) ([]byte, bool) {
	for i := len(f.members) - 1; i >= 0; i-- {
		if m := f.members[i]; string(m.key) == name {
			return m.value, string(m.value) != "null"
		}
	}
	return nil, false
}

func (f *jsonFields) text(name string) (string, error) {
	v, ok := f.value(name)
	if !ok {
		return "", nil
	}
	if v[0] != '"' {
		return "", wrongType(name, "a string", v)
	}
	return string(unquote(v)), nil
}

func (f *jsonFields) list(name string) ([]string, error) {
	v, ok := f.value(name)
	if !ok {
		return nil, nil
	}
	if v[0] != '[' {
		return nil, wrongType(name, "a list of strings", v)
	}
	items := []string{} // [] is a known, empty list: not the same as absent
	for i := 1; ; {
		i = skipSpace(v, i)
		switch v[i] {
		case ']':
			return items, nil
		case ',':
			i++
			continue
		case '"':
		default:
			return nil, wrongType(name, "a list of strings", v)
		}
		end := stringEnd(v, i)
		item := string(unquote(v[i:end]))
		if item == "" {
			return nil, invalid("%s: item %d is empty", name, len(items)+1)
		}
		items = append(items, item)
		i = end
	}
}

func (f *jsonFields) integer(name string) (int64, error) {
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

func (f *jsonFields) boolean(name string) (bool, error) {
	switch v, _ := f.value(name); string(v) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, wrongType(name, "true or false", v)
	}
}

func wrongType(name, want string, got []byte) error {
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
