package face

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DialUnix connects to the Unix stream socket at path (DefaultUnixPath when
// empty), typically a forwarder's application socket.
func DialUnix(ctx context.Context, path string) (Transport, error) {
	if path == "" {
		path = DefaultUnixPath
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("face: dial unix: %w", err)
	}
	info := TransportInfo{
		LocalURI:  "fd://" + fmt.Sprint(connFD(c.(*net.UnixConn))),
		RemoteURI: "unix://" + path,
		Scope:     ScopeLocal,
	}
	return newStreamTransport(c, info), nil
}

// TCPDialConfig configures DialTCP. The zero value dials once, persistent.
type TCPDialConfig struct {
	// Permanent makes the transport reconnect with exponential backoff when
	// the connection fails, instead of failing Read; the face then goes Down
	// and Up again (LinkStateNotifier).
	Permanent bool
	// Background, with Permanent, makes a failed first connection attempt
	// no error: DialTCP returns the transport down (its face starts Down)
	// and it keeps connecting with the same backoff, as for a router that
	// starts before its neighbour. Only an address that does not resolve
	// fails. Ignored without Permanent.
	Background bool
	// MinBackoff is the first reconnect delay; default 100 ms.
	MinBackoff time.Duration
	// MaxBackoff caps the reconnect delay; default 30 s.
	MaxBackoff time.Duration
	// LocalPrefixes: as StreamListenerConfig.LocalPrefixes.
	LocalPrefixes []netip.Prefix
}

func (c *TCPDialConfig) applyDefaults() {
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.LocalPrefixes == nil {
		c.LocalPrefixes = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
}

// DialTCP connects to a TCP address such as "127.0.0.1:6363". The first
// connection attempt must succeed, unless cfg.Permanent and cfg.Background
// are both set.
func DialTCP(ctx context.Context, addr string, cfg TCPDialConfig) (Transport, error) {
	return dialTCP(ctx, "tcp", addr, cfg)
}

func dialTCP(ctx context.Context, network, addr string, cfg TCPDialConfig) (Transport, error) {
	cfg.applyDefaults()
	st, err := dialTCPOnce(ctx, network, addr, cfg.LocalPrefixes)
	if err != nil {
		if !cfg.Permanent || !cfg.Background {
			return nil, err
		}
		ra, rerr := resolveTCP(ctx, network, addr)
		if rerr != nil {
			return nil, rerr
		}
		// Down until the Read goroutine connects; the local address is
		// not known yet.
		unspec := netip.IPv6Unspecified()
		if ra.Addr().Is4() {
			unspec = netip.IPv4Unspecified()
		}
		info := TransportInfo{
			LocalURI:  tcpURI(netip.AddrPortFrom(unspec, 0)),
			RemoteURI: tcpURI(ra),
			Scope:     tcpScope(cfg.LocalPrefixes, ra.Addr(), ra.Addr()),
		}
		return &reconnectingTransport{network: network, addr: addr, cfg: cfg, info: info, done: make(chan struct{})}, nil
	}
	if !cfg.Permanent {
		return st, nil
	}
	t := &reconnectingTransport{network: network, addr: addr, cfg: cfg, info: st.info, done: make(chan struct{})}
	t.cur.Store(st)
	return t, nil
}

// resolveTCP resolves addr ("host:port") to one address of network.
func resolveTCP(ctx context.Context, network, addr string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("face: %q: %w", addr, ErrURI)
	}
	pn, err := net.DefaultResolver.LookupPort(ctx, network, port)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("face: %q: %w", addr, errors.Join(ErrURI, err))
	}
	ipnet := "ip"
	switch network {
	case "tcp4":
		ipnet = "ip4"
	case "tcp6":
		ipnet = "ip6"
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, ipnet, host)
	if err != nil || len(ips) == 0 {
		return netip.AddrPort{}, fmt.Errorf("face: resolve %q: %w", addr, errors.Join(ErrURI, err))
	}
	return netip.AddrPortFrom(ips[0].Unmap(), uint16(pn)), nil
}

