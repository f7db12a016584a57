package file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// validator is a sink that checks records as dora.Writer does and stores nothing, so fuzzing
// runs at the speed of the readers.
type validator struct{}

func (validator) Deployment(d dora.Deployment) error   { return d.Validate() }
func (validator) Commit(c dora.Commit) error           { return c.Validate() }
func (validator) PullRequest(p dora.PullRequest) error { return p.Validate() }
func (validator) Incident(i dora.Incident) error       { return i.Validate() }

// checkRead fails on anything but success or a *LineError that wraps dora.ErrInvalid and names a
// line: no panic, no rejection without a place, no error that would be mistaken for a failure
// of the machine.
func checkRead(t *testing.T, name string, data []byte, opts Options) {
	_, err := read(context.Background(), name, bytes.NewReader(data), opts, validator{})
	if err == nil {
		return
	}
	var le *LineError
	if !errors.As(err, &le) || !errors.Is(err, dora.ErrInvalid) || le.Line < 1 || le.File != name {
		t.Fatalf("%q: err = %v (%T), want nil or a *LineError wrapping dora.ErrInvalid", data, err, err)
	}
}

// splitsLikeEncodingJSON checks the hand-written splitting of a JSON object against decoding it
// into a map with encoding/json: the same members, the same raw values.
func splitsLikeEncodingJSON(t *testing.T, line []byte) {
	var want map[string]json.RawMessage
	if json.Unmarshal(line, &want) != nil || want == nil {
		return
	}
	var f jsonFields
	if err := f.parse(line); err != nil {
		t.Fatalf("%q: %v; encoding/json reads it", line, err)
	}
	for _, m := range f.members {
		if _, ok := want[string(m.key)]; !ok {
			t.Fatalf("%q: member %q that encoding/json does not see", line, m.key)
		}
	}
	for key, raw := range want {
		got, ok := f.value(key)
		if string(raw) == "null" {
			if ok {
				t.Fatalf("%q: %s is null but reads as present", line, key)
			}
			continue
		}
		if !ok || !bytes.Equal(got, raw) {
			t.Fatalf("%q: %s = %q, encoding/json reads %q", line, key, got, raw)
		}
	}
}

// The seeds are in testdata/fuzz, and FuzzCSV adds the CSV files of testdata/csv. They are kept
// short: the fuzzer minimizes every input that finds new code, and a long one takes minutes.

func FuzzJSONL(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.jsonl", data, Options{})
		for _, line := range bytes.Split(data, []byte{'\n'}) {
			splitsLikeEncodingJSON(t, bytes.TrimSpace(line))
		}
	})
}

func FuzzCSV(f *testing.F) {
	for i, k := range kinds {
		data, err := os.ReadFile("testdata/csv/" + k.plural + ".csv")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		checkRead(t, "fuzz.csv", data, Options{Kind: kinds[int(kind)%len(kinds)].name})
	})
}
