package segmented

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/cc"
	"github.com/ndnflow/ndnflow/app/rdr"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// FetchOptions configures Fetch. The zero value is usable.
type FetchOptions struct {
	// Algorithm is the congestion window; default a new cc.Cubic. A value
	// holds state: do not share one between Fetch calls.
	Algorithm cc.Algorithm
	// MaxWindow caps the Interests in flight; default 1024. The reorder
	// buffer holds at most 2*MaxWindow segments (rounded up to a power of
	// two), which bounds memory at about 20 MB with the default.
	MaxWindow int
	// RTT configures the RTT estimator and RTO bounds; MaxRTO defaults to
	// (and is capped at) Lifetime.
	RTT cc.RTTOptions
	// Lifetime is the InterestLifetime of segment Interests; default 4 s.
	Lifetime time.Duration
	// MaxRetries is how often one segment may be retransmitted before Fetch
	// fails; default 15 (as ndn-tools catchunks).
	MaxRetries int
	// Verifier, when set, checks every segment's signature; a failure ends
	// the fetch with an error wrapping app.ErrValidation.
	Verifier ndn.Verifier
	// Validator, when set, validates every segment against a trust policy
	// (a *trust.Validator fits). It runs on the fetching goroutine: one
	// that verifies a public-key signature per segment caps the rate near
	// 1 Gbit/s per core (docs/library.md).
	Validator app.Validator
	// DiscoveryRetries is how often the RDR metadata Interest is
	// retransmitted when the name has no version; default 2, negative none.
	DiscoveryRetries int
	// Progress, when set, is called from the fetching goroutine every
	// ProgressInterval (default 200 ms) and once at the end.
	Progress         func(Progress)
	ProgressInterval time.Duration
	// WriteBuffer is the size of the buffer in front of the io.Writer;
	// default 256 KiB. Bytes never wait in it for more than flushDelay
	// (1 ms), so a slow or stalled object still reaches the writer as it
	// arrives, while a fast one is written in WriteBuffer-sized chunks.
	WriteBuffer int
}

func (o *FetchOptions) applyDefaults() {
	if o.Algorithm == nil {
		o.Algorithm = &cc.Cubic{}
	}
	if o.MaxWindow <= 0 {
		o.MaxWindow = 1024
	}
	if o.Lifetime <= 0 {
		o.Lifetime = 4 * time.Second
	}
	// Waiting longer than the InterestLifetime is pointless: the PIT
	// entries are gone by then. This also bounds how long a vanished
	// producer takes to be noticed (MaxRetries backed-off RTOs).
	if o.RTT.MaxRTO <= 0 || o.RTT.MaxRTO > o.Lifetime {
		o.RTT.MaxRTO = o.Lifetime
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 15
	}
	if o.DiscoveryRetries == 0 {
		o.DiscoveryRetries = 2
	}
	if o.DiscoveryRetries < 0 {
		o.DiscoveryRetries = 0
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = 200 * time.Millisecond
	}
	if o.WriteBuffer <= 0 {
		o.WriteBuffer = 256 << 10
	}
}

// Progress is a snapshot of a running fetch.
type Progress struct {
	Name     ndn.Name
	Bytes    int64
	Segments uint64
	// TotalSegments is 0 until the FinalBlockId is known.
	TotalSegments uint64
	Elapsed       time.Duration
	Window        float64
	SRTT          time.Duration
}

