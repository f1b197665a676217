package forwarder

import (
	"bytes"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

var noOpt = iopt{hop: -1}

func TestForwardAndReturnDataWithTokens(t *testing.T) {
	h := newHarness(t, Config{})
	c, p := h.p2p(300), h.p2p(301)
	h.route("/a", 301, 10)
	h.interest(300, "/a/b", 7, iopt{hop: -1, token: []byte("tok-c")})
	up := expectOne(t, p, face.KindInterest, "upstream Interest")
	if up.interest.Nonce != 7 || len(up.token) != tokenLen || !up.interest.Name.Equal(ndn.MustParseName("/a/b")) {
		t.Fatalf("upstream Interest nonce=%d token=%x name=%s", up.interest.Nonce, up.token, up.interest.Name)
	}
	if h.s.pit.PitLen() != 1 {
		t.Fatal("no PIT entry")
	}
	h.data(301, "/a/b", time.Second, up.token)
	d := expectOne(t, c, face.KindData, "downstream Data")
	if string(d.token) != "tok-c" {
		t.Errorf("Data token %q, want the downstream's tok-c", d.token)
	}
	if h.s.pit.PitLen() != 0 || h.counters().SatisfiedInterests != 1 {
		t.Errorf("PitLen=%d satisfied=%d", h.s.pit.PitLen(), h.counters().SatisfiedInterests)
	}
	expectNone(t, p, "no Data back upstream")
}

func TestNonceAddedWhenMissing(t *testing.T) {
	h := newHarness(t, Config{})
	h.p2p(300)
	p := h.p2p(301)
	h.route("/", 301, 0)
	h.interest(300, "/x", 0, iopt{hop: -1, noNonce: true})
	up := expectOne(t, p, face.KindInterest, "forwarded")
	if !up.interest.HasNonce {
		t.Fatal("forwarded Interest has no Nonce")
	}
}

func TestAggregationAndSuppression(t *testing.T) {
	h := newHarness(t, Config{})
	c1, c2, p := h.p2p(300), h.p2p(302), h.p2p(301)
	h.route("/a", 301, 0)
	h.interest(300, "/a/1", 1, iopt{hop: -1, token: []byte{1}})
	up := expectOne(t, p, face.KindInterest, "first")
	h.now += int64(time.Millisecond)
	h.interest(302, "/a/1", 2, iopt{hop: -1, token: []byte{2}})
	expectNone(t, p, "aggregated Interest within 10 ms")
	// The same downstream retransmits: suppressed before 10 ms, forwarded after.
	h.now += int64(5 * time.Millisecond)
	h.interest(300, "/a/1", 3, iopt{hop: -1, token: []byte{1}})
	expectNone(t, p, "retransmission at 6 ms")
	h.now += int64(5 * time.Millisecond)
	h.interest(300, "/a/1", 4, iopt{hop: -1, token: []byte{1}})
	expectOne(t, p, face.KindInterest, "retransmission at 11 ms")
	// Interval doubled to 20 ms.
	h.now += int64(15 * time.Millisecond)
	h.interest(300, "/a/1", 5, iopt{hop: -1, token: []byte{1}})
	expectNone(t, p, "retransmission 15 ms after the last forward")
	h.now += int64(6 * time.Millisecond)
	h.interest(300, "/a/1", 6, iopt{hop: -1, token: []byte{1}})
	expectOne(t, p, face.KindInterest, "retransmission 21 ms after the last forward")

	h.data(301, "/a/1", 0, up.token)
	d1 := expectOne(t, c1, face.KindData, "downstream 1")
	d2 := expectOne(t, c2, face.KindData, "downstream 2")
	if !bytes.Equal(d1.token, []byte{1}) || !bytes.Equal(d2.token, []byte{2}) {
		t.Errorf("tokens %x %x, want 01 and 02", d1.token, d2.token)
	}
	if !bytes.Equal(d1.wire, d2.wire) {
		t.Error("Data re-encoded differently per downstream")
	}
}

func TestLoopDetection(t *testing.T) {
	h := newHarness(t, Config{})
	h.p2p(300)
	h.p2p(301)
	ma := h.face(303, face.ScopeNonLocal, face.LinkMultiAccess)
	c2 := h.p2p(302)
	h.route("/a", 301, 0)
	h.interest(300, "/a/x", 9, noOpt)
	h.faces[301].take()
	// Same Nonce from another point-to-point face: Nack DUPLICATE.
	h.interest(302, "/a/x", 9, iopt{hop: -1, token: []byte("t2")})
	n := expectOne(t, c2, face.KindNack, "loop on p2p face")
	if n.reason != ndn.NackDuplicate || string(n.token) != "t2" || n.interest.Nonce != 9 {
		t.Errorf("Nack reason=%v token=%q nonce=%d", n.reason, n.token, n.interest.Nonce)
	}
	// On a multi-access face: dropped silently.
	h.interest(303, "/a/x", 9, noOpt)
	expectNone(t, ma, "loop on multi-access face")
	// Same Nonce from the same point-to-point face is a retransmission.
	h.now += int64(20 * time.Millisecond)
	h.interest(300, "/a/x", 9, noOpt)
	expectOne(t, h.faces[301], face.KindInterest, "retransmission with same nonce")
	if got := h.counters().DropLoop; got != 2 {
		t.Errorf("DropLoop = %d, want 2", got)
	}
}

func TestDeadNonceList(t *testing.T) {
	h := newHarness(t, Config{})
	c := h.p2p(300)
	p := h.p2p(301)
	h.route("/a", 301, 0)
	h.interest(300, "/a/x", 5, iopt{hop: -1, lifetime: 100 * time.Millisecond})
	expectOne(t, p, face.KindInterest, "forwarded")
	h.advance(200 * time.Millisecond)
	if h.s.pit.PitLen() != 0 || h.counters().UnsatisfiedInterests != 1 {
		t.Fatal("entry did not expire")
	}
	h.interest(300, "/a/x", 5, noOpt)
	expectOne(t, c, face.KindNack, "looping Interest after expiry")
	expectNone(t, p, "not forwarded again")
	h.advance(7 * time.Second)
	h.interest(300, "/a/x", 5, noOpt)
	expectOne(t, p, face.KindInterest, "after the DNL lifetime")
}

func TestScopeRules(t *testing.T) {
	h := newHarness(t, Config{})
	remote := h.p2p(300)
	app := h.face(310, face.ScopeLocal, face.LinkPointToPoint)
	remote2 := h.p2p(301)
	app2 := h.face(311, face.ScopeLocal, face.LinkPointToPoint)
	h.route("/localhost/x", 301, 0)
	h.route("/localhost/x", 311, 1)
	h.route("/localhop/y", 301, 0)
	h.route("/localhop/y", 311, 1)

	h.interest(300, "/localhost/x/1", 1, noOpt)
	if h.counters().DropLocalhost != 1 || h.s.pit.PitLen() != 0 {
		t.Fatal("/localhost Interest from a non-local face was not dropped")
	}
	// From a local face, /localhost goes only to local faces (multicast strategy).
	h.interest(310, "/localhost/x/2", 2, noOpt)
	expectNone(t, remote2, "/localhost towards non-local face")
	expectOne(t, app2, face.KindInterest, "/localhost towards local face")
	// /localhop from a non-local face goes only to local faces.
	h.interest(300, "/localhop/y/1", 3, noOpt)
	expectOne(t, app2, face.KindInterest, "/localhop from non-local to local")
	expectNone(t, remote2, "/localhop from non-local to non-local")
	// /localhop from a local face may go to non-local faces.
	h.interest(310, "/localhop/y/2", 4, noOpt)
	expectOne(t, remote2, face.KindInterest, "/localhop from local to non-local")
	// /localhost Data from a non-local face is dropped.
	h.data(301, "/localhost/x/2", 0, nil)
	expectNone(t, app, "/localhost Data from non-local face")
	_ = remote
}

func TestHopLimit(t *testing.T) {
	h := newHarness(t, Config{})
	h.p2p(300)
	remote := h.p2p(301)
	app := h.face(310, face.ScopeLocal, face.LinkPointToPoint)
	h.route("/r", 301, 0)
	h.route("/l", 310, 0)
	h.interest(300, "/r/0", 1, iopt{hop: 0})
	if h.counters().DropHopLimit != 1 || h.s.pit.PitLen() != 0 {
		t.Fatal("HopLimit 0 not dropped on arrival")
	}
	h.interest(300, "/r/5", 2, iopt{hop: 5})
	if up := expectOne(t, remote, face.KindInterest, "HopLimit 5"); up.interest.HopLimit != 4 {
		t.Errorf("forwarded HopLimit %d, want 4", up.interest.HopLimit)
	}
	h.interest(300, "/r/1", 3, iopt{hop: 1})
	expectNone(t, remote, "HopLimit 1 towards a non-local face")
	h.interest(300, "/l/1", 4, iopt{hop: 1})
	if up := expectOne(t, app, face.KindInterest, "HopLimit 1 towards a local face"); up.interest.HopLimit != 0 {
		t.Errorf("HopLimit %d, want 0", up.interest.HopLimit)
	}
}

func TestContentStore(t *testing.T) {
	h := newHarness(t, Config{})
	c := h.p2p(300)
	p := h.p2p(301)
	h.route("/a", 301, 0)
	h.interest(300, "/a/b", 1, noOpt)
	up := expectOne(t, p, face.KindInterest, "miss")
	dw := makeData(t, "/a/b", 100*time.Millisecond)
	h.dataWire(301, dw, up.token, 0)
	expectOne(t, c, face.KindData, "first Data")

	h.interest(300, "/a/b", 2, iopt{hop: -1, token: []byte("hit")})
	d := expectOne(t, c, face.KindData, "CS hit")
	if string(d.token) != "hit" || !bytes.Equal(d.wire, dw) {
		t.Errorf("CS hit token %q, identical wire %v", d.token, bytes.Equal(d.wire, dw))
	}
	expectNone(t, p, "CS hit forwarded")
	// Implicit digest.
	var dd ndn.Data
	dd.Decode(dw)
	h.interestName(300, dd.FullName(), 3, noOpt)
	expectOne(t, c, face.KindData, "implicit digest hit")
	// MustBeFresh within and after FreshnessPeriod.
	h.interest(300, "/a/b", 4, iopt{hop: -1, mbf: true})
	expectOne(t, c, face.KindData, "fresh")
	h.now += int64(150 * time.Millisecond)
	h.interest(300, "/a/b", 5, iopt{hop: -1, mbf: true})
	expectNone(t, c, "stale Data for MustBeFresh")
	expectOne(t, p, face.KindInterest, "stale → forwarded")
	h.interest(300, "/a/b", 6, noOpt)
	expectOne(t, c, face.KindData, "stale Data without MustBeFresh")
	if ci := h.fw.CsInfo(); ci.Hits != 4 {
		t.Errorf("CS hits %d, want 4", ci.Hits)
	}
}

func TestCanBePrefixAndCachePolicy(t *testing.T) {
	h := newHarness(t, Config{})
	c := h.p2p(300)
	p := h.p2p(301)
	h.route("/a", 301, 0)
	h.interest(300, "/a", 1, iopt{hop: -1, cbp: true})
	up := expectOne(t, p, face.KindInterest, "CanBePrefix forwarded")
	h.interest(300, "/a/b/c", 2, noOpt)
	up2 := expectOne(t, p, face.KindInterest, "exact forwarded")
	h.data(301, "/a/b/c", time.Second, up.token)
	if got := len(c.take()); got != 1 {
		t.Fatalf("downstream got %d Data for two matching entries, want 1", got)
	}
	if h.s.pit.PitLen() != 0 {
		t.Fatal("both entries should be satisfied")
	}
	_ = up2
	// The CanBePrefix Interest is now served from the CS.
	h.interest(300, "/a", 3, iopt{hop: -1, cbp: true})
	expectOne(t, c, face.KindData, "CanBePrefix CS hit")
	// Without CanBePrefix /a does not match /a/b/c.
	h.interest(300, "/a", 4, noOpt)
	expectNone(t, c, "exact /a")
	expectOne(t, p, face.KindInterest, "exact /a forwarded")

	// CachePolicy NO_CACHE keeps Data out of the CS.
	h.interest(300, "/a/nc", 5, noOpt)
	upNC := expectOne(t, p, face.KindInterest, "nc")
	h.dataWire(301, makeData(t, "/a/nc", time.Second), upNC.token, 1)
	expectOne(t, c, face.KindData, "nc Data")
	h.interest(300, "/a/nc", 6, noOpt)
	expectNone(t, c, "NO_CACHE Data served from CS")
}

func TestUnsolicitedData(t *testing.T) {
	for _, tc := range []struct {
		policy UnsolicitedPolicy
		local  bool
		cached bool
	}{
		{UnsolicitedDropAll, false, false},
		{UnsolicitedAdmitAll, false, true},
		{UnsolicitedAdmitLocal, false, false},
		{UnsolicitedAdmitLocal, true, true},
		{UnsolicitedAdmitNetwork, false, true},
	} {
		h := newHarness(t, Config{Unsolicited: tc.policy})
		c := h.p2p(300)
		src := h.p2p(301)
		if tc.local {
			src = h.face(310, face.ScopeLocal, face.LinkPointToPoint)
		}
		h.data(src.id, "/u", time.Second, nil)
		h.interest(300, "/u", 1, noOpt)
		got := false
		for _, x := range c.take() {
			got = got || x.kind == face.KindData
		}
		if got != tc.cached {
			t.Errorf("%v local=%v: served from CS %v, want %v", tc.policy, tc.local, got, tc.cached)
		}
	}
}

func TestNackPropagation(t *testing.T) {
	h := newHarness(t, Config{})
	c1, c2, p := h.p2p(300), h.p2p(302), h.p2p(301)
	h.route("/a", 301, 0)
	h.interest(300, "/a/n", 11, iopt{hop: -1, token: []byte("one")})
	up := expectOne(t, p, face.KindInterest, "forwarded")
	h.interest(302, "/a/n", 22, iopt{hop: -1, token: []byte("two")})
	// A Nack with the wrong Nonce is dropped.
	bad := makeInterest(t, ndn.MustParseName("/a/n"), 99, noOpt)
	h.nack(301, bad, ndn.NackCongestion, up.token)
	expectNone(t, c1, "Nack with a wrong Nonce")
	h.nack(301, up.wire, ndn.NackCongestion, up.token)
	n1 := expectOne(t, c1, face.KindNack, "Nack to downstream 1")
	n2 := expectOne(t, c2, face.KindNack, "Nack to downstream 2")
	if n1.reason != ndn.NackCongestion || n1.interest.Nonce != 11 || string(n1.token) != "one" ||
		n2.interest.Nonce != 22 || string(n2.token) != "two" {
		t.Errorf("Nacks: %v nonce %d token %q; nonce %d token %q", n1.reason, n1.interest.Nonce, n1.token, n2.interest.Nonce, n2.token)
	}
	if h.counters().DropNack != 1 {
		t.Errorf("DropNack = %d", h.counters().DropNack)
	}
}

func TestNackWaitsForOtherUpstreams(t *testing.T) {
	h := newHarness(t, Config{})
	c, p1, p2 := h.p2p(300), h.p2p(301), h.p2p(302)
	h.route("/a", 301, 0)
	h.route("/a", 302, 5)
	h.interest(300, "/a/w", 1, noOpt)
	u1 := expectOne(t, p1, face.KindInterest, "best route")
	h.now += int64(50 * time.Millisecond)
	h.interest(300, "/a/w", 2, noOpt) // retransmission → unused next hop
	u2 := expectOne(t, p2, face.KindInterest, "retransmission to the unused next hop")
	h.nack(301, u1.wire, ndn.NackNoRoute, u1.token)
	expectNone(t, c, "Nack while another upstream is pending")
	h.nack(302, u2.wire, ndn.NackCongestion, u2.token)
	if n := expectOne(t, c, face.KindNack, "all upstreams Nacked"); n.reason != ndn.NackCongestion {
		t.Errorf("reason %v, want the least severe (Congestion)", n.reason)
	}
}

func TestNoRouteNack(t *testing.T) {
	h := newHarness(t, Config{})
	c := h.p2p(300)
	h.interest(300, "/nowhere", 1, iopt{hop: -1, token: []byte("x")})
	n := expectOne(t, c, face.KindNack, "no route")
	if n.reason != ndn.NackNoRoute || string(n.token) != "x" {
		t.Errorf("reason %v token %q", n.reason, n.token)
	}
	h.advance(time.Millisecond * 10)
	if h.s.pit.PitLen() != 0 {
		t.Error("rejected entry not erased")
	}
}

func TestNextHopFaceID(t *testing.T) {
	h := newHarness(t, Config{})
	h.face(310, face.ScopeLocal, face.LinkPointToPoint)
	p1, p2 := h.p2p(301), h.p2p(302)
	h.route("/", 301, 0)
	h.interest(310, "/z", 1, iopt{hop: -1, nextHop: 302})
	expectOne(t, p2, face.KindInterest, "NextHopFaceId")
	expectNone(t, p1, "FIB bypassed")
}

func TestMulticastAndNewNextHop(t *testing.T) {
	h := newHarness(t, Config{})
	c := h.p2p(300)
	p1, p2, p3 := h.p2p(301), h.p2p(302), h.p2p(303)
	h.route("/ndn/broadcast", 301, 0)
	h.route("/ndn/broadcast", 302, 0)
	h.route("/ndn/broadcast", 300, 0) // the downstream itself is skipped
	h.interest(300, "/ndn/broadcast/q", 1, noOpt)
	expectOne(t, p1, face.KindInterest, "multicast 1")
	expectOne(t, p2, face.KindInterest, "multicast 2")
	expectNone(t, c, "not back to the downstream")
	h.route("/ndn/broadcast", 303, 0)
	expectOne(t, p3, face.KindInterest, "pending Interest to the new next hop")
}

func TestRandomUsesAllNextHops(t *testing.T) {
	h := newHarness(t, Config{})
	h.p2p(300)
	p1, p2 := h.p2p(301), h.p2p(302)
	if _, err := h.fw.SetStrategy(ndn.MustParseName("/r"), ndn.MustParseName("/localhost/nfd/strategy/random")); err != nil {
		t.Fatal(err)
	}
	h.route("/r", 301, 0)
	h.route("/r", 302, 100)
	for i := range 64 {
		h.interest(300, "/r/"+string(rune('a'+i%26))+string(rune('a'+i/26)), uint32(i), noOpt)
	}
	n1, n2 := len(p1.take()), len(p2.take())
	if n1+n2 != 64 || n1 == 0 || n2 == 0 {
		t.Errorf("random: %d and %d Interests, want both used and 64 in all", n1, n2)
	}
}

func TestASFSwitchesAwayFromDeadPath(t *testing.T) {
	h := newHarness(t, Config{})
	c := h.p2p(300)
	dead, alive := h.p2p(301), h.p2p(302)
	if _, err := h.fw.SetStrategy(ndn.MustParseName("/v"), ndn.MustParseName("/localhost/nfd/strategy/asf/v=5/max-timeouts~2")); err != nil {
		t.Fatal(err)
	}
	h.route("/v", 301, 1) // cheaper but dead
	h.route("/v", 302, 10)
	deadCount := 0
	for i := range 10 {
		name := "/v/seg" + string(rune('a'+i))
		h.interest(300, name, uint32(100+i), noOpt)
		if len(dead.take()) > 0 {
			deadCount++
			// The consumer times out and retransmits; ASF sends it elsewhere.
			h.now += int64(300 * time.Millisecond)
			h.interest(300, name, uint32(200+i), noOpt)
		}
		up := alive.take()
		if len(up) == 0 {
			t.Fatalf("Interest %d never reached the live path", i)
		}
		h.now += int64(5 * time.Millisecond)
		h.data(302, name, 0, up[len(up)-1].token)
		expectOne(t, c, face.KindData, "Data via the live path")
	}
	if deadCount > 2 {
		t.Errorf("ASF used the dead path %d times, want at most max-timeouts (2)", deadCount)
	}
}

func TestASFPrefersFasterPath(t *testing.T) {
	h := newHarness(t, Config{})
	h.p2p(300)
	slow, fast := h.p2p(301), h.p2p(302)
	if _, err := h.fw.SetStrategy(ndn.MustParseName("/v"), ndn.MustParseName("/localhost/nfd/strategy/asf/probing-interval~1000")); err != nil {
		t.Fatal(err)
	}
	h.route("/v", 301, 1)
	h.route("/v", 302, 10)
	var last *fakeFace
	for i := range 40 {
		name := "/v/" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		h.interest(300, name, uint32(i+1), noOpt)
		for _, f := range []*fakeFace{fast, slow} { // the faster answer arrives first
			for _, up := range f.take() {
				last = f
				rtt := 80 * time.Millisecond
				if f == fast {
					rtt = 2 * time.Millisecond
				}
				h.now += int64(rtt)
				h.data(f.id, name, 0, up.token)
			}
		}
		h.faces[300].take()
		h.now += int64(100 * time.Millisecond)
	}
	if last != fast {
		t.Error("ASF did not settle on the faster path after probing")
	}
}

func TestPitCapacityBoundsFlood(t *testing.T) {
	h := newHarness(t, Config{PitCapacity: 100})
	h.p2p(300)
	h.p2p(301)
	h.route("/", 301, 0)
	for i := range 5000 {
		h.interestName(300, ndn.MustParseName("/flood").Append(ndn.SequenceNumComponent(uint64(i))), uint32(i), noOpt)
	}
	if n := h.s.pit.PitLen(); n > 100 {
		t.Fatalf("PIT grew to %d entries, limit 100", n)
	}
	if d := h.counters().DropPitFull; d != 4900 {
		t.Errorf("DropPitFull = %d, want 4900", d)
	}
}

func TestStrategyChoiceDefaultsAndNames(t *testing.T) {
	h := newHarness(t, Config{})
	want := map[string]string{
		"/":              "/localhost/nfd/strategy/best-route/v=5",
		"/localhost":     "/localhost/nfd/strategy/multicast/v=5",
		"/localhost/nfd": "/localhost/nfd/strategy/best-route/v=5",
		"/ndn/broadcast": "/localhost/nfd/strategy/multicast/v=5",
	}
	got := h.fw.StrategyChoices()
	if len(got) != len(want) {
		t.Fatalf("%d choices, want %d", len(got), len(want))
	}
	for _, c := range got {
		if want[c.Prefix.String()] != c.Strategy.String() {
			t.Errorf("%s → %s", c.Prefix, c.Strategy)
		}
	}
	for _, bad := range []string{"/localhost/nfd/strategy/nope", "/localhost/nfd/strategy/best-route/v=99", "/localhost/nfd/strategy/asf/v=5/bogus~1"} {
		if _, err := h.fw.SetStrategy(ndn.MustParseName("/q"), ndn.MustParseName(bad)); err == nil {
			t.Errorf("SetStrategy(%s) accepted", bad)
		}
	}
	if err := h.fw.UnsetStrategy(ndn.Name{}); err == nil {
		t.Error("unset of / accepted")
	}
	if n := h.fw.EffectiveStrategy(ndn.MustParseName("/localhost/nfd/fib/list")); n.String() != want["/localhost/nfd"] {
		t.Errorf("effective strategy %s", n)
	}
}

func TestForwardingHintAndCongestionMark(t *testing.T) {
	h := newHarness(t, Config{})
	h.p2p(300)
	byName, byHint := h.p2p(301), h.p2p(302)
	h.route("/user", 301, 0)
	h.route("/isp", 302, 0)
	i := ndn.Interest{Name: ndn.MustParseName("/user/file"), Nonce: 1, HasNonce: true,
		ForwardingHint: []ndn.Name{ndn.MustParseName("/nowhere"), ndn.MustParseName("/isp/region")}}
	w, err := i.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var di ndn.Interest
	di.Decode(w)
	h.run(inPacket{face: 300, kind: face.KindInterest, lp: &ndn.LpPacket{Fragment: w, CongestionMark: 1}, interest: &di})
	up := expectOne(t, byHint, face.KindInterest, "FIB lookup by the forwarding hint")
	expectNone(t, byName, "FIB lookup by the name")
	if up.mark != 1 {
		t.Errorf("CongestionMark %d not carried to the upstream Interest", up.mark)
	}
	if len(up.interest.ForwardingHint) != 2 {
		t.Error("ForwardingHint stripped")
	}
	h.dataWire(302, makeData(t, "/user/file", 0), up.token, 0)
	expectOne(t, h.faces[300], face.KindData, "Data back")
}

func TestImplicitDigestInterestSatisfied(t *testing.T) {
	h := newHarness(t, Config{})
	c, p := h.p2p(300), h.p2p(301)
	h.route("/a", 301, 0)
	w := makeData(t, "/a/d", time.Second)
	var d ndn.Data
	d.Decode(w)
	h.interestName(300, d.FullName(), 1, noOpt)
	up := expectOne(t, p, face.KindInterest, "full-name Interest")
	// Data with the same name but other bytes does not satisfy it.
	h.data(301, "/a/other", 0, nil)
	other := makeData(t, "/a/d", 2*time.Second) // same name, different digest
	h.dataWire(301, other, up.token, 0)
	expectNone(t, c, "Data whose digest differs")
	h.dataWire(301, w, up.token, 0)
	if got := expectOne(t, c, face.KindData, "Data with the digest"); !bytes.Equal(got.wire, w) {
		t.Error("wrong Data delivered")
	}
	if h.s.pit.PitLen() != 0 {
		t.Error("entry not satisfied")
	}
}

func TestMultiAccessDataNotReturnedToIngress(t *testing.T) {
	h := newHarness(t, Config{})
	ma := h.face(303, face.ScopeNonLocal, face.LinkMultiAccess)
	p := h.p2p(301)
	h.route("/a", 301, 0)
	h.interest(303, "/a/m", 1, noOpt)
	up := expectOne(t, p, face.KindInterest, "from multi-access")
	h.data(301, "/a/m", 0, up.token)
	expectOne(t, ma, face.KindData, "Data to the multi-access downstream")
	// A Nack arriving on a multi-access face is dropped.
	h.interest(301, "/b/x", 2, noOpt) // no route: Nack to p2p 301
	p.take()
	h.nack(303, makeInterest(t, ndn.MustParseName("/a/m2"), 3, noOpt), ndn.NackNoRoute, nil)
	if h.counters().DropNack != 1 {
		t.Errorf("DropNack = %d, want 1", h.counters().DropNack)
	}
}
