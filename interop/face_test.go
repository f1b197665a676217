package interop

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
)

// TestRawIdleAndPitToken speaks NDNLPv2 the way NDNts' face does, on a plain
// socket: IDLE packets (64 00) followed by an Interest in an LpPacket with a
// 6-byte PIT token, three rounds on one connection. Every Interest must be
// answered with Data carrying the same token, and the forwarder must keep
// the connection open.
func TestRawIdleAndPitToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	f := startForwarder(t)
	startNdnflow(t, "", "PING SERVER", 20*time.Second, "pingserver", "/interop/raw", "--uplink", f.Uplinks["unix"], "-q")
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			out, err := ndntspeer.Run(t, 30*time.Second, "raw", "--uplink", f.Uplinks[tr], "--count", "3", "--idle", "2", "/interop/raw/ping")
			if err != nil {
				t.Fatal(err)
			}
			var res ndntspeer.RawResult
			if err := ndntspeer.Decode(out, &res); err != nil {
				t.Fatal(err)
			}
			if res.IdleSent != 6 || len(res.Replies) != 3 || res.Closed {
				t.Errorf("raw peer: %s", out)
			}
			for i, r := range res.Replies {
				if r.Kind != "data" || !r.TokenEchoed || len(r.TokenSent) != 12 {
					t.Errorf("round %d: reply %+v", i, r)
				}
			}
		})
	}
}

// TestNDNtsKeepAlive: NDNts' own face sends IDLE packets when it has been
// silent for --keepalive (50 ms here, 60 s by default); pings 300 ms apart
// must all be answered and the face never go down.
func TestNDNtsKeepAlive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	f := startForwarder(t)
	startNdnflow(t, "", "PING SERVER", 20*time.Second, "pingserver", "/interop/idle", "--uplink", f.Uplinks["unix"], "-q")
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			out, err := ndntspeer.Run(t, 30*time.Second, "ping", "--uplink", f.Uplinks[tr], "--count", "3",
				"--interval", "300", "--keepalive", "50", "/interop/idle")
			if err != nil {
				t.Fatal(err)
			}
			var res ndntspeer.PingResult
			if err := ndntspeer.Decode(out, &res); err != nil {
				t.Fatal(err)
			}
			if res.Received != 3 {
				t.Errorf("ping: %+v", res)
			}
			if res.Face.TxIdle < 2 {
				t.Errorf("NDNts sent %d IDLE packets in 600 ms of silence with a 50 ms keep-alive", res.Face.TxIdle)
			}
			checkTokens(t, res.Face)
		})
	}
}

// TestUDPFragmentsToNDNts: the forwarder fragments Data for an NDNts
// consumer whose UDP face has a 1400-octet MTU (created with `ndnflow ctl
// face create --mtu 1400` for the consumer's port before it connects), and
// NDNts reassembles every segment; PIT tokens ride on the first fragment.
// The other direction, NDNts fragmenting at 1400 for the forwarder, is in
// TestNDNtsMatrix.
func TestUDPFragmentsToNDNts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	const size = 2_000_000
	file, data := content(t, "frag.bin", size)
	sum := sha256.Sum256(data)
	f := startForwarder(t)
	prefix := "/interop/frag"
	if _, err := ndntspeer.Start(t, 60*time.Second, "produce", "--uplink", f.Uplinks["unix"], "--file", file, prefix); err != nil {
		t.Fatal(err)
	}
	port := freeUDPPort(t)
	f.ctl(t, "face", "create", fmt.Sprintf("udp4://127.0.0.1:%d", port), "--mtu", "1400")
	out, err := ndntspeer.Run(t, 60*time.Second, "consume", "--uplink", f.Uplinks["udp"], "--local-port", fmt.Sprint(port), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var res ndntspeer.ConsumeResult
	if err := ndntspeer.Decode(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.Bytes != size || res.Sha256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("consumer got %d bytes sha256 %s, want %d bytes %x", res.Bytes, res.Sha256, size, sum)
	}
	if res.Face.RxFragments < 5*res.Face.RxData {
		t.Errorf("NDNts received %d fragments for %d Data over a 1400-octet MTU face", res.Face.RxFragments, res.Face.RxData)
	}
	checkTokens(t, res.Face)
	t.Logf("consumer face %+v", res.Face)
	// The forwarder's face is the one created with the MTU.
	var faces []struct {
		URI     string `json:"uri"`
		MTU     int    `json:"mtu"`
		OutData int    `json:"n_out_data"`
	}
	if err := json.Unmarshal([]byte(f.ctl(t, "face", "list")), &faces); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fc := range faces {
		if fc.URI == fmt.Sprintf("udp4://127.0.0.1:%d", port) {
			found = true
			if fc.MTU != 1400 || fc.OutData < size/8000 {
				t.Errorf("forwarder face %+v", fc)
			}
		}
	}
	if !found {
		t.Errorf("no forwarder face for the consumer's port %d: %+v", port, faces)
	}
}

// freeUDPPort returns a 127.0.0.1 UDP port that was free a moment ago.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
