package pitcs

import (
	"crypto/sha256"
	"math/bits"

	"github.com/ndnflow/ndnflow/ndn"
)

// CsEntry is one cached Data packet.
type CsEntry struct {
	node       *node
	prev, next *CsEntry // LRU list (ARC: T1 or T2)
	inT2       bool     // ARC: on the frequently-used list
	wire       []byte   // owned copy from the table's buffer classes
	freshUntil int64
	// Unsolicited marks Data admitted by the unsolicited-Data policy.
	Unsolicited bool
	// referrers are nodes whose indirect link points here.
	referrers []*node
}

// Wire returns the cached Data's encoding (owned by the table: valid until
// the entry is evicted; copy it to keep it).
func (c *CsEntry) Wire() []byte { return c.wire }

// Name returns the Data name.
func (c *CsEntry) Name() ndn.Name { return c.node.name }

// FreshUntil returns the time (ns) until which the Data is fresh.
func (c *CsEntry) FreshUntil() int64 { return c.freshUntil }

// Digest returns the implicit digest of the Data. It is computed on each
// call (implicit-digest Interests are rare; caching it would cost 33 bytes
// per entry).
func (c *CsEntry) Digest() [32]byte { return sha256.Sum256(c.wire) }

// Data buffers come in size classes that waste at most 1/8 of a buffer
// above 1 KiB (multiples of 64 B below): class sizes are m<<shift with
// m in 9..16, so a 1 GiB CS of 8 KB Data costs about 1.06 GiB of buffers.
const (
	numClasses  = 56
	maxFreeBufs = 4096
)

// classOf returns the class index and size for n bytes; ok is false for
// sizes beyond the classes (allocated exactly, not recycled).
func classOf(n int) (idx, size int, ok bool) {
	if n <= 1024 {
		idx = max((n+63)/64, 1)
		return idx, idx * 64, true
	}
	shift := bits.Len(uint(n-1)) - 4
	m := (n-1)>>shift + 1
	idx = 16 + (shift-7)*8 + (m - 8)
	if idx >= numClasses {
		return 0, n, false
	}
	return idx, m << shift, true
}

func (t *Table) getBuf(n int) []byte {
	c, size, ok := classOf(n)
	if !ok {
		return make([]byte, n)
	}
	if k := len(t.bufFree[c]); k > 0 {
		b := t.bufFree[c][k-1]
		t.bufFree[c] = t.bufFree[c][:k-1]
		return b[:n]
	}
	return make([]byte, n, size)
}

func (t *Table) putBuf(b []byte) {
	c, size, ok := classOf(cap(b))
	if !ok || size != cap(b) || len(t.bufFree[c]) >= maxFreeBufs {
		return
	}
	t.bufFree[c] = append(t.bufFree[c], b[:0])
}

// CsLen returns the number of cached Data packets.
func (t *Table) CsLen() int { return t.counters.CsEntries }

// CsCapacity returns the capacity in packets and bytes.
func (t *Table) CsCapacity() (packets int, bytes int64) {
	return t.cfg.CsCapacity, t.cfg.CsCapacityBytes
}

// SetCsCapacity changes the capacity (packets 0 disables the CS), evicting
// as needed. Non-positive bytes keeps the byte limit.
func (t *Table) SetCsCapacity(packets int, bytes int64) {
	t.cfg.CsCapacity = max(packets, 0)
	if bytes > 0 {
		t.cfg.CsCapacityBytes = bytes
	}
	t.evict(0)
	t.arc.resize(t.cfg.CsCapacity)
}

// evict removes entries chosen by the policy until room bytes more fit.
func (t *Table) evict(room int) {
	for t.counters.CsEntries > 0 && (t.counters.CsEntries+min(room, 1) > t.cfg.CsCapacity ||
		t.counters.CsBytes+int64(room) > t.cfg.CsCapacityBytes) {
		c := t.victim()
		if t.cfg.Policy == PolicyARC {
			if c.inT2 {
				t.arc.b2.add(c.node.hash)
			} else {
				t.arc.b1.add(c.node.hash)
			}
		}
		t.removeCs(c)
		t.counters.CsEvicts++
	}
}

func (t *Table) unlinkLRU(c *CsEntry) {
	c.prev.next = c.next
	c.next.prev = c.prev
	if c.inT2 {
		t.arc.n2--
	} else {
		t.arc.n1--
	}
}

// pushLRU puts c at the front of the LRU list (ARC: T1).
func (t *Table) pushLRU(c *CsEntry) {
	c.next, c.prev = t.lru.next, &t.lru
	t.lru.next.prev = c
	t.lru.next = c
	c.inT2 = false
	t.arc.n1++
}

// pushT2 puts c at the front of ARC's T2.
func (t *Table) pushT2(c *CsEntry) {
	h := &t.arc.t2
	c.next, c.prev = h.next, h
	h.next.prev = c
	h.next = c
	c.inT2 = true
	t.arc.n2++
}

// touch records a use of c.
func (t *Table) touch(c *CsEntry) {
	t.unlinkLRU(c)
	if t.cfg.Policy == PolicyARC {
		t.pushT2(c)
	} else {
		t.pushLRU(c)
	}
}

