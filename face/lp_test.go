package face_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestFragmentationRandomMTU(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, pairName := range []string{"mem", "udp4"} {
		for trial := range 4 {
			mtu := 200 + rng.IntN(1400)
			t.Run(fmt.Sprintf("%s/mtu%d", pairName, mtu), func(t *testing.T) {
				a, b := findPair(pairName).make(t)
				fa, fb, _, rb := facePair(t, a, b, face.Config{MTU: mtu}, face.Config{})
				var want [][]byte
				for i := range 40 {
					size := 1 + rng.IntN(face.MaxPacketLen)
					p := facetest.DataOfSize(fmt.Sprintf("/frag/%d/%d", trial, i), size)
					want = append(want, p)
					if !fa.Send(&ndn.LpPacket{Fragment: p, PitToken: []byte{byte(i), 0xAA}}) {
						t.Fatalf("Send refused: %v", counters(fa))
					}
				}
				got := rb.Wait(len(want), 10*time.Second)
				if len(got) != len(want) {
					t.Fatalf("got %d of %d; rx %v tx %v", len(got), len(want), counters(fb), counters(fa))
				}
				for i := range want {
					if !bytes.Equal(got[i].Wire, want[i]) || !bytes.Equal(got[i].PitToken, []byte{byte(i), 0xAA}) {
						t.Fatalf("packet %d: got %v", i, got[i])
					}
				}
				c := fb.Counters()
				if c.Reassembled.Load() == 0 || c.InFragments.Load() <= c.Reassembled.Load() {
					t.Errorf("no reassembly happened: %v", counters(fb))
				}
				if pairName == "udp4" && fb.Counters().InFrameBytes.Load() == 0 {
					t.Error("no frame bytes counted")
				}
			})
		}
	}
}

func TestFragmentationLossAndReorder(t *testing.T) {
	for _, pairName := range []string{"mem", "udp4"} {
		t.Run(pairName, func(t *testing.T) { testFragmentationLoss(t, pairName) })
	}
}

func testFragmentationLoss(t *testing.T, pairName string) {
	a, b := findPair(pairName).make(t)
	lossy := facetest.NewLossy(a, 0.05, 7)
	lossy.Shuffle = true
	fa, fb, _, rb := facePair(t, lossy, b, face.Config{MTU: 600}, face.Config{ReassemblyTimeout: 50 * time.Millisecond})
	sent := map[string]bool{}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		p := facetest.DataOfSize(fmt.Sprintf("/lossy/%d", i), 100+rng.IntN(5000))
		sent[string(p)] = true
		fa.Send(&ndn.LpPacket{Fragment: p})
		if i%50 == 49 {
			time.Sleep(10 * time.Millisecond) // let the queue drain; loss comes from Lossy only
		}
	}
	// Wait until the receiver has settled: all surviving packets delivered.
	deadline := time.Now().Add(10 * time.Second)
	for last := -1; time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		n := rb.Len()
		if n == last {
			break
		}
		last = n
	}
	got := rb.Packets()
	if len(got) == 0 || len(got) == 300 {
		t.Fatalf("delivered %d of 300 with 5%% fragment loss; want some but not all", len(got))
	}
	for _, g := range got {
		if !sent[string(g.Wire)] {
			t.Fatalf("delivered a packet that was never sent (%d bytes)", len(g.Wire))
		}
	}
	// One more packet triggers the sweep of expired partial packets.
	time.Sleep(60 * time.Millisecond)
	lossy.Loss = 0
	fa.Send(&ndn.LpPacket{Fragment: facetest.Data("/sweep", 10)})
	rb.Wait(len(got)+1, 5*time.Second)
	if fb.Counters().DropReassembly.Load() == 0 {
		t.Errorf("lost fragments were not counted: %v (lossy dropped %d)", counters(fb), lossy.Dropped.Load())
	}
}

// rawFragments encodes p as count fragments by hand, as a peer would.
func rawFragments(p []byte, seq uint64, count int) [][]byte {
	var out [][]byte
	step := (len(p) + count - 1) / count
	for i := range count {
		piece := p[min(i*step, len(p)):min((i+1)*step, len(p))]
		lp := ndn.LpPacket{Sequence: seq + uint64(i), HasSequence: true, FragIndex: uint64(i), FragCount: uint64(count), Fragment: piece}
		if i == 0 {
			lp.PitToken = []byte{0xCA, 0xFE}
		}
		out = append(out, lp.Append(nil))
	}
	return out
}

