// Package ndn is the NDN packet model: name components, names, Interests,
// Data, Nacks, signature elements and NDNLPv2 packets (ndn-protocols.md §1-§3).
//
// Key types: [Component], [Name], [Interest], [Data], [SigInfo], [LpPacket].
//
// Decoding is zero-copy: a decoded packet keeps the wire bytes it was decoded
// from and its fields are sub-slices of them, so the caller must not reuse the
// buffer while the packet is in use. Decode methods on a reused packet value
// do not allocate. Encoding appends to a caller's slice; Length sizes it.
//
// Packet values are not safe for concurrent mutation; a decoded packet that is
// no longer modified may be read from several goroutines, except for the lazily
// computed implicit digest of a [Data], which is computed on first use.
package ndn
