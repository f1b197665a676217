package app

import (
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// Limits of NDNLPv2 reassembly (ndn-protocols.md §3.4, NFD's values).
const (
	maxFragCount      = 400
	reassemblyTimeout = 500 * time.Millisecond
	maxPartials       = 256
)

// reassembler rebuilds packets a forwarder fragmented with NDNLPv2 (it does
// so on datagram links when a packet exceeds the MTU). Fragments are keyed
// by Sequence - FragIndex; the header fields come from fragment 0. Only the
// receive goroutine touches it; its zero value is ready.
type reassembler struct {
	parts map[uint64]*partial
}

type partial struct {
	count, got int
	size       int
	frags      [][]byte // copies, by index
	hdr        ndn.LpPacket
	token      []byte
	start      time.Time
}

// add takes one fragment. When it completes a packet, add returns a pooled
// buffer holding the packet and an LpPacket carrying fragment 0's header
// fields with Fragment set to the packet; otherwise ok is false.
func (r *reassembler) add(lp *ndn.LpPacket, pool *face.Pool, now time.Time) (buf []byte, hdr ndn.LpPacket, ok bool) {
	count := int(max(lp.FragCount, 1))
	if !lp.HasSequence || count > maxFragCount || lp.FragIndex >= uint64(count) {
		return nil, hdr, false
	}
	if r.parts == nil {
		r.parts = make(map[uint64]*partial)
	}
	id := lp.Sequence - lp.FragIndex
	pt := r.parts[id]
	if pt == nil {
		r.sweep(now)
		pt = &partial{count: count, frags: make([][]byte, count), start: now}
		r.parts[id] = pt
	}
	idx := int(lp.FragIndex)
	if pt.count != count || pt.frags[idx] != nil {
		return nil, hdr, false // changed FragCount or duplicate: drop the fragment
	}
	pt.frags[idx] = append([]byte(nil), lp.Fragment...)
	pt.size += len(lp.Fragment)
	pt.got++
	if idx == 0 {
		pt.hdr = ndn.LpPacket{CongestionMark: lp.CongestionMark, IsNack: lp.IsNack, NackReason: lp.NackReason}
		pt.token = append([]byte(nil), lp.PitToken...)
	}
	if pt.size > face.BufferSize {
		delete(r.parts, id)
		return nil, hdr, false
	}
	if pt.got < pt.count {
		return nil, hdr, false
	}
	delete(r.parts, id)
	buf = pool.Get()
	n := 0
	for _, f := range pt.frags {
		n += copy(buf[n:], f)
	}
	hdr = pt.hdr
	if len(pt.token) > 0 {
		hdr.PitToken = pt.token
	}
	hdr.Fragment = buf[:n]
	return buf, hdr, true
}

// sweep drops partial packets older than the timeout, and the oldest when
// there are too many.
func (r *reassembler) sweep(now time.Time) {
	var oldest uint64
	var oldestT time.Time
	for id, pt := range r.parts {
		if now.Sub(pt.start) > reassemblyTimeout {
			delete(r.parts, id)
			continue
		}
		if oldestT.IsZero() || pt.start.Before(oldestT) {
			oldest, oldestT = id, pt.start
		}
	}
	if len(r.parts) >= maxPartials {
		delete(r.parts, oldest)
	}
}
