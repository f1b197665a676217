package face

import (
	"math"

	"github.com/ndnflow/ndnflow/ndn"
)

// This file is the NDNLPv2 link service (ndn-protocols.md §3): decoding and
// checking received frames, and encoding, marking and fragmenting sent ones.

// MaxFragments is the largest FragCount sent or accepted (as NFD).
const MaxFragments = 400

// rxState is the receive half of the link service, owned by routineReceive.
type rxState struct {
	f     *Face
	reasm reassembler
}

func (r *rxState) init(f *Face) {
	r.f = f
	r.reasm.init(f)
}

// receive runs the link service on one frame held in p's buffer; from is
// the sender on a multi-access link. It returns
// p when p is a complete packet to deliver, another packet when frame
// completed a reassembly (p may then be reused), or nil when the frame was
// consumed or dropped (p may be reused).
func (r *rxState) receive(p *RxPacket, frame []byte, from Endpoint, now int64) *RxPacket {
	c := &r.f.ctr
	if err := p.Lp.Decode(frame); err != nil {
		c.DropMalformedLp.Add(1)
		return nil
	}
	if rel := r.f.rel; rel != nil {
		lp := &p.Lp
		if len(lp.Acks) > 0 {
			rel.onAcks(lp.Acks)
		}
		if rel.received(lp.TxSequence, lp.HasTxSequence, lp.Sequence, lp.HasSequence, now) {
			c.DropDuplicate.Add(1)
			return nil
		}
	}
	if p.Lp.Fragment == nil {
		c.InIdle.Add(1)
		return nil
	}
	out := p
	if p.Lp.IsFragmented() {
		c.InFragments.Add(1)
		out = r.reasm.add(p, from, now)
		if out == nil {
			return nil
		}
		c.Reassembled.Add(1)
	}
	if !r.check(out) {
		if out != p {
			out.Release()
		}
		return nil
	}
	return out
}

// check decodes the network packet and applies NFD's rules on which LP
// fields may accompany it; it counts and reports false on a drop.
func (r *rxState) check(p *RxPacket) bool {
	c := &r.f.ctr
	lp := &p.Lp
	lp.HasSequence, lp.Sequence, lp.FragIndex, lp.FragCount = false, 0, 0, 0
	if !r.f.localFields.Load() {
		if lp.HasNextHopFaceID {
			c.DropInvalidLp.Add(1)
			return false
		}
		lp.HasIncomingFaceID, lp.IncomingFaceID = false, 0
	}
	switch lp.Fragment[0] {
	case tlvInterest:
		if lp.CachePolicy != 0 || len(lp.PrefixAnn) > 0 || lp.IsNack && (lp.HasNextHopFaceID || lp.NonDiscovery) {
			c.DropInvalidLp.Add(1)
			return false
		}
		if err := p.Interest.Decode(lp.Fragment); err != nil {
			c.DropMalformedNet.Add(1)
			return false
		}
		p.Kind = KindInterest
		if lp.IsNack {
			p.Kind = KindNack
		}
	case tlvData:
		if lp.IsNack || lp.HasNextHopFaceID || lp.NonDiscovery {
			c.DropInvalidLp.Add(1)
			return false
		}
		if err := p.Data.Decode(lp.Fragment); err != nil {
			c.DropMalformedNet.Add(1)
			return false
		}
		p.Kind = KindData
	default:
		c.DropMalformedNet.Add(1)
		return false
	}
	return true
}

// txItem is one packet in the send queue: the network packet is copied to
// buf[TxHeadroom:], its PitToken and PrefixAnn after it, so that the LP header
// can be written in place in front of it.
type txItem struct {
	buf      []byte
	retained bool // kept by reliability after the batch
	kind     Kind
	lp       ndn.LpPacket // Fragment, PitToken, PrefixAnn alias buf
	enq      int64
}

func (pl *Pool) getTx() *txItem {
	if it, ok := pl.tx.Get().(*txItem); ok {
		return it
	}
	return &txItem{buf: pl.Get()}
}

func (pl *Pool) putTx(it *txItem) {
	it.lp.Reset()
	it.retained = false
	pl.tx.Put(it)
}

