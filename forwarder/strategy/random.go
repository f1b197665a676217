package strategy

import (
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// Random is random v1: each new or unsuppressed Interest goes to an
// eligible next hop chosen uniformly at random (load balancing); none →
// Nack NO_ROUTE. Nacks are handled by ProcessNack.
type Random struct{}

// AfterReceiveInterest implements Strategy.
func (Random) AfterReceiveInterest(h Host, e *pitcs.PitEntry, in uint64, _ ndn.Name, hops []fib.NextHop) {
	d := DecidePerEntry(e, h.Now())
	if d == DecisionSuppress {
		return
	}
	n := 0
	for _, nh := range hops {
		if IsNextHopEligible(h, e, in, nh.Face, false) {
			n++
		}
	}
	if n == 0 {
		if d == DecisionNew {
			h.SendNack(e, in, ndn.NackNoRoute)
			h.RejectPendingInterest(e)
		}
		return
	}
	k := int(h.Rand() % uint64(n))
	for _, nh := range hops {
		if IsNextHopEligible(h, e, in, nh.Face, false) {
			if k == 0 {
				h.SendInterest(e, nh.Face)
				return
			}
			k--
		}
	}
}

// AfterReceiveNack implements Strategy.
func (Random) AfterReceiveNack(h Host, e *pitcs.PitEntry, _ uint64, _ ndn.NackReason, _ ndn.Name, _ []fib.NextHop) {
	ProcessNack(h, e)
}

// BeforeSatisfyInterest implements Strategy.
func (Random) BeforeSatisfyInterest(Host, *pitcs.PitEntry, uint64) {}

// AfterNewNextHop implements Strategy.
func (Random) AfterNewNextHop(Host, *pitcs.PitEntry, fib.NextHop, ndn.Name) {}

// BeforeExpire implements Strategy.
func (Random) BeforeExpire(Host, *pitcs.PitEntry) {}
