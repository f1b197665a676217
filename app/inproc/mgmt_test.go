package inproc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/inproc"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestRegisterWithManagement registers, announces and unregisters prefixes
// through the forwarder's real NFD management server.
func TestRegisterWithManagement(t *testing.T) {
	fw := forwarder.New(forwarder.Config{})
	defer fw.Close()
	srv, err := mgmt.New(mgmt.Options{Forwarder: fw})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	prod, _, err := inproc.Connect(context.Background(), fw, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	cons, _, err := inproc.Connect(context.Background(), fw, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h := func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
		return &ndn.Data{Name: i.Name.Clone(), Content: []byte("ok")}, nil
	}
	for _, announce := range []bool{false, true} {
		prefix := ndn.MustParseName("/mgmt/registered")
		if announce {
			prefix = ndn.MustParseName("/mgmt/announced")
		}
		p, err := prod.Serve(ctx, prefix, h, app.ServeOptions{Announce: announce})
		if err != nil {
			t.Fatalf("announce=%v: %v", announce, err)
		}
		name := prefix.Append(ndn.GenericComponent("x"))
		// NFD answers rib/register before the FIB has the route: retry a
		// NoRoute for a moment.
		var d *ndn.Data
		for range 100 {
			d, err = cons.Express(ctx, &ndn.Interest{Name: name}, app.ExpressOptions{})
			if !errors.Is(err, app.ErrNack) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil || string(d.Content) != "ok" {
			t.Fatalf("announce=%v: Express %v %v", announce, d, err)
		}
		if err := p.Close(); err != nil {
			t.Fatalf("announce=%v: Close: %v", announce, err)
		}
		if announce {
			continue // rib/unregister with origin app does not remove a prefixann route
		}
		// The route is gone: NoRoute (the RIB may apply it a moment later).
		// Fresh names each time, so the content store cannot answer.
		deadline := time.Now().Add(5 * time.Second)
		for i := 0; ; i++ {
			fresh := prefix.Append(ndn.SequenceNumComponent(uint64(i)))
			_, err = cons.Express(ctx, &ndn.Interest{Name: fresh, Lifetime: 200 * time.Millisecond}, app.ExpressOptions{})
			if errors.Is(err, app.ErrNack) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		var ne *app.NackError
		if !errors.As(err, &ne) || ne.Reason != ndn.NackNoRoute {
			t.Fatalf("after unregister: %v, want Nack NoRoute", err)
		}
	}
}
