package forwarder

import "sync/atomic"

// shardCounters are one shard's counters: written by the shard goroutine,
// read by anyone.
type shardCounters struct {
	inInterests, inData, inNacks    atomic.Uint64
	outInterests, outData, outNacks atomic.Uint64
	satisfied, unsatisfied          atomic.Uint64
	csHits, csMisses                atomic.Uint64

	dropHopLimit, dropLocalhost, dropLoop, dropPitFull atomic.Uint64
	dropUnsolicited, dropNack, dropNoFace, dropScope   atomic.Uint64
	nackDuplicateSent, dispatchDrops                   atomic.Uint64
}

// Counters are the forwarder's totals, as NFD's forwarder status dataset
// reports them plus drops per reason.
type Counters struct {
	InInterests, InData, InNacks    uint64
	OutInterests, OutData, OutNacks uint64
	SatisfiedInterests              uint64
	UnsatisfiedInterests            uint64
	CsHits, CsMisses                uint64
	PitEntries, CsEntries           int
	CsBytes                         int64

	// Drops per reason: HopLimit 0 on arrival or towards a non-local face
	// (DropHopLimit), /localhost scope violations (DropLocalhost),
	// Interest loops (DropLoop, Nacked or not), PIT full (DropPitFull),
	// unsolicited Data (DropUnsolicited), Nacks not matching an
	// out-record or arriving on a non-point-to-point face (DropNack),
	// packets towards a face that is gone (DropNoFace), /localhop scope
	// (DropScope) and token-less Data the dispatcher could not hand to a
	// further shard (DispatchDrops).
	DropHopLimit, DropLocalhost, DropLoop, DropPitFull uint64
	DropUnsolicited, DropNack, DropNoFace, DropScope   uint64
	NackDuplicateSent, DispatchDrops                   uint64
}

func (c *Counters) add(s *shardCounters) {
	c.InInterests += s.inInterests.Load()
	c.InData += s.inData.Load()
	c.InNacks += s.inNacks.Load()
	c.OutInterests += s.outInterests.Load()
	c.OutData += s.outData.Load()
	c.OutNacks += s.outNacks.Load()
	c.SatisfiedInterests += s.satisfied.Load()
	c.UnsatisfiedInterests += s.unsatisfied.Load()
	c.CsHits += s.csHits.Load()
	c.CsMisses += s.csMisses.Load()
	c.DropHopLimit += s.dropHopLimit.Load()
	c.DropLocalhost += s.dropLocalhost.Load()
	c.DropLoop += s.dropLoop.Load()
	c.DropPitFull += s.dropPitFull.Load()
	c.DropUnsolicited += s.dropUnsolicited.Load()
	c.DropNack += s.dropNack.Load()
	c.DropNoFace += s.dropNoFace.Load()
	c.DropScope += s.dropScope.Load()
	c.NackDuplicateSent += s.nackDuplicateSent.Load()
	c.DispatchDrops += s.dispatchDrops.Load()
}
