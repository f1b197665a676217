package forwarder

import (
	"bytes"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// fakeAnnouncer records what self-learning asks of the RIB.
type fakeAnnouncer struct {
	ann     map[string][]byte // announced prefix → PA wire
	asked   []string
	learned []learnCall
	renewed []renewCall
}

type learnCall struct {
	pa   []byte
	face uint64
	life time.Duration
}

type renewCall struct {
	name string
	face uint64
	life time.Duration
}

func (a *fakeAnnouncer) Announcement(name ndn.Name) []byte {
	a.asked = append(a.asked, name.String())
	for l := name.Len(); l >= 0; l-- {
		if w, ok := a.ann[name.Prefix(l).String()]; ok {
			return w
		}
	}
	return nil
}

func (a *fakeAnnouncer) LearnRoute(pa []byte, f uint64, life time.Duration) {
	a.learned = append(a.learned, learnCall{pa: bytes.Clone(pa), face: f, life: life})
}

func (a *fakeAnnouncer) RenewRoute(name ndn.Name, f uint64, life time.Duration) {
	a.renewed = append(a.renewed, renewCall{name: name.String(), face: f, life: life})
}

func makePA(t *testing.T, prefix string) []byte {
	t.Helper()
	pa := nfd.PrefixAnn{Announced: ndn.MustParseName(prefix), Version: 1, ExpirationPeriod: time.Hour}
	w, err := pa.Data().SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// slHarness is a forwarder with self-learning on "/": an app face 300
// (local), network faces 301 and 302, and a local producer face 305.
func slHarness(t *testing.T) (*harness, *fakeAnnouncer) {
	h := newHarness(t, Config{})
	if _, err := h.fw.SetStrategy(ndn.MustParseName("/"), ndn.MustParseName("/localhost/nfd/strategy/self-learning")); err != nil {
		t.Fatal(err)
	}
	h.face(300, face.ScopeLocal, face.LinkPointToPoint)
	h.p2p(301)
	h.p2p(302)
	h.face(305, face.ScopeLocal, face.LinkPointToPoint)
	a := &fakeAnnouncer{ann: map[string][]byte{}}
	h.fw.SetAnnouncer(a)
	return h, a
}

func (h *harness) slInterest(from uint64, name string, nonce uint32, nonDiscovery bool) {
	w := makeInterest(h.t, ndn.MustParseName(name), nonce, noOpt)
	var i ndn.Interest
	if err := i.Decode(w); err != nil {
		h.t.Fatal(err)
	}
	lp := &ndn.LpPacket{Fragment: w, PitToken: []byte{byte(from)}, NonDiscovery: nonDiscovery}
	h.run(inPacket{face: from, kind: face.KindInterest, lp: lp, interest: &i})
}

func (h *harness) slData(from uint64, name string, token, pa []byte) {
	w := makeData(h.t, name, time.Second)
	var d ndn.Data
	if err := d.Decode(w); err != nil {
		h.t.Fatal(err)
	}
	lp := &ndn.LpPacket{Fragment: w, PitToken: token, PrefixAnn: pa}
	h.run(inPacket{face: from, kind: face.KindData, lp: lp, data: &d})
}

// TestSelfLearningConsumerSide walks the consumer's forwarder through
// discovery, learning and unicast.
func TestSelfLearningConsumerSide(t *testing.T) {
	h, a := slHarness(t)
	app, n1, n2, prod := h.faces[300], h.faces[301], h.faces[302], h.faces[305]

	// No route: the discovery Interest goes to every non-local face.
	h.slInterest(300, "/p/1", 1, false)
	up1 := expectOne(t, n1, face.KindInterest, "discovery on 301")
	up2 := expectOne(t, n2, face.KindInterest, "discovery on 302")
	expectNone(t, prod, "discovery to a local face")
	expectNone(t, app, "discovery back to its face")
	if up1.nonDiscovery || up2.nonDiscovery {
		t.Fatal("discovery Interest marked NonDiscovery")
	}

	// The producer answers through 301 with an announcement of /p.
	pa := makePA(t, "/p")
	h.slData(301, "/p/1", up1.token, pa)
	d := expectOne(t, app, face.KindData, "Data to the consumer")
	if !bytes.Equal(d.pa, pa) {
		t.Error("the announcement did not go on with the Data")
	}
	if len(a.learned) != 1 || a.learned[0].face != 301 || !bytes.Equal(a.learned[0].pa, pa) ||
		a.learned[0].life != 10*time.Minute {
		t.Fatalf("LearnRoute calls %+v, want the PA toward 301 for 10 min", a.learned)
	}

	// The RIB installs the route (cost 2048): later Interests are unicast,
	// marked NonDiscovery.
	h.route("/p", 301, nfd.PrefixAnnCost)
	h.slInterest(300, "/p/2", 2, false)
	u := expectOne(t, n1, face.KindInterest, "unicast on the learned route")
	expectNone(t, n2, "no broadcast once learned")
	if !u.nonDiscovery {
		t.Fatal("Interest on the learned route is not NonDiscovery")
	}
	h.slData(301, "/p/2", u.token, nil)
	if d := expectOne(t, app, face.KindData, "Data 2"); d.pa != nil {
		t.Error("Data to a local consumer got an announcement")
	}
	if len(a.renewed) != 1 || a.renewed[0] != (renewCall{name: "/p/2", face: 301, life: 10 * time.Minute}) {
		t.Fatalf("RenewRoute calls %+v, want /p/2 via 301 for 10 min", a.renewed)
	}
	if len(a.asked) != 0 {
		t.Errorf("announcement looked up for a local consumer: %v", a.asked)
	}

	// A Nack NO_ROUTE on the learned route goes to the consumer and
	// removes the route.
	h.slInterest(300, "/p/3", 3, false)
	u = expectOne(t, n1, face.KindInterest, "unicast /p/3")
	h.nack(301, u.wire, ndn.NackNoRoute, u.token)
	if n := expectOne(t, app, face.KindNack, "Nack to the consumer"); n.reason != ndn.NackNoRoute {
		t.Errorf("Nack reason %v", n.reason)
	}
	if len(a.renewed) != 2 || a.renewed[1] != (renewCall{name: "/p/3", face: 301, life: 0}) {
		t.Fatalf("RenewRoute calls %+v, want /p/3 via 301 removed", a.renewed)
	}
	// Once the RIB removed it, Interests are discovered again.
	h.fw.RemoveNextHop(ndn.MustParseName("/p"), 301)
	h.slInterest(300, "/p/4", 4, false)
	expectOne(t, n1, face.KindInterest, "rediscovery on 301")
	expectOne(t, n2, face.KindInterest, "rediscovery on 302")
}

// TestSelfLearningNonDiscoveryNoRoute: a NonDiscovery Interest without a
// route is Nacked, not broadcast.
func TestSelfLearningNonDiscoveryNoRoute(t *testing.T) {
	h, _ := slHarness(t)
	h.slInterest(301, "/q/1", 1, true)
	n := expectOne(t, h.faces[301], face.KindNack, "Nack")
	if n.reason != ndn.NackNoRoute {
		t.Errorf("reason %v, want NO_ROUTE", n.reason)
	}
	expectNone(t, h.faces[302], "broadcast of a NonDiscovery Interest")
	if h.s.pit.PitLen() != 0 {
		h.advance(time.Millisecond)
	}
	if h.s.pit.PitLen() != 0 {
		t.Error("PIT entry left")
	}
}

// TestSelfLearningProducerSide: a discovery Interest from the network
// reaches the registered producer app marked NonDiscovery; its Data goes
// back with the RIB's announcement. A NonDiscovery one gets none.
func TestSelfLearningProducerSide(t *testing.T) {
	h, a := slHarness(t)
	n1, n2, prod := h.faces[301], h.faces[302], h.faces[305]
	pa := makePA(t, "/p")
	a.ann["/p"] = pa
	h.route("/p", 305, 0)

	h.slInterest(301, "/p/a/1", 1, false)
	u := expectOne(t, prod, face.KindInterest, "to the producer")
	expectNone(t, n2, "broadcast despite the route")
	if !u.nonDiscovery {
		t.Error("Interest to the producer not marked NonDiscovery")
	}
	h.slData(305, "/p/a/1", u.token, nil)
	d := expectOne(t, n1, face.KindData, "Data to the network")
	if !bytes.Equal(d.pa, pa) {
		t.Fatalf("Data carries PA %x, want the RIB's announcement of /p", d.pa)
	}
	if len(a.asked) != 1 || a.asked[0] != "/p/a/1" {
		t.Errorf("announcement asked for %v", a.asked)
	}

	h.slInterest(301, "/p/a/2", 2, true)
	u = expectOne(t, prod, face.KindInterest, "NonDiscovery to the producer")
	h.slData(305, "/p/a/2", u.token, nil)
	if d := expectOne(t, n1, face.KindData, "Data 2"); d.pa != nil {
		t.Error("Data for a NonDiscovery Interest carries an announcement")
	}
}

// TestPrefixAnnPassesBestRoute: other strategies pass the field on, as
// NFD keeps it with the Data.
func TestPrefixAnnPassesBestRoute(t *testing.T) {
	h := newHarness(t, Config{})
	c, p := h.p2p(300), h.p2p(301)
	h.route("/a", 301, 0)
	h.slInterest(300, "/a/1", 1, true)
	u := expectOne(t, p, face.KindInterest, "forwarded")
	if !u.nonDiscovery {
		t.Error("best-route dropped the NonDiscovery field")
	}
	pa := makePA(t, "/a")
	h.slData(301, "/a/1", u.token, pa)
	if d := expectOne(t, c, face.KindData, "Data"); !bytes.Equal(d.pa, pa) {
		t.Error("best-route dropped the PrefixAnnouncement")
	}
}
