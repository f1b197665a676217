package app

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// DefaultURI is the forwarder a Client connects to when neither the URI
// argument nor $NDN_CLIENT_TRANSPORT names one: NFD's socket path, which
// ndnflow fw and ndnd also use.
const DefaultURI = "unix:///run/nfd/nfd.sock"

// Options configures Connect. The zero value is usable.
type Options struct {
	// Logger receives connection events (down, reconnected, registration
	// failures), never per-packet records; default slog.Default().
	Logger *slog.Logger
	// Dial, when set, opens the transport instead of the URI: it is how an
	// application reaches an in-process forwarder or a test forwarder. It is
	// called again to reconnect.
	Dial func(ctx context.Context) (face.Transport, error)
	// NoReconnect makes the Client fail (Done closes) when the forwarder
	// goes away, instead of reconnecting.
	NoReconnect bool
	// MinBackoff and MaxBackoff bound the delay between reconnection
	// attempts; defaults 50 ms and 5 s.
	MinBackoff, MaxBackoff time.Duration
	// CommandSigner signs prefix registration commands; default DigestSha256,
	// which NFD, ndnd and ndnflow accept from local applications.
	CommandSigner ndn.Signer
	// CommandPrefix is the management prefix; default /localhost/nfd on a
	// local-scope transport (Unix, loopback TCP) and /localhop/nfd otherwise,
	// as NDNts and ndnd choose.
	CommandPrefix ndn.Name
	// RefreshInterval is how often every served prefix is registered again,
	// as NDNts does: it restores routes a forwarder lost without the Client
	// noticing (a restart behind a datagram uplink). Default 5 min;
	// negative disables.
	RefreshInterval time.Duration
	// SendQueueBytes bounds the frames waiting for the send goroutine;
	// senders block while it is full. Default 4 MiB.
	SendQueueBytes int
}

func (o *Options) applyDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 50 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.CommandSigner == nil {
		o.CommandSigner = digestSigner{}
	}
	if o.RefreshInterval == 0 {
		o.RefreshInterval = 5 * time.Minute
	}
	if o.SendQueueBytes <= 0 {
		o.SendQueueBytes = 4 << 20
	}
}

// Counters are a Client's packet counters. They are updated atomically and
// may be read at any time.
type Counters struct {
	RxFrames, TxFrames atomic.Uint64
	// RxMalformed counts frames that failed to decode and IDLE packets.
	RxMalformed atomic.Uint64
	// RxFragments counts NDNLPv2 fragments held for reassembly or dropped
	// (the frames that completed a packet are not counted).
	RxFragments atomic.Uint64
	// RxUnsolicited counts Data and Nacks that matched no pending Interest.
	RxUnsolicited atomic.Uint64
	// RxNoProducer counts Interests for which no Producer was serving.
	RxNoProducer atomic.Uint64
	// TxDropped counts frames dropped because the connection was down.
	TxDropped atomic.Uint64
	// Reconnects counts successful reconnections.
	Reconnects atomic.Uint64
}

// Client is an application's connection to an NDN forwarder. It owns one
// transport and three goroutines (routineReceive, which also redials,
// routineSend and routineRefresh); it reconnects when the forwarder goes
// away and then registers again every prefix its Producers serve. All
// methods are safe for concurrent use.
type Client struct {
	opts Options
	log  *slog.Logger
	dial func(ctx context.Context) (face.Transport, error)
	pool *face.Pool
	seed maphash.Seed

	// Counters count packets; see the type.
	Counters Counters

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	done   chan struct{}
	err    error // why done closed; set before closing done

	trMu  sync.Mutex // protects tr, local, upCh
	tr    face.Transport
	local bool
	upCh  chan struct{} // closed while up; replaced when the link goes down

	tx txQueue

	pitMu         sync.Mutex // protects pit, byName, digestPending
	pit           map[uint32]*pending
	byName        map[uint64][]*pending
	digestPending int // pending calls whose name ends with an implicit digest
	key           atomic.Uint32

	ownMu     sync.RWMutex // protects owners, nextOwner
	owners    map[uint16]*Consumer
	nextOwner uint16

	prodMu sync.RWMutex // protects prods
	prods  []*Producer

	pktPool sync.Pool
	reasm   reassembler // touched only by the receive goroutine
}