// Result describes a completed (or failed) fetch.
type Result struct {
	// Name is the versioned name fetched.
	Name ndn.Name
	// Bytes and Segments count what was written to the io.Writer.
	Bytes    int64
	Segments uint64
	// Retransmissions counts Interests sent again; Timeouts, FastRetransmits
	// and Nacks say why. CongestionMarks counts marked Data,
	// WindowDecreases the reactions. Duplicates counts Data for segments
	// already received.
	Retransmissions, Timeouts, FastRetransmits, Nacks     uint64
	CongestionMarks, WindowDecreases, Duplicates, Ignored uint64
	// Spurious counts retransmissions that proved needless (the earlier
	// Interest was answered).
	Spurious uint64
	// SlowStartExits counts slow starts ended by rising delay (HyStart).
	SlowStartExits uint64
	// Probes counts tail-loss probes (retransmissions after a stall).
	Probes uint64
	// Elapsed is the time from the first Interest to the last byte.
	Elapsed time.Duration
	// SRTT, MinRTT and RTO are the final RTT estimates.
	SRTT, MinRTT, RTO time.Duration
	// MaxWindowUsed is the largest congestion window reached.
	MaxWindowUsed float64
}

// Goodput returns the delivered payload rate in bits per second.
func (r *Result) Goodput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Bytes) * 8 / r.Elapsed.Seconds()
}

// Sentinel errors of Fetch.
var (
	// ErrFinalBlock means segments disagree about the FinalBlockId, or a
	// segment lies beyond it, or it is not a segment number.
	ErrFinalBlock = errors.New("segmented: inconsistent or invalid FinalBlockId")
	// ErrBadSegment means a segment is oversized or is an application Nack.
	ErrBadSegment = errors.New("segmented: bad segment")
)

const (
	stFree = iota
	stInFlight
	stLost // waiting in the retransmission queue
	stReceived
)

// slot is the state of one segment in the reorder ring.
type slot struct {
	seg        uint64
	tx         uint64 // transmission id of the latest Interest
	sentAt     time.Duration
	pkt        *app.Packet
	prev, next int32 // in-flight list links (ring indices), -1 for none
	retx       int32 // retransmissions of any kind (Karn's rule)
	losses     int32 // retransmissions for loss, counted against MaxRetries
	probe      bool  // marked lost by a tail-loss probe, not by evidence
	probes     int32 // tail-loss probes of this segment
	state      uint8
	nacked     ndn.NackReason
}

// fetcher is the state of one Fetch. Everything but rxq is owned by the
// goroutine running run; Receive (on the Client's receive goroutine) only
// queues packets.
type fetcher struct {
	opts      FetchOptions
	cs        *app.Consumer
	client    *app.Client
	versioned ndn.Name
	nameV     []byte
	lifetime  []byte

	mu    sync.Mutex // protects rxq
	rxq   []*app.Packet
	spare []*app.Packet
	wake  chan struct{}

	ring       []slot
	mask       uint64
	base, next uint64
	final      uint64
	finalKnown bool
	highestRx  uint64
	haveRx     bool
	head, tail int32
	inflight   int
	retxq      []uint64
	retxHead   int
	tx         uint64
	highestAck uint64
	lastDecr   time.Duration
	reoMult    time.Duration // reorder window multiplier, grows on spurious retransmissions
	rttSamples int
	lastRx     time.Duration // when the last Data or Nack arrived
	lastProbe  time.Duration
	ptoShift   uint // probe timeout doublings since the last arrival

	ctx   context.Context
	rtt   *cc.RTTEstimator
	alg   cc.Algorithm
	start time.Time
	res   Result
	bw    *bufio.Writer
	// flushAt is when the bytes waiting in bw must be flushed; valid
	// while bw.Buffered() > 0.
	flushAt time.Duration

	scratch []byte
}

// Fetch retrieves the segmented object name into w, in order. name is
// either versioned (its last component is v=…) or a prefix whose latest
// version is found through RDR metadata. Memory use is bounded by the
// window, whatever the object size. The Result is returned with statistics
// also when Fetch fails, together with the error.
func Fetch(ctx context.Context, c *app.Client, name ndn.Name, w io.Writer, opts FetchOptions) (*Result, error) {
	opts.applyDefaults()
	versioned := name
	if name.At(-1).Type != ndn.TtVersionNameComponent {
		v, err := discover(ctx, c, name, &opts)
		if err != nil {
			return &Result{Name: name}, fmt.Errorf("segmented: finding the version of %s: %w", name, err)
		}
		versioned = v
	}
	f := newFetcher(c, versioned, w, opts)
	cs, err := c.NewConsumer(versioned, f)
	if err != nil {
		return &f.res, err
	}
	f.cs = cs
	err = f.run(ctx)
	cs.Close()
	f.cleanup()
	return &f.res, err
}

