package topo

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

// NodeHandle is a running node: its namespace, directory, Unix socket and
// forwarder process.
type NodeHandle struct {
	Node
	// NS is the network namespace name (<run prefix>-<node>).
	NS string
	// Dir holds the node's configuration, socket and logs.
	Dir string
	// Sock is the forwarder's Unix socket; apps use unix://Sock. Unix
	// sockets are file paths, so it is reachable from outside the namespace.
	Sock string

	net   *Network
	lanIf []lanIf
	fw    *Proc
}

type lanIf struct {
	lan, ifname string
	mesh        bool
	udpMcast    bool
	index       int // of the LAN in Spec.LANs
}

// LANAddr returns the node's address on the LAN named lan.
func (nd *NodeHandle) LANAddr(lan string) string {
	for k, l := range nd.net.spec.LANs {
		if l.Name != lan {
			continue
		}
		if i := slices.Index(l.Nodes, nd.Name); i >= 0 {
			return fmt.Sprintf("10.202.%d.%d", k, i+1)
		}
	}
	return ""
}

// URI returns the app URI of the node's forwarder, unix://Sock.
func (nd *NodeHandle) URI() string { return "unix://" + nd.Sock }

// faceURI returns the FaceUri with which nd reaches its neighbour over link
// l, and whether nd is end 0 of l.
func (nd *NodeHandle) faceURI(l *LinkHandle) string {
	peer := 1
	if l.B == nd.Name {
		peer = 0
	}
	switch l.Kind {
	case TCP:
		return "tcp4://" + l.Addr[peer].String() + ":6363"
	case Ethernet:
		return "ether://[" + l.MAC[peer].String() + "]"
	}
	return "udp4://" + l.Addr[peer].String() + ":6363"
}

// PeerHost returns the address (IP or MAC) by which nd's faces name its
// neighbour on the link to peer; FaceStatus URIs contain it.
func (nd *NodeHandle) PeerHost(peer string) string {
	l := nd.net.Link(nd.Name, peer)
	i := 1
	if l.B == nd.Name {
		i = 0
	}
	if l.Kind == Ethernet {
		return l.MAC[i].String()
	}
	return l.Addr[i].String()
}

// daemonConfig is the subset of docs/config.md the harness writes.
type daemonConfig struct {
	Forwarder struct {
		Threads int `yaml:"threads"`
	} `yaml:"forwarder"`
	Tables struct {
		CsMaxPackets *int `yaml:"cs_max_packets,omitempty"`
	} `yaml:"tables"`
	Listeners struct {
		Unix      []string `yaml:"unix"`
		UDP       []string `yaml:"udp"`
		TCP       []string `yaml:"tcp"`
		WebSocket []string `yaml:"websocket"`
	} `yaml:"listeners"`
	Faces    []cfgFace  `yaml:"faces,omitempty"`
	Routes   []cfgRoute `yaml:"routes,omitempty"`
	Strategy []struct {
		Prefix   string `yaml:"prefix"`
		Strategy string `yaml:"strategy"`
	} `yaml:"strategy_choice,omitempty"`
}

type cfgFace struct {
	URI         string `yaml:"uri"`
	Persistency string `yaml:"persistency,omitempty"`
	Local       string `yaml:"local,omitempty"`
}

type cfgRoute struct {
	Prefix string `yaml:"prefix"`
	Face   string `yaml:"face"`
	Local  string `yaml:"local,omitempty"`
	Cost   uint64 `yaml:"cost"`
}

// FaceUris of the NDN multicast groups, Ethernet and UDP.
const (
	etherMulticastURI = "ether://[01:00:5e:00:17:aa]"
	udpMulticastURI   = "udp4://224.0.23.170:56363"
)

