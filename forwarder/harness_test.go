package forwarder

import (
	"bytes"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// fakeFace records what the forwarder sends through it.
type fakeFace struct {
	id   uint64
	info face.TransportInfo
	sent []sent
}

type sent struct {
	kind     face.Kind
	wire     []byte
	token    []byte
	reason   ndn.NackReason
	mark     uint64
	interest ndn.Interest
	data     ndn.Data
	// nonDiscovery and pa are the NonDiscovery and PrefixAnnouncement
	// fields (self-learning).
	nonDiscovery bool
	pa           []byte
}

func (f *fakeFace) ID() uint64               { return f.id }
func (f *fakeFace) Info() face.TransportInfo { return f.info }
func (f *fakeFace) Send(p *ndn.LpPacket) bool {
	s := sent{wire: bytes.Clone(p.Fragment), token: bytes.Clone(p.PitToken), mark: p.CongestionMark,
		nonDiscovery: p.NonDiscovery, pa: bytes.Clone(p.PrefixAnn)}
	switch {
	case p.IsNack:
		s.kind, s.reason = face.KindNack, p.NackReason
	case p.Fragment[0] == ndn.TtData:
		s.kind = face.KindData
	}
	if s.kind == face.KindData {
		if err := s.data.Decode(s.wire); err != nil {
			panic(err)
		}
	} else if err := s.interest.Decode(s.wire); err != nil {
		panic(err)
	}
	f.sent = append(f.sent, s)
	return true
}

// take returns and clears what was sent.
func (f *fakeFace) take() []sent {
	s := f.sent
	f.sent = nil
	return s
}

// harness drives one unstarted shard synchronously with a fake clock.
type harness struct {
	t     *testing.T
	fw    *Forwarder
	s     *shard
	now   int64
	faces map[uint64]*fakeFace
}

func newHarness(t *testing.T, cfg Config) *harness {
	cfg.Shards = 1
	fw := newForwarder(cfg)
	t.Cleanup(func() { fw.Close() })
	return &harness{t: t, fw: fw, s: fw.shards[0], now: 1e9, faces: map[uint64]*fakeFace{}}
}

func (h *harness) face(id uint64, scope face.Scope, lt face.LinkType) *fakeFace {
	f := &fakeFace{id: id, info: face.TransportInfo{Scope: scope, LinkType: lt}}
	h.fw.attach(f, nil)
	h.faces[id] = f
	return f
}

// p2p adds a non-local point-to-point face.
func (h *harness) p2p(id uint64) *fakeFace {
	return h.face(id, face.ScopeNonLocal, face.LinkPointToPoint)
}

func (h *harness) route(prefix string, faceID, cost uint64) {
	if err := h.fw.AddNextHop(ndn.MustParseName(prefix), faceID, cost); err != nil {
		h.t.Fatal(err)
	}
	h.drain()
}

// drain runs the control functions queued for the shard.
func (h *harness) drain() {
	for {
		select {
		case fn := <-h.s.ctrl:
			h.s.now = h.now
			h.s.load()
			fn()
		default:
			return
		}
	}
}

type iopt struct {
	cbp, mbf   bool
	noNonce    bool
	hop        int // -1: none
	lifetime   time.Duration
	token      []byte
	nextHop    uint64
	appParamsN int
}

func makeInterest(t testing.TB, name ndn.Name, nonce uint32, o iopt) []byte {
	i := ndn.Interest{Name: name, CanBePrefix: o.cbp, MustBeFresh: o.mbf, Nonce: nonce, HasNonce: !o.noNonce, Lifetime: o.lifetime}
	if o.hop >= 0 {
		i.HopLimit, i.HasHopLimit = uint8(o.hop), true
	}
	w, err := i.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (h *harness) run(p inPacket) {
	h.s.now = h.now
	h.s.process([]inPacket{p})
}

func (h *harness) interest(from uint64, name string, nonce uint32, o iopt) {
	h.interestName(from, ndn.MustParseName(name), nonce, o)
}

func (h *harness) interestName(from uint64, name ndn.Name, nonce uint32, o iopt) {
	w := makeInterest(h.t, name, nonce, o)
	var i ndn.Interest
	if err := i.Decode(w); err != nil {
		h.t.Fatal(err)
	}
	lp := &ndn.LpPacket{Fragment: w, PitToken: o.token}
	if o.nextHop != 0 {
		lp.NextHopFaceID, lp.HasNextHopFaceID = o.nextHop, true
	}
	h.run(inPacket{face: from, kind: face.KindInterest, lp: lp, interest: &i})
}

type digestSigner struct{}

func (digestSigner) SigType() ndn.SigType       { return ndn.SigDigestSha256 }
func (digestSigner) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }
func (digestSigner) Sign(p []byte) ([]byte, error) {
	s := sha256.Sum256(p)
	return s[:], nil
}

func makeData(t testing.TB, name string, fresh time.Duration) []byte {
	d := ndn.Data{Name: ndn.MustParseName(name), Freshness: fresh, Content: []byte("content of " + name)}
	w, err := d.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (h *harness) dataWire(from uint64, w []byte, token []byte, cachePolicy uint64) {
	var d ndn.Data
	if err := d.Decode(w); err != nil {
		h.t.Fatal(err)
	}
	lp := &ndn.LpPacket{Fragment: w, PitToken: token, CachePolicy: cachePolicy}
	h.run(inPacket{face: from, kind: face.KindData, lp: lp, data: &d})
}

func (h *harness) data(from uint64, name string, fresh time.Duration, token []byte) {
	h.dataWire(from, makeData(h.t, name, fresh), token, 0)
}

func (h *harness) nack(from uint64, interestWire []byte, reason ndn.NackReason, token []byte) {
	var i ndn.Interest
	if err := i.Decode(bytes.Clone(interestWire)); err != nil {
		h.t.Fatal(err)
	}
	lp := &ndn.LpPacket{Fragment: i.Wire(), PitToken: token, IsNack: true, NackReason: reason}
	h.run(inPacket{face: from, kind: face.KindNack, lp: lp, interest: &i})
}

func (h *harness) advance(d time.Duration) {
	h.now += int64(d)
	h.s.now = h.now
	h.s.pit.Advance(h.now, h.s.expire)
}

func (h *harness) counters() Counters { return h.fw.Counters() }

// expectOne asserts that f got exactly one packet of kind and returns it.
func expectOne(t *testing.T, f *fakeFace, kind face.Kind, what string) sent {
	t.Helper()
	s := f.take()
	if len(s) != 1 || s[0].kind != kind {
		var kinds []face.Kind
		for _, x := range s {
			kinds = append(kinds, x.kind)
		}
		t.Fatalf("%s: face %d got %v, want one %v", what, f.id, kinds, kind)
	}
	return s[0]
}

func expectNone(t *testing.T, f *fakeFace, what string) {
	t.Helper()
	if s := f.take(); len(s) != 0 {
		t.Fatalf("%s: face %d got %d packets, want none (first: %v %s)", what, f.id, len(s), s[0].kind, s[0].interest.Name)
	}
}