func isNoRoute(err error) bool {
	var ne *app.NackError
	return errors.As(err, &ne) && ne.Reason == ndn.NackNoRoute
}

// discoveryLifetime is the InterestLifetime of version discovery Interests.
const discoveryLifetime = time.Second

// discover finds the latest version of name: by RDR metadata first (NDNts
// @ndn/rdr, ndnd, ndnflow), and if nobody answers that, by an Interest for
// name with CanBePrefix and MustBeFresh whose Data name carries the version
// right after name (ndn-tools, NDNts segmented-object producers without RDR).
func discover(ctx context.Context, c *app.Client, name ndn.Name, opts *FetchOptions) (ndn.Name, error) {
	eo := app.ExpressOptions{Retries: opts.DiscoveryRetries, Verifier: opts.Verifier, Validator: opts.Validator}
	in := &ndn.Interest{Name: rdr.MetadataName(name), CanBePrefix: true, MustBeFresh: true, Lifetime: discoveryLifetime}
	d, err := c.Express(ctx, in, eo)
	// NFD answers rib/register before its FIB has the route, so a consumer
	// started right after a producer may see NoRoute for a moment: ask again
	// a few times (100, 200, 400 ms) before believing it.
	for wait := 100 * time.Millisecond; isNoRoute(err) && wait <= 400*time.Millisecond; wait *= 2 {
		select {
		case <-ctx.Done():
			return ndn.Name{}, ctx.Err()
		case <-time.After(wait):
		}
		d, err = c.Express(ctx, in, eo)
	}
	if err == nil {
		v, perr := rdr.ParseMetadata(d)
		if perr == nil && (v.Len() != name.Len()+1 || !name.IsPrefixOf(v) || v.At(-1).Type != ndn.TtVersionNameComponent) {
			perr = fmt.Errorf("%w: %s is not %s/v=<version>", rdr.ErrMetadata, v, name)
		}
		return v, perr
	}
	if !errors.Is(err, app.ErrTimeout) {
		return ndn.Name{}, err
	}
	probe := &ndn.Interest{Name: name, CanBePrefix: true, MustBeFresh: true, Lifetime: discoveryLifetime}
	d, perr := c.Express(ctx, probe, eo)
	if perr != nil {
		if errors.Is(perr, app.ErrTimeout) {
			return ndn.Name{}, err // report the RDR timeout
		}
		return ndn.Name{}, perr
	}
	if d.Name.Len() <= name.Len() || !name.IsPrefixOf(d.Name) || d.Name.At(name.Len()).Type != ndn.TtVersionNameComponent {
		return ndn.Name{}, fmt.Errorf("%w: no RDR metadata, and %s carries no version after %s", rdr.ErrMetadata, d.Name, name)
	}
	return d.Name.Prefix(name.Len() + 1).Clone(), nil
}

func newFetcher(c *app.Client, versioned ndn.Name, w io.Writer, opts FetchOptions) *fetcher {
	size := 64
	for size < 2*opts.MaxWindow {
		size *= 2
	}
	f := &fetcher{
		opts: opts, client: c, versioned: versioned, nameV: versioned.Value(),
		lifetime: tlv.AppendNNIElement(nil, ndn.TtInterestLifetime, uint64(opts.Lifetime/time.Millisecond)),
		wake:     make(chan struct{}, 1),
		ring:     make([]slot, size),
		mask:     uint64(size - 1),
		head:     -1, tail: -1,
		rtt: cc.NewRTTEstimator(opts.RTT),
		alg: opts.Algorithm,
		bw:  bufio.NewWriterSize(w, opts.WriteBuffer),
	}
	f.res.Name = versioned
	f.lastDecr = -1
	f.reoMult = 1
	return f
}

