package mgmt_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// FuzzServe feeds arbitrary Interests to the management server: commands,
// datasets, notification requests and garbage. Nothing may panic, and the
// server must still answer afterwards.
func FuzzServe(f *testing.F) {
	prefix := ndn.MustParseName("/localhost/nfd")
	add := func(i *ndn.Interest, sign bool) {
		var w []byte
		var err error
		if sign {
			w, err = security.SignInterest(i, security.DigestSha256{}, security.InterestSignOptions{})
		} else {
			w, err = i.Encode()
		}
		if err == nil {
			f.Add(w, uint64(300))
		}
	}
	long := ndn.Name{}
	for range 40 {
		long = long.Append(ndn.GenericComponent("x"))
	}
	params := []*nfd.ControlParameters{
		{Name: ndn.MustParseName("/a"), HasName: true},
		{Name: long, HasName: true, FaceID: 300, HasFaceID: true, Cost: 1, HasCost: true},
		{URI: "udp4://127.0.0.1:9", HasURI: true, Mtu: 10, HasMtu: true},
		{FaceID: 0, HasFaceID: true, Flags: 1, HasFlags: true, Mask: 1, HasMask: true},
		{Name: ndn.MustParseName("/s"), HasName: true, Strategy: ndn.MustParseName("/localhost/nfd/strategy/asf/v=5/x~y"), HasStrategy: true},
		{Capacity: 5, HasCapacity: true, Count: 3, HasCount: true},
	}
	for _, c := range nfd.Commands() {
		for _, p := range params {
			add(&ndn.Interest{Name: nfd.CommandName(prefix, c, p)}, true)
			i := &ndn.Interest{Name: nfd.CommandName(prefix, c, p)}
			if w, err := security.SignInterestV02(i, security.DigestSha256{}, security.InterestSignOptions{}); err == nil {
				f.Add(w, uint64(0))
			}
		}
	}
	for _, d := range []string{"status/general", "faces/list", "faces/channels", "faces/events", "fib/list", "rib/list", "strategy-choice/list", "cs/info"} {
		add(&ndn.Interest{Name: nfd.DatasetName(prefix, d), CanBePrefix: true, MustBeFresh: true}, false)
	}
	add(&ndn.Interest{Name: nfd.FaceQueryName(prefix, &nfd.FaceQueryFilter{URIScheme: "udp4", HasURIScheme: true})}, false)
	add(&ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/faces/query").Append(ndn.GenericComponent("\x96\x01"))}, false)
	add(&ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/rib/list").Append(ndn.VersionComponent(1), ndn.SegmentComponent(2))}, false)
	add(&ndn.Interest{Name: ndn.MustParseName("/localhop/nfd/rib/announce"), AppParams: []byte{6, 0}, HasAppParams: true}, true)
	f.Add([]byte{5, 0}, uint64(1))

	fw := forwarder.New(forwarder.Config{Shards: 1})
	defer fw.Close()
	// faces/create must not reach whatever address the fuzzer makes up.
	noDial := func(context.Context, nfd.FaceURI, face.Persistency) (face.Transport, error) {
		return nil, errors.New("no dialing while fuzzing")
	}
	srv, err := mgmt.New(mgmt.Options{Forwarder: fw, Dial: noDial})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	f.Fuzz(func(t *testing.T, wire []byte, inFace uint64) {
		mgmt.ServeWire(srv, wire, inFace)
		ok := (&ndn.Interest{Name: nfd.DatasetName(prefix, "cs/info"), CanBePrefix: true}).Name
		w, _ := (&ndn.Interest{Name: ok, CanBePrefix: true, MustBeFresh: true}).Encode()
		if !mgmt.ServeWire(srv, w, 1) {
			t.Fatal("server stopped")
		}
	})
}
