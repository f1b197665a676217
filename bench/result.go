package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Knobs are the scenario parameters as recorded in a Result.
type Knobs struct {
	Transport  string  `json:"transport"`
	Flows      int     `json:"flows"`
	NameLen    int     `json:"name_len"`
	Payload    int     `json:"payload"`
	Window     int     `json:"window"`
	FIBSize    int     `json:"fib_size"`
	CSHit      float64 `json:"cs_hit"`
	CSSet      int     `json:"cs_set,omitempty"` // with cs_hit > 0
	DurationS  float64 `json:"duration_s"`
	WarmupS    float64 `json:"warmup_s"`
	ObjectSize int64   `json:"object_size,omitempty"`
	Fetcher    string  `json:"fetcher,omitempty"`
}

// Machine describes where a run happened.
type Machine struct {
	CPUModel   string `json:"cpu_model"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	Commit     string `json:"commit"`
}

// RTT summarizes a round-trip-time distribution in microseconds.
type RTT struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

// Result holds the figures of one run of one target. JSON field names are
// the schema `ndnflow bench --json` promises (docs/benchmarks.md).
type Result struct {
	Scenario string    `json:"scenario"`
	Target   string    `json:"target"`
	Label    string    `json:"label"`
	Run      int       `json:"run"`
	Time     time.Time `json:"time"`
	Knobs    Knobs     `json:"knobs"`
	Machine  Machine   `json:"machine"`
	// Seconds is the measured interval (fetch: until the last object
	// completed).
	Seconds         float64 `json:"seconds"`
	Interests       uint64  `json:"interests"`
	Data            uint64  `json:"data"`
	Nacks           uint64  `json:"nacks"`
	Timeouts        uint64  `json:"timeouts"`
	Retransmissions uint64  `json:"retransmissions"`
	InterestsPerS   float64 `json:"interests_per_s"`
	DataPerS        float64 `json:"data_per_s"`
	NacksPerS       float64 `json:"nacks_per_s"`
	// GoodputBps is Content bits delivered per second.
	GoodputBps float64 `json:"goodput_bps"`
	// LossRatio is timeouts / (Data + Nacks + timeouts).
	LossRatio float64 `json:"loss_ratio"`
	RTT       RTT     `json:"rtt_us"`
	// RTTHist is the RTT distribution: [upper bound µs, count] pairs.
	RTTHist [][2]float64 `json:"rtt_hist,omitempty"`
	// CSHitRatio is the share of Data the producers did not send (served
	// by the target's cache), measured.
	CSHitRatio float64 `json:"cs_hit_ratio"`
	// RelayDataPerS and Efficiency (DataPerS / RelayDataPerS) are set by
	// the relay scenario on the target's row.
	RelayDataPerS float64 `json:"relay_data_per_s,omitempty"`
	Efficiency    float64 `json:"efficiency,omitempty"`
	// Goodput per fetch consumer: min, max and standard deviation.
	GoodputMinBps    float64 `json:"goodput_min_bps,omitempty"`
	GoodputMaxBps    float64 `json:"goodput_max_bps,omitempty"`
	GoodputStddevBps float64 `json:"goodput_stddev_bps,omitempty"`
}

// Stat is a median with its range over repeated runs.
type Stat struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Summary aggregates the Repeat runs of one target: it is the JSON line
// with "summary": true that follows them.
type Summary struct {
	IsSummary bool            `json:"summary"`
	Scenario  string          `json:"scenario"`
	Target    string          `json:"target"`
	Label     string          `json:"label"`
	Runs      int             `json:"runs"`
	Knobs     Knobs           `json:"knobs"`
	Machine   Machine         `json:"machine"`
	Stats     map[string]Stat `json:"stats"`
}

// summaryFields are the figures Summarize aggregates.
var summaryFields = []struct {
	name string
	get  func(*Result) float64
}{
	{"interests_per_s", func(r *Result) float64 { return r.InterestsPerS }},
	{"data_per_s", func(r *Result) float64 { return r.DataPerS }},
	{"goodput_bps", func(r *Result) float64 { return r.GoodputBps }},
	{"loss_ratio", func(r *Result) float64 { return r.LossRatio }},
	{"rtt_p50_us", func(r *Result) float64 { return r.RTT.P50 }},
	{"rtt_p90_us", func(r *Result) float64 { return r.RTT.P90 }},
	{"rtt_p99_us", func(r *Result) float64 { return r.RTT.P99 }},
	{"efficiency", func(r *Result) float64 { return r.Efficiency }},
}

// Summarize groups results by (scenario, label, knobs) and returns the
// median, min and max of each figure, in order of first appearance.
func Summarize(rs []Result) []Summary {
	type key struct {
		scenario, label string
		k               Knobs
	}
	var order []key
	groups := map[key][]*Result{}
	for i := range rs {
		k := key{rs[i].Scenario, rs[i].Label, rs[i].Knobs}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], &rs[i])
	}
	out := make([]Summary, 0, len(order))
	for _, k := range order {
		g := groups[k]
		s := Summary{IsSummary: true, Scenario: k.scenario, Target: g[0].Target, Label: k.label,
			Runs: len(g), Knobs: k.k, Machine: g[0].Machine, Stats: map[string]Stat{}}
		for _, f := range summaryFields {
			vals := make([]float64, len(g))
			for i, r := range g {
				vals[i] = f.get(r)
			}
			s.Stats[f.name] = statOf(vals)
		}
		out = append(out, s)
	}
	return out
}

func statOf(v []float64) Stat {
	if len(v) == 0 {
		return Stat{}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Median: med, Min: s[0], Max: s[len(s)-1]}
}

// WriteJSON writes r as one line of JSON.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteTable writes one row per result and, for targets run more than once,
// a "median" row with [min-max] ranges of the throughput.
func WriteTable(w io.Writer, rs []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\ttarget\trun\ttransport\tflows\tpayload\tname\twindow\tInterests/s\tData/s\tgoodput Mbit/s\tloss\tRTT p50/p90/p99 µs\tefficiency\t")
	row := func(r *Result, run, ips, dps, gp string) {
		eff := "-"
		if r.Efficiency > 0 {
			eff = fmt.Sprintf("%.2f", r.Efficiency)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%.4f\t%.0f/%.0f/%.0f\t%s\t\n",
			r.Scenario, r.Label, run, r.Knobs.Transport, r.Knobs.Flows, r.Knobs.Payload, r.Knobs.NameLen,
			r.Knobs.Window, ips, dps, gp, r.LossRatio, r.RTT.P50, r.RTT.P90, r.RTT.P99, eff)
	}
	for i := range rs {
		r := &rs[i]
		row(r, fmt.Sprint(r.Run), fmt.Sprintf("%.0f", r.InterestsPerS), fmt.Sprintf("%.0f", r.DataPerS),
			fmt.Sprintf("%.1f", r.GoodputBps/1e6))
	}
	for _, s := range Summarize(rs) {
		if s.Runs < 2 {
			continue
		}
		var first *Result
		for i := range rs {
			if rs[i].Label == s.Label && rs[i].Scenario == s.Scenario && rs[i].Knobs == s.Knobs {
				first = &rs[i]
				break
			}
		}
		med := *first
		st := s.Stats
		med.LossRatio = st["loss_ratio"].Median
		med.RTT = RTT{P50: st["rtt_p50_us"].Median, P90: st["rtt_p90_us"].Median, P99: st["rtt_p99_us"].Median}
		med.Efficiency = st["efficiency"].Median
		rng := func(x Stat, scale float64, f string) string {
			return fmt.Sprintf(f+" ["+f+"-"+f+"]", x.Median/scale, x.Min/scale, x.Max/scale)
		}
		row(&med, "median", rng(st["interests_per_s"], 1, "%.0f"), rng(st["data_per_s"], 1, "%.0f"),
			rng(st["goodput_bps"], 1e6, "%.1f"))
	}
	return tw.Flush()
}

// MachineInfo collects the machine facts recorded with every run. The commit
// comes from the binary's build information, else from `git rev-parse` in
// the working directory, else "unknown".
func MachineInfo(ctx context.Context) Machine {
	m := Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPUModel: cpuModel(), Commit: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, mod string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					mod = "+dirty"
				}
			}
		}
		if rev != "" {
			m.Commit = rev[:min(12, len(rev))] + mod
			return m
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
		if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			m.Commit += "+dirty"
		}
	}
	return m
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// rate divides safely.
func rate(n float64, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return n / secs
}

func stddev(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	var sum, sq float64
	for _, x := range v {
		sum += x
	}
	mean := sum / float64(len(v))
	for _, x := range v {
		sq += (x - mean) * (x - mean)
	}
	return math.Sqrt(sq / float64(len(v)-1))
}
