// Package facetest has helpers for testing faces and code built on them:
// packet builders of exact sizes, a collecting Handler and a lossy
// transport wrapper.
package facetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// Interest returns the wire of an Interest named name (a URI) with a Nonce
// and paramsLen bytes of ApplicationParameters (none when paramsLen < 0).
// It panics on an invalid name: it is meant for tests.
func Interest(name string, nonce uint32, paramsLen int) []byte {
	i := ndn.Interest{Name: ndn.MustParseName(name), Nonce: nonce, HasNonce: true}
	if paramsLen >= 0 {
		i.HasAppParams = true
		i.AppParams = fill(paramsLen, byte(nonce))
	}
	w, err := i.Encode()
	if err != nil {
		panic(err)
	}
	return w
}

// Data returns the wire of a Data named name with contentLen bytes of
// content and a 32-byte DigestSha256-typed placeholder signature (faces do
// not verify signatures).
func Data(name string, contentLen int) []byte {
	d := ndn.Data{Name: ndn.MustParseName(name), Content: fill(contentLen, byte(contentLen)), SigValue: make([]byte, 32)}
	return d.Append(nil)
}

// DataOfSize returns a Data of exactly total bytes, or the smallest Data
// named name when total is smaller than that.
func DataOfSize(name string, total int) []byte {
	n := max(total-len(Data(name, 0)), 0)
	for {
		w := Data(name, n)
		if len(w) <= total || n == 0 {
			return w
		}
		n -= len(w) - total
		n = max(n, 0)
	}
}

// InterestOfSize returns an Interest of exactly total bytes, or the smallest
// one named name when total is smaller than that.
func InterestOfSize(name string, nonce uint32, total int) []byte {
	n := max(total-len(Interest(name, nonce, 0)), 0)
	for {
		w := Interest(name, nonce, n)
		if len(w) <= total || n == 0 {
			return w
		}
		n -= len(w) - total
		n = max(n, 0)
	}
}

func fill(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// Received is a copy of what a face delivered.
type Received struct {
	Kind           face.Kind
	Wire           []byte
	PitToken       []byte
	NackReason     ndn.NackReason
	CongestionMark uint64
	Lp             ndn.LpPacket // header fields; slices are copies
}

// Collector is a face.Handler that copies and releases every packet. Its
// methods are safe for concurrent use.
type Collector struct {
	mu     sync.Mutex
	pkts   []Received
	notify chan struct{}
	count  atomic.Int64
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{notify: make(chan struct{}, 1)} }

// Handle is the face.Handler.
func (c *Collector) Handle(batch []*face.RxPacket) {
	c.mu.Lock()
	for _, p := range batch {
		r := Received{
			Kind:           p.Kind,
			Wire:           bytes.Clone(p.Wire()),
			PitToken:       bytes.Clone(p.Lp.PitToken),
			NackReason:     p.Lp.NackReason,
			CongestionMark: p.Lp.CongestionMark,
			Lp:             p.Lp,
		}
		r.Lp.Fragment = r.Wire
		r.Lp.PitToken = r.PitToken
		r.Lp.PrefixAnn = bytes.Clone(p.Lp.PrefixAnn)
		r.Lp.Acks = nil
		c.pkts = append(c.pkts, r)
		p.Release()
	}
	c.count.Add(int64(len(batch)))
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Len returns how many packets were collected.
func (c *Collector) Len() int { return int(c.count.Load()) }

// Packets returns a copy of the collected packets.
func (c *Collector) Packets() []Received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Received(nil), c.pkts...)
}

// Wait waits until at least n packets were collected or timeout passes, and
// returns the packets collected so far.
func (c *Collector) Wait(n int, timeout time.Duration) []Received {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for c.Len() < n {
		select {
		case <-c.notify:
		case <-deadline.C:
			return c.Packets()
		}
	}
	return c.Packets()
}

// Counter is a face.Handler that counts and releases packets, for benchmarks.
type Counter struct {
	N atomic.Uint64
}

// Handle is the face.Handler.
func (c *Counter) Handle(batch []*face.RxPacket) {
	for _, p := range batch {
		p.Release()
	}
	c.N.Add(uint64(len(batch)))
}

// Lossy wraps a transport and drops each written frame with probability
// Loss; it can also reorder each batch. It is for fragmentation tests.
type Lossy struct {
	face.Transport
	Loss    float64
	Shuffle bool

	mu  sync.Mutex // protects rng
	rng *rand.Rand
	buf [][]byte

	Dropped atomic.Uint64
}

// NewLossy wraps t with a deterministic random source.
func NewLossy(t face.Transport, loss float64, seed uint64) *Lossy {
	return &Lossy{Transport: t, Loss: loss, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Write drops and possibly reorders frames, then writes the rest.
func (l *Lossy) Write(frames [][]byte) error {
	l.mu.Lock()
	l.buf = l.buf[:0]
	for _, f := range frames {
		if l.rng.Float64() < l.Loss {
			l.Dropped.Add(1)
			continue
		}
		l.buf = append(l.buf, f)
	}
	if l.Shuffle {
		l.rng.Shuffle(len(l.buf), func(i, j int) { l.buf[i], l.buf[j] = l.buf[j], l.buf[i] })
	}
	out := l.buf
	l.mu.Unlock()
	if len(out) == 0 {
		return nil
	}
	return l.Transport.Write(out)
}

// String describes a Received for test failure messages.
func (r Received) String() string {
	return fmt.Sprintf("%v %dB token=%x mark=%d", r.Kind, len(r.Wire), r.PitToken, r.CongestionMark)
}
