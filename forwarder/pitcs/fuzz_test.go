package pitcs_test

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

// FuzzTableOps runs a random sequence of PIT and CS operations over a
// small name space and checks the table's invariants after each: counts
// match what iteration finds, capacities hold, lookups agree with inserts.
func FuzzTableOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, false)
	f.Add([]byte{3, 3, 3, 7, 7, 1, 9, 200, 45, 6, 6, 6, 2}, true)
	names := []string{"/a", "/a/b", "/a/b/c", "/a/b/d", "/x", "/x/y", "/a/b/c/e"}
	var datas []*ndn.Data
	for _, n := range names {
		datas = append(datas, makeData(f, n, 100*time.Millisecond, n))
	}
	f.Fuzz(func(t *testing.T, ops []byte, arc bool) {
		pol := pitcs.PolicyLRU
		if arc {
			pol = pitcs.PolicyARC
		}
		tb := pitcs.New(pitcs.Config{PitCapacity: 5, CsCapacity: 3, CsCapacityBytes: 1 << 20, Policy: pol, Tick: 1e6}, 0)
		live := map[*pitcs.PitEntry]bool{}
		now := int64(0)
		for _, op := range ops {
			k := int(op>>3) % len(names)
			name := ndn.MustParseName(names[k])
			d := datas[k]
			switch op & 7 {
			case 0, 1:
				cbp, mbf := op&16 != 0, op&32 != 0
				e, _, err := tb.InsertPit(name, full(name), cbp, mbf)
				if err == nil {
					live[e] = true
					tb.SetExpiry(e, now+int64(op)*1e6)
				}
			case 2:
				for _, e := range tb.FindDataMatches(d, hashes(d.Name), func() uint64 { return full(d.FullName()) }, nil) {
					c := tb.InsertCs(d, full(d.Name), now, false)
					if e.CanBePrefix {
						tb.AddIndirect(e, c)
					}
					delete(live, e)
					tb.RemovePit(e)
				}
			case 3:
				tb.InsertCs(d, full(d.Name), now, op&8 != 0)
			case 4:
				tb.FindCs(name, hashes(name), op&16 != 0, op&32 != 0, now)
			case 5:
				now += int64(op) * 1e5
				tb.Advance(now, func(e *pitcs.PitEntry) { delete(live, e); tb.RemovePit(e) })
			case 6:
				tb.EraseCs(name, int(op>>6))
			case 7:
				tb.SetCsCapacity(int(op>>5), 0)
			}
			n := 0
			tb.AllPit(func(*pitcs.PitEntry) bool { n++; return true })
			if n != tb.PitLen() || n != len(live) || n > 5 {
				t.Fatalf("PIT: iterated %d, PitLen %d, live %d", n, tb.PitLen(), len(live))
			}
			c := 0
			tb.AllCs(func(*pitcs.CsEntry) bool { c++; return true })
			if capPk, _ := tb.CsCapacity(); c != tb.CsLen() || c > capPk {
				t.Fatalf("CS: iterated %d, CsLen %d, capacity %d", c, tb.CsLen(), capPk)
			}
		}
	})
}
