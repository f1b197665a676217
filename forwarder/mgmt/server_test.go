package mgmt_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/trust"
)

// noAnswer is how long a test waits to conclude that no response comes.
const noAnswer = 300 * time.Millisecond

func ribEntries(t *testing.T, c *client) []nfd.RibEntry {
	t.Helper()
	b, err := c.dataset("rib/list")
	if err != nil {
		t.Fatal(err)
	}
	l, err := nfd.DecodeRibEntryList(b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func fibHops(t *testing.T, c *client, prefix string) []nfd.NextHopRecord {
	t.Helper()
	b, err := c.dataset("fib/list")
	if err != nil {
		t.Fatal(err)
	}
	l, err := nfd.DecodeFibEntryList(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l {
		if e.Name.Equal(name(prefix)) {
			return e.NextHops
		}
	}
	return nil
}

func TestRibRegisterDefaultsAndUnregister(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	body := c.mustOK(nfd.RibRegister, &nfd.ControlParameters{Name: name("/example"), HasName: true})
	want := nfd.ControlParameters{Name: name("/example"), HasName: true, FaceID: c.id, HasFaceID: true,
		Origin: 0, HasOrigin: true, Cost: 0, HasCost: true, Flags: nfd.RouteChildInherit, HasFlags: true}
	if !bytes.Equal(body.Encode(), want.Encode()) {
		t.Fatalf("register response %v, want %v", body.String(), want.String())
	}
	ents := ribEntries(t, c)
	if len(ents) != 1 || !ents[0].Name.Equal(name("/example")) || len(ents[0].Routes) != 1 ||
		ents[0].Routes[0] != (nfd.Route{FaceID: c.id, Flags: 1}) {
		t.Fatalf("rib/list = %+v", ents)
	}
	if h := fibHops(t, c, "/example"); len(h) != 1 || h[0].FaceID != c.id {
		t.Fatalf("fib /example = %v", h)
	}
	// NDNts's parameters (M5): origin client, CAPTURE, expiry.
	m5 := &nfd.ControlParameters{Name: name("/example"), HasName: true, Origin: nfd.OriginClient, HasOrigin: true,
		Cost: 0, HasCost: true, Flags: nfd.RouteCapture, HasFlags: true, ExpirationPeriod: 1200 * time.Second, HasExpirationPeriod: true}
	body = c.mustOK(nfd.RibRegister, m5)
	if !body.HasExpirationPeriod || body.ExpirationPeriod != 1200*time.Second || body.FaceID != c.id {
		t.Fatalf("register response %v", body.String())
	}
	ents = ribEntries(t, c)
	if len(ents[0].Routes) != 2 || !ents[0].Routes[1].HasExpirationPeriod || ents[0].Routes[1].ExpirationPeriod > 1200*time.Second {
		t.Fatalf("rib/list = %+v", ents)
	}
	body = c.mustOK(nfd.RibUnregister, &nfd.ControlParameters{Name: name("/example"), HasName: true})
	if body.FaceID != c.id || !body.HasOrigin || body.Origin != 0 {
		t.Fatalf("unregister response %v", body.String())
	}
	c.mustOK(nfd.RibUnregister, &nfd.ControlParameters{Name: name("/example"), HasName: true, Origin: nfd.OriginClient, HasOrigin: true})
	if ents := ribEntries(t, c); len(ents) != 0 {
		t.Fatalf("rib/list after unregister = %+v", ents)
	}
	if h := fibHops(t, c, "/example"); h != nil {
		t.Fatalf("fib /example after unregister = %v", h)
	}
	// Too long a prefix.
	long := ndn.Name{}
	for range 33 {
		long = long.Append(ndn.GenericComponent("c"))
	}
	r, _ := c.command(nfd.RibRegister, &nfd.ControlParameters{Name: long, HasName: true})
	if r.Code != 414 {
		t.Fatalf("33-component register: %v", r.String())
	}
}

func TestRoutesRemovedWhenFaceCloses(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	admin := e.newClient(nil)
	prod := e.newClient(nil)
	prod.mustOK(nfd.RibRegister, &nfd.ControlParameters{Name: name("/p"), HasName: true})
	admin.mustOK(nfd.RibRegister, &nfd.ControlParameters{Name: name("/q"), HasName: true, FaceID: prod.id, HasFaceID: true, Origin: 255, HasOrigin: true})
	if n := len(ribEntries(t, admin)); n != 2 {
		t.Fatalf("%d RIB entries, want 2", n)
	}
	prod.f.Close()
	eventually(t, "routes of the closed face removed", func() bool { return len(ribEntries(t, admin)) == 0 })
	if h := fibHops(t, admin, "/p"); h != nil {
		t.Fatalf("FIB kept /p: %v", h)
	}
}

func TestRegisterUnknownFace(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	// NFD answers 200 before updating the FIB, then drops the route.
	c.mustOK(nfd.RibRegister, &nfd.ControlParameters{Name: name("/x"), HasName: true, FaceID: 9999, HasFaceID: true})
	if ents := ribEntries(t, c); len(ents) != 0 {
		t.Fatalf("route to an unknown face kept: %+v", ents)
	}
}

func TestFibCommands(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	body := c.mustOK(nfd.FibAddNextHop, &nfd.ControlParameters{Name: name("/f"), HasName: true, Cost: 7, HasCost: true})
	if body.FaceID != c.id || body.Cost != 7 {
		t.Fatalf("add-nexthop response %v", body.String())
	}
	if h := fibHops(t, c, "/f"); len(h) != 1 || h[0] != (nfd.NextHopRecord{FaceID: c.id, Cost: 7}) {
		t.Fatalf("fib /f = %v", h)
	}
	if h := fibHops(t, c, "/localhost/nfd"); len(h) != 1 || h[0].FaceID != mgmt.FaceID {
		t.Fatalf("fib /localhost/nfd = %v", h)
	}
	r, _ := c.command(nfd.FibAddNextHop, &nfd.ControlParameters{Name: name("/f"), HasName: true, FaceID: 4242, HasFaceID: true})
	if r.Code != 410 || r.Text != "Face not found" {
		t.Fatalf("add-nexthop to unknown face: %v", r.String())
	}
	body = c.mustOK(nfd.FibRemoveNextHop, &nfd.ControlParameters{Name: name("/f"), HasName: true})
	if body.FaceID != c.id {
		t.Fatalf("remove-nexthop response %v", body.String())
	}
	if h := fibHops(t, c, "/f"); h != nil {
		t.Fatalf("fib /f after remove = %v", h)
	}
	// Removing a next hop that does not exist is still 200.
	c.mustOK(nfd.FibRemoveNextHop, &nfd.ControlParameters{Name: name("/nothing"), HasName: true, FaceID: 4242, HasFaceID: true})
}

func TestStrategyChoice(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	cases := []struct {
		strategy string
		code     uint32
		want     string
	}{
		{"/localhost/nfd/strategy/best-route", 200, "/localhost/nfd/strategy/best-route/v=5"},
		{"/localhost/nfd/strategy/multicast/v=5", 200, "/localhost/nfd/strategy/multicast/v=5"},
		{"/localhost/nfd/strategy/best-route/v=5/retx-suppression-initial~20/retx-suppression-max~500", 200,
			"/localhost/nfd/strategy/best-route/v=5/retx-suppression-initial~20/retx-suppression-max~500"},
		{"/localhost/nfd/strategy/multicast/retx-suppression-multiplier~1.5", 200,
			"/localhost/nfd/strategy/multicast/v=5/retx-suppression-multiplier~1.5"},
		{"/localhost/nfd/strategy/best-route/v=5/retx-suppression-initial~600/retx-suppression-max~500", 409, ""},
		{"/localhost/nfd/strategy/multicast/v=5/retx-suppression-multiplier~0.5", 409, ""},
		{"/localhost/nfd/strategy/asf/v=5/probing-interval~30000", 200, "/localhost/nfd/strategy/asf/v=5/probing-interval~30000"},
		{"/localhost/nfd/strategy/asf/v=5/probing-interval~1", 409, ""},
		{"/localhost/nfd/strategy/no-such-strategy", 404, ""},
		{"/localhost/nfd/strategy/best-route/v=99", 404, ""},
	}
	for _, tc := range cases {
		r, ok := c.command(nfd.StrategyChoiceSet, &nfd.ControlParameters{Name: name("/s"), HasName: true, Strategy: name(tc.strategy), HasStrategy: true})
		if !ok || r.Code != tc.code {
			t.Errorf("set %s: %v (ok %v), want %d", tc.strategy, r.String(), ok, tc.code)
			continue
		}
		if tc.code == 200 {
			p, _, _ := r.Params()
			if p.Strategy.String() != tc.want || !p.Name.Equal(name("/s")) {
				t.Errorf("set %s: response %v, want strategy %s", tc.strategy, p.String(), tc.want)
			}
		}
	}
	b, err := c.dataset("strategy-choice/list")
	if err != nil {
		t.Fatal(err)
	}
	l, err := nfd.DecodeStrategyChoiceList(b)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, sc := range l {
		got[sc.Name.String()] = sc.Strategy.String()
	}
	if got["/"] != "/localhost/nfd/strategy/best-route/v=5" || got["/s"] != "/localhost/nfd/strategy/asf/v=5/probing-interval~30000" {
		t.Fatalf("strategy-choice/list = %v", got)
	}
	c.mustOK(nfd.StrategyChoiceUnset, &nfd.ControlParameters{Name: name("/s"), HasName: true})
	r, _ := c.command(nfd.StrategyChoiceUnset, &nfd.ControlParameters{Name: name("/"), HasName: true})
	if r.Code != 400 || r.Text != nfd.ValidationFailedText {
		t.Fatalf("unset /: %v", r.String())
	}
}

func TestCs(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	p := &nfd.ControlParameters{Capacity: 100, HasCapacity: true}
	p.SetFlagBit(nfd.CsBitEnableAdmit, false)
	body := c.mustOK(nfd.CsConfig, p)
	if body.Capacity != 100 || body.Flags != 1<<nfd.CsBitEnableServe {
		t.Fatalf("cs/config response %v", body.String())
	}
	b, err := c.dataset("cs/info")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := nfd.DecodeCsInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if ci.Capacity != 100 || ci.Flags != 2 {
		t.Fatalf("cs/info = %+v", ci)
	}
	body = c.mustOK(nfd.CsErase, &nfd.ControlParameters{Name: name("/a"), HasName: true})
	if !body.HasCount || body.Count != 0 || body.HasCapacity {
		t.Fatalf("cs/erase response %v", body.String())
	}
	r, _ := c.command(nfd.CsErase, &nfd.ControlParameters{Name: name("/a"), HasName: true, Count: 0, HasCount: true})
	if r.Code != 400 {
		t.Fatalf("cs/erase Count 0: %v", r.String())
	}
}

func TestStatusGeneral(t *testing.T) {
	e := newEnv(t, mgmt.Options{Version: "test-1"})
	c := e.newClient(nil)
	b, err := c.dataset("status/general")
	if err != nil {
		t.Fatal(err)
	}
	var st nfd.ForwarderStatus
	if err := st.Decode(b); err != nil {
		t.Fatal(err)
	}
	if st.NfdVersion != "test-1" || st.NInInterests == 0 || st.NFibEntries < 2 || st.CurrentTimestamp.Before(st.StartTimestamp) {
		t.Fatalf("status/general = %+v", st)
	}
}

func TestFacesDatasets(t *testing.T) {
	e := newEnv(t, mgmt.Options{Channels: func() []string { return []string{"udp4://127.0.0.1:6363", "unix:///run/nfd.sock"} }})
	c := e.newClient(nil)
	other := e.newClient(&nonLocalInfo)
	b, err := c.dataset("faces/list")
	if err != nil {
		t.Fatal(err)
	}
	l, err := nfd.DecodeFaceStatusList(b)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[uint64]nfd.FaceStatus{}
	for _, f := range l {
		ids[f.FaceID] = f
	}
	if ids[mgmt.FaceID].URI != "internal://" || ids[c.id].FaceScope != nfd.ScopeLocal || ids[other.id].FaceScope != nfd.ScopeNonLocal {
		t.Fatalf("faces/list = %+v", l)
	}
	// Counters are live: the requesting face has received the first listing.
	b, _ = c.dataset("faces/list")
	l, _ = nfd.DecodeFaceStatusList(b)
	for _, f := range l {
		if f.FaceID == c.id && (f.NInInterests < 2 || f.NOutData == 0 || f.NInBytes == 0 || f.NOutBytes == 0) {
			t.Fatalf("counters of the requesting face: %+v", f)
		}
	}
	f := nfd.FaceQueryFilter{URIScheme: "udp4", HasURIScheme: true}
	b, err = c.datasetName(nfd.FaceQueryName(name("/localhost/nfd"), &f))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := nfd.DecodeFaceStatusList(b); len(l) != 1 || l[0].FaceID != other.id {
		t.Fatalf("faces/query udp4 = %+v", l)
	}
	bad := name("/localhost/nfd/faces/query").Append(ndn.GenericComponent("\x96\x03\x69\x09\x00"))
	_, err = c.datasetName(bad)
	if rej, ok := nfd.IsReject(err); !ok || rej.Code != 400 || rej.Text != "Malformed filter" {
		t.Fatalf("malformed filter: %v", err)
	}
	b, err = c.dataset("faces/channels")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := nfd.DecodeChannelStatusList(b)
	if err != nil || len(ch) != 2 || ch[0].LocalURI != "udp4://127.0.0.1:6363" {
		t.Fatalf("faces/channels = %+v, %v", ch, err)
	}
}

func TestDatasetSegmentation(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	for k := range 300 {
		p := name(fmt.Sprintf("/segmentation/test/with/a/fairly/long/prefix/number/%d", k))
		if err := e.srv.RIB().Register(p, ribRoute(c.id)); err != nil {
			t.Fatal(err)
		}
	}
	// Segment 0 by hand: versioned, typed, FreshnessPeriod 1 s, at most 8000 octets.
	i := &ndn.Interest{Name: name("/localhost/nfd/rib/list"), CanBePrefix: true, MustBeFresh: true}
	d := c.express(i, 2*time.Second)
	if d == nil {
		t.Fatal("no segment 0")
	}
	n := d.Name
	if n.Len() != 6 || n.At(4).Type != 0x36 || n.At(5).Type != 0x32 || d.Freshness != time.Second || len(d.Content) != nfd.MaxSegmentPayload || d.FinalBlock.Type != 0 {
		t.Fatalf("segment 0: name %s freshness %v content %d final %v", n, d.Freshness, len(d.Content), d.FinalBlock)
	}
	b, err := c.dataset("rib/list")
	if err != nil {
		t.Fatal(err)
	}
	l, err := nfd.DecodeRibEntryList(b)
	if err != nil || len(l) != 300 {
		t.Fatalf("rib/list: %d entries, %v", len(l), err)
	}
	// A segment that is not in the store is ignored.
	miss := &ndn.Interest{Name: name("/localhost/nfd/rib/list").Append(ndn.VersionComponent(1), ndn.SegmentComponent(0)), Lifetime: noAnswer}
	if d := c.express(miss, noAnswer); d != nil {
		t.Fatalf("unknown version answered: %s", d.Name)
	}
}

func TestFacesCreateUpdateDestroy(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	uri := "udp4://" + pc.LocalAddr().String()
	cases := []struct {
		p    nfd.ControlParameters
		code uint32
		text string
	}{
		{nfd.ControlParameters{URI: "udp4://127.0.0.1", HasURI: true}, 400, "Non-canonical remote URI"},
		{nfd.ControlParameters{URI: "udp://127.0.0.1:6363", HasURI: true}, 400, "Non-canonical remote URI"},
		{nfd.ControlParameters{URI: "not a uri", HasURI: true}, 400, "Malformed command"},
		{nfd.ControlParameters{URI: "ether://[01:00:5e:00:17:aa]", HasURI: true}, 406, "Unsupported protocol"},
		{nfd.ControlParameters{URI: uri, HasURI: true, FacePersistency: nfd.PersistencyOnDemand, HasFacePersistency: true}, 406, "Outgoing UDP faces do not support on-demand persistency"},
		{nfd.ControlParameters{URI: uri, HasURI: true, Mtu: 10, HasMtu: true}, 406, "Override MTU cannot be less than 64"},
		{nfd.ControlParameters{Name: name("/x"), HasName: true, URI: uri, HasURI: true}, 400, nfd.ValidationFailedText},
		{nfd.ControlParameters{URI: uri, HasURI: true, LocalURI: "udp4://127.0.0.1:6363", HasLocalURI: true}, 406, "Unicast UDP faces cannot be created with a LocalUri"},
		{nfd.ControlParameters{URI: "udp4://224.0.23.170:56363", HasURI: true}, 406, "Cannot create multicast UDP faces"},
		{nfd.ControlParameters{URI: "tcp4://127.0.0.1:9", HasURI: true, Mtu: 1000, HasMtu: true}, 406, "TCP faces do not support MTU overrides"},
		{*localFieldsOn(&nfd.ControlParameters{URI: uri, HasURI: true}), 406, "Local fields can only be enabled on faces with local scope"},
	}
	for _, tc := range cases {
		r, ok := c.command(nfd.FacesCreate, &tc.p)
		if !ok || r.Code != tc.code || r.Text != tc.text {
			t.Errorf("create %s: %v, want %d %s", tc.p.String(), r.String(), tc.code, tc.text)
		}
	}
	body := c.mustOK(nfd.FacesCreate, &nfd.ControlParameters{URI: uri, HasURI: true, Mtu: 1400, HasMtu: true})
	if body.FaceID < 256 || body.URI != uri || body.FacePersistency != nfd.PersistencyPersistent || body.Mtu != 1400 || body.HasMask {
		t.Fatalf("create response %v", body.String())
	}
	r, _ := c.command(nfd.FacesCreate, &nfd.ControlParameters{URI: uri, HasURI: true})
	if p, _, _ := r.Params(); r.Code != 409 || p.FaceID != body.FaceID {
		t.Fatalf("duplicate create: %v %v", r.String(), p.String())
	}
	// TCP to a closed port fails with 504.
	l, _ := net.Listen("tcp4", "127.0.0.1:0")
	closed := "tcp4://" + l.Addr().String()
	l.Close()
	r, _ = c.command(nfd.FacesCreate, &nfd.ControlParameters{URI: closed, HasURI: true})
	if r.Code != 504 || !strings.HasPrefix(r.Text, "Connection failed: ") {
		t.Fatalf("create to a closed TCP port: %v", r.String())
	}

	// faces/update: local fields on our (local) face, not on the UDP face.
	up := &nfd.ControlParameters{}
	up.SetFlagBit(nfd.FaceBitLocalFields, true)
	body2 := c.mustOK(nfd.FacesUpdate, up)
	if body2.FaceID != c.id || body2.Flags&1 == 0 {
		t.Fatalf("update response %v", body2.String())
	}
	up.FaceID, up.HasFaceID = body.FaceID, true
	r, _ = c.command(nfd.FacesUpdate, up)
	if r.Code != 409 || r.Text != "Invalid properties specified" {
		t.Fatalf("local fields on UDP: %v", r.String())
	}
	r, _ = c.command(nfd.FacesUpdate, &nfd.ControlParameters{FaceID: 7777, HasFaceID: true})
	if r.Code != 404 || r.Text != "Specified face does not exist" {
		t.Fatalf("update unknown face: %v", r.String())
	}
	up2 := &nfd.ControlParameters{FaceID: body.FaceID, HasFaceID: true, FacePersistency: nfd.PersistencyPermanent, HasFacePersistency: true}
	if b := c.mustOK(nfd.FacesUpdate, up2); b.FacePersistency != nfd.PersistencyPermanent {
		t.Fatalf("update persistency: %v", b.String())
	}

	d := c.mustOK(nfd.FacesDestroy, &nfd.ControlParameters{FaceID: body.FaceID, HasFaceID: true})
	if d.FaceID != body.FaceID {
		t.Fatalf("destroy response %v", d.String())
	}
	eventually(t, "face destroyed", func() bool { _, ok := e.fw.Face(body.FaceID); return !ok })
	c.mustOK(nfd.FacesDestroy, &nfd.ControlParameters{FaceID: body.FaceID, HasFaceID: true}) // again: still 200
	r, _ = c.command(nfd.FacesDestroy, &nfd.ControlParameters{FaceID: 0, HasFaceID: true})
	if r.Code != 400 {
		t.Fatalf("destroy FaceId 0: %v", r.String())
	}
}

func TestNoResponse(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	cp := (&nfd.ControlParameters{Name: name("/a"), HasName: true}).Encode()
	cases := map[string]ndn.Name{
		"unknown module":        name("/localhost/nfd/nosuch/verb").Append(ndn.GenericComponent(string(cp))),
		"unknown verb":          name("/localhost/nfd/rib/nosuch").Append(ndn.GenericComponent(string(cp))),
		"malformed parameters":  name("/localhost/nfd/rib/register").Append(ndn.GenericComponent("\x68\x03\x69\x09\x01")),
		"not ControlParameters": name("/localhost/nfd/rib/register/hello"),
		"missing parameters":    name("/localhost/nfd/rib/register"),
		"faces on localhop":     name("/localhop/nfd/faces/destroy").Append(ndn.GenericComponent(string(cp))),
	}
	for what, n := range cases {
		i := &ndn.Interest{Name: n, Lifetime: noAnswer}
		wire, err := security.SignInterest(i, security.DigestSha256{}, security.InterestSignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := c.sendCommand(i, wire, noAnswer); ok {
			t.Errorf("%s: answered %v", what, r.String())
		}
	}
	// Validation failures are answered with 400.
	r, _ := c.command(nfd.RibRegister, &nfd.ControlParameters{FaceID: 1, HasFaceID: true})
	if r.Code != 400 || r.Text != nfd.ValidationFailedText {
		t.Fatalf("register without Name: %v", r.String())
	}
	// The server still works.
	c.mustOK(nfd.RibRegister, &nfd.ControlParameters{Name: name("/ok"), HasName: true})
}

func TestSignatureFormats(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	p := &nfd.ControlParameters{Name: name("/v"), HasName: true}
	for _, v02 := range []bool{false, true} {
		r, ok := c.commandAt("/localhost/nfd", nfd.RibRegister, p, security.DigestSha256{}, v02)
		if !ok || !r.OK() {
			t.Errorf("v0.2=%v: %v %v", v02, r.String(), ok)
		}
	}
	// Unsigned commands from local faces are accepted (NFD's default "any").
	i := &ndn.Interest{Name: nfd.CommandName(name("/localhost/nfd"), nfd.RibRegister, p), Lifetime: time.Second}
	if d := c.express(i, time.Second); d == nil {
		t.Fatal("unsigned local command not answered")
	}
}

// operator returns a trust anchor and a validator with replay checks.
func operator(t *testing.T) (*security.PrivateKey, *trust.Validator) {
	t.Helper()
	key, err := security.GenerateKey(security.KeyEd25519, security.NewKeyName(name("/operator")))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cert.SelfSign(key, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := trust.NewValidator(trust.Options{Policy: trust.AcceptAll{}, Anchors: []*cert.Certificate{c},
		Replay: security.NewReplayChecker(security.ReplayOptions{})})
	return key, v
}

func TestAuthorization(t *testing.T) {
	key, v := operator(t)
	stranger, err := security.GenerateKey(security.KeyEd25519, security.NewKeyName(name("/stranger")))
	if err != nil {
		t.Fatal(err)
	}
	p := &nfd.ControlParameters{Name: name("/auth"), HasName: true}

	t.Run("default", func(t *testing.T) {
		e := newEnv(t, mgmt.Options{})
		local := e.newClient(nil)
		remote := e.newClient(&nonLocalInfo)
		if r, ok := local.command(nfd.RibRegister, p); !ok || !r.OK() {
			t.Fatalf("local: %v", r.String())
		}
		// /localhop from a non-local face: no answer unless configured
		// (NFD does not serve the prefix), whatever the signature.
		for _, signer := range []ndn.Signer{key, security.DigestSha256{}} {
			if r, ok := remote.commandAt("/localhop/nfd", nfd.RibRegister, p, signer, false); ok {
				t.Fatalf("localhop from non-local (%T) answered: %v", signer, r.String())
			}
		}
		if ents := ribEntries(t, local); len(ents) != 1 || ents[0].Routes[0].FaceID != local.id {
			t.Fatalf("rib after unanswered localhop commands = %+v", ents)
		}
		// /localhop from a local face is served.
		if r, ok := local.commandAt("/localhop/nfd", nfd.RibRegister, p, security.DigestSha256{}, false); !ok || !r.OK() {
			t.Fatalf("localhop from local: %v %v", r.String(), ok)
		}
		// /localhost from a non-local face never reaches management.
		if r, ok := remote.commandAt("/localhost/nfd", nfd.RibRegister, p, key, false); ok {
			t.Fatalf("/localhost from non-local answered: %v", r.String())
		}
	})

	t.Run("command anchors only", func(t *testing.T) {
		// Trust anchors for commands do not open /localhop/nfd to
		// non-local faces: it stays unanswered, as NFD without
		// rib.localhop_security.
		e := newEnv(t, mgmt.Options{Auth: mgmt.Auth{Validator: v}})
		remote := e.newClient(&nonLocalInfo)
		if r, ok := remote.commandAt("/localhop/nfd", nfd.RibRegister, p, key, false); ok {
			t.Fatalf("localhop from non-local answered: %v", r.String())
		}
	})

	t.Run("localhop anchor", func(t *testing.T) {
		e := newEnv(t, mgmt.Options{Auth: mgmt.Auth{Localhop: v}})
		remote := e.newClient(&nonLocalInfo)
		for _, tc := range []struct {
			signer ndn.Signer
			v02    bool
			code   uint32
		}{{key, false, 200}, {key, true, 200}, {stranger, false, 403}, {security.DigestSha256{}, false, 0}} {
			r, ok := remote.commandAt("/localhop/nfd", nfd.RibRegister, p, tc.signer, tc.v02)
			if tc.code == 0 {
				if ok {
					t.Errorf("digest (no KeyLocator) answered %v; NFD drops it", r.String())
				}
				continue
			}
			if !ok || r.Code != tc.code {
				t.Errorf("signer %T v0.2=%v: %v %v, want %d", tc.signer, tc.v02, r.String(), ok, tc.code)
			}
		}
		ents := ribEntries(t, e.newClient(nil))
		if len(ents) != 1 || ents[0].Routes[0].FaceID != remote.id {
			t.Fatalf("rib = %+v", ents)
		}
	})

	t.Run("require local", func(t *testing.T) {
		e := newEnv(t, mgmt.Options{Auth: mgmt.Auth{Validator: v, RequireLocal: true}})
		c := e.newClient(nil)
		// DigestSha256 has no KeyLocator: NFD drops such commands silently.
		if r, ok := c.commandAt("/localhost/nfd", nfd.RibRegister, p, security.DigestSha256{}, false); ok {
			t.Fatalf("digest-signed with RequireLocal answered: %v", r.String())
		}
		if r, ok := c.commandAt("/localhost/nfd", nfd.RibRegister, p, stranger, false); !ok || r.Code != 403 {
			t.Fatalf("stranger-signed with RequireLocal: %v %v", r.String(), ok)
		}
		unsigned := &ndn.Interest{Name: nfd.CommandName(name("/localhost/nfd"), nfd.RibRegister, p), MustBeFresh: true, Lifetime: noAnswer}
		if w, _ := unsigned.Encode(); c.expressWire(unsigned, w, noAnswer) != nil {
			t.Fatal("unsigned command with RequireLocal answered")
		}
		i, wire := signedCommand(t, "/localhost/nfd", nfd.FibAddNextHop, &nfd.ControlParameters{Name: name("/k"), HasName: true}, key, false)
		if r, ok := c.sendCommand(i, wire, time.Second); !ok || !r.OK() {
			t.Fatalf("operator-signed: %v %v", r.String(), ok)
		}
		// The same command again is a replay (once the response in the CS
		// is stale: a replay within 1 s just gets the cached response).
		time.Sleep(1100 * time.Millisecond)
		var again ndn.Interest
		_ = again.Decode(wire)
		again.PatchNonce(again.Nonce + 1)
		if r, ok := c.sendCommand(&again, again.Wire(), time.Second); !ok || r.Code != 403 {
			t.Fatalf("replayed command: %v %v", r.String(), ok)
		}
	})
}

func TestRibAnnounce(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	pa := nfd.PrefixAnn{Announced: name("/announced"), Version: 1, ExpirationPeriod: time.Hour}
	paWire, err := pa.Data().SignWith(security.DigestSha256{})
	if err != nil {
		t.Fatal(err)
	}
	i := &ndn.Interest{Name: nfd.CommandName(name("/localhost/nfd"), nfd.RibAnnounce, nil), AppParams: paWire, HasAppParams: true, Lifetime: time.Second}
	wire, err := security.SignInterest(i, security.DigestSha256{}, security.InterestSignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, ok := c.sendCommand(i, wire, time.Second)
	if !ok || !r.OK() {
		t.Fatalf("announce: %v %v", r.String(), ok)
	}
	body, _, _ := r.Params()
	if !body.Name.Equal(name("/announced")) || body.Origin != nfd.OriginPrefixAnn || body.Cost != 2048 || body.FaceID != c.id {
		t.Fatalf("announce response %v", body.String())
	}
	ents := ribEntries(t, c)
	if len(ents) != 1 || ents[0].Routes[0].Origin != 129 || ents[0].Routes[0].Cost != 2048 || !ents[0].Routes[0].HasExpirationPeriod {
		t.Fatalf("rib = %+v", ents)
	}
	// The route keeps the announcement itself, for self-learning.
	if info, ok := e.srv.RIB().Announcement(name("/announced/x")); !ok || !bytes.Equal(info.Announcement, paWire) {
		t.Fatalf("RIB announcement of /announced = %+v %v, want the announced Data", info, ok)
	}
	// Garbage instead of a prefix announcement: no response, as NFD.
	i = &ndn.Interest{Name: nfd.CommandName(name("/localhost/nfd"), nfd.RibAnnounce, nil), AppParams: []byte{1, 2, 3}, HasAppParams: true, Lifetime: noAnswer}
	wire, _ = security.SignInterest(i, security.DigestSha256{}, security.InterestSignOptions{})
	if r, ok := c.sendCommand(i, wire, noAnswer); ok {
		t.Fatalf("malformed announcement answered: %v", r.String())
	}
}

func TestFaceEvents(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	stream := name("/localhost/nfd/faces/events")
	// next returns the next notification after seq (or the first with
	// seq < 0), waiting up to 3 s.
	next := func(seq int64) (nfd.FaceEventNotification, int64) {
		t.Helper()
		i := &ndn.Interest{Name: stream, CanBePrefix: true, MustBeFresh: true, Lifetime: 3 * time.Second}
		if seq >= 0 {
			i = &ndn.Interest{Name: stream.Append(ndn.SequenceNumComponent(uint64(seq + 1))), MustBeFresh: true, Lifetime: 3 * time.Second}
		}
		d := c.express(i, 4*time.Second)
		if d == nil {
			t.Fatal("no face event")
		}
		last := d.Name.At(d.Name.Len() - 1)
		v, ok := last.Number()
		if !ok || last.Type != 0x3A || !stream.IsPrefixOf(d.Name) {
			t.Fatalf("event name %s", d.Name)
		}
		var n nfd.FaceEventNotification
		if err := n.Decode(d.Content); err != nil {
			t.Fatal(err)
		}
		return n, int64(v)
	}
	// The stream keeps notifications for 1 s: the first one is about c.
	n, seq := next(-1)
	if n.Kind != nfd.FaceEventCreated || n.FaceID != c.id {
		t.Fatalf("first event %+v, want created %d", n, c.id)
	}
	created := make(chan *client, 1)
	go func() {
		time.Sleep(50 * time.Millisecond)
		created <- e.newClient(nil)
	}()
	n, seq = next(seq)
	newFace := <-created
	if n.Kind != nfd.FaceEventCreated || n.FaceID != c.id+1 || n.FaceScope != nfd.ScopeLocal {
		t.Fatalf("event %+v, want created %d", n, c.id+1)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		newFace.f.Close()
	}()
	n, _ = next(seq)
	if n.Kind != nfd.FaceEventDestroyed || n.FaceID != c.id+1 {
		t.Fatalf("event %+v, want destroyed %d", n, c.id+1)
	}
}

func TestIsLocal(t *testing.T) {
	cases := []struct {
		info face.TransportInfo
		want bool
	}{
		{face.TransportInfo{LocalURI: "unix:///run/nfd/nfd.sock", RemoteURI: "fd://3", Scope: face.ScopeLocal}, true},
		{face.TransportInfo{LocalURI: "udp4://127.0.0.1:6363", RemoteURI: "udp4://127.0.0.1:40000"}, true},
		{face.TransportInfo{LocalURI: "udp6://[::1]:6363", RemoteURI: "udp6://[::1]:40000"}, true},
		{face.TransportInfo{LocalURI: "udp4://0.0.0.0:6363", RemoteURI: "udp4://127.0.0.1:40000"}, true},
		{face.TransportInfo{LocalURI: "udp4://127.0.0.1:6363", RemoteURI: "udp4://192.0.2.2:40000"}, false},
		{face.TransportInfo{LocalURI: "tcp4://192.0.2.1:6363", RemoteURI: "tcp4://192.0.2.2:40000"}, false},
		{face.TransportInfo{LocalURI: "udp4://192.0.2.1:6363", RemoteURI: "udp4://192.0.2.2:6363"}, false},
	}
	for _, tc := range cases {
		if got := mgmt.IsLocal(tc.info); got != tc.want {
			t.Errorf("IsLocal(%+v) = %v", tc.info, got)
		}
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := mgmt.New(mgmt.Options{}); !errors.Is(err, mgmt.ErrNoForwarder) {
		t.Fatalf("New without forwarder: %v", err)
	}
}

func ribRoute(face uint64) rib.Route { return rib.Route{FaceID: face} }

func localFieldsOn(p *nfd.ControlParameters) *nfd.ControlParameters {
	p.SetFlagBit(nfd.FaceBitLocalFields, true)
	return p
}

// TestFacesCreateRace covers a peer whose datagram creates an on-demand
// face while faces/create is connecting: the answer is 409 with that face.
func TestFacesCreateRace(t *testing.T) {
	const uri = "udp4://192.0.2.9:6363"
	var e *env
	made := make(chan uint64, 1)
	dial := func(ctx context.Context, u nfd.FaceURI, _ face.Persistency) (face.Transport, error) {
		info := face.TransportInfo{LocalURI: "udp4://192.0.2.1:6363", RemoteURI: uri, OnDemand: true}
		made <- e.newClient(&info).id
		return nil, fmt.Errorf("listener: %w", face.ErrExists)
	}
	e = newEnv(t, mgmt.Options{Dial: dial})
	c := e.newClient(nil)
	r, ok := c.command(nfd.FacesCreate, &nfd.ControlParameters{URI: uri, HasURI: true})
	p, _, _ := r.Params()
	if !ok || r.Code != 409 || p.FaceID != <-made {
		t.Fatalf("faces/create racing an on-demand face: %v %v", r.String(), p.String())
	}
}

// TestFacesListExpiration checks that faces/list reports the time left
// before an on-demand face is closed for idleness (NFD's ExpirationPeriod),
// and nothing for other faces; a face made persistent stops reporting it.
func TestFacesListExpiration(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	od := nonLocalInfo
	od.OnDemand = true
	onDemand := e.newClient(&od)
	list := func() map[uint64]nfd.FaceStatus {
		t.Helper()
		b, err := c.dataset("faces/list")
		if err != nil {
			t.Fatal(err)
		}
		l, err := nfd.DecodeFaceStatusList(b)
		if err != nil {
			t.Fatal(err)
		}
		m := map[uint64]nfd.FaceStatus{}
		for _, f := range l {
			m[f.FaceID] = f
		}
		return m
	}
	m := list()
	if f := m[onDemand.id]; f.FacePersistency != nfd.PersistencyOnDemand || !f.HasExpirationPeriod ||
		f.ExpirationPeriod <= 0 || f.ExpirationPeriod > 600*time.Second {
		t.Errorf("on-demand face: %+v; want ExpirationPeriod in (0, 600 s]", f)
	}
	for _, id := range []uint64{mgmt.FaceID, c.id} {
		if m[id].HasExpirationPeriod {
			t.Errorf("face %d reports ExpirationPeriod: %+v", id, m[id])
		}
	}
	c.mustOK(nfd.FacesUpdate, &nfd.ControlParameters{FaceID: onDemand.id, HasFaceID: true,
		FacePersistency: nfd.PersistencyPersistent, HasFacePersistency: true})
	if f := list()[onDemand.id]; f.HasExpirationPeriod {
		t.Errorf("face made persistent still reports ExpirationPeriod: %+v", f)
	}
}

// TestFacesUpdateMtu checks faces/update's Mtu as NFD answers it: accepted
// on datagram faces, whose MTU becomes the smaller of it and the
// transport's (200 with that effective Mtu), 409 with the Mtu in the body
// on transports with unlimited MTU (streams, in-memory) and below 64. The
// cases run in order on the same faces; a refused update changes nothing.
func TestFacesUpdateMtu(t *testing.T) {
	e := newEnv(t, mgmt.Options{})
	c := e.newClient(nil)
	dgram := nonLocalInfo
	dgram.MTU = 8800
	udp := e.newClient(&dgram)
	stream := face.TransportInfo{LocalURI: "tcp4://192.0.2.1:6363", RemoteURI: "tcp4://192.0.2.2:6363", Scope: face.ScopeNonLocal, Stream: true}
	tcp := e.newClient(&stream)
	for _, tc := range []struct {
		name    string
		id      uint64
		mtu     uint64
		pers    nfd.FacePersistency // sent when not 0xff
		code    uint32
		bodyMtu uint64
		faceMtu int // the face's MTU afterwards
	}{
		{"datagram, its MTU", udp.id, 8800, 0xff, 200, 8800, 8800},
		{"datagram, above its transport's", udp.id, 9000, 0xff, 200, 8800, 8800},
		{"datagram, lower", udp.id, 1400, 0xff, 200, 1400, 1400},
		{"datagram, minimum", udp.id, 64, 0xff, 200, 64, 64},
		{"datagram, below minimum", udp.id, 63, 0xff, 409, 63, 64},
		{"datagram, with invalid persistency", udp.id, 1400, 9, 409, 0, 64},
		{"datagram, back above its transport's", udp.id, math.MaxUint64, 0xff, 200, 8800, 8800},
		{"datagram, lower with persistency", udp.id, 1000, nfd.PersistencyPermanent, 200, 1000, 1000},
		{"stream", tcp.id, 8800, 0xff, 409, 8800, 0},
		{"unlimited datagram (in-memory)", c.id, 1400, 0xff, 409, 1400, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &nfd.ControlParameters{FaceID: tc.id, HasFaceID: true, Mtu: tc.mtu, HasMtu: true}
			if tc.pers != 0xff {
				p.FacePersistency, p.HasFacePersistency = tc.pers, true
			}
			r, ok := c.command(nfd.FacesUpdate, p)
			body, _, err := r.Params()
			if !ok || err != nil || r.Code != tc.code || body.HasMtu != (tc.bodyMtu != 0) || body.Mtu != tc.bodyMtu {
				t.Fatalf("faces/update Mtu=%d: %v (%v, %v); want %d with Mtu %d", tc.mtu, r.String(), ok, err, tc.code, tc.bodyMtu)
			}
			if tc.code == 200 && (body.FaceID != tc.id || !body.HasFacePersistency || !body.HasFlags) {
				t.Errorf("200 body lacks the face's properties: %v", body.String())
			}
			if tc.code == 409 && (r.Text != "Invalid properties specified" || body.HasFaceID) {
				t.Errorf("409: %v, want only the offending fields in the body", r.String())
			}
			f, ok := e.fw.Face(tc.id)
			if !ok {
				t.Fatalf("face %d gone", tc.id)
			}
			if got := f.Info().MTU; got != tc.faceMtu {
				t.Errorf("face MTU after the update = %d, want %d", got, tc.faceMtu)
			}
		})
	}
}
