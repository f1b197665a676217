package face_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// BenchmarkFacePair sends Data packets from one face to another over each
// transport and reports packets per second and loss. One op is one packet.
// The sender keeps at most window packets in flight; a packet that has not
// arrived within 1 s of the window stalling counts as lost.
//
//	go test -run XXX -bench FacePair -benchtime 200000x ./face/
func BenchmarkFacePair(b *testing.B) {
	for _, pm := range pairMakers {
		for _, size := range []int{100, 4000} {
			b.Run(fmt.Sprintf("%s/%dB", pm.name, size), func(b *testing.B) {
				benchPair(b, pm, size)
			})
		}
	}
}

func benchPair(b *testing.B, pm pairMaker, size int) {
	const window = 512
	ta, tb := pm.make(b)
	rx := &facetest.Counter{}
	progress := make(chan struct{}, 1)
	pool := face.NewPool()
	fa := face.New(ta, face.Config{Pool: pool, QueueLen: 4096, Handler: func(batch []*face.RxPacket) {
		for _, p := range batch {
			p.Release()
		}
	}})
	fb := face.New(tb, face.Config{Pool: pool, Handler: func(batch []*face.RxPacket) {
		rx.Handle(batch)
		select {
		case progress <- struct{}{}:
		default:
		}
	}})
	defer func() { fa.Close(); fb.Close(); <-fa.Done(); <-fb.Done() }()
	pkt := &ndn.LpPacket{Fragment: facetest.DataOfSize("/bench/data", size)}
	// Warm up pools and the on-demand path.
	for range 64 {
		fa.Send(pkt)
	}
	for deadline := time.Now().Add(2 * time.Second); rx.N.Load() < 64 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	base := rx.N.Load()
	b.ReportAllocs()
	b.SetBytes(int64(size))
	b.ResetTimer()
	start := time.Now()
	lost := uint64(0)
	for i := 0; i < b.N; i++ {
		for uint64(i)-(rx.N.Load()-base)-lost > window {
			select {
			case <-progress:
			case <-time.After(time.Second):
				lost = uint64(i) - (rx.N.Load() - base)
			}
		}
		if !fa.Send(pkt) {
			lost++
		}
	}
	want := uint64(b.N)
	for deadline := time.Now().Add(2 * time.Second); rx.N.Load()-base < want-lost && time.Now().Before(deadline); {
		time.Sleep(100 * time.Microsecond)
	}
	elapsed := time.Since(start)
	got := rx.N.Load() - base
	b.StopTimer()
	b.ReportMetric(float64(got)/elapsed.Seconds(), "pps")
	b.ReportMetric(100*float64(want-min(got, want))/float64(want), "loss%")
}
