package topo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// TestLinkDownUDPFace: a and b over a UDP link, a route at a through b;
// the link goes down and a forwards an Interest towards b. The kernel
// answers the send with ENETUNREACH: a persistent UDP face closes and its
// route goes with it (as on NFD), a permanent one stays with its route.
func TestLinkDownUDPFace(t *testing.T) {
	for _, permanent := range []bool{false, true} {
		name := "persistent"
		if permanent {
			name = "permanent"
		}
		t.Run(name, func(t *testing.T) { testLinkDown(t, permanent) })
	}
}

func testLinkDown(t *testing.T, permanent bool) {
	opts := setup(t)
	const prefix = "/topo/linkdown"
	spec := topo.Spec{
		Nodes:  []topo.Node{{Name: "a"}, {Name: "b"}},
		Links:  []topo.Link{{A: "a", B: "b", Kind: topo.UDP, Permanent: permanent}},
		Routes: []topo.Route{{Node: "a", Prefix: prefix, Via: "b"}},
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a := n.Node("a")
	peer := a.PeerHost("b")
	faceTo := func() (nfd.FaceStatus, bool) {
		fs, err := a.Faces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if strings.Contains(f.URI, peer) {
				return f, true
			}
		}
		return nfd.FaceStatus{}, false
	}
	routed := func() bool {
		fib, err := a.Fib(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range fib {
			if e.Name.Equal(ndn.MustParseName(prefix)) && len(e.NextHops) > 0 {
				return true
			}
		}
		return false
	}
	if _, ok := faceTo(); !ok || !routed() {
		t.Fatalf("a has no face to %s with a route for %s before the cut", peer, prefix)
	}

	if err := n.SetLink("a", "b", false); err != nil {
		t.Fatal(err)
	}
	// Each ping makes a send towards b; a few, in case the first races
	// the route removal.
	var closed bool
	for range 5 {
		a.RunApp(ctx, "ping", prefix, "-c", "1", "-t", "300ms")
		if _, ok := faceTo(); !ok {
			closed = true
			break
		}
	}
	f, open := faceTo()
	figures(t, "linkdown-udp", "permanent", permanent, "face_closed", closed, "route_left", routed())
	if permanent {
		if !open || !routed() {
			t.Errorf("permanent face closed (%v) or its route gone (%v) after the send error", !open, !routed())
		}
		return
	}
	if open {
		t.Fatalf("persistent UDP face still up after ENETUNREACH: %+v", f)
	}
	if routed() {
		t.Errorf("route %s left after its face closed", prefix)
	}
}