// Send queues a network packet for sending and reports whether it was
// queued. p.Fragment is the Interest or Data TLV (for a Nack, the nacked
// Interest with p.IsNack set); the NDNLPv2 fields PitToken, IsNack/NackReason,
// CongestionMark, CachePolicy (Data), NonDiscovery (Interest), PrefixAnn
// (Data), IncomingFaceID and NextHopFaceID (Interest; both only with local
// fields enabled) are sent with it; sequence, fragmentation and reliability
// fields are the link service's own and are ignored.
//
// Send copies everything it needs, so p and the slices in it may be reused
// as soon as it returns. It never blocks: when the queue is full it drops the
// packet (DropQueueFull). It is safe to call from any goroutine.
func (f *Face) Send(p *ndn.LpPacket) bool {
	c := &f.ctr
	if f.State() == StateClosed {
		c.DropClosed.Add(1)
		return false
	}
	w := p.Fragment
	if len(w) == 0 || len(w) > MaxPacketLen || len(p.PitToken) > 32 {
		c.DropTooLarge.Add(1)
		return false
	}
	var kind Kind
	switch w[0] {
	case tlvInterest:
		kind = KindInterest
		if p.IsNack {
			kind = KindNack
		}
	case tlvData:
		if p.IsNack {
			c.DropInvalidLp.Add(1)
			return false
		}
		kind = KindData
	default:
		c.DropInvalidLp.Add(1)
		return false
	}
	if TxHeadroom+len(w)+len(p.PitToken)+len(p.PrefixAnn) > BufferSize {
		c.DropTooLarge.Add(1)
		return false
	}
	it := f.pool.getTx()
	it.kind = kind
	b := it.buf
	end := TxHeadroom + copy(b[TxHeadroom:], w)
	lp := &it.lp
	lp.Fragment = b[TxHeadroom:end:end]
	if len(p.PitToken) > 0 {
		n := copy(b[end:], p.PitToken)
		lp.PitToken = b[end : end+n : end+n]
		end += n
	}
	lp.CongestionMark = p.CongestionMark
	lp.IsNack, lp.NackReason = p.IsNack, p.NackReason
	local := f.localFields.Load()
	switch kind {
	case KindData:
		lp.CachePolicy = p.CachePolicy
		if len(p.PrefixAnn) > 0 {
			n := copy(b[end:], p.PrefixAnn)
			lp.PrefixAnn = b[end : end+n : end+n]
		}
	case KindInterest:
		lp.NonDiscovery = p.NonDiscovery
		if local {
			lp.NextHopFaceID, lp.HasNextHopFaceID = p.NextHopFaceID, p.HasNextHopFaceID
		}
	}
	if local {
		lp.IncomingFaceID, lp.HasIncomingFaceID = p.IncomingFaceID, p.HasIncomingFaceID
	}
	it.enq = f.now()
	select {
	case f.txq <- it:
		return true
	default:
		f.pool.putTx(it)
		c.DropQueueFull.Add(1)
		return false
	}
}

// txState is the send half of the link service, owned by routineSend.
type txState struct {
	f        *Face
	seq      uint64
	frames   [][]byte
	fragBufs [][]byte
	frag     ndn.LpPacket
	codel    codel
	// reliability scratch
	sent     []relEntry
	ackBuf   []uint64
	inflight []*relEntry
	idleBuf  []byte
}

func (t *txState) init(f *Face, seq uint64) {
	t.f = f
	t.seq = seq
	bs := max(f.t.BatchSize(), 1)
	t.frames = make([][]byte, 0, bs)
	t.codel = codel{target: int64(f.cfg.CongestionTarget), interval: int64(f.cfg.CongestionInterval)}
}

// fragOverhead bounds the LP bytes a fragment adds besides the headers of
// fragment 0: LpPacket TL (6), Sequence (10), FragIndex (4), FragCount (4),
// Fragment TL (6).
const fragOverhead = 30

// sendBatch encodes items into frames (in place, or into fragment buffers),
// writes them in one Transport.Write and recycles the items (or hands them
// to reliability).
func (t *txState) sendBatch(items []*txItem) error {
	f := t.f
	c := &f.ctr
	now := f.now()
	var cb counterBatch
	mtu := int(f.mtu.Load()) // once per batch: SetMTU may change it
	rel := f.rel
	var acks []uint64
	if rel != nil {
		t.ackBuf = rel.takeAcks(t.ackBuf[:0])
		acks = t.ackBuf
	}
	for _, it := range items {
		lp := &it.lp
		if t.codel.mark(now-it.enq, now) {
			lp.CongestionMark = max(lp.CongestionMark, 1)
			c.CongestionMarked.Add(1)
		}
		if rel != nil {
			lp.Acks, acks = acks, nil
			lp.TxSequence, lp.HasTxSequence = rel.allocTx(), true
			lp.Sequence, lp.HasSequence = t.seq, true
		}
		n := len(lp.Fragment)
		hl := lp.HeaderLength()
		if mtu > 0 && hl+n > mtu {
			if !t.fragment(it, mtu, &cb) {
				c.DropTooLarge.Add(1)
				continue
			}
		} else if hl == 0 {
			t.frames = append(t.frames, lp.Fragment)
			cb.frames++
			cb.fbytes += uint64(n)
		} else {
			if hl > TxHeadroom {
				c.DropTooLarge.Add(1)
				continue
			}
			start := TxHeadroom - hl
			lp.AppendHeader(it.buf[start:start])
			frame := it.buf[start : TxHeadroom+n]
			t.frames = append(t.frames, frame)
			if rel != nil {
				t.seq++
				t.sent = append(t.sent, relEntry{txSeq: lp.TxSequence, frame: frame, item: it})
				it.retained = true
			}
			cb.frames++
			cb.fbytes += uint64(hl + n)
		}
		cb.add(it.kind, n)
	}
	if rel != nil && len(t.sent) > 0 {
		t.inflight = rel.track(t.sent, now, t.inflight[:0])
		clear(t.sent)
		t.sent = t.sent[:0]
	}
	var err error
	if len(t.frames) > 0 {
		err = f.t.Write(t.frames)
	}
	if err != nil {
		c.DropTxError.Add(uint64(len(items)))
	} else {
		c.flushOut(&cb)
	}
	// Items kept by reliability belong to it once doneRetx runs.
	for i, it := range items {
		if !it.retained {
			f.pool.putTx(it)
		}
		items[i] = nil
	}
	if rel != nil && len(t.inflight) > 0 {
		rel.doneRetx(t.inflight)
		clear(t.inflight)
		t.inflight = t.inflight[:0]
	}
	clear(t.frames)
	t.frames = t.frames[:0]
	for i, b := range t.fragBufs {
		f.pool.Put(b)
		t.fragBufs[i] = nil
	}
	t.fragBufs = t.fragBufs[:0]
	return err
}