// Receive implements app.Receiver.
func (f *fetcher) Receive(p *app.Packet) {
	f.mu.Lock()
	f.rxq = append(f.rxq, p)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *fetcher) cleanup() {
	f.mu.Lock()
	for _, p := range f.rxq {
		p.Release()
	}
	f.rxq = nil
	f.mu.Unlock()
	for i := range f.ring {
		if p := f.ring[i].pkt; p != nil {
			p.Release()
			f.ring[i].pkt = nil
		}
	}
}

func (f *fetcher) now() time.Duration { return time.Since(f.start) }

func (f *fetcher) run(ctx context.Context) error {
	f.ctx = ctx
	f.start = time.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	lastProgress := time.Duration(0)
	for {
		now := f.now()
		f.mu.Lock()
		q := f.rxq
		f.rxq = f.spare[:0]
		f.mu.Unlock()
		var err error
		for i, p := range q {
			if err == nil {
				err = f.onPacket(p, now)
			} else {
				p.Release()
			}
			q[i] = nil
		}
		f.spare = q[:0]
		if err == nil {
			err = f.writeOrdered(now)
		}
		if err == nil && f.finalKnown && f.base > f.final {
			return f.finish(nil)
		}
		if err == nil {
			err = f.detectLoss(now)
		}
		if err == nil {
			err = f.sendMore(now)
		}
		if err == nil && f.bw.Buffered() > 0 && now >= f.flushAt {
			if err = f.bw.Flush(); err != nil {
				err = fmt.Errorf("segmented: writing output: %w", err)
			}
		}
		if err != nil {
			return f.finish(err)
		}
		if f.opts.Progress != nil && now-lastProgress >= f.opts.ProgressInterval {
			lastProgress = now
			f.opts.Progress(f.progress(now))
		}
		wait := f.nextDeadline(now)
		if f.opts.Progress != nil {
			wait = min(wait, f.opts.ProgressInterval)
		}
		if f.bw.Buffered() > 0 {
			wait = min(wait, f.flushAt-now)
		}
		timer.Reset(max(wait, 50*time.Microsecond))
		select {
		case <-f.wake:
		case <-timer.C:
		case <-ctx.Done():
			return f.finish(ctx.Err())
		case <-f.client.Done():
			return f.finish(app.ErrClosed)
		}
	}
}

// flushDelay is how long in-order bytes may wait in the output buffer for
// more to fill it. A fetch above WriteBuffer per flushDelay (2 Gbit/s
// with the default buffer) fills it first and never waits; a slower one
// reaches the writer within flushDelay of the segment's arrival, in at
// most one write per flushDelay.
const flushDelay = time.Millisecond

// finish flushes the in-order bytes (also when the fetch failed: they are
// the object's valid prefix, which Result.Bytes counts), records the final
// statistics and returns err, or the flush error.
func (f *fetcher) finish(err error) error {
	if ferr := f.bw.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("segmented: writing output: %w", ferr)
	}
	if b := f.bw.Buffered(); b > 0 {
		f.res.Bytes -= int64(b) // never reached the writer
	}
	f.res.Elapsed = f.now()
	f.res.SRTT, f.res.MinRTT, f.res.RTO = f.rtt.SRTT(), f.rtt.MinRTT(), f.rtt.RTO()
	if f.opts.Progress != nil {
		f.opts.Progress(f.progress(f.res.Elapsed))
	}
	return err
}

func (f *fetcher) progress(now time.Duration) Progress {
	p := Progress{Name: f.versioned, Bytes: f.res.Bytes, Segments: f.res.Segments, Elapsed: now,
		Window: f.alg.Window(), SRTT: f.rtt.SRTT()}
	if f.finalKnown {
		p.TotalSegments = f.final + 1
	}
	return p
}

