package interop

import (
	"regexp"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
)

// TestPing: over each transport, NDNts ping gets every reply from `ndnflow
// pingserver`, and `ndnflow ping` every reply from the NDNts ping server
// (both use ndnping naming, /PREFIX/ping/<seq>, MustBeFresh).
func TestPing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	f := startForwarder(t)
	summary := regexp.MustCompile(`(\d+) packets transmitted, (\d+) received`)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			uplink := f.Uplinks[tr]
			// NDNts ping → ndnflow pingserver.
			prefix := "/interop/ping/ndnflow-" + tr
			ps := startNdnflow(t, "", "PING SERVER", 20*time.Second, "pingserver", prefix, "--uplink", uplink, "-q")
			out, err := ndntspeer.Run(t, 30*time.Second, "ping", "--uplink", uplink, "--count", "5", prefix)
			if err != nil {
				t.Fatal(err)
			}
			var res ndntspeer.PingResult
			if err := ndntspeer.Decode(out, &res); err != nil {
				t.Fatal(err)
			}
			if res.Sent != 5 || res.Received != 5 {
				t.Errorf("NDNts ping to ndnflow pingserver: %+v", res)
			}
			checkTokens(t, res.Face)
			ps.stop()

			// ndnflow ping → NDNts pingserver.
			prefix = "/interop/ping/ndnts-" + tr
			if _, err := ndntspeer.Start(t, 30*time.Second, "pingserver", "--uplink", uplink, "--mgmt", "native", prefix); err != nil {
				t.Fatal(err)
			}
			stdout, _, err := runNdnflow(t, "", 30*time.Second, "ping", prefix, "-c", "5", "-i", "20ms", "-t", "2s", "--uplink", uplink)
			if err != nil {
				t.Fatal(err)
			}
			m := summary.FindStringSubmatch(stdout)
			if m == nil || m[1] != "5" || m[2] != "5" {
				t.Errorf("ndnflow ping to the NDNts ping server:\n%s", stdout)
			}
		})
	}
}
