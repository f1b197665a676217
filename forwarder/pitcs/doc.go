// Package pitcs is one forwarding shard's Pending Interest Table and Content
// Store, sharing one hash-table node per name (ndn-protocols.md §5.2): one
// lookup finds both the PIT entries and the cached Data of a name.
//
// A [Table] is owned by a single goroutine (a forwarding shard) and is not
// safe for concurrent use; nothing in it locks. Every entry, record slice
// and Data buffer is recycled through per-table free lists, so steady-state
// operation allocates nothing.
//
// Names are looked up by keyed hash (the forwarder's seed), with the hashes
// of all prefixes of a packet's name computed once by the caller
// (ndn.Name.PrefixHashes) and passed in.
//
// PIT: an entry is keyed by Name + CanBePrefix + MustBeFresh; it has in- and
// out-records, an expiry on the table's timing wheel, and a slot id that the
// forwarder puts in its PIT tokens.
//
// CS: exact-name, implicit-digest and MustBeFresh lookups are answered from
// the name's node. A CanBePrefix Interest is answered from Data whose name
// equals the Interest name, or from Data that earlier satisfied a
// CanBePrefix PIT entry of that very name (an "indirect" entry, as in
// NDN-DPDK). Unlike NFD, a CanBePrefix Interest does not find Data that
// was cached under a longer name through unrelated Interests. Capacity is
// bounded both in packets and in bytes of Data; eviction is LRU. Data bytes
// are copied into size-classed buffers recycled on eviction.
package pitcs