// Connect opens a Client to the forwarder at uri: "unix:///path",
// "tcp://host:port" (also tcp4, tcp6), "udp://host:port" (also udp4,
// udp6; port 6363 by default) or "ws://host:port/path" (also wss). An empty uri means $NDN_CLIENT_TRANSPORT, else DefaultURI. With
// Options.Dial set, uri is only used in messages.
func Connect(ctx context.Context, uri string, opts Options) (*Client, error) {
	opts.applyDefaults()
	if uri == "" {
		uri = os.Getenv("NDN_CLIENT_TRANSPORT")
	}
	if uri == "" {
		uri = DefaultURI
	}
	dial := opts.Dial
	if dial == nil {
		var err error
		if dial, err = dialerFor(uri); err != nil {
			return nil, err
		}
	}
	tr, err := dial(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: connect %s: %w", uri, err)
	}
	c := &Client{
		opts:   opts,
		log:    opts.Logger.With("uplink", uri),
		dial:   dial,
		pool:   face.NewPool(),
		seed:   maphash.MakeSeed(),
		done:   make(chan struct{}),
		pit:    make(map[uint32]*pending),
		byName: make(map[uint64][]*pending),
		owners: make(map[uint16]*Consumer),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.tx.init(opts.SendQueueBytes)
	c.setUp(tr)
	c.wg.Add(2)
	go c.routineReceive(tr)
	go c.routineSend()
	if opts.RefreshInterval > 0 {
		c.wg.Add(1)
		go c.routineRefresh()
	}
	return c, nil
}

// dialerFor returns the dial function of a forwarder URI.
func dialerFor(uri string) (func(ctx context.Context) (face.Transport, error), error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrURI, uri, err)
	}
	switch u.Scheme {
	case "unix":
		path := u.Path
		if u.Host != "" { // unix://relative/path
			path = u.Host + u.Path
		}
		if path == "" {
			return nil, fmt.Errorf("%w: %q has no socket path", ErrURI, uri)
		}
		return func(ctx context.Context) (face.Transport, error) { return face.DialUnix(ctx, path) }, nil
	case "tcp", "tcp4", "tcp6":
		if u.Host == "" {
			return nil, fmt.Errorf("%w: %q has no host:port", ErrURI, uri)
		}
		host := withDefaultPort(u.Host)
		return func(ctx context.Context) (face.Transport, error) {
			return face.DialTCP(ctx, host, face.TCPDialConfig{})
		}, nil
	case "udp", "udp4", "udp6":
		if u.Host == "" {
			return nil, fmt.Errorf("%w: %q has no host:port", ErrURI, uri)
		}
		return func(ctx context.Context) (face.Transport, error) { return face.Dial(ctx, uri, face.DialConfig{}) }, nil
	case "ws", "wss":
		if u.Host == "" {
			return nil, fmt.Errorf("%w: %q has no host", ErrURI, uri)
		}
		return func(ctx context.Context) (face.Transport, error) { return face.DialWebSocket(ctx, uri) }, nil
	}
	return nil, fmt.Errorf("%w: scheme %q of %q (want unix, tcp, udp, ws or wss)", ErrURI, u.Scheme, uri)
}

func withDefaultPort(host string) string {
	if _, _, err := net.SplitHostPort(host); err != nil {
		return net.JoinHostPort(strings.Trim(host, "[]"), "6363")
	}
	return host
}

func (c *Client) setUp(tr face.Transport) {
	c.trMu.Lock()
	c.tr = tr
	c.local = tr.Info().Scope == face.ScopeLocal
	if c.upCh == nil {
		c.upCh = make(chan struct{})
	}
	close(c.upCh)
	c.trMu.Unlock()
	c.tx.setTransport(tr)
}

func (c *Client) setDown() {
	c.trMu.Lock()
	c.tr = nil
	c.upCh = make(chan struct{})
	c.trMu.Unlock()
	c.tx.setTransport(nil)
}

// IsLocal reports whether the current transport has local scope (Unix
// socket, loopback TCP).
func (c *Client) IsLocal() bool {
	c.trMu.Lock()
	defer c.trMu.Unlock()
	return c.local
}

// waitUp blocks until the Client is connected, ctx ends or the Client closes.
func (c *Client) waitUp(ctx context.Context) error {
	c.trMu.Lock()
	ch := c.upCh
	c.trMu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrClosed
	}
}

