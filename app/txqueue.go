package app

import (
	"sync"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// txQueue collects outgoing frames from any goroutine into one contiguous
// arena; RoutineSend swaps it with a spare arena and writes everything
// queued so far in one Transport.Write (one writev on a stream socket).
// Copying a frame into the arena once is what lets callers reuse their
// buffers as soon as send returns.
type txQueue struct {
	mu     sync.Mutex // protects the fields below
	cond   sync.Cond  // signalled when the arena drains or the state changes
	buf    []byte
	frames []int // end offset of each frame in buf
	limit  int
	tr     face.Transport
	closed bool
	wake   chan struct{}
}

func (q *txQueue) init(limit int) {
	q.cond.L = &q.mu
	q.limit = limit
	q.wake = make(chan struct{}, 1)
}

func (q *txQueue) setTransport(tr face.Transport) {
	q.mu.Lock()
	q.tr = tr
	if tr == nil {
		q.buf, q.frames = q.buf[:0], q.frames[:0]
	}
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *txQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// push encodes lp into the arena.
func (q *txQueue) push(lp *ndn.LpPacket) error {
	q.mu.Lock()
	for q.tr != nil && !q.closed && len(q.buf) > q.limit {
		q.cond.Wait()
	}
	switch {
	case q.closed:
		q.mu.Unlock()
		return ErrClosed
	case q.tr == nil:
		q.mu.Unlock()
		return ErrDown
	}
	wasEmpty := len(q.frames) == 0
	if lp.HasHeaders() {
		q.buf = lp.AppendHeader(q.buf)
	}
	q.buf = append(q.buf, lp.Fragment...)
	q.frames = append(q.frames, len(q.buf))
	q.mu.Unlock()
	if wasEmpty {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// routineSend writes queued frames until the Client closes.
func (c *Client) routineSend() {
	defer c.wg.Done()
	q := &c.tx
	var spare []byte
	var spareFrames []int
	var vec [][]byte
	for {
		<-q.wake
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return
		}
		buf, frames, tr := q.buf, q.frames, q.tr
		q.buf, q.frames = spare[:0], spareFrames[:0]
		q.cond.Broadcast()
		q.mu.Unlock()
		if tr != nil && len(frames) > 0 {
			vec = vec[:0]
			if tr.Info().Stream {
				// A byte stream does not care where frames end: one slice.
				vec = append(vec, buf)
			} else {
				start := 0
				for _, end := range frames {
					vec = append(vec, buf[start:end])
					start = end
				}
			}
			bs := 1024
			if !tr.Info().Stream {
				bs = max(tr.BatchSize(), 1)
			}
			for i := 0; i < len(vec); {
				k := min(len(vec)-i, bs)
				if err := tr.Write(vec[i : i+k]); err != nil {
					c.Counters.TxDropped.Add(uint64(len(vec) - i))
					break
				}
				i += k
			}
			clear(vec)
		}
		spare, spareFrames = buf, frames
		if len(spare) > 4*q.limit {
			spare = nil // do not keep a huge arena after a burst
		}
	}
}
