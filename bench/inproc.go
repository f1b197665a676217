package bench

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/ndn"
)

// TargetInproc runs ndnflow's forwarder inside the benchmark process, with
// its own listeners (or in-memory faces). It shares the Go runtime with the
// generator, so prefer the internal target (a child process) for figures to
// publish; inproc is what the memory transport needs.
const TargetInproc = "inproc"

// inproc is the in-process forwarder of one run: the faces its listeners
// accept are announced on accepted, in order, so the generator, which dials
// one connection at a time, learns the FaceId of each of its connections and
// installs routes with AddNextHop (no management protocol needed).
type inproc struct {
	fw       *forwarder.Forwarder
	accepted chan *face.Face
	closers  []func() error
}

func (s *session) startInproc(ctx context.Context) error {
	cfg := s.cfg
	// The forwarder logs every face the teardown resets at Info: keep
	// warnings only.
	log := slog.New(minLevel{cfg.Logger.Handler(), slog.LevelWarn})
	fcfg := forwarder.Config{Pool: s.pool, Logger: log, CsCapacity: cfg.CSCapacity}
	ip := &inproc{fw: forwarder.New(fcfg), accepted: make(chan *face.Face, 64)}
	s.inproc = ip
	accept := func(t face.Transport) {
		f := ip.fw.AddFace(t, face.Config{})
		select {
		case ip.accepted <- f:
		default:
		}
	}
	var ep endpoint
	switch cfg.Transport {
	case "memory":
		s.dial = func(context.Context) (face.Transport, uint64, error) {
			a, b := face.NewMemPair(face.MemPairConfig{Pool: s.pool})
			return a, ip.fw.AddFace(b, face.Config{}).ID(), nil
		}
		return nil
	case "unix":
		if err := s.mkTemp(); err != nil {
			return err
		}
		l, err := face.ListenUnix(ctx, filepath.Join(s.tmpDir, "nfd.sock"), face.StreamListenerConfig{Accept: accept, Logger: log})
		if err != nil {
			return err
		}
		ip.closers = append(ip.closers, l.Close)
		ep = endpoint{"unix", filepath.Join(s.tmpDir, "nfd.sock")}
	case "tcp":
		l, err := face.ListenTCP(ctx, "127.0.0.1:0", face.StreamListenerConfig{Accept: accept, Logger: log})
		if err != nil {
			return err
		}
		ip.closers = append(ip.closers, l.Close)
		ep = endpoint{"tcp", l.Addr().String()}
	case "udp":
		l, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: accept, Pool: s.pool, Logger: log})
		if err != nil {
			return err
		}
		ip.closers = append(ip.closers, l.Close)
		ep = endpoint{"udp", l.LocalAddr().String()}
	}
	dial := dialer(ep)
	hello, _ := (&ndn.Interest{Name: ndn.MustParseName("/localhost/ndnflow-bench/hello"), Lifetime: 100 * time.Millisecond, Nonce: randNonce(), HasNonce: true}).Encode()
	s.dial = func(ctx context.Context) (face.Transport, uint64, error) {
		t, _, err := dial(ctx)
		if err != nil {
			return nil, 0, err
		}
		if ep.kind == "udp" { // a UDP face appears with its first datagram
			if err := t.Write([][]byte{hello}); err != nil {
				t.Close()
				return nil, 0, err
			}
		}
		select {
		case f := <-ip.accepted:
			return t, f.ID(), nil
		case <-time.After(5 * time.Second):
			t.Close()
			return nil, 0, fmt.Errorf("%w: the in-process forwarder did not accept a connection within 5s", ErrTargetDied)
		case <-ctx.Done():
			t.Close()
			return nil, 0, ctx.Err()
		}
	}
	return nil
}

func (ip *inproc) close() {
	for _, c := range ip.closers {
		c()
	}
	ip.fw.Close()
}

// minLevel is a slog.Handler that drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
