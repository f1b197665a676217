package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndnflow/ndnflow/bench"
)

func results() []bench.Result {
	var rs []bench.Result
	for _, label := range []string{"ndnflow", "ndnd"} {
		for _, payload := range []int{100, 1000, 8000} {
			for _, flows := range []int{1, 4, 16} {
				rs = append(rs, bench.Result{Scenario: "fwd", Label: label, Run: 1,
					Knobs:    bench.Knobs{Transport: "unix", Flows: flows, NameLen: 4, Payload: payload, Window: 32},
					DataPerS: float64(100000 / flows), RTTHist: [][2]float64{{100, 5}, {200, 10}, {400, 1}}})
			}
		}
	}
	rs = append(rs, bench.Result{Scenario: "fetch", Label: "ndnd", Knobs: bench.Knobs{Transport: "unix", Flows: 1, Payload: 8000}, GoodputBps: 1e9})
	return rs
}

func TestPlots(t *testing.T) {
	ps := Plots(results())
	var titles []string
	for _, p := range ps {
		titles = append(titles, p.Title.Text)
	}
	got := strings.Join(titles, "|")
	for _, want := range []string{"vs payload", "vs flows", "RTT distribution", "Forwarder vs forwarder", "Fetch goodput"} {
		if !strings.Contains(got, want) {
			t.Errorf("plots %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "name length") {
		t.Errorf("a name-length plot from a single name length: %q", got)
	}
}

func TestParse(t *testing.T) {
	in := `{"scenario":"fwd","label":"a","data_per_s":5}

{"summary":true,"scenario":"fwd","stats":{}}
{"scenario":"fetch","label":"b"}
`
	rs, err := Parse(strings.NewReader(in), "x")
	if err != nil || len(rs) != 2 || rs[0].DataPerS != 5 || rs[1].Scenario != "fetch" {
		t.Fatalf("Parse = %+v, %v", rs, err)
	}
	for _, bad := range []string{"{", `{"label":"no scenario"}`} {
		if _, err := Parse(strings.NewReader(bad), "bad.json"); err == nil || !strings.Contains(err.Error(), "bad.json:1") {
			t.Errorf("Parse(%q) error %v, want one naming bad.json:1", bad, err)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"r.svg", "r.png", "r.html"} {
		p := filepath.Join(dir, name)
		if err := Write(p, results()); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		magic := map[string][]byte{"r.svg": []byte("<svg"), "r.png": []byte("\x89PNG"), "r.html": []byte("<!DOCTYPE html>")}[name]
		if !bytes.Contains(b[:min(len(b), 400)], magic) {
			t.Errorf("%s does not start like one: %q", name, b[:min(len(b), 40)])
		}
	}
	if err := Write(filepath.Join(dir, "r.gif"), results()); !errors.Is(err, ErrFormat) {
		t.Errorf("gif: %v", err)
	}
	if err := Write(filepath.Join(dir, "r.svg"), nil); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: %v", err)
	}
}