// writeConfig writes fw.yaml.
func (nd *NodeHandle) writeConfig() error {
	n := nd.net
	var c daemonConfig
	c.Forwarder.Threads = nd.Threads
	if c.Forwarder.Threads == 0 {
		c.Forwarder.Threads = 1
	}
	switch {
	case nd.CsMaxPackets < 0:
		z := 0
		c.Tables.CsMaxPackets = &z
	case nd.CsMaxPackets > 0:
		v := nd.CsMaxPackets
		c.Tables.CsMaxPackets = &v
	}
	c.Listeners.Unix = []string{nd.Sock}
	c.Listeners.UDP = []string{"0.0.0.0:6363"}
	c.Listeners.TCP = []string{"0.0.0.0:6363"}
	c.Listeners.WebSocket = []string{}
	local := map[string]string{} // face URI → dev://<ifname> of Ethernet faces
	for _, l := range n.links {
		if l.A != nd.Name && l.B != nd.Name {
			continue
		}
		uri := nd.faceURI(l)
		if l.Kind == Ethernet {
			i := 0
			if l.B == nd.Name {
				i = 1
			}
			// Permanent, as NFD's Ethernet faces usually are: they have
			// no connection to lose.
			local[uri] = "dev://" + l.If[i]
			c.Faces = append(c.Faces, cfgFace{URI: uri, Persistency: "permanent", Local: local[uri]})
			continue
		}
		if l.Kind == TCP && l.B == nd.Name {
			continue // B accepts A's connection
		}
		p := ""
		if l.Permanent {
			p = "permanent"
		}
		c.Faces = append(c.Faces, cfgFace{URI: uri, Persistency: p})
	}
	lanDev := map[string]string{} // LAN → dev://<ifname> of its multicast face
	lanURI := map[string]string{} // LAN → URI of its multicast face
	for _, li := range nd.lanIf {
		if li.mesh {
			for _, peer := range n.spec.LANs[li.index].Nodes {
				if peer == nd.Name {
					continue
				}
				c.Faces = append(c.Faces, cfgFace{URI: "udp4://" + n.nodes[peer].LANAddr(li.lan) + ":6363"})
			}
			continue
		}
		lanDev[li.lan] = "dev://" + li.ifname
		lanURI[li.lan] = etherMulticastURI
		if li.udpMcast {
			lanURI[li.lan] = udpMulticastURI
		}
		c.Faces = append(c.Faces, cfgFace{URI: lanURI[li.lan], Local: lanDev[li.lan]})
	}
	for _, r := range n.spec.Routes {
		if r.Node != nd.Name {
			continue
		}
		if dev, ok := lanDev[r.Via]; ok {
			c.Routes = append(c.Routes, cfgRoute{Prefix: r.Prefix, Face: lanURI[r.Via], Local: dev, Cost: r.Cost})
			continue
		}
		uri := nd.faceURI(nd.net.Link(r.Node, r.Via))
		c.Routes = append(c.Routes, cfgRoute{Prefix: r.Prefix, Face: uri, Local: local[uri], Cost: r.Cost})
	}
	for p, s := range nd.Strategies {
		c.Strategy = append(c.Strategy, struct {
			Prefix   string `yaml:"prefix"`
			Strategy string `yaml:"strategy"`
		}{p, s})
	}
	y, err := yaml.Marshal(&c)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(nd.Dir, "fw.yaml"), y, 0o644)
}

// ConfigPath returns the path of the node's fw.yaml.
func (nd *NodeHandle) ConfigPath() string { return filepath.Join(nd.Dir, "fw.yaml") }

