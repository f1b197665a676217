package face_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// server is a listener whose accepted transports become faces collecting
// into one Collector.
type server struct {
	mu    sync.Mutex
	faces []*face.Face
	rx    *facetest.Collector
	acc   chan *face.Face
}

func newServer() *server {
	return &server{rx: facetest.NewCollector(), acc: make(chan *face.Face, 64)}
}

func (s *server) accept(t face.Transport) {
	f := face.New(t, face.Config{Handler: s.rx.Handle})
	s.mu.Lock()
	s.faces = append(s.faces, f)
	s.mu.Unlock()
	s.acc <- f
}

func (s *server) close(t testing.TB) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faces {
		f.Close()
		waitDone(t, f)
	}
}

func TestUnixSocketPathExists(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := newServer()
	defer srv.close(t)
	cfg := face.StreamListenerConfig{Accept: srv.accept}

	t.Run("directory is created, mode is 0666, file removed on close", func(t *testing.T) {
		path := filepath.Join(dir, "sub", "dir", "nfd.sock")
		l, err := face.ListenUnix(ctx, path, cfg)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o666 {
			t.Errorf("socket file %v, %v", fi, err)
		}
		if l.URI() != "unix://"+path {
			t.Errorf("URI %q", l.URI())
		}
		l.Close()
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("socket file not removed: %v", err)
		}
	})
	t.Run("stale socket file is replaced", func(t *testing.T) {
		path := filepath.Join(dir, "stale.sock")
		ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		ul.SetUnlinkOnClose(false)
		ul.Close() // leaves the file behind, as a crashed forwarder would
		l, err := face.ListenUnix(ctx, path, cfg)
		if err != nil {
			t.Fatalf("stale socket not replaced: %v", err)
		}
		defer l.Close()
		c, err := face.DialUnix(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	})
	t.Run("live listener is not stolen", func(t *testing.T) {
		path := filepath.Join(dir, "live.sock")
		l, err := face.ListenUnix(ctx, path, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if _, err := face.ListenUnix(ctx, path, cfg); !errors.Is(err, face.ErrAddrInUse) {
			t.Errorf("second listener: %v, want ErrAddrInUse", err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("first listener's socket file disappeared: %v", err)
		}
	})
	t.Run("regular file is not removed", func(t *testing.T) {
		path := filepath.Join(dir, "file")
		os.WriteFile(path, []byte("x"), 0o644)
		if _, err := face.ListenUnix(ctx, path, cfg); err == nil {
			t.Error("listened over a regular file")
		}
		if b, _ := os.ReadFile(path); string(b) != "x" {
			t.Error("regular file was changed")
		}
	})
}

func TestStreamGarbageClosesOnlyThatFace(t *testing.T) {
	for _, tt := range []struct {
		name    string
		garbage []byte
		wantErr error
	}{
		{"HTTP request", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), face.ErrFraming},
		{"oversized frame", []byte{0x06, 0xFD, 0xFF, 0xFF}, face.ErrFrameTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.sock")
			srv := newServer()
			defer srv.close(t)
			l, err := face.ListenUnix(context.Background(), path, face.StreamListenerConfig{Accept: srv.accept})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			good, err := face.DialUnix(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			goodFace := face.New(good, face.Config{Handler: facetest.NewCollector().Handle})
			defer func() { goodFace.Close(); <-goodFace.Done() }()
			srvGood := <-srv.acc

			bad, err := net.Dial("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			srvBad := <-srv.acc
			bad.Write(append(facetest.Data("/before", 3), tt.garbage...))
			select {
			case <-srvBad.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("face fed garbage was not closed")
			}
			if !errors.Is(srvBad.Err(), tt.wantErr) || srvBad.State() != face.StateClosed {
				t.Errorf("bad face: state %v err %v, want %v", srvBad.State(), srvBad.Err(), tt.wantErr)
			}
			d := facetest.Data("/after", 100)
			goodFace.Send(&ndn.LpPacket{Fragment: d})
			got := srv.rx.Wait(2, 5*time.Second)
			if len(got) != 2 || !bytes.Equal(got[1].Wire, d) || srvGood.State() != face.StateUp {
				t.Errorf("other face affected: got %v, state %v", got, srvGood.State())
			}
		})
	}
}

func TestTCPPermanentReconnect(t *testing.T) {
	ctx := context.Background()
	srv1 := newServer()
	l1, err := face.ListenTCP(ctx, "127.0.0.1:0", face.StreamListenerConfig{Accept: srv1.accept})
	if err != nil {
		t.Fatal(err)
	}
	addr := l1.Addr().String()
	tr, err := face.DialTCP(ctx, addr, face.TCPDialConfig{Permanent: true, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rx := facetest.NewCollector()
	f := face.New(tr, face.Config{Handler: rx.Handle, Persistency: face.PersistencyPermanent})
	defer func() { f.Close(); <-f.Done() }()
	states := make(chan face.State, 16)
	f.Subscribe(func(_ *face.Face, _, s face.State) { states <- s })
	<-srv1.acc
	f.Send(&ndn.LpPacket{Fragment: facetest.Data("/one", 1)})
	srv1.rx.Wait(1, 5*time.Second)

	// The peer dies: listener and its face go away.
	l1.Close()
	srv1.close(t)
	expectState(t, states, face.StateDown)
	if c := f.Counters(); f.Send(&ndn.LpPacket{Fragment: facetest.Data("/lost", 1)}) && c.DropTxError.Load() == 0 {
		// Send queues; the send goroutine drops while down. Give it a moment.
		time.Sleep(50 * time.Millisecond)
	}

	// The peer comes back on the same port.
	srv2 := newServer()
	defer srv2.close(t)
	var l2 *face.StreamListener
	for i := range 50 {
		l2, err = face.ListenTCP(ctx, addr, face.StreamListenerConfig{Accept: srv2.accept})
		if err == nil {
			break
		}
		time.Sleep(time.Duration(i+1) * 10 * time.Millisecond)
	}
	if err != nil {
		t.Skipf("cannot rebind %s: %v", addr, err)
	}
	defer l2.Close()
	expectState(t, states, face.StateUp)
	<-srv2.acc
	d := facetest.Data("/two", 2)
	f.Send(&ndn.LpPacket{Fragment: d})
	if got := srv2.rx.Wait(1, 5*time.Second); len(got) != 1 || !bytes.Equal(got[0].Wire, d) {
		t.Fatalf("after reconnect got %v", got)
	}
	if f.State() != face.StateUp || f.Persistency() != face.PersistencyPermanent {
		t.Errorf("state %v persistency %v", f.State(), f.Persistency())
	}
}

func expectState(t *testing.T, ch chan face.State, want face.State) {
	t.Helper()
	for {
		select {
		case s := <-ch:
			if s == want {
				return
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no transition to %v", want)
		}
	}
}

func TestTCPPersistentPeerDies(t *testing.T) {
	a, b := findPair("tcp4").make(t)
	fa, fb, _, _ := facePair(t, a, b, face.Config{}, face.Config{})
	fb.Close()
	select {
	case <-fa.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("persistent face did not close when its peer did")
	}
	if fa.State() != face.StateClosed {
		t.Errorf("state %v", fa.State())
	}
}

func TestConcurrentFaces(t *testing.T) {
	const clients, perClient = 8, 300
	for _, kind := range []string{"unix", "tcp", "udp"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			srv := newServer()
			defer srv.close(t)
			var dial func() (face.Transport, error)
			switch kind {
			case "unix":
				path := filepath.Join(t.TempDir(), "c.sock")
				l, err := face.ListenUnix(ctx, path, face.StreamListenerConfig{Accept: srv.accept})
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				dial = func() (face.Transport, error) { return face.DialUnix(ctx, path) }
			case "tcp":
				l, err := face.ListenTCP(ctx, "127.0.0.1:0", face.StreamListenerConfig{Accept: srv.accept})
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				dial = func() (face.Transport, error) { return face.DialTCP(ctx, l.Addr().String(), face.TCPDialConfig{}) }
			case "udp":
				l, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: srv.accept})
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				dial = func() (face.Transport, error) {
					return face.DialUDP(ctx, l.LocalAddr().String(), face.UDPDialConfig{})
				}
			}
			var wg sync.WaitGroup
			for c := range clients {
				tr, err := dial()
				if err != nil {
					t.Fatal(err)
				}
				f := face.New(tr, face.Config{Handler: facetest.NewCollector().Handle})
				defer func() { f.Close(); <-f.Done() }()
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perClient {
						f.Send(&ndn.LpPacket{Fragment: facetest.Data(fmt.Sprintf("/c%d/%d", c, i), 200)})
						if i%50 == 49 {
							time.Sleep(2 * time.Millisecond) // keep UDP bursts within socket buffers
						}
					}
				}()
			}
			wg.Wait()
			got := srv.rx.Wait(clients*perClient, 10*time.Second)
			if len(got) != clients*perClient {
				t.Fatalf("received %d of %d", len(got), clients*perClient)
			}
			seen := map[string]bool{}
			for _, g := range got {
				seen[string(g.Wire)] = true
			}
			if len(seen) != clients*perClient {
				t.Errorf("%d distinct packets, want %d", len(seen), clients*perClient)
			}
			srv.mu.Lock()
			n := len(srv.faces)
			srv.mu.Unlock()
			if n != clients {
				t.Errorf("server has %d faces, want %d", n, clients)
			}
		})
	}
}