func TestReassemblyTimeout(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{})
	rb := facetest.NewCollector()
	fb := face.New(b, face.Config{Handler: rb.Handle, ReassemblyTimeout: 50 * time.Millisecond})
	defer func() { fb.Close(); a.Close(); <-fb.Done() }()

	p := facetest.Data("/timeout", 1000)
	frags := rawFragments(p, 1000, 3)
	if err := a.Write(frags[:2]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(120 * time.Millisecond)
	if err := a.Write(frags[2:]); err != nil { // too late
		t.Fatal(err)
	}
	// Out of order and complete, in time: delivered with fragment 0's token.
	frags2 := rawFragments(facetest.Data("/intime", 700), 5000, 4)
	if err := a.Write([][]byte{frags2[3], frags2[1], frags2[0], frags2[2]}); err != nil {
		t.Fatal(err)
	}
	got := rb.Wait(1, 5*time.Second)
	time.Sleep(20 * time.Millisecond)
	got = rb.Packets()
	if len(got) != 1 || !bytes.Equal(got[0].Wire, facetest.Data("/intime", 700)) || !bytes.Equal(got[0].PitToken, []byte{0xCA, 0xFE}) {
		t.Fatalf("got %v", got)
	}
	if d := fb.Counters().DropReassembly.Load(); d != 2 {
		t.Errorf("DropReassembly = %d, want 2 (the two fragments that timed out)", d)
	}
}

func TestReassemblyRejects(t *testing.T) {
	p := facetest.Data("/rej", 900)
	frags := rawFragments(p, 77, 3)
	dup := [][]byte{frags[0], frags[0], frags[1], frags[2]}
	noSeq := (&ndn.LpPacket{FragIndex: 1, FragCount: 2, Fragment: []byte{1, 2}}).Append(nil)
	tooMany := (&ndn.LpPacket{Sequence: 1, HasSequence: true, FragIndex: 1, FragCount: 401, Fragment: []byte{1}}).Append(nil)
	countChange := (&ndn.LpPacket{Sequence: 78, HasSequence: true, FragIndex: 1, FragCount: 4, Fragment: []byte{1}}).Append(nil)
	tests := []struct {
		name      string
		frames    [][]byte
		delivered int
		drops     uint64
	}{
		{"duplicate fragment", dup, 1, 1},
		{"no sequence", [][]byte{noSeq}, 0, 1},
		{"over 400 fragments", [][]byte{tooMany}, 0, 1},
		{"FragCount changes", [][]byte{frags[0], countChange, frags[1], frags[2]}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := face.NewMemPair(face.MemPairConfig{})
			rb := facetest.NewCollector()
			fb := face.New(b, face.Config{Handler: rb.Handle})
			defer func() { fb.Close(); a.Close(); <-fb.Done() }()
			a.Write(tt.frames)
			a.Write([][]byte{facetest.Data("/marker", 1)})
			got := rb.Wait(tt.delivered+1, 5*time.Second)
			if len(got) != tt.delivered+1 {
				t.Fatalf("delivered %d, want %d", len(got)-1, tt.delivered)
			}
			if d := fb.Counters().DropReassembly.Load(); d != tt.drops {
				t.Errorf("DropReassembly = %d, want %d", d, tt.drops)
			}
		})
	}
}

func TestBareWhenNoHeaders(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{})
	fa := face.New(a, face.Config{Handler: func(batch []*face.RxPacket) {
		for _, p := range batch {
			p.Release()
		}
	}})
	defer func() { fa.Close(); b.Close(); <-fa.Done() }()
	in := facetest.Interest("/bare", 1, -1)
	fa.Send(&ndn.LpPacket{Fragment: in})
	fa.Send(&ndn.LpPacket{Fragment: in, PitToken: []byte{1}})
	bufs := [][]byte{face.NewPool().Get(), face.NewPool().Get()}
	sizes := make([]int, 2)
	got := 0
	var frames [][]byte
	for got < 2 {
		n, err := b.Read(bufs[got:], sizes[got:])
		if err != nil {
			t.Fatal(err)
		}
		for i := got; i < got+n; i++ {
			frames = append(frames, bufs[i][:sizes[i]])
		}
		got += n
	}
	if !bytes.Equal(frames[0], in) {
		t.Errorf("packet without LP fields not sent bare: %x", frames[0])
	}
	if frames[1][0] != ndn.TtLpPacket {
		t.Errorf("packet with PitToken not sent as LpPacket: %x", frames[1][:4])
	}
}