func (nd *NodeHandle) start() error {
	if err := nd.writeConfig(); err != nil {
		return err
	}
	n := nd.net
	logf, err := os.OpenFile(filepath.Join(nd.Dir, "fw.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	var cmd *exec.Cmd
	if n.opts.Forwarder != nil {
		argv := n.opts.Forwarder(nd)
		cmd = exec.Command("ip", append([]string{"netns", "exec", nd.NS}, argv...)...)
	} else {
		cmd = exec.Command("ip", "netns", "exec", nd.NS, n.opts.Binary, "fw",
			"--config", nd.ConfigPath(), "--log-level", n.opts.LogLevel)
	}
	cmd.Stderr = logf
	cmd.Stdout = logf
	p, err := startProc("fw@"+nd.Name, cmd)
	if err != nil {
		return err
	}
	n.track(p)
	nd.fw = p
	return nd.waitSocket(n.opts.StartTimeout)
}

// waitSocket waits until the forwarder accepts connections on Sock.
func (nd *NodeHandle) waitSocket(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-nd.fw.done:
			return fmt.Errorf("forwarder exited: %v; log: %s", nd.fw.err, tail(nd.readLog(), 1500))
		default:
		}
		if c, err := net.Dial("unix", nd.Sock); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("socket %s: %w after %v", nd.Sock, ErrTimeout, limit)
}

func (nd *NodeHandle) readLog() []byte {
	b, _ := os.ReadFile(filepath.Join(nd.Dir, "fw.log"))
	return b
}

// Log returns the forwarder's log so far.
func (nd *NodeHandle) Log() string { return string(nd.readLog()) }

// Stop stops the node's forwarder (SIGTERM, then SIGKILL after 3 s).
func (nd *NodeHandle) Stop() {
	if nd.fw != nil {
		nd.fw.Stop()
	}
}

// Kill stops the node's forwarder with SIGKILL, as a crash would.
func (nd *NodeHandle) Kill() {
	if nd.fw != nil {
		nd.fw.signal(syscall.SIGKILL)
		nd.fw.Wait(context.Background())
	}
}

// Restart stops the forwarder if it runs and starts it again with the same
// configuration.
func (nd *NodeHandle) Restart() error {
	nd.Stop()
	return nd.start()
}

// Command returns a command running name with args inside the node's
// namespace (ip netns exec); the caller runs it.
func (nd *NodeHandle) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", nd.NS, name}, args...)...)
}

// StartProcess starts name with args inside the node's namespace, with
// env added to this process's environment; stdout and stderr are kept in
// the Proc. The network stops it at Close if it still runs.
func (nd *NodeHandle) StartProcess(env []string, name string, args ...string) (*Proc, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", nd.NS, name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p, err := startProc(filepath.Base(name)+"@"+nd.Name, cmd)
	if err != nil {
		return nil, err
	}
	nd.net.track(p)
	return p, nil
}

// StartApp starts `ndnflow ARGS... --uplink unix://Sock` inside the node's
// namespace; the network stops it at Close if it still runs.
func (nd *NodeHandle) StartApp(args ...string) (*Proc, error) {
	if nd.net.opts.Binary == "" {
		return nil, fmt.Errorf("topo: StartApp needs Options.Binary")
	}
	args = append(append([]string{}, args...), "--uplink", nd.URI())
	cmd := exec.Command("ip", append([]string{"netns", "exec", nd.NS, nd.net.opts.Binary}, args...)...)
	p, err := startProc(args[0]+"@"+nd.Name, cmd)
	if err != nil {
		return nil, err
	}
	nd.net.track(p)
	return p, nil
}

// RunApp runs `ndnflow ARGS... --uplink unix://Sock` inside the namespace
// to completion and returns its stdout; ctx bounds it.
func (nd *NodeHandle) RunApp(ctx context.Context, args ...string) (string, error) {
	p, err := nd.StartApp(args...)
	if err != nil {
		return "", err
	}
	if err := p.Wait(ctx); err != nil {
		p.Stop()
		return p.Stdout(), fmt.Errorf("%s: %w; stderr: %s", strings.Join(args, " "), err, tail([]byte(p.Stderr()), 1500))
	}
	return p.Stdout(), nil
}

// Proc is a process the harness started.
type Proc struct {
	Name           string
	cmd            *exec.Cmd
	done           chan struct{}
	err            error
	stdout, stderr lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startProc(name string, cmd *exec.Cmd) (*Proc, error) {
	p := &Proc{Name: name, cmd: cmd, done: make(chan struct{})}
	if cmd.Stdout == nil {
		cmd.Stdout = &p.stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = &p.stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the process ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Stdout returns what the process wrote to stdout so far.
func (p *Proc) Stdout() string { return p.stdout.String() }

// Stderr returns what the process wrote to stderr so far.
func (p *Proc) Stderr() string { return p.stderr.String() }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Wait waits for the process to exit and returns its exit error, or ctx's
// error.
func (p *Proc) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Proc) signal(s syscall.Signal) {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(s)
	}
}

// Stop sends SIGTERM, waits up to 3 s, then SIGKILL, and waits for exit.
func (p *Proc) Stop() {
	p.signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(3 * time.Second):
	}
	p.signal(syscall.SIGKILL)
	<-p.done
}
