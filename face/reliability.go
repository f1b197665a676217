package face

import "sync"

// This file is NDNLPv2 link reliability (ndn-protocols.md §3.4, NFD
// LpReliability, face flag bit 1), simplified: every frame sent gets a
// TxSequence and is kept until the peer acknowledges it; it is sent again,
// unchanged, after the retransmission timeout or once three later frames
// were acknowledged, at most MaxRetx times, then given up (counted). Received
// TxSequences are acknowledged on outgoing frames or, after 5 ms, in IDLE
// packets; frames whose Sequence was seen recently are dropped as
// duplicates.

const (
	relMaxUnacked   = 1024 // frames kept for retransmission per face
	relAckDelay     = 5e6  // ns before queued Acks go out in an IDLE packet
	relMaxAcks      = 64   // Acks per frame
	relDupWindow    = 1024
	relFastRetxAcks = 3
)

type relEntry struct {
	txSeq    uint64
	frame    []byte
	item     *txItem // owner of frame, or
	buf      []byte  // owner of frame (a fragment buffer)
	sentAt   int64
	retx     int
	lost     int    // acknowledgements of frames sent after this one's last transmission
	lostBase uint64 // only Acks above this count towards lost
	acked    bool   // acknowledged (or given up) while being retransmitted
	inflight bool   // handed to the send goroutine for retransmission
}

// reliability is shared by the face's two goroutines; mu protects the
// send-side fields. seen/seenRing belong to routineReceive alone.
type reliability struct {
	f *Face

	mu        sync.Mutex
	nextTx    uint64
	q         []*relEntry // unacked, ascending txSeq
	byTx      map[uint64]*relEntry
	acks      []uint64 // to send
	oldestAck int64    // when the oldest queued Ack arrived

	free []*relEntry // recycled entries

	kick chan struct{} // wakes the send goroutine when many Acks are queued

	seen     map[uint64]struct{}
	seenRing []uint64
	seenPos  int
}

func newReliability(f *Face, start uint64) *reliability {
	return &reliability{
		f: f, nextTx: start,
		byTx:     make(map[uint64]*relEntry),
		kick:     make(chan struct{}, 1),
		seen:     make(map[uint64]struct{}),
		seenRing: make([]uint64, 0, relDupWindow),
	}
}

// allocTx returns the next TxSequence (send goroutine).
func (r *reliability) allocTx() uint64 {
	r.mu.Lock()
	s := r.nextTx
	r.nextTx++
	r.mu.Unlock()
	return s
}

// takeAcks moves up to relMaxAcks queued Acks into dst.
func (r *reliability) takeAcks(dst []uint64) []uint64 {
	r.mu.Lock()
	n := min(len(r.acks), relMaxAcks)
	dst = append(dst, r.acks[:n]...)
	r.acks = r.acks[:copy(r.acks, r.acks[n:])]
	r.mu.Unlock()
	return dst
}

// track keeps sent frames for retransmission, before they are written; the
// oldest is given up when the table is full. The entries are returned in
// flight (appended to inflight): acknowledgements do not release them
// until doneRetx.
func (r *reliability) track(sent []relEntry, now int64, inflight []*relEntry) []*relEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range sent {
		if len(r.q) >= relMaxUnacked {
			r.giveUpLocked(r.q[0])
			r.q[0].acked = true
			r.compactLocked()
			if len(r.q) >= relMaxUnacked { // the oldest is being retransmitted
				r.q = r.q[:copy(r.q, r.q[1:])]
			}
		}
		var e *relEntry
		if k := len(r.free); k > 0 {
			e = r.free[k-1]
			r.free = r.free[:k-1]
		} else {
			e = new(relEntry)
		}
		*e = sent[i]
		e.sentAt = now
		e.lostBase = e.txSeq
		e.inflight = true
		r.q = append(r.q, e)
		r.byTx[e.txSeq] = e
		inflight = append(inflight, e)
	}
	return inflight
}