// Done is closed when the Client is closed, or when its connection failed
// and Options.NoReconnect is set; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns nil while the Client runs, ErrClosed after Close, or the
// transport error that ended it.
func (c *Client) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Close unregisters nothing (the forwarder drops the face's routes when it
// closes), stops the Client's goroutines and Producers and closes the
// transport. Pending Express and Fetch calls return ErrClosed.
func (c *Client) Close() error {
	c.shutdown(ErrClosed)
	c.wg.Wait()
	return nil
}

func (c *Client) shutdown(err error) {
	c.trMu.Lock()
	select {
	case <-c.done:
		c.trMu.Unlock()
		return
	default:
	}
	c.err = err
	close(c.done)
	tr := c.tr
	c.trMu.Unlock()
	c.cancel()
	if tr != nil {
		tr.Close()
	}
	c.tx.close()
}

// routineReceive reads frames and dispatches them; when the transport
// fails it reconnects (unless disabled) and goes on with the new one.
func (c *Client) routineReceive(tr face.Transport) {
	defer c.wg.Done()
	for {
		err := c.readLoop(tr)
		tr.Close()
		select {
		case <-c.done:
			return
		default:
		}
		if c.opts.NoReconnect {
			c.log.Warn("connection to forwarder lost", "err", err)
			c.setDown()
			c.shutdown(fmt.Errorf("%w: %w", ErrDown, err))
			return
		}
		c.log.Warn("connection to forwarder lost; reconnecting", "err", err)
		c.setDown()
		tr = c.reconnect()
		if tr == nil {
			return
		}
		c.Counters.Reconnects.Add(1)
		c.log.Info("reconnected to forwarder")
		c.setUp(tr)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.reRegisterAll()
		}()
	}
}

// routineRefresh registers every served prefix again every
// Options.RefreshInterval.
func (c *Client) routineRefresh() {
	defer c.wg.Done()
	t := time.NewTicker(c.opts.RefreshInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			c.reRegisterAll()
		}
	}
}

func (c *Client) reconnect() face.Transport {
	delay := c.opts.MinBackoff
	for {
		select {
		case <-c.done:
			return nil
		case <-time.After(delay):
		}
		ctx, cancel := context.WithTimeout(c.ctx, max(delay, time.Second))
		tr, err := c.dial(ctx)
		cancel()
		if err == nil {
			c.trMu.Lock()
			select {
			case <-c.done:
				c.trMu.Unlock()
				tr.Close()
				return nil
			default:
			}
			c.trMu.Unlock()
			return tr
		}
		c.log.Debug("reconnect failed", "err", err, "retry_in", delay)
		delay = min(2*delay, c.opts.MaxBackoff)
	}
}

func (c *Client) readLoop(tr face.Transport) error {
	bs := max(tr.BatchSize(), 1)
	bufs := make([][]byte, bs)
	sizes := make([]int, bs)
	for i := range bufs {
		bufs[i] = c.pool.Get()
	}
	defer func() {
		for _, b := range bufs {
			c.pool.Put(b)
		}
	}()
	for {
		n, err := tr.Read(bufs, sizes)
		for i := range n {
			c.Counters.RxFrames.Add(1)
			if c.handleFrame(bufs[i], sizes[i]) {
				bufs[i] = c.pool.Get()
			}
		}
		if err != nil {
			return err
		}
	}
}

// Packet is a received Data or Nack handed to a Consumer, or an Interest
// handed to a Producer. It owns a pooled receive buffer that its fields
// alias: the receiver must call Release exactly once when done with it.
type Packet struct {
	// Data is the Data packet, when !IsNack.
	Data ndn.Data
	// Interest is the Nacked Interest (IsNack) or the Interest a Producer
	// receives.
	Interest ndn.Interest
	// IsNack and NackReason describe a Nack.
	IsNack     bool
	NackReason ndn.NackReason
	// CongestionMark is the NDNLPv2 CongestionMark (0: none).
	CongestionMark uint64
	// Token is the PIT token the forwarder echoed; HasToken is false when it
	// echoed none (the Client then matched the packet by name).
	Token    Token
	HasToken bool

	lp  ndn.LpPacket
	buf []byte
	c   *Client
}

// Release returns the packet and its buffer to the Client's pools.
func (p *Packet) Release() {
	c := p.c
	c.pool.Put(p.buf)
	p.buf = nil
	p.Data = ndn.Data{}
	fh := p.Interest.ForwardingHint[:0]
	p.Interest = ndn.Interest{ForwardingHint: fh}
	c.pktPool.Put(p)
}

