package app_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestReassembly answers an Express with a Data cut into NDNLPv2 fragments
// (out of order, one duplicated, the PIT token and CongestionMark on
// fragment 0 only), as a forwarder does on a datagram link.
func TestReassembly(t *testing.T) {
	a, b := face.NewMemPair(face.MemPairConfig{})
	c, err := app.Connect(context.Background(), "mem", app.Options{NoReconnect: true,
		Dial: func(context.Context) (face.Transport, error) { return a, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	content := bytes.Repeat([]byte("fragmented "), 500)
	type result struct {
		d   *ndn.Data
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := c.Express(ctx, &ndn.Interest{Name: ndn.MustParseName("/frag")}, app.ExpressOptions{})
		done <- result{d, err}
	}()
	bufs, sizes := [][]byte{face.NewPool().Get()}, []int{0}
	if _, err := b.Read(bufs, sizes); err != nil {
		t.Fatal(err)
	}
	var lp ndn.LpPacket
	if err := lp.Decode(bufs[0][:sizes[0]]); err != nil {
		t.Fatal(err)
	}
	token := append([]byte(nil), lp.PitToken...)
	d := ndn.Data{Name: ndn.MustParseName("/frag"), Content: content}
	d.SigInfo.Type = ndn.SigDigestSha256
	d.SigValue = make([]byte, 32)
	wire := d.Append(nil)
	const n = 4
	step := (len(wire) + n - 1) / n
	var frames [][]byte
	for i := range n {
		f := ndn.LpPacket{Sequence: 1000 + uint64(i), HasSequence: true, FragIndex: uint64(i), FragCount: n,
			Fragment: wire[i*step : min(len(wire), (i+1)*step)]}
		if i == 0 {
			f.PitToken, f.CongestionMark = token, 1
		}
		frames = append(frames, f.Append(nil))
	}
	// Out of order, with fragment 2 twice and a stray fragment of another packet.
	stray := (&ndn.LpPacket{Sequence: 5, HasSequence: true, FragIndex: 1, FragCount: 2, Fragment: []byte{1, 2, 3}}).Append(nil)
	b.Write([][]byte{frames[3], frames[2], stray, frames[2], frames[0], frames[1]})
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !bytes.Equal(r.d.Content, content) {
		t.Fatalf("reassembled content differs (%d bytes)", len(r.d.Content))
	}
	if got := c.Counters.RxFragments.Load(); got != 5 {
		t.Errorf("RxFragments = %d, want 5 (3 held, 1 duplicate, 1 stray)", got)
	}
}
