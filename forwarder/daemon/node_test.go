package daemon

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

type digestSigner struct{}

func (digestSigner) SigType() ndn.SigType       { return ndn.SigDigestSha256 }
func (digestSigner) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }
func (digestSigner) Sign(p []byte) ([]byte, error) {
	s := sha256.Sum256(p)
	return s[:], nil
}

// startLoopback starts a node with a Unix socket in a temp dir and UDP,
// TCP and WebSocket listeners on 127.0.0.1 with kernel-chosen ports.
func startLoopback(t testing.TB) (*Node, string) {
	sock := filepath.Join(t.TempDir(), "nfd.sock")
	cfg := &Config{Listeners: ListenersSection{
		Unix: &[]string{sock}, UDP: &[]string{"127.0.0.1:0"}, TCP: &[]string{"127.0.0.1:0"}, WebSocket: &[]string{"127.0.0.1:0"},
	}}
	n, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, sock
}

// producer connects over Unix, registers prefix by a direct FIB call and
// answers every Interest with a Data of the same name.
func producer(t testing.TB, n *Node, sock, prefix string) {
	producerFunc(t, n, sock, prefix, func(in *ndn.Interest) []byte {
		d := ndn.Data{Name: in.Name, Content: make([]byte, 100)}
		w, _ := d.SignWith(digestSigner{})
		return w
	})
}

// producerFunc is producer with a custom reply (nil: no reply).
func producerFunc(t testing.TB, n *Node, sock, prefix string, reply func(*ndn.Interest) []byte) {
	before := n.Forwarder().Faces()
	tr, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	var id uint64
	for deadline := time.Now().Add(5 * time.Second); id == 0 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for _, f := range n.Forwarder().Faces() {
			if !slices.Contains(before, f) {
				id = f.ID()
			}
		}
	}
	if err := n.Forwarder().AddNextHop(ndn.MustParseName(prefix), id, 0); err != nil {
		t.Fatal(err)
	}
	go func() {
		bufs, sizes := make([][]byte, 64), make([]int, 64)
		for i := range bufs {
			bufs[i] = make([]byte, face.BufferSize)
		}
		out := make([][]byte, 0, 64)
		var lp ndn.LpPacket
		var in ndn.Interest
		for {
			k, err := tr.Read(bufs, sizes)
			if err != nil {
				return
			}
			out = out[:0]
			for i := range k {
				if lp.Decode(bufs[i][:sizes[i]]) != nil || lp.IsNack || in.Decode(lp.Fragment) != nil {
					continue
				}
				w := reply(&in)
				if w == nil {
					continue
				}
				resp := ndn.LpPacket{PitToken: lp.PitToken, Fragment: w}
				out = append(out, append(resp.AppendHeader(nil), w...))
			}
			if tr.Write(out) != nil {
				return
			}
		}
	}()
}

// consumer sends count Interests under prefix (window 64) over tr and
// returns when all Data arrived.
func consume(t testing.TB, tr face.Transport, prefix string, count int) {
	got := make(chan int, 1024)
	go func() {
		bufs, sizes := make([][]byte, 64), make([]int, 64)
		for i := range bufs {
			bufs[i] = make([]byte, face.BufferSize)
		}
		for {
			k, err := tr.Read(bufs, sizes)
			if err != nil {
				close(got)
				return
			}
			got <- k
		}
	}()
	recv := 0
	for sent := 0; recv < count; {
		for sent < count && sent-recv < 64 {
			i := ndn.Interest{Name: ndn.MustParseName(fmt.Sprintf("%s/%d", prefix, sent)), Nonce: rand.Uint32(), HasNonce: true}
			w, _ := i.Encode()
			if err := tr.Write([][]byte{w}); err != nil {
				t.Fatal(err)
			}
			sent++
		}
		select {
		case k, ok := <-got:
			if !ok {
				t.Fatal("consumer face closed")
			}
			recv += k
		case <-time.After(10 * time.Second):
			t.Fatalf("transfer stalled at %d of %d", recv, count)
		}
	}
}

// TestGarbageOnEveryListener sends random bytes to every listener while a
// transfer runs between two Unix faces: the transfer completes and the
// garbage is counted and dropped.
func TestGarbageOnEveryListener(t *testing.T) {
	n, sock := startLoopback(t)
	producer(t, n, sock, "/data")
	cons, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(1, 2))
		junk := func() []byte {
			b := make([]byte, 1+rng.IntN(2000))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return b
		}
		for _, uri := range n.ListenerURIs() {
			scheme, addr, _ := strings.Cut(uri, "://")
			for k := 0; k < 20; k++ {
				select {
				case <-stop:
					return
				default:
				}
				switch scheme {
				case "udp4":
					if c, err := net.Dial("udp", addr); err == nil {
						c.Write(junk())
						c.Close()
					}
				case "tcp4", "unix":
					network := "tcp"
					if scheme == "unix" {
						network = "unix"
					}
					if c, err := net.Dial(network, addr); err == nil {
						c.Write(junk())
						c.Close()
					}
				case "ws":
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					if c, _, err := websocket.Dial(ctx, uri, nil); err == nil {
						c.Write(ctx, websocket.MessageBinary, junk())
						c.Close(websocket.StatusNormalClosure, "")
					}
					cancel()
				}
			}
		}
	}()
	consume(t, cons, "/data", 2000)
	close(stop)
	<-done
	var dropped uint64
	for _, f := range n.Forwarder().Faces() {
		c := f.Counters()
		dropped += c.DropMalformedLp.Load() + c.DropMalformedNet.Load()
	}
	if c := n.Forwarder().Counters(); c.SatisfiedInterests < 2000 {
		t.Errorf("satisfied %d of 2000", c.SatisfiedInterests)
	}
	t.Logf("malformed frames dropped on faces still open: %d", dropped)
}

