package topo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configure Start. Binary is required unless Forwarder is set.
type Options struct {
	// Binary is the ndnflow executable: apps (Node.StartApp) run it, and
	// nodes run `Binary fw --config` (see BuildNdnflow).
	Binary string
	// LogLevel is the forwarders' log level; default "warn".
	LogLevel string
	// Forwarder, when set, returns the command line of a node's forwarder
	// instead of `ndnflow fw` (for comparisons with another forwarder); it
	// must listen on nd.Sock. The harness still writes nd.ConfigPath().
	Forwarder func(nd *NodeHandle) []string
	// StartTimeout bounds the wait for a forwarder's Unix socket; default 10 s.
	StartTimeout time.Duration
}

// Network is a running topology. See the package doc for its safety rules.
type Network struct {
	t      testing.TB
	spec   Spec
	opts   Options
	prefix string // run prefix, random
	dir    string
	netem  bool

	nodes map[string]*NodeHandle
	links []*LinkHandle
	lans  map[string]*lanState

	mu      sync.Mutex // protects created and procs
	created []string   // namespaces this run created, in order
	procs   []*Proc
}

// LinkHandle is a link as built: interface names, addresses and MACs of its
// two ends (index 0 is Spec A, 1 is B).
type LinkHandle struct {
	Link
	Index int
	If    [2]string
	Addr  [2]net.IP
	MAC   [2]net.HardwareAddr
	// Shaping says what tc applied ("netem delay 20ms", "tbf rate 50mbit",
	// "none", or why nothing was).
	Shaping string
}

type lanState struct {
	ns    string
	nodes map[string]int // node → port index
}

// Start builds the topology described by spec and starts every node; it
// registers Close with t.Cleanup. It skips the test when not root or when
// network namespaces cannot be created, and fails it on any other error.
func Start(t testing.TB, spec Spec, opts Options) *Network {
	t.Helper()
	if err := spec.Check(); err != nil {
		t.Fatal(err)
	}
	SkipUnlessNetns(t)
	if opts.LogLevel == "" {
		opts.LogLevel = "warn"
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 10 * time.Second
	}
	if opts.Forwarder == nil && opts.Binary == "" {
		t.Fatal("topo: Options.Binary is required unless Forwarder is set")
	}
	var rb [3]byte
	rand.Read(rb[:])
	n := &Network{
		t: t, spec: spec, opts: opts,
		prefix: "ndnt" + hex.EncodeToString(rb[:]),
		dir:    t.TempDir(),
		nodes:  map[string]*NodeHandle{},
		lans:   map[string]*lanState{},
	}
	t.Cleanup(n.Close)
	if err := n.build(); err != nil {
		t.Fatalf("topo: building %s: %v", n.prefix, err)
	}
	order, _ := spec.startOrder() // Check verified it
	for _, name := range order {
		if err := n.nodes[name].start(); err != nil {
			t.Fatalf("topo: starting %s: %v", name, err)
		}
	}
	return n
}

// SkipUnlessNetns skips t unless the process is root and may create a
// network namespace with ip(8).
func SkipUnlessNetns(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("topo: network namespace tests need root (CI runs them as root)")
	}
	for _, c := range []string{"ip", "tc"} {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("topo: %s(8) not found: %v", c, err)
		}
	}
	var rb [3]byte
	rand.Read(rb[:])
	name := "ndntprobe" + hex.EncodeToString(rb[:])
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("topo: cannot create a network namespace (%v: %s)", err, bytes.TrimSpace(out))
	}
	exec.Command("ip", "netns", "delete", name).Run()
}

// ForwarderKind says what the nodes run: "ndnflow-fw" or "custom"
// (Options.Forwarder).
func (n *Network) ForwarderKind() string {
	if n.opts.Forwarder != nil {
		return "custom"
	}
	return "ndnflow-fw"
}

// Prefix returns the run prefix of every namespace name.
func (n *Network) Prefix() string { return n.prefix }

// Netem reports whether tc netem was available for link shaping.
func (n *Network) Netem() bool { return n.netem }

