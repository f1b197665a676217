// Package report turns benchmark results (the JSON lines of `ndnflow bench
// --json`) into plots with gonum.org/v1/plot: Data/s against payload size,
// flows and name length, RTT distributions (CDF), forwarder against
// forwarder, and fetch goodput. Write renders them as one tiled SVG or PNG
// image, or as an HTML page with the SVG plots and a table of the runs.
//
// Points with equal knobs and label are reduced to their median. The package
// holds no state; functions are safe for concurrent use.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/ndnflow/ndnflow/bench"
)

// ErrFormat means the output file name does not end in .html, .svg or .png.
var ErrFormat = errors.New("report: output must end in .html, .svg or .png")

// ErrNoData means there was nothing to plot.
var ErrNoData = errors.New("report: no results to plot")

// ReadResults reads a file of JSON lines written by `ndnflow bench --json`
// (or --json-out), skipping summary lines and blank lines.
func ReadResults(path string) ([]bench.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads JSON lines from r; name is used in error messages.
func Parse(r io.Reader, name string) ([]bench.Result, error) {
	var out []bench.Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var probe struct {
			Summary  bool   `json:"summary"`
			Scenario string `json:"scenario"`
		}
		if err := json.Unmarshal(b, &probe); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if probe.Summary {
			continue
		}
		if probe.Scenario == "" {
			return nil, fmt.Errorf("%s:%d: not a bench result (no scenario)", name, line)
		}
		var res bench.Result
		if err := json.Unmarshal(b, &res); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// Plots builds every plot the results support (a plot needs at least one
// point), in a fixed order.
func Plots(rs []bench.Result) []*plot.Plot {
	var ps []*plot.Plot
	traffic := slices.DeleteFunc(slices.Clone(rs), func(r bench.Result) bool { return r.Scenario == bench.ScenarioFetch })
	for _, ax := range []struct {
		title, xlabel string
		x             func(bench.Knobs) float64
		log           bool
	}{
		{"Throughput vs payload", "payload (octets)", func(k bench.Knobs) float64 { return float64(k.Payload) }, true},
		{"Throughput vs flows", "flows", func(k bench.Knobs) float64 { return float64(k.Flows) }, true},
		{"Throughput vs name length", "name components", func(k bench.Knobs) float64 { return float64(k.NameLen) }, false},
	} {
		if p := versus(traffic, ax.title, ax.xlabel, ax.x, ax.log); p != nil {
			ps = append(ps, p)
		}
	}
	if p := rttCDF(rs); p != nil {
		ps = append(ps, p)
	}
	fwds := slices.DeleteFunc(slices.Clone(traffic), func(r bench.Result) bool { return r.Label == "relay" })
	if p := bars(fwds, "Forwarder vs forwarder (Data/s)", "Data/s", func(r bench.Result) float64 { return r.DataPerS }); p != nil {
		ps = append(ps, p)
	}
	var fetch []bench.Result
	for _, r := range rs {
		if r.Scenario == bench.ScenarioFetch {
			fetch = append(fetch, r)
		}
	}
	for i := range fetch {
		if f := fetch[i].Knobs.Fetcher; f != "" {
			fetch[i].Label += " (" + f + ")"
		}
	}
	if p := bars(fetch, "Fetch goodput (Mbit/s)", "Mbit/s", func(r bench.Result) float64 { return r.GoodputBps / 1e6 }); p != nil {
		ps = append(ps, p)
	}
	return ps
}

// series returns the label of a line: the target label, plus the transport
// when the results mix transports.
func seriesOf(rs []bench.Result) func(bench.Result) string {
	transports := map[string]bool{}
	for _, r := range rs {
		transports[r.Knobs.Transport] = true
	}
	return func(r bench.Result) string {
		if len(transports) > 1 {
			return r.Label + " " + r.Knobs.Transport
		}
		return r.Label
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// versus plots median Data/s against one knob, one line per series, using
// only results whose other knobs equal the most common combination of that
// series, so that each line varies one thing.
func versus(rs []bench.Result, title, xlabel string, x func(bench.Knobs) float64, logX bool) *plot.Plot {
	label := seriesOf(rs)
	type key struct {
		series string
		rest   bench.Knobs
	}
	groups := map[key]map[float64][]float64{}
	for _, r := range rs {
		rest := r.Knobs
		switch xlabel {
		case "payload (octets)":
			rest.Payload = 0
		case "flows":
			rest.Flows = 0
		default:
			rest.NameLen = 0
		}
		k := key{label(r), rest}
		if groups[k] == nil {
			groups[k] = map[float64][]float64{}
		}
		groups[k][x(r.Knobs)] = append(groups[k][x(r.Knobs)], r.DataPerS)
	}
	var keys []key
	for k, pts := range groups {
		if len(pts) >= 3 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "Data/s"
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Legend.Top = true
	var args []any
	for _, k := range keys {
		var xs []float64
		for xv := range groups[k] {
			xs = append(xs, xv)
		}
		slices.Sort(xs)
		pts := make(plotter.XYs, 0, len(xs))
		for _, xv := range xs {
			if logX && xv <= 0 {
				continue
			}
			pts = append(pts, plotter.XY{X: xv, Y: median(groups[k][xv])})
		}
		name := k.series
		if len(keys) > 1 {
			rest := k.rest
			rest.Transport = ""
			name += " " + describe(rest)
		}
		args = append(args, name, pts)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return nil
	}
	return p
}

// describe names the fixed knobs of a line.
func describe(k bench.Knobs) string {
	var parts []string
	if k.Transport != "" {
		parts = append(parts, k.Transport)
	}
	if k.Flows > 0 {
		parts = append(parts, fmt.Sprintf("%dfl", k.Flows))
	}
	if k.Payload > 0 {
		parts = append(parts, fmt.Sprintf("%dB", k.Payload))
	}
	if k.NameLen > 0 {
		parts = append(parts, fmt.Sprintf("%dc", k.NameLen))
	}
	return strings.Join(parts, "/")
}

// rttCDF plots the RTT distribution of each series (all runs merged) as a
// cumulative distribution on a logarithmic time axis.
func rttCDF(rs []bench.Result) *plot.Plot {
	// One configuration (the one with the most targets measured), one line
	// per target, so the lines compare forwarders.
	type cfgKey struct {
		transport      string
		flows, payload int
	}
	labels := map[cfgKey]map[string]bool{}
	var best cfgKey
	for _, r := range rs {
		if len(r.RTTHist) == 0 {
			continue
		}
		k := cfgKey{r.Knobs.Transport, r.Knobs.Flows, r.Knobs.Payload}
		if labels[k] == nil {
			labels[k] = map[string]bool{}
		}
		labels[k][r.Label] = true
		if len(labels[k]) > len(labels[best]) || (len(labels[k]) == len(labels[best]) && fmt.Sprint(k) < fmt.Sprint(best)) {
			best = k
		}
	}
	if len(labels) == 0 {
		return nil
	}
	hists := map[string]map[float64]float64{}
	for _, r := range rs {
		if len(r.RTTHist) == 0 || (cfgKey{r.Knobs.Transport, r.Knobs.Flows, r.Knobs.Payload}) != best {
			continue
		}
		name := r.Label
		if hists[name] == nil {
			hists[name] = map[float64]float64{}
		}
		for _, b := range r.RTTHist {
			hists[name][b[0]] += b[1]
		}
	}
	if len(hists) == 0 {
		return nil
	}
	names := make([]string, 0, len(hists))
	for n := range hists {
		names = append(names, n)
	}
	slices.Sort(names)
	p := plot.New()
	p.Title.Text = fmt.Sprintf("RTT distribution (CDF), %s, %d flows, %d B", best.transport, best.flows, best.payload)
	p.X.Label.Text = "RTT (µs)"
	p.Y.Label.Text = "fraction ≤ RTT"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	p.Legend.Left = true
	var args []any
	for _, n := range names {
		h := hists[n]
		var xs []float64
		var total float64
		for x, c := range h {
			xs = append(xs, x)
			total += c
		}
		slices.Sort(xs)
		pts := make(plotter.XYs, 0, len(xs))
		var cum float64
		for _, x := range xs {
			cum += h[x]
			if x > 0 {
				pts = append(pts, plotter.XY{X: x, Y: cum / total})
			}
		}
		if len(pts) > 0 {
			args = append(args, n, pts)
		}
	}
	if len(args) == 0 || plotutil.AddLines(p, args...) != nil {
		return nil
	}
	return p
}

// bars draws one group of bars per configuration (transport, flows,
// payload, name length) and one bar per target label in each group.
func bars(rs []bench.Result, title, ylabel string, val func(bench.Result) float64) *plot.Plot {
	if len(rs) == 0 {
		return nil
	}
	cfgName := func(r bench.Result) string {
		return describe(bench.Knobs{Transport: r.Knobs.Transport, Flows: r.Knobs.Flows, Payload: r.Knobs.Payload})
	}
	var cfgs, labels []string
	vals := map[[2]string][]float64{}
	for _, r := range rs {
		c := cfgName(r)
		if !slices.Contains(cfgs, c) {
			cfgs = append(cfgs, c)
		}
		if !slices.Contains(labels, r.Label) {
			labels = append(labels, r.Label)
		}
		vals[[2]string{c, r.Label}] = append(vals[[2]string{c, r.Label}], val(r))
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	w := vg.Points(math.Max(4, math.Min(20, 120/float64(len(labels)*len(cfgs)))))
	for i, l := range labels {
		v := make(plotter.Values, len(cfgs))
		for j, c := range cfgs {
			if xs := vals[[2]string{c, l}]; len(xs) > 0 {
				v[j] = median(xs)
			}
		}
		b, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil
		}
		b.LineStyle.Width = 0
		b.Color = plotutil.Color(i)
		b.Offset = w * vg.Length(float64(i)-float64(len(labels)-1)/2)
		p.Add(b)
		p.Legend.Add(l, b)
	}
	p.NominalX(cfgs...)
	if len(cfgs) > 3 {
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	return p
}

// Write renders the plots of rs to path, choosing the format by extension.
func Write(path string, rs []bench.Result) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".html" && ext != ".svg" && ext != ".png" {
		return fmt.Errorf("%w (got %q)", ErrFormat, path)
	}
	if len(rs) == 0 {
		return ErrNoData
	}
	ps := Plots(rs)
	if len(ps) == 0 {
		return ErrNoData
	}
	var buf bytes.Buffer
	var err error
	switch ext {
	case ".html":
		err = writeHTML(&buf, ps, rs)
	default:
		err = writeTiled(&buf, ps, ext[1:])
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

const tileW, tileH = 6 * vg.Inch, 4 * vg.Inch

// writeTiled draws the plots in a grid of two columns into one image.
func writeTiled(w io.Writer, ps []*plot.Plot, format string) error {
	cols := min(2, len(ps))
	rows := (len(ps) + cols - 1) / cols
	W, H := tileW*vg.Length(cols), tileH*vg.Length(rows)
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, p := range ps {
		grid[i/cols][i%cols] = p
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case "svg":
		canvas = vgsvg.New(W, H)
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(W, H), vgimg.UseDPI(96))}
	}
	dc := draw.New(canvas)
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	_, err := canvas.WriteTo(w)
	return err
}

const pageHTML = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ndnflow bench report</title>
<style>body{font-family:sans-serif;margin:1em}figure{display:inline-block;margin:.5em}
table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>
</head><body><h1>ndnflow bench report</h1>
<p>{{len .Runs}} runs{{with .Machine}} on {{.CPUModel}}, {{.Cores}} cores, {{.GoVersion}}, commit {{.Commit}}{{end}}.</p>
{{range .SVGs}}<figure>{{.}}</figure>{{end}}
<h2>Runs</h2><table><tr><th>scenario</th><th>target</th><th>run</th><th>transport</th><th>flows</th><th>payload</th>
<th>name</th><th>window</th><th>Interests/s</th><th>Data/s</th><th>goodput Mbit/s</th><th>loss</th><th>RTT p50/p90/p99 µs</th><th>efficiency</th></tr>
{{range .Runs}}<tr><td>{{.Scenario}}</td><td>{{.Label}}</td><td>{{.Run}}</td><td>{{.Knobs.Transport}}</td><td>{{.Knobs.Flows}}</td>
<td>{{.Knobs.Payload}}</td><td>{{.Knobs.NameLen}}</td><td>{{.Knobs.Window}}</td><td>{{printf "%.0f" .InterestsPerS}}</td>
<td>{{printf "%.0f" .DataPerS}}</td><td>{{printf "%.1f" (mbit .GoodputBps)}}</td><td>{{printf "%.4f" .LossRatio}}</td>
<td>{{printf "%.0f/%.0f/%.0f" .RTT.P50 .RTT.P90 .RTT.P99}}</td><td>{{if .Efficiency}}{{printf "%.2f" .Efficiency}}{{end}}</td></tr>
{{end}}</table></body></html>
`

func writeHTML(w io.Writer, ps []*plot.Plot, rs []bench.Result) error {
	var svgs []template.HTML
	for _, p := range ps {
		c := vgsvg.New(tileW, tileH)
		p.Draw(draw.New(c))
		var b bytes.Buffer
		if _, err := c.WriteTo(&b); err != nil {
			return err
		}
		s := b.String()
		if i := strings.Index(s, "<svg"); i >= 0 { // drop the XML prolog
			s = s[i:]
		}
		svgs = append(svgs, template.HTML(s))
	}
	var m *bench.Machine
	if len(rs) > 0 {
		m = &rs[0].Machine
	}
	page, err := template.New("report").Funcs(template.FuncMap{"mbit": func(b float64) float64 { return b / 1e6 }}).Parse(pageHTML)
	if err != nil {
		return err
	}
	return page.Execute(w, struct {
		SVGs    []template.HTML
		Runs    []bench.Result
		Machine *bench.Machine
	}{svgs, rs, m})
}
