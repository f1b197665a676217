package face_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// facePair wraps both transports in faces; received packets land in the
// collectors.
func facePair(t testing.TB, a, b face.Transport, ca, cb face.Config) (fa, fb *face.Face, ra, rb *facetest.Collector) {
	ra, rb = facetest.NewCollector(), facetest.NewCollector()
	ca.Handler, cb.Handler = ra.Handle, rb.Handle
	if ca.ID == 0 {
		ca.ID = 300
	}
	if cb.ID == 0 {
		cb.ID = 301
	}
	fa, fb = face.New(a, ca), face.New(b, cb)
	t.Cleanup(func() {
		fa.Close()
		fb.Close()
		waitDone(t, fa)
		waitDone(t, fb)
	})
	return
}

func waitDone(t testing.TB, f *face.Face) {
	select {
	case <-f.Done():
	case <-time.After(5 * time.Second):
		t.Errorf("face %d goroutines did not exit", f.ID())
	}
}

var roundTripSizes = []int{1, 100, 1000, 1400, 4000, 8000, 8800}

func TestRoundTrip(t *testing.T) {
	for _, pm := range pairMakers {
		t.Run(pm.name, func(t *testing.T) {
			a, b := pm.make(t)
			// No CoDel marks: a slow (race-enabled, loaded) run must not change
			// the CongestionMark this test checks.
			noMark := face.Config{CongestionTarget: time.Hour}
			fa, fb, ra, rb := facePair(t, a, b, noMark, noMark)
			var want []facetest.Received
			for i, size := range roundTripSizes {
				in := facetest.InterestOfSize(fmt.Sprintf("/rt/i/%d", size), uint32(i), size)
				d := facetest.DataOfSize(fmt.Sprintf("/rt/d/%d", size), size)
				if !fa.Send(&ndn.LpPacket{Fragment: in}) || !fa.Send(&ndn.LpPacket{Fragment: d, PitToken: []byte{1, 2, 3, 4, 5, 6}, CongestionMark: 1}) {
					t.Fatalf("Send refused: %v", counters(fa))
				}
				if !fa.Send(&ndn.LpPacket{Fragment: in, IsNack: true, NackReason: ndn.NackNoRoute, PitToken: []byte{9}}) {
					t.Fatalf("Send refused: %v", counters(fa))
				}
				want = append(want,
					facetest.Received{Kind: face.KindInterest, Wire: in},
					facetest.Received{Kind: face.KindData, Wire: d, PitToken: []byte{1, 2, 3, 4, 5, 6}, CongestionMark: 1},
					facetest.Received{Kind: face.KindNack, Wire: in, PitToken: []byte{9}, NackReason: ndn.NackNoRoute})
			}
			got := rb.Wait(len(want), 10*time.Second)
			if len(got) != len(want) {
				t.Fatalf("received %d packets, want %d; counters %+v", len(got), len(want), counters(fb))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.Kind != w.Kind || !bytes.Equal(g.Wire, w.Wire) || !bytes.Equal(g.PitToken, w.PitToken) ||
					g.CongestionMark != w.CongestionMark || g.NackReason != w.NackReason {
					t.Errorf("packet %d: got %v, want %v", i, g, w)
				}
			}
			// and back, from the accepted side
			d := facetest.DataOfSize("/back", 500)
			fb.Send(&ndn.LpPacket{Fragment: d})
			if back := ra.Wait(1, 5*time.Second); len(back) != 1 || !bytes.Equal(back[0].Wire, d) {
				t.Errorf("reverse direction: got %v", back)
			}
			c := fb.Counters()
			if c.InInterests.Load() != uint64(len(roundTripSizes)) || c.InData.Load() != uint64(len(roundTripSizes)) || c.InNacks.Load() != uint64(len(roundTripSizes)) {
				t.Errorf("counters %+v", counters(fb))
			}
			if !eventually(func() bool { return fa.Counters().OutData.Load() == uint64(len(roundTripSizes)) }) {
				t.Errorf("sender counters %+v", counters(fa))
			}
		})
	}
}

func TestManyPackets(t *testing.T) {
	const total, chunk = 5000, 250
	for _, pm := range pairMakers {
		t.Run(pm.name, func(t *testing.T) {
			a, b := pm.make(t)
			fa, fb, _, rb := facePair(t, a, b, face.Config{}, face.Config{})
			pkts := make([][]byte, total)
			for i := range pkts {
				pkts[i] = facetest.Data(fmt.Sprintf("/many/%d", i), i%2000)
			}
			// Send in chunks and wait for each, so that a datagram transport
			// is not asked to absorb an unbounded burst.
			for start := 0; start < total; start += chunk {
				for _, p := range pkts[start : start+chunk] {
					if !fa.Send(&ndn.LpPacket{Fragment: p}) {
						t.Fatalf("Send refused; counters %+v", counters(fa))
					}
				}
				if got := rb.Wait(start+chunk, 10*time.Second); len(got) != start+chunk {
					t.Fatalf("after %d sent, %d received; rx counters %+v", start+chunk, len(got), counters(fb))
				}
			}
			got := rb.Packets()
			for i := range pkts {
				if !bytes.Equal(got[i].Wire, pkts[i]) {
					t.Fatalf("packet %d differs (order or content)", i)
				}
			}
		})
	}
}

func counters(f *face.Face) map[string]uint64 {
	c := f.Counters()
	m := map[string]uint64{
		"InInterests": c.InInterests.Load(), "InData": c.InData.Load(), "InNacks": c.InNacks.Load(),
		"OutInterests": c.OutInterests.Load(), "OutData": c.OutData.Load(), "OutNacks": c.OutNacks.Load(),
		"InFrames": c.InFrames.Load(), "OutFrames": c.OutFrames.Load(),
		"DropMalformedLp": c.DropMalformedLp.Load(), "DropMalformedNet": c.DropMalformedNet.Load(),
		"DropInvalidLp": c.DropInvalidLp.Load(), "DropReassembly": c.DropReassembly.Load(),
		"DropQueueFull": c.DropQueueFull.Load(), "DropTooLarge": c.DropTooLarge.Load(),
		"DropTxError": c.DropTxError.Load(), "DropClosed": c.DropClosed.Load(),
		"InFragments": c.InFragments.Load(), "Reassembled": c.Reassembled.Load(),
	}
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}

// eventually polls cond for up to 5 s; counters are flushed by the face's
// goroutines after the write that the peer may already have read.
func eventually(cond func() bool) bool {
	for range 500 {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
