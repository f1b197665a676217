package pitcs

// Policy is a CS replacement policy.
type Policy uint8

// Policy values.
const (
	// PolicyLRU evicts the least recently used Data.
	PolicyLRU Policy = iota
	// PolicyARC is Adaptive Replacement Cache (Megiddo and Modha): Data
	// used once (T1) and Data used again (T2) are kept in separate LRU
	// lists whose split adapts to hits on recently evicted names (ghost
	// lists B1 and B2, which hold only name hashes). A one-time scan over
	// many names then cannot flush the frequently used Data. The ghost
	// lists are bounded to the capacity each.
	PolicyARC
)

// ParsePolicy parses "lru" (or "") and "arc".
func ParsePolicy(s string) (Policy, bool) {
	switch s {
	case "", "lru":
		return PolicyLRU, true
	case "arc":
		return PolicyARC, true
	}
	return 0, false
}

func (p Policy) String() string {
	if p == PolicyARC {
		return "arc"
	}
	return "lru"
}

// arcState is the ARC bookkeeping of a Table; with LRU only n1 is used.
type arcState struct {
	t2       CsEntry // sentinel of T2
	n1, n2   int     // entries on T1 (the lru list) and T2
	p        int     // target size of T1
	b1, b2   ghosts
	lastInB2 bool
}

// adapt applies ARC's adaptation for a missed name h and reports whether
// the new entry goes to T2 (it was a ghost).
func (a *arcState) adapt(h uint64, c int) bool {
	switch {
	case a.b1.take(h):
		a.p = min(c, a.p+max(a.b2.live/max(a.b1.live, 1), 1))
		a.lastInB2 = false
		return true
	case a.b2.take(h):
		a.p = max(0, a.p-max(a.b1.live/max(a.b2.live, 1), 1))
		a.lastInB2 = true
		return true
	}
	a.lastInB2 = false
	return false
}

func (a *arcState) resize(c int) {
	a.b1.init(c)
	a.b2.init(c)
	a.p = min(a.p, c)
}

// victim returns the entry to evict next (there is at least one).
func (t *Table) victim() *CsEntry {
	a := &t.arc
	if t.cfg.Policy != PolicyARC {
		return t.lru.prev
	}
	if a.n1 > 0 && (a.n1 > a.p || a.lastInB2 && a.n1 == a.p || a.n2 == 0) {
		return t.lru.prev
	}
	return a.t2.prev
}

// ghosts is a bounded FIFO set of name hashes (ARC's B1 or B2). Removing
// a hash leaves a stale slot in the ring, skipped when it is popped.
type ghosts struct {
	ring    []ghostRec
	head, n int
	m       map[uint64]uint32 // hash → seq of its live slot
	seq     uint32
	live    int
}

type ghostRec struct {
	h   uint64
	seq uint32
}

func (g *ghosts) init(c int) {
	*g = ghosts{ring: make([]ghostRec, max(c, 1)), m: make(map[uint64]uint32, max(c, 1))}
}

func (g *ghosts) add(h uint64) {
	if g.ring == nil {
		return
	}
	if g.n == len(g.ring) {
		r := g.ring[g.head]
		if s, ok := g.m[r.h]; ok && s == r.seq {
			delete(g.m, r.h)
			g.live--
		}
		g.head = (g.head + 1) % len(g.ring)
		g.n--
	}
	g.seq++
	g.ring[(g.head+g.n)%len(g.ring)] = ghostRec{h: h, seq: g.seq}
	g.n++
	if _, ok := g.m[h]; !ok {
		g.live++
	}
	g.m[h] = g.seq
}

// take removes h and reports whether it was there.
func (g *ghosts) take(h uint64) bool {
	if _, ok := g.m[h]; !ok {
		return false
	}
	delete(g.m, h)
	g.live--
	return true
}
