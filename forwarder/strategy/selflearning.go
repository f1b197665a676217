package strategy

import (
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// RouteRenewLifetime is how long (ns) a route learned from a Prefix
// Announcement lasts at most before Data renews it (NFD's
// ROUTE_RENEW_LIFETIME, 10 minutes); the announcement's own expiry bounds
// it too.
const RouteRenewLifetime = int64(600e9)

// SelfLearning is NFD's self-learning strategy v1: it finds producers by
// flooding and then unicasts along the path it learned.
//
//   - An Interest without the NonDiscovery mark whose FIB entry has no next
//     hop is a discovery Interest: it is broadcast on every non-local face
//     (but back to its own face only if ad hoc, and within scope).
//   - An Interest whose FIB entry has next hops goes to every eligible one,
//     marked NonDiscovery. A NonDiscovery Interest without next hops is
//     Nacked NO_ROUTE (a learned path broke downstream of a neighbour).
//   - Data answering a discovery Interest that carries a PrefixAnnouncement
//     makes the RIB install a route (origin prefixann, cost 2048) for the
//     announced prefix toward the face the Data came from
//     (Host.LearnRoute); the announcement goes on with the Data.
//   - Data answering a NonDiscovery Interest renews that route
//     (Host.RenewRoute with RouteRenewLifetime); if some pending downstream
//     sent a discovery Interest and not all of them are local, the RIB's
//     announcement for the Data name (Host.Announcement) is attached: this
//     is the producer's forwarder, or a forwarder on a learned path,
//     answering a discovery. Without one the Data goes without (NFD drops
//     it; a consumer then simply keeps discovering).
//   - A Nack NO_ROUTE from an upstream is passed to every downstream and
//     removes the learned route toward that upstream (RenewRoute with 0),
//     so the next Interest discovers again. Other Nacks are ignored.
//
// As NFD's, it has no retransmission suppression: a retransmitted
// discovery Interest is broadcast again. Its zero value is ready to use;
// it keeps no state outside the PIT entries.
type SelfLearning struct{}

// AfterReceiveInterest implements Strategy.
func (SelfLearning) AfterReceiveInterest(h Host, e *pitcs.PitEntry, in uint64, _ ndn.Name, hops []fib.NextHop) {
	nonDiscovery := false
	if r := e.InRecord(in); r != nil {
		nonDiscovery = r.NonDiscovery
	}
	if len(hops) == 0 {
		if nonDiscovery {
			h.SendNack(e, in, ndn.NackNoRoute)
			h.RejectPendingInterest(e)
			return
		}
		e.NonDiscovery = false
		broadcast(h, e, in)
	} else {
		e.NonDiscovery = true
		for _, nh := range hops {
			if IsNextHopEligible(h, e, in, nh.Face, false) {
				h.SendInterest(e, nh.Face)
			}
		}
	}
	if !e.HasPendingOut(h.Now()) {
		h.RejectPendingInterest(e)
	}
}

// broadcast sends the discovery Interest of e to every non-local face
// allowed by scope and the ad hoc rule.
func broadcast(h Host, e *pitcs.PitEntry, in uint64) {
	inf, _ := h.Face(in)
	h.EachFace(func(id uint64, fi FaceInfo) {
		if id == in && fi.LinkType != face.LinkAdHoc || fi.Scope == face.ScopeLocal ||
			WouldViolateScope(e.Name(), inf.Scope, fi.Scope) {
			return
		}
		h.SendInterest(e, id)
	})
}

// AfterReceiveData implements DataObserver.
func (SelfLearning) AfterReceiveData(h Host, e *pitcs.PitEntry, in uint64, data ndn.Name, pa []byte) []byte {
	r := e.OutRecord(in)
	if r == nil {
		return pa
	}
	if !r.NonDiscovery { // the Interest was a discovery
		if len(pa) > 0 {
			h.LearnRoute(pa, in, RouteRenewLifetime)
		}
		return pa
	}
	h.RenewRoute(data, in, RouteRenewLifetime)
	if !needAnnouncement(h, e) {
		return nil
	}
	if ann := h.Announcement(data); ann != nil {
		return ann
	}
	return pa
}

// needAnnouncement reports whether a pending downstream sent a discovery
// Interest and not all pending downstreams are local (apps).
func needAnnouncement(h Host, e *pitcs.PitEntry) bool {
	discovery, allLocal := false, true
	now := h.Now()
	for i := range e.In {
		r := &e.In[i]
		if r.Expiry <= now {
			continue
		}
		if !r.NonDiscovery {
			discovery = true
		}
		if fi, ok := h.Face(r.Face); !ok || fi.Scope != face.ScopeLocal {
			allLocal = false
		}
	}
	return discovery && !allLocal
}

// AfterReceiveNack implements Strategy.
func (SelfLearning) AfterReceiveNack(h Host, e *pitcs.PitEntry, in uint64, reason ndn.NackReason, _ ndn.Name, _ []fib.NextHop) {
	if reason != ndn.NackNoRoute {
		return
	}
	for len(e.In) > 0 {
		n := len(e.In)
		h.SendNack(e, e.In[n-1].Face, reason)
		if len(e.In) == n {
			e.DeleteInRecord(e.In[n-1].Face)
		}
	}
	h.RenewRoute(e.Name(), in, 0)
}

// BeforeSatisfyInterest implements Strategy.
func (SelfLearning) BeforeSatisfyInterest(Host, *pitcs.PitEntry, uint64) {}

// AfterNewNextHop implements Strategy.
func (SelfLearning) AfterNewNextHop(Host, *pitcs.PitEntry, fib.NextHop, ndn.Name) {}

// BeforeExpire implements Strategy.
func (SelfLearning) BeforeExpire(Host, *pitcs.PitEntry) {}
