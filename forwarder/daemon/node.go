package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
)

// Node is a running forwarder with its listeners and static faces.
type Node struct {
	fw        *forwarder.Forwarder
	log       *slog.Logger
	listeners []io.Closer
	udp       []*face.UDPListener
	// URIs of the listeners, in the order opened.
	uris []string
}

// Forwarder returns the node's forwarder.
func (n *Node) Forwarder() *forwarder.Forwarder { return n.fw }

// ListenerURIs returns the FaceUris of the open listeners.
func (n *Node) ListenerURIs() []string { return n.uris }

// Start opens everything the configuration describes. On error it closes
// what it opened and names the listener, face or route that failed.
// A permanent static TCP face that cannot be reached is created Down and
// keeps connecting; a persistent static face that cannot be reached (or any
// face whose address or interface is bad) is logged and skipped with its
// routes, as NFD fails faces/create.
func Start(ctx context.Context, c *Config, log *slog.Logger) (*Node, error) {
	if log == nil {
		log = slog.Default()
	}
	fc := c.ForwarderConfig()
	fc.Logger = log
	// Certificates are fetched through an in-process face, attached once
	// the forwarder exists; the fetcher itself can be built first.
	var fetcher *certFetcher
	var fetchEnd face.Transport
	if len(c.Verification.Rules) > 0 {
		a, b := face.NewMemPair(face.MemPairConfig{URIA: "internal://cert-fetcher", URIB: "internal://forwarder"})
		fetcher, fetchEnd = newCertFetcher(a), b
		rules, err := c.buildVerifyRules(fetcher)
		if err != nil {
			a.Close()
			return nil, err
		}
		fc.Verify = rules
	}
	n := &Node{fw: forwarder.New(fc), log: log}
	if fetchEnd != nil {
		ff := n.fw.AddFace(fetchEnd, face.Config{})
		n.fw.SetVerifyExempt(ff.ID(), true)
		n.listeners = append(n.listeners, fetcher.tr)
	}
	if err := n.start(ctx, c); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

func (n *Node) accept(t face.Transport) {
	f := n.fw.AddFace(t, face.Config{})
	n.log.Debug("face created", "face", f.ID(), "remote", t.Info().RemoteURI, "local", t.Info().LocalURI)
}

func (n *Node) start(ctx context.Context, c *Config) error {
	if err := n.startManagement(ctx, c); err != nil {
		return err
	}
	l := &c.Listeners
	for _, p := range listOr(l.Unix, DefaultUnix) {
		ln, err := face.ListenUnix(ctx, p, face.StreamListenerConfig{Accept: n.accept, Logger: n.log})
		if err != nil {
			return fmt.Errorf("listeners.unix %s: %w", p, err)
		}
		n.add(ln, ln.URI())
	}
	for _, a := range listOr(l.UDP, DefaultUDP) {
		ln, err := face.ListenUDP(ctx, a, face.UDPListenerConfig{Accept: n.accept, Logger: n.log})
		if err != nil {
			return fmt.Errorf("listeners.udp %s: %w", a, err)
		}
		n.udp = append(n.udp, ln)
		n.add(ln, ln.URI())
	}
	for _, a := range listOr(l.TCP, DefaultTCP) {
		ln, err := face.ListenTCP(ctx, a, face.StreamListenerConfig{Accept: n.accept, Logger: n.log})
		if err != nil {
			return fmt.Errorf("listeners.tcp %s: %w", a, err)
		}
		n.add(ln, ln.URI())
	}
	for _, a := range listOr(l.WebSocket, DefaultWebSocket) {
		ln, err := face.ListenWebSocket(ctx, a, face.WebSocketConfig{Accept: n.accept, Logger: n.log})
		if err != nil {
			return fmt.Errorf("listeners.websocket %s: %w", a, err)
		}
		n.add(ln, ln.URI())
	}
	for _, s := range c.Strategy {
		sn, _ := strategy.ParseName(s.Strategy)
		if _, err := n.fw.SetStrategy(ndn.MustParseName(s.Prefix), sn); err != nil {
			return fmt.Errorf("strategy_choice %s: %w", s.Prefix, err)
		}
	}
	faces := map[string]uint64{} // by URI and by key
	for _, fs := range c.Faces {
		t, err := n.dial(ctx, fs, true)
		if err != nil {
			n.log.Warn("static face failed; skipping it and its routes", "uri", fs.URI, "local", fs.Local, "persistency", fs.persistency(), "err", err)
			continue
		}
		cfg := face.Config{}
		if fs.persistency() == "permanent" {
			cfg.Persistency = face.PersistencyPermanent
		}
		f := n.fw.AddFace(t, cfg)
		faces[fs.URI] = f.ID()
		faces[fs.key()] = f.ID()
		n.log.Info("static face", "face", f.ID(), "uri", fs.URI, "local", t.Info().LocalURI, "persistency", fs.persistency(), "state", f.State())
	}
	for _, r := range c.Routes {
		k := r.Face
		if r.Local != "" {
			k = faceKey(r.Face, strings.TrimPrefix(r.Local, "dev://"))
		}
		id, ok := faces[k]
		if !ok {
			continue
		}
		if err := n.addStaticRoute(ndn.MustParseName(r.Prefix), id, r.Cost); err != nil {
			return fmt.Errorf("routes %s: %w", r.Prefix, err)
		}
	}
	return nil
}

func (n *Node) add(c io.Closer, uri string) {
	n.listeners = append(n.listeners, c)
	n.uris = append(n.uris, uri)
	n.log.Info("listening", "uri", uri)
}

// dial opens a static face's transport; UDP faces go through a UDP
// listener of the same address family when there is one, so that the
// peer sees the forwarder's channel address. With background, a permanent
// TCP face that cannot connect yet is returned down and keeps connecting.
func (n *Node) dial(ctx context.Context, fs FaceSection, background bool) (face.Transport, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	kind, addr, err := faceKind(fs.URI)
	if err != nil {
		return nil, err
	}
	switch kind {
	case kindMulticast:
		return face.NewUDPMulticast(face.UDPMulticastConfig{Interface: fs.ifname(), Group: addr})
	case kindEthernet:
		cfg := face.EthernetConfig{}
		if mac, _ := net.ParseMAC(addr); mac != nil && mac.String() != face.EthernetMulticastGroup().String() {
			cfg.Remote = mac
		}
		return face.NewEthernet(fs.ifname(), cfg)
	}
	scheme, rest, _ := strings.Cut(fs.URI, "://")
	switch scheme {
	case "udp", "udp4", "udp6":
		if ap, err := netip.ParseAddrPort(rest); err == nil {
			for _, l := range n.udp {
				if l.LocalAddr().Addr().Unmap().Is4() == ap.Addr().Unmap().Is4() {
					t, err := l.Dial(ctx, rest)
					if errors.Is(err, face.ErrExists) {
						return t, nil
					}
					return t, err
				}
			}
		}
	}
	perm := fs.Persistency == "permanent"
	return face.Dial(ctx, fs.URI, face.DialConfig{TCP: face.TCPDialConfig{Permanent: perm, Background: perm && background}})
}

// persistency is the face's persistency: multicast faces are permanent,
// as NFD's.
func (fs FaceSection) persistency() string {
	switch {
	case fs.Persistency != "":
		return fs.Persistency
	case fs.multiAccess():
		return "permanent"
	}
	return "persistent"
}

// multiAccess reports whether fs is a multicast UDP or Ethernet face.
func (fs FaceSection) multiAccess() bool {
	k, addr, err := faceKind(fs.URI)
	switch {
	case err != nil:
		return false
	case k == kindMulticast:
		return true
	case k == kindEthernet:
		mac, _ := net.ParseMAC(addr)
		return mac != nil && mac.String() == face.EthernetMulticastGroup().String()
	}
	return false
}

type faceKindT uint8

const (
	kindOther faceKindT = iota
	kindMulticast
	kindEthernet
)

// faceKind classifies a static face URI: udp4/udp6 with a multicast group
// address is a multicast face, ether://[mac] an Ethernet face (the NDN
// group 01:00:5e:00:17:aa for a multi-access face, another MAC for a
// unicast one). addr is the group address:port or the MAC.
func faceKind(uri string) (k faceKindT, addr string, err error) {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return 0, "", fmt.Errorf("%q is not a FaceUri", uri)
	}
	switch scheme {
	case "udp", "udp4", "udp6":
		if ap, err := netip.ParseAddrPort(rest); err == nil && ap.Addr().IsMulticast() {
			return kindMulticast, rest, nil
		}
	case "ether":
		mac := strings.Trim(strings.TrimSuffix(rest, "/"), "[]")
		if _, err := net.ParseMAC(mac); err != nil {
			return 0, "", fmt.Errorf("%q: bad MAC address", uri)
		}
		return kindEthernet, mac, nil
	}
	return kindOther, rest, nil
}

// Close closes the listeners (removing Unix socket files), then the
// forwarder and its faces, waiting up to a second for face goroutines.
func (n *Node) Close() error {
	var errs []error
	for _, l := range n.listeners {
		if err := l.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	faces := n.fw.Faces()
	n.fw.Close()
	deadline := time.After(time.Second)
	for _, f := range faces {
		select {
		case <-f.Done():
		case <-deadline:
			return errors.Join(append(errs, errors.New("daemon: faces did not close within 1 s"))...)
		}
	}
	return errors.Join(errs...)
}
