// Package strategy holds the forwarding strategies (ndn-protocols.md §5.4)
// and their registry.
//
// A [Strategy] instance belongs to one forwarding shard and is called only
// from that shard's goroutine, so strategies keep per-shard state (ASF
// measurements) without locks. The shard implements [Host], through which a
// strategy sends Interests and Nacks; Data delivery to downstreams is done
// by the forwarder itself (NFD's default afterReceiveData/sendDataToAll and
// afterContentStoreHit behaviour), strategies only observe it.
//
// Strategies are registered by NFD's names, /localhost/nfd/strategy/<name>/v=<n>,
// and created with [New] from a name with or without version and with
// optional parameters after the version (ASF: probing-interval~30000,
// max-timeouts~3; best-route and multicast: retx-suppression-initial~10,
// retx-suppression-max~250, retx-suppression-multiplier~2).
package strategy

import (
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// FaceInfo is what strategies know about a face.
type FaceInfo struct {
	Scope    face.Scope
	LinkType face.LinkType
}

// Host is the forwarding shard as a strategy sees it. Its methods are
// called on the shard goroutine only.
type Host interface {
	// Now returns the shard's current time in nanoseconds (monotonic).
	Now() int64
	// Face describes a face; ok is false when it does not exist.
	Face(id uint64) (FaceInfo, bool)
	// SendInterest forwards the entry's latest Interest to face and
	// records the out-record (the forwarder's outgoing Interest pipeline).
	SendInterest(e *pitcs.PitEntry, face uint64) bool
	// SendNack sends a Nack with reason to the downstream face, built
	// from its in-record (outgoing Nack pipeline), and erases the in-record.
	SendNack(e *pitcs.PitEntry, face uint64, reason ndn.NackReason)
	// RejectPendingInterest makes the entry expire now (unsatisfied).
	RejectPendingInterest(e *pitcs.PitEntry)
	// Rand returns a pseudo-random number.
	Rand() uint64
	// EachFace calls fn for every face, in no particular order.
	EachFace(fn func(id uint64, info FaceInfo))

	// The RIB side of self-learning; without a RIB attached to the
	// forwarder Announcement returns nil and the others do nothing.

	// Announcement returns the wire of a signed Prefix Announcement Data
	// (ndn-protocols.md §1.9) for the longest RIB prefix of name, or nil.
	// The slice must not be modified.
	Announcement(name ndn.Name) []byte
	// LearnRoute asks the RIB to install the route of the Prefix
	// Announcement pa (a Data wire) toward face, origin prefixann, for at
	// most maxLifetime ns. It does not block: the route appears later.
	LearnRoute(pa []byte, face uint64, maxLifetime int64)
	// RenewRoute asks the RIB to make the learned route toward face of
	// the longest prefix of name expire maxLifetime ns from now (bounded
	// by its announcement); 0 removes it. It does not block.
	RenewRoute(name ndn.Name, face uint64, maxLifetime int64)
}

// DataObserver is implemented by strategies that see the NDNLPv2 fields of
// Data (self-learning).
type DataObserver interface {
	// AfterReceiveData is called for each PIT entry that Data from face in
	// satisfies, before BeforeSatisfyInterest. pa is the Data's
	// PrefixAnnouncement field (nil if none; it aliases the received
	// packet). It returns the PrefixAnnouncement to send with the Data to
	// the entry's downstreams, nil for none. Without a DataObserver the
	// forwarder passes pa on unchanged, as NFD keeps the field with the
	// Data.
	AfterReceiveData(h Host, e *pitcs.PitEntry, in uint64, data ndn.Name, pa []byte) []byte
}

// Strategy decides where Interests go. Methods are called on the shard
// goroutine; hops are the FIB entry's next hops (possibly empty), fibPrefix
// the FIB entry's prefix.
type Strategy interface {
	// AfterReceiveInterest is called on a CS miss, after the in-record of
	// in was inserted.
	AfterReceiveInterest(h Host, e *pitcs.PitEntry, in uint64, fibPrefix ndn.Name, hops []fib.NextHop)
	// AfterReceiveNack is called after the Nack was recorded on the
	// out-record of in.
	AfterReceiveNack(h Host, e *pitcs.PitEntry, in uint64, reason ndn.NackReason, fibPrefix ndn.Name, hops []fib.NextHop)
	// BeforeSatisfyInterest is called when Data from face in (0 for the CS)
	// satisfies e, before the out-record of in is removed.
	BeforeSatisfyInterest(h Host, e *pitcs.PitEntry, in uint64)
	// AfterNewNextHop is called for each pending entry under a prefix that
	// just got the next hop.
	AfterNewNextHop(h Host, e *pitcs.PitEntry, hop fib.NextHop, fibPrefix ndn.Name)
	// BeforeExpire is called when an unsatisfied entry expires.
	BeforeExpire(h Host, e *pitcs.PitEntry)
}

// WouldViolateScope applies the /localhost and /localhop scope rules
// (ndn-protocols.md §5.1 Eligibility and scope) to forwarding name from a
// face of scope inScope to a face of scope outScope.
func WouldViolateScope(name ndn.Name, inScope, outScope face.Scope) bool {
	if outScope == face.ScopeLocal {
		return false
	}
	first := name.At(0)
	if first.Type != ndn.TtGenericNameComponent {
		return false
	}
	switch string(first.Value) {
	case "localhost":
		return true
	case "localhop":
		return inScope != face.ScopeLocal
	}
	return false
}

// IsNextHopEligible reports whether the entry may be forwarded from in to
// out: not back to in unless in is ad hoc, no scope violation, and with
// wantUnused, no unexpired out-record towards out.
func IsNextHopEligible(h Host, e *pitcs.PitEntry, in, out uint64, wantUnused bool) bool {
	of, ok := h.Face(out)
	if !ok {
		return false
	}
	inf, _ := h.Face(in)
	if out == in && inf.LinkType != face.LinkAdHoc {
		return false
	}
	if WouldViolateScope(e.Name(), inf.Scope, of.Scope) {
		return false
	}
	if wantUnused {
		if r := e.OutRecord(out); r != nil && r.Expiry > h.Now() {
			return false
		}
	}
	return true
}

// lastIn returns the face of the most recently renewed in-record: the
// downstream whose eligibility rules apply to a pending Interest.
func lastIn(e *pitcs.PitEntry) uint64 {
	var f uint64
	var t int64 = -1
	for i := range e.In {
		if e.In[i].LastRenewed > t {
			t, f = e.In[i].LastRenewed, e.In[i].Face
		}
	}
	return f
}
