package topo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// TestDiamondASFFailover is scenario 3: consumer c, producer p, two
// disjoint paths c-a-p (fast) and c-b-p (slow: more delay with netem, a
// rate limit always), ASF at c. Most Interests take the fast path; cutting
// c-a mid-transfer moves the transfer to the slow path, which completes it
// byte for byte; the longest stall is reported.
func TestDiamondASFFailover(t *testing.T) {
	opts := setup(t)
	const prefix = "/topo/diamond"
	fast := topo.Shape{Delay: 2 * time.Millisecond}
	slow := topo.Shape{Delay: 20 * time.Millisecond, Rate: "5mbit"}
	spec := topo.Spec{
		Nodes: []topo.Node{
			{Name: "c", Strategies: map[string]string{prefix: "asf"}},
			{Name: "a"}, {Name: "b"}, {Name: "p"},
		},
		Links: []topo.Link{
			{A: "c", B: "a", Kind: topo.UDP, Shape: fast},
			{A: "a", B: "p", Kind: topo.UDP, Shape: fast},
			{A: "c", B: "b", Kind: topo.UDP, Shape: slow},
			{A: "b", B: "p", Kind: topo.UDP, Shape: slow},
		},
		Routes: []topo.Route{
			{Node: "c", Prefix: prefix, Via: "a", Cost: 10},
			{Node: "c", Prefix: prefix, Via: "b", Cost: 10},
			{Node: "a", Prefix: prefix, Via: "p"},
			{Node: "b", Prefix: prefix, Via: "p"},
		},
	}
	n := topo.Start(t, spec, opts)
	t.Logf("fast path shaping: %s; slow path shaping: %s", n.Link("c", "a").Shaping, n.Link("c", "b").Shaping)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, p := n.Node("c"), n.Node("p")

	const size = 6 << 20
	file, want := randomFile(t, size, 3)
	name, _ := publish(t, p, prefix, file)
	hostA, hostB := c.PeerHost("a"), c.PeerHost("b")

	// The fetch goroutine signals half of the object; this goroutine
	// then reads c's per-path counters and cuts c-a.
	half := make(chan time.Time, 1)
	type cutResult struct {
		viaA, viaB nfd.FaceStatus
		at         time.Time
		err        error
	}
	cutDone := make(chan cutResult, 1)
	go func() {
		var r cutResult
		select {
		case <-half:
		case <-ctx.Done():
			r.err = ctx.Err()
			cutDone <- r
			return
		}
		if r.viaA, r.err = c.FaceCounters(ctx, hostA); r.err == nil {
			r.viaB, r.err = c.FaceCounters(ctx, hostB)
		}
		r.at = time.Now()
		if err := n.SetLink("c", "a", false); err != nil && r.err == nil {
			r.err = err
		}
		cutDone <- r
	}()
	signalled := false
	res, w, err := fetchInProcess(ctx, c, name, func(got int64) {
		if !signalled && got >= size/2 {
			signalled = true
			half <- time.Now()
		}
	})
	if err != nil {
		t.Fatalf("fetch after cutting c-a: %v", err)
	}
	cr := <-cutDone
	if cr.err != nil {
		t.Fatal(cr.err)
	}
	if w.sum() != want {
		t.Fatalf("fetched %d bytes that differ from the published object", res.Bytes)
	}
	after, err := c.FaceCounters(ctx, hostB)
	if err != nil {
		t.Fatal(err)
	}
	figures(t, "diamond-asf", "nodes", n.ForwarderKind(),
		"bytes", res.Bytes, "seconds", fmt.Sprintf("%.2f", res.Elapsed.Seconds()),
		"goodput_mbps", fmt.Sprintf("%.1f", res.Goodput()/1e6),
		"before_cut_interests_fast", cr.viaA.NOutInterests, "before_cut_interests_slow", cr.viaB.NOutInterests,
		"after_cut_interests_slow", after.NOutInterests-cr.viaB.NOutInterests,
		"failover_stall_ms", w.gapAfter(cr.at).Milliseconds(),
		"max_stall_ms", w.stall.Milliseconds(), "stall_ended_at_ms", w.stallAt.Milliseconds(),
		"cut_at_ms", cr.at.Sub(w.start).Milliseconds(), "retx", res.Retransmissions, "timeouts", res.Timeouts)
	if cr.viaA.NOutInterests <= cr.viaB.NOutInterests {
		t.Errorf("before the cut ASF sent %d Interests on the fast path and %d on the slow one; want the fast path preferred",
			cr.viaA.NOutInterests, cr.viaB.NOutInterests)
	}
	if after.NOutInterests-cr.viaB.NOutInterests == 0 {
		t.Errorf("no Interest took the slow path after the cut")
	}
}
