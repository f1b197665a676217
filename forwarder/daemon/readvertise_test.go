package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// unixFace connects to the node's Unix socket and returns the transport
// and its FaceId.
func unixFace(t *testing.T, n *Node, sock string) (face.Transport, uint64) {
	t.Helper()
	before := n.Forwarder().Faces()
	tr, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for _, f := range n.Forwarder().Faces() {
			if !slices.Contains(before, f) {
				return tr, f.ID()
			}
		}
	}
	t.Fatal("no face for the Unix connection")
	return nil, 0
}

// TestReadvertiseNLSR: with rib.readvertise_nlsr, a routing daemon that
// registered /localhost/nlsr receives rib/register for a prefix once its
// first client route (origin 65) is added and rib/unregister once its last
// one goes; static routes and /localhost prefixes are not readvertised.
func TestReadvertiseNLSR(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "nfd.sock")
	cfg, err := Parse([]byte(fmt.Sprintf("listeners: {unix: [%s], udp: [], tcp: [], websocket: []}\nrib:\n  readvertise_nlsr: true\n", sock)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse([]byte("rib: {readvertise_nlsr: true}\nmanagement: {disabled: true}\n")); err == nil {
		t.Error("readvertise_nlsr without management accepted")
	}
	n, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	r := managementServer(t, n).RIB()

	type command struct {
		verb   string
		prefix string
		origin nfd.RouteOrigin
	}
	got := make(chan command, 16)
	producerFunc(t, n, sock, "/localhost/nlsr", func(in *ndn.Interest) []byte {
		var p nfd.ControlParameters
		if in.Name.Len() < 5 || p.Decode(in.Name.At(4).Value) != nil || !in.IsSigned || in.SigInfo.Type != ndn.SigDigestSha256 || !in.SigInfo.HasTime {
			t.Errorf("routing daemon got %v signed %v %+v, want a command Interest signed with DigestSha256", in.Name, in.IsSigned, in.SigInfo)
			return nil
		}
		got <- command{string(in.Name.At(3).Value), p.Name.String(), p.Origin}
		resp := nfd.NewControlResponse(200, "OK", &p)
		d := ndn.Data{Name: in.Name, Content: resp.Encode()}
		w, _ := d.SignWith(digestSigner{})
		return w
	})
	e, ok := n.Forwarder().FIB().Get(ndn.MustParseName("/localhost/nlsr"))
	if !ok {
		t.Fatal("no FIB entry for the routing daemon")
	}
	if err := r.Register(ndn.MustParseName("/localhost/nlsr"), rib.Route{FaceID: e.NextHops[0].Face, Origin: uint16(nfd.OriginNLSR)}); err != nil {
		t.Fatal(err)
	}

	_, app1 := unixFace(t, n, sock)
	_, app2 := unixFace(t, n, sock)
	reg := func(prefix string, id uint64, origin nfd.RouteOrigin) {
		t.Helper()
		if err := r.Register(ndn.MustParseName(prefix), rib.Route{FaceID: id, Origin: uint16(origin)}); err != nil {
			t.Fatal(err)
		}
	}
	reg("/example/static", app1, nfd.OriginStatic)
	reg("/localhost/app", app1, nfd.OriginClient)
	reg("/example/video", app1, nfd.OriginClient)
	reg("/example/video", app2, nfd.OriginClient)
	expect := func(want command) {
		t.Helper()
		select {
		case c := <-got:
			if c != want {
				t.Fatalf("routing daemon got %+v, want %+v", c, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("routing daemon got nothing, want %+v", want)
		}
	}
	expect(command{"register", "/example/video", nfd.OriginClient})
	// One of the two client routes goes: the prefix stays announced. The
	// last one goes: it is withdrawn, and that is the next command.
	r.Unregister(ndn.MustParseName("/example/video"), app1, uint16(nfd.OriginClient))
	r.Unregister(ndn.MustParseName("/example/video"), app2, uint16(nfd.OriginClient))
	expect(command{"unregister", "/example/video", nfd.OriginClient})
	// A producer's face closing removes its route: the same as unregister.
	_, app3 := unixFace(t, n, sock)
	reg("/example/live", app3, nfd.OriginClient)
	expect(command{"register", "/example/live", nfd.OriginClient})
	if f, ok := n.Forwarder().Face(app3); ok {
		f.Close()
	}
	expect(command{"unregister", "/example/live", nfd.OriginClient})
	// The routing daemon goes away and comes back (its /localhost/nlsr
	// route): it gets every prefix again.
	reg("/example/keep", app2, nfd.OriginClient)
	expect(command{"register", "/example/keep", nfd.OriginClient})
	r.Unregister(ndn.MustParseName("/localhost/nlsr"), e.NextHops[0].Face, uint16(nfd.OriginNLSR))
	var ra *readvertiser
	for _, l := range n.listeners {
		if x, ok := l.(*readvertiser); ok {
			ra = x
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ra.available.Load() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if ra.available.Load() {
		t.Fatal("the readvertiser did not see the routing daemon go")
	}
	if err := r.Register(ndn.MustParseName("/localhost/nlsr"), rib.Route{FaceID: e.NextHops[0].Face, Origin: uint16(nfd.OriginNLSR)}); err != nil {
		t.Fatal(err)
	}
	expect(command{"register", "/example/keep", nfd.OriginClient})
	select {
	case c := <-got:
		t.Errorf("unexpected command %+v", c)
	default:
	}
}