// nextDeadline returns how long until the oldest Interest in flight times
// out (or may be declared lost by the reordering rule).
func (f *fetcher) nextDeadline(now time.Duration) time.Duration {
	if f.head < 0 {
		return time.Second
	}
	s := &f.ring[f.head]
	d := s.sentAt + f.rtt.RTO() - now
	if s.tx+reorderThreshold <= f.highestAck {
		d = min(d, s.sentAt+f.reorderWindow()-now)
	}
	if f.rtt.SRTT() > 0 && s.nacked == 0 && s.probes < maxProbes {
		d = min(d, f.probeDeadline(s)-now)
	}
	return d
}

// reorderThreshold is how many later transmissions must be answered before
// an unanswered one is suspected lost (as TCP's three duplicate ACKs).
const reorderThreshold = 3

// reorderWindow is how long past its send time a suspected segment must
// still be missing to be declared lost: SRTT plus a quarter SRTT times a
// multiplier that doubles whenever a retransmission proves spurious
// (RACK-style, RFC 8985 §6.2), so that producers answering concurrently,
// out of order, do not cause a stream of needless retransmissions.
func (f *fetcher) reorderWindow() time.Duration {
	srtt := f.rtt.SRTT()
	if srtt == 0 {
		return f.rtt.RTO()
	}
	return min(srtt+srtt/4*f.reoMult+time.Millisecond, f.rtt.RTO())
}

// checkDelay ends slow start when the RTT has risen well above the
// smallest seen (HyStart++, RFC 9406 §4.2: by max(minRTT/8, 4 ms) here):
// a queue is building, and doubling the window again would only fill it.
func (f *fetcher) checkDelay(now, sample time.Duration) {
	ss, ok := f.alg.(cc.SlowStarter)
	if !ok || !ss.InSlowStart() {
		return
	}
	f.rttSamples++
	minRTT := f.rtt.MinRTT()
	if f.rttSamples >= 8 && sample > minRTT+max(minRTT/8, 4*time.Millisecond) {
		ss.ExitSlowStart(f.start.Add(now))
		f.res.SlowStartExits++
	}
}

// spurious records a needless retransmission and widens the reorder
// window (RFC 8985 §6.2 grows it on DSACKs the same way).
func (f *fetcher) spurious() {
	f.res.Spurious++
	f.reoMult = min(2*f.reoMult, 256)
}

// identify returns the segment number of a packet (from its name) and the
// transmission id its token carries, if it has one.
func (f *fetcher) identify(p *app.Packet) (seg uint64, tx uint32, tokened, ok bool) {
	var name ndn.Name
	if p.IsNack {
		name = p.Interest.Name
	} else {
		name = p.Data.Name
	}
	nv := name.Value()
	if !bytes.HasPrefix(nv, f.nameV) {
		return 0, 0, false, false
	}
	e, n, err := tlv.ReadElement(nv[len(f.nameV):])
	if err != nil || n != len(nv)-len(f.nameV) || e.Type != ndn.TtSegmentNameComponent {
		return 0, 0, false, false
	}
	seg, err = tlv.DecodeNNI(e.Value)
	if err != nil {
		return 0, 0, false, false
	}
	return seg, p.Token.Key, p.HasToken, true
}

