package daemon

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/internal/ndntspeer"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
)

// managementServer returns the node's management server.
func managementServer(t *testing.T, n *Node) *mgmt.Server {
	t.Helper()
	for _, l := range n.listeners {
		if s, ok := l.(*mgmt.Server); ok {
			return s
		}
	}
	t.Fatal("node has no management server")
	return nil
}

// TestNDNtsRegistration runs NDNts producers (from npm) that register their
// prefix with NfdPrefixReg over Unix, TCP and UDP, through /localhost/nfd
// or the prefix NDNts picks itself (/localhop/nfd on TCP and UDP), fetches
// through the route with an NDNts consumer, and checks that the route goes
// away with the producer.
func TestNDNtsRegistration(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	ndntspeer.Setup(t)
	n, sock := startLoopback(t)
	srv := managementServer(t, n)
	uplinks := map[string]string{"unix": "unix://" + sock}
	for _, u := range n.ListenerURIs() {
		for _, k := range []string{"udp", "tcp"} {
			if rest, ok := strings.CutPrefix(u, k+"4://"); ok {
				uplinks[k] = k + "://" + rest
			}
		}
	}
	content := make([]byte, 50000)
	rand.Read(content)
	sum := sha256.Sum256(content)
	file := filepath.Join(t.TempDir(), "content.bin")
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ transport, mgmt string }{
		{"unix", "localhost"}, {"unix", "native"},
		{"tcp", "localhost"}, {"tcp", "native"},
		{"udp", "native"},
	}
	for _, tc := range cases {
		t.Run(tc.transport+"-"+tc.mgmt, func(t *testing.T) {
			prefix := "/ndnts-reg/" + tc.transport + "-" + tc.mgmt
			name := ndn.MustParseName(prefix)
			p, err := ndntspeer.Start(t, 30*time.Second, "produce", "--uplink", uplinks[tc.transport], "--file", file, "--mgmt", tc.mgmt, prefix)
			if err != nil {
				t.Fatal(err)
			}
			// NDNts registers with origin client (65), CAPTURE and an expiry.
			var faceID uint64
			for _, e := range srv.RIB().Entries() {
				if e.Name.Equal(name) && len(e.Routes) == 1 {
					r := e.Routes[0]
					if r.Origin != 65 || r.Flags != 2 || r.Expires.IsZero() {
						t.Errorf("route %+v", r)
					}
					faceID = r.FaceID
				}
			}
			if faceID == 0 {
				t.Fatalf("no RIB entry for %s: %+v", prefix, srv.RIB().Entries())
			}
			if e, ok := n.Forwarder().FIB().Get(name); !ok || len(e.NextHops) != 1 || e.NextHops[0].Face != faceID {
				t.Fatalf("FIB entry for %s: %+v", prefix, e)
			}
			out, err := ndntspeer.Run(t, 60*time.Second, "consume", "--uplink", "unix://"+sock, prefix)
			if err != nil {
				t.Fatal(err)
			}
			var res struct {
				Name   string `json:"name"`
				Bytes  int    `json:"bytes"`
				Sha256 string `json:"sha256"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("consumer output %q: %v", out, err)
			}
			if res.Bytes != len(content) || res.Sha256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("consumer fetched %+v", res)
			}
			p.Stop()
			gone := func() bool { _, ok := n.Forwarder().FIB().Get(name); return !ok && srv.RIB().Len() == 0 }
			deadline := time.Now().Add(3 * time.Second)
			for !gone() && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !gone() && tc.transport == "udp" {
				// A UDP face outlives its peer (on-demand, idle timeout):
				// the route goes when the face is closed.
				t.Logf("route still present after the UDP producer exited; closing face %d", faceID)
				if err := n.Forwarder().RemoveFace(faceID); err != nil {
					t.Fatal(err)
				}
				deadline = time.Now().Add(5 * time.Second)
				for !gone() && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
			}
			if !gone() {
				t.Fatalf("route %s remains after the producer exited: %+v", prefix, srv.RIB().Entries())
			}
		})
	}
}

// TestManagementSigningKey configures a keychain key for management
// responses: a status dataset segment verifies with it.
func TestManagementSigningKey(t *testing.T) {
	dir := t.TempDir()
	kc, err := keychain.Open(filepath.Join(dir, "keychain"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := kc.Generate(ndn.MustParseName("/fw"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "nfd.sock")
	cfg, err := Parse([]byte(fmt.Sprintf("listeners: {unix: [%q], udp: [], tcp: [], websocket: []}\nmanagement:\n  signing_key: /fw\n  keychain: %q\n", sock, kc.Dir())))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	tr, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	i := ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/status/general"), CanBePrefix: true, MustBeFresh: true, Nonce: 1, HasNonce: true}
	w, _ := i.Encode()
	var d ndn.Data
	if err := d.Decode(mgmtFetch(t, tr, w)); err != nil {
		t.Fatal(err)
	}
	if err := security.VerifyData(&d, key.Public()); err != nil || !d.SigInfo.KeyLocator.Name.Equal(key.Name()) {
		t.Fatalf("status/general signature: %v, KeyLocator %s", err, d.SigInfo.KeyLocator.Name)
	}

	bad, _ := Parse([]byte(fmt.Sprintf("listeners: {unix: [], udp: [], tcp: [], websocket: []}\nmanagement:\n  signing_key: /nobody\n  keychain: %q\n", kc.Dir())))
	if _, err := Start(context.Background(), bad, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil || !strings.Contains(err.Error(), "management.signing_key") {
		t.Fatalf("unknown signing key: %v", err)
	}
}

// mgmtFetch sends an Interest on tr and returns the network packet of the
// first reply, waiting up to 5 s.
func mgmtFetch(t *testing.T, tr face.Transport, interest []byte) []byte {
	t.Helper()
	if err := tr.Write([][]byte{interest}); err != nil {
		t.Fatal(err)
	}
	type res struct {
		w   []byte
		err error
	}
	ch := make(chan res, 1)
	go func() {
		bufs, sizes := [][]byte{make([]byte, face.BufferSize)}, []int{0}
		n, err := tr.Read(bufs, sizes)
		if err != nil || n == 0 {
			ch <- res{nil, fmt.Errorf("read: %d frames, %v", n, err)}
			return
		}
		var lp ndn.LpPacket
		if err := lp.Decode(bufs[0][:sizes[0]]); err != nil {
			ch <- res{nil, err}
			return
		}
		ch <- res{append([]byte(nil), lp.Fragment...), nil}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.w
	case <-time.After(5 * time.Second):
		tr.Close()
		t.Fatal("no reply within 5 s")
	}
	return nil
}

// TestStaticRoutesInRIB checks that the routes of the configuration file
// are RIB routes with origin static, shown by rib/list and kept when an
// application registers and unregisters the same prefix on that face.
func TestStaticRoutesInRIB(t *testing.T) {
	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	uri := "udp4://" + peer.LocalAddr().String()
	cfg, err := Parse([]byte(fmt.Sprintf("listeners: {unix: [], udp: [127.0.0.1:0], tcp: [], websocket: []}\nfaces:\n  - uri: %s\nroutes:\n  - prefix: /static\n    face: %s\n    cost: 3\n", uri, uri)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	srv := managementServer(t, n)
	ents := srv.RIB().Entries()
	if len(ents) != 1 || ents[0].Name.String() != "/static" || len(ents[0].Routes) != 1 ||
		ents[0].Routes[0].Origin != 255 || ents[0].Routes[0].Cost != 3 || ents[0].Routes[0].Flags != 1 {
		t.Fatalf("RIB = %+v", ents)
	}
	faceID := ents[0].Routes[0].FaceID
	// Another origin on the same face comes and goes; the static route stays.
	if err := srv.RIB().Register(ndn.MustParseName("/static"), rib.Route{FaceID: faceID, Cost: 1}); err != nil {
		t.Fatal(err)
	}
	srv.RIB().Unregister(ndn.MustParseName("/static"), faceID, 0)
	if e, ok := n.Forwarder().FIB().Get(ndn.MustParseName("/static")); !ok || len(e.NextHops) != 1 || e.NextHops[0].Cost != 3 {
		t.Fatalf("FIB /static = %+v", e)
	}
}
