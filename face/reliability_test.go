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

func TestReliabilityRecoversLoss(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{})
	la := facetest.NewLossy(a, 0.05, 11) // data direction
	lb := facetest.NewLossy(b, 0.05, 12) // Acks (and replies) direction
	cfg := face.Config{Reliability: true, RetxTimeout: 20 * time.Millisecond, MaxRetx: 8, MTU: 700}
	fa, fb, _, rb := facePair(t, la, lb, cfg, cfg)
	const total = 150
	var want [][]byte
	for i := range total {
		p := facetest.DataOfSize(fmt.Sprintf("/rel/%d", i), 100+(i*37)%3000)
		want = append(want, p)
		if !fa.Send(&ndn.LpPacket{Fragment: p}) {
			t.Fatalf("Send refused: %v", counters(fa))
		}
		if i%30 == 29 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	got := rb.Wait(total, 20*time.Second)
	time.Sleep(100 * time.Millisecond) // duplicates, if any, would arrive now
	got = rb.Packets()
	if len(got) != total {
		t.Fatalf("delivered %d of %d (lost frames %d); tx %v rx %v", len(got), total, la.Dropped.Load(), counters(fa), counters(fb))
	}
	seen := map[string]int{}
	for _, g := range got {
		seen[string(g.Wire)]++
	}
	for i, w := range want {
		if seen[string(w)] != 1 {
			t.Errorf("packet %d delivered %d times", i, seen[string(w)])
		}
	}
	c := fa.Counters()
	if c.Retransmitted.Load() == 0 || la.Dropped.Load() == 0 {
		t.Errorf("no loss or no retransmission: dropped %d, retransmitted %d", la.Dropped.Load(), c.Retransmitted.Load())
	}
	if c.DropReliability.Load() != 0 {
		t.Errorf("gave up on %d frames", c.DropReliability.Load())
	}
}

func TestReliabilityGivesUpWithoutAcks(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{})
	fa, _, _, rb := facePair(t, a, b,
		face.Config{Reliability: true, RetxTimeout: 10 * time.Millisecond, MaxRetx: 2},
		face.Config{}) // the peer does not acknowledge
	d := facetest.Data("/noack", 10)
	fa.Send(&ndn.LpPacket{Fragment: d})
	if !eventually(func() bool { return fa.Counters().DropReliability.Load() == 1 }) {
		t.Fatalf("frame not given up: %v", counters(fa))
	}
	if r := fa.Counters().Retransmitted.Load(); r != 2 {
		t.Errorf("retransmitted %d times, want MaxRetx = 2", r)
	}
	got := rb.Wait(3, 5*time.Second)
	if len(got) != 3 || !bytes.Equal(got[0].Wire, d) {
		t.Errorf("peer without reliability got %d copies, want 3", len(got))
	}
}

func TestReliabilityIdleAcks(t *testing.T) {
	// One-way traffic: Acks must travel in IDLE packets.
	a, b := face.NewMemPair(face.MemPairConfig{})
	cfg := face.Config{Reliability: true, RetxTimeout: time.Second}
	fa, fb, _, rb := facePair(t, a, b, cfg, cfg)
	for i := range 20 {
		fa.Send(&ndn.LpPacket{Fragment: facetest.Data(fmt.Sprintf("/idle/%d", i), 10)})
	}
	rb.Wait(20, 5*time.Second)
	if !eventually(func() bool { return fa.Counters().InIdle.Load() > 0 }) {
		t.Fatalf("no IDLE Ack packet arrived: a %v b %v", counters(fa), counters(fb))
	}
	time.Sleep(50 * time.Millisecond)
	if r := fa.Counters().Retransmitted.Load(); r != 0 {
		t.Errorf("%d retransmissions although every frame was acknowledged", r)
	}
}
