package mgmt_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// rawPeer is the far end of a forwarder face that records every packet
// with its LP fields and, as a producer, answers Interests under serve.
type rawPeer struct {
	id    uint64
	f     *face.Face
	serve ndn.Name
	mu    sync.Mutex
	got   []rawPkt
	sig   chan struct{}
}

type rawPkt struct {
	kind         face.Kind
	wire, token  []byte
	nonDiscovery bool
	pa           []byte
	name         ndn.Name
}

func (e *env) newRawPeer(info *face.TransportInfo, serve string) *rawPeer {
	a, b := face.NewMemPair(face.MemPairConfig{})
	var ta face.Transport = a
	if info != nil {
		ta = infoTransport{a, *info}
	}
	p := &rawPeer{id: e.fw.AddFace(ta, face.Config{}).ID(), sig: make(chan struct{}, 1)}
	if serve != "" {
		p.serve = name(serve)
	}
	p.f = face.New(b, face.Config{ID: 1, Handler: p.handle})
	e.t.Cleanup(func() { p.f.Close() })
	return p
}

func (p *rawPeer) handle(batch []*face.RxPacket) {
	for _, rx := range batch {
		k := rawPkt{kind: rx.Kind, wire: bytes.Clone(rx.Wire()), token: bytes.Clone(rx.Lp.PitToken),
			nonDiscovery: rx.Lp.NonDiscovery, pa: bytes.Clone(rx.Lp.PrefixAnn)}
		switch rx.Kind {
		case face.KindInterest, face.KindNack:
			k.name = rx.Interest.Name.Clone()
		case face.KindData:
			k.name = rx.Data.Name.Clone()
		}
		rx.Release()
		if k.kind == face.KindInterest && p.serve.Len() > 0 && p.serve.IsPrefixOf(k.name) {
			d := ndn.Data{Name: k.name, Content: []byte("hello")}
			w, _ := d.SignWith(security.DigestSha256{})
			p.f.Send(&ndn.LpPacket{Fragment: w, PitToken: k.token})
		}
		p.mu.Lock()
		p.got = append(p.got, k)
		p.mu.Unlock()
		select {
		case p.sig <- struct{}{}:
		default:
		}
	}
}

// wait returns the first received packet of kind named under prefix,
// removing it, or fails after 5 s.
func (p *rawPeer) wait(t *testing.T, kind face.Kind, prefix string) rawPkt {
	t.Helper()
	pre := name(prefix)
	deadline := time.After(5 * time.Second)
	for {
		p.mu.Lock()
		for i, k := range p.got {
			if k.kind == kind && pre.IsPrefixOf(k.name) {
				p.got = append(p.got[:i], p.got[i+1:]...)
				p.mu.Unlock()
				return k
			}
		}
		p.mu.Unlock()
		select {
		case <-p.sig:
		case <-deadline:
			t.Fatalf("face %d: no %v under %s", p.id, kind, prefix)
		}
	}
}

func (p *rawPeer) sendInterest(t *testing.T, n string, nonce uint32, nonDiscovery bool) {
	t.Helper()
	i := ndn.Interest{Name: name(n), Nonce: nonce, HasNonce: true, Lifetime: 2 * time.Second}
	w, err := i.Encode()
	if err != nil {
		t.Fatal(err)
	}
	p.f.Send(&ndn.LpPacket{Fragment: w, NonDiscovery: nonDiscovery})
}

func learnedRoute(srv *mgmt.Server, prefix string, faceID uint64) bool {
	for _, e := range srv.RIB().Entries() {
		if e.Name.String() != prefix {
			continue
		}
		for _, r := range e.Routes {
			if r.FaceID == faceID && r.Origin == uint16(nfd.OriginPrefixAnn) && r.Cost == nfd.PrefixAnnCost {
				return true
			}
		}
	}
	return false
}

// TestSelfLearningWithRIB runs self-learning against the server's RIB: the
// producer side attaches an announcement made for a registered prefix; the
// consumer side learns a route from a received announcement, unicasts on
// it, and forgets it on a Nack NO_ROUTE.
func TestSelfLearningWithRIB(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	if _, err := e.fw.SetStrategy(name("/"), name("/localhost/nfd/strategy/self-learning")); err != nil {
		t.Fatal(err)
	}
	prod := e.newRawPeer(nil, "/p")
	net := e.newRawPeer(&nonLocalInfo, "")
	net2 := e.newRawPeer(&nonLocalInfo, "")

	// Producer side: /p registered on the producer's face (rib/register
	// from that face would do the same; the RIB call keeps the test short).
	if err := e.srv.RIB().Register(name("/p"), ribRoute(prod.id)); err != nil {
		t.Fatal(err)
	}
	net.sendInterest(t, "/p/1", 1, false)
	if in := prod.wait(t, face.KindInterest, "/p/1"); !in.nonDiscovery {
		t.Error("Interest to the registered producer not marked NonDiscovery")
	}
	d := net.wait(t, face.KindData, "/p/1")
	if d.pa == nil {
		t.Fatal("Data answering a discovery Interest has no PrefixAnnouncement")
	}
	var pd ndn.Data
	if err := pd.Decode(d.pa); err != nil {
		t.Fatal(err)
	}
	pa, err := nfd.DecodePrefixAnn(&pd)
	if err != nil || pa.Announced.String() != "/p" || pa.ExpirationPeriod != time.Hour {
		t.Fatalf("announcement %+v %v, want /p for 1 h", pa, err)
	}

	// Consumer side: a local consumer's Interest for /q is broadcast to
	// both network faces; net answers with an announcement of /q.
	cons := e.newRawPeer(nil, "")
	cons.sendInterest(t, "/q/1", 11, false)
	in := net.wait(t, face.KindInterest, "/q/1")
	net2.wait(t, face.KindInterest, "/q/1")
	if in.nonDiscovery {
		t.Fatal("discovery Interest marked NonDiscovery")
	}
	qa := nfd.PrefixAnn{Announced: name("/q"), Version: 1, ExpirationPeriod: time.Hour}
	qw, err := qa.Data().SignWith(security.DigestSha256{})
	if err != nil {
		t.Fatal(err)
	}
	dq := ndn.Data{Name: name("/q/1"), Content: []byte("q")}
	dw, _ := dq.SignWith(security.DigestSha256{})
	net.f.Send(&ndn.LpPacket{Fragment: dw, PitToken: in.token, PrefixAnn: qw})
	cons.wait(t, face.KindData, "/q/1")
	eventually(t, "learned route /q via net", func() bool { return learnedRoute(e.srv, "/q", net.id) })

	// Later Interests are unicast to net, NonDiscovery.
	cons.sendInterest(t, "/q/2", 12, false)
	in = net.wait(t, face.KindInterest, "/q/2")
	if !in.nonDiscovery {
		t.Error("Interest on the learned route not NonDiscovery")
	}
	// A Nack NO_ROUTE removes the route; the consumer gets the Nack.
	net.f.Send(&ndn.LpPacket{Fragment: in.wire, PitToken: in.token, IsNack: true, NackReason: ndn.NackNoRoute})
	cons.wait(t, face.KindNack, "/q/2")
	eventually(t, "route /q removed", func() bool { return !learnedRoute(e.srv, "/q", net.id) })
	net2.mu.Lock()
	for _, k := range net2.got {
		if k.name.String() == "/q/2" {
			t.Error("net2 saw the unicast Interest /q/2")
		}
	}
	net2.mu.Unlock()
}
