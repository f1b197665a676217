package pitcs

import (
	"github.com/ndnflow/ndnflow/internal/wheel"
	"github.com/ndnflow/ndnflow/ndn"
)

// InRecord is a downstream that expressed the Interest.
type InRecord struct {
	Face        uint64
	Nonce       uint32
	LastRenewed int64
	Expiry      int64
	// NonDiscovery records that the downstream's Interest carried the
	// NDNLPv2 NonDiscovery field (self-learning, ndn-protocols.md §3.2).
	NonDiscovery bool
	token        [32]byte
	tokenLen     uint8
}

// PitToken returns the downstream's PIT token (nil if it sent none). The
// slice aliases the record.
func (r *InRecord) PitToken() []byte { return r.token[:r.tokenLen] }

// OutRecord is an upstream the Interest was forwarded to.
type OutRecord struct {
	Face        uint64
	Nonce       uint32
	LastRenewed int64
	Expiry      int64
	// Nack is the reason of a Nack received from this upstream; Nacked
	// says whether one was.
	Nack   ndn.NackReason
	Nacked bool
	// SuppressInterval is the per-upstream retransmission-suppression
	// interval (ns) of strategies that suppress per upstream (multicast).
	SuppressInterval int64
	// NonDiscovery records that the Interest was sent with the NDNLPv2
	// NonDiscovery field.
	NonDiscovery bool
}

// PitEntry is a pending Interest. Fields other than the records are the
// owning goroutine's to read; the forwarder and strategies keep their own
// state in the exported scratch fields.
type PitEntry struct {
	node        *node
	CanBePrefix bool
	MustBeFresh bool
	In          []InRecord
	Out         []OutRecord
	// Expiry is when the entry finalizes (ns); set with Table.SetExpiry.
	Expiry int64
	// Satisfied is set by the forwarder when Data satisfied the entry.
	Satisfied bool
	// DataFreshness is the FreshnessPeriod (ns) of the satisfying Data.
	DataFreshness int64
	// SuppressInterval and LastForwarded hold the exponential
	// retransmission-suppression state (ns).
	SuppressInterval, LastForwarded int64
	// StrategyState is scratch space for the entry's strategy.
	StrategyState [2]uint64
	// StrategyID is the forwarder's id of the strategy that handles the entry.
	StrategyID int32
	// NonDiscovery is whether the forwarder marks the Interests it sends
	// for the entry NonDiscovery (self-learning): the forwarder sets it from
	// the latest incoming Interest, a strategy may change it before sending.
	NonDiscovery bool

	timer    wheel.Timer
	slot     uint32
	gen      uint32
	interest []byte // wire of the latest Interest
	nonce    uint32
	hopLimit int16 // -1: absent
	lifetime int64
	// CongestionMark is the mark of the latest Interest; the forwarder
	// copies it onto the Interests it sends for the entry (as NFD does).
	CongestionMark uint64
}

// Name returns the Interest name (aliasing the table's copy).
func (e *PitEntry) Name() ndn.Name { return e.node.name }

// Interest returns the wire of the latest Interest received for the entry
// (owned by the table; valid until the entry is removed or updated).
func (e *PitEntry) Interest() []byte { return e.interest }

// Slot returns the entry's slot id and generation, which together name the
// entry in PIT tokens; see Table.BySlot.
func (e *PitEntry) Slot() (slot, gen uint32) { return e.slot, e.gen }

// InRecord returns the in-record of face, or nil.
func (e *PitEntry) InRecord(face uint64) *InRecord {
	for i := range e.In {
		if e.In[i].Face == face {
			return &e.In[i]
		}
	}
	return nil
}

// OutRecord returns the out-record of face, or nil.
func (e *PitEntry) OutRecord(face uint64) *OutRecord {
	for i := range e.Out {
		if e.Out[i].Face == face {
			return &e.Out[i]
		}
	}
	return nil
}

// SetInterest stores a copy of wire as the entry's latest Interest, with
// its Nonce, HopLimit (-1 when absent) and lifetime (ns); strategies
// forward it.
func (e *PitEntry) SetInterest(wire []byte, nonce uint32, hopLimit int, lifetime int64) {
	e.interest = append(e.interest[:0], wire...)
	e.nonce, e.hopLimit, e.lifetime = nonce, int16(hopLimit), lifetime
}

// InterestLifetime returns the lifetime (ns) of the latest Interest.
func (e *PitEntry) InterestLifetime() int64 { return e.lifetime }

// NameHash returns the keyed hash of the entry's whole name.
func (e *PitEntry) NameHash() uint64 { return e.node.hash }

