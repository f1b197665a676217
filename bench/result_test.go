package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func sampleResult(label string, run int, dps float64) Result {
	return Result{Scenario: ScenarioFwd, Target: "unix:///x", Label: label, Run: run,
		Knobs:   Knobs{Transport: "unix", Flows: 2, NameLen: 4, Payload: 100, Window: 8},
		Machine: MachineInfo(context.Background()), Seconds: 1, Data: uint64(dps), DataPerS: dps,
		InterestsPerS: dps, GoodputBps: dps * 800, RTT: RTT{P50: 10, P90: 20, P99: 30}}
}

func TestJSONSchema(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleResult("x", 1, 1000)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("}\n")) || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("not one JSON line: %q", buf.String())
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scenario", "target", "label", "run", "time", "knobs", "machine", "interests_per_s",
		"data_per_s", "goodput_bps", "loss_ratio", "rtt_us", "nacks_per_s", "timeouts", "cs_hit_ratio"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	rtt, _ := m["rtt_us"].(map[string]any)
	for _, k := range []string{"p50", "p90", "p99"} {
		if _, ok := rtt[k]; !ok {
			t.Errorf("rtt_us has no %q", k)
		}
	}
	mach, _ := m["machine"].(map[string]any)
	for _, k := range []string{"cpu_model", "cores", "go_version", "commit"} {
		if v, ok := mach[k]; !ok || v == "" {
			t.Errorf("machine.%s missing or empty", k)
		}
	}
	knobs, _ := m["knobs"].(map[string]any)
	for _, k := range []string{"transport", "flows", "name_len", "payload", "window", "fib_size", "cs_hit", "duration_s", "warmup_s"} {
		if _, ok := knobs[k]; !ok {
			t.Errorf("knobs.%s missing", k)
		}
	}
}

func TestSummarizeAndTable(t *testing.T) {
	rs := []Result{sampleResult("a", 1, 100), sampleResult("a", 2, 300), sampleResult("a", 3, 200), sampleResult("b", 1, 50)}
	ss := Summarize(rs)
	if len(ss) != 2 || ss[0].Runs != 3 || ss[1].Runs != 1 {
		t.Fatalf("summaries %+v", ss)
	}
	if st := ss[0].Stats["data_per_s"]; st != (Stat{Median: 200, Min: 100, Max: 300}) {
		t.Errorf("data_per_s stat %+v", st)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1+4+1 {
		t.Fatalf("table has %d lines, want header + 4 runs + 1 median:\n%s", len(lines), buf.String())
	}
	for _, want := range []string{"Interests/s", "Data/s", "RTT p50/p90/p99"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("header lacks %q: %s", want, lines[0])
		}
	}
	if !strings.Contains(lines[5], "median") || !strings.Contains(lines[5], "200 [100-300]") {
		t.Errorf("median row: %s", lines[5])
	}
	if !strings.Contains(lines[1], "10/20/30") {
		t.Errorf("run row lacks RTT percentiles: %s", lines[1])
	}
}