func (r *reliability) giveUpLocked(e *relEntry) {
	delete(r.byTx, e.txSeq)
	r.f.ctr.DropReliability.Add(1)
	if e.inflight {
		e.acked = true
		return
	}
	r.releaseLocked(e)
}

func (r *reliability) releaseLocked(e *relEntry) {
	if e.item != nil {
		r.f.pool.putTx(e.item)
	}
	if e.buf != nil {
		r.f.pool.Put(e.buf)
	}
	e.item, e.buf, e.frame = nil, nil, nil
}

// onAcks handles Acks received from the peer (receive goroutine).
func (r *reliability) onAcks(acks []uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range acks {
		e := r.byTx[a]
		if e == nil {
			continue
		}
		delete(r.byTx, a)
		if e.inflight {
			e.acked = true
		} else {
			r.releaseLocked(e)
			e.acked = true
		}
		for _, o := range r.q {
			if o.txSeq >= a {
				break
			}
			if !o.acked && a > o.lostBase {
				o.lost++
			}
		}
	}
	r.compactLocked()
}

func (r *reliability) compactLocked() {
	k := 0
	for k < len(r.q) && r.q[k].acked && !r.q[k].inflight {
		*r.q[k] = relEntry{}
		r.free = append(r.free, r.q[k])
		r.q[k] = nil
		k++
	}
	if k > 0 {
		r.q = r.q[:copy(r.q, r.q[k:])]
	}
}

// queueAck records a received TxSequence to acknowledge, and reports whether
// sequence seq (if hasSeq) is a duplicate (receive goroutine).
func (r *reliability) received(txSeq uint64, hasTx bool, seq uint64, hasSeq bool, now int64) (dup bool) {
	if hasTx {
		r.mu.Lock()
		if len(r.acks) == 0 {
			r.oldestAck = now
		}
		if len(r.acks) < 4*relMaxAcks {
			r.acks = append(r.acks, txSeq)
		}
		full := len(r.acks) >= relMaxAcks
		r.mu.Unlock()
		if full {
			select {
			case r.kick <- struct{}{}:
			default:
			}
		}
	}
	if !hasSeq {
		return false
	}
	if _, ok := r.seen[seq]; ok {
		return true
	}
	if len(r.seenRing) < relDupWindow {
		r.seenRing = append(r.seenRing, seq)
	} else {
		delete(r.seen, r.seenRing[r.seenPos])
		r.seenRing[r.seenPos] = seq
		r.seenPos = (r.seenPos + 1) % relDupWindow
	}
	r.seen[seq] = struct{}{}
	return false
}

// due collects frames to retransmit (marking them in flight) and gives up
// on frames retransmitted MaxRetx times; it also reports whether queued
// Acks have waited long enough to go out in an IDLE packet.
func (r *reliability) due(now, rto int64, maxRetx int, frames [][]byte, inflight []*relEntry) ([][]byte, []*relEntry, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.q {
		if e.acked || e.inflight || (now-e.sentAt < rto && e.lost < relFastRetxAcks) {
			continue
		}
		if e.retx >= maxRetx {
			r.giveUpLocked(e)
			e.acked = true
			continue
		}
		e.retx++
		e.lost = 0
		e.lostBase = r.nextTx - 1
		e.sentAt = now
		e.inflight = true
		frames = append(frames, e.frame)
		inflight = append(inflight, e)
		r.f.ctr.Retransmitted.Add(1)
	}
	r.compactLocked()
	return frames, inflight, len(r.acks) >= relMaxAcks || len(r.acks) > 0 && now-r.oldestAck >= relAckDelay
}

// doneRetx ends a write of in-flight entries (first transmission or
// retransmission): entries acknowledged meanwhile are released.
func (r *reliability) doneRetx(inflight []*relEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range inflight {
		e.inflight = false
		if e.acked {
			r.releaseLocked(e)
		}
	}
	r.compactLocked()
}

// clear releases everything (face shutdown, send goroutine).
func (r *reliability) clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.q {
		if !e.acked || !e.inflight {
			r.releaseLocked(e)
		}
	}
	r.q = nil
	clear(r.byTx)
}
