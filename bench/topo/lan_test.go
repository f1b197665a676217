package topo_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/bench/topo"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// ethGroup is how the faces on an Ethernet LAN name their remote end.
const ethGroup = "01:00:5e:00:17:aa"

// hasSelfLearning reports whether the forwarder offers NFD's
// self-learning strategy.
func hasSelfLearning() bool {
	for _, n := range strategy.Names() {
		if strings.Contains(n.String(), "self-learning") {
			return true
		}
	}
	return false
}

// TestSelfLearningLAN is scenario 4: h1, h2, h3 on one bridge, each with a
// UDP face to each of the others, no routes configured, NFD's
// self-learning strategy (ndn-protocols.md §5.4) for the prefix. The
// producer at h3 registers with rib/announce (a Prefix Announcement). The
// first Interests from h1 are discovery Interests, broadcast to h2 and h3;
// h3's forwarder attaches the announcement to the Data, h1 learns a route
// towards h3, and later Interests go to h3 only (NonDiscovery): h2 hears
// the discovery Interests and no more.
func TestSelfLearningLAN(t *testing.T) {
	opts := setup(t)
	if !hasSelfLearning() {
		t.Skip("forwarder/strategy has no self-learning strategy (strategy.Names lists none): scenario 4 cannot run")
	}
	const prefix = "/topo/lan"
	spec := topo.Spec{
		Nodes: []topo.Node{{Name: "h1"}, {Name: "h2"}, {Name: "h3"}},
		LANs:  []topo.LAN{{Name: "0", Nodes: []string{"h1", "h2", "h3"}, UDPMesh: true}},
	}
	// h2 is a plain host, as in TestSelfLearningPing: a self-learning h2
	// would rebroadcast h1's discovery Interests to h3, and whichever Data
	// copy reached h1 first would decide whether h1 learns the route via h3
	// or via h2 (seen under load).
	for i := range spec.Nodes {
		s := "self-learning"
		if spec.Nodes[i].Name == "h2" {
			s = "best-route"
		}
		spec.Nodes[i].Strategies = map[string]string{prefix: s}
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h1, h2, h3 := n.Node("h1"), n.Node("h2"), n.Node("h3")

	// The producer runs in this process, over h3's Unix socket, to
	// announce its prefix with its own Prefix Announcement (rib/announce),
	// which `ndnflow put` does not offer.
	const size = 1 << 20
	file, want := randomFile(t, size, 4)
	content, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := app.Connect(ctx, h3.URI(), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	pub, err := segmented.Publish(ctx, cl, ndn.MustParseName(prefix), bytes.NewReader(content),
		segmented.PublishOptions{Serve: app.ServeOptions{Announce: true}})
	if err != nil {
		t.Fatalf("publishing with a prefix announcement at h3: %v", err)
	}
	defer pub.Close()

	out := filepath.Join(t.TempDir(), "h1.bin")
	s := fetch(t, ctx, h1, pub.Name.String(), out)
	if fileSum(t, out) != want {
		t.Fatal("h1 fetched an object that differs from the published one")
	}
	fromH1, err := h2.FaceCounters(ctx, h1.LANAddr("0"))
	if err != nil {
		t.Fatal(err)
	}
	toH3, err := h1.FaceCounters(ctx, h3.LANAddr("0"))
	if err != nil {
		t.Fatal(err)
	}
	fib, err := h1.Fib(ctx)
	if err != nil {
		t.Fatal(err)
	}
	faces, err := h1.Faces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	learned := routeVia(fib, faces, ndn.MustParseName(prefix), h3.LANAddr("0"))
	figures(t, "lan-self-learning", "nodes", n.ForwarderKind(), "bytes", s.Bytes, "segments", s.Segments,
		"goodput_mbps", fmt.Sprintf("%.1f", s.GoodputMbps), "h1_interests_to_h3", toH3.NOutInterests,
		"bystander_h2_interests", fromH1.NInInterests, "h1_learned_route", learned)
	if !learned {
		t.Errorf("h1 has no route %s towards h3 after the fetch: %+v", prefix, fib)
	}
	// Only the Interests sent before the first Data came back (the
	// congestion window's first flight) are discovery Interests.
	if fromH1.NInInterests > s.Segments/4 {
		t.Errorf("h2 heard %d of h1's Interests for %d segments; after discovery h1 should send to h3 only", fromH1.NInInterests, s.Segments)
	}
}

// TestEthernetLAN checks the multi-access Ethernet plumbing that
// self-learning on Ethernet needs: h1, h2, h3 on one bridge with Ethernet
// multicast faces, a static route at h1 over the multicast face, a fetch
// from h1 of an object at h3; every host on the LAN hears h1's Interests.
func TestEthernetLAN(t *testing.T) { testMulticastLAN(t, false) }

// TestUDPMulticastLAN is TestEthernetLAN with UDP multicast faces
// (224.0.23.170:56363 on each host's LAN interface).
func TestUDPMulticastLAN(t *testing.T) { testMulticastLAN(t, true) }

func testMulticastLAN(t *testing.T, udp bool) {
	opts := setup(t)
	prefix, group, kind := "/topo/ethlan", "ether://["+ethGroup+"]", "lan-ethernet"
	if udp {
		prefix, group, kind = "/topo/udpmlan", "udp4://224.0.23.170:56363", "lan-udp-multicast"
	}
	spec := topo.Spec{
		Nodes:  []topo.Node{{Name: "h1"}, {Name: "h2"}, {Name: "h3"}},
		LANs:   []topo.LAN{{Name: "0", Nodes: []string{"h1", "h2", "h3"}, UDPMulticast: udp}},
		Routes: []topo.Route{{Node: "h1", Prefix: prefix, Via: "0"}},
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h1, h2, h3 := n.Node("h1"), n.Node("h2"), n.Node("h3")
	// `ndnflow fw` made the faces from its configuration (the group's URI
	// with local dev://…): permanent and multi-access, as NFD's.
	fs, err := h1.Faces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mc []nfd.FaceStatus
	for _, f := range fs {
		if f.URI == group {
			mc = append(mc, f)
		}
	}
	if len(mc) != 1 || (!udp && !strings.HasPrefix(mc[0].LocalURI, "dev://")) ||
		mc[0].FacePersistency != nfd.PersistencyPermanent || mc[0].LinkType != nfd.LinkMultiAccess {
		t.Fatalf("h1's multicast faces %s: %+v", group, mc)
	}

	const size = 1 << 20
	file, want := randomFile(t, size, 7)
	name, _ := publish(t, h3, prefix, file)
	out := filepath.Join(t.TempDir(), "h1.bin")
	s := fetch(t, ctx, h1, name, out)
	if fileSum(t, out) != want {
		t.Fatal("h1 fetched an object that differs from the published one")
	}
	heard, err := h2.FaceCounters(ctx, strings.TrimSuffix(strings.TrimPrefix(group, "ether://["), "]"))
	if err != nil {
		t.Fatal(err)
	}
	figures(t, kind, "nodes", n.ForwarderKind(), "bytes", s.Bytes, "segments", s.Segments,
		"goodput_mbps", fmt.Sprintf("%.1f", s.GoodputMbps), "bystander_h2_interests", heard.NInInterests)
	if heard.NInInterests < s.Segments {
		t.Errorf("h2 heard %d Interests on the LAN for %d segments; multicast reaches every host", heard.NInInterests, s.Segments)
	}
}
