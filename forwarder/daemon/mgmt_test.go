package daemon

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/internal/ndntspeer"
	"github.com/ndnflow/ndnflow/ndn"
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