// removeCs erases a CS entry and clears indirect links to it.
func (t *Table) removeCs(c *CsEntry) {
	t.unlinkLRU(c)
	n := c.node
	n.cs = nil
	for _, r := range c.referrers {
		if r.ind == c {
			r.ind = nil
			t.release(r)
		}
	}
	clear(c.referrers)
	c.referrers = c.referrers[:0]
	t.counters.CsEntries--
	t.counters.CsBytes -= int64(len(c.wire))
	t.putBuf(c.wire)
	c.wire, c.node, c.Unsolicited = nil, nil, false
	t.csFree = append(t.csFree, c)
	t.release(n)
}

// InsertCs caches a copy of the Data d (name hash h, arrival time now,
// ns) and returns its entry, replacing older Data of the same name. It
// returns nil when the CS is disabled or d is larger than the byte limit.
func (t *Table) InsertCs(d *ndn.Data, h uint64, now int64, unsolicited bool) *CsEntry {
	wire := d.Wire()
	if t.cfg.CsCapacity == 0 || int64(len(wire)) > t.cfg.CsCapacityBytes {
		return nil
	}
	n := t.findOrInsert(h, d.Name)
	c := n.cs
	toT2 := false
	if c != nil {
		// Refresh in place; counts as a use.
		t.counters.CsBytes -= int64(len(c.wire))
		t.putBuf(c.wire)
		toT2 = c.inT2 || t.cfg.Policy == PolicyARC
		t.unlinkLRU(c)
		t.counters.CsEntries--
	} else {
		if t.cfg.Policy == PolicyARC {
			toT2 = t.arc.adapt(h, t.cfg.CsCapacity)
		}
		t.evict(len(wire))
		// evict may have released n if it was only held by an evicted
		// indirect link; re-find it.
		n = t.findOrInsert(h, d.Name)
		if k := len(t.csFree); k > 0 {
			c = t.csFree[k-1]
			t.csFree = t.csFree[:k-1]
		} else {
			c = new(CsEntry)
		}
		c.node = n
		n.cs = c
	}
	c.wire = append(t.getBuf(len(wire))[:0], wire...)
	c.freshUntil = now + int64(d.Freshness)
	c.Unsolicited = unsolicited
	if toT2 {
		t.pushT2(c)
	} else {
		t.pushLRU(c)
	}
	t.counters.CsEntries++
	t.counters.CsBytes += int64(len(wire))
	t.counters.CsInserts++
	t.evict(0)
	return c
}

// AddIndirect lets a later CanBePrefix Interest with the name of e find c:
// call it when c satisfied the CanBePrefix PIT entry e.
func (t *Table) AddIndirect(e *PitEntry, c *CsEntry) {
	n := e.node
	if c == nil || n == nil || n == c.node || n.ind == c {
		return
	}
	if n.ind != nil {
		old := n.ind
		for i, r := range old.referrers {
			if r == n {
				old.referrers[i] = old.referrers[len(old.referrers)-1]
				old.referrers = old.referrers[:len(old.referrers)-1]
				break
			}
		}
	}
	n.ind = c
	c.referrers = append(c.referrers, n)
}

// FindCs returns cached Data that satisfies an Interest (name, CanBePrefix,
// MustBeFresh) at time now, or nil. hashes are name.PrefixHashes. A hit
// moves the entry to the front of the LRU list.
func (t *Table) FindCs(name ndn.Name, hashes []uint64, cbp, mbf bool, now int64) *CsEntry {
	if t.counters.CsEntries == 0 {
		t.counters.CsMisses++
		return nil
	}
	depth := len(hashes) - 1
	v := name.Value()
	var c *CsEntry
	if n := t.lookup(hashes[depth], v); n != nil {
		c = n.cs
		if (c == nil || mbf && c.freshUntil <= now) && cbp {
			c = n.ind
		}
	}
	if c == nil && depth > 0 && len(v) >= 34 && v[len(v)-34] == ndn.TtImplicitSha256DigestComponent &&
		v[len(v)-33] == 32 && hasDigest(name, depth) {
		// Full name: the Data is stored under the name without the digest.
		if n := t.lookupPrefix(hashes[depth-1], v, depth-1); n != nil && n.cs != nil {
			if dg := n.cs.Digest(); string(dg[:]) == string(name.At(-1).Value) {
				c = n.cs
			}
		}
	}
	if c == nil || mbf && c.freshUntil <= now {
		t.counters.CsMisses++
		return nil
	}
	t.touch(c)
	t.counters.CsHits++
	return c
}

// EraseCs removes up to limit cached Data whose names start with prefix
// (all when limit <= 0) and returns how many it removed.
func (t *Table) EraseCs(prefix ndn.Name, limit int) int {
	k := 0
	for _, h := range []*CsEntry{&t.lru, &t.arc.t2} {
		for c := h.next; c != h && (limit <= 0 || k < limit); {
			next := c.next
			if prefix.IsPrefixOf(c.node.name) {
				t.removeCs(c)
				k++
			}
			c = next
		}
	}
	return k
}

// AllCs calls fn for every cached Data (most recently used first; with
// ARC, T1 then T2) until fn returns false.
func (t *Table) AllCs(fn func(*CsEntry) bool) {
	for _, h := range []*CsEntry{&t.lru, &t.arc.t2} {
		for c := h.next; c != h; c = c.next {
			if !fn(c) {
				return
			}
		}
	}
}
