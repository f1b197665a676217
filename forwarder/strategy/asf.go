package strategy

import (
	"hash/maphash"

	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// ASF defaults (NFD asf-strategy).
const (
	DefaultProbingInterval = int64(60e9)
	DefaultMaxTimeouts     = 3
	asfMeasurementLife     = int64(300e9)
)

// ASF is the Adaptive SRTT-based Forwarding strategy, v5. Per FIB prefix it
// keeps, for each face, a smoothed RTT (measured from out-record to Data)
// and a count of consecutive timeouts. Interests go to the face ranked
// best: measured faces by SRTT, then unmeasured faces by cost, then faces
// with MaxTimeouts or more timeouts. An out-record still pending when the
// downstream retransmits, a Nack, or an entry that expires unsatisfied
// counts as a timeout of that face, so a dead or slow path loses its rank
// after MaxTimeouts. Every ProbingInterval one extra copy of an Interest
// probes another eligible face so that measurements stay current.
// Measurements unused for 5 minutes are dropped.
type ASF struct {
	ProbingInterval int64 // ns; default DefaultProbingInterval
	MaxTimeouts     int   // default DefaultMaxTimeouts

	seed  maphash.Seed
	ns    map[uint64]*asfNamespace
	sweep int
}

type asfFace struct {
	face     uint64
	srtt     int64
	rttvar   int64
	measured bool
	timeouts int
}

type asfNamespace struct {
	faces     []asfFace
	lastProbe int64
	lastUsed  int64
}

// NewASF returns an ASF instance with defaults applied.
func NewASF(probingInterval int64, maxTimeouts int) *ASF {
	if probingInterval <= 0 {
		probingInterval = DefaultProbingInterval
	}
	if maxTimeouts <= 0 {
		maxTimeouts = DefaultMaxTimeouts
	}
	return &ASF{ProbingInterval: probingInterval, MaxTimeouts: maxTimeouts, seed: maphash.MakeSeed(), ns: map[uint64]*asfNamespace{}}
}

func (a *ASF) namespace(prefix ndn.Name, now int64) (*asfNamespace, uint64) {
	h := maphash.Bytes(a.seed, prefix.Value())
	ns := a.ns[h]
	if ns == nil {
		if a.sweep++; a.sweep >= 256 {
			a.sweep = 0
			for k, v := range a.ns {
				if now-v.lastUsed > asfMeasurementLife {
					delete(a.ns, k)
				}
			}
		}
		ns = &asfNamespace{lastProbe: now}
		a.ns[h] = ns
	}
	ns.lastUsed = now
	return ns, h
}

func (ns *asfNamespace) face(id uint64) *asfFace {
	for i := range ns.faces {
		if ns.faces[i].face == id {
			return &ns.faces[i]
		}
	}
	ns.faces = append(ns.faces, asfFace{face: id})
	return &ns.faces[len(ns.faces)-1]
}

// rank orders faces: lower is better.
func (a *ASF) rank(ns *asfNamespace, id uint64, cost uint64) (tier int, key int64) {
	f := ns.face(id)
	switch {
	case f.timeouts >= a.MaxTimeouts:
		return 2, int64(cost)
	case f.measured:
		return 0, f.srtt
	}
	return 1, int64(cost)
}

func (a *ASF) best(h Host, e *pitcs.PitEntry, ns *asfNamespace, in uint64, hops []fib.NextHop, except uint64, wantUnused bool) (uint64, bool) {
	var best uint64
	bt, bk, found := 0, int64(0), false
	for _, nh := range hops {
		if nh.Face == except || !IsNextHopEligible(h, e, in, nh.Face, wantUnused) {
			continue
		}
		t, k := a.rank(ns, nh.Face, nh.Cost)
		if !found || t < bt || t == bt && k < bk {
			best, bt, bk, found = nh.Face, t, k, true
		}
	}
	return best, found
}

// AfterReceiveInterest implements Strategy.
func (a *ASF) AfterReceiveInterest(h Host, e *pitcs.PitEntry, in uint64, prefix ndn.Name, hops []fib.NextHop) {
	now := h.Now()
	d := DecidePerEntry(e, now)
	if d == DecisionSuppress {
		return
	}
	ns, key := a.namespace(prefix, now)
	e.StrategyState[0] = key
	if d == DecisionForward {
		// The downstream retransmitted: every upstream still pending failed it.
		for i := range e.Out {
			if r := &e.Out[i]; !r.Nacked && r.Expiry > now {
				ns.face(r.Face).timeouts++
			}
		}
	}
	out, ok := a.best(h, e, ns, in, hops, 0, d == DecisionForward)
	if !ok && d == DecisionForward {
		out, ok = a.best(h, e, ns, in, hops, 0, false)
	}
	if !ok {
		if d == DecisionNew {
			h.SendNack(e, in, ndn.NackNoRoute)
			h.RejectPendingInterest(e)
		}
		return
	}
	h.SendInterest(e, out)
	if now-ns.lastProbe >= a.ProbingInterval {
		ns.lastProbe = now
		if p, ok := a.probe(h, e, ns, in, hops, out); ok {
			h.SendInterest(e, p)
		}
	}
}

// probe picks a random eligible face other than the chosen one.
func (a *ASF) probe(h Host, e *pitcs.PitEntry, ns *asfNamespace, in uint64, hops []fib.NextHop, chosen uint64) (uint64, bool) {
	n := 0
	for _, nh := range hops {
		if nh.Face != chosen && IsNextHopEligible(h, e, in, nh.Face, false) {
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	k := int(h.Rand() % uint64(n))
	for _, nh := range hops {
		if nh.Face != chosen && IsNextHopEligible(h, e, in, nh.Face, false) {
			if k == 0 {
				return nh.Face, true
			}
			k--
		}
	}
	return 0, false
}

func (a *ASF) entryNS(e *pitcs.PitEntry) *asfNamespace {
	return a.ns[e.StrategyState[0]]
}

// BeforeSatisfyInterest implements Strategy: it measures the RTT of in.
func (a *ASF) BeforeSatisfyInterest(h Host, e *pitcs.PitEntry, in uint64) {
	ns := a.entryNS(e)
	r := e.OutRecord(in)
	if ns == nil || r == nil {
		return
	}
	rtt := h.Now() - r.LastRenewed
	f := ns.face(in)
	if !f.measured {
		f.srtt, f.rttvar, f.measured = rtt, rtt/2, true
	} else {
		diff := f.srtt - rtt
		if diff < 0 {
			diff = -diff
		}
		f.rttvar = (3*f.rttvar + diff) / 4
		f.srtt = (7*f.srtt + rtt) / 8
	}
	f.timeouts = 0
}

// AfterReceiveNack implements Strategy.
func (a *ASF) AfterReceiveNack(h Host, e *pitcs.PitEntry, in uint64, _ ndn.NackReason, _ ndn.Name, _ []fib.NextHop) {
	if ns := a.entryNS(e); ns != nil {
		ns.face(in).timeouts++
	}
	ProcessNack(h, e)
}

// AfterNewNextHop implements Strategy.
func (a *ASF) AfterNewNextHop(Host, *pitcs.PitEntry, fib.NextHop, ndn.Name) {}

// BeforeExpire implements Strategy: pending upstreams time out.
func (a *ASF) BeforeExpire(h Host, e *pitcs.PitEntry) {
	ns := a.entryNS(e)
	if ns == nil {
		return
	}
	for i := range e.Out {
		if !e.Out[i].Nacked {
			ns.face(e.Out[i].Face).timeouts++
		}
	}
}
