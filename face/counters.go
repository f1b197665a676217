package face

import "sync/atomic"

// Counters are a face's packet counters. Every field is updated atomically
// by the face's goroutines and may be read at any time from any goroutine.
// Network-layer counters count packets after reassembly (in) and before
// fragmentation (out); Frames and FrameBytes count what crossed the link.
type Counters struct {
	InInterests, InData, InNacks    atomic.Uint64
	OutInterests, OutData, OutNacks atomic.Uint64
	// In*Bytes and Out*Bytes count network-packet bytes (the Interest or
	// Data TLV) per type.
	InInterestBytes, InDataBytes, InNackBytes    atomic.Uint64
	OutInterestBytes, OutDataBytes, OutNackBytes atomic.Uint64
	// InFrames, InFrameBytes, OutFrames and OutFrameBytes count link frames
	// (LpPackets, fragments, bare packets) and their bytes, as NFD's
	// nInBytes/nOutBytes.
	InFrames, InFrameBytes, OutFrames, OutFrameBytes atomic.Uint64
	// InIdle counts IDLE LpPackets (no Fragment).
	InIdle atomic.Uint64
	// CongestionMarked counts outgoing packets this face marked because
	// they waited in the send queue longer than the target delay.
	CongestionMarked atomic.Uint64
	// InFragments counts received fragments; Reassembled counts packets
	// completed from them.
	InFragments, Reassembled atomic.Uint64
	// Retransmitted counts frames sent again by link reliability.
	Retransmitted atomic.Uint64

	// Drops, per reason.
	//
	// DropMalformedLp: the frame is not a valid LpPacket or bare packet.
	// DropMalformedNet: the network packet inside does not decode.
	// DropInvalidLp: an LP field combination NFD forbids (Nack with Data,
	// NextHopFaceId without local fields, ...).
	// DropReassembly: bad, duplicate or timed-out fragments and evicted
	// partial packets (counted per fragment).
	// DropQueueFull: the send queue was full.
	// DropTooLarge: a packet to send exceeds MaxPacketLen, its LP header
	// exceeds TxHeadroom, or fragmentation would need over 400 fragments.
	// DropTxError: the transport failed to send (or was down).
	// DropClosed: Send on a closed face.
	// DropReliability: frames given up after MaxRetx retransmissions.
	// DropDuplicate: frames whose Sequence was received before (reliability).
	DropMalformedLp, DropMalformedNet, DropInvalidLp, DropReassembly atomic.Uint64
	DropQueueFull, DropTooLarge, DropTxError, DropClosed             atomic.Uint64
	DropReliability, DropDuplicate                                   atomic.Uint64
}

// counterBatch accumulates a batch's counts in plain integers; flush adds
// them to the shared atomics once per batch.
type counterBatch struct {
	pkts, bytes    [numKinds]uint64
	frames, fbytes uint64
}

func (b *counterBatch) add(k Kind, n int) {
	b.pkts[k]++
	b.bytes[k] += uint64(n)
}

func addNZ(c *atomic.Uint64, v uint64) {
	if v != 0 {
		c.Add(v)
	}
}

func (c *Counters) flushIn(b *counterBatch) {
	addNZ(&c.InInterests, b.pkts[KindInterest])
	addNZ(&c.InData, b.pkts[KindData])
	addNZ(&c.InNacks, b.pkts[KindNack])
	addNZ(&c.InInterestBytes, b.bytes[KindInterest])
	addNZ(&c.InDataBytes, b.bytes[KindData])
	addNZ(&c.InNackBytes, b.bytes[KindNack])
	addNZ(&c.InFrames, b.frames)
	addNZ(&c.InFrameBytes, b.fbytes)
	*b = counterBatch{}
}

func (c *Counters) flushOut(b *counterBatch) {
	addNZ(&c.OutInterests, b.pkts[KindInterest])
	addNZ(&c.OutData, b.pkts[KindData])
	addNZ(&c.OutNacks, b.pkts[KindNack])
	addNZ(&c.OutInterestBytes, b.bytes[KindInterest])
	addNZ(&c.OutDataBytes, b.bytes[KindData])
	addNZ(&c.OutNackBytes, b.bytes[KindNack])
	addNZ(&c.OutFrames, b.frames)
	addNZ(&c.OutFrameBytes, b.fbytes)
	*b = counterBatch{}
}
