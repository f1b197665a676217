package face

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// DefaultWebSocketPort is NFD's WebSocket port.
const DefaultWebSocketPort = 9696

// WebSocketConfig configures a WebSocket server (WebSocketHandler,
// ListenWebSocket). The zero value is usable except for Accept.
type WebSocketConfig struct {
	// Accept receives each connected client's transport (on-demand).
	Accept AcceptFunc
	// OriginPatterns restricts which page origins may connect (host
	// patterns as in path.Match, e.g. "example.com", "*.example.com").
	// Default: any origin, as NFD does, so that any web page can reach the
	// local forwarder; set it when the forwarder should serve only some sites.
	OriginPatterns []string
	// LocalPrefixes: as StreamListenerConfig.LocalPrefixes.
	LocalPrefixes []netip.Prefix
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// WebSocketHandler returns an http.Handler that upgrades each request to a
// WebSocket carrying one NDN packet per binary message (as NFD and NDNts do)
// and hands its transport to cfg.Accept. localURI names the server, e.g.
// "ws://127.0.0.1:9696". Mount it on any http.Server or mux.
func WebSocketHandler(localURI string, cfg WebSocketConfig) http.Handler {
	if cfg.LocalPrefixes == nil {
		cfg.LocalPrefixes = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &wsHandler{uri: localURI, cfg: cfg}
}

type wsHandler struct {
	uri string
	cfg WebSocketConfig
}

func (h *wsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	opts := &websocket.AcceptOptions{OriginPatterns: h.cfg.OriginPatterns, InsecureSkipVerify: len(h.cfg.OriginPatterns) == 0}
	c, err := websocket.Accept(w, r, opts)
	if err != nil {
		h.cfg.Logger.Debug("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	info := TransportInfo{LocalURI: h.uri, LinkType: LinkPointToPoint, OnDemand: true}
	ra, err1 := netip.ParseAddrPort(r.RemoteAddr)
	if err1 == nil {
		info.RemoteURI = "wsclient://" + netip.AddrPortFrom(ra.Addr().Unmap(), ra.Port()).String()
	} else {
		info.RemoteURI = "wsclient://" + r.RemoteAddr
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && err1 == nil {
		if ta, ok := la.(*net.TCPAddr); ok {
			info.Scope = tcpScope(h.cfg.LocalPrefixes, ta.AddrPort().Addr(), ra.Addr())
		}
	}
	h.cfg.Accept(newWSTransport(c, info))
}

// WebSocketListener is an HTTP server that serves WebSocketHandler on "/".
type WebSocketListener struct {
	srv *http.Server
	ln  net.Listener
	uri string
	wg  sync.WaitGroup
}

// ListenWebSocket serves WebSocket clients on addr (e.g. "127.0.0.1:9696"),
// plain HTTP (put a TLS-terminating proxy in front for wss://, as with NFD).
func ListenWebSocket(ctx context.Context, addr string, cfg WebSocketConfig) (*WebSocketListener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("face: websocket listener: %w", err)
	}
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	uri := "ws://" + netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
	l := &WebSocketListener{ln: ln, uri: uri}
	l.srv = &http.Server{Handler: WebSocketHandler(uri, cfg), ReadHeaderTimeout: 10 * time.Second}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.srv.Serve(ln)
	}()
	return l, nil
}

// URI returns the listener's FaceUri, e.g. "ws://127.0.0.1:9696".
func (l *WebSocketListener) URI() string { return l.uri }

// Addr returns the listening address.
func (l *WebSocketListener) Addr() net.Addr { return l.ln.Addr() }

// Close stops accepting; connected transports stay open.
func (l *WebSocketListener) Close() error {
	err := l.srv.Close()
	l.wg.Wait()
	return err
}

// DialWebSocket connects to a WebSocket server such as "ws://host:9696/".
func DialWebSocket(ctx context.Context, url string) (Transport, error) {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("face: dial websocket: %w", err)
	}
	return newWSTransport(c, TransportInfo{LocalURI: "wsclient://", RemoteURI: url, LinkType: LinkPointToPoint}), nil
}

// wsTransport carries one frame per binary WebSocket message. Text messages
// are delivered as empty frames, which the face counts as malformed.
//
// Reads and writes pass context.Background(): a cancellable context would
// cost the library several allocations per message; Close unblocks them by
// closing the connection instead.
type wsTransport struct {
	c         *websocket.Conn
	info      TransportInfo
	closeOnce sync.Once
	closed    chan struct{}
}

var _ Transport = (*wsTransport)(nil)

func newWSTransport(c *websocket.Conn, info TransportInfo) *wsTransport {
	c.SetReadLimit(MaxFrameLen)
	return &wsTransport{c: c, info: info, closed: make(chan struct{})}
}

func (t *wsTransport) Info() TransportInfo { return t.info }

// BatchSize is 1: a WebSocket connection offers no way to know whether a
// further message is ready without blocking.
func (t *wsTransport) BatchSize() int { return 1 }

func (t *wsTransport) Read(bufs [][]byte, sizes []int) (int, error) {
	typ, r, err := t.c.Reader(context.Background())
	if err != nil {
		if t.isClosed() {
			return 0, ErrClosed
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) || errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, err
	}
	b := bufs[0][:cap(bufs[0])]
	n := 0
	for {
		m, err := r.Read(b[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		if n == len(b) {
			return 0, ErrFrameTooLarge
		}
	}
	if typ != websocket.MessageBinary {
		n = 0
	}
	sizes[0] = n
	return 1, nil
}

func (t *wsTransport) Write(frames [][]byte) error {
	for _, f := range frames {
		if err := t.c.Write(context.Background(), websocket.MessageBinary, f); err != nil {
			if t.isClosed() {
				return ErrClosed
			}
			return err
		}
	}
	return nil
}

func (t *wsTransport) isClosed() bool {
	select {
	case <-t.closed:
		return true
	default:
		return false
	}
}

func (t *wsTransport) Close() error {
	t.closeOnce.Do(func() {
		close(t.closed)
		t.c.CloseNow()
	})
	return nil
}
