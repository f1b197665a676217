package face_test

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// slowTransport delays every Write, as a congested link would.
type slowTransport struct {
	face.Transport
	delay time.Duration
}

func (s *slowTransport) Write(frames [][]byte) error {
	time.Sleep(s.delay)
	return s.Transport.Write(frames)
}

func (s *slowTransport) BatchSize() int { return 4 }

func TestCongestionMarkBeforeDrop(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{Queue: 100000})
	slow := &slowTransport{Transport: a, delay: 2 * time.Millisecond}
	fa, _, _, rb := facePair(t, slow, b, face.Config{
		QueueLen: 200, CongestionTarget: time.Millisecond, CongestionInterval: 10 * time.Millisecond,
	}, face.Config{})
	d := facetest.Data("/congested", 100)
	// 4 packets per 2 ms drain: 200 queued packets wait up to 100 ms.
	sent := 0
	for range 200 {
		if fa.Send(&ndn.LpPacket{Fragment: d}) {
			sent++
		}
	}
	got := rb.Wait(sent, 10*time.Second)
	marked := 0
	for _, g := range got {
		if g.CongestionMark > 0 {
			marked++
		}
	}
	c := fa.Counters()
	if marked == 0 || uint64(marked) != c.CongestionMarked.Load() {
		t.Errorf("%d received packets marked, counter says %d", marked, c.CongestionMarked.Load())
	}
	if got[0].CongestionMark != 0 {
		t.Error("first packet marked although it did not wait")
	}
	if c.DropQueueFull.Load() != 0 {
		t.Errorf("dropped %d although the queue had room", c.DropQueueFull.Load())
	}
	// Now overflow the queue: drops are counted, never silent.
	accepted := 0
	for range 1000 {
		if fa.Send(&ndn.LpPacket{Fragment: d}) {
			accepted++
		}
	}
	if drops := c.DropQueueFull.Load(); drops == 0 || drops+uint64(accepted) != 1000 {
		t.Errorf("accepted %d, DropQueueFull %d, want a sum of 1000 with some drops", accepted, drops)
	}
}

func TestSendOnClosedFace(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{})
	fa, _, _, _ := facePair(t, a, b, face.Config{}, face.Config{})
	states := make(chan face.State, 4)
	fa.Subscribe(func(_ *face.Face, _, s face.State) { states <- s })
	fa.Close()
	<-fa.Done()
	if s := <-states; s != face.StateClosed {
		t.Errorf("event %v", s)
	}
	if fa.Send(&ndn.LpPacket{Fragment: facetest.Data("/x", 1)}) || fa.Counters().DropClosed.Load() != 1 {
		t.Error("Send on a closed face accepted or not counted")
	}
	if fa.Send(&ndn.LpPacket{Fragment: make([]byte, face.MaxPacketLen+1)}) {
		t.Error("oversized packet accepted")
	}
}