func (f *fetcher) onPacket(p *app.Packet, now time.Duration) error {
	seg, tx, tokened, ok := f.identify(p)
	if !ok || seg < f.base || seg >= f.next {
		if ok && seg < f.base {
			// Already written: only a needless retransmission (reordering
			// taken for loss) makes a second answer.
			f.res.Duplicates++
			f.spurious()
		} else if ok {
			f.res.Duplicates++
		} else {
			f.res.Ignored++
		}
		p.Release()
		return nil
	}
	idx := int32(seg & f.mask)
	s := &f.ring[idx]
	current := !tokened || tx == uint32(s.tx)
	if p.IsNack {
		defer p.Release()
		if s.state != stInFlight || !current {
			return nil
		}
		f.res.Nacks++
		switch p.NackReason {
		case ndn.NackCongestion:
			f.congestion(now, s.sentAt, false)
			f.markLost(idx)
		case ndn.NackDuplicate:
			f.markLost(idx)
		default:
			s.nacked = p.NackReason // retried when its RTO expires
			if s.nacked == ndn.NackNone {
				s.nacked = ndn.NackNoRoute
			}
		}
		return nil
	}
	f.lastRx, f.ptoShift = now, 0 // a Data: the path is not stalled
	if s.state == stReceived || s.state == stFree {
		f.res.Duplicates++
		if s.state == stReceived && s.retx > 0 {
			// Both transmissions were answered: the retransmission was
			// needless (reordering, not loss).
			f.spurious()
		}
		p.Release()
		return nil
	}
	d := &p.Data
	if err := f.checkData(seg, d); err != nil {
		p.Release()
		return err
	}
	if s.retx == 0 && tokened && current {
		sample := now - s.sentAt
		f.rtt.AddSample(sample)
		f.checkDelay(now, sample)
	}
	if tokened && !current && s.retx > 0 {
		// An earlier transmission was answered after all.
		f.spurious()
	}
	if p.CongestionMark > 0 {
		f.res.CongestionMarks++
		f.congestion(now, s.sentAt, false)
	}
	// Grow the window only while it limits sending (RFC 7661's idea): a
	// window above MaxWindow would only make the first reduction useless.
	if f.alg.Window() < float64(f.opts.MaxWindow) {
		f.alg.OnAck(f.start.Add(now), f.rtt.SRTT())
	}
	if w := min(f.alg.Window(), float64(f.opts.MaxWindow)); w > f.res.MaxWindowUsed {
		f.res.MaxWindowUsed = w
	}
	if current && s.tx > f.highestAck {
		f.highestAck = s.tx
	}
	if s.state == stInFlight {
		f.unlink(idx)
	}
	s.state = stReceived
	s.pkt = p
	if !f.haveRx || seg > f.highestRx {
		f.highestRx, f.haveRx = seg, true
	}
	return nil
}

// checkData applies the rules a bad producer could break.
func (f *fetcher) checkData(seg uint64, d *ndn.Data) error {
	if len(d.Wire()) > ndn.MaxPacketSize {
		return fmt.Errorf("%w: segment %d is %d octets, more than %d", ErrBadSegment, seg, len(d.Wire()), ndn.MaxPacketSize)
	}
	if d.ContentType == ndn.ContentNack {
		return fmt.Errorf("%w: segment %d is an application-level Nack", ErrBadSegment, seg)
	}
	if d.FinalBlock.Type != 0 {
		fb, ok := d.FinalBlock.Number()
		if d.FinalBlock.Type != ndn.TtSegmentNameComponent || !ok {
			return fmt.Errorf("%w: segment %d has FinalBlockId %s", ErrFinalBlock, seg, d.FinalBlock)
		}
		switch {
		case f.finalKnown && fb != f.final:
			return fmt.Errorf("%w: segment %d says the last segment is %d, an earlier one said %d", ErrFinalBlock, seg, fb, f.final)
		case fb < seg || (f.haveRx && fb < f.highestRx):
			return fmt.Errorf("%w: segment %d says the last segment is %d", ErrFinalBlock, max(seg, f.highestRx), fb)
		}
		if !f.finalKnown {
			f.setFinal(fb)
		}
	} else if f.finalKnown && seg > f.final {
		return fmt.Errorf("%w: segment %d lies beyond the last segment %d", ErrFinalBlock, seg, f.final)
	}
	if f.opts.Verifier != nil {
		if err := f.opts.Verifier.Verify(d.SigInfo.Type, d.SignedPortion(), d.SigValue); err != nil {
			return fmt.Errorf("%w: segment %d (%s): %w", app.ErrValidation, seg, d.Name, err)
		}
	}
	if f.opts.Validator != nil {
		if err := f.opts.Validator.ValidateData(f.ctx, d); err != nil {
			return fmt.Errorf("%w: segment %d (%s): %w", app.ErrValidation, seg, d.Name, err)
		}
	}
	return nil
}