// BenchmarkPingUnix measures the round trip of one Interest/Data exchange
// at a time through the forwarder over Unix sockets (consumer and
// producer on their own Unix faces) and reports the median and 99th
// percentile.
func BenchmarkPingUnix(b *testing.B) {
	n, sock := startLoopback(b)
	producer(b, n, sock, "/ping")
	tr, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	bufs, sizes := [][]byte{make([]byte, face.BufferSize)}, []int{0}
	rtts := make([]time.Duration, 0, b.N)
	i := ndn.Interest{Name: ndn.MustParseName("/ping/x/0"), Nonce: 1, HasNonce: true}
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		i.Name = ndn.MustParseName(fmt.Sprintf("/ping/x/%d", k))
		i.Nonce = uint32(k + 1)
		w, _ := i.Encode()
		start := time.Now()
		if err := tr.Write([][]byte{w}); err != nil {
			b.Fatal(err)
		}
		if _, err := tr.Read(bufs, sizes); err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(rtts)
	b.ReportMetric(float64(rtts[len(rtts)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(rtts[len(rtts)*99/100].Microseconds()), "p99-µs")
}

// TestStaticFaceBeforeNeighbour: a router that boots before its neighbour
// gets the permanent TCP link (face Down, route installed) once the
// neighbour listens; a persistent face that cannot be reached is skipped
// with its route, as NFD fails faces/create.
func TestStaticFaceBeforeNeighbour(t *testing.T) {
	freePort := func() string {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
	permAddr, persAddr := freePort(), freePort()
	perm, pers := "tcp4://"+permAddr, "tcp4://"+persAddr
	cfg, err := Parse([]byte(fmt.Sprintf(`listeners: {unix: [], udp: [], tcp: [], websocket: []}
faces:
  - uri: %s
    persistency: permanent
  - uri: %s
routes:
  - {prefix: /perm, face: %s, cost: 7}
  - {prefix: /pers, face: %s}
`, perm, pers, perm, pers)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()

	var static *face.Face
	for _, f := range n.Forwarder().Faces() {
		switch f.Info().RemoteURI {
		case perm:
			static = f
		case pers:
			t.Errorf("persistent face to %s created although unreachable", pers)
		}
	}
	if static == nil {
		t.Fatalf("no permanent face to %s", perm)
	}
	if static.Persistency() != face.PersistencyPermanent || static.State() != face.StateDown {
		t.Errorf("permanent face: persistency %v state %v, want permanent down", static.Persistency(), static.State())
	}
	if e, ok := n.Forwarder().FIB().Get(ndn.MustParseName("/perm")); !ok || len(e.NextHops) != 1 || e.NextHops[0].Face != static.ID() || e.NextHops[0].Cost != 7 {
		t.Errorf("FIB /perm = %+v, %v", e, ok)
	}
	if _, ok := n.Forwarder().FIB().Get(ndn.MustParseName("/pers")); ok {
		t.Error("route /pers installed without its face")
	}

	// The neighbour comes up: the face connects and carries packets.
	var l net.Listener
	for i := range 50 {
		if l, err = net.Listen("tcp4", permAddr); err == nil {
			break
		}
		time.Sleep(time.Duration(i+1) * 10 * time.Millisecond)
	}
	if err != nil {
		t.Skipf("cannot bind %s: %v", permAddr, err)
	}
	defer l.Close()
	l.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := l.Accept()
	if err != nil {
		t.Fatalf("the permanent face did not connect: %v", err)
	}
	defer c.Close()
	for deadline := time.Now().Add(5 * time.Second); static.State() != face.StateUp && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if static.State() != face.StateUp {
		t.Fatalf("state %v after the neighbour listens, want up", static.State())
	}
	app, fwEnd := face.NewMemPair(face.MemPairConfig{})
	defer app.Close()
	n.Forwarder().AddFace(fwEnd, face.Config{})
	want := ndn.MustParseName("/perm/x")
	if err := app.Write([][]byte{facetest.Interest(want.String(), 1, 0)}); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 9000)
	k, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no Interest over the permanent face: %v", err)
	}
	var lp ndn.LpPacket
	var got ndn.Interest
	if err := lp.Decode(buf[:k]); err != nil || got.Decode(lp.Fragment) != nil || !want.IsPrefixOf(got.Name) {
		t.Errorf("neighbour got %x, want an Interest for %v", buf[:k], want)
	}
}
