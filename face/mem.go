package face

import (
	"io"
	"sync"
)

// memBatch is the BatchSize of in-memory transports.
const memBatch = 64

// MemPairConfig configures NewMemPair. The zero value is usable.
type MemPairConfig struct {
	// Queue is how many frames each direction holds before Write blocks;
	// default 1024.
	Queue int
	// Pool supplies the buffers frames are copied into; default a new Pool.
	Pool *Pool
	// URIA and URIB name the two ends; default "internal://a" and "internal://b".
	URIA, URIB string
}

// NewMemPair returns two connected in-memory transports, for tests and for
// an application running inside the forwarder's process. Each frame is
// copied once, at Write, into a pooled buffer that Read then hands to the
// reader by buffer exchange. Write blocks while the peer's queue is full.
// Closing either end makes the other end's Read return io.EOF once its queue
// is drained.
func NewMemPair(cfg MemPairConfig) (a, b Transport) {
	if cfg.Queue <= 0 {
		cfg.Queue = 1024
	}
	if cfg.Pool == nil {
		cfg.Pool = NewPool()
	}
	if cfg.URIA == "" {
		cfg.URIA = "internal://a"
	}
	if cfg.URIB == "" {
		cfg.URIB = "internal://b"
	}
	ta := newMemEnd(cfg, TransportInfo{LocalURI: cfg.URIA, RemoteURI: cfg.URIB, Scope: ScopeLocal})
	tb := newMemEnd(cfg, TransportInfo{LocalURI: cfg.URIB, RemoteURI: cfg.URIA, Scope: ScopeLocal})
	ta.peer, tb.peer = tb, ta
	return ta, tb
}

type memEnd struct {
	peer *memEnd
	info TransportInfo
	pool *Pool
	max  int

	mu       sync.Mutex
	q        [][]byte // received frames, each a pooled buffer resliced to the frame
	notEmpty chan struct{}
	notFull  chan struct{}

	closeOnce sync.Once
	done      chan struct{}
}

func newMemEnd(cfg MemPairConfig, info TransportInfo) *memEnd {
	return &memEnd{
		info: info, pool: cfg.Pool, max: cfg.Queue,
		q:        make([][]byte, 0, cfg.Queue),
		notEmpty: make(chan struct{}, 1),
		notFull:  make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
}

func (t *memEnd) Info() TransportInfo { return t.info }

// Recycle returns a buffer to the pair's pool (BufferExchanger).
func (t *memEnd) Recycle(b []byte) { t.pool.Put(b) }

func (t *memEnd) BatchSize() int { return memBatch }

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (t *memEnd) Write(frames [][]byte) error {
	p := t.peer
	for _, f := range frames {
		if len(f) > BufferSize {
			continue
		}
		buf := t.pool.Get()
		buf = buf[:copy(buf, f)]
		for {
			select {
			case <-t.done:
				t.pool.Put(buf)
				return ErrClosed
			case <-p.done:
				t.pool.Put(buf)
				return ErrClosed
			default:
			}
			p.mu.Lock()
			if len(p.q) < p.max {
				p.q = append(p.q, buf)
				p.mu.Unlock()
				signal(p.notEmpty)
				break
			}
			p.mu.Unlock()
			select {
			case <-p.notFull:
			case <-p.done:
			case <-t.done:
			}
			continue
		}
	}
	return nil
}

func (t *memEnd) Read(bufs [][]byte, sizes []int) (int, error) {
	for {
		t.mu.Lock()
		if n := min(len(t.q), len(bufs)); n > 0 {
			for i := range n {
				if cap(bufs[i]) == BufferSize {
					t.pool.Put(bufs[i])
				}
				bufs[i] = t.q[i][:BufferSize]
				sizes[i] = len(t.q[i])
			}
			rest := copy(t.q, t.q[n:])
			clear(t.q[rest:])
			t.q = t.q[:rest]
			t.mu.Unlock()
			signal(t.notFull)
			return n, nil
		}
		t.mu.Unlock()
		select {
		case <-t.done:
			return 0, ErrClosed
		default:
		}
		select {
		case <-t.notEmpty:
		case <-t.done:
			return 0, ErrClosed
		case <-t.peer.done:
			t.mu.Lock()
			empty := len(t.q) == 0
			t.mu.Unlock()
			if empty {
				return 0, io.EOF
			}
		}
	}
}

func (t *memEnd) Close() error {
	t.closeOnce.Do(func() {
		close(t.done)
		t.mu.Lock()
		for _, b := range t.q {
			t.pool.Put(b)
		}
		t.q = t.q[:0]
		t.mu.Unlock()
	})
	return nil
}
