// Package depgraph enforces ndnflow's one-way import graph
// (README.md "Package map", docs/development.md): tlv → ndn → (security, face) →
// (forwarder, app) → bench → cmd, with internal/ importing only the standard
// library. Its test lists every package of the module with `go list` and fails
// on any import the table in [Rules] does not allow, including imports made
// only by _test.go files, and on any package the table does not cover.
//
// The package imports only the standard library and holds no state.
package depgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
)

// Rule says what the packages under one directory of the module may import.
type Rule struct {
	// Dir is a module-relative directory ("ndn/mgmt"). The rule covers the
	// package in Dir and every package below it that no rule with a longer Dir
	// covers. Packages covered by the same rule may always import each other.
	Dir string
	// Imports lists the Dirs of other rules whose packages these may import;
	// "*" allows every package of the module.
	Imports []string
	// ThirdParty lists module path prefixes outside the standard library these
	// may import ("golang.org/x/sys"); "*" allows any. Empty means standard
	// library only.
	ThirdParty []string
	// Extra grants more Imports to the packages whose import path contains a
	// marker, e.g. an in-process app client that may import the forwarder.
	Extra []Extra
}

// Extra is an exception to a Rule for some of its packages.
type Extra struct {
	// PathContains selects the packages by a substring of their import path.
	PathContains string
	// Imports lists the additional rule Dirs those packages may import.
	Imports []string
}

// Rules returns ndnflow's import table. To add a top-level package, add a
// rule here and a row to the package map in README.md in the same change.
func Rules() []Rule {
	return []Rule{
		{Dir: "tlv"},
		{Dir: "internal"},
		{Dir: "ndn", Imports: []string{"tlv", "internal"}},
		{Dir: "ndn/mgmt", Imports: []string{"ndn", "tlv", "internal"}},
		{Dir: "security", Imports: []string{"ndn", "ndn/mgmt", "tlv", "internal"}, ThirdParty: []string{"*"}},
		{Dir: "face", Imports: []string{"ndn", "tlv", "internal"},
			ThirdParty: []string{"golang.org/x/sys", "github.com/coder/websocket"}},
		{Dir: "forwarder", Imports: []string{"face", "ndn", "ndn/mgmt", "security", "tlv", "internal"}, ThirdParty: []string{"*"}},
		{Dir: "app", Imports: []string{"face", "ndn", "ndn/mgmt", "security", "tlv", "internal"}, ThirdParty: []string{"*"},
			Extra: []Extra{{PathContains: "inproc", Imports: []string{"forwarder"}}}},
		{Dir: "bench", Imports: []string{"app", "face", "forwarder", "ndn", "ndn/mgmt", "security", "tlv", "internal"}, ThirdParty: []string{"*"}},
		{Dir: "cmd", Imports: []string{"*"}, ThirdParty: []string{"*"}},
		// End-to-end tests that drive the binary against other NDN stacks.
		{Dir: "interop", Imports: []string{"*"}, ThirdParty: []string{"*"}},
	}
}

// Package is one package of the module and its direct imports, as `go list` reports them.
type Package struct {
	ImportPath   string
	Imports      []string // imports of the non-test files
	TestImports  []string // imports of _test.go files in the package itself
	XTestImports []string // imports of _test.go files in package <name>_test
}

// Violation is one import the rules forbid, or a package no rule covers (To is empty).
type Violation struct {
	From, To string // module-relative for module packages
	Test     bool   // only _test.go files make the import
	Reason   string
}

// String formats v as the depgraph test reports it: "forbidden import
// FROM -> TO: reason", or "FROM: reason" for a package no rule covers.
func (v Violation) String() string {
	if v.To == "" {
		return fmt.Sprintf("%s: %s", v.From, v.Reason)
	}
	where := ""
	if v.Test {
		where = " (in _test.go files)"
	}
	return fmt.Sprintf("forbidden import %s -> %s%s: %s", v.From, v.To, where, v.Reason)
}

