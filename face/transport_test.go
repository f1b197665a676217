package face_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
)

// pairMaker builds two connected transports: a is the "client" end, b the
// end a listener accepted. Everything it opens is closed by t.Cleanup.
type pairMaker struct {
	name string
	make func(t testing.TB) (a, b face.Transport)
}

var pairMakers = []pairMaker{
	{"mem", func(t testing.TB) (face.Transport, face.Transport) {
		a, b := face.NewMemPair(face.MemPairConfig{})
		return a, b
	}},
	{"unix", func(t testing.TB) (face.Transport, face.Transport) {
		path := filepath.Join(t.TempDir(), "nfd.sock")
		acc := make(chan face.Transport, 1)
		l, err := face.ListenUnix(context.Background(), path, face.StreamListenerConfig{Accept: func(tr face.Transport) { acc <- tr }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		a, err := face.DialUnix(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return a, accepted(t, acc)
	}},
	{"tcp4", func(t testing.TB) (face.Transport, face.Transport) {
		return tcpPair(t, "127.0.0.1:0")
	}},
	{"tcp6", func(t testing.TB) (face.Transport, face.Transport) {
		return tcpPair(t, "[::1]:0")
	}},
	{"ws", func(t testing.TB) (face.Transport, face.Transport) {
		acc := make(chan face.Transport, 1)
		l, err := face.ListenWebSocket(context.Background(), "127.0.0.1:0", face.WebSocketConfig{Accept: func(tr face.Transport) { acc <- tr }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		a, err := face.DialWebSocket(context.Background(), l.URI()+"/")
		if err != nil {
			t.Fatal(err)
		}
		return a, accepted(t, acc)
	}},
	{"udp4", func(t testing.TB) (face.Transport, face.Transport) {
		return udpPair(t, "127.0.0.1:0")
	}},
	{"udp6", func(t testing.TB) (face.Transport, face.Transport) {
		return udpPair(t, "[::1]:0")
	}},
}

func accepted(t testing.TB, acc chan face.Transport) face.Transport {
	select {
	case b := <-acc:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("listener accepted nothing")
		return nil
	}
}

func tcpPair(t testing.TB, addr string) (face.Transport, face.Transport) {
	acc := make(chan face.Transport, 1)
	l, err := face.ListenTCP(context.Background(), addr, face.StreamListenerConfig{Accept: func(tr face.Transport) { acc <- tr }})
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { l.Close() })
	a, err := face.DialTCP(context.Background(), l.Addr().String(), face.TCPDialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return a, accepted(t, acc)
}

// udpPair: a is DialUDP's own connected socket, b the on-demand transport the
// listener creates on a's first datagram (a sends an IDLE packet to trigger it).
func udpPair(t testing.TB, addr string) (face.Transport, face.Transport) {
	acc := make(chan face.Transport, 1)
	l, err := face.ListenUDP(context.Background(), addr, face.UDPListenerConfig{Accept: func(tr face.Transport) { acc <- tr }})
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { l.Close() })
	a, err := face.DialUDP(context.Background(), l.LocalAddr().String(), face.UDPDialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Write([][]byte{{0x64, 0x00}}); err != nil {
		t.Fatal(err)
	}
	return a, accepted(t, acc)
}

func TestTransportInfo(t *testing.T) {
	tests := []struct {
		pair                   string
		localPrefix, remPrefix string
		scope                  face.Scope
		stream                 bool
		mtu                    int
	}{
		{"mem", "internal://", "internal://", face.ScopeLocal, false, 0},
		{"unix", "fd://", "unix://", face.ScopeLocal, true, 0},
		{"tcp4", "tcp4://127.0.0.1:", "tcp4://127.0.0.1:", face.ScopeLocal, true, 0},
		{"ws", "wsclient://", "ws://127.0.0.1:", face.ScopeNonLocal, false, 0},
		{"udp4", "udp4://", "udp4://127.0.0.1:", face.ScopeNonLocal, false, face.DefaultUDPMTU},
		{"udp6", "udp6://", "udp6://[::1]:", face.ScopeNonLocal, false, face.DefaultUDPMTU},
	}
	for _, tt := range tests {
		t.Run(tt.pair, func(t *testing.T) {
			a, b := findPair(tt.pair).make(t)
			defer a.Close()
			defer b.Close()
			ia := a.Info()
			if !hasPrefix(ia.LocalURI, tt.localPrefix) || !hasPrefix(ia.RemoteURI, tt.remPrefix) {
				t.Errorf("URIs %q -> %q, want prefixes %q -> %q", ia.LocalURI, ia.RemoteURI, tt.localPrefix, tt.remPrefix)
			}
			if ia.Scope != tt.scope || ia.Stream != tt.stream || ia.MTU != tt.mtu || ia.LinkType != face.LinkPointToPoint {
				t.Errorf("info %+v", ia)
			}
			if ib := b.Info(); ib.LocalURI != ia.RemoteURI && tt.pair != "unix" && tt.pair != "ws" {
				t.Errorf("accepted end local %q, dialer remote %q", ib.LocalURI, ia.RemoteURI)
			}
		})
	}
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func findPair(name string) pairMaker {
	for _, p := range pairMakers {
		if p.name == name {
			return p
		}
	}
	panic(name)
}

func TestDialURI(t *testing.T) {
	ctx := context.Background()
	srv := newServer()
	defer srv.close(t)
	path := filepath.Join(t.TempDir(), "d.sock")
	lu, err := face.ListenUnix(ctx, path, face.StreamListenerConfig{Accept: srv.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer lu.Close()
	lt, err := face.ListenTCP(ctx, "127.0.0.1:0", face.StreamListenerConfig{Accept: srv.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer lt.Close()
	lw, err := face.ListenWebSocket(ctx, "127.0.0.1:0", face.WebSocketConfig{Accept: srv.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer lw.Close()
	lud, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: srv.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer lud.Close()
	for _, uri := range []string{"unix://" + path, lt.URI(), "tcp://" + lt.Addr().String(), lw.URI() + "/", lud.URI()} {
		tr, err := face.Dial(ctx, uri, face.DialConfig{})
		if err != nil {
			t.Errorf("Dial(%q): %v", uri, err)
			continue
		}
		tr.Close()
	}
	for _, uri := range []string{"ftp://x", "tcp://", "::"} {
		if _, err := face.Dial(ctx, uri, face.DialConfig{}); err == nil {
			t.Errorf("Dial(%q) succeeded", uri)
		}
	}
}

func TestDialHostNames(t *testing.T) {
	ctx := context.Background()
	srv := newServer()
	defer srv.close(t)
	l, err := face.ListenUDP(ctx, "127.0.0.1:0", face.UDPListenerConfig{Accept: srv.accept})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := fmt.Sprint(l.LocalAddr().Port())
	tr, err := face.Dial(ctx, "udp4://localhost:"+port, face.DialConfig{})
	if err != nil {
		t.Fatalf("udp4://localhost: %v", err)
	}
	defer tr.Close()
	if got := tr.Info().RemoteURI; got != "udp4://127.0.0.1:"+port {
		t.Errorf("remote %q", got)
	}
	lt, err := l.Dial(ctx, "localhost:9")
	if err != nil {
		t.Fatalf("listener Dial(localhost): %v", err)
	}
	lt.Close()
}

// TestEnumNames checks the names faces report in status pages against
// those nfdc prints for the same values.
func TestEnumNames(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{face.ScopeNonLocal, "non-local"},
		{face.ScopeLocal, "local"},
		{face.LinkPointToPoint, "point-to-point"},
		{face.LinkMultiAccess, "multi-access"},
		{face.LinkAdHoc, "adhoc"},
		{face.PersistencyPersistent, "persistent"},
		{face.PersistencyOnDemand, "on-demand"},
		{face.PersistencyPermanent, "permanent"},
		{face.StateUp, "up"},
		{face.StateDown, "down"},
		{face.StateClosed, "closed"},
		{face.KindInterest, "Interest"},
		{face.KindData, "Data"},
		{face.KindNack, "Nack"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T(%d).String() = %q, want %q", tt.v, tt.v, got, tt.want)
		}
	}
}
