package bench

import (
	"context"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

// slot states.
const (
	slotFree uint8 = iota
	slotPending
	slotLost // fetch: timed out or nacked, waiting to be sent again
)

// slot is one entry of a consumer's table of outstanding Interests,
// indexed by the sequence number in the name modulo the table size.
type slot struct {
	nameSeq uint64
	sent    time.Duration // since the consumer's epoch
	state   uint8
}

// setFlag marks the sequence numbers of working-set names: name j of the
// set carries setFlag|j, new names carry their count (below setFlag), so
// the two never collide.
const setFlag = uint64(1) << 63

// flowStats are a consumer's running totals; the runner diffs two
// snapshots to get the figures of the measured interval.
type flowStats struct {
	interests, data, nacks, timeouts, retx, bytes atomic.Uint64
}

type flowSnapshot struct {
	interests, data, nacks, timeouts, retx, bytes uint64
}

func (s *flowStats) snapshot() flowSnapshot {
	return flowSnapshot{s.interests.Load(), s.data.Load(), s.nacks.Load(), s.timeouts.Load(), s.retx.Load(), s.bytes.Load()}
}

func (a flowSnapshot) sub(b flowSnapshot) flowSnapshot {
	return flowSnapshot{a.interests - b.interests, a.data - b.data, a.nacks - b.nacks,
		a.timeouts - b.timeouts, a.retx - b.retx, a.bytes - b.bytes}
}

func (a flowSnapshot) add(b flowSnapshot) flowSnapshot {
	return flowSnapshot{a.interests + b.interests, a.data + b.data, a.nacks + b.nacks,
		a.timeouts + b.timeouts, a.retx + b.retx, a.bytes + b.bytes}
}

// consumerConfig is what one consumer flow needs.
type consumerConfig struct {
	tmpl    interestTemplate
	window  int
	timeout time.Duration
	// csHit is the fraction of Interests, after the first csSet, that
	// repeat a working-set name; csSet is the working set's size (> 0
	// when csHit > 0). The first csSet Interests fetch the set once.
	csHit   float64
	csSet   int
	payload int
	// segments > 0 makes a fetch consumer: names 0..segments-1, lost ones
	// sent again, done when all arrived.
	segments uint64
	epoch    time.Time
	seed     uint64
}

// consumer keeps cfg.window Interests in flight on one connection.
// RoutineRead (the conn's reader) matches Data to slots; RoutineWrite builds
// and writes Interests in batches and expires timed-out slots; they share
// state under mu and hand over credits (free window places) through an
// atomic counter and a wake-up channel, so a blocked write never stops
// reading.
type consumer struct {
	c   *conn
	cfg consumerConfig

	mu    sync.Mutex
	slots []slot
	mask  uint64
	next  uint64 // the next new name
	// setSlots are the outstanding Interests for working-set names,
	// indexed by j; setNext is the next set name, setSent how many
	// Interests for set names were sent.
	setSlots  []slot
	setNext   uint64
	setSent   uint64
	inflight  int
	rng       uint64
	hitThresh uint64
	nonce     uint32
	received  uint64 // fetch: distinct segments received
	retxQ     []uint64
	measuring bool
	hist      Histogram
	reasm     reassembler

	credits atomic.Int64
	wake    chan struct{}
	stats   flowStats
	lastRx  atomic.Int64 // nanoseconds since epoch of the last Data or Nack
	// finished closes when a fetch consumer has every segment; finishedAt
	// is set before.
	finished   chan struct{}
	finishedAt time.Duration
}

func newConsumer(c *conn, cfg consumerConfig) *consumer {
	n := uint64(1) << bits.Len64(uint64(max(cfg.window*8, 64)-1))
	k := &consumer{
		c: c, cfg: cfg,
		slots: make([]slot, n), mask: n - 1,
		rng:      cfg.seed | 1,
		nonce:    uint32(cfg.seed >> 32),
		wake:     make(chan struct{}, 1),
		finished: make(chan struct{}),
	}
	if cfg.csHit > 0 && cfg.csSet > 0 && cfg.segments == 0 {
		// draw() is never 0, so P(draw() <= hitThresh) is csHit.
		k.hitThresh = ^uint64(0)
		if cfg.csHit < 1 {
			k.hitThresh = uint64(math.Ldexp(cfg.csHit, 64))
		}
		k.setSlots = make([]slot, cfg.csSet)
	}
	if cfg.segments > 0 {
		k.retxQ = make([]uint64, 0, n)
	}
	return k
}

func (k *consumer) now() time.Duration { return time.Since(k.cfg.epoch) }

func (k *consumer) setMeasuring(on bool) {
	k.mu.Lock()
	k.measuring = on
	k.mu.Unlock()
}

func (k *consumer) notify() {
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// handle is the conn reader's callback: it matches Data and Nacks to slots.
func (k *consumer) handle(bufs [][]byte, sizes []int, n int) {
	now := k.now()
	freed := 0
	var nData, nNack, nBytes uint64
	k.mu.Lock()
	for i := range n {
		fi := parseFrame(bufs[i][:sizes[i]])
		if fi.kind == pktFragment {
			whole := k.reasm.add(fi)
			if whole == nil {
				continue
			}
			fi = parseFrame(whole)
		}
		if fi.kind != pktData && fi.kind != pktNack {
			continue
		}
		seq, ok := lastSeq(fi.nameV)
		s := &k.slots[seq&k.mask]
		if seq&setFlag != 0 {
			if j := seq &^ setFlag; j < uint64(len(k.setSlots)) {
				s = &k.setSlots[j]
			}
		}
		if !ok || s.state != slotPending || s.nameSeq != seq {
			if fi.kind == pktData && isCtrl(fi.nameV) {
				k.c.offerCtrl(fi.wire)
			}
			continue
		}
		k.inflight--
		freed++
		if fi.kind == pktNack {
			nNack++
			s.state = slotFree
			if k.cfg.segments > 0 {
				s.state = slotLost
				k.retxQ = append(k.retxQ, seq)
			}
			continue
		}
		s.state = slotFree
		nData++
		nBytes += uint64(k.cfg.payload)
		if k.measuring {
			k.hist.Record(now - s.sent)
		}
		if k.cfg.segments > 0 {
			k.received++
			if k.received == k.cfg.segments {
				k.finishedAt = now
				close(k.finished)
			}
		}
	}
	k.mu.Unlock()
	if nData+nNack > 0 {
		k.lastRx.Store(int64(now))
		k.stats.data.Add(nData)
		k.stats.nacks.Add(nNack)
		k.stats.bytes.Add(nBytes)
	}
	if freed > 0 {
		k.credits.Add(int64(freed))
		k.notify()
	}
}

// nextSeq picks the name and slot of the next Interest; mu is held.
func (k *consumer) nextSeq(now time.Duration) (uint64, bool) {
	if k.cfg.segments > 0 {
		if len(k.retxQ) > 0 {
			seq := k.retxQ[0]
			k.retxQ = k.retxQ[:copy(k.retxQ, k.retxQ[1:])]
			k.stats.retx.Add(1)
			k.slots[seq&k.mask] = slot{nameSeq: seq, sent: now, state: slotPending}
			return seq, true
		}
		if k.next >= k.cfg.segments || k.slots[k.next&k.mask].state != slotFree {
			return 0, false
		}
		seq := k.next
		k.next++
		k.slots[seq&k.mask] = slot{nameSeq: seq, sent: now, state: slotPending}
		return seq, true
	}
	if k.hitThresh > 0 && (k.setSent < uint64(len(k.setSlots)) || k.draw() <= k.hitThresh) {
		// A working-set name: the first len(setSlots) of them fetch the
		// set (warm-up), later ones repeat it in the same order.
		j := k.setNext
		k.setNext++
		if k.setNext == uint64(len(k.setSlots)) {
			k.setNext = 0
		}
		k.setSent++
		k.claim(&k.setSlots[j])
		k.setSlots[j] = slot{nameSeq: setFlag | j, sent: now, state: slotPending}
		return setFlag | j, true
	}
	seq := k.next
	k.next++
	s := &k.slots[seq&k.mask]
	k.claim(s)
	*s = slot{nameSeq: seq, sent: now, state: slotPending}
	return seq, true
}

// claim counts a slot still pending when its name's turn comes again as
// lost; mu is held.
func (k *consumer) claim(s *slot) {
	if s.state == slotPending { // outstanding for a whole cycle: lost
		// Its window place comes back as a credit: the new Interest
		// takes the credit the caller spends on it, not this place.
		k.inflight--
		k.stats.timeouts.Add(1)
		k.credits.Add(1)
	}
}

// draw returns the next xorshift64 number; mu is held.
func (k *consumer) draw() uint64 {
	k.rng ^= k.rng << 13
	k.rng ^= k.rng >> 7
	k.rng ^= k.rng << 17
	return k.rng
}

// expire frees (or, fetching, queues again) slots older than the timeout;
// mu is held. It returns how many it freed.
func (k *consumer) expire(now time.Duration) int {
	n := 0
	for _, tab := range [][]slot{k.slots, k.setSlots} {
		for i := range tab {
			s := &tab[i]
			if s.state == slotPending && now-s.sent > k.cfg.timeout {
				n++
				s.state = slotFree
				if k.cfg.segments > 0 {
					s.state = slotLost
					k.retxQ = append(k.retxQ, s.nameSeq)
				}
			}
		}
	}
	k.inflight -= n
	return n
}

// routineWrite sends Interests whenever there are credits, until ctx ends
// or a write fails.
func (k *consumer) routineWrite(ctx context.Context) error {
	tl := len(k.cfg.tmpl.wire)
	arena := make([]byte, maxBatch*tl)
	frames := make([][]byte, maxBatch)
	scan := min(max(k.cfg.timeout/4, 10*time.Millisecond), 250*time.Millisecond)
	tick := time.NewTicker(scan)
	defer tick.Stop()
	k.credits.Store(int64(k.cfg.window))
	for {
		for k.credits.Load() > 0 {
			want := int(min(k.credits.Load(), maxBatch))
			now := k.now()
			built := 0
			k.mu.Lock()
			for built < want {
				seq, ok := k.nextSeq(now)
				if !ok {
					break
				}
				k.nonce++
				frames[built] = k.cfg.tmpl.put(arena[built*tl:], seq, k.nonce)
				built++
			}
			k.inflight += built
			k.mu.Unlock()
			if built == 0 {
				break
			}
			k.credits.Add(-int64(built))
			k.stats.interests.Add(uint64(built))
			if err := k.c.write(frames[:built]); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-k.finished:
			return nil
		case <-k.wake:
		case <-tick.C:
			k.mu.Lock()
			n := k.expire(k.now())
			k.mu.Unlock()
			if n > 0 {
				k.stats.timeouts.Add(uint64(n))
				k.credits.Add(int64(n))
			}
		}
	}
}

// outstanding reports the number of Interests in flight.
func (k *consumer) outstanding() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.inflight
}
