package face

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// udpBatch is the recvmmsg/sendmmsg batch size (MEASUREMENTS.md: 64 was the
// fastest measured).
const udpBatch = 64

// DefaultUDPMTU is the MTU of unicast UDP faces, as NFD's unicast_mtu.
const DefaultUDPMTU = 8800

// DefaultSocketBuffer is the SO_RCVBUF/SO_SNDBUF size UDP sockets request.
const DefaultSocketBuffer = 4 << 20

// rawSocket is a blocking socket file descriptor (UDP or AF_PACKET) outside Go's netpoller,
// so that recvmmsg/sendmmsg block in the kernel. Readers and writers hold mu
// for reading during a system call; close shuts the socket down (waking them)
// and then closes the descriptor under the write lock, so a descriptor number
// is never used after it may have been reused.
type rawSocket struct {
	fd    int
	v4    bool
	local netip.AddrPort

	closing atomic.Bool
	// refused is set when a receive reported ECONNREFUSED (an ICMP port
	// unreachable on a connected socket): the next send reports it, so
	// that the face sees it whichever call the kernel gave it to.
	refused atomic.Bool
	mu      sync.RWMutex
	closed  bool
}

func openUDP(local netip.AddrPort, remote netip.AddrPort, bufSize int) (*rawSocket, error) {
	v4 := local.Addr().Unmap().Is4()
	if !local.IsValid() {
		v4 = remote.Addr().Unmap().Is4()
		if v4 {
			local = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
		} else {
			local = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
		}
	}
	family := unix.AF_INET6
	if v4 {
		family = unix.AF_INET
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("face: udp socket: %w", err)
	}
	s := &rawSocket{fd: fd, v4: v4}
	fail := func(what string, err error) (*rawSocket, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("face: udp %s %v: %w", what, local, err)
	}
	if local.Port() != 0 {
		// A channel's well-known port may be rebound while old sockets
		// linger. An ephemeral bind must not share: with SO_REUSEADDR
		// Linux may give two sockets one port, and with one peer then
		// one 4-tuple, so that one of them receives nothing.
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	}
	if !v4 {
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
	}
	setSocketBuffers(fd, bufSize)
	// A receive timeout bounds how long a blocked reader takes to notice
	// close should the shutdown wake-up be missed.
	tv := unix.NsecToTimeval(int64(500 * time.Millisecond))
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	if err := unix.Bind(fd, toSockaddr(local, v4)); err != nil {
		return fail("bind", err)
	}
	if remote.IsValid() {
		if err := unix.Connect(fd, toSockaddr(remote, v4)); err != nil {
			return fail("connect", err)
		}
	}
	lsa, err := unix.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	switch a := lsa.(type) {
	case *unix.SockaddrInet4:
		s.local = netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *unix.SockaddrInet6:
		s.local = netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port))
	}
	return s, nil
}

func toSockaddr(ap netip.AddrPort, v4 bool) unix.Sockaddr {
	if v4 {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().Unmap().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

func (s *rawSocket) close() {
	s.closing.Store(true)
	unix.Shutdown(s.fd, unix.SHUT_RDWR)
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		unix.Close(s.fd)
	}
	s.mu.Unlock()
}

// recv reads a batch into bufs (each BufferSize) with MSG_WAITFORONE. It
// returns ErrClosed once the socket is closing; it returns 0, nil on a
// receive timeout.
func (s *rawSocket) recv(b *mmsgBatch, bufs [][]byte, sizes []int, withNames bool) (int, error) {
	k := min(len(bufs), len(b.hdrs))
	for i := range k {
		b.iovs[i].Base = &bufs[i][:1][0]
		b.iovs[i].SetLen(cap(bufs[i]))
		if withNames {
			b.hdrs[i].Hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
			b.hdrs[i].Hdr.Namelen = unix.SizeofSockaddrInet6
		} else {
			b.hdrs[i].Hdr.Name = nil
			b.hdrs[i].Hdr.Namelen = 0
		}
		b.hdrs[i].Len = 0
	}
	s.mu.RLock()
	if s.closed || s.closing.Load() {
		s.mu.RUnlock()
		return 0, ErrClosed
	}
	n, err := recvmmsg(s.fd, b.hdrs[:k], unix.MSG_WAITFORONE)
	s.mu.RUnlock()
	if s.closing.Load() {
		return 0, ErrClosed
	}
	if err != nil {
		switch {
		case errors.Is(err, unix.ECONNREFUSED):
			s.refused.Store(true)
			return 0, nil
		case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINTR):
			return 0, nil
		}
		return 0, fmt.Errorf("face: recvmmsg: %w", err)
	}
	for i := range n {
		sizes[i] = int(b.hdrs[i].Len)
		if b.hdrs[i].Hdr.Flags&unix.MSG_TRUNC != 0 {
			sizes[i] = 0 // truncated datagram: the caller drops empty frames
		}
	}
	return n, nil
}

