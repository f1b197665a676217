// Package cc holds the congestion control of the segment fetcher: an RTT
// estimator and retransmission timer per RFC 6298, and window algorithms
// (CUBIC per RFC 8312 as ndn-tools' catchunks applies it to NDN, and AIMD).
//
// Windows count segments (Interests in flight). Nothing here is safe for
// concurrent use: one fetch goroutine owns each value. The caller decides
// what a congestion event is (a timeout, a congestion mark, a Nack
// Congestion) and reacts at most once per RTT.
package cc

import (
	"math"
	"time"
)

// Algorithm is a congestion window.
type Algorithm interface {
	// Window returns the current congestion window in segments (>= 1).
	Window() float64
	// OnAck grows the window for one segment acknowledged at now.
	OnAck(now time.Time, srtt time.Duration)
	// OnCongestion shrinks the window after a loss or congestion signal.
	OnCongestion(now time.Time)
}

// SlowStarter is implemented by windows with a slow-start phase that a
// delay signal may end early, as HyStart++ (RFC 9406) does when the RTT
// rises: the queue is filling though nothing is lost yet.
type SlowStarter interface {
	InSlowStart() bool
	ExitSlowStart(now time.Time)
}

// AIMD is additive-increase/multiplicative-decrease with slow start. The
// zero value is usable: initial window 2, increase 1 segment per RTT,
// decrease to half, minimum window 1.
type AIMD struct {
	// InitialWindow is the starting window; default 2.
	InitialWindow float64
	// Increase is added per window's worth of acknowledgements in
	// congestion avoidance; default 1.
	Increase float64
	// Decrease multiplies the window on congestion; default 0.5.
	Decrease float64
	// MinWindow bounds the window below; default 1.
	MinWindow float64

	cwnd, ssthresh float64
	init           bool
}

func (a *AIMD) setup() {
	if a.init {
		return
	}
	a.init = true
	if a.InitialWindow <= 0 {
		a.InitialWindow = 2
	}
	if a.Increase <= 0 {
		a.Increase = 1
	}
	if a.Decrease <= 0 || a.Decrease >= 1 {
		a.Decrease = 0.5
	}
	if a.MinWindow <= 0 {
		a.MinWindow = 1
	}
	a.cwnd, a.ssthresh = a.InitialWindow, math.Inf(1)
}

// Window implements Algorithm.
func (a *AIMD) Window() float64 { a.setup(); return a.cwnd }

// OnAck implements Algorithm.
func (a *AIMD) OnAck(time.Time, time.Duration) {
	a.setup()
	if a.cwnd < a.ssthresh {
		a.cwnd++
	} else {
		a.cwnd += a.Increase / a.cwnd
	}
}

// InSlowStart implements SlowStarter.
func (a *AIMD) InSlowStart() bool { a.setup(); return a.cwnd < a.ssthresh }

// ExitSlowStart implements SlowStarter: congestion avoidance from the
// current window on.
func (a *AIMD) ExitSlowStart(time.Time) { a.setup(); a.ssthresh = a.cwnd }

// OnCongestion implements Algorithm.
func (a *AIMD) OnCongestion(time.Time) {
	a.setup()
	a.ssthresh = max(a.MinWindow, a.cwnd*a.Decrease)
	a.cwnd = a.ssthresh
}

// Cubic is the CUBIC window (RFC 8312) with fast convergence and the
// TCP-friendly region, as ndn-tools' PipelineInterestsCubic uses it. The
// zero value is usable: initial window 2, C 0.4, beta 0.7.
type Cubic struct {
	// InitialWindow is the starting window; default 2.
	InitialWindow float64
	// C is the CUBIC scaling constant; default 0.4.
	C float64
	// Beta is the multiplicative decrease factor; default 0.7.
	Beta float64
	// MinWindow bounds the window below; default 2 (ndn-tools' MIN_SSTHRESH).
	MinWindow float64

	cwnd, ssthresh float64
	wmax, lastWmax float64
	lastDecrease   time.Time
	probing        bool // avoidance began by ExitSlowStart, not by a decrease
	init           bool
}

func (c *Cubic) setup() {
	if c.init {
		return
	}
	c.init = true
	if c.InitialWindow <= 0 {
		c.InitialWindow = 2
	}
	if c.C <= 0 {
		c.C = 0.4
	}
	if c.Beta <= 0 || c.Beta >= 1 {
		c.Beta = 0.7
	}
	if c.MinWindow <= 0 {
		c.MinWindow = 2
	}
	c.cwnd, c.ssthresh = c.InitialWindow, math.Inf(1)
}

// Window implements Algorithm.
func (c *Cubic) Window() float64 { c.setup(); return c.cwnd }

