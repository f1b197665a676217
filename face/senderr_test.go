package face_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestUDPUnreachablePeer: a UDP face whose peer's port is closed gets
// ECONNREFUSED from the kernel (ICMP port unreachable); as in NFD, a
// persistent or on-demand face closes on it, so its routes go, and a
// permanent face counts the loss and stays up.
func TestUDPUnreachablePeer(t *testing.T) {
	tests := []struct {
		persistency face.Persistency
		wantClosed  bool
	}{
		{face.PersistencyPersistent, true},
		{face.PersistencyOnDemand, true},
		{face.PersistencyPermanent, false},
	}
	for _, tc := range tests {
		t.Run(tc.persistency.String(), func(t *testing.T) {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			dead := pc.LocalAddr().String()
			pc.Close()
			tr, err := face.DialUDP(context.Background(), dead, face.UDPDialConfig{LocalAddr: "127.0.0.1:0"})
			if err != nil {
				t.Fatal(err)
			}
			f := face.New(tr, face.Config{Persistency: tc.persistency})
			defer func() { f.Close(); <-f.Done() }()
			// The first datagram draws the ICMP error; a later send reports it.
			deadline := time.Now().Add(5 * time.Second)
			for i := 0; i < 500 && time.Now().Before(deadline) && f.Counters().DropTxError.Load() == 0 && f.State() != face.StateClosed; i++ {
				f.Send(&ndn.LpPacket{Fragment: facetest.Interest("/unreachable", uint32(i), 0)})
				time.Sleep(5 * time.Millisecond)
			}
			if f.Counters().DropTxError.Load() == 0 && f.State() != face.StateClosed {
				t.Skip("the kernel reported no error for a closed loopback port")
			}
			if !tc.wantClosed {
				if f.State() != face.StateUp {
					t.Errorf("permanent face: state %v after a send error, want up", f.State())
				}
				return
			}
			select {
			case <-f.Done():
			case <-time.After(5 * time.Second):
				t.Fatalf("face still %v after ECONNREFUSED", f.State())
			}
			if f.State() != face.StateClosed || !errors.Is(f.Err(), syscall.ECONNREFUSED) {
				t.Errorf("state %v err %v, want closed with ECONNREFUSED", f.State(), f.Err())
			}
		})
	}
}
