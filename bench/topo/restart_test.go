package topo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// TestRouterRestart is scenario 6: r1-r2-r3 with permanent faces, producer
// at r3, consumer at r1; r2 restarts (SIGTERM, start again with the same
// configuration) when a third of the object has arrived. The permanent
// faces to r2 reconnect, r2's routes come back from its configuration, and
// the transfer resumes and completes byte for byte.
func TestRouterRestart(t *testing.T) {
	for _, kind := range []topo.LinkKind{topo.TCP, topo.UDP} {
		t.Run(kind.String(), func(t *testing.T) { testRestart(t, kind) })
	}
}

func testRestart(t *testing.T, kind topo.LinkKind) {
	opts := setup(t)
	const prefix = "/topo/restart"
	spec := topo.Spec{
		Nodes: []topo.Node{{Name: "r1"}, {Name: "r2"}, {Name: "r3"}},
		Links: []topo.Link{
			{A: "r1", B: "r2", Kind: kind, Permanent: true},
			{A: "r2", B: "r3", Kind: kind, Permanent: true},
		},
		Routes: []topo.Route{
			{Node: "r1", Prefix: prefix, Via: "r2"},
			{Node: "r2", Prefix: prefix, Via: "r3"},
		},
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r1, r2, r3 := n.Node("r1"), n.Node("r2"), n.Node("r3")

	const size = 16 << 20
	file, want := randomFile(t, size, 6)
	name, _ := publish(t, r3, prefix, file)

	toR2 := r1.PeerHost("r2")
	facesBefore, err := r1.Faces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	third := make(chan struct{})
	restarted := make(chan error, 1)
	var restartAt, upAt time.Time
	go func() {
		select {
		case <-third:
		case <-ctx.Done():
			restarted <- ctx.Err()
			return
		}
		restartAt = time.Now()
		err := r2.Restart()
		upAt = time.Now()
		restarted <- err
	}()
	signalled := false
	res, w, err := fetchInProcess(ctx, r1, name, func(got int64) {
		if !signalled && got >= size/3 {
			signalled = true
			close(third)
		}
	})
	if rerr := <-restarted; rerr != nil {
		t.Fatalf("restarting r2: %v", rerr)
	}
	if err != nil {
		t.Fatalf("fetch across the restart of r2: %v", err)
	}
	if w.sum() != want {
		t.Fatalf("fetched %d bytes that differ from the published object", res.Bytes)
	}

	// The static face of r1 towards r2 is the same face (same FaceId),
	// permanent, and carried the Interests after the restart.
	facesAfter, err := r1.Faces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before, okB := staticFace(facesBefore, toR2)
	after, okA := staticFace(facesAfter, toR2)
	if !okB || !okA {
		t.Fatalf("r1 has no face to r2 (%s) before (%v) or after (%v) the restart", toR2, okB, okA)
	}
	if before.FaceID != after.FaceID || after.FacePersistency != nfd.PersistencyPermanent {
		t.Errorf("r1's face to r2: FaceId %d → %d, persistency %v; want the same permanent face", before.FaceID, after.FaceID, after.FacePersistency)
	}
	// r2's route towards r3 is back, from its configuration.
	fib, err := r2.Fib(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2faces, err := r2.Faces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !routeVia(fib, r2faces, ndn.MustParseName(prefix), r2.PeerHost("r3")) {
		t.Errorf("r2 has no FIB entry %s towards r3 after its restart: %+v", prefix, fib)
	}
	figures(t, "restart-"+kind.String(), "nodes", n.ForwarderKind(),
		"bytes", res.Bytes, "seconds", fmt.Sprintf("%.2f", res.Elapsed.Seconds()),
		"goodput_mbps", fmt.Sprintf("%.1f", res.Goodput()/1e6),
		"restart_took_ms", upAt.Sub(restartAt).Milliseconds(),
		"restart_stall_ms", w.gapAfter(restartAt).Milliseconds(),
		"max_stall_ms", w.stall.Milliseconds(), "stall_ended_at_ms", w.stallAt.Milliseconds(),
		"restart_at_ms", restartAt.Sub(w.start).Milliseconds(),
		"retx", res.Retransmissions, "timeouts", res.Timeouts,
		"r1_face_to_r2", fmt.Sprintf("%d(out_interests=%d,in_data=%d)", after.FaceID, after.NOutInterests, after.NInData))
}

// staticFace returns the face whose remote URI names host with port 6363
// (the static face, not an on-demand one accepted from the peer).
func staticFace(fs []nfd.FaceStatus, host string) (nfd.FaceStatus, bool) {
	for _, f := range fs {
		if strings.Contains(f.URI, host+":6363") && f.FacePersistency != nfd.PersistencyOnDemand {
			return f, true
		}
	}
	return nfd.FaceStatus{}, false
}

// routeVia reports whether fib has prefix with a next hop whose face's
// remote URI contains host.
func routeVia(fib []nfd.FibEntry, faces []nfd.FaceStatus, prefix ndn.Name, host string) bool {
	for _, e := range fib {
		if !e.Name.Equal(prefix) {
			continue
		}
		for _, h := range e.NextHops {
			for _, f := range faces {
				if f.FaceID == h.FaceID && strings.Contains(f.URI, host) {
					return true
				}
			}
		}
	}
	return false
}
