package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// Run runs cfg.Repeat runs of the scenario and returns one Result per run
// and target (the relay scenario yields a relay row and a target row per
// run). Each result is also passed to emit (if not nil) as soon as it is
// ready. It stops at the first error, returning the results so far.
func Run(ctx context.Context, cfg Config, emit func(Result)) ([]Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	machine := MachineInfo(ctx)
	var out []Result
	add := func(r Result) {
		r.Machine = machine
		out = append(out, r)
		if emit != nil {
			emit(r)
		}
	}
	for run := 1; run <= cfg.Repeat; run++ {
		if cfg.Scenario == ScenarioRelay {
			rr, err := runTarget(ctx, &cfg, TargetRelay, run)
			if err != nil {
				return out, fmt.Errorf("relay, run %d: %w", run, err)
			}
			rr.Scenario = ScenarioRelay
			add(rr)
			tr, err := runTarget(ctx, &cfg, cfg.Target, run)
			if err != nil {
				return out, fmt.Errorf("%s, run %d: %w", cfg.label(cfg.Target), run, err)
			}
			tr.Scenario = ScenarioRelay
			tr.RelayDataPerS = rr.DataPerS
			if rr.DataPerS > 0 {
				tr.Efficiency = tr.DataPerS / rr.DataPerS
			}
			add(tr)
			continue
		}
		r, err := runTarget(ctx, &cfg, cfg.Target, run)
		if err != nil {
			return out, fmt.Errorf("%s, run %d: %w", cfg.label(cfg.Target), run, err)
		}
		add(r)
	}
	return out, nil
}

// flow is one consumer/producer pair.
type flow struct {
	cons   *consumer
	cc, pc *conn
	prod   *producer
}

// session is one run against one target.
type session struct {
	cfg      *Config
	target   string
	pool     *face.Pool
	dial     func(ctx context.Context) (face.Transport, uint64, error)
	inproc   *inproc
	isRelay  bool
	child    *child
	relay    *relay
	tmpDir   string
	flows    []*flow
	conns    []*conn
	errc     chan error
	stopping atomic.Bool
	wg       sync.WaitGroup
	epoch    time.Time
	runID    string
	// mgmtPrefix is the management prefix that answered the first
	// registration (/localhost/nfd, or /localhop/nfd on a UDP face).
	mgmtPrefix string
}

func runTarget(ctx context.Context, cfg *Config, target string, run int) (res Result, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &session{cfg: cfg, target: target, pool: face.NewPool(), errc: make(chan error, 16), epoch: time.Now()}
	var id [4]byte
	rand.Read(id[:])
	s.runID = hex.EncodeToString(id[:])
	defer func() {
		if err != nil && s.child != nil {
			// A dead child explains a closed connection better: give its
			// exit a moment to be noticed.
			select {
			case <-s.child.exited:
			case <-time.After(300 * time.Millisecond):
			}
			if s.childDied() {
				err = s.child.diedError()
			}
		}
		s.teardown(cancel)
	}()
	if err := s.start(ctx); err != nil {
		return Result{}, err
	}
	switch {
	case cfg.Scenario == ScenarioFetch && cfg.Fetcher == FetcherApp:
		res, err = s.measureFetchApp(ctx)
	default:
		if err = s.connect(ctx); err != nil {
			return Result{}, err
		}
		if cfg.Scenario == ScenarioFetch {
			res, err = s.measureFetch(ctx)
			break
		}
		res, err = s.measure(ctx)
	}
	if err != nil {
		return Result{}, err
	}
	res.Scenario, res.Target, res.Label, res.Run, res.Time = cfg.Scenario, target, cfg.label(target), run, s.epoch.UTC()
	res.Knobs = Knobs{Transport: cfg.Transport, Flows: cfg.Flows, NameLen: cfg.NameLen, Payload: cfg.Payload,
		Window: cfg.Window, FIBSize: cfg.FIBSize, CSHit: cfg.CSHit,
		DurationS: cfg.Duration.Seconds(), WarmupS: cfg.Warmup.Seconds()}
	if cfg.CSHit > 0 && cfg.Scenario != ScenarioFetch {
		res.Knobs.CSSet = cfg.CSSet
	}
	if cfg.Scenario == ScenarioFetch {
		res.Knobs.DurationS, res.Knobs.WarmupS, res.Knobs.ObjectSize = 0, 0, cfg.ObjectSize
		res.Knobs.Fetcher = cfg.Fetcher
	}
	return res, nil
}

