package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// FuzzClientReceive feeds arbitrary frames to a Client: it must count and
// drop what it cannot use, never panic, and keep working (a later valid
// Data still answers a pending Express).
func FuzzClientReceive(f *testing.F) {
	data := &ndn.Data{Name: ndn.MustParseName("/fuzz/ok"), Content: []byte("x")}
	d := *data
	good := (&d).Append(nil)
	f.Add(good)
	f.Add([]byte{0x64, 0x00})
	f.Add([]byte{0x64, 0x06, 0x62, 0x01, 0x00, 0x50, 0x01, 0x06})
	f.Add((&ndn.LpPacket{IsNack: true, NackReason: ndn.NackNoRoute,
		Fragment: (&ndn.Interest{Name: ndn.MustParseName("/fuzz/ok"), HasNonce: true}).Append(nil)}).Append(nil))
	f.Add((&ndn.Interest{Name: ndn.MustParseName("/a"), HasNonce: true}).Append(nil))
	f.Fuzz(func(t *testing.T, frame []byte) {
		a, b := face.NewMemPair(face.MemPairConfig{})
		c, err := app.Connect(context.Background(), "mem", app.Options{NoReconnect: true,
			Dial: func(context.Context) (face.Transport, error) { return a, nil }})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		defer b.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := c.Express(ctx, &ndn.Interest{Name: ndn.MustParseName("/fuzz/ok")}, app.ExpressOptions{})
			done <- err
		}()
		// Read the Interest so the Express is pending, then send the fuzz
		// frame and the answer.
		bufs, sizes := [][]byte{face.NewPool().Get()}, []int{0}
		if _, err := b.Read(bufs, sizes); err != nil {
			t.Fatal(err)
		}
		if len(frame) > 0 && len(frame) <= face.MaxFrameLen {
			b.Write([][]byte{frame})
		}
		b.Write([][]byte{good})
		if err := <-done; err != nil && c.Err() == nil {
			// The fuzz frame may legitimately answer the Express first
			// (a Nack for it); anything else must succeed.
			if _, ok := err.(*app.NackError); !ok {
				t.Fatalf("Express after fuzz frame: %v", err)
			}
		}
	})
}