// setFinal records the last segment and forgets Interests beyond it.
func (f *fetcher) setFinal(fb uint64) {
	f.final, f.finalKnown = fb, true
	for seg := fb + 1; seg < f.next; seg++ {
		idx := int32(seg & f.mask)
		s := &f.ring[idx]
		if s.state == stInFlight {
			f.unlink(idx)
		}
		s.state = stFree
	}
	f.next = min(f.next, fb+1)
}

// congestion shrinks the window, at most once per RTT: only for a segment
// sent after the last decrease (ndn-tools' conservative adaptation).
func (f *fetcher) congestion(now, sentAt time.Duration, timeout bool) {
	if sentAt <= f.lastDecr {
		return
	}
	f.alg.OnCongestion(f.start.Add(now))
	f.lastDecr = now
	f.res.WindowDecreases++
	if timeout {
		f.rtt.Backoff()
	}
}

func (f *fetcher) detectLoss(now time.Duration) error {
	for f.head >= 0 {
		idx := f.head
		s := &f.ring[idx]
		age := now - s.sentAt
		switch {
		case age >= f.rtt.RTO():
			f.res.Timeouts++
			if s.nacked == 0 {
				f.congestion(now, s.sentAt, true)
			}
		case s.tx+reorderThreshold <= f.highestAck && age >= f.reorderWindow():
			f.res.FastRetransmits++
			f.congestion(now, s.sentAt, false)
		default:
			f.probe(now)
			return nil
		}
		f.markLost(idx)
	}
	return nil
}

// probe handles a stalled tail (RFC 8985 §7, tail loss probe, adapted):
// when nothing has arrived for a probe timeout of max(2 SRTT, 10 ms),
// doubling while nothing arrives, the oldest Interest in flight is sent
// again. Its answer, or the lack of it, then lets the reorder rule or the
// RTO find the real losses, instead of every loss at the end of a burst
// costing a whole RTO (200 ms at least). A probe does not shrink the window
// and does not count against MaxRetries.
func (f *fetcher) probe(now time.Duration) {
	if f.head < 0 || f.rtt.SRTT() == 0 {
		return
	}
	s := &f.ring[f.head]
	// A Nacked Interest waits for its RTO, and a segment is probed at most
	// twice: after that only RTOs (which count) resend it, so a dead
	// producer still ends the fetch.
	if s.nacked != 0 || s.probes >= maxProbes || now < f.probeDeadline(s) {
		return
	}
	s.probes++
	f.res.Probes++
	f.lastProbe = now
	f.ptoShift = min(f.ptoShift+1, 10)
	s.probe = true
	f.markLost(f.head)
}

// maxProbes is how many tail-loss probes one segment may get.
const maxProbes = 2

// probeDeadline is when the next tail-loss probe is due.
func (f *fetcher) probeDeadline(head *slot) time.Duration {
	pto := min(max(2*f.rtt.SRTT(), 10*time.Millisecond)<<f.ptoShift, f.rtt.RTO())
	return max(f.lastRx, f.lastProbe, head.sentAt) + pto
}

func (f *fetcher) markLost(idx int32) {
	s := &f.ring[idx]
	f.unlink(idx)
	s.state = stLost
	f.retxq = append(f.retxq, s.seg)
}