func (s *session) childDied() bool {
	select {
	case <-s.child.exited:
		s.child.stopMu.Lock()
		defer s.child.stopMu.Unlock()
		return !s.child.stop
	default:
		return false
	}
}

// start launches the target (if the benchmark owns it) and sets s.dial.
func (s *session) start(ctx context.Context) error {
	cfg := s.cfg
	switch s.target {
	case TargetRelay:
		s.isRelay = true
		if cfg.Transport == "memory" {
			s.relay = newRelay(cfg.Logger)
			s.dial = func(context.Context) (face.Transport, uint64, error) {
				a, b := face.NewMemPair(face.MemPairConfig{Pool: s.pool})
				s.relay.accept(b)
				return a, 0, nil
			}
			return nil
		}
		listen := map[string]string{"tcp": "tcp://127.0.0.1:0", "udp": "udp://127.0.0.1:0"}[cfg.Transport]
		if cfg.Transport == "unix" {
			if err := s.mkTemp(); err != nil {
				return err
			}
			listen = "unix://" + filepath.Join(s.tmpDir, "relay.sock")
		}
		c, uri, err := startRelayChild(ctx, cfg.Spawn, listen)
		if err != nil {
			return err
		}
		s.child = c
		ep, err := parseEndpoint(uri)
		if err != nil {
			return err
		}
		s.dial = dialer(ep)
	case TargetInproc:
		return s.startInproc(ctx)
	case TargetInternal:
		if err := s.mkTemp(); err != nil {
			return err
		}
		extra := cfg.FwArgs
		if cfg.CSCapacity != 0 {
			extra = append([]string{"--cs-capacity", fmt.Sprint(max(cfg.CSCapacity, 0))}, extra...)
		}
		c, ep, err := startForwarderChild(ctx, cfg.Spawn, s.tmpDir, cfg.Transport, extra)
		if err != nil {
			return err
		}
		s.child = c
		s.dial = dialer(ep)
	default:
		ep, err := parseEndpoint(s.target)
		if err != nil {
			return err
		}
		s.dial = dialer(ep)
	}
	return nil
}

func (s *session) mkTemp() error {
	d, err := os.MkdirTemp("", "ndnflow-bench-")
	if err != nil {
		return err
	}
	s.tmpDir = d
	return nil
}

// dialer returns the dial function of one run.
func dialer(ep endpoint) func(ctx context.Context) (face.Transport, uint64, error) {
	return func(ctx context.Context) (face.Transport, uint64, error) {
		var t face.Transport
		var err error
		switch ep.kind {
		case "unix":
			t, err = face.DialUnix(ctx, ep.addr)
		case "tcp":
			t, err = face.DialTCP(ctx, ep.addr, face.TCPDialConfig{})
		case "udp":
			t, err = face.DialUDP(ctx, ep.addr, face.UDPDialConfig{})
		default:
			err = fmt.Errorf("%w: cannot dial %v", ErrConfig, ep)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%w: connecting to %v: %v", ErrTargetDied, ep, err)
		}
		return t, 0, nil
	}
}

// flowPrefix is the prefix flow i's producer serves.
func (s *session) flowPrefix(i int) ndn.Name {
	return ndn.NameFromComponents(ndn.GenericComponent("ndnflow-bench"), ndn.GenericComponent(s.runID),
		ndn.GenericComponent(fmt.Sprintf("f%d", i)))
}

// newConnRunning dials, wraps and starts the reader of one connection.
func (s *session) newConnRunning(ctx context.Context, handle func(c *conn) func([][]byte, []int, int)) (*conn, error) {
	t, id, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	c := newConn(t, s.pool)
	c.faceID = id
	s.conns = append(s.conns, c)
	h := handle(c)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		c.run(h)
	}()
	return c, nil
}

