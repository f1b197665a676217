// Package fib is the Forwarding Information Base: name prefixes to next hops
// sorted by cost (ndn-protocols.md §5.2), held in an immutable snapshot.
//
// A *Table is never modified: AddNextHop, RemoveNextHop, RemoveFace and
// Erase return a new table. The forwarder publishes each new table through
// an atomic pointer and its shards look up whichever snapshot they loaded;
// updates must be serialized by the caller (one management goroutine).
package fib

import (
	"hash/maphash"
	"slices"

	"github.com/ndnflow/ndnflow/forwarder/lpm"
	"github.com/ndnflow/ndnflow/ndn"
)

// NextHop is one upstream face and its routing cost.
type NextHop struct {
	Face uint64
	Cost uint64
}

// Entry is a FIB entry: a prefix and its next hops, sorted by ascending
// cost (ties by face id). Entries are shared by snapshots: never modify one.
type Entry struct {
	Prefix   ndn.Name
	NextHops []NextHop
}

// Table is one FIB snapshot. It is safe for concurrent reads.
type Table struct {
	t *lpm.Table[*Entry]
}

// New returns an empty FIB hashing names with seed (the forwarder's seed,
// so one PrefixHashes pass per packet serves every table).
func New(seed maphash.Seed) *Table { return &Table{t: lpm.New[*Entry](seed)} }

// Seed returns the seed of the prefix hashes Lookup expects.
func (f *Table) Seed() maphash.Seed { return f.t.Seed() }

// Len returns the number of entries.
func (f *Table) Len() int { return f.t.Len() }

// Lookup returns the longest-prefix-match entry of name; hashes are
// name.PrefixHashes(f.Seed(), …). It does not allocate.
func (f *Table) Lookup(name ndn.Name, hashes []uint64) (*Entry, bool) {
	e, ok := f.t.Lookup(name, hashes)
	if !ok {
		return nil, false
	}
	return e.Value, true
}

// Get returns the entry of exactly prefix.
func (f *Table) Get(prefix ndn.Name) (*Entry, bool) {
	e, ok := f.t.Get(prefix)
	if !ok {
		return nil, false
	}
	return e.Value, true
}

// Entries returns every entry sorted by prefix in canonical order.
func (f *Table) Entries() []*Entry {
	var out []*Entry
	f.t.All(func(e *lpm.Entry[*Entry]) bool { out = append(out, e.Value); return true })
	slices.SortFunc(out, func(a, b *Entry) int { return a.Prefix.Compare(b.Prefix) })
	return out
}

func sortHops(h []NextHop) {
	slices.SortFunc(h, func(a, b NextHop) int {
		if a.Cost != b.Cost {
			if a.Cost < b.Cost {
				return -1
			}
			return 1
		}
		switch {
		case a.Face < b.Face:
			return -1
		case a.Face > b.Face:
			return 1
		}
		return 0
	})
}

// AddNextHop returns a table where prefix has a next hop towards face with
// cost (updating the cost if the face was already a next hop). It fails
// with lpm.ErrTooDeep for prefixes deeper than 32 components.
func (f *Table) AddNextHop(prefix ndn.Name, face, cost uint64) (*Table, error) {
	var hops []NextHop
	if e, ok := f.Get(prefix); ok {
		hops = slices.Clone(e.NextHops)
		prefix = e.Prefix
	}
	i := slices.IndexFunc(hops, func(h NextHop) bool { return h.Face == face })
	if i >= 0 {
		hops[i].Cost = cost
	} else {
		hops = append(hops, NextHop{Face: face, Cost: cost})
	}
	sortHops(hops)
	p := prefix.Clone()
	t, err := f.t.With(p, &Entry{Prefix: p, NextHops: hops})
	if err != nil {
		return nil, err
	}
	return &Table{t: t}, nil
}

// RemoveNextHop returns a table without the next hop towards face under
// prefix; an entry left without next hops is erased. ok is false when
// there was no such next hop (and f is returned).
func (f *Table) RemoveNextHop(prefix ndn.Name, face uint64) (*Table, bool) {
	e, ok := f.Get(prefix)
	if !ok {
		return f, false
	}
	i := slices.IndexFunc(e.NextHops, func(h NextHop) bool { return h.Face == face })
	if i < 0 {
		return f, false
	}
	if len(e.NextHops) == 1 {
		t, _ := f.t.Without(e.Prefix)
		return &Table{t: t}, true
	}
	hops := slices.Delete(slices.Clone(e.NextHops), i, i+1)
	t, _ := f.t.With(e.Prefix, &Entry{Prefix: e.Prefix, NextHops: hops})
	return &Table{t: t}, true
}

// Erase returns a table without the entry of prefix.
func (f *Table) Erase(prefix ndn.Name) (*Table, bool) {
	t, ok := f.t.Without(prefix)
	return &Table{t: t}, ok
}

// RemoveFace returns a table without any next hop towards face (used when
// a face closes).
func (f *Table) RemoveFace(face uint64) *Table {
	out := f
	for _, e := range f.Entries() {
		out, _ = out.RemoveNextHop(e.Prefix, face)
	}
	return out
}
