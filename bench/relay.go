package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/url"
	"sync"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// relay is the zero-processing relay: it pairs the two connections of each
// generator flow (by the hello each sends first) and then copies every frame
// read on one to the other, in batches, without looking at it. It is the
// ceiling a forwarder on the same transport is measured against.
type relay struct {
	pool *face.Pool
	log  *slog.Logger

	mu      sync.Mutex
	waiting map[uint64]face.Transport // pair id → first end to say hello
	all     []face.Transport
	closed  bool
	wg      sync.WaitGroup
}

func newRelay(log *slog.Logger) *relay {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &relay{pool: face.NewPool(), log: log, waiting: map[uint64]face.Transport{}}
}

// accept takes a new transport (a face.AcceptFunc).
func (r *relay) accept(t face.Transport) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		t.Close()
		return
	}
	r.all = append(r.all, t)
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		r.handshake(t)
	}()
}

// handshake reads t until its hello, pairs it, and, when this end completes
// a pair, answers both hellos and pumps frames both ways.
func (r *relay) handshake(t face.Transport) {
	bufs := [][]byte{r.pool.Get()}
	sizes := []int{0}
	defer func() { r.pool.Put(bufs[0]) }()
	for {
		n, err := t.Read(bufs, sizes)
		if err != nil {
			t.Close()
			return
		}
		if n == 0 {
			continue
		}
		fi := parseFrame(bufs[0][:sizes[0]])
		if fi.kind != pktInterest {
			continue
		}
		name, err := ndn.NameFromValue(fi.nameV)
		if err != nil || name.Len() != 3 || !isCtrl(fi.nameV) || len(name.At(1).Value) != 8 {
			continue
		}
		pair := binary.BigEndian.Uint64(name.At(1).Value)
		r.mu.Lock()
		other, ok := r.waiting[pair]
		if ok && other == t { // a repeated hello
			r.mu.Unlock()
			continue
		}
		if !ok {
			r.waiting[pair] = t
			r.mu.Unlock()
			return // the second end's goroutine starts the pumps
		}
		delete(r.waiting, pair)
		r.wg.Add(2)
		r.mu.Unlock()
		for _, end := range []face.Transport{other, t} {
			d := ndn.Data{Name: relayHelloName(pair, 'r'), Content: []byte{}}
			w, err := d.SignWith(nullSigner{})
			if err == nil {
				err = end.Write([][]byte{w})
			}
			if err != nil {
				r.log.Debug("relay: hello reply failed", "err", err)
			}
		}
		go r.pump(other, t)
		go r.pump(t, other)
		return
	}
}

// pump copies batches from src to dst until either fails, then closes both.
func (r *relay) pump(src, dst face.Transport) {
	defer r.wg.Done()
	bs := min(max(src.BatchSize(), 1), maxBatch)
	bufs := make([][]byte, bs)
	frames := make([][]byte, bs)
	for i := range bufs {
		bufs[i] = r.pool.Get()
	}
	sizes := make([]int, bs)
	defer func() {
		src.Close()
		dst.Close()
		for _, b := range bufs {
			r.pool.Put(b)
		}
	}()
	for {
		n, err := src.Read(bufs, sizes)
		if err != nil {
			return
		}
		for i := range n {
			frames[i] = bufs[i][:sizes[i]]
		}
		if n > 0 {
			if err := dst.Write(frames[:n]); err != nil {
				return
			}
		}
	}
}

// close closes every transport and waits for the relay's goroutines.
func (r *relay) close() {
	r.mu.Lock()
	r.closed = true
	all := r.all
	r.all = nil
	r.mu.Unlock()
	for _, t := range all {
		t.Close()
	}
	r.wg.Wait()
}

// nullSigner signs with DigestSha256 type and a constant value: the relay's
// replies are read only by the generator.
type nullSigner struct{}

func (nullSigner) SigType() ndn.SigType          { return ndn.SigDigestSha256 }
func (nullSigner) KeyLocator() ndn.KeyLocator    { return ndn.KeyLocator{} }
func (nullSigner) Sign(_ []byte) ([]byte, error) { return make([]byte, 32), nil }

// RunRelay runs the zero-processing relay on listen (a FaceUri:
// unix:///path, tcp://127.0.0.1:0, udp://127.0.0.1:0; port 0 picks a free
// port) until ctx ends. It calls ready with the URI clients should dial once
// it is listening. `ndnflow bench relay-serve` runs it as a child process of
// the benchmark, so the relay does not share the generator's Go runtime.
func RunRelay(ctx context.Context, listen string, log *slog.Logger, ready func(uri string)) error {
	ep, err := parseEndpoint(listen)
	if err != nil {
		return err
	}
	r := newRelay(log)
	var uri string
	var closeL func() error
	switch ep.kind {
	case "unix":
		l, err := face.ListenUnix(ctx, ep.addr, face.StreamListenerConfig{Accept: r.accept, Logger: log})
		if err != nil {
			return err
		}
		uri, closeL = l.URI(), l.Close
	case "tcp":
		l, err := face.ListenTCP(ctx, ep.addr, face.StreamListenerConfig{Accept: r.accept, Logger: log})
		if err != nil {
			return err
		}
		uri, closeL = "tcp://"+l.Addr().String(), l.Close
	case "udp":
		l, err := face.ListenUDP(ctx, ep.addr, face.UDPListenerConfig{Accept: r.accept, Pool: r.pool, Logger: log})
		if err != nil {
			return err
		}
		uri, closeL = "udp://"+l.LocalAddr().String(), l.Close
	default:
		return fmt.Errorf("%w: the relay cannot listen on %q", ErrConfig, listen)
	}
	if ready != nil {
		ready(uri)
	}
	<-ctx.Done()
	closeL()
	r.close()
	return nil
}

// endpoint is a parsed target address.
type endpoint struct {
	kind string // unix, tcp, udp
	addr string // path or host:port
}

func (e endpoint) String() string {
	if e.kind == "unix" {
		return "unix://" + e.addr
	}
	return e.kind + "://" + e.addr
}

// parseEndpoint parses unix:///path, tcp[46]://host:port, udp[46]://host:port.
func parseEndpoint(s string) (endpoint, error) {
	u, err := url.Parse(s)
	if err != nil {
		return endpoint{}, fmt.Errorf("%w: target %q: %v", ErrConfig, s, err)
	}
	switch u.Scheme {
	case "unix":
		if u.Path == "" {
			return endpoint{}, fmt.Errorf("%w: target %q has no socket path (unix:///path/to/nfd.sock)", ErrConfig, s)
		}
		return endpoint{"unix", u.Path}, nil
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
		if u.Host == "" || u.Port() == "" {
			return endpoint{}, fmt.Errorf("%w: target %q needs host:port", ErrConfig, s)
		}
		return endpoint{u.Scheme[:3], u.Host}, nil
	}
	return endpoint{}, fmt.Errorf("%w: target %q: scheme must be unix, tcp or udp", ErrConfig, s)
}
