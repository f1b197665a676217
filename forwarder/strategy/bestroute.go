package strategy

import (
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// BestRoute is best-route v5: a new Interest goes to the lowest-cost
// eligible next hop, or is Nacked NO_ROUTE; an unsuppressed retransmission
// goes to the lowest-cost unused eligible next hop, else to the eligible
// next hop with the earliest out-record. Nacks are handled by ProcessNack.
// Retx is its retransmission suppression (parameters
// retx-suppression-initial, -max, -multiplier); the zero value is usable.
type BestRoute struct {
	Retx Suppression
}

// AfterReceiveInterest implements Strategy.
func (b BestRoute) AfterReceiveInterest(h Host, e *pitcs.PitEntry, in uint64, _ ndn.Name, hops []fib.NextHop) {
	now := h.Now()
	switch b.Retx.PerEntry(e, now) {
	case DecisionSuppress:
		return
	case DecisionNew:
		for _, nh := range hops {
			if IsNextHopEligible(h, e, in, nh.Face, false) {
				h.SendInterest(e, nh.Face)
				return
			}
		}
		h.SendNack(e, in, ndn.NackNoRoute)
		h.RejectPendingInterest(e)
		return
	}
	for _, nh := range hops {
		if IsNextHopEligible(h, e, in, nh.Face, true) {
			h.SendInterest(e, nh.Face)
			return
		}
	}
	if f, ok := earliestOut(h, e, in, hops); ok {
		h.SendInterest(e, f)
	}
}

// earliestOut finds the eligible next hop whose out-record was renewed
// longest ago.
func earliestOut(h Host, e *pitcs.PitEntry, in uint64, hops []fib.NextHop) (uint64, bool) {
	var best uint64
	bestT, found := int64(0), false
	for _, nh := range hops {
		if !IsNextHopEligible(h, e, in, nh.Face, false) {
			continue
		}
		r := e.OutRecord(nh.Face)
		if r == nil {
			continue
		}
		if !found || r.LastRenewed < bestT {
			best, bestT, found = nh.Face, r.LastRenewed, true
		}
	}
	return best, found
}

// AfterReceiveNack implements Strategy.
func (BestRoute) AfterReceiveNack(h Host, e *pitcs.PitEntry, in uint64, reason ndn.NackReason, _ ndn.Name, _ []fib.NextHop) {
	ProcessNack(h, e)
}

// BeforeSatisfyInterest implements Strategy.
func (BestRoute) BeforeSatisfyInterest(Host, *pitcs.PitEntry, uint64) {}

// AfterNewNextHop implements Strategy.
func (BestRoute) AfterNewNextHop(Host, *pitcs.PitEntry, fib.NextHop, ndn.Name) {}

// BeforeExpire implements Strategy.
func (BestRoute) BeforeExpire(Host, *pitcs.PitEntry) {}

// ProcessNack is NFD's Nack handling for best-route and ASF: wait while
// some out-record is not Nacked; if the only one left is also a downstream,
// Nack it to break the deadlock; when all are Nacked, Nack every downstream
// with the least severe reason.
func ProcessNack(h Host, e *pitcs.PitEntry) {
	notNacked := 0
	var lastNotNacked uint64
	least := ndn.NackNone
	for i := range e.Out {
		r := &e.Out[i]
		if !r.Nacked {
			notNacked++
			lastNotNacked = r.Face
			continue
		}
		if least == ndn.NackNone || r.Nack.Severity() < least.Severity() {
			least = r.Nack
		}
	}
	if notNacked == 1 && e.InRecord(lastNotNacked) != nil {
		h.SendNack(e, lastNotNacked, least)
		return
	}
	if notNacked > 0 {
		return
	}
	for len(e.In) > 0 {
		n := len(e.In)
		h.SendNack(e, e.In[n-1].Face, least)
		if len(e.In) == n { // the host failed to remove it
			e.DeleteInRecord(e.In[n-1].Face)
		}
	}
}