// send writes every frame as one datagram, to dest (nil on a connected
// socket). Empty frames are skipped.
func (s *rawSocket) send(b *mmsgBatch, frames [][]byte, dest *unix.RawSockaddrInet6, destLen uint32) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed || s.closing.Load() {
		return ErrClosed
	}
	var firstErr error
	if s.refused.Swap(false) {
		firstErr = fmt.Errorf("face: recvmmsg: %w", unix.ECONNREFUSED)
	}
	for len(frames) > 0 {
		k := 0
		taken := 0
		for taken < len(frames) && k < len(b.hdrs) {
			f := frames[taken]
			taken++
			if len(f) == 0 {
				continue
			}
			b.iovs[k].Base = &f[0]
			b.iovs[k].SetLen(len(f))
			b.hdrs[k].Hdr.Name = (*byte)(unsafe.Pointer(dest))
			b.hdrs[k].Hdr.Namelen = destLen
			k++
		}
		frames = frames[taken:]
		for sent := 0; sent < k; {
			n, err := sendmmsg(s.fd, b.hdrs[sent:k], 0)
			if err != nil {
				if errors.Is(err, unix.EINTR) {
					continue
				}
				if s.closing.Load() {
					return ErrClosed
				}
				// The first message failed (e.g. ECONNREFUSED from an
				// earlier ICMP error): skip it and go on.
				if firstErr == nil {
					firstErr = fmt.Errorf("face: sendmmsg: %w", err)
				}
				n = 1
			}
			sent += n
		}
		for i := range k {
			b.iovs[i].Base = nil
		}
	}
	return firstErr
}