func TestUDPOnDemandIdleAndGarbage(t *testing.T) {
	ctx := context.Background()
	srv := &server{rx: facetest.NewCollector(), acc: make(chan *face.Face, 4)}
	l, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: func(tr face.Transport) {
		srv.acc <- face.New(tr, face.Config{Handler: srv.rx.Handle, IdleTimeout: 100 * time.Millisecond})
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("udp", l.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("garbage that is no TLV"))
	c.Write(facetest.Data("/ok", 5))
	f := <-srv.acc
	if got := srv.rx.Wait(1, 5*time.Second); len(got) != 1 {
		t.Fatalf("got %v", got)
	}
	if f.Persistency() != face.PersistencyOnDemand || f.Counters().DropMalformedLp.Load() != 1 {
		t.Errorf("persistency %v, counters %v", f.Persistency(), counters(f))
	}
	select {
	case <-f.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("idle on-demand face not closed")
	}
	// A new datagram from the same peer creates a new face; made
	// persistent, it outlives the idle timeout.
	c.Write(facetest.Data("/again", 5))
	var f2 *face.Face
	select {
	case f2 = <-srv.acc:
		defer func() { f2.Close(); <-f2.Done() }()
		if f2 == f {
			t.Error("same face")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no new on-demand face")
	}
	f2.SetPersistency(face.PersistencyPersistent)
	select {
	case <-f2.Done():
		t.Error("persistent face closed for idleness")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestUDPListenerDial(t *testing.T) {
	ctx := context.Background()
	srvA, srvB := newServer(), newServer()
	defer srvA.close(t)
	defer srvB.close(t)
	la, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: srvA.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer la.Close()
	lb, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: srvB.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	tr, err := la.Dial(ctx, lb.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := la.Dial(ctx, lb.LocalAddr().String()); !errors.Is(err, face.ErrExists) {
		t.Errorf("second Dial: %v, want ErrExists", err)
	}
	rx := facetest.NewCollector()
	f := face.New(tr, face.Config{Handler: rx.Handle})
	defer func() { f.Close(); <-f.Done() }()
	if f.Persistency() != face.PersistencyPersistent || tr.Info().RemoteURI != "udp4://"+lb.LocalAddr().String() {
		t.Errorf("persistency %v info %+v", f.Persistency(), tr.Info())
	}
	f.Send(&ndn.LpPacket{Fragment: facetest.Interest("/x", 1, -1)})
	fb := <-srvB.acc
	if fb.Info().RemoteURI != la.URI() {
		t.Errorf("peer sees %q, want the listener address %q", fb.Info().RemoteURI, la.URI())
	}
	fb.Send(&ndn.LpPacket{Fragment: facetest.Data("/x", 1)})
	if got := rx.Wait(1, 5*time.Second); len(got) != 1 || got[0].Kind != face.KindData {
		t.Fatalf("reply not received: %v", got)
	}
}

// TestTCPPermanentBackground: a permanent transport dialed with Background
// before its peer listens starts Down and comes Up once the peer listens.
func TestTCPPermanentBackground(t *testing.T) {
	ctx := context.Background()
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()

	if _, err := face.DialTCP(ctx, addr, face.TCPDialConfig{Permanent: true}); err == nil {
		t.Fatal("permanent dial without Background succeeded with nobody listening")
	}
	tr, err := face.DialTCP(ctx, addr, face.TCPDialConfig{Permanent: true, Background: true, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr.Info().RemoteURI, "tcp4://"+addr; got != want {
		t.Errorf("RemoteURI %q, want %q", got, want)
	}
	f := face.New(tr, face.Config{Persistency: face.PersistencyPermanent})
	defer func() { f.Close(); <-f.Done() }()
	if f.State() != face.StateDown {
		t.Fatalf("state %v before the peer listens, want down", f.State())
	}
	states := make(chan face.State, 16)
	f.Subscribe(func(_ *face.Face, _, s face.State) { states <- s })

	srv := newServer()
	defer srv.close(t)
	var l *face.StreamListener
	for i := range 50 {
		l, err = face.ListenTCP(ctx, addr, face.StreamListenerConfig{Accept: srv.accept})
		if err == nil {
			break
		}
		time.Sleep(time.Duration(i+1) * 10 * time.Millisecond)
	}
	if err != nil {
		t.Skipf("cannot bind %s: %v", addr, err)
	}
	defer l.Close()
	expectState(t, states, face.StateUp)
	<-srv.acc
	d := facetest.Data("/late", 1)
	f.Send(&ndn.LpPacket{Fragment: d})
	if got := srv.rx.Wait(1, 5*time.Second); len(got) != 1 || !bytes.Equal(got[0].Wire, d) {
		t.Fatalf("peer got %v", got)
	}

	if _, err := face.DialTCP(ctx, "no-such-host.invalid:6363", face.TCPDialConfig{Permanent: true, Background: true}); !errors.Is(err, face.ErrURI) {
		t.Errorf("unresolvable host: err %v, want ErrURI", err)
	}
}
