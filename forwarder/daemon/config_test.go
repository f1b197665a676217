package daemon

import (
	"strings"
	"testing"
)

func TestSampleConfigParses(t *testing.T) {
	c, err := Load("../../docs/ndnflow.sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Faces) != 2 || len(c.Routes) != 2 || len(c.Strategy) != 2 || *c.Tables.CsMaxPackets != 65536 {
		t.Errorf("sample config decoded as %+v", c)
	}
	fc := c.ForwarderConfig()
	if fc.CsCapacity != 65536 || fc.CsNoAdmit || fc.CsNoServe || fc.DeadNonceLifetime.Seconds() != 6 {
		t.Errorf("forwarder config %+v", fc)
	}
}

// TestDistConfigParses: the testbed configuration shipped in dist/ loads.
func TestDistConfigParses(t *testing.T) {
	c, err := Load("../../dist/ndnflow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Faces) == 0 {
		t.Errorf("dist config has no faces: %+v", c)
	}
}

func TestEmptyConfigUsesDefaults(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := listOr(c.Listeners.UDP, DefaultUDP); len(got) != 1 || got[0] != "0.0.0.0:6363" {
		t.Errorf("default UDP %v", got)
	}
	c, _ = Parse([]byte("listeners:\n  websocket: []\n  tcp: ['']\n"))
	if len(listOr(c.Listeners.WebSocket, DefaultWebSocket)) != 0 || len(listOr(c.Listeners.TCP, DefaultTCP)) != 0 {
		t.Error("empty listener lists did not disable")
	}
	c, _ = Parse([]byte("tables:\n  cs_max_packets: 0\n"))
	if c.ForwarderConfig().CsCapacity >= 0 {
		t.Error("cs_max_packets 0 should disable the CS")
	}
}

func TestUnknownKeyNamed(t *testing.T) {
	_, err := Parse([]byte("tables:\n  pit_max: 3\n"))
	if err == nil || !strings.Contains(err.Error(), "pit_max") || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("tables:\n  cs_max_packets: 10\nlisteners:\n  udp: []\n"))
	f.Add([]byte("routes:\n  - prefix: /a\n    face: x\nfaces:\n  - uri: x\n"))
	f.Add([]byte("strategy_choice:\n  - prefix: /a\n    strategy: asf/v=5/max-timeouts~2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err == nil {
			c.ForwarderConfig()
		}
	})
}

func TestMulticastAndEthernetFaces(t *testing.T) {
	tests := []struct {
		yaml string
		ok   bool
	}{
		{"faces:\n  - uri: udp4://224.0.23.170:56363\n    interface: eth0\n", true},
		{"faces:\n  - uri: ether://[01:00:5e:00:17:aa]\n    interface: eth0\n", true},
		{"faces:\n  - uri: udp4://224.0.23.170:56363\n", false},
		{"faces:\n  - uri: udp4://192.0.2.1:6363\n    interface: eth0\n", false},
		{"faces:\n  - uri: ether://[zz]\n    interface: eth0\n", false},
		// NFD's LocalUri spelling.
		{"faces:\n  - uri: ether://[02:00:00:00:00:01]\n    local: dev://eth0\n", true},
		{"faces:\n  - uri: udp4://224.0.23.170:56363\n    local: dev://eth0\n", true},
		{"faces:\n  - uri: ether://[02:00:00:00:00:01]\n    local: eth0\n", false},
		{"faces:\n  - uri: ether://[02:00:00:00:00:01]\n    local: dev://eth0\n    interface: eth0\n", false},
		{"faces:\n  - uri: tcp4://192.0.2.1:6363\n    local: dev://eth0\n", false},
		// Multicast faces are permanent.
		{"faces:\n  - uri: ether://[01:00:5e:00:17:aa]\n    local: dev://eth0\n    persistency: persistent\n", false},
		{"faces:\n  - uri: ether://[02:00:00:00:00:01]\n    local: dev://eth0\n    persistency: persistent\n", true},
		// The same group on two interfaces: routes say which.
		{"faces:\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth0}\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth1}\n" +
			"routes:\n  - {prefix: /a, face: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth1}\n", true},
		{"faces:\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth0}\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth1}\n" +
			"routes:\n  - {prefix: /a, face: \"ether://[01:00:5e:00:17:aa]\"}\n", false},
		{"faces:\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth0}\n" +
			"routes:\n  - {prefix: /a, face: \"ether://[01:00:5e:00:17:aa]\"}\n", true},
		{"faces:\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth0}\n" +
			"routes:\n  - {prefix: /a, face: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth2}\n", false},
		{"faces:\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", local: dev://eth0}\n  - {uri: \"ether://[01:00:5e:00:17:aa]\", interface: eth0}\n", false},
	}
	for _, tc := range tests {
		if _, err := Parse([]byte(tc.yaml)); (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.yaml, err)
		}
	}
	if k, addr, _ := faceKind("ether://[01:00:5e:00:17:aa]"); k != kindEthernet || addr != "01:00:5e:00:17:aa" {
		t.Errorf("faceKind ether: %v %q", k, addr)
	}
	for uri, want := range map[string]string{
		"ether://[01:00:5E:00:17:AA]": "permanent",
		"ether://[02:00:00:00:00:01]": "persistent",
		"udp4://224.0.23.170:56363":   "permanent",
		"udp4://192.0.2.1:6363":       "persistent",
	} {
		if got := (FaceSection{URI: uri}).persistency(); got != want {
			t.Errorf("%s: persistency %s, want %s", uri, got, want)
		}
	}
}