// Node returns the node named name; it fails the test if there is none.
func (n *Network) Node(name string) *NodeHandle {
	nd, ok := n.nodes[name]
	if !ok {
		n.t.Fatalf("%s: %v", name, ErrUnknownNode)
	}
	return nd
}

// Link returns the first link between a and b; it fails the test if there
// is none.
func (n *Network) Link(a, b string) *LinkHandle {
	k, ok := n.spec.link(a, b)
	if !ok {
		n.t.Fatalf("%s-%s: %v", a, b, ErrNoLink)
	}
	return n.links[k]
}

// SetLink sets both ends of the link between a and b up or down
// (`ip link set … down`).
func (n *Network) SetLink(a, b string, up bool) error {
	l := n.Link(a, b)
	state := "down"
	if up {
		state = "up"
	}
	for i, node := range []string{l.A, l.B} {
		if err := n.ip(n.nodes[node].NS, "link", "set", l.If[i], state); err != nil {
			return err
		}
	}
	return nil
}

func (n *Network) nsName(node string) string { return n.prefix + "-" + node }

// ip runs ip(8), inside namespace ns when it is not empty.
func (n *Network) ip(ns string, args ...string) error {
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	return run("ip", args...)
}

func run(name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

func (n *Network) addNS(name string) error {
	if !strings.HasPrefix(name, n.prefix+"-") {
		return ErrNotOurs
	}
	if err := run("ip", "netns", "add", name); err != nil {
		return err
	}
	n.mu.Lock()
	n.created = append(n.created, name)
	n.mu.Unlock()
	return n.ip(name, "link", "set", "lo", "up")
}

func (n *Network) build() error {
	for _, nd := range n.spec.Nodes {
		ns := n.nsName(nd.Name)
		if err := n.addNS(ns); err != nil {
			return err
		}
		dir := filepath.Join(n.dir, nd.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		n.nodes[nd.Name] = &NodeHandle{Node: nd, NS: ns, Dir: dir, Sock: filepath.Join(dir, "nfd.sock"), net: n}
	}
	ifCount := map[string]int{}
	nextIf := func(node string) string {
		k := ifCount[node]
		ifCount[node]++
		return fmt.Sprintf("eth%d", k)
	}
	netemProbed := false
	for k, l := range n.spec.Links {
		if k >= 250 {
			return errors.New("topo: at most 250 links")
		}
		h := &LinkHandle{Link: l, Index: k}
		h.If = [2]string{nextIf(l.A), nextIf(l.B)}
		h.Addr = [2]net.IP{net.IPv4(10, 201, byte(k), 1), net.IPv4(10, 201, byte(k), 2)}
		h.MAC = [2]net.HardwareAddr{{0x02, 0xdd, 0, byte(k), 0, 1}, {0x02, 0xdd, 0, byte(k), 0, 2}}
		nsA, nsB := n.nodes[l.A].NS, n.nodes[l.B].NS
		// The pair is created inside A's namespace with its peer directly
		// in B's: nothing appears in the host namespace.
		if err := n.ip(nsA, "link", "add", h.If[0], "address", h.MAC[0].String(), "type", "veth",
			"peer", "name", h.If[1], "address", h.MAC[1].String(), "netns", nsB); err != nil {
			return err
		}
		for i, ns := range []string{nsA, nsB} {
			if err := n.ip(ns, "addr", "add", h.Addr[i].String()+"/30", "dev", h.If[i]); err != nil {
				return err
			}
			if err := n.ip(ns, "link", "set", h.If[i], "up"); err != nil {
				return err
			}
		}
		h.Shaping = "none"
		if !l.Shape.zero() {
			if !netemProbed {
				n.netem = run("tc", "-n", nsA, "qdisc", "add", "dev", h.If[0], "root", "netem", "delay", "0ms") == nil
				if n.netem {
					run("tc", "-n", nsA, "qdisc", "del", "dev", h.If[0], "root")
				}
				netemProbed = true
			}
			var err error
			if h.Shaping, err = n.shape(nsA, nsB, h); err != nil {
				return err
			}
		}
		n.links = append(n.links, h)
	}
	for li, lan := range n.spec.LANs {
		ns := n.nsName("lan" + lan.Name)
		if err := n.addNS(ns); err != nil {
			return err
		}
		if err := n.ip(ns, "link", "add", "br0", "type", "bridge"); err != nil {
			return err
		}
		if err := n.ip(ns, "link", "set", "br0", "up"); err != nil {
			return err
		}
		st := &lanState{ns: ns, nodes: map[string]int{}}
		for pi, node := range lan.Nodes {
			nd := n.nodes[node]
			ifn := nextIf(node)
			port := fmt.Sprintf("p%d", pi)
			mac := net.HardwareAddr{0x02, 0xde, byte(li), 0, 0, byte(pi + 1)}
			if err := n.ip(ns, "link", "add", port, "type", "veth", "peer", "name", ifn,
				"address", mac.String(), "netns", nd.NS); err != nil {
				return err
			}
			if err := n.ip(ns, "link", "set", port, "master", "br0", "up"); err != nil {
				return err
			}
			addr := fmt.Sprintf("10.202.%d.%d/24", li, pi+1)
			if err := n.ip(nd.NS, "addr", "add", addr, "dev", ifn); err != nil {
				return err
			}
			if err := n.ip(nd.NS, "link", "set", ifn, "up"); err != nil {
				return err
			}
			nd.lanIf = append(nd.lanIf, lanIf{lan: lan.Name, ifname: ifn, mesh: lan.UDPMesh, udpMcast: lan.UDPMulticast, index: li})
			st.nodes[node] = pi
		}
		n.lans[lan.Name] = st
	}
	return nil
}

// shape applies l.Shape to both ends' egress and describes what it did.
func (n *Network) shape(nsA, nsB string, h *LinkHandle) (string, error) {
	s := h.Shape
	var args []string
	desc := ""
	if n.netem {
		args = []string{"netem"}
		if s.Delay > 0 {
			args = append(args, "delay", fmt.Sprintf("%dus", s.Delay.Microseconds()))
		}
		if s.LossPercent > 0 {
			args = append(args, "loss", fmt.Sprintf("%g%%", s.LossPercent))
		}
		if s.Rate != "" {
			args = append(args, "rate", s.Rate)
		}
		desc = strings.Join(args, " ")
	} else {
		if s.Rate == "" {
			return "none (netem unavailable: delay/loss not applied)", nil
		}
		args = []string{"tbf", "rate", s.Rate, "burst", "32kb", "latency", "100ms"}
		desc = strings.Join(args, " ")
		if s.Delay > 0 || s.LossPercent > 0 {
			desc += " (netem unavailable: delay/loss not applied)"
		}
	}
	for i, ns := range []string{nsA, nsB} {
		a := append([]string{"-n", ns, "qdisc", "add", "dev", h.If[i], "root"}, args...)
		if err := run("tc", a...); err != nil {
			return "", err
		}
	}
	return desc, nil
}

// Close stops every process the network started (apps first, then
// forwarders) and deletes the namespaces it created, which removes their
// interfaces. It is registered with t.Cleanup by Start and may be called
// again.
func (n *Network) Close() {
	n.mu.Lock()
	procs := slices.Clone(n.procs)
	n.procs = nil
	created := slices.Clone(n.created)
	n.created = nil
	n.mu.Unlock()
	slices.Reverse(procs) // apps were started after their forwarders
	for _, p := range procs {
		p.Stop()
	}
	if n.t.Failed() {
		for _, nd := range n.nodes {
			if b, err := os.ReadFile(filepath.Join(nd.Dir, "fw.log")); err == nil && len(b) > 0 {
				n.t.Logf("forwarder %s log (tail):\n%s", nd.Name, tail(b, 2000))
			}
		}
	}
	for _, ns := range created {
		if err := n.deleteNS(ns, created); err != nil {
			n.t.Errorf("topo: %v", err)
		}
	}
}

func (n *Network) deleteNS(ns string, ours []string) error {
	if !strings.HasPrefix(ns, n.prefix+"-") || !slices.Contains(ours, ns) {
		return fmt.Errorf("%s: %w", ns, ErrNotOurs)
	}
	return run("ip", "netns", "delete", ns)
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return b
}

func (n *Network) track(p *Proc) {
	n.mu.Lock()
	n.procs = append(n.procs, p)
	n.mu.Unlock()
}
