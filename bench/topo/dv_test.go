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

// dvLab runs ndnd's distance-vector routing daemon (ndn-dv) on every node
// of a namespace topology, with a pingserver for /topo/<node>/app on each.
//
// ndn-dv learns local prefixes from the forwarder's readvertisement
// (/localhost/nlsr/rib/register for routes of origin client, NFD's
// readvertise_nlsr). ndnflow does not readvertise, so on ndnflow the lab
// sends that command itself after the pingserver registered; on ndnd's
// forwarder (NDNFLOW_DV_FW=ndnd) ndnd's own pingserver --expose and
// ndnd's readvertiser do it.
type dvLab struct {
	t      *testing.T
	n      *topo.Network
	bin    string
	onNdnd bool
	names  []string
	dvs    map[string]*topo.Proc
	start  time.Time
	// routers is how long after start every router had a route to every
	// other; announced is when the prefixes were announced.
	routers   time.Duration
	announced time.Time
}

// newDVLab skips t without NDNFLOW_DV_BIN and builds spec with ndn-dv on
// every node; neighbours are the nodes' links.
func newDVLab(t *testing.T, spec topo.Spec) *dvLab {
	dvBin := os.Getenv("NDNFLOW_DV_BIN")
	if dvBin == "" {
		t.Skip("set NDNFLOW_DV_BIN to an ndnd binary (github.com/named-data/ndnd, `go build ./cmd/ndnd`) to run ndn-dv on ndnflow fw; CI does not build it")
	}
	opts := setup(t)
	l := &dvLab{t: t, bin: dvBin, onNdnd: os.Getenv("NDNFLOW_DV_FW") == "ndnd", dvs: map[string]*topo.Proc{}}
	if l.onNdnd {
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
	l.n = topo.Start(t, spec, opts)
	for _, nd := range spec.Nodes {
		l.names = append(l.names, nd.Name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l.start = time.Now()
	for _, name := range l.names {
		nd := l.n.Node(name)
		var nb strings.Builder
		for _, lk := range spec.Links {
			peer := ""
			switch name {
			case lk.A:
				peer = lk.B
			case lk.B:
				peer = lk.A
			default:
				continue
			}
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
		l.dvs[name] = p
	}
	t.Cleanup(func() {
		if t.Failed() || testing.Verbose() {
			for _, name := range l.names {
				t.Logf("dv@%s stderr (tail):\n%s", name, tailString(l.dvs[name].Stderr(), 3000))
			}
		}
	})
	// Announce prefixes once every router reaches every other router (dv
	// installed /topo/32=DV/32=PFS/<router> everywhere): a prefix
	// announced earlier waits for ndn-dv's periodic prefix sync (30 s),
	// whatever the forwarder.
	for _, name := range l.names {
		for _, other := range l.names {
			if other != name {
				if err := waitRoute(ctx, l.n.Node(name), "/topo/32=DV/32=PFS/topo/"+other); err != nil {
					t.Fatalf("ndn-dv at %s never installed a route to router %s: %v", name, other, err)
				}
			}
		}
	}
	l.routers = time.Since(l.start)
	l.announced = time.Now()
	for _, name := range l.names {
		nd := l.n.Node(name)
		prefix := "/topo/" + name + "/app"
		if l.onNdnd {
			// ndnd readvertises a route once, when it is registered:
			// the daemon must have registered /localhost/nlsr by then.
			if err := waitRoute(ctx, nd, "/localhost/nlsr"); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
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
	return l
}

func (l *dvLab) forwarder() string {
	if l.onNdnd {
		return "ndnd"
	}
	return "ndnflow"
}

// ping sends one ping from node from to /topo/<to>/app and reports
// whether it was answered.
func (l *dvLab) ping(ctx context.Context, from, to string) bool {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	nd := l.n.Node(from)
	if !l.onNdnd {
		_, err := nd.RunApp(pctx, "ping", "/topo/"+to+"/app", "-c", "1", "-t", "500ms", "--log-level", "error")
		return err == nil
	}
	p, err := nd.StartProcess([]string{"NDN_CLIENT_TRANSPORT=" + nd.URI()}, l.bin, "ping", "/topo/"+to+"/app", "-c", "1", "-t", "500")
	if err != nil {
		return false
	}
	defer p.Stop()
	return p.Wait(pctx) == nil && strings.Contains(p.Stdout(), "content from")
}

type dvPair struct{ from, to string }

// converge pings every ordered pair of nodes, once a second, until all
// answer or about limit has passed; it returns when each pair first
// answered, measured from since (the prefix announcements).
func (l *dvLab) converge(ctx context.Context, since time.Time, limit time.Duration) map[dvPair]time.Duration {
	pending := map[dvPair]bool{}
	for _, a := range l.names {
		for _, b := range l.names {
			if a != b {
				pending[dvPair{a, b}] = true
			}
		}
	}
	done := map[dvPair]time.Duration{}
	deadline := time.Now().Add(limit)
	for round := 0; round < 600 && len(pending) > 0 && time.Now().Before(deadline) && ctx.Err() == nil; round++ {
		for pr := range pending {
			if l.ping(ctx, pr.from, pr.to) {
				done[pr] = time.Since(since)
				delete(pending, pr)
			}
		}
		if len(pending) > 0 {
			time.Sleep(time.Second)
		}
	}
	return done
}

func (l *dvLab) report(scenario string, done map[dvPair]time.Duration) {
	kv := []any{"forwarder", l.forwarder(), "routers_reachable_s", fmt.Sprintf("%.1f", l.routers.Seconds())}
	for _, a := range l.names {
		for _, b := range l.names {
			if d, ok := done[dvPair{a, b}]; ok {
				kv = append(kv, a+"_to_"+b+"_s", fmt.Sprintf("%.1f", d.Seconds()))
			} else if a != b {
				kv = append(kv, a+"_to_"+b, "unreachable")
			}
		}
	}
	figures(l.t, scenario, kv...)
}

// logFIBs logs every node's FIB outside /localhost, with face URIs.
func (l *dvLab) logFIBs(ctx context.Context) {
	for _, name := range l.names {
		nd := l.n.Node(name)
		fib, err := nd.Fib(ctx)
		if err != nil {
			l.t.Logf("%s fib/list: %v", name, err)
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
		l.t.Logf("%s FIB:\n%s", name, b.String())
	}
}

// TestRoutingDaemonDV checks that ndn-dv runs unchanged on top of ndnflow
// fw: three nodes in a line (n1 - n2 - n3, UDP links), no static routes,
// `ndnd dv run` on each node with its neighbours in its configuration;
// every node must reach the prefixes of the other two (n1 reaches n3
// through n2).
//
// It needs the ndnd binary, which the project never builds nor commits:
// NDNFLOW_DV_BIN=/path/to/ndnd. With NDNFLOW_DV_FW=ndnd the nodes run
// ndnd's own forwarder instead, for comparison.
func TestRoutingDaemonDV(t *testing.T) {
	spec := topo.Spec{
		Nodes: []topo.Node{{Name: "n1"}, {Name: "n2"}, {Name: "n3"}},
		Links: []topo.Link{{A: "n1", B: "n2", Kind: topo.UDP}, {A: "n2", B: "n3", Kind: topo.UDP}},
	}
	l := newDVLab(t, spec)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	done := l.converge(ctx, l.announced, 90*time.Second)
	l.report("dv", done)
	l.logFIBs(ctx)
	if len(done) < 6 {
		t.Errorf("ndn-dv did not converge within the time limit: %d of 6 pairs unreachable", 6-len(done))
	}
}

// TestRoutingDaemonDVReroute: a triangle n1, n2, n3 under ndn-dv; once
// every node reaches every prefix, the link n1-n3 goes down (`ip link set
// down`), and n1 and n3 must reach each other again through n2 once ndn-dv
// has declared the neighbour dead (router_dead_interval 5 s) and
// recomputed its routes.
func TestRoutingDaemonDVReroute(t *testing.T) {
	spec := topo.Spec{
		Nodes: []topo.Node{{Name: "n1"}, {Name: "n2"}, {Name: "n3"}},
		Links: []topo.Link{
			{A: "n1", B: "n2", Kind: topo.UDP},
			{A: "n2", B: "n3", Kind: topo.UDP},
			{A: "n1", B: "n3", Kind: topo.UDP},
		},
	}
	l := newDVLab(t, spec)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if done := l.converge(ctx, l.announced, 90*time.Second); len(done) < 6 {
		l.report("dv-triangle", done)
		t.Fatalf("ndn-dv did not converge on the triangle: %d of 6 pairs unreachable", 6-len(done))
	}
	cut := time.Now()
	if err := l.n.SetLink("n1", "n3", false); err != nil {
		t.Fatal(err)
	}
	var back13, back31 time.Duration
	for round := 0; round < 90 && (back13 == 0 || back31 == 0) && ctx.Err() == nil; round++ {
		if back13 == 0 && l.ping(ctx, "n1", "n3") {
			back13 = time.Since(cut)
		}
		if back31 == 0 && l.ping(ctx, "n3", "n1") {
			back31 = time.Since(cut)
		}
		if back13 == 0 || back31 == 0 {
			time.Sleep(time.Second)
		}
	}
	figures(t, "dv-reroute", "forwarder", l.forwarder(),
		"n1_to_n3_after_cut_s", fmt.Sprintf("%.1f", back13.Seconds()),
		"n3_to_n1_after_cut_s", fmt.Sprintf("%.1f", back31.Seconds()))
	l.logFIBs(ctx)
	if back13 == 0 || back31 == 0 {
		t.Errorf("n1 and n3 did not reach each other through n2 after the cut (n1→n3 %v, n3→n1 %v)", back13, back31)
	}
}

// waitRoute polls nd's FIB (for up to 20 s) until it has prefix (in the
// URI form Name.String gives).
func waitRoute(ctx context.Context, nd *topo.NodeHandle, prefix string) error {
	for range 100 {
		fib, err := nd.Fib(ctx)
		if err == nil {
			for _, e := range fib {
				if e.Name.String() == prefix {
					return nil
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("no FIB entry %s after 20 s: %w", prefix, topo.ErrTimeout)
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
