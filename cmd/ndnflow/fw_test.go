package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestFwBadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ yaml, want string }{
		{"tables:\n  cs_max_pakets: 10\n", "cs_max_pakets"},
		{"tables:\n  cs_unsolicited_policy: keep\n", "tables.cs_unsolicited_policy"},
		{"forwarder:\n  threads: 1000\n", "forwarder.threads"},
		{"routes:\n  - prefix: /a\n    face: udp4://192.0.2.1:6363\n", "routes[0].face"},
		{"strategy_choice:\n  - prefix: /a\n    strategy: flooding\n", "strategy_choice[0].strategy"},
		{"tables:\n  dead_nonce_lifetime: soon\n", "duration"},
	}
	for i, tc := range tests {
		p := filepath.Join(dir, fmt.Sprintf("c%d.yaml", i))
		os.WriteFile(p, []byte(tc.yaml), 0o644)
		code, _, stderr := runCLI(t, nil, "fw", "--config", p)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("config %q: exit %d, stderr %q; want 1 and one line naming %s", tc.yaml, code, stderr, tc.want)
		}
	}
	if code, _, _ := runCLI(t, nil, "fw", "--config", filepath.Join(dir, "missing.yaml")); code != 1 {
		t.Errorf("missing config file: exit %d", code)
	}
}

type digestSigner struct{}

func (digestSigner) SigType() ndn.SigType       { return ndn.SigDigestSha256 }
func (digestSigner) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }
func (digestSigner) Sign(p []byte) ([]byte, error) {
	s := sha256.Sum256(p)
	return s[:], nil
}

// udpProducer answers every Interest it receives with a Data of the same
// name, echoing the PIT token, until its socket is closed.
func udpProducer(t *testing.T) *net.UDPConn {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 9000)
		for {
			n, from, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			var lp ndn.LpPacket
			var i ndn.Interest
			if lp.Decode(buf[:n]) != nil || lp.IsNack || i.Decode(lp.Fragment) != nil {
				continue
			}
			content := []byte("hello " + i.Name.String())
			if i.Name.At(1).String() == "bulk" {
				content = bulkContent(i.Name)
			}
			d := ndn.Data{Name: i.Name, Content: content}
			w, _ := d.SignWith(digestSigner{})
			out := ndn.LpPacket{PitToken: lp.PitToken, Fragment: w}
			c.WriteToUDP(append(out.AppendHeader(nil), w...), from)
		}
	}()
	return c
}

