package strategy

import "github.com/ndnflow/ndnflow/forwarder/pitcs"

// Retransmission-suppression parameters (ndn-protocols.md §5.2), in ns.
const (
	SuppressInitial    = int64(10e6)
	SuppressMax        = int64(250e6)
	SuppressMultiplier = 2
)

// Decision is a retransmission-suppression verdict.
type Decision uint8

// Decision values.
const (
	// DecisionNew: the entry has no pending out-record; forward.
	DecisionNew Decision = iota
	// DecisionForward: a retransmission outside the suppression interval.
	DecisionForward
	// DecisionSuppress: a retransmission inside the interval; do not forward.
	DecisionSuppress
)

// DecidePerEntry is NFD's exponential RetxSuppression for a whole PIT
// entry: a Forward verdict grows the entry's interval.
func DecidePerEntry(e *pitcs.PitEntry, now int64) Decision {
	if !e.HasPendingOut(now) {
		return DecisionNew
	}
	var last int64
	for i := range e.Out {
		last = max(last, e.Out[i].LastRenewed)
	}
	if e.SuppressInterval == 0 {
		e.SuppressInterval = SuppressInitial
	}
	if now-last < e.SuppressInterval {
		return DecisionSuppress
	}
	e.SuppressInterval = min(e.SuppressInterval*SuppressMultiplier, SuppressMax)
	return DecisionForward
}

// DecidePerUpstream is the per-upstream variant (multicast): it looks at
// the out-record of face only. Call GrowUpstream after forwarding on Forward.
func DecidePerUpstream(e *pitcs.PitEntry, face uint64, now int64) Decision {
	r := e.OutRecord(face)
	if r == nil || r.Nacked || r.Expiry <= now {
		return DecisionNew
	}
	if r.SuppressInterval == 0 {
		r.SuppressInterval = SuppressInitial
	}
	if now-r.LastRenewed < r.SuppressInterval {
		return DecisionSuppress
	}
	return DecisionForward
}

// GrowUpstream multiplies the suppression interval of face's out-record.
func GrowUpstream(e *pitcs.PitEntry, face uint64, prev int64) {
	if r := e.OutRecord(face); r != nil {
		r.SuppressInterval = min(max(prev, SuppressInitial)*SuppressMultiplier, SuppressMax)
	}
}
