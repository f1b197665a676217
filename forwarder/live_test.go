package forwarder

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// peer is the application end of an in-memory face of a running forwarder.
type peer struct {
	t     testing.TB
	tr    face.Transport
	f     *face.Face
	frame chan []byte
}

func addPeer(t testing.TB, fw *Forwarder) *peer {
	a, b := face.NewMemPair(face.MemPairConfig{Queue: 4096})
	p := &peer{t: t, tr: a, frame: make(chan []byte, 4096)}
	p.f = fw.AddFace(b, face.Config{})
	go func() {
		bufs := [][]byte{make([]byte, face.BufferSize)}
		sizes := []int{0}
		for {
			n, err := a.Read(bufs, sizes)
			if err != nil {
				close(p.frame)
				return
			}
			if n == 1 {
				p.frame <- append([]byte(nil), bufs[0][:sizes[0]]...)
			}
		}
	}()
	t.Cleanup(func() { a.Close() })
	return p
}

func (p *peer) send(frames ...[]byte) {
	if err := p.tr.Write(frames); err != nil {
		p.t.Fatal(err)
	}
}

// recv waits for the next frame and decodes its LpPacket.
func (p *peer) recv() *ndn.LpPacket {
	p.t.Helper()
	select {
	case f, ok := <-p.frame:
		if !ok {
			p.t.Fatal("face closed")
		}
		var lp ndn.LpPacket
		if err := lp.Decode(f); err != nil {
			p.t.Fatal(err)
		}
		return &lp
	case <-time.After(5 * time.Second):
		p.t.Fatal("timed out waiting for a packet")
	}
	return nil
}

func lpWith(token []byte, frag []byte) []byte {
	lp := ndn.LpPacket{PitToken: token, Fragment: frag}
	return append(lp.AppendHeader(nil), frag...)
}

func TestLiveShardsTokensAndFallback(t *testing.T) {
	fw := New(Config{Shards: 4})
	defer fw.Close()
	c, p := addPeer(t, fw), addPeer(t, fw)
	if err := fw.AddNextHop(ndn.MustParseName("/p"), p.f.ID(), 0); err != nil {
		t.Fatal(err)
	}
	// Many flows, spread over shards: Data echoes our token.
	for i := range 32 {
		name := "/p/flow" + string(rune('a'+i)) + "/x"
		c.send(lpWith([]byte{byte(i)}, makeInterest(t, ndn.MustParseName(name), uint32(i+1), noOpt)))
		up := p.recv()
		if len(up.PitToken) != tokenLen {
			t.Fatalf("upstream token %x", up.PitToken)
		}
		p.send(lpWith(up.PitToken, makeData(t, name, 0)))
		d := c.recv()
		if len(d.PitToken) != 1 || d.PitToken[0] != byte(i) {
			t.Fatalf("Data %d token %x", i, d.PitToken)
		}
	}
	// A peer that does not echo tokens, and a CanBePrefix Interest shorter
	// than the dispatch depth: found by the name-hash fallback.
	for i := range 8 {
		prefix := "/p" + string(rune('a'+i))
		fw.AddNextHop(ndn.MustParseName(prefix), p.f.ID(), 0)
		c.send(makeInterest(t, ndn.MustParseName(prefix), uint32(100+i), iopt{hop: -1, cbp: true}))
		p.recv()
		p.send(makeData(t, prefix+"/seg/"+string(rune('a'+i)), 0)) // bare, no token
		d := c.recv()
		var data ndn.Data
		if err := data.Decode(d.Fragment); err != nil || !ndn.MustParseName(prefix).IsPrefixOf(data.Name) {
			t.Fatalf("fallback Data: %v %s", err, data.Name)
		}
	}
	cnt := fw.Counters()
	if cnt.SatisfiedInterests != 40 || cnt.DropUnsolicited != 0 {
		t.Errorf("satisfied %d unsolicited %d", cnt.SatisfiedInterests, cnt.DropUnsolicited)
	}
	if list, _ := fw.PitEntries(0); len(list) != 0 {
		t.Errorf("%d PIT entries left", len(list))
	}
}

func TestLiveFaceCloseRemovesRoutes(t *testing.T) {
	fw := New(Config{Shards: 2})
	defer fw.Close()
	p := addPeer(t, fw)
	fw.AddNextHop(ndn.MustParseName("/p"), p.f.ID(), 0)
	p.f.Close()
	<-p.f.Done()
	deadline := time.Now().Add(5 * time.Second)
	for fw.FIB().Len() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if fw.FIB().Len() != 0 {
		t.Fatal("route of a closed face remains")
	}
	if _, ok := fw.Face(p.f.ID()); ok {
		t.Fatal("closed face still in the face table")
	}
}

// TestLiveFloodBoundedByPitCapacity floods unique names from one face
// towards a producer that never answers: the PIT stays within its
// capacity and the excess is counted.
func TestLiveFloodBoundedByPitCapacity(t *testing.T) {
	fw := New(Config{Shards: 2, PitCapacity: 1000})
	defer fw.Close()
	c, p := addPeer(t, fw), addPeer(t, fw)
	fw.AddNextHop(ndn.MustParseName("/f"), p.f.ID(), 0)
	go func() { // the silent producer drains its face
		for range p.frame {
		}
	}()
	const n = 20000
	frames := make([][]byte, 0, 64)
	for i := range n {
		name := ndn.MustParseName("/f").Append(ndn.SequenceNumComponent(uint64(i)))
		frames = append(frames, makeInterest(t, name, uint32(i+1), noOpt))
		if len(frames) == cap(frames) || i == n-1 {
			c.send(frames...)
			frames = frames[:0]
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cnt := fw.Counters(); cnt.InInterests == n {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cnt := fw.Counters()
	if cnt.InInterests != n || cnt.PitEntries > 1000 || cnt.DropPitFull < n-1000 {
		t.Errorf("in %d, PIT %d (limit 1000), dropped %d", cnt.InInterests, cnt.PitEntries, cnt.DropPitFull)
	}
}