func TestLpFieldRules(t *testing.T) {
	in := facetest.Interest("/rules", 1, -1)
	d := facetest.Data("/rules", 10)
	enc := func(lp ndn.LpPacket) []byte { return lp.Append(nil) }
	tests := []struct {
		name        string
		frame       []byte
		localFields bool
		wantKind    face.Kind
		delivered   bool
		drop        func(c *face.Counters) uint64
		check       func(t *testing.T, r facetest.Received)
	}{
		{name: "bare Interest", frame: in, wantKind: face.KindInterest, delivered: true},
		{name: "IDLE", frame: []byte{0x64, 0x00}, drop: func(c *face.Counters) uint64 { return c.InIdle.Load() }},
		{name: "Nack with Data", frame: enc(ndn.LpPacket{IsNack: true, Fragment: d}), drop: func(c *face.Counters) uint64 { return c.DropInvalidLp.Load() }},
		{name: "CachePolicy with Interest", frame: enc(ndn.LpPacket{CachePolicy: 1, Fragment: in}), drop: func(c *face.Counters) uint64 { return c.DropInvalidLp.Load() }},
		{name: "CachePolicy with Data", frame: enc(ndn.LpPacket{CachePolicy: 1, Fragment: d}), wantKind: face.KindData, delivered: true,
			check: func(t *testing.T, r facetest.Received) {
				if r.Lp.CachePolicy != 1 {
					t.Error("CachePolicy lost")
				}
			}},
		{name: "NextHopFaceId without local fields", frame: enc(ndn.LpPacket{NextHopFaceID: 7, HasNextHopFaceID: true, Fragment: in}), drop: func(c *face.Counters) uint64 { return c.DropInvalidLp.Load() }},
		{name: "NextHopFaceId with local fields", frame: enc(ndn.LpPacket{NextHopFaceID: 7, HasNextHopFaceID: true, Fragment: in}), localFields: true, wantKind: face.KindInterest, delivered: true,
			check: func(t *testing.T, r facetest.Received) {
				if !r.Lp.HasNextHopFaceID || r.Lp.NextHopFaceID != 7 {
					t.Error("NextHopFaceId lost")
				}
			}},
		{name: "IncomingFaceId stripped without local fields", frame: enc(ndn.LpPacket{IncomingFaceID: 9, HasIncomingFaceID: true, Fragment: d}), wantKind: face.KindData, delivered: true,
			check: func(t *testing.T, r facetest.Received) {
				if r.Lp.HasIncomingFaceID {
					t.Error("IncomingFaceId kept without local fields")
				}
			}},
		{name: "NonDiscovery and PrefixAnn carried", frame: enc(ndn.LpPacket{PrefixAnn: facetest.Data("/pa", 5), Fragment: d}), wantKind: face.KindData, delivered: true,
			check: func(t *testing.T, r facetest.Received) {
				if !bytes.Equal(r.Lp.PrefixAnn, facetest.Data("/pa", 5)) {
					t.Error("PrefixAnnouncement lost")
				}
			}},
		{name: "PrefixAnn with Interest", frame: enc(ndn.LpPacket{PrefixAnn: facetest.Data("/pa", 5), Fragment: in}), drop: func(c *face.Counters) uint64 { return c.DropInvalidLp.Load() }},
		{name: "garbage", frame: []byte{0x64, 0x03, 0xFF, 0x01, 0x02}, drop: func(c *face.Counters) uint64 { return c.DropMalformedLp.Load() }},
		{name: "LpPacket with non-packet fragment", frame: enc(ndn.LpPacket{Fragment: []byte{0x07, 0x00}}), drop: func(c *face.Counters) uint64 { return c.DropMalformedNet.Load() + c.DropMalformedLp.Load() }},
		{name: "Interest that does not decode", frame: []byte{0x05, 0x02, 0x07, 0x00}, drop: func(c *face.Counters) uint64 { return c.DropMalformedNet.Load() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := face.NewMemPair(face.MemPairConfig{})
			rb := facetest.NewCollector()
			fb := face.New(b, face.Config{Handler: rb.Handle, LocalFields: tt.localFields})
			defer func() { fb.Close(); a.Close(); <-fb.Done() }()
			a.Write([][]byte{tt.frame, facetest.Data("/marker", 1)})
			want := 1
			if tt.delivered {
				want = 2
			}
			rb.Wait(want, 5*time.Second)
			time.Sleep(5 * time.Millisecond)
			got := rb.Packets()
			if len(got) != want {
				t.Fatalf("delivered %d packets, want %d; %v", len(got), want, counters(fb))
			}
			if tt.delivered {
				if got[0].Kind != tt.wantKind {
					t.Errorf("kind %v, want %v", got[0].Kind, tt.wantKind)
				}
				if tt.check != nil {
					tt.check(t, got[0])
				}
			}
			if tt.drop != nil && tt.drop(fb.Counters()) != 1 {
				t.Errorf("drop/idle counter not 1: %v", counters(fb))
			}
		})
	}
}

func TestLocalFieldsSend(t *testing.T) {
	for _, local := range []bool{false, true} {
		a, b := face.NewMemPair(face.MemPairConfig{})
		fa, _, _, rb := facePair(t, a, b, face.Config{LocalFields: local}, face.Config{LocalFields: true})
		d := facetest.Data("/lf", 3)
		fa.Send(&ndn.LpPacket{Fragment: d, IncomingFaceID: 42, HasIncomingFaceID: true, CachePolicy: 1})
		got := rb.Wait(1, 5*time.Second)
		if len(got) != 1 {
			t.Fatal("nothing received")
		}
		if got[0].Lp.HasIncomingFaceID != local || got[0].Lp.CachePolicy != 1 {
			t.Errorf("local=%v: IncomingFaceId sent=%v (id %d), CachePolicy %d", local, got[0].Lp.HasIncomingFaceID, got[0].Lp.IncomingFaceID, got[0].Lp.CachePolicy)
		}
	}
}

func TestSetLocalFieldsNonLocal(t *testing.T) {
	a, b := findPair("udp4").make(t)
	fa, _, _, _ := facePair(t, a, b, face.Config{}, face.Config{})
	if err := fa.SetLocalFields(true); err != face.ErrNonLocal {
		t.Errorf("SetLocalFields on UDP face: %v, want ErrNonLocal", err)
	}
}
