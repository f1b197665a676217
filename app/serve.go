package app

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

// Handler answers one Interest. It returns the Data to send (unsigned Data,
// whose Wire is nil, is signed with ServeOptions.Signer; Data that already
// has a Wire, e.g. decoded from a store, is sent as it is), or
// ReplyNack(reason) to send a Nack, or (nil, nil) to send nothing. Any other
// error is logged at debug level and nothing is sent.
//
// Handlers run concurrently (up to ServeOptions.Concurrency at once). The
// Interest and its fields alias a receive buffer that is reused after the
// handler returns: copy what must outlive the call.
type Handler func(ctx context.Context, interest *ndn.Interest) (*ndn.Data, error)

// ServeOptions configures Serve. The zero value registers the prefix with
// rib/register and signs replies with DigestSha256.
type ServeOptions struct {
	// Signer signs Data the handler returns unsigned; default DigestSha256.
	Signer ndn.Signer
	// Concurrency bounds the handlers running at once; default 256.
	// Workers are started as needed and take Interests in arrival order, so
	// replies leave mostly in order (reordering looks like loss to a
	// pipelining consumer).
	Concurrency int
	// QueueLength bounds the Interests waiting for a worker; more are
	// dropped and counted (the consumer retransmits), so a slow handler
	// cannot stall the Client's receive goroutine. Default 4096.
	QueueLength int
	// Inline runs the handler on the Client's receive goroutine instead of
	// a worker: no hand-off and replies in arrival order, but while it runs
	// no packet is received. Only for handlers that never block and take a
	// few microseconds (serving prepared Data from memory).
	Inline bool
	// NoRegister serves the prefix without asking the forwarder for a
	// route (it already has one, e.g. a static route or a shared prefix).
	NoRegister bool
	// Announce registers with rib/announce and a Prefix Announcement signed
	// by AnnounceSigner (default Signer) instead of rib/register.
	Announce bool
	// AnnounceSigner signs the Prefix Announcement; default Signer.
	AnnounceSigner ndn.Signer
	// AnnounceExpiration is the announcement's ExpirationPeriod; default 1 h.
	AnnounceExpiration time.Duration
	// Origin and Cost go into rib/register; defaults 0 (app) and 0.
	Origin, Cost uint64
	// Release, when set, is called with every non-nil Data the handler
	// returned, once its bytes have been copied into the send queue (or
	// dropped): the handler may then reuse the Data and its buffer. It
	// runs on the goroutine that ran the handler.
	Release func(d *ndn.Data)
}

func (o *ServeOptions) applyDefaults() {
	if o.Signer == nil {
		o.Signer = digestSigner{}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 256
	}
	if o.QueueLength <= 0 {
		o.QueueLength = 4096
	}
	if o.AnnounceSigner == nil {
		o.AnnounceSigner = o.Signer
	}
	if o.AnnounceExpiration <= 0 {
		o.AnnounceExpiration = time.Hour
	}
}

// Producer serves a name prefix. It exists from Serve until Close (or until
// the ctx given to Serve ends).
type Producer struct {
	c      *Client
	prefix ndn.Name
	h      Handler
	opts   ServeOptions
	queue  chan *Packet // Interests waiting for a worker, FIFO
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	closeOnce sync.Once
	workers   atomic.Int32 // started workers
	idle      atomic.Int32 // workers waiting for an Interest

	// Served counts Interests queued for the handler; Dropped those refused
	// because the queue was full.
	Served, Dropped atomic.Uint64
}

// Serve starts serving prefix with h: it registers the prefix with the
// forwarder (unless opts.NoRegister) and returns once the forwarder has
// accepted it. The Producer stops, and unregisters, on Close or when ctx
// ends; handlers get a context that ends then.
func (c *Client) Serve(ctx context.Context, prefix ndn.Name, h Handler, opts ServeOptions) (*Producer, error) {
	opts.applyDefaults()
	p := &Producer{c: c, prefix: prefix.Clone(), h: h, opts: opts, queue: make(chan *Packet, opts.QueueLength)}
	p.ctx, p.cancel = context.WithCancel(c.ctx)
	c.prodMu.Lock()
	c.prods = append(c.prods, p)
	c.prodMu.Unlock()
	if !opts.NoRegister {
		if err := c.register(ctx, p); err != nil {
			p.detach()
			p.cancel()
			return nil, err
		}
	}
	stop := context.AfterFunc(ctx, func() { p.Close() })
	go func() {
		<-p.ctx.Done()
		stop()
	}()
	return p, nil
}

// Done is closed when the Producer stops.
func (p *Producer) Done() <-chan struct{} { return p.ctx.Done() }

// Prefix returns the served prefix.
func (p *Producer) Prefix() ndn.Name { return p.prefix }

