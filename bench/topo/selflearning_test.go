package topo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
)

// TestSelfLearningPing: h1, h2, h3 on one LAN (a UDP face between every
// pair), no routes configured, self-learning on "/" at h1 and h3, a
// pingserver at h3 (it registers /topo/sl/ping; h3's forwarder makes the
// Prefix Announcement). The first ping from h1 is a discovery broadcast to
// h2 and h3; h3's Data comes back with the announcement and h1 learns the
// route to h3 (origin prefixann, cost 2048). The next pings are unicast to
// h3: the bystander h2 receives not one of them from h1.
func TestSelfLearningPing(t *testing.T) {
	opts := setup(t)
	const prefix = "/topo/sl"
	spec := topo.Spec{
		Nodes: []topo.Node{{Name: "h1"}, {Name: "h2"}, {Name: "h3"}},
		LANs:  []topo.LAN{{Name: "0", Nodes: []string{"h1", "h2", "h3"}, UDPMesh: true}},
	}
	// h2 is a plain host, not a self-learning router: were it one, it would
	// rebroadcast h1's discovery Interest to h3 (as NFD does), and whichever
	// copy reached h3 first would decide whether h1 learns the route via h3
	// or via h2, making the bystander check below a race.
	for i := range spec.Nodes {
		s := "self-learning"
		if spec.Nodes[i].Name == "h2" {
			s = "best-route"
		}
		spec.Nodes[i].Strategies = map[string]string{"/": s}
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h1, h2, h3 := n.Node("h1"), n.Node("h2"), n.Node("h3")
	h1Addr, h3Addr := h1.LANAddr("0"), h3.LANAddr("0")

	srv, err := h3.StartApp("pingserver", prefix, "-q")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if _, err := slNextHops(ctx, t, h3, prefix+"/ping", ""); err != nil {
		t.Fatalf("h3: pingserver did not register: %v; stderr: %s", err, srv.Stderr())
	}

	// Discovery: no route at h1, the first ping is broadcast.
	var out string
	for range 3 { // the very first may race the faces coming up
		if out, err = h1.RunApp(ctx, "ping", prefix, "-c", "1", "-t", "2s"); err == nil && strings.Contains(out, " 1 received") {
			break
		}
	}
	if !strings.Contains(out, " 1 received") {
		t.Fatalf("discovery ping failed: %v\n%s", err, out)
	}
	hops, err := slNextHops(ctx, t, h1, prefix+"/ping", h3Addr)
	if err != nil {
		t.Fatalf("h1 learned no route to h3: %v", err)
	}
	t.Logf("h1 learned %s/ping: %s", prefix, hops)
	before, err := h2.FaceCounters(ctx, h1Addr)
	if err != nil {
		t.Fatal(err)
	}
	atH3, err := h3.FaceCounters(ctx, h1Addr)
	if err != nil {
		t.Fatal(err)
	}

	// Unicast: the learned route carries every later ping.
	const pings = 20
	out, err = h1.RunApp(ctx, "ping", prefix, "-c", fmt.Sprint(pings), "-i", "20ms", "-t", "2s")
	if err != nil || !strings.Contains(out, fmt.Sprintf(" %d received", pings)) {
		t.Fatalf("pings on the learned route: %v\n%s", err, out)
	}
	after, err := h2.FaceCounters(ctx, h1Addr)
	if err != nil {
		t.Fatal(err)
	}
	atH3After, err := h3.FaceCounters(ctx, h1Addr)
	if err != nil {
		t.Fatal(err)
	}
	figures(t, "lan-self-learning-ping", "nodes", n.ForwarderKind(), "pings", pings,
		"bystander_h2_interests_discovery", before.NInInterests,
		"bystander_h2_interests_after", after.NInInterests-before.NInInterests,
		"producer_h3_interests_after", atH3After.NInInterests-atH3.NInInterests)
	if d := after.NInInterests - before.NInInterests; d != 0 {
		t.Errorf("bystander h2 received %d Interests from h1 after discovery; want 0 (unicast to h3)", d)
	}
	if d := atH3After.NInInterests - atH3.NInInterests; d < pings {
		t.Errorf("h3 received %d Interests from h1 for %d pings", d, pings)
	}
	if before.NInInterests == 0 {
		t.Error("h2 never heard the discovery Interest: was it broadcast?")
	}

	// The producer goes away: h3 Nacks the NonDiscovery Interest NO_ROUTE,
	// h1 passes the Nack to ping and forgets the route.
	srv.Stop()
	if err := slNoEntry(ctx, h3, prefix+"/ping"); err != nil {
		t.Fatalf("h3: %v", err)
	}
	out, _ = h1.RunApp(ctx, "ping", prefix, "-c", "1", "-t", "2s")
	if !strings.Contains(out, "1 nacked") {
		t.Errorf("ping after the producer left: want a Nack\n%s", out)
	}
	if err := slNoEntry(ctx, h1, prefix+"/ping"); err != nil {
		t.Errorf("h1 kept the learned route after the Nack: %v", err)
	}
}

// slNoEntry polls nd's FIB (every 100 ms, at most 10 s) until name has no
// entry.
func slNoEntry(ctx context.Context, nd *topo.NodeHandle, name string) error {
	for range 100 {
		fib, err := nd.Fib(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, e := range fib {
			found = found || e.Name.String() == name
		}
		if !found {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s still in the FIB after 10 s", name)
}

// slNextHops polls nd's FIB (every 100 ms, at most 10 s) until name has a
// next hop, through a face whose remote URI contains host when host is not
// empty, and describes the next hops.
func slNextHops(ctx context.Context, t *testing.T, nd *topo.NodeHandle, name, host string) (string, error) {
	t.Helper()
	var last string
	for range 100 {
		fib, err := nd.Fib(ctx)
		if err != nil {
			return "", err
		}
		faces, err := nd.Faces(ctx)
		if err != nil {
			return "", err
		}
		uri := map[uint64]string{}
		for _, f := range faces {
			uri[f.FaceID] = f.URI
		}
		for _, e := range fib {
			if e.Name.String() != name {
				continue
			}
			var parts []string
			ok := false
			for _, h := range e.NextHops {
				parts = append(parts, fmt.Sprintf("%d %s cost %d", h.FaceID, uri[h.FaceID], h.Cost))
				if host == "" || strings.Contains(uri[h.FaceID], host) {
					ok = true
				}
			}
			last = strings.Join(parts, ", ")
			if ok {
				return last, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("%s: no next hop via %q within 10 s (last: %q)", name, host, last)
}
