package face

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// DefaultUnixPath is NFD's Unix socket path on Linux.
const DefaultUnixPath = "/run/nfd/nfd.sock"

// AcceptFunc receives each transport a listener creates for a new peer. It
// runs on the listener's goroutine: it must not block for long (wrap the
// transport in a Face and start it, or hand it to another goroutine). The
// callee owns the transport and must Close it eventually.
type AcceptFunc func(t Transport)

// StreamListenerConfig configures a Unix or TCP listener. The zero value is
// usable: it listens on DefaultUnixPath (Unix) and logs to slog.Default.
type StreamListenerConfig struct {
	// Accept receives every accepted transport. Required.
	Accept AcceptFunc
	// SocketMode is the permission of a Unix socket file; default 0o666 so
	// that unprivileged applications can connect, as with NFD.
	SocketMode fs.FileMode
	// LocalPrefixes lists the networks whose TCP peers get ScopeLocal when the
	// listener address is also in them; default 127.0.0.0/8 and ::1/128.
	LocalPrefixes []netip.Prefix
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (c *StreamListenerConfig) applyDefaults() {
	if c.SocketMode == 0 {
		c.SocketMode = 0o666
	}
	if c.LocalPrefixes == nil {
		c.LocalPrefixes = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// StreamListener accepts Unix-stream or TCP connections and turns each into
// a Transport handed to Config.Accept. It runs one accept goroutine.
type StreamListener struct {
	ln     net.Listener
	cfg    StreamListenerConfig
	uri    string
	path   string // unix socket path, removed on Close
	done   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup
}

// ListenUnix listens on the Unix stream socket at path (DefaultUnixPath when
// empty). It creates the parent directory if needed. A stale socket file (one
// nobody answers on) is removed; if a live listener answers, it returns
// ErrAddrInUse. The socket file is removed on Close.
func ListenUnix(ctx context.Context, path string, cfg StreamListenerConfig) (*StreamListener, error) {
	cfg.applyDefaults()
	if path == "" {
		path = DefaultUnixPath
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("face: unix listener: %w", err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("face: unix listener: %s exists and is not a socket: %w", path, ErrAddrInUse)
		}
		d := net.Dialer{Timeout: time.Second}
		if c, err := d.DialContext(ctx, "unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("face: unix listener %s: %w", path, ErrAddrInUse)
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("face: removing stale socket: %w", err)
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("face: unix listener: %w", err)
	}
	if err := os.Chmod(path, cfg.SocketMode); err != nil {
		ln.Close()
		return nil, fmt.Errorf("face: unix listener: %w", err)
	}
	l := &StreamListener{ln: ln, cfg: cfg, uri: "unix://" + path, path: path, done: make(chan struct{})}
	l.start()
	return l, nil
}

// ListenTCP listens on a TCP address such as "127.0.0.1:6363" or "[::1]:6363".
func ListenTCP(ctx context.Context, addr string, cfg StreamListenerConfig) (*StreamListener, error) {
	cfg.applyDefaults()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("face: tcp listener: %w", err)
	}
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	l := &StreamListener{ln: ln, cfg: cfg, uri: tcpURI(ap), done: make(chan struct{})}
	l.start()
	return l, nil
}

// URI returns the listener's local FaceUri, e.g. "unix:///run/nfd/nfd.sock"
// or "tcp4://127.0.0.1:6363".
func (l *StreamListener) URI() string { return l.uri }

// Addr returns the listening address.
func (l *StreamListener) Addr() net.Addr { return l.ln.Addr() }

func (l *StreamListener) start() {
	l.wg.Add(1)
	go l.routineAccept()
}

func (l *StreamListener) routineAccept() {
	defer l.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		c, err := l.ln.Accept()
		if err != nil {
			select {
			case <-l.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait and retry.
			l.cfg.Logger.Warn("accept failed", "listener", l.uri, "err", err)
			select {
			case <-time.After(backoff):
			case <-l.done:
				return
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		l.cfg.Accept(l.wrap(c))
	}
}

func (l *StreamListener) wrap(c net.Conn) Transport {
	info := TransportInfo{LocalURI: l.uri, LinkType: LinkPointToPoint, OnDemand: true}
	switch c := c.(type) {
	case *net.TCPConn:
		tuneTCP(c)
		la := c.LocalAddr().(*net.TCPAddr).AddrPort()
		ra := c.RemoteAddr().(*net.TCPAddr).AddrPort()
		info.LocalURI, info.RemoteURI = tcpURI(la), tcpURI(ra)
		info.Scope = l.scopeOf(la.Addr(), ra.Addr())
	case *net.UnixConn:
		info.Scope = ScopeLocal
		info.RemoteURI = "fd://" + strconv.Itoa(connFD(c))
	}
	return newStreamTransport(c, info)
}

func (l *StreamListener) scopeOf(local, remote netip.Addr) Scope {
	return tcpScope(l.cfg.LocalPrefixes, local, remote)
}

func tcpScope(prefixes []netip.Prefix, local, remote netip.Addr) Scope {
	local, remote = local.Unmap(), remote.Unmap()
	in := func(a netip.Addr) bool {
		for _, p := range prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if in(local) && in(remote) {
		return ScopeLocal
	}
	return ScopeNonLocal
}

// Close stops accepting, waits for the accept goroutine and removes a Unix
// socket file. Transports already accepted stay open.
func (l *StreamListener) Close() error {
	var err error
	l.closed.Do(func() {
		close(l.done)
		err = l.ln.Close()
		l.wg.Wait()
		if l.path != "" {
			os.Remove(l.path)
		}
	})
	return err
}

func tcpURI(ap netip.AddrPort) string {
	a := ap.Addr().Unmap()
	if a.Is4() {
		return "tcp4://" + netip.AddrPortFrom(a, ap.Port()).String()
	}
	return "tcp6://" + netip.AddrPortFrom(a, ap.Port()).String()
}

func tuneTCP(c *net.TCPConn) {
	c.SetNoDelay(true)
	c.SetKeepAlive(true)
}

// connFD returns the file descriptor number of c, used in "fd://N" URIs.
func connFD(c *net.UnixConn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	rc.Control(func(f uintptr) { fd = int(f) })
	return fd
}