// Check returns every import of pkgs that rules forbid, in a stable order.
// module is the module path; imports from outside it are standard library
// when their first path element has no dot.
func Check(module string, rules []Rule, pkgs []Package) []Violation {
	var out []Violation
	for _, p := range pkgs {
		from, ok := relative(module, p.ImportPath)
		if !ok {
			continue
		}
		r, ok := ruleFor(rules, from)
		if !ok {
			out = append(out, Violation{From: displayName(from), Reason: "no import rule covers this package; " +
				"add one to Rules() in internal/depgraph and a row to the package map in README.md"})
			continue
		}
		seen := map[string]bool{}
		check := func(imp string, test bool) {
			if seen[imp] {
				return
			}
			seen[imp] = true
			if reason := forbidden(module, rules, r, p.ImportPath, imp); reason != "" {
				to := imp
				if rel, ok := relative(module, imp); ok {
					to = displayName(rel)
				}
				out = append(out, Violation{From: displayName(from), To: to, Test: test, Reason: reason})
			}
		}
		for _, imp := range p.Imports {
			check(imp, false)
		}
		for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
			check(imp, true)
		}
	}
	slices.SortStableFunc(out, func(a, b Violation) int {
		return strings.Compare(a.From+" "+a.To, b.From+" "+b.To)
	})
	return out
}

// forbidden returns why r's package path may not import imp, or "".
func forbidden(module string, rules []Rule, r Rule, path, imp string) string {
	rel, inModule := relative(module, imp)
	if !inModule {
		if isStd(imp) {
			return ""
		}
		for _, tp := range r.ThirdParty {
			if tp == "*" || imp == tp || strings.HasPrefix(imp, tp+"/") {
				return ""
			}
		}
		if len(r.ThirdParty) == 0 {
			return r.Dir + " may import only the standard library"
		}
		return fmt.Sprintf("%s may import only these third-party modules: %s", r.Dir, strings.Join(r.ThirdParty, ", "))
	}
	target, ok := ruleFor(rules, rel)
	if !ok {
		return "no import rule covers the imported package"
	}
	allowed := r.Imports
	for _, e := range r.Extra {
		if strings.Contains(path, e.PathContains) {
			allowed = slices.Concat(allowed, e.Imports)
		}
	}
	if target.Dir == r.Dir || slices.Contains(allowed, "*") || slices.Contains(allowed, target.Dir) {
		return ""
	}
	if len(allowed) == 0 {
		return r.Dir + " may import only the standard library"
	}
	return fmt.Sprintf("%s may import only %s", r.Dir, strings.Join(allowed, ", "))
}

// ruleFor returns the rule with the longest Dir that covers rel.
func ruleFor(rules []Rule, rel string) (Rule, bool) {
	var best Rule
	found := false
	for _, r := range rules {
		if (rel == r.Dir || strings.HasPrefix(rel, r.Dir+"/")) && (!found || len(r.Dir) > len(best.Dir)) {
			best, found = r, true
		}
	}
	return best, found
}

// relative returns path relative to module ("" for the module root package).
func relative(module, path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

func displayName(rel string) string {
	if rel == "" {
		return "(module root)"
	}
	return rel
}

// isStd reports whether path is a standard-library import path: its first
// element has no dot, as every third-party module path's does.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// List runs `go list` in dir and returns the module path and every package of
// the module with its imports. Packages that do not compile are still listed
// with the imports their files declare.
func List(ctx context.Context, dir string) (module string, pkgs []Package, err error) {
	modOut, err := goCmd(ctx, dir, "list", "-m", "-f", "{{.Path}}")
	if err != nil {
		return "", nil, err
	}
	module = strings.TrimSpace(string(modOut))
	out, err := goCmd(ctx, dir, "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", module+"/...")
	if err != nil {
		return "", nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", nil, fmt.Errorf("depgraph: decoding go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return module, pkgs, nil
}

func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("depgraph: go %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
