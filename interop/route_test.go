package interop

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
)

// ribEntry is one entry of `ndnflow ctl --json route list` (rib/list).
type ribEntry struct {
	Name   string `json:"name"`
	Routes []struct {
		FaceID     uint64 `json:"face_id"`
		Origin     int    `json:"origin"`
		Flags      int    `json:"flags"`
		Expiration int64  `json:"expiration_period"`
	} `json:"routes"`
}

// routes returns the RIB entry for prefix, if any.
func (f *forwarder) route(t *testing.T, prefix string) (ribEntry, bool) {
	t.Helper()
	var rib []ribEntry
	if err := json.Unmarshal([]byte(f.ctl(t, "route", "list")), &rib); err != nil {
		t.Fatal(err)
	}
	for _, e := range rib {
		if e.Name == prefix {
			return e, true
		}
	}
	return ribEntry{}, false
}

// waitNoRoute polls the RIB for up to d until prefix has no entry.
func (f *forwarder) waitNoRoute(t *testing.T, prefix string, d time.Duration) bool {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, ok := f.route(t, prefix); !ok {
			return true
		}
	}
	return false
}

// TestNDNtsRouteRemoved: the NDNts producer registers its prefix with its
// own choice of management prefix (NfdPrefixReg: origin client, CAPTURE, an
// expiration); `ndnflow ctl route list` shows it, and it is gone once the
// producer exits. Over UDP the forwarder's on-demand face outlives the
// producer (there is no connection to lose), so the route goes when the
// face is destroyed.
func TestNDNtsRouteRemoved(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	file, _ := content(t, "route.bin", 10_000)
	f := startForwarder(t)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			prefix := "/interop/route/" + tr
			p, err := ndntspeer.Start(t, 30*time.Second, "produce", "--uplink", f.Uplinks[tr], "--mgmt", "native", "--file", file, prefix)
			if err != nil {
				t.Fatal(err)
			}
			e, ok := f.route(t, prefix)
			if !ok || len(e.Routes) != 1 {
				t.Fatalf("route list has no single route for %s: %+v", prefix, e)
			}
			r := e.Routes[0]
			if r.Origin != 65 || r.Flags != 2 || r.Expiration <= 0 {
				t.Errorf("NDNts route %+v; want origin 65 (client), flags 2 (CAPTURE), an expiration", r)
			}
			p.Stop()
			wait := 5 * time.Second
			if tr == "udp" {
				wait = 2 * time.Second // expected to stay: no connection to lose
			}
			if f.waitNoRoute(t, prefix, wait) {
				return
			}
			if tr != "udp" {
				t.Fatalf("route for %s still listed 5 s after the producer exited", prefix)
			}
			t.Logf("route still listed after the UDP producer exited; destroying face %d", r.FaceID)
			f.ctl(t, "face", "destroy", fmt.Sprint(r.FaceID))
			if !f.waitNoRoute(t, prefix, 5*time.Second) {
				t.Fatalf("route for %s still listed 5 s after its face %d was destroyed", prefix, r.FaceID)
			}
		})
	}
}
