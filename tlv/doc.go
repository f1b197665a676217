// Package tlv implements the NDN-TLV encoding of NDN packet format v0.3
// (ndn-protocols.md §1.1-§1.3): VAR-NUMBER, NonNegativeInteger, zero-copy
// element decoding and append-style encoding.
//
// Decoding never copies: an [Element] holds sub-slices of the input, and a
// [Decoder] walks a buffer without allocating. Encoding appends to a caller's
// slice; the *Len functions size a buffer before it is filled, so a packet can
// be written with one allocation or none.
//
// The package imports only the standard library and holds no state; every
// function is safe for concurrent use on distinct buffers.
package tlv
