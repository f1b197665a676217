// Package app is the application side of ndnflow: a Client connected to an
// NDN forwarder (NFD, ndnd or ndnflow), consumers and producers on it.
//
// Key types and functions:
//   - [Connect] opens a [Client] (unix://, tcp://, udp://, or any transport
//     through [Options].Dial). The Client reconnects when the forwarder
//     restarts and registers its prefixes again.
//   - [Client.Express] sends one Interest and returns its Data, with
//     retransmission and optional verification.
//   - [Client.Serve] registers a prefix and answers Interests with a
//     [Handler] returning Data or [ReplyNack].
//   - [Client.NewConsumer] is the low-level, allocation-free path for
//     pipelines (package app/segmented builds on it).
//
// The Client speaks the client side of NDNLPv2 itself (ndn-protocols.md §3):
// it sends Interests in an LpPacket with a 6-octet PitToken, sends Data
// and Nacks echoing the token it received, and accepts bare packets and
// LpPackets alike. It reassembles fragmented packets (a forwarder fragments
// on datagram links above the MTU) but never fragments: its own packets
// must fit the uplink's MTU (8800 on UDP). See docs/library.md.
package app
