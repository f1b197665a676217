// Package lpm is an immutable longest-prefix-match table keyed by NDN name
// prefixes, the structure under the FIB and the strategy-choice table
// (ndn-protocols.md §5.2).
//
// Lookups hash nothing themselves: the caller passes the keyed prefix hashes
// of the name (ndn.Name.PrefixHashes with the table's seed), computed once
// per packet and shared by every table. A lookup probes a hash map from the
// deepest depth that holds any entry and stops at the first match: no tree
// walk, no lock. A Table is never modified; With and Without return a new
// Table, so readers load it through an atomic pointer and a single writer
// publishes the next one.
package lpm

import (
	"hash/maphash"

	"github.com/ndnflow/ndnflow/ndn"
)

// MaxDepth is the deepest prefix a table stores (ndn.MaxNameComponents).
const MaxDepth = ndn.MaxNameComponents

// Entry is one prefix and its value.
type Entry[T any] struct {
	Name  ndn.Name
	Value T
	depth int
	next  *Entry[T] // hash collision chain
}

// Table maps name prefixes to values of type T. The zero Table is not
// usable: call New. A Table is safe for concurrent reads.
type Table[T any] struct {
	seed   maphash.Seed
	m      map[uint64]*Entry[T]
	depths uint64 // bit d set when some entry has depth d
	n      int
}

// New returns an empty table hashing with seed.
func New[T any](seed maphash.Seed) *Table[T] {
	return &Table[T]{seed: seed, m: map[uint64]*Entry[T]{}}
}

// Seed returns the hash seed that lookups' prefix hashes must use.
func (t *Table[T]) Seed() maphash.Seed { return t.seed }

// Len returns the number of entries.
func (t *Table[T]) Len() int { return t.n }

// Lookup returns the entry of the longest prefix of name that has one.
// hashes must be name.PrefixHashes(t.Seed(), …) (len = name.Len()+1).
// It does not allocate.
func (t *Table[T]) Lookup(name ndn.Name, hashes []uint64) (*Entry[T], bool) {
	d := min(len(hashes)-1, MaxDepth)
	v := name.Value()
	for ; d >= 0; d-- {
		if t.depths&(1<<d) == 0 {
			continue
		}
		for e := t.m[hashes[d]]; e != nil; e = e.next {
			ev := e.Name.Value()
			if e.depth == d && len(ev) <= len(v) && string(ev) == string(v[:len(ev)]) {
				return e, true
			}
		}
	}
	return nil, false
}

// Get returns the entry of exactly prefix.
func (t *Table[T]) Get(prefix ndn.Name) (*Entry[T], bool) {
	h := prefix.Hash(t.seed, MaxDepth+1)
	for e := t.m[h]; e != nil; e = e.next {
		if e.Name.Equal(prefix) {
			return e, true
		}
	}
	return nil, false
}

// All calls fn for every entry, in no particular order, until fn returns false.
func (t *Table[T]) All(fn func(*Entry[T]) bool) {
	for _, e := range t.m {
		for ; e != nil; e = e.next {
			if !fn(e) {
				return
			}
		}
	}
}

// clone copies the map and chains except the chain at h, which the caller rebuilds.
func (t *Table[T]) clone() *Table[T] {
	c := &Table[T]{seed: t.seed, m: make(map[uint64]*Entry[T], len(t.m)+1), depths: t.depths, n: t.n}
	for h, e := range t.m {
		c.m[h] = e
	}
	return c
}

func (t *Table[T]) recomputeDepths() {
	t.depths = 0
	for _, e := range t.m {
		for ; e != nil; e = e.next {
			t.depths |= 1 << e.depth
		}
	}
}

// With returns a new table where prefix maps to v (replacing any value).
// The prefix is copied. It returns ErrTooDeep for prefixes deeper than
// MaxDepth. t is unchanged.
func (t *Table[T]) With(prefix ndn.Name, v T) (*Table[T], error) {
	d := prefix.Len()
	if d > MaxDepth {
		return nil, ErrTooDeep
	}
	c := t.clone()
	h := prefix.Hash(t.seed, MaxDepth+1)
	var chain *Entry[T]
	replaced := false
	for e := t.m[h]; e != nil; e = e.next {
		ne := &Entry[T]{Name: e.Name, Value: e.Value, depth: e.depth}
		if e.Name.Equal(prefix) {
			ne.Value, replaced = v, true
		}
		ne.next, chain = chain, ne
	}
	if !replaced {
		chain = &Entry[T]{Name: prefix.Clone(), Value: v, depth: d, next: chain}
		c.n++
	}
	c.m[h] = chain
	c.depths |= 1 << d
	return c, nil
}

// Without returns a new table without prefix, and whether it was present.
func (t *Table[T]) Without(prefix ndn.Name) (*Table[T], bool) {
	if _, ok := t.Get(prefix); !ok {
		return t, false
	}
	c := t.clone()
	h := prefix.Hash(t.seed, MaxDepth+1)
	var chain *Entry[T]
	for e := t.m[h]; e != nil; e = e.next {
		if !e.Name.Equal(prefix) {
			chain = &Entry[T]{Name: e.Name, Value: e.Value, depth: e.depth, next: chain}
		}
	}
	if chain == nil {
		delete(c.m, h)
	} else {
		c.m[h] = chain
	}
	c.n--
	c.recomputeDepths()
	return c, true
}
