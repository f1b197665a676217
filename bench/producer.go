package bench

import "sync/atomic"

// maxNameV bounds the Name TLV-VALUE of an Interest the producer answers;
// longer names (not the generator's) are ignored.
const maxNameV = 1024

// producer answers every Interest on its connection with a Data of the
// configured payload, built from a template, echoing the PIT token. It runs
// on the conn's reader goroutine and writes each batch of replies with one
// Write. Its arena is sized once, so answering never allocates.
type producer struct {
	c      *conn
	tail   []byte
	arena  []byte
	frames [][]byte
	served atomic.Uint64
	failed atomic.Pointer[error]
}

func newProducer(c *conn, payload int) *producer {
	tail := dataTail(payload)
	per := dataLen(maxNameV, len(tail)) + lpOverhead
	return &producer{c: c, tail: tail, arena: make([]byte, maxBatch*per), frames: make([][]byte, 0, maxBatch)}
}

func (p *producer) handle(bufs [][]byte, sizes []int, n int) {
	per := len(p.arena) / maxBatch
	frames := p.frames[:0]
	for i := range n {
		fi := parseFrame(bufs[i][:sizes[i]])
		switch {
		case fi.kind == pktData && isCtrl(fi.nameV):
			p.c.offerCtrl(fi.wire)
			continue
		case fi.kind != pktInterest || len(fi.nameV) > maxNameV:
			continue
		}
		tok := fi.token
		if len(tok) > 32 {
			tok = nil
		}
		off := len(frames) * per
		frames = append(frames, appendData(p.arena[off:off], fi.nameV, p.tail, tok))
	}
	if len(frames) == 0 {
		return
	}
	p.served.Add(uint64(len(frames)))
	if err := p.c.write(frames); err != nil {
		p.failed.CompareAndSwap(nil, &err)
		p.c.close()
	}
}