func (f *fetcher) sendMore(now time.Duration) error {
	win := max(1, min(int(f.alg.Window()), f.opts.MaxWindow))
	for f.inflight < win {
		var idx int32
		if f.retxHead < len(f.retxq) {
			seg := f.retxq[f.retxHead]
			f.retxHead++
			if f.retxHead == len(f.retxq) {
				f.retxq, f.retxHead = f.retxq[:0], 0
			}
			if seg < f.base || seg >= f.next {
				continue
			}
			idx = int32(seg & f.mask)
			s := &f.ring[idx]
			if s.state != stLost {
				continue
			}
			s.retx++
			if s.probe {
				s.probe = false
				f.res.Retransmissions++
				goto send
			}
			s.losses++
			if int(s.losses) > f.opts.MaxRetries {
				if s.nacked != 0 {
					return fmt.Errorf("segmented: segment %d: %w", seg, &app.NackError{Name: f.versioned.Append(ndn.SegmentComponent(seg)), Reason: s.nacked})
				}
				return fmt.Errorf("%w: segment %d of %s unanswered after %d retransmissions", app.ErrTimeout, seg, f.versioned, f.opts.MaxRetries)
			}
			f.res.Retransmissions++
		} else if (!f.finalKnown || f.next <= f.final) && f.next-f.base < uint64(len(f.ring)) {
			seg := f.next
			f.next++
			idx = int32(seg & f.mask)
			f.ring[idx] = slot{seg: seg, prev: -1, next: -1}
		} else {
			break
		}
	send:
		if err := f.send(idx, now); err != nil {
			return err
		}
	}
	return nil
}

func (f *fetcher) send(idx int32, now time.Duration) error {
	s := &f.ring[idx]
	f.tx++
	s.tx, s.sentAt, s.state, s.nacked = f.tx, now, stInFlight, 0
	f.link(idx)
	err := f.cs.Send(uint32(s.tx), f.encodeInterest(s.seg, rand.Uint32()))
	if errors.Is(err, app.ErrClosed) {
		return err
	}
	return nil // ErrDown: the Interest times out and is sent again
}

// encodeInterest writes the Interest for one segment into the scratch
// buffer: Name, Nonce, InterestLifetime.
func (f *fetcher) encodeInterest(seg uint64, nonce uint32) []byte {
	nn := tlv.NNILen(seg)
	nameLen := len(f.nameV) + 2 + nn
	valLen := tlv.TLLen(ndn.TtName, nameLen) + nameLen + 6 + len(f.lifetime)
	b := f.scratch[:0]
	b = tlv.AppendTL(b, ndn.TtInterest, valLen)
	b = tlv.AppendTL(b, ndn.TtName, nameLen)
	b = append(b, f.nameV...)
	b = append(b, ndn.TtSegmentNameComponent, byte(nn))
	b = tlv.AppendNNI(b, seg)
	b = append(b, ndn.TtNonce, 4)
	b = binary.BigEndian.AppendUint32(b, nonce)
	b = append(b, f.lifetime...)
	f.scratch = b
	return b
}

// writeOrdered writes every segment received in order from base into the
// output buffer. Bytes it leaves in an empty buffer (or in one that
// bufio flushed because it was full) are due for a flush at now+flushDelay.
func (f *fetcher) writeOrdered(now time.Duration) error {
	fresh := f.bw.Buffered() == 0
	for f.base < f.next {
		s := &f.ring[f.base&f.mask]
		if s.state != stReceived {
			break
		}
		p := s.pkt
		before := f.bw.Buffered()
		n, err := f.bw.Write(p.Data.Content)
		f.res.Bytes += int64(n)
		p.Release()
		s.pkt, s.state = nil, stFree
		if err != nil {
			return fmt.Errorf("segmented: writing output: %w", err)
		}
		if f.bw.Buffered() < before+n {
			fresh = true
		}
		f.res.Segments++
		f.base++
	}
	if fresh {
		f.flushAt = now + flushDelay
	}
	return nil
}

// link appends a slot to the in-flight list (send order).
func (f *fetcher) link(idx int32) {
	s := &f.ring[idx]
	s.prev, s.next = f.tail, -1
	if f.tail >= 0 {
		f.ring[f.tail].next = idx
	} else {
		f.head = idx
	}
	f.tail = idx
	f.inflight++
}

// unlink removes an in-flight slot from the list.
func (f *fetcher) unlink(idx int32) {
	s := &f.ring[idx]
	if s.prev >= 0 {
		f.ring[s.prev].next = s.next
	} else {
		f.head = s.next
	}
	if s.next >= 0 {
		f.ring[s.next].prev = s.prev
	} else {
		f.tail = s.prev
	}
	s.prev, s.next = -1, -1
	f.inflight--
}
