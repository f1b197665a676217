package depgraph_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/depgraph"
)

// TestModuleImportGraph is the enforcement: every import in the module,
// tests included, must be allowed by depgraph.Rules.
func TestModuleImportGraph(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	module, pkgs, err := depgraph.List(ctx, ".")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(pkgs, func(p depgraph.Package) bool { return p.ImportPath == module+"/tlv" }) {
		t.Fatalf("go list found %d packages of %s but not tlv; the check would be vacuous", len(pkgs), module)
	}
	for _, v := range depgraph.Check(module, depgraph.Rules(), pkgs) {
		t.Error(v)
	}
}

const mod = "example.org/m"

func pkg(rel string, imports ...string) depgraph.Package {
	return depgraph.Package{ImportPath: mod + "/" + rel, Imports: imports}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		pkg  depgraph.Package
		want string // the one violation expected, "" for none
	}{
		{"std everywhere", pkg("tlv", "encoding/binary", "math"), ""},
		{"tlv imports ndn", pkg("tlv", mod+"/ndn"),
			"forbidden import tlv -> ndn: tlv may import only the standard library"},
		{"tlv imports third party", pkg("tlv", "golang.org/x/sys/unix"),
			"forbidden import tlv -> golang.org/x/sys/unix: tlv may import only the standard library"},
		{"internal imports tlv", pkg("internal/pool", mod+"/tlv"),
			"forbidden import internal/pool -> tlv: internal may import only the standard library"},
		{"ndn imports tlv and internal", pkg("ndn", mod+"/tlv", mod+"/internal/pool"), ""},
		{"ndn imports ndn/mgmt", pkg("ndn", mod+"/ndn/mgmt"),
			"forbidden import ndn -> ndn/mgmt: ndn may import only tlv, internal"},
		{"ndn/mgmt imports ndn", pkg("ndn/mgmt", mod+"/ndn"), ""},
		{"own subpackage", pkg("face/udp", mod+"/face", mod+"/face/facetest"), ""},
		{"face may use x/sys", pkg("face", "golang.org/x/sys/unix", "github.com/coder/websocket"), ""},
		{"face may not use yaml", pkg("face", "gopkg.in/yaml.v3"),
			"forbidden import face -> gopkg.in/yaml.v3: face may import only these third-party modules: golang.org/x/sys, github.com/coder/websocket"},
		{"face imports forwarder", pkg("face", mod+"/forwarder"),
			"forbidden import face -> forwarder: face may import only ndn, tlv, internal"},
		{"app imports forwarder", pkg("app", mod+"/forwarder"),
			"forbidden import app -> forwarder: app may import only face, ndn, ndn/mgmt, security, tlv, internal"},
		{"app/inproc imports forwarder", pkg("app/inproc", mod+"/forwarder"), ""},
		{"forwarder imports app", pkg("forwarder/mgmt", mod+"/app"),
			"forbidden import forwarder/mgmt -> app: forwarder may import only face, ndn, ndn/mgmt, security, tlv, internal"},
		{"bench imports forwarder", pkg("bench", mod+"/forwarder", mod+"/app", "github.com/prometheus/client_golang/prometheus"), ""},
		{"cmd imports everything", pkg("cmd/ndnflow", mod+"/bench", mod+"/forwarder", "github.com/spf13/cobra"), ""},
		{"interop tests import everything", depgraph.Package{ImportPath: mod + "/interop",
			XTestImports: []string{mod + "/cmd/ndnflow", mod + "/internal/ndntspeer", mod + "/forwarder"}}, ""},
		{"unknown package", pkg("video", mod+"/ndn"),
			"video: no import rule covers this package; add one to Rules() in internal/depgraph and a row to the package map in README.md"},
		{"import of an unknown package", pkg("cmd/ndnflow", mod+"/video"),
			"forbidden import cmd/ndnflow -> video: no import rule covers the imported package"},
		{"test-only import", depgraph.Package{ImportPath: mod + "/tlv", XTestImports: []string{mod + "/ndn"}},
			"forbidden import tlv -> ndn (in _test.go files): tlv may import only the standard library"},
		{"outside the module", depgraph.Package{ImportPath: "other.org/x", Imports: []string{mod + "/forwarder"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range depgraph.Check(mod, depgraph.Rules(), []depgraph.Package{tt.pkg}) {
				got = append(got, v.String())
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if !slices.Equal(got, want) {
				t.Errorf("violations:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// TestCheckReportsEveryEdge checks that violations are neither lost nor
// duplicated when several packages break the rules at once.
func TestCheckReportsEveryEdge(t *testing.T) {
	pkgs := []depgraph.Package{
		pkg("tlv", mod+"/ndn", mod+"/ndn"),
		{ImportPath: mod + "/ndn", Imports: []string{mod + "/face"}, TestImports: []string{mod + "/face"}},
		pkg("face", mod+"/tlv"),
	}
	var got []string
	for _, v := range depgraph.Check(mod, depgraph.Rules(), pkgs) {
		got = append(got, v.From+"->"+v.To)
	}
	if want := []string{"ndn->face", "tlv->ndn"}; !slices.Equal(got, want) {
		t.Errorf("violations %v, want %v", got, want)
	}
}
