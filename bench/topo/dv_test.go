package topo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/bench/topo"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// TestRoutingDaemonDV checks that ndnd's distance-vector routing daemon
// (ndn-dv) runs unchanged on top of ndnflow fw: three nodes in a line
// (n1 - n2 - n3, UDP links), no static routes, `ndnd dv run` on each node
// with the neighbours in its configuration, a pingserver for
// /topo/<node>/app on each node, and every node must reach the prefixes of
// the other two (n1 reaches n3 through n2).
//
// ndn-dv learns local prefixes from the forwarder's readvertisement
// (/localhost/nlsr/rib/register, NFD's readvertise_nlsr); the test sends
// that command itself, on either forwarder.
//
// It needs the ndnd binary, which the project never builds nor commits:
// NDNFLOW_DV_BIN=/path/to/ndnd. With NDNFLOW_DV_FW=ndnd the nodes run
// ndnd's own forwarder instead, for comparison.
func TestRoutingDaemonDV(t *testing.T) {
	dvBin := os.Getenv("NDNFLOW_DV_BIN")
	if dvBin == "" {
		t.Skip("set NDNFLOW_DV_BIN to an ndnd binary (github.com/named-data/ndnd, `go build ./cmd/ndnd`) to run ndn-dv on ndnflow fw; CI does not build it")
	}
	opts := setup(t)
	onNdnd := os.Getenv("NDNFLOW_DV_FW") == "ndnd"
	if onNdnd {
		opts.Forwarder = func(nd *topo.NodeHandle) []string {
			cfg := filepath.Join(nd.Dir, "ndnd-fw.yml")
			y := fmt.Sprintf(`core: {log_level: WARN}
faces:
  udp: {enabled_unicast: true, enabled_multicast: false, port_unicast: 6363}
  tcp: {enabled: false}
  unix: {enabled: true, socket_path: %s}
  websocket: {enabled: false}
fw: {threads: 1}
`, nd.Sock)
			if err := os.WriteFile(cfg, []byte(y), 0o644); err != nil {
				t.Error(err)
			}
			return []string{dvBin, "fw", "run", cfg}
		}
	}
	spec := topo.Spec{
		Nodes: []topo.Node{{Name: "n1"}, {Name: "n2"}, {Name: "n3"}},
		Links: []topo.Link{{A: "n1", B: "n2", Kind: topo.UDP}, {A: "n2", B: "n3", Kind: topo.UDP}},
	}
	n := topo.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	names := []string{"n1", "n2", "n3"}
	neighbours := map[string][]string{"n1": {"n2"}, "n2": {"n1", "n3"}, "n3": {"n2"}}

	start := time.Now()
	dvs := map[string]*topo.Proc{}
	for _, name := range names {
		nd := n.Node(name)
		var nb strings.Builder
		for _, peer := range neighbours[name] {
			fmt.Fprintf(&nb, "    - uri: udp4://%s:6363\n", nd.PeerHost(peer))
		}
		cfg := filepath.Join(nd.Dir, "dv.yml")
		y := fmt.Sprintf(`dv:
  network: /topo
  router: /topo/%s
  keychain: insecure
  trust_anchors: []
  neighbors:
%s  advertise_interval: 1000
  router_dead_interval: 5000
`, name, nb.String())
		if err := os.WriteFile(cfg, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := nd.StartProcess([]string{"NDN_CLIENT_TRANSPORT=" + nd.URI()}, dvBin, "dv", "run", cfg)
		if err != nil {
			t.Fatal(err)
		}
		dvs[name] = p
	}
	t.Cleanup(func() {
		if t.Failed() || testing.Verbose() {
			for _, name := range names {
				t.Logf("dv@%s stderr (tail):\n%s", name, tailString(dvs[name].Stderr(), 3000))
			}
		}
	})
	for _, name := range names {
		nd := n.Node(name)
		prefix := "/topo/" + name + "/app"
		if onNdnd {
			// ndnd's forwarder readvertises routes of client origin
			// (readvertise_nlsr, on by default); ndnd's pingserver
			// registers with that origin when asked to --expose.
			ps, err := nd.StartProcess([]string{"NDN_CLIENT_TRANSPORT=" + nd.URI()}, dvBin, "pingserver", "--expose", prefix)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("ndnd pingserver@%s: %s", name, tailString(ps.Stderr()+ps.Stdout(), 1500))
				}
			})
			continue
		}
		if _, err := nd.StartApp("pingserver", prefix, "--log-level", "warn"); err != nil {
			t.Fatal(err)
		}
		if err := readvertise(ctx, nd, prefix); err != nil {
			t.Fatalf("readvertising %s to ndn-dv at %s: %v", prefix, name, err)
		}
	}

	// Every node pings the other two until all six pairs answer.
	type pair struct{ from, to string }
	pending := map[pair]bool{}
	for _, a := range names {
		for _, b := range names {
			if a != b {
				pending[pair{a, b}] = true
			}
		}
	}
	converged := map[pair]time.Duration{}
	for round := 0; round < 90 && len(pending) > 0 && ctx.Err() == nil; round++ {
		for pr := range pending {
			pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
			var err error
			if onNdnd {
				nd := n.Node(pr.from)
				var p *topo.Proc
				if p, err = nd.StartProcess([]string{"NDN_CLIENT_TRANSPORT=" + nd.URI()}, dvBin, "ping", "/topo/"+pr.to+"/app", "-c", "1", "-t", "500"); err == nil {
					if err = p.Wait(pctx); err == nil && !strings.Contains(p.Stdout(), "content from") {
						err = fmt.Errorf("no reply: %s", p.Stdout())
					}
					p.Stop()
				}
			} else {
				_, err = n.Node(pr.from).RunApp(pctx, "ping", "/topo/"+pr.to+"/app", "-c", "1", "-t", "500ms", "--log-level", "error")
			}
			pcancel()
			if err == nil {
				converged[pr] = time.Since(start)
				delete(pending, pr)
			}
		}
		if len(pending) > 0 {
			time.Sleep(time.Second)
		}
	}
	fw := "ndnflow"
	if onNdnd {
		fw = "ndnd"
	}
	kv := []any{"forwarder", fw}
	for _, a := range names {
		for _, b := range names {
			if d, ok := converged[pair{a, b}]; ok {
				kv = append(kv, a+"_to_"+b+"_s", fmt.Sprintf("%.1f", d.Seconds()))
			} else if a != b {
				kv = append(kv, a+"_to_"+b, "unreachable")
			}
		}
	}
	figures(t, "dv", kv...)
	for _, name := range names {
		nd := n.Node(name)
		fib, err := nd.Fib(ctx)
		if err != nil {
			t.Logf("%s fib/list: %v", name, err)
			continue
		}
		faces, _ := nd.Faces(ctx)
		var b strings.Builder
		for _, e := range fib {
			if strings.HasPrefix(e.Name.String(), "/localhost") {
				continue
			}
			fmt.Fprintf(&b, "  %s:", e.Name)
			for _, h := range e.NextHops {
				fmt.Fprintf(&b, " face %d (%s) cost %d;", h.FaceID, faceURI(faces, h.FaceID), h.Cost)
			}
			b.WriteString("\n")
		}
		t.Logf("%s FIB:\n%s", name, b.String())
	}
	if len(pending) > 0 {
		t.Errorf("ndn-dv did not converge within the time limit: %d of 6 pairs unreachable", len(pending))
	}
}

