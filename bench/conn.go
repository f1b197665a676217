package bench

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/face"
)

// ctrlPrefixes are the Name TLV-VALUE prefixes of replies a connection hands
// to whoever waits for control answers: NFD management (/localhost/nfd,
// /localhop/nfd) and the relay's hello (/ndnflow-bench-relay).
var ctrlPrefixes = [][]byte{
	[]byte("\x08\x09localhost\x08\x03nfd"),
	[]byte("\x08\x08localhop\x08\x03nfd"),
	[]byte("\x08\x13ndnflow-bench-relay"),
}

func isCtrl(nameV []byte) bool {
	for _, p := range ctrlPrefixes {
		if bytes.HasPrefix(nameV, p) {
			return true
		}
	}
	return false
}

// conn is one generator connection to the target: a transport whose reader
// goroutine is started at once, so control replies (registration, relay
// hello) arrive through the same loop as traffic.
type conn struct {
	t      face.Transport
	faceID uint64 // the target's FaceId of this connection, when known (inproc)
	pool   *face.Pool
	ctrl   chan []byte // copies of control Data, dropped when full
	done   chan struct{}
	err    error // why the reader stopped; set before done closes

	closeOnce sync.Once
	// wmu serializes writes: a transport takes one writer at a time, and
	// registration, hellos and traffic may overlap.
	wmu sync.Mutex
}

// write sends frames on the transport; safe for concurrent use.
func (c *conn) write(frames [][]byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.t.Write(frames)
}

func newConn(t face.Transport, pool *face.Pool) *conn {
	return &conn{t: t, pool: pool, ctrl: make(chan []byte, 64), done: make(chan struct{})}
}

// offerCtrl hands a copy of a control Data to ctrl without blocking.
func (c *conn) offerCtrl(wire []byte) {
	select {
	case c.ctrl <- bytes.Clone(wire):
	default:
	}
}

// run reads batches until the transport fails or closes and passes each
// frame to handle; it records the error and closes done.
func (c *conn) run(handle func(frames [][]byte, sizes []int, n int)) {
	defer close(c.done)
	bs := min(max(c.t.BatchSize(), 1), maxBatch)
	bufs := make([][]byte, bs)
	for i := range bufs {
		bufs[i] = c.pool.Get()
	}
	defer func() {
		for _, b := range bufs {
			c.pool.Put(b)
		}
	}()
	sizes := make([]int, bs)
	for {
		n, err := c.t.Read(bufs, sizes)
		if n > 0 {
			handle(bufs, sizes, n)
		}
		if err != nil {
			c.err = err
			return
		}
	}
}

func (c *conn) close() {
	c.closeOnce.Do(func() { c.t.Close() })
}

// awaitCtrl waits for the next control Data, up to timeout.
func (c *conn) awaitCtrl(ctx context.Context, timeout time.Duration) ([]byte, error) {
	tm := time.NewTimer(timeout)
	defer tm.Stop()
	select {
	case w := <-c.ctrl:
		return w, nil
	case <-c.done:
		return nil, fmt.Errorf("%w: connection closed: %v", ErrTargetDied, c.err)
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-tm.C:
		return nil, errTimeout
	}
}
