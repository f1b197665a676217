package face

import (
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Handler receives batches of packets from a face's routineReceive. The
// batch slice belongs to the face and is reused as soon as the handler
// returns; each *RxPacket in it belongs to the handler, which must Release it
// (now or later, from any goroutine). A handler must not block for long: the
// face reads no more frames meanwhile, and the kernel drops what overflows.
type Handler func(batch []*RxPacket)

// Config configures a Face. The zero value is usable except for Handler.
type Config struct {
	// ID is the FaceId the owner assigned (NFD: 0 invalid, ≤ 255 reserved).
	ID uint64
	// Handler receives every decoded packet; without one, received
	// packets are released at once (a send-only face).
	Handler Handler
	// Pool supplies receive and send buffers; default a new Pool. Faces of
	// one forwarder should share one.
	Pool *Pool
	// Persistency of the face; a transport whose Info().OnDemand is true
	// makes the face PersistencyOnDemand when this is left at its zero value
	// (PersistencyPersistent). Change it later with SetPersistency.
	Persistency Persistency
	// LocalFields enables the IncomingFaceId and NextHopFaceId fields
	// (NFD face flag bit 0). Only local-scope faces may enable it; New
	// ignores it on others.
	LocalFields bool
	// MTU overrides the transport's MTU (0: use Info().MTU); a value above
	// the transport's is capped to it, as NFD does. Packets whose
	// frame exceeds the MTU are fragmented (datagram transports only).
	// Change it later with SetMTU.
	MTU int
	// QueueLen is the send queue capacity in packets; default 1024. A full
	// queue drops (DropQueueFull).
	QueueLen int
	// CongestionTarget is the queuing delay above which the face starts
	// setting CongestionMark on outgoing packets, CoDel-style; default 5 ms.
	CongestionTarget time.Duration
	// CongestionInterval is CoDel's interval: how long the delay must stay
	// above target before the first mark, and the base spacing of marks;
	// default 100 ms.
	CongestionInterval time.Duration
	// IdleTimeout closes an on-demand face that received nothing for this
	// long; default 600 s (NFD's UDP default). Negative disables it.
	IdleTimeout time.Duration
	// ReassemblyTimeout drops a partially received fragmented packet after
	// this long; default 500 ms.
	ReassemblyTimeout time.Duration
	// MaxPartials bounds how many packets may be in reassembly at once (each
	// holds one buffer); the oldest is evicted when full. Default 64.
	MaxPartials int
	// Reliability enables NDNLPv2 link reliability (TxSequence/Ack, NFD face
	// flag bit 1). Enable it on both ends: a peer that does not acknowledge
	// makes every frame go out 1+MaxRetx times.
	Reliability bool
	// RetxTimeout is the retransmission timeout; default 200 ms.
	RetxTimeout time.Duration
	// MaxRetx is the number of retransmissions before a frame is given up
	// (DropReliability); default 3.
	MaxRetx int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (c *Config) applyDefaults(info TransportInfo) {
	if c.Handler == nil {
		c.Handler = func(batch []*RxPacket) {
			for _, p := range batch {
				p.Release()
			}
		}
	}
	if c.RetxTimeout <= 0 {
		c.RetxTimeout = 200 * time.Millisecond
	}
	if c.MaxRetx <= 0 {
		c.MaxRetx = 3
	}
	if c.Pool == nil {
		c.Pool = NewPool()
	}
	if info.OnDemand && c.Persistency == PersistencyPersistent {
		c.Persistency = PersistencyOnDemand
	}
	if c.MTU <= 0 || info.MTU > 0 && c.MTU > info.MTU {
		c.MTU = info.MTU // an override can lower the MTU, never raise it (as SetMTU)
	}
	if info.Stream {
		c.MTU = 0
	}
	if c.QueueLen <= 0 {
		c.QueueLen = 1024
	}
	if c.CongestionTarget <= 0 {
		c.CongestionTarget = 5 * time.Millisecond
	}
	if c.CongestionInterval <= 0 {
		c.CongestionInterval = 100 * time.Millisecond
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 600 * time.Second
	}
	if c.ReassemblyTimeout <= 0 {
		c.ReassemblyTimeout = 500 * time.Millisecond
	}
	if c.MaxPartials <= 0 {
		c.MaxPartials = 64
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if info.Scope != ScopeLocal {
		c.LocalFields = false
	}
}

// Face is a transport with the NDNLPv2 link service, an id, counters, a
// persistency and a state. Its methods are safe for concurrent use.
//
// Goroutines: routineReceive reads frame batches from the transport, decodes
// and reassembles them and calls the Handler; routineSend drains the send
// queue in batches, marks congestion, fragments and writes. Both exit after
// Close; Done reports when.
type Face struct {
	t    Transport
	info TransportInfo
	cfg  Config
	pool *Pool
	ctr  Counters

	persistency atomic.Uint32
	localFields atomic.Bool
	mtu         atomic.Int64 // frame size limit; 0: none (streams)
	state       atomic.Uint32
	epoch       time.Time
	lastRx      atomic.Int64

	subs struct {
		sync.Mutex // protects the fields below
		next       int
		fns        map[int]func(f *Face, old, new State)
	}

	txq       chan *txItem
	done      chan struct{} // closed by Close
	exited    chan struct{} // closed when both routines returned
	closeOnce sync.Once
	idle      *time.Timer
	closeErr  atomic.Pointer[error]

	rx  rxState      // owned by routineReceive
	tx  txState      // owned by routineSend
	rel *reliability // nil unless Config.Reliability
}

// New wraps t in a Face and starts its goroutines. The face owns t and
// closes it on Close.
func New(t Transport, cfg Config) *Face {
	info := t.Info()
	cfg.applyDefaults(info)
	f := &Face{
		t: t, info: info, cfg: cfg, pool: cfg.Pool,
		epoch:  time.Now(),
		txq:    make(chan *txItem, cfg.QueueLen),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	f.persistency.Store(uint32(cfg.Persistency))
	f.localFields.Store(cfg.LocalFields)
	f.mtu.Store(int64(cfg.MTU))
	f.rx.init(f)
	if cfg.Reliability {
		f.rel = newReliability(f, rand.Uint64())
	}
	f.tx.init(f, rand.Uint64())
	if n, ok := t.(LinkStateNotifier); ok {
		n.NotifyLinkState(func(up bool) {
			if up {
				f.setState(StateUp)
			} else {
				f.setState(StateDown)
			}
		})
	}
	if cfg.IdleTimeout > 0 {
		f.idle = time.AfterFunc(cfg.IdleTimeout, f.checkIdle)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); f.routineReceive() }()
	go func() { defer wg.Done(); f.routineSend() }()
	go func() { wg.Wait(); close(f.exited) }()
	return f
}

// ID returns the FaceId given in Config.
func (f *Face) ID() uint64 { return f.cfg.ID }

// Transport returns the face's transport.
func (f *Face) Transport() Transport { return f.t }

// Info returns the transport's description, with MTU as the face uses it
// (Config.MTU or the last SetMTU).
func (f *Face) Info() TransportInfo {
	i := f.info
	i.MTU = int(f.mtu.Load())
	return i
}

// MinMTU is the smallest MTU SetMTU accepts (NFD's MIN_MTU).
const MinMTU = 64

// CanSetMTU reports whether SetMTU(mtu) would succeed, as NFD's
// canOverrideMtuTo: only a datagram transport with an MTU limit (UDP
// unicast and multicast, Ethernet) fragments, so only its faces may change
// their MTU (else ErrMTUFixed); mtu must be at least MinMTU (else
// ErrMTUTooSmall).
func (f *Face) CanSetMTU(mtu int) error {
	if f.info.Stream || f.info.MTU <= 0 {
		return ErrMTUFixed
	}
	if mtu < MinMTU {
		return ErrMTUTooSmall
	}
	return nil
}

// SetMTU overrides the face's MTU (NFD faces/update Mtu): the effective
// MTU, which Info reports, becomes the smaller of mtu and the transport's.
// It fails, changing nothing, when CanSetMTU does. The send routine applies
// it from its next batch on; frames already written are not refragmented.
func (f *Face) SetMTU(mtu int) error {
	if err := f.CanSetMTU(mtu); err != nil {
		return err
	}
	f.mtu.Store(int64(min(mtu, f.info.MTU)))
	return nil
}

// Counters returns the face's counters; read them with Load.
func (f *Face) Counters() *Counters { return &f.ctr }

// Persistency returns the current persistency.
func (f *Face) Persistency() Persistency { return Persistency(f.persistency.Load()) }

// SetPersistency changes the persistency (NFD faces/update). Only an
// on-demand face is closed for idleness.
func (f *Face) SetPersistency(p Persistency) { f.persistency.Store(uint32(p)) }

// LocalFields reports whether IncomingFaceId/NextHopFaceId are enabled.
func (f *Face) LocalFields() bool { return f.localFields.Load() }

// SetLocalFields enables or disables local fields; enabling them on a
// non-local face fails with ErrNonLocal.
func (f *Face) SetLocalFields(on bool) error {
	if on && f.info.Scope != ScopeLocal {
		return ErrNonLocal
	}
	f.localFields.Store(on)
	return nil
}

// State returns the current state.
func (f *Face) State() State { return State(f.state.Load()) }

// Done returns a channel closed when the face is closed and both of its
// goroutines have returned.
func (f *Face) Done() <-chan struct{} { return f.exited }

// Err returns why the face closed: nil if Close was called or it is still
// open, otherwise the transport error (io.EOF when the peer disconnected).
func (f *Face) Err() error {
	if p := f.closeErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Subscribe registers fn to be called on every state change (Up, Down,
// Closed), on the goroutine that made the change; fn must not block. The
// transition to StateClosed is delivered exactly once. It returns a function
// that cancels the subscription.
func (f *Face) Subscribe(fn func(f *Face, old, new State)) (cancel func()) {
	f.subs.Lock()
	defer f.subs.Unlock()
	if f.subs.fns == nil {
		f.subs.fns = make(map[int]func(*Face, State, State))
	}
	id := f.subs.next
	f.subs.next++
	f.subs.fns[id] = fn
	return func() {
		f.subs.Lock()
		delete(f.subs.fns, id)
		f.subs.Unlock()
	}
}

func (f *Face) setState(s State) {
	for {
		old := State(f.state.Load())
		if old == StateClosed || old == s {
			return
		}
		if f.state.CompareAndSwap(uint32(old), uint32(s)) {
			f.subs.Lock()
			fns := make([]func(*Face, State, State), 0, len(f.subs.fns))
			for _, fn := range f.subs.fns {
				fns = append(fns, fn)
			}
			f.subs.Unlock()
			for _, fn := range fns {
				fn(f, old, s)
			}
			return
		}
	}
}

// Close closes the face and its transport. It does not wait for the
// goroutines (use Done), so it may be called from the Handler.
func (f *Face) Close() error {
	f.closeWith(nil)
	return nil
}

func (f *Face) closeWith(err error) {
	f.closeOnce.Do(func() {
		if err != nil {
			f.closeErr.Store(&err)
		}
		if f.idle != nil {
			f.idle.Stop()
		}
		close(f.done)
		f.t.Close()
		f.setState(StateClosed)
	})
}

func (f *Face) now() int64 { return int64(time.Since(f.epoch)) }

func (f *Face) checkIdle() {
	select {
	case <-f.done:
		return
	default:
	}
	timeout := f.cfg.IdleTimeout
	if f.Persistency() == PersistencyOnDemand {
		idle := time.Duration(f.now() - f.lastRx.Load())
		if idle >= timeout {
			f.cfg.Logger.Debug("closing idle on-demand face", "face", f.cfg.ID, "remote", f.info.RemoteURI)
			f.Close()
			return
		}
		timeout -= idle
	}
	f.idle.Reset(timeout)
}

// routineReceive is the face's receive goroutine (started by New): it reads
// batches of frames, runs the link service on each and hands the packets to
// the Handler.
func (f *Face) routineReceive() {
	bs := max(f.t.BatchSize(), 1)
	slots := make([]*RxPacket, bs)
	bufs := make([][]byte, bs)
	sizes := make([]int, bs)
	batch := make([]*RxPacket, 0, bs)
	er, multi := f.t.(EndpointReader)
	from := make([]Endpoint, bs)
	// A transport that exchanges buffers gets nil entries, so that an idle
	// face holds no buffers. Otherwise the first active slots each keep a
	// packet ready; active doubles (up to the batch size) while reads fill
	// every slot and halves (down to minActive) while they fill a quarter
	// or less, so a busy face reads full batches and an idle one holds few
	// buffers.
	ex, exch := f.t.(BufferExchanger)
	const minActive = 4
	active := bs
	if !exch {
		active = min(minActive, bs)
		for i := range active {
			slots[i] = f.pool.getRx()
		}
	}
	defer func() {
		for _, p := range slots {
			if p != nil {
				p.Release()
			}
		}
		f.rx.reasm.clear()
	}()
	var cb counterBatch
	for {
		for i, p := range slots[:active] {
			if exch {
				bufs[i] = nil
			} else {
				bufs[i] = p.buf
			}
		}
		var n int
		var err error
		if multi {
			n, err = er.ReadFrom(bufs[:active], sizes[:active], from[:active])
		} else {
			n, err = f.t.Read(bufs[:active], sizes[:active])
		}
		now := f.now()
		for i := range n {
			var p *RxPacket
			if exch {
				p = f.pool.getRx()
				ex.Recycle(p.buf)
				p.buf, bufs[i] = bufs[i], nil
			} else {
				p = slots[i]
				p.buf = bufs[i]
			}
			if sizes[i] <= 0 || sizes[i] > len(p.buf) {
				f.ctr.DropMalformedLp.Add(1)
				if exch {
					p.Release()
				}
				continue
			}
			cb.frames++
			cb.fbytes += uint64(sizes[i])
			out := f.rx.receive(p, p.buf[:sizes[i]], from[i], now)
			if out != p && exch {
				p.Release()
			}
			if out == nil {
				continue
			}
			out.Face = f
			cb.add(out.Kind, len(out.Lp.Fragment))
			batch = append(batch, out)
			if out == p && !exch {
				slots[i] = f.pool.getRx()
			}
		}
		if !exch {
			switch {
			case n == active && active < bs:
				next := min(2*active, bs)
				for i := active; i < next; i++ {
					slots[i] = f.pool.getRx()
				}
				active = next
			case n <= active/4 && active > minActive:
				next := max(active/2, minActive)
				for i := next; i < active; i++ {
					slots[i].Release()
					slots[i] = nil
				}
				active = next
			}
		}
		if n > 0 {
			f.lastRx.Store(now)
			f.ctr.flushIn(&cb)
			f.rx.reasm.sweep(now)
		}
		if len(batch) > 0 {
			f.cfg.Handler(batch)
			clear(batch)
			batch = batch[:0]
		}
		if err != nil {
			select {
			case <-f.done:
				return
			default:
			}
			if errors.Is(err, ErrClosed) {
				f.closeWith(nil)
				return
			}
			if !errors.Is(err, io.EOF) {
				f.cfg.Logger.Info("face transport failed", "face", f.cfg.ID, "remote", f.info.RemoteURI, "err", err)
			}
			f.closeWith(err)
			return
		}
	}
}

// hardSendError reports whether a datagram transport's send error says
// that the peer cannot be reached (ICMP port or host unreachable, no
// route, interface down), as opposed to a transient one (ENOBUFS, EAGAIN)
// or one about the packet (EMSGSIZE). Non-permanent faces close on it.
func hardSendError(err error) bool {
	for _, e := range [...]syscall.Errno{syscall.ECONNREFUSED, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.ENETDOWN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// routineSend is the face's send goroutine (started by New): it drains the
// send queue in batches and writes them to the transport.
func (f *Face) routineSend() {
	bs := max(f.t.BatchSize(), 1)
	items := make([]*txItem, 0, bs)
	var tick <-chan time.Time
	var kick <-chan struct{}
	if f.rel != nil {
		tk := time.NewTicker(time.Duration(relAckDelay))
		defer tk.Stop()
		tick = tk.C
		kick = f.rel.kick
		defer f.rel.clear()
	}
	defer func() {
		for {
			select {
			case it := <-f.txq:
				f.pool.putTx(it)
			default:
				return
			}
		}
	}()
	for {
		select {
		case it := <-f.txq:
			items = append(items, it)
		case <-tick:
			if err := f.tx.relTick(); errors.Is(err, ErrClosed) {
				f.closeWith(nil)
				return
			}
			continue
		case <-kick:
			if err := f.tx.relTick(); errors.Is(err, ErrClosed) {
				f.closeWith(nil)
				return
			}
			continue
		case <-f.done:
			return
		}
	fill:
		for len(items) < bs {
			select {
			case it := <-f.txq:
				items = append(items, it)
			default:
				break fill
			}
		}
		err := f.tx.sendBatch(items)
		items = items[:0]
		if err != nil {
			switch {
			case errors.Is(err, ErrClosed):
				f.closeWith(nil)
				return
			case errors.Is(err, ErrDown):
			case f.info.Stream:
				f.closeWith(err)
				return
			case hardSendError(err) && f.Persistency() != PersistencyPermanent:
				// As NFD's datagram faces: the routes through the face
				// go with it, so the FIB and routing daemons move on.
				f.closeWith(err)
				return
			}
		}
	}
}