func freePort(t *testing.T, network string) int {
	switch network {
	case "udp":
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	default:
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
}

// TestFwEndToEnd builds the binary, runs `ndnflow fw` with a config that
// has a static UDP face and route to a producer, and fetches Data through
// it over Unix, TCP and UDP.
func TestFwEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ndnflow")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	prod := udpProducer(t)
	produri := "udp4://" + prod.LocalAddr().String()
	cfg := filepath.Join(dir, "fw.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`
forwarder:
  threads: 2
faces:
  - uri: %s
routes:
  - prefix: /e2e
    face: %s
    cost: 1
`, produri, produri)), 0o644)
	sock := filepath.Join(dir, "nfd.sock")
	udpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t, "udp"))
	tcpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t, "tcp"))
	cmd := exec.Command(bin, "fw", "--config", cfg, "--unix", sock, "--udp", udpAddr, "--tcp", tcpAddr, "--ws", "", "--log-level", "debug")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	// Wait until the Unix and TCP listeners accept connections: the socket
	// file appears before listen(2), and the TCP listener starts after it.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if acceptsConn("unix", sock) && acceptsConn("tcp", tcpAddr) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket after 10 s; stderr:\n%s", stderr.String())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dials := map[string]func() (face.Transport, error){
		"unix": func() (face.Transport, error) { return face.DialUnix(ctx, sock) },
		"tcp":  func() (face.Transport, error) { return face.DialTCP(ctx, tcpAddr, face.TCPDialConfig{}) },
		"udp":  func() (face.Transport, error) { return face.DialUDP(ctx, udpAddr, face.UDPDialConfig{}) },
	}
	for kind, dial := range dials {
		tr, err := dial()
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		for i := range 20 {
			name := ndn.MustParseName(fmt.Sprintf("/e2e/%s/%d", kind, i))
			in := ndn.Interest{Name: name, Nonce: uint32(i + 1), HasNonce: true, Lifetime: 2 * time.Second}
			w, _ := in.Encode()
			got := fetch(t, tr, w)
			var d ndn.Data
			if err := d.Decode(got); err != nil || !d.Name.Equal(name) || string(d.Content) != "hello "+name.String() {
				t.Fatalf("%s: Data %s %q err %v", kind, d.Name, d.Content, err)
			}
		}
		// A pipelined bulk transfer: 1000 segments of 4000 bytes, 32 in
		// flight, every byte checked.
		bulk(t, tr, kind)
		tr.Close()
	}
	// SIGTERM: clean exit, socket removed, within a second or so.
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("exit: %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no exit 5 s after SIGTERM")
	}
	t.Logf("shutdown took %v", time.Since(start))
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
}

// fetch sends an Interest frame and returns the Data of the first reply,
// retrying twice (UDP may lose a datagram).
func fetch(t *testing.T, tr face.Transport, interest []byte) []byte {
	t.Helper()
	type res struct {
		w   []byte
		err error
	}
	ch := make(chan res, 1)
	go func() {
		bufs, sizes := [][]byte{make([]byte, face.BufferSize)}, []int{0}
		for {
			n, err := tr.Read(bufs, sizes)
			if err != nil {
				ch <- res{err: err}
				return
			}
			if n == 0 {
				continue
			}
			var lp ndn.LpPacket
			if err := lp.Decode(bufs[0][:sizes[0]]); err != nil || lp.IsNack {
				ch <- res{err: fmt.Errorf("reply: err %v nack %v %v", err, lp.IsNack, lp.NackReason)}
				return
			}
			ch <- res{w: append([]byte(nil), lp.Fragment...)}
			return
		}
	}()
	for range 3 {
		if err := tr.Write([][]byte{interest}); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-ch:
			if r.err != nil {
				t.Fatal(r.err)
			}
			return r.w
		case <-time.After(3 * time.Second):
		}
	}
	t.Fatal("no reply after 3 tries")
	return nil
}

// bulkContent is the deterministic 4000-byte content of a bulk segment.
func bulkContent(name ndn.Name) []byte {
	h := sha256.Sum256(name.Value())
	out := make([]byte, 0, 4000)
	for len(out) < 4000 {
		out = append(out, h[:]...)
	}
	return out[:4000]
}

func bulk(t *testing.T, tr face.Transport, kind string) {
	t.Helper()
	const segs, window = 1000, 32
	got := make(chan []byte, 256)
	go func() {
		bufs, sizes := make([][]byte, 64), make([]int, 64)
		for i := range bufs {
			bufs[i] = make([]byte, face.BufferSize)
		}
		for {
			n, err := tr.Read(bufs, sizes)
			if err != nil {
				close(got)
				return
			}
			for i := range n {
				got <- append([]byte(nil), bufs[i][:sizes[i]]...)
			}
		}
	}()
	name := func(k int) ndn.Name {
		return ndn.MustParseName(fmt.Sprintf("/e2e/bulk/%s", kind)).Append(ndn.SegmentComponent(uint64(k)))
	}
	sentAt := map[int]time.Time{}
	done := map[int]bool{}
	send := func(k int) {
		i := ndn.Interest{Name: name(k), Nonce: rand.Uint32(), HasNonce: true, Lifetime: time.Second}
		w, _ := i.Encode()
		if err := tr.Write([][]byte{w}); err != nil {
			t.Fatal(err)
		}
		sentAt[k] = time.Now()
	}
	next := 0
	deadline := time.Now().Add(60 * time.Second)
	for len(done) < segs {
		for next < segs && next-len(done) < window {
			send(next)
			next++
		}
		select {
		case f, ok := <-got:
			if !ok {
				t.Fatalf("%s: face closed", kind)
			}
			var lp ndn.LpPacket
			var d ndn.Data
			if lp.Decode(f) != nil || lp.IsNack || d.Decode(lp.Fragment) != nil {
				t.Fatalf("%s: bad reply", kind)
			}
			seg, _ := d.Name.At(-1).Number()
			if !bytes.Equal(d.Content, bulkContent(d.Name)) {
				t.Fatalf("%s: segment %d content differs", kind, seg)
			}
			done[int(seg)] = true
		case <-time.After(500 * time.Millisecond):
			for k := range next { // retransmit what is missing (UDP may lose)
				if !done[k] && time.Since(sentAt[k]) > 400*time.Millisecond {
					send(k)
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: bulk transfer incomplete: %d of %d", kind, len(done), segs)
		}
	}
}

// acceptsConn reports whether a listener at addr accepts a connection now.
func acceptsConn(network, addr string) bool {
	c, err := net.DialTimeout(network, addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