// UDPListenerConfig configures ListenUDP. The zero value is usable except for
// Accept, which is required.
type UDPListenerConfig struct {
	// Accept receives the transport of each new remote endpoint, created
	// when its first datagram arrives (on-demand).
	Accept AcceptFunc
	// Pool supplies receive buffers; default a new Pool.
	Pool *Pool
	// MTU of the transports; default DefaultUDPMTU (8800).
	MTU int
	// SocketBuffer is the SO_RCVBUF/SO_SNDBUF size; default
	// DefaultSocketBuffer (4 MB); SO_*BUFFORCE is used when privileged.
	SocketBuffer int
	// Queue is how many received datagrams each transport buffers until its
	// face reads them; more are dropped and counted. Default 1024.
	Queue int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (c *UDPListenerConfig) applyDefaults() {
	if c.Pool == nil {
		c.Pool = NewPool()
	}
	if c.MTU <= 0 {
		c.MTU = DefaultUDPMTU
	}
	if c.SocketBuffer == 0 {
		c.SocketBuffer = DefaultSocketBuffer
	}
	if c.Queue <= 0 {
		c.Queue = 1024
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// UDPListener is a unicast UDP channel on one local address. One goroutine,
// locked to its OS thread, reads the blocking socket with recvmmsg in batches
// of 64 and demultiplexes datagrams by remote endpoint to per-peer transports;
// a datagram from an unknown peer creates a transport and hands it to
// Config.Accept. All transports send through the listener's socket with
// sendmmsg, so peers see one address, as with NFD.
type UDPListener struct {
	sock *rawSocket
	cfg  UDPListenerConfig
	uri  string

	mu    sync.RWMutex // protects peers
	peers map[netip.AddrPort]*udpTransport

	wg        sync.WaitGroup
	closeOnce sync.Once

	// RxDropped counts datagrams dropped because a transport's queue was
	// full or the datagram was truncated.
	RxDropped atomic.Uint64
}

// ListenUDP opens a UDP channel on addr, such as "127.0.0.1:6363" or
// "[::1]:6363" (an IPv6 listener is IPv6-only).
func ListenUDP(ctx context.Context, addr string, cfg UDPListenerConfig) (*UDPListener, error) {
	cfg.applyDefaults()
	ap, err := resolveUDP(ctx, "ip", addr)
	if err != nil {
		return nil, err
	}
	s, err := openUDP(ap, netip.AddrPort{}, cfg.SocketBuffer)
	if err != nil {
		return nil, err
	}
	l := &UDPListener{sock: s, cfg: cfg, uri: udpURI(s.local), peers: make(map[netip.AddrPort]*udpTransport)}
	l.wg.Add(1)
	go l.routineReceive()
	return l, nil
}

// resolveUDP resolves "host:port"; network is "ip", "ip4" or "ip6" and
// restricts which address family a host name may resolve to.
func resolveUDP(ctx context.Context, network, addr string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return ap, nil
	}
	ua, err := net.DefaultResolver.LookupNetIP(ctx, network, hostOf(addr))
	if err != nil || len(ua) == 0 {
		return netip.AddrPort{}, fmt.Errorf("face: resolve %q: %w", addr, errors.Join(ErrURI, err))
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("face: %q: %w", addr, ErrURI)
	}
	pa, err := net.LookupPort("udp", port)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("face: %q: %w", addr, ErrURI)
	}
	return netip.AddrPortFrom(ua[0].Unmap(), uint16(pa)), nil
}

func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}

func udpURI(ap netip.AddrPort) string {
	a := ap.Addr().Unmap()
	if a.Is4() {
		return "udp4://" + netip.AddrPortFrom(a, ap.Port()).String()
	}
	return "udp6://" + ap.String()
}

// URI returns the listener's FaceUri, e.g. "udp4://127.0.0.1:6363".
func (l *UDPListener) URI() string { return l.uri }

// LocalAddr returns the bound address (useful after binding port 0).
func (l *UDPListener) LocalAddr() netip.AddrPort { return l.sock.local }

