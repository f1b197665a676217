package trust

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

type patKind uint8

const (
	patLiteral patKind = iota
	patCapture         // <x>: one component, bound to x
	patAny             // <_>: one component
	patMulti           // <**>: zero or more components
)

type patComp struct {
	kind patKind
	lit  ndn.Component
	name string
}

// Pattern is a name pattern of a trust schema: literal components,
// <x> (one component, captured as x), <_> (any one component) and <**>
// (any number of components). See docs/security.md for the syntax.
type Pattern struct {
	comps []patComp
	text  string
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.text }

// ParsePattern parses a pattern such as "/<site>/blog/<user>/<**>".
func ParsePattern(s string) (Pattern, error) {
	p := Pattern{text: s}
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "/") {
		return Pattern{}, fmt.Errorf("%w: pattern %q must start with /", ErrSchema, s)
	}
	for _, part := range strings.Split(strings.Trim(t, "/"), "/") {
		switch {
		case part == "":
			if t != "/" {
				return Pattern{}, fmt.Errorf("%w: empty component in pattern %q", ErrSchema, s)
			}
		case part == "<**>":
			p.comps = append(p.comps, patComp{kind: patMulti})
		case part == "<_>" || part == "<>":
			p.comps = append(p.comps, patComp{kind: patAny})
		case strings.HasPrefix(part, "<") && strings.HasSuffix(part, ">"):
			name := part[1 : len(part)-1]
			if !validVar(name) {
				return Pattern{}, fmt.Errorf("%w: bad variable %q in pattern %q", ErrSchema, part, s)
			}
			p.comps = append(p.comps, patComp{kind: patCapture, name: name})
		default:
			c, err := ndn.ParseComponent(part)
			if err != nil {
				return Pattern{}, fmt.Errorf("%w: component %q in pattern %q: %v", ErrSchema, part, s, err)
			}
			p.comps = append(p.comps, patComp{kind: patLiteral, lit: c})
		}
	}
	return p, nil
}

func validVar(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// bindings maps capture names to the component they matched.
type bindings map[string]ndn.Component

// match reports whether comps matches p, calling cont with the bindings of
// each way it matches until cont returns true.
func (p Pattern) match(comps []ndn.Component, vars bindings, cont func(bindings) bool) bool {
	return matchFrom(p.comps, comps, vars, cont)
}

func matchFrom(pat []patComp, comps []ndn.Component, vars bindings, cont func(bindings) bool) bool {
	if len(pat) == 0 {
		return len(comps) == 0 && cont(vars)
	}
	pc := pat[0]
	if pc.kind == patMulti {
		for k := 0; k <= len(comps); k++ {
			if matchFrom(pat[1:], comps[k:], vars, cont) {
				return true
			}
		}
		return false
	}
	if len(comps) == 0 {
		return false
	}
	c := comps[0]
	switch pc.kind {
	case patLiteral:
		if !pc.lit.Equal(c) {
			return false
		}
	case patCapture:
		if old, ok := vars[pc.name]; ok {
			if !old.Equal(c) {
				return false
			}
		} else {
			vars[pc.name] = c
			defer delete(vars, pc.name)
		}
	}
	return matchFrom(pat[1:], comps[1:], vars, cont)
}

func components(n ndn.Name) []ndn.Component {
	out := make([]ndn.Component, 0, n.Len())
	for _, c := range n.Components() {
		out = append(out, c)
	}
	return out
}

// Rule allows keys whose name matches Key to sign packets whose name
// matches Data, where every variable captured in both patterns has the
// same value.
type Rule struct {
	Name string
	Data Pattern
	Key  Pattern
}

// Schema is a rule-based Policy in the spirit of LightVerSec and NDNts trust
// schemas: a key may sign a packet if some rule matches both names. Key
// patterns are matched against the key name (/<identity>/KEY/<key-id>) of the
// KeyLocator, whether the KeyLocator holds a key or a certificate name.
// A Schema is immutable after parsing and safe for concurrent use.
type Schema struct {
	Rules []Rule
}

var _ Policy = (*Schema)(nil)

// ParseSchema parses rules, one per line:
//
//	name: DATA-PATTERN <= KEY-PATTERN
//
// Blank lines and lines starting with # are ignored.
func ParseSchema(text string) (*Schema, error) {
	s := &Schema{}
	sc := bufio.NewScanner(strings.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, rest, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(strings.TrimSpace(name), " \t/") {
			return nil, fmt.Errorf("%w: line %d: want \"name: DATA <= KEY\"", ErrSchema, line)
		}
		dp, kp, ok := strings.Cut(rest, "<=")
		if !ok {
			return nil, fmt.Errorf("%w: line %d: missing <=", ErrSchema, line)
		}
		r := Rule{Name: strings.TrimSpace(name)}
		var err error
		if r.Data, err = ParsePattern(dp); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if r.Key, err = ParsePattern(kp); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		s.Rules = append(s.Rules, r)
	}
	if len(s.Rules) == 0 {
		return nil, fmt.Errorf("%w: no rules", ErrSchema)
	}
	return s, nil
}

// Check implements Policy: it returns the first rule, in order, under which
// key may sign packet.
func (s *Schema) Check(packet, key ndn.Name) (string, error) {
	kn, err := security.ToKeyName(key)
	if err != nil {
		kn = key
	}
	pc, kc := components(packet), components(kn)
	for _, r := range s.Rules {
		ok := r.Data.match(pc, bindings{}, func(vars bindings) bool {
			return r.Key.match(kc, vars, func(bindings) bool { return true })
		})
		if ok {
			return r.Name, nil
		}
	}
	return "", fmt.Errorf("%w: no schema rule lets %s sign %s", ErrPolicy, kn, packet)
}