// connect opens every flow's connections, registers the producers'
// prefixes (or says hello to the relay) and leaves the consumers idle.
func (s *session) connect(ctx context.Context) error {
	cfg := s.cfg
	lifetime := uint64(max(cfg.Timeout, time.Second).Milliseconds())
	segments := uint64(0)
	seqType := uint16(ttGenericComp)
	if cfg.Scenario == ScenarioFetch {
		segments = uint64((cfg.ObjectSize + int64(cfg.Payload) - 1) / int64(cfg.Payload))
		seqType = ttSegmentComp
	}
	regTimeout := 2 * time.Second
	for i := range cfg.Flows {
		f := &flow{}
		var err error
		f.pc, err = s.newConnRunning(ctx, func(c *conn) func([][]byte, []int, int) {
			f.prod = newProducer(c, cfg.Payload)
			return f.prod.handle
		})
		if err != nil {
			return err
		}
		name := s.flowPrefix(i)
		for j := range cfg.NameLen - 4 {
			name = name.Append(ndn.GenericComponent(fmt.Sprintf("c%d", j)))
		}
		var seed [8]byte
		rand.Read(seed[:])
		ccfg := consumerConfig{
			tmpl:   newInterestTemplate(name, seqType, lifetime),
			window: cfg.Window, timeout: cfg.Timeout, csHit: cfg.CSHit, csSet: cfg.CSSet, payload: cfg.Payload,
			segments: segments, epoch: s.epoch,
			seed: uint64(seed[0]) | uint64(seed[1])<<8 | uint64(seed[2])<<16 | uint64(seed[3])<<24 |
				uint64(seed[4])<<32 | uint64(seed[5])<<40 | uint64(seed[6])<<48 | uint64(seed[7])<<56,
		}
		f.cc, err = s.newConnRunning(ctx, func(c *conn) func([][]byte, []int, int) {
			f.cons = newConsumer(c, ccfg)
			return f.cons.handle
		})
		if err != nil {
			return err
		}
		s.flows = append(s.flows, f)
		if s.isRelay {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for j, c := range []*conn{f.pc, f.cc} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[j] = relayHello(ctx, c, uint64(i), "pc"[j], 5*time.Second)
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				return err
			}
			continue
		}
		prefixes := []ndn.Name{s.flowPrefix(i)}
		if i == 0 {
			for j := range cfg.FIBSize {
				prefixes = append(prefixes, ndn.NameFromComponents(ndn.GenericComponent("ndnflow-bench"),
					ndn.GenericComponent(s.runID), ndn.GenericComponent(fmt.Sprintf("fib%d", j))))
			}
		}
		if s.inproc != nil {
			for _, p := range prefixes {
				if err := s.inproc.fw.AddNextHop(p, f.pc.faceID, 0); err != nil {
					return fmt.Errorf("%w: %v", ErrRegister, err)
				}
			}
			continue
		}
		if err := registerPrefixes(ctx, f.pc, prefixes, regTimeout, &s.mgmtPrefix); err != nil {
			return err
		}
	}
	return nil
}

// watch starts the goroutines that turn a failure into an error on s.errc:
// consumer writers, closed connections, a child's exit and the stall
// watchdog.
func (s *session) watch(ctx context.Context) {
	report := func(err error) {
		if s.stopping.Load() {
			return
		}
		select {
		case s.errc <- err:
		default:
		}
	}
	for _, f := range s.flows {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := f.cons.routineWrite(ctx); err != nil {
				report(fmt.Errorf("%w: sending Interests: %v", ErrTargetDied, err))
			}
		}()
	}
	for _, c := range s.conns {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			select {
			case <-c.done:
				report(fmt.Errorf("%w: the target closed a connection (%v)", ErrTargetDied, c.err))
			case <-ctx.Done():
			}
		}()
	}
	if s.child != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			select {
			case <-s.child.exited:
				report(s.child.diedError())
			case <-ctx.Done():
			}
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		start := time.Since(s.epoch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			last, busy := start, false
			for _, f := range s.flows {
				last = max(last, time.Duration(f.cons.lastRx.Load()))
				busy = busy || f.cons.outstanding() > 0
			}
			if busy && time.Since(s.epoch)-last > s.cfg.StallTimeout {
				report(fmt.Errorf("%w: no Data for %v with Interests outstanding", ErrStalled, s.cfg.StallTimeout))
				return
			}
		}
	}()
}

// wait sleeps d or returns the first error.
func (s *session) wait(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case err := <-s.errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) snapshot() (flowSnapshot, uint64) {
	var tot flowSnapshot
	var served uint64
	for _, f := range s.flows {
		tot = tot.add(f.cons.stats.snapshot())
		served += f.prod.served.Load()
	}
	return tot, served
}

