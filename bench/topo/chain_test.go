package topo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
)

// chain returns r1-r2-r3-r4 with routes for prefix towards r4.
func chain(kind topo.LinkKind, prefix string) topo.Spec {
	s := topo.Spec{}
	for i := 1; i <= 4; i++ {
		s.Nodes = append(s.Nodes, topo.Node{Name: fmt.Sprintf("r%d", i)})
	}
	for i := 1; i < 4; i++ {
		a, b := fmt.Sprintf("r%d", i), fmt.Sprintf("r%d", i+1)
		s.Links = append(s.Links, topo.Link{A: a, B: b, Kind: kind})
		s.Routes = append(s.Routes, topo.Route{Node: a, Prefix: prefix, Via: b})
	}
	return s
}

// testChain is scenarios 1 and 2: a size-byte object published at r4 and
// fetched at r1 through r2 and r3, byte for byte; then fetched again at r2,
// which must serve it from its content store: the producer's face at r4
// sees (almost) no new Interests and r2 counts the CS hits.
func testChain(t *testing.T, kind topo.LinkKind, size int64) {
	opts := setup(t)
	const prefix = "/topo/chain"
	n := topo.Start(t, chain(kind, prefix), opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r1, r2, r4 := n.Node("r1"), n.Node("r2"), n.Node("r4")

	file, want := randomFile(t, size, 1)
	name, _ := publish(t, r4, prefix, file)

	out1 := filepath.Join(t.TempDir(), "r1.bin")
	s1 := fetch(t, ctx, r1, name, out1)
	if got := fileSum(t, out1); got != want {
		t.Fatalf("r1 fetched %d bytes that differ from the published object", s1.Bytes)
	}
	prod1, err := r4.FaceCounters(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	cs1, err := r2.CsInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}

	out2 := filepath.Join(t.TempDir(), "r2.bin")
	s2 := fetch(t, ctx, r2, name, out2)
	if got := fileSum(t, out2); got != want {
		t.Fatalf("r2 fetched %d bytes that differ from the published object", s2.Bytes)
	}
	prod2, err := r4.FaceCounters(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	cs2, err := r2.CsInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	toProducer := prod2.NOutInterests - prod1.NOutInterests
	hits := cs2.NHits - cs1.NHits
	figures(t, "chain-"+kind.String(), "nodes", n.ForwarderKind(),
		"bytes", s1.Bytes, "segments", s1.Segments,
		"r1_goodput_mbps", fmt.Sprintf("%.1f", s1.GoodputMbps), "r1_seconds", fmt.Sprintf("%.2f", s1.Seconds),
		"r1_retx", s1.Retransmissions, "r1_srtt_ms", fmt.Sprintf("%.2f", s1.SRTTms),
		"producer_interests_first", prod1.NOutInterests,
		"r2_goodput_mbps", fmt.Sprintf("%.1f", s2.GoodputMbps), "r2_seconds", fmt.Sprintf("%.2f", s2.Seconds),
		"r2_cs_hits", hits, "producer_interests_second", toProducer)
	// Second fetch: every segment from r2's CS. RDR metadata discovery
	// (MustBeFresh) may still reach the producer; allow a few Interests.
	if hits < s2.Segments {
		t.Errorf("r2 served %d CS hits for %d segments; want every segment from its cache", hits, s2.Segments)
	}
	if toProducer > 5 {
		t.Errorf("producer received %d Interests during the second fetch; want at most the metadata discovery", toProducer)
	}
}

func TestChainUDP(t *testing.T) { testChain(t, topo.UDP, 50<<20) }

func TestChainEthernet(t *testing.T) { testChain(t, topo.Ethernet, 20<<20) }