// InterestNonce returns the Nonce of the latest Interest.
func (e *PitEntry) InterestNonce() uint32 { return e.nonce }

// InterestHopLimit returns the HopLimit of the latest Interest, -1 if absent.
func (e *PitEntry) InterestHopLimit() int { return int(e.hopLimit) }

// InsertInRecord inserts or renews the in-record of face.
func (e *PitEntry) InsertInRecord(face uint64, nonce uint32, token []byte, now, lifetime int64) *InRecord {
	r := e.InRecord(face)
	if r == nil {
		e.In = append(e.In, InRecord{Face: face})
		r = &e.In[len(e.In)-1]
	}
	r.Nonce, r.LastRenewed, r.Expiry = nonce, now, now+lifetime
	r.tokenLen = uint8(copy(r.token[:], token))
	return r
}

// DeleteInRecord removes the in-record of face.
func (e *PitEntry) DeleteInRecord(face uint64) {
	for i := range e.In {
		if e.In[i].Face == face {
			e.In[i] = e.In[len(e.In)-1]
			e.In = e.In[:len(e.In)-1]
			return
		}
	}
}

// InsertOutRecord inserts or renews the out-record of face, clearing any Nack.
func (e *PitEntry) InsertOutRecord(face uint64, nonce uint32, now, lifetime int64) *OutRecord {
	r := e.OutRecord(face)
	if r == nil {
		e.Out = append(e.Out, OutRecord{Face: face})
		r = &e.Out[len(e.Out)-1]
	}
	r.Nonce, r.LastRenewed, r.Expiry = nonce, now, now+lifetime
	r.Nack, r.Nacked = 0, false
	return r
}

// DeleteOutRecord removes the out-record of face.
func (e *PitEntry) DeleteOutRecord(face uint64) {
	for i := range e.Out {
		if e.Out[i].Face == face {
			e.Out[i] = e.Out[len(e.Out)-1]
			e.Out = e.Out[:len(e.Out)-1]
			return
		}
	}
}

// HasPendingOut reports whether some out-record is unexpired and not Nacked.
func (e *PitEntry) HasPendingOut(now int64) bool {
	for i := range e.Out {
		if !e.Out[i].Nacked && e.Out[i].Expiry > now {
			return true
		}
	}
	return false
}

// LastInExpiry returns the latest in-record expiry.
func (e *PitEntry) LastInExpiry() int64 {
	var x int64
	for i := range e.In {
		x = max(x, e.In[i].Expiry)
	}
	return x
}

func variant(cbp, mbf bool) int {
	v := 0
	if cbp {
		v |= 2
	}
	if mbf {
		v |= 1
	}
	return v
}

// hasDigest reports whether the name ends with an implicit digest.
func hasDigest(n ndn.Name, depth int) bool {
	return depth > 0 && n.At(-1).Type == ndn.TtImplicitSha256DigestComponent
}

// PitLen returns the number of PIT entries.
func (t *Table) PitLen() int { return t.counters.PitEntries }

// FindPit returns the PIT entry of (name, CanBePrefix, MustBeFresh); h is
// the hash of the whole name.
func (t *Table) FindPit(name ndn.Name, h uint64, cbp, mbf bool) *PitEntry {
	n := t.lookup(h, name.Value())
	if n == nil {
		return nil
	}
	return n.pit[variant(cbp, mbf)]
}

// InsertPit finds or creates the PIT entry of (name, CanBePrefix,
// MustBeFresh); h is the hash of the whole name. isNew reports creation.
// It returns ErrPitFull when a new entry is needed and the PIT is full.
func (t *Table) InsertPit(name ndn.Name, h uint64, cbp, mbf bool) (e *PitEntry, isNew bool, err error) {
	if n := t.lookup(h, name.Value()); n != nil {
		if e := n.pit[variant(cbp, mbf)]; e != nil {
			return e, false, nil
		}
	}
	if t.counters.PitEntries >= t.cfg.PitCapacity {
		t.counters.PitFullDrops++
		return nil, false, ErrPitFull
	}
	n := t.findOrInsert(h, name)
	if k := len(t.pitFree); k > 0 {
		e = t.pitFree[k-1]
		t.pitFree = t.pitFree[:k-1]
	} else {
		e = &PitEntry{}
		e.timer.Owner = e
		e.slot = uint32(len(t.slots))
		t.slots = append(t.slots, e)
	}
	e.node, e.CanBePrefix, e.MustBeFresh = n, cbp, mbf
	n.pit[variant(cbp, mbf)] = e
	n.npit++
	t.counters.PitEntries++
	if cbp {
		d := depthBit(n.depth)
		t.cbpCount[d]++
		t.cbpMask |= 1 << d
	}
	if n.digest {
		t.digestPIT++
	}
	return e, true, nil
}

