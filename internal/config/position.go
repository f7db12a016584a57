package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// position returns the line and column of a dotted key ("sources.github", "services[1].name")
// in the file: the key itself for a mapping entry, the element for a sequence index. Zero when
// the key is not in the file.
func (c *Config) position(key string) (line, col int) {
	node := c.body
	var pos *token.Position
	for _, seg := range splitKey(key) {
		node = unwrap(node)
		if seq, ok := node.(*ast.SequenceNode); ok {
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(seq.Values) {
				return 0, 0
			}
			node = seq.Values[i]
			pos = firstToken(node).Position
			continue
		}
		var found bool
		for _, mv := range entries(node) {
			if mv.Key.GetToken().Value == seg {
				node, pos, found = mv.Value, mv.Key.GetToken().Position, true
				break
			}
		}
		if !found {
			return 0, 0
		}
	}
	if pos == nil {
		return 0, 0
	}
	return pos.Line, pos.Column
}

// splitKey splits "services[1].name" into "services", "1", "name".
func splitKey(key string) []string {
	key = strings.NewReplacer("[", ".", "]", "").Replace(key)
	return strings.Split(key, ".")
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

// entries returns the key-value pairs of a mapping; a single-entry mapping is parsed as a bare
// MappingValueNode.
func entries(n ast.Node) []*ast.MappingValueNode {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	}
	return nil
}

// firstToken is the token a node starts at: for a mapping, its first key.
func firstToken(n ast.Node) *token.Token {
	if es := entries(unwrap(n)); len(es) > 0 {
		return es[0].Key.GetToken()
	}
	return n.GetToken()
}

// keyAt returns the dotted key whose key or value token starts at pos.
func keyAt(root ast.Node, pos *token.Position) string {
	var walk func(n ast.Node, key string) string
	walk = func(n ast.Node, key string) string {
		if tag, ok := n.(*ast.TagNode); ok && samePosition(tag.GetToken().Position, pos) {
			return key
		}
		n = unwrap(n)
		if n == nil {
			return ""
		}
		if seq, ok := n.(*ast.SequenceNode); ok {
			for i, v := range seq.Values {
				if k := walk(v, fmt.Sprintf("%s[%d]", key, i)); k != "" {
					return k
				}
			}
			return ""
		}
		if es := entries(n); es != nil {
			for _, mv := range es {
				k := mv.Key.GetToken().Value
				if key != "" {
					k = key + "." + k
				}
				if samePosition(mv.Key.GetToken().Position, pos) {
					return k
				}
				if found := walk(mv.Value, k); found != "" {
					return found
				}
			}
			return ""
		}
		if samePosition(n.GetToken().Position, pos) {
			return key
		}
		return ""
	}
	return walk(root, "")
}

func samePosition(a, b *token.Position) bool {
	return a != nil && b != nil && a.Line == b.Line && a.Column == b.Column
}

// yamlError turns a parse or decode error into an *Error naming the key and position.
func yamlError(name string, f *ast.File, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return &Error{File: name, Msg: err.Error()}
	}
	tok := ye.GetToken()
	e := &Error{File: name, Line: tok.Position.Line, Column: tok.Position.Column, Msg: ye.GetMessage()}
	if f != nil {
		for _, doc := range f.Docs {
			if e.Key == "" && doc.Body != nil {
				e.Key = keyAt(doc.Body, tok.Position)
			}
		}
	}
	var unknown *yaml.UnknownFieldError
	if errors.As(err, &unknown) {
		e.Msg = "unknown key"
		if e.Key == "" {
			e.Msg = ye.GetMessage()
		}
	}
	return e
}

var durationType = reflect.TypeOf(time.Duration(0))

// durationKeys lists the dotted keys of every time.Duration setting of t, following nested
// structs (and pointers to them) by their yaml names.
func durationKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		key := prefix + name
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == durationType:
			keys = append(keys, key)
		case ft.Kind() == reflect.Struct:
			keys = append(keys, durationKeys(ft, key+".")...)
		}
	}
	return keys
}

var configDurations = durationKeys(reflect.TypeOf(Config{}), "")

// checkDurations rejects a duration setting that time.ParseDuration cannot read, at its line.
func (c *Config) checkDurations(body ast.Node) error {
	for _, key := range configDurations {
		node := body
		for _, seg := range splitKey(key) {
			var next ast.Node
			for _, mv := range entries(unwrap(node)) {
				if mv.Key.GetToken().Value == seg {
					next = mv.Value
				}
			}
			if next == nil {
				node = nil
				break
			}
			node = next
		}
		if node == nil {
			continue
		}
		var value string
		switch v := unwrap(node).(type) {
		case *ast.StringNode:
			value = v.Value
		case *ast.IntegerNode, *ast.FloatNode:
			value = v.GetToken().Value // a number without a unit
		default:
			continue // lists and mappings get the decoder's type error
		}
		if _, err := time.ParseDuration(value); err != nil {
			return c.errorAt(key, "bad duration %q (want a number with a unit, such as 48h or 90m)", value)
		}
	}
	return nil
}