func (l *UDPListener) routineReceive() {
	defer l.wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pool := l.cfg.Pool
	b := newMmsgBatch(udpBatch)
	bufs := make([][]byte, udpBatch)
	sizes := make([]int, udpBatch)
	for i := range bufs {
		bufs[i] = pool.Get()
	}
	defer func() {
		for _, buf := range bufs {
			pool.Put(buf)
		}
	}()
	var last *udpTransport
	for {
		n, err := l.sock.recv(b, bufs, sizes, true)
		if err != nil {
			if errors.Is(err, ErrClosed) {
				return
			}
			l.cfg.Logger.Warn("udp receive failed", "listener", l.uri, "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		for i := range n {
			if sizes[i] == 0 {
				l.RxDropped.Add(1)
				continue
			}
			from := addrPortFromSockaddr(&b.names[i])
			t := last
			if t == nil || t.remote != from || t.isClosed() {
				t = l.lookup(from)
				if t == nil {
					continue
				}
				last = t
			}
			select {
			case t.rx <- bufs[i][:sizes[i]]:
				bufs[i] = pool.Get()
			default:
				l.RxDropped.Add(1)
			}
		}
	}
}

// lookup returns the transport of remote, creating an on-demand one.
func (l *UDPListener) lookup(remote netip.AddrPort) *udpTransport {
	l.mu.RLock()
	t := l.peers[remote]
	l.mu.RUnlock()
	if t != nil && !t.isClosed() {
		return t
	}
	t, created := l.add(remote, true)
	if created {
		l.cfg.Accept(udpPeer{t})
	}
	return t
}

func (l *UDPListener) add(remote netip.AddrPort, onDemand bool) (*udpTransport, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.peers[remote]; t != nil && !t.isClosed() {
		return t, false
	}
	if l.sock.closing.Load() {
		return nil, false
	}
	t := &udpTransport{
		sock: l.sock, ln: l, remote: remote, pool: l.cfg.Pool,
		rx:   make(chan []byte, l.cfg.Queue),
		wb:   newMmsgBatch(udpBatch),
		done: make(chan struct{}),
		info: TransportInfo{
			LocalURI: l.uri, RemoteURI: udpURI(remote), Scope: ScopeNonLocal,
			LinkType: LinkPointToPoint, MTU: l.cfg.MTU, OnDemand: onDemand,
		},
	}
	t.destLen = sockaddrFromAddrPort(&t.dest, remote, l.sock.v4)
	l.peers[remote] = t
	return t, true
}

func (l *UDPListener) remove(t *udpTransport) {
	l.mu.Lock()
	if l.peers[t.remote] == t {
		delete(l.peers, t.remote)
	}
	l.mu.Unlock()
}

// Dial returns a (not on-demand) transport to remote ("host:port") that shares
// the listener's socket. If a transport for remote exists, it returns that
// one together with ErrExists.
func (l *UDPListener) Dial(ctx context.Context, remote string) (Transport, error) {
	network := "ip6"
	if l.sock.v4 {
		network = "ip4"
	}
	ap, err := resolveUDP(ctx, network, remote)
	if err != nil {
		return nil, err
	}
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	if ap.Addr().Is4() != l.sock.v4 {
		return nil, fmt.Errorf("face: %v: address family differs from listener %s: %w", ap, l.uri, ErrURI)
	}
	t, created := l.add(ap, false)
	if t == nil {
		return nil, ErrClosed
	}
	if !created {
		return udpPeer{t}, ErrExists
	}
	return udpPeer{t}, nil
}

// udpPeer is the Transport a UDPListener hands out for one remote endpoint:
// its Read exchanges the listener's buffers for the caller's.
type udpPeer struct{ *udpTransport }

var _ BufferExchanger = udpPeer{}

// Recycle returns a buffer to the listener's pool (BufferExchanger).
func (p udpPeer) Recycle(b []byte) { p.pool.Put(b) }

// Close closes the socket and every transport of the listener, and waits for
// the receive goroutine to exit.
func (l *UDPListener) Close() error {
	l.closeOnce.Do(func() {
		l.sock.close()
		l.wg.Wait()
		l.mu.Lock()
		peers := make([]*udpTransport, 0, len(l.peers))
		for _, t := range l.peers {
			peers = append(peers, t)
		}
		l.mu.Unlock()
		for _, t := range peers {
			t.Close()
		}
	})
	return nil
}

// udpTransport is one UDP peer: either demultiplexed from a UDPListener
// (ln != nil, frames arrive on rx) or a connected socket of its own.
type udpTransport struct {
	sock    *rawSocket
	info    TransportInfo
	remote  netip.AddrPort
	dest    unix.RawSockaddrInet6
	destLen uint32

	ln   *UDPListener
	rx   chan []byte
	pool *Pool

	wb *mmsgBatch // write scratch, used by the Write goroutine only
	rb *mmsgBatch // read scratch of a connected socket

	locked    bool // the Read goroutine is locked to its OS thread
	closeOnce sync.Once
	done      chan struct{}
}

var _ Transport = (*udpTransport)(nil)

func (t *udpTransport) Info() TransportInfo { return t.info }

func (t *udpTransport) BatchSize() int { return udpBatch }

func (t *udpTransport) isClosed() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

func (t *udpTransport) Read(bufs [][]byte, sizes []int) (int, error) {
	if t.ln == nil {
		return t.readConnected(bufs, sizes)
	}
	var f []byte
	select {
	case f = <-t.rx:
	case <-t.done:
		return 0, ErrClosed
	}
	n := 0
	for {
		if cap(bufs[n]) == BufferSize {
			t.pool.Put(bufs[n])
		}
		bufs[n], sizes[n] = f[:BufferSize], len(f)
		n++
		if n == len(bufs) {
			return n, nil
		}
		select {
		case f = <-t.rx:
		default:
			return n, nil
		}
	}
}

func (t *udpTransport) readConnected(bufs [][]byte, sizes []int) (int, error) {
	if !t.locked {
		// The face's receive goroutine stays on this thread for its life
		// (a goroutine that exits while locked takes its thread with it).
		runtime.LockOSThread()
		t.locked = true
	}
	for {
		n, err := t.sock.recv(t.rb, bufs, sizes, false)
		if err != nil || n > 0 {
			return n, err
		}
	}
}

func (t *udpTransport) Write(frames [][]byte) error {
	if t.isClosed() {
		return ErrClosed
	}
	if t.ln == nil {
		return t.sock.send(t.wb, frames, nil, 0)
	}
	return t.sock.send(t.wb, frames, &t.dest, t.destLen)
}

func (t *udpTransport) Close() error {
	t.closeOnce.Do(func() {
		// Leave the listener's table first, so that its next datagram from
		// this peer creates a new transport rather than landing here.
		if t.ln != nil {
			t.ln.remove(t)
		}
		close(t.done)
		if t.ln != nil {
			for {
				select {
				case f := <-t.rx:
					t.pool.Put(f)
					continue
				default:
				}
				break
			}
		} else {
			t.sock.close()
		}
	})
	return nil
}

// UDPDialConfig configures DialUDP. The zero value is usable.
type UDPDialConfig struct {
	// LocalAddr to bind, e.g. "127.0.0.1:0"; default any address, any port.
	LocalAddr string
	// MTU; default DefaultUDPMTU.
	MTU int
	// SocketBuffer as UDPListenerConfig.SocketBuffer.
	SocketBuffer int
}

// DialUDP opens a connected UDP socket of its own to remote ("host:port").
// Its Read calls recvmmsg directly into the caller's buffers and locks the
// calling goroutine to its OS thread. Use UDPListener.Dial instead when the
// forwarder has a channel on the local address.
func DialUDP(ctx context.Context, remote string, cfg UDPDialConfig) (Transport, error) {
	return dialUDP(ctx, "ip", remote, cfg)
}

func dialUDP(ctx context.Context, network, remote string, cfg UDPDialConfig) (Transport, error) {
	if cfg.MTU <= 0 {
		cfg.MTU = DefaultUDPMTU
	}
	if cfg.SocketBuffer == 0 {
		cfg.SocketBuffer = DefaultSocketBuffer
	}
	rap, err := resolveUDP(ctx, network, remote)
	if err != nil {
		return nil, err
	}
	rap = netip.AddrPortFrom(rap.Addr().Unmap(), rap.Port())
	var lap netip.AddrPort
	if cfg.LocalAddr != "" {
		if lap, err = resolveUDP(ctx, network, cfg.LocalAddr); err != nil {
			return nil, err
		}
	}
	s, err := openUDP(lap, rap, cfg.SocketBuffer)
	if err != nil {
		return nil, err
	}
	t := &udpTransport{
		sock: s, remote: rap,
		wb:   newMmsgBatch(udpBatch),
		rb:   newMmsgBatch(udpBatch),
		done: make(chan struct{}),
		info: TransportInfo{
			LocalURI: udpURI(s.local), RemoteURI: udpURI(rap), Scope: ScopeNonLocal,
			LinkType: LinkPointToPoint, MTU: cfg.MTU,
		},
	}
	return t, nil
}
