package strategy_test

import (
	"hash/maphash"
	"testing"

	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
)

func newEntry(t *testing.T) *pitcs.PitEntry {
	t.Helper()
	tb := pitcs.New(pitcs.Config{PitCapacity: 8}, 0)
	n := ndn.MustParseName("/a/b")
	e, _, err := tb.InsertPit(n, n.Hash(maphash.MakeSeed(), n.Len()), false, false)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestSuppressionParams checks that the parsed parameters drive the
// exponential suppression: the interval starts at initial, is multiplied
// on each forwarded retransmission and stops at max.
func TestSuppressionParams(t *testing.T) {
	n, _ := strategy.ParseName("best-route/v=5/retx-suppression-initial~20/retx-suppression-max~50/retx-suppression-multiplier~2")
	_, _, params, err := strategy.Resolve(n)
	if err != nil {
		t.Fatal(err)
	}
	s, err := strategy.ParseSuppression(params)
	if err != nil {
		t.Fatal(err)
	}
	const ms = int64(1e6)
	e := newEntry(t)
	if d := s.PerEntry(e, 0); d != strategy.DecisionNew {
		t.Fatalf("no out-record: %v", d)
	}
	e.InsertOutRecord(300, 1, 0, 4000*ms)
	steps := []struct {
		at   int64
		want strategy.Decision
		iv   int64
	}{
		{10 * ms, strategy.DecisionSuppress, 20 * ms},
		{25 * ms, strategy.DecisionForward, 40 * ms},
		{60 * ms, strategy.DecisionSuppress, 40 * ms}, // 35 ms after the renewal at 25
		{66 * ms, strategy.DecisionForward, 50 * ms},  // 80 capped at 50
		{100 * ms, strategy.DecisionSuppress, 50 * ms},
		{117 * ms, strategy.DecisionForward, 50 * ms},
	}
	for _, st := range steps {
		d := s.PerEntry(e, st.at)
		if d != st.want || e.SuppressInterval != st.iv {
			t.Fatalf("at %d ms: %v interval %d ms, want %v %d ms", st.at/ms, d, e.SuppressInterval/ms, st.want, st.iv/ms)
		}
		if d == strategy.DecisionForward {
			e.InsertOutRecord(300, 1, st.at, 4000*ms)
		}
	}

	// Per upstream (multicast), with a fractional multiplier.
	m, err := strategy.ParseSuppression([]ndn.Component{ndn.GenericComponent("retx-suppression-multiplier~1.5")})
	if err != nil {
		t.Fatal(err)
	}
	e = newEntry(t)
	e.InsertOutRecord(300, 1, 0, 4000*ms)
	if d := m.PerUpstream(e, 300, 5*ms); d != strategy.DecisionSuppress {
		t.Fatalf("multicast at 5 ms: %v", d)
	}
	if d := m.PerUpstream(e, 300, 11*ms); d != strategy.DecisionForward {
		t.Fatalf("multicast at 11 ms: %v", d)
	}
	prev := e.OutRecord(300).SuppressInterval
	e.InsertOutRecord(300, 1, 11*ms, 4000*ms)
	m.Grow(e, 300, prev)
	if got := e.OutRecord(300).SuppressInterval; got != 15*ms {
		t.Fatalf("grown interval %d ms, want 15", got/ms)
	}
}
