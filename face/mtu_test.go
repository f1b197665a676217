package face_test

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestSetMTU checks SetMTU's rules as NFD's faces/update: only datagram
// transports with an MTU limit accept it, the effective MTU is the smaller
// of the request and the transport's, and below MinMTU is refused.
func TestSetMTU(t *testing.T) {
	for _, tc := range []struct {
		pair    string
		mtu     int
		err     error
		wantMTU int // Info().MTU afterwards
	}{
		{"udp4", 1000, nil, 1000},
		{"udp4", face.MinMTU, nil, face.MinMTU},
		{"udp4", face.DefaultUDPMTU, nil, face.DefaultUDPMTU},
		{"udp4", 9000, nil, face.DefaultUDPMTU},
		{"udp4", face.MinMTU - 1, face.ErrMTUTooSmall, face.DefaultUDPMTU},
		{"udp4", 0, face.ErrMTUTooSmall, face.DefaultUDPMTU},
		{"tcp4", 1000, face.ErrMTUFixed, 0},
		{"unix", 1000, face.ErrMTUFixed, 0},
		{"mem", 1000, face.ErrMTUFixed, 0},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.pair, tc.mtu), func(t *testing.T) {
			a, b := findPair(tc.pair).make(t)
			fa, _, _, _ := facePair(t, a, b, face.Config{}, face.Config{})
			if err := fa.SetMTU(tc.mtu); !errors.Is(err, tc.err) {
				t.Errorf("SetMTU(%d) = %v, want %v", tc.mtu, err, tc.err)
			}
			if err := fa.CanSetMTU(tc.mtu); !errors.Is(err, tc.err) {
				t.Errorf("CanSetMTU(%d) = %v, want %v", tc.mtu, err, tc.err)
			}
			if got := fa.Info().MTU; got != tc.wantMTU {
				t.Errorf("Info().MTU = %d, want %d", got, tc.wantMTU)
			}
		})
	}
}

// TestConfigMTU checks Config.MTU at creation: it can lower a datagram
// face's MTU but is capped to the transport's (NFD's faces/create), and
// stream faces have none.
func TestConfigMTU(t *testing.T) {
	for _, tc := range []struct {
		pair    string
		mtu     int
		wantMTU int
	}{
		{"udp4", 0, face.DefaultUDPMTU},
		{"udp4", 1400, 1400},
		{"udp4", 9000, face.DefaultUDPMTU},
		{"tcp4", 1400, 0},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.pair, tc.mtu), func(t *testing.T) {
			a, b := findPair(tc.pair).make(t)
			fa, _, _, _ := facePair(t, a, b, face.Config{MTU: tc.mtu}, face.Config{})
			if got := fa.Info().MTU; got != tc.wantMTU {
				t.Errorf("Config.MTU %d: Info().MTU = %d, want %d", tc.mtu, got, tc.wantMTU)
			}
		})
	}
}

// TestSetMTUFragments lowers a UDP face's MTU while packets are being sent
// from several goroutines (and Info read): the face then fragments what
// exceeds the new MTU, the peer reassembles it, and raising the MTU again
// stops the fragmentation.
func TestSetMTUFragments(t *testing.T) {
	const senders, perSender, size = 3, 15, 3000
	a, b := findPair("udp4").make(t)
	fa, fb, _, rb := facePair(t, a, b, face.Config{}, face.Config{})

	// probe sends one 4000-byte Data and returns how many frames and
	// fragments the peer received for it. Only fa sends to fb, and fb counts
	// a frame before handing its packet over, so once every packet sent
	// has arrived, fb's counters are exact.
	delivered := 0
	probe := func(name string) (frames, fragments uint64) {
		t.Helper()
		c := fb.Counters()
		in0, frag0 := c.InFrames.Load(), c.InFragments.Load()
		p := facetest.DataOfSize(name, 4000)
		if !fa.Send(&ndn.LpPacket{Fragment: p}) {
			t.Fatalf("Send refused: %v", counters(fa))
		}
		delivered++
		got := rb.Wait(delivered, 10*time.Second)
		if len(got) != delivered || !bytes.Equal(got[delivered-1].Wire, p) {
			t.Fatalf("%s: not delivered intact; rx %v tx %v", name, counters(fb), counters(fa))
		}
		return c.InFrames.Load() - in0, c.InFragments.Load() - frag0
	}

	// udpPair's priming datagram reaches fb first.
	if !eventually(func() bool { return fb.Counters().InFrames.Load() == 1 }) {
		t.Fatalf("priming datagram not counted: %v", counters(fb))
	}
	if frames, frags := probe("/mtu/before"); frames != 1 || frags != 0 {
		t.Fatalf("at MTU %d a 4000-byte packet took %d frames, %d fragments; want 1, 0", fa.Info().MTU, frames, frags)
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	for s := range senders {
		wg.Go(func() {
			<-start
			for i := range perSender {
				p := facetest.DataOfSize(fmt.Sprintf("/mtu/c/%d/%d", s, i), size)
				if !fa.Send(&ndn.LpPacket{Fragment: p}) {
					t.Errorf("Send refused: %v", counters(fa))
					return
				}
				_ = fa.Info().MTU
			}
		})
	}
	close(start)
	if err := fa.SetMTU(1000); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	delivered += senders * perSender
	got := rb.Wait(delivered, 10*time.Second)
	if len(got) != delivered {
		t.Fatalf("received %d of %d; rx %v tx %v", len(got), delivered, counters(fb), counters(fa))
	}
	for _, g := range got[1:] {
		if len(g.Wire) != size {
			t.Fatalf("packet %v has %d bytes, want %d", g, len(g.Wire), size)
		}
	}

	if got := fa.Info().MTU; got != 1000 {
		t.Fatalf("Info().MTU = %d, want 1000", got)
	}
	frames, frags := probe("/mtu/lowered")
	if frames < 5 || frags != frames {
		t.Errorf("at MTU 1000 a 4000-byte packet took %d frames, peer counted %d fragments; want ≥ 5 and equal", frames, frags)
	}
	if c := fb.Counters(); c.Reassembled.Load() == 0 || c.DropReassembly.Load() != 0 {
		t.Errorf("peer counters %v", counters(fb))
	}

	if err := fa.SetMTU(face.DefaultUDPMTU); err != nil {
		t.Fatal(err)
	}
	if frames, frags := probe("/mtu/raised"); frames != 1 || frags != 0 {
		t.Errorf("at MTU %d again a 4000-byte packet took %d frames, %d fragments; want 1, 0", fa.Info().MTU, frames, frags)
	}
	// The sender counted every frame it wrote (fb also received udpPair's
	// priming datagram).
	if !eventually(func() bool { return fa.Counters().OutFrames.Load()+1 == fb.Counters().InFrames.Load() }) {
		t.Errorf("sender counted other frames than the peer received: tx %v rx %v", counters(fa), counters(fb))
	}
}
