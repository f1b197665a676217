package forwarder

import (
	"bytes"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// FuzzPipelines feeds arbitrary frames, decoded as a face would decode
// them, into a forwarder with a few faces and routes: nothing may panic,
// and the PIT stays within its capacity.
func FuzzPipelines(f *testing.F) {
	f.Add(byte(0), makeInterest(f, ndn.MustParseName("/a/b"), 1, iopt{hop: 3, cbp: true}))
	f.Add(byte(1), makeData(f, "/a/b", time.Second))
	nack := ndn.LpPacket{IsNack: true, NackReason: ndn.NackNoRoute, PitToken: []byte{0, 0, 0, 0, 0, 0, 0, 0}}
	iw := makeInterest(f, ndn.MustParseName("/a/b"), 1, noOpt)
	nack.Fragment = iw
	f.Add(byte(2), append(nack.AppendHeader(nil), iw...))
	f.Add(byte(3), makeInterest(f, ndn.MustParseName("/localhost/nfd/x"), 9, iopt{hop: 0}))
	f.Fuzz(func(t *testing.T, sel byte, frame []byte) {
		h := newHarness(t, Config{PitCapacity: 8, CsCapacity: 4})
		h.p2p(300)
		h.face(301, face.ScopeLocal, face.LinkPointToPoint)
		h.face(302, face.ScopeNonLocal, face.LinkMultiAccess)
		h.route("/", 301, 0)
		h.route("/a", 302, 1)
		frame = bytes.Clone(frame) // the pipelines patch HopLimit in place
		from := uint64(300 + int(sel)%3)
		for round := range 3 {
			var lp ndn.LpPacket
			if lp.Decode(frame) != nil || lp.Fragment == nil {
				return
			}
			p := inPacket{face: from, lp: &lp}
			var i ndn.Interest
			var d ndn.Data
			switch lp.Fragment[0] {
			case ndn.TtInterest:
				if i.Decode(lp.Fragment) != nil {
					return
				}
				p.kind, p.interest = face.KindInterest, &i
				if lp.IsNack {
					p.kind = face.KindNack
				}
			case ndn.TtData:
				if d.Decode(lp.Fragment) != nil {
					return
				}
				p.kind, p.data = face.KindData, &d
			default:
				return
			}
			h.run(p)
			h.advance(time.Duration(round) * time.Second)
			if h.s.pit.PitLen() > 8 {
				t.Fatalf("PIT has %d entries, capacity 8", h.s.pit.PitLen())
			}
		}
	})
}