func dialTCPOnce(ctx context.Context, network, addr string, prefixes []netip.Prefix) (*streamTransport, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("face: dial tcp: %w", err)
	}
	tc := c.(*net.TCPConn)
	tuneTCP(tc)
	la := tc.LocalAddr().(*net.TCPAddr).AddrPort()
	ra := tc.RemoteAddr().(*net.TCPAddr).AddrPort()
	info := TransportInfo{
		LocalURI:  tcpURI(la),
		RemoteURI: tcpURI(ra),
		Scope:     tcpScope(prefixes, la.Addr(), ra.Addr()),
	}
	return newStreamTransport(tc, info), nil
}

// reconnectingTransport is a permanent TCP transport: its Read goroutine
// replaces a failed connection after a backoff delay.
type reconnectingTransport struct {
	network string
	addr    string
	cfg     TCPDialConfig
	info    TransportInfo

	cur     atomic.Pointer[streamTransport] // nil while down
	notify  atomic.Pointer[func(up bool)]
	stateMu sync.Mutex // orders link-state notifications
	done    chan struct{}
	closeMu sync.Mutex
	closed  bool
}

var (
	_ Transport         = (*reconnectingTransport)(nil)
	_ LinkStateNotifier = (*reconnectingTransport)(nil)
)

func (t *reconnectingTransport) Info() TransportInfo { return t.info }
func (t *reconnectingTransport) BatchSize() int      { return streamBatch }

// NotifyLinkState implements LinkStateNotifier; fn is called at once with
// false when the transport is down (Background).
func (t *reconnectingTransport) NotifyLinkState(fn func(up bool)) {
	t.stateMu.Lock()
	defer t.stateMu.Unlock()
	t.notify.Store(&fn)
	if t.cur.Load() == nil {
		fn(false)
	}
}

func (t *reconnectingTransport) setUp(up bool) {
	t.stateMu.Lock()
	defer t.stateMu.Unlock()
	if fn := t.notify.Load(); fn != nil {
		(*fn)(up)
	}
}

func (t *reconnectingTransport) Read(bufs [][]byte, sizes []int) (int, error) {
	for {
		st := t.cur.Load()
		if st == nil {
			if err := t.reconnect(); err != nil {
				return 0, err
			}
			continue
		}
		n, err := st.Read(bufs, sizes)
		if err == nil || n > 0 {
			return n, nil
		}
		st.Close()
		t.cur.CompareAndSwap(st, nil)
		select {
		case <-t.done:
			return 0, ErrClosed
		default:
		}
		t.setUp(false)
	}
}

// reconnect dials until it succeeds or the transport is closed.
func (t *reconnectingTransport) reconnect() error {
	delay := t.cfg.MinBackoff
	for {
		select {
		case <-t.done:
			return ErrClosed
		case <-time.After(delay):
		}
		ctx, cancel := context.WithTimeout(context.Background(), max(delay, time.Second))
		go func() {
			select {
			case <-t.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		st, err := dialTCPOnce(ctx, t.network, t.addr, t.cfg.LocalPrefixes)
		cancel()
		if err == nil {
			t.closeMu.Lock()
			if t.closed {
				t.closeMu.Unlock()
				st.Close()
				return ErrClosed
			}
			t.cur.Store(st)
			t.closeMu.Unlock()
			t.setUp(true)
			return nil
		}
		delay = min(2*delay, t.cfg.MaxBackoff)
	}
}

func (t *reconnectingTransport) Write(frames [][]byte) error {
	st := t.cur.Load()
	if st == nil {
		return ErrDown
	}
	if err := st.Write(frames); err != nil {
		// Make the Read goroutine notice and reconnect.
		st.Close()
		if errors.Is(err, ErrClosed) {
			return ErrDown
		}
		return fmt.Errorf("%w: %w", ErrDown, err)
	}
	return nil
}

func (t *reconnectingTransport) Close() error {
	t.closeMu.Lock()
	defer t.closeMu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	close(t.done)
	if st := t.cur.Load(); st != nil {
		st.Close()
	}
	return nil
}