// fragment splits it into fragments of at most mtu bytes (§3.4): fragment 0
// carries every other LP header, all carry Sequence, FragIndex, FragCount.
func (t *txState) fragment(it *txItem, mtu int, cb *counterBatch) bool {
	lp := &it.lp
	payload := lp.Fragment
	lp.Fragment = nil
	extra := 0
	if lp.HeaderLength() > 2 { // more than an empty LpPacket TL
		extra = lp.HeaderLength()
	}
	ov := fragOverhead
	rel := t.f.rel
	if rel != nil {
		ov += 12 // TxSequence
	}
	p := mtu - ov
	p0 := p - extra
	if p0 <= 0 {
		return false
	}
	count := 1
	if len(payload) > p0 {
		count += (len(payload) - p0 + p - 1) / p
	}
	if count > MaxFragments {
		return false
	}
	seq := t.seq
	t.seq += uint64(count)
	fp := &t.frag
	for i := range count {
		var piece []byte
		if i == 0 {
			*fp = *lp
			piece = payload[:min(p0, len(payload))]
			payload = payload[len(piece):]
		} else {
			fp.Reset()
			piece = payload[:min(p, len(payload))]
			payload = payload[len(piece):]
		}
		fp.Sequence, fp.HasSequence = seq+uint64(i), true
		fp.FragIndex, fp.FragCount = uint64(i), uint64(count)
		fp.Fragment = piece
		if rel != nil && i > 0 {
			fp.TxSequence, fp.HasTxSequence = rel.allocTx(), true
		}
		b := t.f.pool.Get()
		frame := fp.Append(b[:0])
		if rel != nil {
			t.sent = append(t.sent, relEntry{txSeq: fp.TxSequence, frame: frame, buf: b})
		} else {
			t.fragBufs = append(t.fragBufs, b)
		}
		t.frames = append(t.frames, frame)
		cb.frames++
		cb.fbytes += uint64(len(frame))
	}
	fp.Reset()
	fp.Acks = nil
	return true
}

// codel decides which outgoing packets to mark with CongestionMark, after
// CoDel (RFC 8289) with marking in place of dropping: once the queuing delay
// has stayed above target for an interval, mark one packet, then mark again
// after interval/sqrt(count) while the delay stays above target.
type codel struct {
	target, interval int64
	firstAbove       int64 // 0: delay below target
	marking          bool
	count            int
	next             int64
}

func (c *codel) mark(sojourn, now int64) bool {
	if sojourn < c.target {
		c.firstAbove = 0
		c.marking = false
		return false
	}
	if c.firstAbove == 0 {
		c.firstAbove = now + c.interval
		return false
	}
	if now < c.firstAbove {
		return false
	}
	if !c.marking {
		c.marking = true
		c.count = 1
	} else if now < c.next {
		return false
	} else {
		c.count++
	}
	c.next = now + int64(float64(c.interval)/math.Sqrt(float64(c.count)))
	return true
}

// relTick retransmits due frames and sends queued Acks that waited too long
// in an IDLE packet (send goroutine, every relAckDelay).
func (t *txState) relTick() error {
	f := t.f
	rel := f.rel
	now := f.now()
	var ackDue bool
	t.frames, t.inflight, ackDue = rel.due(now, int64(f.cfg.RetxTimeout), f.cfg.MaxRetx, t.frames[:0], t.inflight[:0])
	if ackDue {
		t.ackBuf = rel.takeAcks(t.ackBuf[:0])
		if t.idleBuf == nil {
			t.idleBuf = f.pool.Get()
		}
		idle := ndn.LpPacket{Acks: t.ackBuf}
		t.frames = append(t.frames, idle.Append(t.idleBuf[:0]))
	}
	var err error
	if len(t.frames) > 0 {
		err = f.t.Write(t.frames)
	}
	rel.doneRetx(t.inflight)
	clear(t.inflight)
	t.inflight = t.inflight[:0]
	clear(t.frames)
	t.frames = t.frames[:0]
	return err
}