func (c *Client) getPacket() *Packet {
	if p, ok := c.pktPool.Get().(*Packet); ok {
		return p
	}
	return &Packet{c: c}
}

// handleFrame decodes one received frame and dispatches it. It returns true
// when the frame's buffer was handed on (the caller needs a new one).
func (c *Client) handleFrame(buf []byte, size int) bool {
	p := c.getPacket()
	frame := buf[:size]
	if err := p.lp.Decode(frame); err != nil || p.lp.IsIdle() {
		c.Counters.RxMalformed.Add(1)
		c.pktPool.Put(p)
		return false
	}
	taken := true
	if p.lp.IsFragmented() {
		whole, hdr, ok := c.reasm.add(&p.lp, c.pool, time.Now())
		if !ok {
			c.Counters.RxFragments.Add(1)
			c.pktPool.Put(p)
			return false // the fragment was copied (or dropped)
		}
		// Go on with the whole packet in its own buffer; the read buffer
		// stays with the caller.
		p.lp, buf, taken = hdr, whole, false
	}
	p.buf = buf
	p.CongestionMark = p.lp.CongestionMark
	p.IsNack, p.NackReason = p.lp.IsNack, p.lp.NackReason
	p.Token, p.HasToken = parseToken(p.lp.PitToken)
	frag := p.lp.Fragment
	switch frag[0] {
	case ndn.TtInterest:
		if err := p.Interest.Decode(frag); err != nil {
			break
		}
		if p.IsNack {
			c.dispatchNack(p)
		} else {
			c.dispatchInterest(p)
		}
		return taken
	case ndn.TtData:
		if p.IsNack || p.Data.Decode(frag) != nil {
			break
		}
		c.dispatchData(p)
		return taken
	}
	c.Counters.RxMalformed.Add(1)
	if !taken {
		c.pool.Put(buf) // a reassembled packet's own buffer
	}
	p.buf = nil
	p.Data = ndn.Data{}
	p.Interest.Reset()
	c.pktPool.Put(p)
	return false
}

func (c *Client) dispatchData(p *Packet) {
	if p.HasToken && p.Token.Owner != 0 {
		if cs := c.owner(p.Token.Owner); cs != nil {
			cs.deliver(p)
			return
		}
	} else if p.HasToken {
		// deliverExpress also matches by name: no need to again below.
		if c.deliverExpress(p, p.Token.Key) {
			return
		}
	}
	// No usable token: match by name, consumers first.
	if cs := c.ownerByName(p.Data.Name); cs != nil {
		p.HasToken = false
		cs.deliver(p)
		return
	}
	if !(p.HasToken && p.Token.Owner == 0) && c.deliverExpress(p, 0) {
		return
	}
	c.Counters.RxUnsolicited.Add(1)
	p.Release()
}

func (c *Client) dispatchNack(p *Packet) {
	if p.HasToken && p.Token.Owner != 0 {
		if cs := c.owner(p.Token.Owner); cs != nil {
			cs.deliver(p)
			return
		}
	}
	if cs := c.ownerByName(p.Interest.Name); cs != nil {
		p.HasToken = false
		cs.deliver(p)
		return
	}
	if c.deliverExpress(p, p.Token.Key) {
		return
	}
	c.Counters.RxUnsolicited.Add(1)
	p.Release()
}

// send queues one frame: frag wrapped in an LpPacket when a token or Nack
// needs one, else bare. It blocks while the send queue is full and returns
// ErrDown (dropping the frame) while disconnected.
func (c *Client) send(tok *Token, nack bool, reason ndn.NackReason, frag []byte) error {
	var tb [tokenLen]byte
	var lp ndn.LpPacket
	lp.Fragment = frag
	if tok != nil {
		lp.PitToken = tok.put(tb[:])
	}
	lp.IsNack, lp.NackReason = nack, reason
	err := c.tx.push(&lp)
	switch {
	case err == nil:
		c.Counters.TxFrames.Add(1)
	case errors.Is(err, ErrDown):
		c.Counters.TxDropped.Add(1)
	}
	return err
}

func (c *Client) nameHash(n ndn.Name) uint64 { return maphash.Bytes(c.seed, n.Value()) }
