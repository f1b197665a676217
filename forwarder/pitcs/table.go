package pitcs

import (
	"math/bits"

	"github.com/ndnflow/ndnflow/internal/wheel"
	"github.com/ndnflow/ndnflow/ndn"
)

// Config sizes a Table. The zero value is usable.
type Config struct {
	// PitCapacity is the most PIT entries the table holds; default 1<<18.
	PitCapacity int
	// CsCapacity is the most Data packets the CS holds; default 65536.
	// A negative value disables the CS (capacity 0).
	CsCapacity int
	// CsCapacityBytes bounds the Data bytes the CS holds; default 1 GiB.
	CsCapacityBytes int64
	// Tick is the PIT timing-wheel resolution in nanoseconds; default 2 ms.
	Tick int64
	// Policy is the CS replacement policy; default PolicyLRU.
	Policy Policy
}

func (c *Config) applyDefaults() {
	if c.PitCapacity <= 0 {
		c.PitCapacity = 1 << 18
	}
	if c.CsCapacity == 0 {
		c.CsCapacity = 65536
	} else if c.CsCapacity < 0 {
		c.CsCapacity = 0
	}
	if c.CsCapacityBytes <= 0 {
		c.CsCapacityBytes = 1 << 30
	}
	if c.Tick <= 0 {
		c.Tick = 2e6
	}
}

// node is one name: up to four PIT entries (one per CanBePrefix ×
// MustBeFresh), the cached Data of exactly this name, and an indirect link
// to Data that satisfied a CanBePrefix Interest of this name.
type node struct {
	hash    uint64
	next    *node // hash collision chain
	name    ndn.Name
	nameBuf []byte
	depth   int
	digest  bool // the last component is an implicit digest
	pit     [4]*PitEntry
	npit    int
	cs      *CsEntry
	ind     *CsEntry // indirect CS entry (CanBePrefix), or nil
}

func (n *node) unused() bool { return n.npit == 0 && n.cs == nil && n.ind == nil }

// Counters are the table's statistics. Read them only from the owning
// goroutine (the forwarder copies them out on request).
type Counters struct {
	PitEntries, CsEntries int
	CsBytes               int64
	CsHits, CsMisses      uint64
	CsInserts, CsEvicts   uint64
	PitFullDrops          uint64
}

// Table is one shard's PIT and CS. See the package doc.
type Table struct {
	cfg   Config
	m     map[uint64]*node
	wheel *wheel.Wheel

	nodeFree []*node
	pitFree  []*PitEntry
	csFree   []*CsEntry
	slots    []*PitEntry // by slot id
	slotFree []uint32

	cbpCount  [64]int32 // CanBePrefix PIT entries per name depth (63 = 63 or more)
	cbpMask   uint64
	digestPIT int // PIT entries whose last component is an implicit digest

	lru      CsEntry // sentinel: lru.next is the most recently used (ARC: T1)
	arc      arcState
	bufFree  [numClasses][][]byte
	counters Counters
}

// New returns an empty table; now is the current time (ns) for its wheel.
func New(cfg Config, now int64) *Table {
	cfg.applyDefaults()
	t := &Table{cfg: cfg, m: make(map[uint64]*node), wheel: wheel.New(cfg.Tick, 4096, now)}
	t.lru.next, t.lru.prev = &t.lru, &t.lru
	t.arc.t2.next, t.arc.t2.prev = &t.arc.t2, &t.arc.t2
	if cfg.Policy == PolicyARC {
		t.arc.resize(cfg.CsCapacity)
	}
	return t
}

// Counters returns the table's statistics.
func (t *Table) Counters() Counters { return t.counters }

func (t *Table) lookup(h uint64, v []byte) *node {
	for n := t.m[h]; n != nil; n = n.next {
		if string(n.name.Value()) == string(v) {
			return n
		}
	}
	return nil
}

// findOrInsert returns the node of name (hash h), creating it.
func (t *Table) findOrInsert(h uint64, name ndn.Name) *node {
	if n := t.lookup(h, name.Value()); n != nil {
		return n
	}
	var n *node
	if k := len(t.nodeFree); k > 0 {
		n = t.nodeFree[k-1]
		t.nodeFree = t.nodeFree[:k-1]
	} else {
		n = new(node)
	}
	n.hash = h
	n.nameBuf = append(n.nameBuf[:0], name.Value()...)
	n.name, _ = ndn.NameFromValue(n.nameBuf) // valid: copied from a valid name
	n.depth = name.Len()
	n.digest = n.depth > 0 && name.At(-1).Type == ndn.TtImplicitSha256DigestComponent
	n.next = t.m[h]
	t.m[h] = n
	return n
}

// release removes n from the map when nothing uses it.
func (t *Table) release(n *node) {
	if !n.unused() {
		return
	}
	head := t.m[n.hash]
	if head == n {
		if n.next == nil {
			delete(t.m, n.hash)
		} else {
			t.m[n.hash] = n.next
		}
	} else {
		for p := head; p != nil; p = p.next {
			if p.next == n {
				p.next = n.next
				break
			}
		}
	}
	n.next = nil
	n.name = ndn.Name{}
	if cap(n.nameBuf) > 256 {
		n.nameBuf = nil
	}
	t.nodeFree = append(t.nodeFree, n)
}

func depthBit(d int) int { return min(d, 63) }

func bitsOf(m uint64) int { return bits.OnesCount64(m) }
