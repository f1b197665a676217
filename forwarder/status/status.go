// Package status serves a forwarder's status over HTTP: a small web page
// (forwarder counters, faces with live counters, FIB, RIB, strategy
// choices, CS hit ratio) that refreshes itself from a JSON endpoint, and
// Prometheus metrics.
//
// Routes of the Handler:
//
//	/             the page (rendered on the server, then refreshed every
//	              second by its script from /status.json)
//	/status.json  the same data as JSON (NFD field names in snake_case)
//	/metrics      Prometheus text exposition
//
// Everything is read from the forwarder when a request comes; nothing is
// added to the forwarding path. A Handler is safe for concurrent use.
package status

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/rib"
)

// ErrNoForwarder means Options.Forwarder is nil.
var ErrNoForwarder = errors.New("status: Options.Forwarder is required")

// Options configure the status handler. The zero value is usable except
// for Forwarder.
type Options struct {
	// Forwarder is the forwarder to report on. Required.
	Forwarder *forwarder.Forwarder
	// RIB, when set, adds the RIB to the page and its size to the metrics.
	RIB *rib.RIB
	// Version is shown on the page; default "ndnflow".
	Version string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

//go:embed page.html
var pageFS embed.FS

// Handler serves the status page, JSON and metrics.
type Handler struct {
	opts  Options
	start time.Time
	page  *template.Template
	mux   *http.ServeMux
}

// NewHandler returns the handler for o.
func NewHandler(o Options) (*Handler, error) {
	if o.Forwarder == nil {
		return nil, ErrNoForwarder
	}
	if o.Version == "" {
		o.Version = "ndnflow"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	page, err := template.New("page.html").Funcs(template.FuncMap{
		"pct": func(r float64) float64 { return 100 * r },
	}).ParseFS(pageFS, "page.html")
	if err != nil {
		return nil, err
	}
	h := &Handler{opts: o, start: o.Now(), page: page, mux: http.NewServeMux()}
	reg := prometheus.NewRegistry()
	reg.MustRegister(newCollector(h), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h.mux.HandleFunc("GET /{$}", h.servePage)
	h.mux.HandleFunc("GET /status.json", h.serveJSON)
	h.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.page.Execute(w, h.Snapshot()); err != nil {
		h.opts.Logger.Debug("status: page", "err", err)
	}
}

func (h *Handler) serveJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(h.Snapshot())
}

// Snapshot is what the page and /status.json show.
type Snapshot struct {
	Version    string           `json:"version"`
	StartTime  time.Time        `json:"start_time"`
	Uptime     string           `json:"uptime"`
	Counters   Counters         `json:"counters"`
	Cs         Cs               `json:"cs"`
	Faces      []Face           `json:"faces"`
	Fib        []FibEntry       `json:"fib"`
	Rib        []RibEntry       `json:"rib"`
	Strategies []StrategyChoice `json:"strategy_choices"`
}

// Counters are the forwarder's totals.
type Counters struct {
	NInInterests          uint64 `json:"n_in_interests"`
	NInData               uint64 `json:"n_in_data"`
	NInNacks              uint64 `json:"n_in_nacks"`
	NOutInterests         uint64 `json:"n_out_interests"`
	NOutData              uint64 `json:"n_out_data"`
	NOutNacks             uint64 `json:"n_out_nacks"`
	NSatisfiedInterests   uint64 `json:"n_satisfied_interests"`
	NUnsatisfiedInterests uint64 `json:"n_unsatisfied_interests"`
	NPitEntries           int    `json:"n_pit_entries"`
	NFibEntries           int    `json:"n_fib_entries"`
	NRibEntries           int    `json:"n_rib_entries"`
}

// Cs describes the content store.
type Cs struct {
	Capacity   int     `json:"capacity"`
	NCsEntries int     `json:"n_cs_entries"`
	Bytes      int64   `json:"bytes"`
	NHits      uint64  `json:"n_hits"`
	NMisses    uint64  `json:"n_misses"`
	HitRatio   float64 `json:"hit_ratio"`
	Admit      bool    `json:"admit"`
	Serve      bool    `json:"serve"`
}

// Face is one face with its counters.
type Face struct {
	FaceID        uint64 `json:"face_id"`
	URI           string `json:"uri"`
	LocalURI      string `json:"local_uri"`
	Scope         string `json:"face_scope"`
	Persistency   string `json:"face_persistency"`
	LinkType      string `json:"link_type"`
	State         string `json:"state"`
	NInInterests  uint64 `json:"n_in_interests"`
	NInData       uint64 `json:"n_in_data"`
	NInNacks      uint64 `json:"n_in_nacks"`
	NOutInterests uint64 `json:"n_out_interests"`
	NOutData      uint64 `json:"n_out_data"`
	NOutNacks     uint64 `json:"n_out_nacks"`
	NInBytes      uint64 `json:"n_in_bytes"`
	NOutBytes     uint64 `json:"n_out_bytes"`
}

// FibEntry is a FIB entry.
type FibEntry struct {
	Prefix   string    `json:"prefix"`
	NextHops []NextHop `json:"next_hops"`
}

// NextHop is a FIB next hop.
type NextHop struct {
	FaceID uint64 `json:"face_id"`
	Cost   uint64 `json:"cost"`
}

// RibEntry is a RIB entry.
type RibEntry struct {
	Prefix string  `json:"prefix"`
	Routes []Route `json:"routes"`
}

// Route is a RIB route.
type Route struct {
	FaceID  uint64 `json:"face_id"`
	Origin  uint16 `json:"origin"`
	Cost    uint64 `json:"cost"`
	Flags   uint64 `json:"flags"`
	Expires string `json:"expires,omitempty"`
}

// StrategyChoice is a strategy choice.
type StrategyChoice struct {
	Prefix   string `json:"prefix"`
	Strategy string `json:"strategy"`
}

// Snapshot reads the forwarder's state now.
func (h *Handler) Snapshot() Snapshot {
	fw := h.opts.Forwarder
	now := h.opts.Now()
	c := fw.Counters()
	fib := fw.FIB()
	s := Snapshot{
		Version: h.opts.Version, StartTime: h.start, Uptime: now.Sub(h.start).Round(time.Second).String(),
		Counters: Counters{
			NInInterests: c.InInterests, NInData: c.InData, NInNacks: c.InNacks,
			NOutInterests: c.OutInterests, NOutData: c.OutData, NOutNacks: c.OutNacks,
			NSatisfiedInterests: c.SatisfiedInterests, NUnsatisfiedInterests: c.UnsatisfiedInterests,
			NPitEntries: c.PitEntries, NFibEntries: fib.Len(),
		},
		Faces: []Face{}, Fib: []FibEntry{}, Rib: []RibEntry{}, Strategies: []StrategyChoice{},
	}
	ci := fw.CsInfo()
	s.Cs = Cs{Capacity: ci.Capacity, NCsEntries: ci.Entries, Bytes: ci.Bytes, NHits: ci.Hits, NMisses: ci.Misses, Admit: ci.Admit, Serve: ci.Serve}
	if t := ci.Hits + ci.Misses; t > 0 {
		s.Cs.HitRatio = float64(ci.Hits) / float64(t)
	}
	for _, f := range fw.Faces() {
		s.Faces = append(s.Faces, faceOf(f))
	}
	for _, e := range fib.Entries() {
		fe := FibEntry{Prefix: e.Prefix.String()}
		for _, nh := range e.NextHops {
			fe.NextHops = append(fe.NextHops, NextHop{FaceID: nh.Face, Cost: nh.Cost})
		}
		s.Fib = append(s.Fib, fe)
	}
	if h.opts.RIB != nil {
		for _, e := range h.opts.RIB.Entries() {
			re := RibEntry{Prefix: e.Name.String()}
			for _, r := range e.Routes {
				rt := Route{FaceID: r.FaceID, Origin: r.Origin, Cost: r.Cost, Flags: r.Flags}
				if !r.Expires.IsZero() {
					rt.Expires = max(r.Expires.Sub(now), 0).Round(time.Second).String()
				}
				re.Routes = append(re.Routes, rt)
			}
			s.Rib = append(s.Rib, re)
		}
		s.Counters.NRibEntries = len(s.Rib)
	}
	for _, sc := range fw.StrategyChoices() {
		s.Strategies = append(s.Strategies, StrategyChoice{Prefix: sc.Prefix.String(), Strategy: sc.Strategy.String()})
	}
	return s
}

func faceOf(f *face.Face) Face {
	info := f.Info()
	c := f.Counters()
	return Face{
		FaceID: f.ID(), URI: info.RemoteURI, LocalURI: info.LocalURI,
		Scope: info.Scope.String(), Persistency: f.Persistency().String(), LinkType: info.LinkType.String(),
		State:        f.State().String(),
		NInInterests: c.InInterests.Load(), NInData: c.InData.Load(), NInNacks: c.InNacks.Load(),
		NOutInterests: c.OutInterests.Load(), NOutData: c.OutData.Load(), NOutNacks: c.OutNacks.Load(),
		NInBytes: c.InFrameBytes.Load(), NOutBytes: c.OutFrameBytes.Load(),
	}
}

// Server is a running HTTP status server.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen serves NewHandler(o) on addr (HOST:PORT, e.g. "127.0.0.1:8080")
// until Close.
func Listen(ctx context.Context, addr string, o Options) (*Server, error) {
	h, err := NewHandler(o)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// URL returns the page's URL, e.g. "http://127.0.0.1:8080/".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" }

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

// collector exports the forwarder's state as Prometheus metrics, read at
// scrape time.
type collector struct {
	h *Handler

	packets, csHits, csMisses, drops           *prometheus.Desc
	pit, cs, csBytes, fib, ribEntries, started *prometheus.Desc
	facePackets, faceBytes, faceDrops, faceUp  *prometheus.Desc
	faceInfo                                   *prometheus.Desc
}

func newCollector(h *Handler) *collector {
	d := prometheus.NewDesc
	return &collector{
		h:           h,
		packets:     d("ndnflow_forwarder_packets_total", "Network-layer packets through the forwarder.", []string{"direction", "type"}, nil),
		csHits:      d("ndnflow_cs_hits_total", "Interests answered from the content store.", nil, nil),
		csMisses:    d("ndnflow_cs_misses_total", "Content store lookups that found nothing.", nil, nil),
		drops:       d("ndnflow_forwarder_drops_total", "Packets the forwarder dropped, per reason.", []string{"reason"}, nil),
		pit:         d("ndnflow_pit_entries", "PIT entries.", nil, nil),
		cs:          d("ndnflow_cs_entries", "Data packets in the content store.", nil, nil),
		csBytes:     d("ndnflow_cs_bytes", "Bytes of Data in the content store.", nil, nil),
		fib:         d("ndnflow_fib_entries", "FIB entries.", nil, nil),
		ribEntries:  d("ndnflow_rib_entries", "RIB entries (prefixes).", nil, nil),
		started:     d("ndnflow_start_time_seconds", "When the status handler started, Unix time.", nil, nil),
		facePackets: d("ndnflow_face_packets_total", "Network-layer packets per face.", []string{"face", "direction", "type"}, nil),
		faceBytes:   d("ndnflow_face_bytes_total", "Link-layer bytes per face (NFD nInBytes/nOutBytes).", []string{"face", "direction"}, nil),
		faceDrops:   d("ndnflow_face_drops_total", "Packets a face dropped, per reason.", []string{"face", "reason"}, nil),
		faceUp:      d("ndnflow_face_up", "1 when the face is up.", []string{"face"}, nil),
		faceInfo:    d("ndnflow_face_info", "Face properties (value 1).", []string{"face", "remote", "local", "scope", "persistency", "link_type"}, nil),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.packets, c.csHits, c.csMisses, c.drops, c.pit, c.cs, c.csBytes, c.fib,
		c.ribEntries, c.started, c.facePackets, c.faceBytes, c.faceDrops, c.faceUp, c.faceInfo} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	fw := c.h.opts.Forwarder
	k := fw.Counters()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter(c.packets, k.InInterests, "in", "interest")
	counter(c.packets, k.InData, "in", "data")
	counter(c.packets, k.InNacks, "in", "nack")
	counter(c.packets, k.OutInterests, "out", "interest")
	counter(c.packets, k.OutData, "out", "data")
	counter(c.packets, k.OutNacks, "out", "nack")
	counter(c.csHits, k.CsHits)
	counter(c.csMisses, k.CsMisses)
	for reason, v := range map[string]uint64{
		"hop_limit": k.DropHopLimit, "localhost": k.DropLocalhost, "loop": k.DropLoop, "pit_full": k.DropPitFull,
		"unsolicited": k.DropUnsolicited, "nack": k.DropNack, "no_face": k.DropNoFace, "scope": k.DropScope,
		"dispatch": k.DispatchDrops,
	} {
		counter(c.drops, v, reason)
	}
	gauge(c.pit, float64(k.PitEntries))
	gauge(c.cs, float64(k.CsEntries))
	gauge(c.csBytes, float64(k.CsBytes))
	gauge(c.fib, float64(fw.FIB().Len()))
	if c.h.opts.RIB != nil {
		gauge(c.ribEntries, float64(c.h.opts.RIB.Len()))
	}
	gauge(c.started, float64(c.h.start.UnixNano())/1e9)
	for _, f := range fw.Faces() {
		id := strconv.FormatUint(f.ID(), 10)
		fc := f.Counters()
		counter(c.facePackets, fc.InInterests.Load(), id, "in", "interest")
		counter(c.facePackets, fc.InData.Load(), id, "in", "data")
		counter(c.facePackets, fc.InNacks.Load(), id, "in", "nack")
		counter(c.facePackets, fc.OutInterests.Load(), id, "out", "interest")
		counter(c.facePackets, fc.OutData.Load(), id, "out", "data")
		counter(c.facePackets, fc.OutNacks.Load(), id, "out", "nack")
		counter(c.faceBytes, fc.InFrameBytes.Load(), id, "in")
		counter(c.faceBytes, fc.OutFrameBytes.Load(), id, "out")
		for reason, v := range map[string]uint64{
			"malformed_lp": fc.DropMalformedLp.Load(), "malformed_net": fc.DropMalformedNet.Load(),
			"invalid_lp": fc.DropInvalidLp.Load(), "reassembly": fc.DropReassembly.Load(),
			"queue_full": fc.DropQueueFull.Load(), "too_large": fc.DropTooLarge.Load(),
			"tx_error": fc.DropTxError.Load(), "closed": fc.DropClosed.Load(),
		} {
			counter(c.faceDrops, v, id, reason)
		}
		up := 0.0
		if f.State() == face.StateUp {
			up = 1
		}
		gauge(c.faceUp, up, id)
		info := f.Info()
		gauge(c.faceInfo, 1, id, info.RemoteURI, info.LocalURI, info.Scope.String(), f.Persistency().String(), info.LinkType.String())
	}
}
