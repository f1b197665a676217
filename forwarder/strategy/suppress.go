package strategy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// Default retransmission-suppression parameters (ndn-protocols.md §5.2),
// intervals in ns.
const (
	SuppressInitial    = int64(10e6)
	SuppressMax        = int64(250e6)
	SuppressMultiplier = 2
)

// Suppression is NFD's exponential retransmission suppression
// (RetxSuppressionExponential). The zero value uses the defaults
// SuppressInitial, SuppressMax and SuppressMultiplier; a value built by
// ParseSuppression is valid (Initial > 0, Max >= Initial, Multiplier >= 1).
type Suppression struct {
	Initial, Max int64 // ns
	Multiplier   float64
}

func (s Suppression) params() (initial, maxIv int64, mult float64) {
	initial, maxIv, mult = s.Initial, s.Max, s.Multiplier
	if initial <= 0 {
		initial = SuppressInitial
	}
	if maxIv <= 0 {
		maxIv = max(SuppressMax, initial)
	}
	if mult < 1 {
		mult = SuppressMultiplier
	}
	return initial, maxIv, mult
}

func (s Suppression) grow(iv int64) int64 {
	initial, maxIv, mult := s.params()
	return min(int64(float64(max(iv, initial))*mult), maxIv)
}

// Parameter names of the exponential retransmission suppression, as NFD.
const (
	paramRetxInitial    = "retx-suppression-initial"
	paramRetxMax        = "retx-suppression-max"
	paramRetxMultiplier = "retx-suppression-multiplier"
)

// ParseSuppression reads NFD's retransmission-suppression parameters from
// strategy name components key~value: retx-suppression-initial and
// retx-suppression-max (integer milliseconds) and
// retx-suppression-multiplier (a number). As NFD it requires initial > 0,
// max >= initial and multiplier >= 1 (defaults fill what is absent). Any
// other parameter is an error (NFD ignores unknown keys; a typo here is
// more likely than a parameter meant for another forwarder).
func ParseSuppression(params []ndn.Component) (Suppression, error) {
	initial, maxIv, mult := int64(SuppressInitial), int64(SuppressMax), float64(SuppressMultiplier)
	for _, c := range params {
		k, v, ok := strings.Cut(string(c.Value), "~")
		if !ok || c.Type != ndn.TtGenericNameComponent {
			return Suppression{}, fmt.Errorf("%w: %q is not key~value", ErrParams, c.Value)
		}
		switch k {
		case paramRetxInitial, paramRetxMax:
			ms, err := strconv.ParseInt(v, 10, 64)
			if err != nil || ms > 1<<40 {
				return Suppression{}, fmt.Errorf("%w: %s: %q is not a number of milliseconds", ErrParams, k, v)
			}
			if k == paramRetxInitial {
				initial = ms * 1e6
			} else {
				maxIv = ms * 1e6
			}
		case paramRetxMultiplier:
			m, err := strconv.ParseFloat(v, 32)
			if err != nil || m != m { // NaN
				return Suppression{}, fmt.Errorf("%w: %s: %q is not a number", ErrParams, k, v)
			}
			mult = m
		default:
			return Suppression{}, fmt.Errorf("%w: unknown parameter %q", ErrParams, k)
		}
	}
	switch {
	case initial <= 0:
		return Suppression{}, fmt.Errorf("%w: retx suppression initial interval must be > 0", ErrParams)
	case maxIv < initial:
		return Suppression{}, fmt.Errorf("%w: retx suppression max interval must be >= initial interval", ErrParams)
	case !(mult >= 1) || mult > 1e6:
		return Suppression{}, fmt.Errorf("%w: retx suppression multiplier must be >= 1", ErrParams)
	}
	return Suppression{Initial: initial, Max: maxIv, Multiplier: mult}, nil
}

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

// PerEntry decides for a whole PIT entry: a Forward verdict grows the
// entry's interval.
func (s Suppression) PerEntry(e *pitcs.PitEntry, now int64) Decision {
	if !e.HasPendingOut(now) {
		return DecisionNew
	}
	var last int64
	for i := range e.Out {
		last = max(last, e.Out[i].LastRenewed)
	}
	if e.SuppressInterval == 0 {
		e.SuppressInterval, _, _ = s.params()
	}
	if now-last < e.SuppressInterval {
		return DecisionSuppress
	}
	e.SuppressInterval = s.grow(e.SuppressInterval)
	return DecisionForward
}

// PerUpstream is the per-upstream variant (multicast): it looks at the
// out-record of face only. Call Grow after forwarding on Forward.
func (s Suppression) PerUpstream(e *pitcs.PitEntry, face uint64, now int64) Decision {
	r := e.OutRecord(face)
	if r == nil || r.Nacked || r.Expiry <= now {
		return DecisionNew
	}
	if r.SuppressInterval == 0 {
		r.SuppressInterval, _, _ = s.params()
	}
	if now-r.LastRenewed < r.SuppressInterval {
		return DecisionSuppress
	}
	return DecisionForward
}

// Grow multiplies the suppression interval of face's out-record, prev
// being its interval before the Interest was sent again.
func (s Suppression) Grow(e *pitcs.PitEntry, face uint64, prev int64) {
	if r := e.OutRecord(face); r != nil {
		r.SuppressInterval = s.grow(prev)
	}
}

// DecidePerEntry is Suppression{}.PerEntry: the default parameters.
func DecidePerEntry(e *pitcs.PitEntry, now int64) Decision {
	return Suppression{}.PerEntry(e, now)
}

// DecidePerUpstream is Suppression{}.PerUpstream: the default parameters.
func DecidePerUpstream(e *pitcs.PitEntry, face uint64, now int64) Decision {
	return Suppression{}.PerUpstream(e, face, now)
}

// GrowUpstream is Suppression{}.Grow: the default parameters.
func GrowUpstream(e *pitcs.PitEntry, face uint64, prev int64) {
	Suppression{}.Grow(e, face, prev)
}