func faceURI(fs []nfd.FaceStatus, id uint64) string {
	for _, f := range fs {
		if f.FaceID == id {
			return f.URI
		}
	}
	return "?"
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// readvertise sends /localhost/nlsr/rib/register for prefix through nd's
// forwarder, as NFD's and ndnd's forwarders do for client routes
// (readvertise_nlsr), so that the routing daemon announces it. It retries
// until the daemon has registered /localhost/nlsr (up to 20 s).
func readvertise(ctx context.Context, nd *topo.NodeHandle, prefix string) error {
	c, err := app.Connect(ctx, nd.URI(), app.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	p := nfd.ControlParameters{Name: ndn.MustParseName(prefix), HasName: true, Cost: 0, HasCost: true}
	name := ndn.NameFromComponents(ndn.GenericComponent("localhost"), ndn.GenericComponent("nlsr"),
		ndn.GenericComponent("rib"), ndn.GenericComponent("register"),
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: p.Encode()})
	var last error
	for range 40 {
		in := &ndn.Interest{Name: name, HasAppParams: true, MustBeFresh: true, Lifetime: 500 * time.Millisecond}
		d, err := c.Express(ctx, in, app.ExpressOptions{})
		if err == nil {
			var r nfd.ControlResponse
			if err := r.Decode(d.Content); err != nil {
				return err
			}
			if !r.OK() {
				return fmt.Errorf("ndn-dv answered %d %s", r.Code, r.Text)
			}
			return nil
		}
		last = err
		time.Sleep(500 * time.Millisecond)
	}
	return last
}
