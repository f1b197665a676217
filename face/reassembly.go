package face

import "github.com/ndnflow/ndnflow/ndn"

// reassembler rebuilds fragmented packets (ndn-protocols.md §3.4) per face
// and, on multi-access links, per sender. Partial packets are keyed by
// (sender, Sequence − FragIndex). Each holds one pooled buffer into which fragment
// payloads are copied on arrival (so the frames' buffers are reused at once);
// the number of partials is bounded and the oldest is evicted when full.
// It is owned by routineReceive.
type reassembler struct {
	f         *Face
	timeout   int64
	max       int
	partials  map[reasmKey]*partial
	free      []*partial
	lastSweep int64
}

// reasmKey identifies a partial packet: its sender (zero on point-to-point
// links) and message id, Sequence − FragIndex.
type reasmKey struct {
	from Endpoint
	id   uint64
}

type partial struct {
	count, got int
	used       int
	deadline   int64
	offs, lens []int32 // per FragIndex; lens[i] < 0 while missing
	buf        []byte
	hdr        ndn.LpPacket // fragment 0's headers; slices alias hdrStore
	hdrStore   []byte
	haveHdr    bool
}

func (r *reassembler) init(f *Face) {
	r.f = f
	r.timeout = int64(f.cfg.ReassemblyTimeout)
	r.max = f.cfg.MaxPartials
	r.partials = make(map[reasmKey]*partial)
}

// add consumes fragment p (its buffer may be reused afterwards) and returns
// the reassembled packet when p completes one.
func (r *reassembler) add(p *RxPacket, from Endpoint, now int64) *RxPacket {
	c := &r.f.ctr
	lp := &p.Lp
	count := max(lp.FragCount, 1)
	if !lp.HasSequence || lp.FragIndex >= count || count > MaxFragments {
		c.DropReassembly.Add(1)
		return nil
	}
	id := reasmKey{from, lp.Sequence - lp.FragIndex}
	pt := r.partials[id]
	if pt != nil && now >= pt.deadline {
		c.DropReassembly.Add(uint64(pt.got))
		r.drop(id, pt)
		pt = nil
	}
	if pt == nil {
		if len(r.partials) >= r.max {
			r.evictOldest()
		}
		pt = r.newPartial(int(count), now)
		r.partials[id] = pt
	}
	idx := int(lp.FragIndex)
	if pt.count != int(count) || pt.lens[idx] >= 0 {
		c.DropReassembly.Add(1)
		return nil
	}
	frag := lp.Fragment
	if pt.used+len(frag) > MaxPacketLen {
		c.DropReassembly.Add(uint64(pt.got + 1))
		r.drop(id, pt)
		return nil
	}
	pt.offs[idx], pt.lens[idx] = int32(pt.used), int32(len(frag))
	pt.used += copy(pt.buf[pt.used:], frag)
	pt.got++
	if idx == 0 {
		pt.setHeader(lp)
	}
	if pt.got < pt.count {
		return nil
	}
	out := r.f.pool.getRx()
	b := out.buf
	n := 0
	for i := range pt.count {
		n += copy(b[n:], pt.buf[pt.offs[i]:pt.offs[i]+pt.lens[i]])
	}
	out.Lp = pt.hdr
	out.Lp.Acks = nil
	out.Lp.Fragment = b[:n:n]
	if t := pt.hdr.PitToken; len(t) > 0 {
		m := copy(b[n:], t)
		out.Lp.PitToken = b[n : n+m : n+m]
		n += m
	}
	if a := pt.hdr.PrefixAnn; len(a) > 0 {
		if n+len(a) > len(b) {
			out.Release()
			c.DropReassembly.Add(1)
			r.drop(id, pt)
			return nil
		}
		m := copy(b[n:], a)
		out.Lp.PrefixAnn = b[n : n+m : n+m]
	}
	r.drop(id, pt)
	return out
}

func (pt *partial) setHeader(lp *ndn.LpPacket) {
	pt.hdr = *lp
	pt.hdr.Acks = nil
	pt.hdr.Fragment = nil
	pt.hdrStore = append(append(pt.hdrStore[:0], lp.PitToken...), lp.PrefixAnn...)
	nt := len(lp.PitToken)
	pt.hdr.PitToken = pt.hdrStore[:nt:nt]
	if len(lp.PrefixAnn) > 0 {
		pt.hdr.PrefixAnn = pt.hdrStore[nt:]
	}
	pt.haveHdr = true
}

func (r *reassembler) newPartial(count int, now int64) *partial {
	var pt *partial
	if k := len(r.free); k > 0 {
		pt = r.free[k-1]
		r.free = r.free[:k-1]
	} else {
		pt = &partial{}
	}
	pt.count, pt.got, pt.used = count, 0, 0
	pt.deadline = now + r.timeout
	if cap(pt.lens) < count {
		pt.offs = make([]int32, count)
		pt.lens = make([]int32, count)
	}
	pt.offs, pt.lens = pt.offs[:count], pt.lens[:count]
	for i := range pt.lens {
		pt.lens[i] = -1
	}
	pt.buf = r.f.pool.Get()
	pt.haveHdr = false
	return pt
}

func (r *reassembler) drop(id reasmKey, pt *partial) {
	delete(r.partials, id)
	r.f.pool.Put(pt.buf)
	pt.buf = nil
	pt.hdr = ndn.LpPacket{}
	if len(r.free) < r.max {
		r.free = append(r.free, pt)
	}
}

func (r *reassembler) evictOldest() {
	var oldID reasmKey
	var old *partial
	for id, pt := range r.partials {
		if old == nil || pt.deadline < old.deadline {
			oldID, old = id, pt
		}
	}
	if old != nil {
		r.f.ctr.DropReassembly.Add(uint64(old.got))
		r.drop(oldID, old)
	}
}

// sweep drops partial packets older than the timeout; it scans at most
// every timeout/4.
func (r *reassembler) sweep(now int64) {
	if len(r.partials) == 0 || now-r.lastSweep < r.timeout/4 {
		return
	}
	r.lastSweep = now
	for id, pt := range r.partials {
		if now >= pt.deadline {
			r.f.ctr.DropReassembly.Add(uint64(pt.got))
			r.drop(id, pt)
		}
	}
}

// clear releases every partial packet (face shutdown).
func (r *reassembler) clear() {
	for id, pt := range r.partials {
		r.drop(id, pt)
	}
}