// OnAck implements Algorithm.
func (c *Cubic) OnAck(now time.Time, srtt time.Duration) {
	c.setup()
	if c.cwnd < c.ssthresh {
		c.cwnd++
		return
	}
	t := now.Sub(c.lastDecrease).Seconds()
	k := math.Cbrt(c.wmax * (1 - c.Beta) / c.C)
	if c.probing {
		k = 0 // left slow start at Wmax: probe upwards from it
	}
	wCubic := c.C*math.Pow(t-k, 3) + c.wmax
	// TCP-friendly estimate (RFC 8312 §4.2).
	rtt := max(srtt.Seconds(), 1e-6)
	wEst := c.wmax*c.Beta + 3*(1-c.Beta)/(1+c.Beta)*t/rtt
	// The target is at most 1.5 times the window (RFC 8312 §4.1).
	if inc := min(max(wCubic, wEst), 1.5*c.cwnd) - c.cwnd; inc > 0 {
		c.cwnd += inc / c.cwnd
	}
}

// InSlowStart implements SlowStarter.
func (c *Cubic) InSlowStart() bool { c.setup(); return c.cwnd < c.ssthresh }

// ExitSlowStart implements SlowStarter: congestion avoidance from the
// current window taken as Wmax, on the convex (probing) part of the cubic
// curve, so that it grows slowly first.
func (c *Cubic) ExitSlowStart(now time.Time) {
	c.setup()
	c.ssthresh, c.wmax, c.lastWmax = c.cwnd, c.cwnd, c.cwnd
	c.lastDecrease, c.probing = now, true
}

// OnCongestion implements Algorithm.
func (c *Cubic) OnCongestion(now time.Time) {
	c.setup()
	// Fast convergence (RFC 8312 §4.6).
	if c.cwnd < c.lastWmax {
		c.lastWmax = c.cwnd
		c.wmax = c.cwnd * (1 + c.Beta) / 2
	} else {
		c.wmax, c.lastWmax = c.cwnd, c.cwnd
	}
	c.ssthresh = max(c.MinWindow, c.cwnd*c.Beta)
	c.cwnd = c.ssthresh
	c.lastDecrease, c.probing = now, false
}

// RTTOptions configures an RTTEstimator. The zero value gives RFC 6298's
// constants with a 200 ms minimum RTO (as ndn-tools) and a 60 s maximum.
type RTTOptions struct {
	// InitialRTO is the RTO before the first sample; default 1 s.
	InitialRTO time.Duration
	// MinRTO and MaxRTO bound the RTO; defaults 200 ms and 60 s.
	MinRTO, MaxRTO time.Duration
}

// RTTEstimator computes SRTT, RTTVAR and the RTO (RFC 6298 §2) and backs
// off the RTO exponentially on timeouts (§5.5). Samples must come only from
// segments sent once (Karn's algorithm, §3): the caller enforces that.
type RTTEstimator struct {
	opts         RTTOptions
	srtt, rttvar time.Duration
	rto          time.Duration
	min          time.Duration
	has          bool
}

// NewRTTEstimator returns an estimator with no samples.
func NewRTTEstimator(o RTTOptions) *RTTEstimator {
	if o.InitialRTO <= 0 {
		o.InitialRTO = time.Second
	}
	if o.MinRTO <= 0 {
		o.MinRTO = 200 * time.Millisecond
	}
	if o.MaxRTO <= 0 {
		o.MaxRTO = 60 * time.Second
	}
	return &RTTEstimator{opts: o, rto: min(max(o.InitialRTO, o.MinRTO), o.MaxRTO)}
}

// AddSample updates the estimate with one measured RTT (§2.2, §2.3,
// alpha 1/8, beta 1/4, K 4, G 1 ms) and clears any backoff.
func (e *RTTEstimator) AddSample(r time.Duration) {
	if r <= 0 {
		r = time.Microsecond
	}
	if !e.has {
		e.srtt, e.rttvar, e.min, e.has = r, r/2, r, true
	} else {
		d := e.srtt - r
		if d < 0 {
			d = -d
		}
		e.rttvar = (3*e.rttvar + d) / 4
		e.srtt = (7*e.srtt + r) / 8
		e.min = min(e.min, r)
	}
	e.rto = min(max(e.srtt+max(time.Millisecond, 4*e.rttvar), e.opts.MinRTO), e.opts.MaxRTO)
}

// Backoff doubles the RTO, up to MaxRTO (§5.5).
func (e *RTTEstimator) Backoff() { e.rto = min(2*e.rto, e.opts.MaxRTO) }

// RTO returns the current retransmission timeout.
func (e *RTTEstimator) RTO() time.Duration { return e.rto }

// SRTT returns the smoothed RTT (0 before the first sample).
func (e *RTTEstimator) SRTT() time.Duration { return e.srtt }

// RTTVar returns the RTT variation (0 before the first sample).
func (e *RTTEstimator) RTTVar() time.Duration { return e.rttvar }

// MinRTT returns the smallest sample seen (0 before the first sample).
func (e *RTTEstimator) MinRTT() time.Duration { return e.min }
