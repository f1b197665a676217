package face_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
)

// TestDialUDPDistinctPorts dials many UDP faces to one peer at once, as the
// benchmark does with one face per flow: each must get a local port of its
// own (with SO_REUSEADDR on an ephemeral bind, Linux may hand two sockets
// the same port, and then one of them receives nothing), and each must
// receive the datagram the peer sends back to its address.
func TestDialUDPDistinctPorts(t *testing.T) {
	const faces = 256
	peer, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	echoed := make(chan struct{})
	go func() { // echoes every datagram to its sender until peer closes
		defer close(echoed)
		buf := make([]byte, 2048)
		for {
			n, from, err := peer.ReadFromUDP(buf)
			if err != nil {
				return
			}
			peer.WriteToUDP(buf[:n], from)
		}
	}()
	defer func() { peer.Close(); <-echoed }()

	trs := make([]face.Transport, 0, faces)
	defer func() {
		for _, tr := range trs {
			tr.Close()
		}
	}()
	byLocal := map[string]int{}
	for i := range faces {
		tr, err := face.DialUDP(context.Background(), peer.LocalAddr().String(), face.UDPDialConfig{SocketBuffer: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		trs = append(trs, tr)
		local := tr.Info().LocalURI
		if j, dup := byLocal[local]; dup {
			t.Errorf("faces %d and %d both have local address %s", j, i, local)
		}
		byLocal[local] = i
	}

	pool := face.NewPool()
	for i, tr := range trs {
		payload := []byte{0x64, 0x02, byte(i >> 8), byte(i)} // an LpPacket holding only padding
		if err := tr.Write([][]byte{payload}); err != nil {
			t.Fatalf("face %d: write: %v", i, err)
		}
		got, err := readOne(tr, pool, 5*time.Second)
		if err != nil {
			t.Fatalf("face %d (%s): %v", i, tr.Info().LocalURI, err)
		}
		if !bytes.Equal(got, payload) {
			t.Fatalf("face %d received % x, want % x", i, got, payload)
		}
	}
}

var errNothing = errors.New("received nothing")

// readOne reads one frame from tr, closing tr if none arrives within
// timeout. A connected UDP face locks the reading goroutine to its thread,
// so each read runs on a goroutine of its own.
func readOne(tr face.Transport, pool *face.Pool, timeout time.Duration) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	res := make(chan result, 1)
	go func() {
		bufs, sizes := [][]byte{pool.Get()}, []int{0}
		n, err := tr.Read(bufs, sizes)
		if err == nil && n == 0 {
			err = errNothing
		}
		var b []byte
		if err == nil {
			b = bytes.Clone(bufs[0][:sizes[0]])
		}
		pool.Put(bufs[0])
		res <- result{b, err}
	}()
	select {
	case r := <-res:
		return r.b, r.err
	case <-time.After(timeout):
		tr.Close()
		<-res
		return nil, errNothing
	}
}
