// Package dnl is the Dead Nonce List (ndn-protocols.md §5.2): a bounded,
// time-limited set of 64-bit hashes of (Name, Nonce) that detects looping
// Interests after their PIT entry is gone.
//
// A List is not safe for concurrent use; each forwarding shard owns one.
// Unlike NFD's adaptive capacity, a List has a fixed capacity: when full,
// the oldest record is dropped early (counted in Evicted), so memory stays
// bounded under any Interest rate.
package dnl

// DefaultLifetime is NFD's dead-nonce lifetime, 6 s, in nanoseconds.
const DefaultLifetime = int64(6e9)

// DefaultCapacity is the default number of records, 65536.
const DefaultCapacity = 1 << 16

// Key combines the hash of a full Name (keyed, as from ndn.Name.Hash) with a
// Nonce into the 64-bit value the list stores.
func Key(nameHash uint64, nonce uint32) uint64 {
	x := nameHash ^ (uint64(nonce) * 0x9E3779B97F4A7C15)
	// splitmix64 finalizer
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

type record struct {
	key  uint64
	when int64
}

// List is a dead nonce list. Create it with New.
type List struct {
	lifetime int64
	ring     []record
	head, n  int
	set      map[uint64]int32 // key → number of records with it
	// Evicted counts records dropped before their lifetime because the list was full.
	Evicted uint64
}

// New returns a list keeping records for lifetime nanoseconds (default
// DefaultLifetime when <= 0; at least 50 ms) and at most capacity records
// (default DefaultCapacity when <= 0).
func New(lifetime int64, capacity int) *List {
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	lifetime = max(lifetime, 50e6)
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &List{lifetime: lifetime, ring: make([]record, capacity), set: make(map[uint64]int32, capacity)}
}

// Len returns the number of records.
func (l *List) Len() int { return l.n }

// expire drops records older than the lifetime.
func (l *List) expire(now int64) {
	for l.n > 0 && now-l.ring[l.head].when >= l.lifetime {
		l.pop()
	}
}

func (l *List) pop() {
	r := l.ring[l.head]
	if c := l.set[r.key] - 1; c <= 0 {
		delete(l.set, r.key)
	} else {
		l.set[r.key] = c
	}
	l.head = (l.head + 1) % len(l.ring)
	l.n--
}

// Add records key at time now (nanoseconds, monotonic).
func (l *List) Add(key uint64, now int64) {
	l.expire(now)
	if l.n == len(l.ring) {
		l.pop()
		l.Evicted++
	}
	l.ring[(l.head+l.n)%len(l.ring)] = record{key: key, when: now}
	l.n++
	l.set[key]++
}

// Has reports whether key was added less than the lifetime before now.
func (l *List) Has(key uint64, now int64) bool {
	l.expire(now)
	return l.set[key] > 0
}