func (s *session) setMeasuring(on bool) {
	for _, f := range s.flows {
		f.cons.setMeasuring(on)
	}
}

// measure runs the fwd/relay traffic: warm-up, then the measured interval.
func (s *session) measure(ctx context.Context) (Result, error) {
	s.watch(ctx)
	if err := s.wait(ctx, s.cfg.Warmup); err != nil {
		return Result{}, err
	}
	s.setMeasuring(true)
	snap0, served0 := s.snapshot()
	t0 := time.Now()
	if err := s.wait(ctx, s.cfg.Duration); err != nil {
		return Result{}, err
	}
	snap1, served1 := s.snapshot()
	secs := time.Since(t0).Seconds()
	s.setMeasuring(false)
	return s.result(snap1.sub(snap0), served1-served0, secs), nil
}

// measureFetch lets every consumer fetch its object and measures until the
// last completes.
func (s *session) measureFetch(ctx context.Context) (Result, error) {
	s.setMeasuring(true)
	t0 := time.Since(s.epoch)
	s.watch(ctx)
	for _, f := range s.flows {
		select {
		case <-f.cons.finished:
		case err := <-s.errc:
			return Result{}, err
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}
	s.setMeasuring(false)
	snap, served := s.snapshot()
	var last time.Duration
	per := make([]float64, len(s.flows))
	for i, f := range s.flows {
		d := f.cons.finishedAt - t0
		last = max(last, d)
		per[i] = rate(float64(s.cfg.ObjectSize)*8, d.Seconds())
	}
	r := s.result(snap, served, last.Seconds())
	r.GoodputBps = rate(float64(s.cfg.ObjectSize)*8*float64(len(s.flows)), last.Seconds())
	r.GoodputMinBps, r.GoodputMaxBps = per[0], per[0]
	for _, g := range per {
		r.GoodputMinBps, r.GoodputMaxBps = min(r.GoodputMinBps, g), max(r.GoodputMaxBps, g)
	}
	r.GoodputStddevBps = stddev(per)
	return r, nil
}

// result computes the figures of an interval. The consumers must not be
// recording (setMeasuring(false)) when it reads their histograms.
func (s *session) result(d flowSnapshot, served uint64, secs float64) Result {
	var h Histogram
	for _, f := range s.flows {
		f.cons.mu.Lock()
		h.Merge(&f.cons.hist)
		f.cons.mu.Unlock()
	}
	us := func(d time.Duration) float64 { return float64(d) / 1e3 }
	r := Result{
		Seconds: secs, Interests: d.interests, Data: d.data, Nacks: d.nacks, Timeouts: d.timeouts,
		Retransmissions: d.retx,
		InterestsPerS:   rate(float64(d.interests), secs),
		DataPerS:        rate(float64(d.data), secs),
		NacksPerS:       rate(float64(d.nacks), secs),
		GoodputBps:      rate(float64(d.bytes)*8, secs),
		RTT: RTT{P50: us(h.Quantile(.5)), P90: us(h.Quantile(.9)), P99: us(h.Quantile(.99)),
			Mean: us(h.Mean()), Max: us(h.Max())},
		RTTHist: h.Buckets(),
	}
	if tot := d.data + d.nacks + d.timeouts; tot > 0 {
		r.LossRatio = float64(d.timeouts) / float64(tot)
	}
	// Data in flight at either end of the interval make served and
	// received differ by up to flows×window without any cache hit.
	if slack := uint64(s.cfg.Flows * s.cfg.Window); d.data > 0 && served+slack < d.data {
		r.CSHitRatio = 1 - float64(served)/float64(d.data)
	}
	return r
}

// teardown stops traffic, closes connections, waits for every goroutine and
// stops the child process.
func (s *session) teardown(cancel context.CancelFunc) {
	s.stopping.Store(true)
	cancel()
	for _, c := range s.conns {
		c.close()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cfg.Logger.Warn("bench: some generator goroutines did not stop within 10s")
	}
	if s.relay != nil {
		s.relay.close()
	}
	if s.inproc != nil {
		s.inproc.close()
	}
	if s.child != nil {
		s.child.terminate()
	}
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}
