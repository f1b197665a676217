package strategy

import (
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// Multicast is multicast v5: every eligible next hop gets the Interest,
// with retransmission suppression per upstream; pending Interests also go
// to next hops added later. An Interest with nowhere to go is rejected
// (no Nack, as NFD). Retx is its per-upstream retransmission suppression
// (parameters retx-suppression-initial, -max, -multiplier); the zero value
// is usable.
type Multicast struct {
	Retx Suppression
}

// AfterReceiveInterest implements Strategy.
func (m Multicast) AfterReceiveInterest(h Host, e *pitcs.PitEntry, in uint64, _ ndn.Name, hops []fib.NextHop) {
	now := h.Now()
	for _, nh := range hops {
		if !IsNextHopEligible(h, e, in, nh.Face, false) {
			continue
		}
		d := m.Retx.PerUpstream(e, nh.Face, now)
		if d == DecisionSuppress {
			continue
		}
		var prev int64
		if r := e.OutRecord(nh.Face); r != nil {
			prev = r.SuppressInterval
		}
		if h.SendInterest(e, nh.Face) && d == DecisionForward {
			m.Retx.Grow(e, nh.Face, prev)
		}
	}
	if !e.HasPendingOut(now) {
		h.RejectPendingInterest(e)
	}
}

// AfterReceiveNack implements Strategy: Nacks are not propagated.
func (Multicast) AfterReceiveNack(Host, *pitcs.PitEntry, uint64, ndn.NackReason, ndn.Name, []fib.NextHop) {
}

// BeforeSatisfyInterest implements Strategy.
func (Multicast) BeforeSatisfyInterest(Host, *pitcs.PitEntry, uint64) {}

// AfterNewNextHop implements Strategy: forward the pending Interest there.
func (m Multicast) AfterNewNextHop(h Host, e *pitcs.PitEntry, hop fib.NextHop, _ ndn.Name) {
	in := lastIn(e)
	if len(e.In) == 0 || !IsNextHopEligible(h, e, in, hop.Face, false) {
		return
	}
	if m.Retx.PerUpstream(e, hop.Face, h.Now()) == DecisionNew {
		h.SendInterest(e, hop.Face)
	}
}

// BeforeExpire implements Strategy.
func (Multicast) BeforeExpire(Host, *pitcs.PitEntry) {}