// RemovePit erases e from the PIT and cancels its timer. e must not be
// used afterwards.
func (t *Table) RemovePit(e *PitEntry) {
	n := e.node
	if n == nil {
		return
	}
	t.wheel.Cancel(&e.timer)
	n.pit[variant(e.CanBePrefix, e.MustBeFresh)] = nil
	n.npit--
	t.counters.PitEntries--
	if e.CanBePrefix {
		d := depthBit(n.depth)
		if t.cbpCount[d]--; t.cbpCount[d] == 0 {
			t.cbpMask &^= 1 << d
		}
	}
	if n.digest {
		t.digestPIT--
	}
	e.node = nil
	e.In, e.Out = e.In[:0], e.Out[:0]
	e.Expiry, e.Satisfied, e.DataFreshness = 0, false, 0
	e.SuppressInterval, e.LastForwarded, e.StrategyState, e.StrategyID, e.CongestionMark = 0, 0, [2]uint64{}, 0, 0
	e.NonDiscovery = false
	if cap(e.interest) > 1024 {
		e.interest = nil
	}
	e.interest = e.interest[:0]
	e.gen++
	t.pitFree = append(t.pitFree, e)
	t.release(n)
}

// BySlot returns the live PIT entry with this slot id and generation.
func (t *Table) BySlot(slot, gen uint32) *PitEntry {
	if int(slot) >= len(t.slots) {
		return nil
	}
	e := t.slots[slot]
	if e.gen != gen || e.node == nil {
		return nil
	}
	return e
}

// SetExpiry schedules e to finalize at when (ns).
func (t *Table) SetExpiry(e *PitEntry, when int64) {
	e.Expiry = when
	t.wheel.Schedule(&e.timer, when)
}

// Advance calls expire with every PIT entry whose expiry is due at now.
// expire must finalize the entry (normally ending with RemovePit).
func (t *Table) Advance(now int64, expire func(*PitEntry)) {
	t.wheel.Advance(now, func(tm *wheel.Timer) { expire(tm.Owner.(*PitEntry)) })
}

// FindDataMatches appends to out every PIT entry that d satisfies
// (ndn-protocols.md §5.1 Incoming Data: exact name, CanBePrefix entries at
// shorter depths, and full names with the implicit digest), and returns it.
// hashes are d.Name.PrefixHashes with the table's seed; digestHash, when
// an implicit-digest entry may exist, is called to get the hash of the full
// name (it computes d's digest).
func (t *Table) FindDataMatches(d *ndn.Data, hashes []uint64, fullNameHash func() uint64, out []*PitEntry) []*PitEntry {
	v := d.Name.Value()
	depth := len(hashes) - 1
	if n := t.lookup(hashes[depth], v); n != nil && n.npit > 0 {
		for _, e := range n.pit {
			if e != nil {
				out = append(out, e)
			}
		}
	}
	if m := t.cbpMask; m != 0 {
		for dd := 0; dd < depth && m != 0; dd++ {
			b := depthBit(dd)
			if m&(1<<b) == 0 {
				continue
			}
			n := t.lookupPrefix(hashes[dd], v, dd)
			if n == nil {
				continue
			}
			if e := n.pit[variant(true, false)]; e != nil {
				out = append(out, e)
			}
			if e := n.pit[variant(true, true)]; e != nil {
				out = append(out, e)
			}
		}
	}
	if t.digestPIT > 0 && fullNameHash != nil {
		h := fullNameHash()
		dg := d.Digest()
		for n := t.m[h]; n != nil; n = n.next {
			nv := n.name.Value()
			if n.npit > 0 && len(nv) == len(v)+34 && string(nv[:len(v)]) == string(v) && string(nv[len(v)+2:]) == string(dg[:]) {
				for _, e := range n.pit {
					if e != nil {
						out = append(out, e)
					}
				}
			}
		}
	}
	return out
}

// lookupPrefix finds the node at depth dd whose name is a prefix of v.
func (t *Table) lookupPrefix(h uint64, v []byte, dd int) *node {
	for n := t.m[h]; n != nil; n = n.next {
		nv := n.name.Value()
		if n.depth == dd && len(nv) <= len(v) && string(nv) == string(v[:len(nv)]) {
			return n
		}
	}
	return nil
}

// AllPit calls fn for every PIT entry until it returns false.
func (t *Table) AllPit(fn func(*PitEntry) bool) {
	for _, n := range t.m {
		for ; n != nil; n = n.next {
			for _, e := range n.pit {
				if e != nil && !fn(e) {
					return
				}
			}
		}
	}
}
