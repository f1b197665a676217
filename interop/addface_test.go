package interop

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	fwd "github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// TestFirstInterestOfNewFace: a client that sends an Interest the moment
// it connects (as `ndnflow ctl`, NDNts and every short-lived tool do) must
// get its answer, also while other faces come and go. It reproduces, in
// process, the lost `ndnflow ctl route list` of docs/interop.md: the
// forwarder used to start a face before putting it in its face table, so
// a shard could see the face's first Interest first and drop it as
// DropNoFace.
func TestFirstInterestOfNewFace(t *testing.T) {
	fw := fwd.New(fwd.Config{Shards: 2})
	defer fw.Close()
	pa, pb := face.NewMemPair(face.MemPairConfig{})
	prod := fw.AddFace(pb, face.Config{})
	var pf *face.Face
	pf = face.New(pa, face.Config{ID: 1 << 40, Handler: func(batch []*face.RxPacket) {
		for _, rx := range batch {
			if rx.Kind == face.KindInterest {
				d := ndn.Data{Name: rx.Interest.Name.Clone(), Content: []byte("x")}
				if w, err := d.SignWith(security.DigestSha256{}); err == nil {
					pf.Send(&ndn.LpPacket{Fragment: w, PitToken: append([]byte(nil), rx.Lp.PitToken...)})
				}
			}
			rx.Release()
		}
	}})
	defer pf.Close()
	if err := fw.AddNextHop(ndn.MustParseName("/p"), prod.ID(), 0); err != nil {
		t.Fatal(err)
	}
	// Churn: faces come and go, as clients connect and leave.
	stop := make(chan struct{})
	churned := make(chan struct{})
	go func() {
		defer close(churned)
		for i := 0; i < 100000; i++ {
			select {
			case <-stop:
				return
			default:
			}
			a, b := face.NewMemPair(face.MemPairConfig{})
			f := fw.AddFace(b, face.Config{})
			_ = fw.AddNextHop(ndn.MustParseName("/churn"), f.ID(), 0)
			f.Close()
			a.Close()
		}
	}()
	const n = 1000
	var answered atomic.Int64
	for i := range n {
		ca, cb := face.NewMemPair(face.MemPairConfig{})
		cf := face.New(ca, face.Config{ID: 1<<40 + 1 + uint64(i), Handler: func(batch []*face.RxPacket) {
			for _, rx := range batch {
				if rx.Kind == face.KindData {
					answered.Add(1)
				}
				rx.Release()
			}
		}})
		defer cf.Close()
		in := ndn.Interest{Name: ndn.MustParseName(fmt.Sprintf("/p/%d", i)), Nonce: uint32(i + 1), HasNonce: true, Lifetime: 4 * time.Second}
		w, err := in.Encode()
		if err != nil {
			t.Fatal(err)
		}
		cf.Send(&ndn.LpPacket{Fragment: w}) // queued before the forwarder's face exists
		defer fw.AddFace(cb, face.Config{}).Close()
	}
	close(stop)
	<-churned
	for deadline := time.Now().Add(5 * time.Second); answered.Load() < n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if got := answered.Load(); got != n {
		t.Errorf("%d of %d first Interests of new faces answered; forwarder DropNoFace %d", got, n, fw.Counters().DropNoFace)
	}
}