// Close stops dispatching, unregisters the prefix (waiting at most 2 s for
// the forwarder) and waits for running handlers to return.
func (p *Producer) Close() error {
	var err error
	p.closeOnce.Do(func() {
		p.detach()
		p.cancel()
		if !p.opts.NoRegister {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err = p.c.unregister(ctx, p)
			cancel()
			if errors.Is(err, ErrClosed) || errors.Is(err, ErrDown) {
				err = nil // the forwarder drops the route with the face
			}
		}
		p.wg.Wait()
	})
	return err
}

func (p *Producer) detach() {
	c := p.c
	c.prodMu.Lock()
	for i, q := range c.prods {
		if q == p {
			c.prods = append(c.prods[:i], c.prods[i+1:]...)
			break
		}
	}
	c.prodMu.Unlock()
}

// producerFor returns the Producer with the longest prefix of name.
func (c *Client) producerFor(name ndn.Name) *Producer {
	c.prodMu.RLock()
	defer c.prodMu.RUnlock()
	var best *Producer
	for _, p := range c.prods {
		if p.prefix.IsPrefixOf(name) && (best == nil || len(p.prefix.Value()) > len(best.prefix.Value())) {
			best = p
		}
	}
	return best
}

func (c *Client) dispatchInterest(pkt *Packet) {
	p := c.producerFor(pkt.Interest.Name)
	if p == nil {
		c.Counters.RxNoProducer.Add(1)
		pkt.Release()
		return
	}
	if p.opts.Inline {
		p.Served.Add(1)
		p.handle(pkt)
		return
	}
	select {
	case p.queue <- pkt:
	default:
		p.Dropped.Add(1)
		pkt.Release()
		return
	}
	p.Served.Add(1)
	// Start another worker when none is idle, eagerly up to GOMAXPROCS
	// (CPU-bound handlers gain nothing beyond), then only when the queue
	// grows (blocking handlers): fewer workers reorder replies less.
	if w := int(p.workers.Load()); p.idle.Load() == 0 && w < p.opts.Concurrency &&
		(w < runtime.GOMAXPROCS(0) || len(p.queue) >= 4*w) {
		p.workers.Add(1)
		p.idle.Add(1)
		p.wg.Add(1)
		go p.routineWorker()
	}
}

// routineWorker runs the handler on queued Interests until the Producer
// stops.
func (p *Producer) routineWorker() {
	defer p.wg.Done()
	for {
		select {
		case <-p.ctx.Done():
			for {
				select {
				case pkt := <-p.queue:
					pkt.Release()
				default:
					return
				}
			}
		case pkt := <-p.queue:
			p.idle.Add(-1)
			p.handle(pkt)
			p.idle.Add(1)
		}
	}
}

func (p *Producer) handle(pkt *Packet) {
	defer pkt.Release()
	if p.ctx.Err() != nil {
		return
	}
	d, err := p.h(p.ctx, &pkt.Interest)
	var raw []byte
	if pkt.lp.PitToken != nil {
		raw = pkt.lp.PitToken
	}
	if err != nil {
		// Only here: errors.As makes nack escape, one allocation per call.
		var nack *NackError
		if errors.As(err, &nack) {
			p.c.sendReply(raw, true, nack.Reason, pkt.lp.Fragment)
		} else {
			p.c.log.Debug("handler failed", "name", pkt.Interest.Name, "err", err)
		}
		return
	}
	if d == nil {
		return
	}
	if p.opts.Release != nil {
		defer p.opts.Release(d)
	}
	w := d.Wire()
	if w == nil {
		if w, err = d.SignWith(p.opts.Signer); err != nil {
			p.c.log.Debug("signing reply failed", "name", d.Name, "err", err)
			return
		}
	}
	p.c.sendReply(raw, false, 0, w)
}

// sendReply queues a Data or Nack echoing the Interest's PIT token as it
// came (any length, ndn-protocols.md §3.5).
func (c *Client) sendReply(token []byte, nack bool, reason ndn.NackReason, frag []byte) {
	var lp ndn.LpPacket
	lp.Fragment = frag
	lp.PitToken = token
	lp.IsNack, lp.NackReason = nack, reason
	if err := c.tx.push(&lp); err == nil {
		c.Counters.TxFrames.Add(1)
	} else if errors.Is(err, ErrDown) {
		c.Counters.TxDropped.Add(1)
	}
}

// reRegisterAll registers again every prefix after a reconnection.
func (c *Client) reRegisterAll() {
	c.prodMu.RLock()
	prods := append([]*Producer(nil), c.prods...)
	c.prodMu.RUnlock()
	for _, p := range prods {
		if p.opts.NoRegister || p.ctx.Err() != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
		err := c.register(ctx, p)
		cancel()
		if err != nil {
			c.log.Warn("re-registering prefix failed", "prefix", p.prefix, "err", fmt.Sprint(err))
		}
	}
}
