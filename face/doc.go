// Package face moves NDN packets between the forwarder (or an application)
// and the network.
//
// A [Transport] moves frames (one TLV each) in batches: Read fills up to
// len(bufs) caller-owned buffers, Write sends a batch of frames in as few
// system calls as the medium allows (sendmmsg, writev). Transports know TLV
// framing but not NDN packet types.
//
// A [Face] is a Transport plus the NDNLPv2 link service, an id, counters,
// a persistency and a state. It runs two goroutines: routineReceive reads
// batches from the transport, decodes them and hands them to the owner's
// [Handler]; routineSend drains a bounded send queue in batches, marks
// congestion (CoDel-style) when packets wait too long, and writes them.
//
// Listeners ([UDPListener], [StreamListener]) create transports for remote
// peers and hand them to their owner, who wraps each in a Face.
//
// Buffers are fixed-size arrays of [BufferSize] bytes from a [Pool]; every
// received packet ([RxPacket]) owns one buffer until its Release method is
// called. See README.md in this directory for the design.
package face
