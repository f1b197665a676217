package topo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
)

// TestTreeFanout is scenario 5: producer at the root p of a tree
// (p - m1, m2; m1 - l1, l2; m2 - l3, l4), four consumers on the four leaf
// routers fetch the same object at once. PIT aggregation and the caches
// make every link carry each Data about once: the upstream face of every
// link sends about as many Data as the object has segments.
func TestTreeFanout(t *testing.T) {
	opts := setup(t)
	const prefix = "/topo/fanout"
	spec := topo.Spec{Nodes: []topo.Node{{Name: "p"}, {Name: "m1"}, {Name: "m2"}, {Name: "l1"}, {Name: "l2"}, {Name: "l3"}, {Name: "l4"}}}
	up := map[string]string{"m1": "p", "m2": "p", "l1": "m1", "l2": "m1", "l3": "m2", "l4": "m2"}
	children := []string{"m1", "m2", "l1", "l2", "l3", "l4"}
	for _, c := range children {
		spec.Links = append(spec.Links, topo.Link{A: c, B: up[c], Kind: topo.UDP})
		spec.Routes = append(spec.Routes, topo.Route{Node: c, Prefix: prefix, Via: up[c]})
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const size = 8 << 20
	file, want := randomFile(t, size, 5)
	name, _ := publish(t, n.Node("p"), prefix, file)

	// Data sent down each link: the parent's face towards the child.
	sentDown := func() map[string]uint64 {
		m := map[string]uint64{}
		for _, c := range children {
			parent := n.Node(up[c])
			fc, err := parent.FaceCounters(ctx, parent.PeerHost(c))
			if err != nil {
				t.Fatal(err)
			}
			m[c] = fc.NOutData
		}
		return m
	}
	before := sentDown()

	leaves := []string{"l1", "l2", "l3", "l4"}
	sums := make([]getSummary, len(leaves))
	outs := make([]string, len(leaves))
	errs := make([]error, len(leaves))
	var wg sync.WaitGroup
	for i, l := range leaves {
		outs[i] = filepath.Join(t.TempDir(), l+".bin")
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i], errs[i] = fetchErr(ctx, n.Node(l), name, outs[i])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, l := range leaves {
		if fileSum(t, outs[i]) != want {
			t.Errorf("%s fetched an object that differs from the published one", l)
		}
	}
	after := sentDown()
	segs := sums[0].Segments
	kv := []any{"nodes", n.ForwarderKind(), "bytes", sums[0].Bytes, "segments", segs}
	for i, l := range leaves {
		kv = append(kv, l+"_goodput_mbps", fmt.Sprintf("%.1f", sums[i].GoodputMbps), l+"_retx", sums[i].Retransmissions)
	}
	for _, c := range children {
		d := after[c] - before[c]
		ratio := float64(d) / float64(segs)
		kv = append(kv, "data_"+up[c]+"_to_"+c, fmt.Sprintf("%d(%.3f)", d, ratio))
		if d < segs {
			t.Errorf("link %s→%s carried %d Data for %d segments", up[c], c, d, segs)
		}
		if ratio > 1.25 {
			t.Errorf("link %s→%s carried %d Data for %d segments (%.2f each); want about once", up[c], c, d, segs, ratio)
		}
	}
	figures(t, "tree-fanout", kv...)
}
