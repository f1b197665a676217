package mgmt_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/ndnflow/ndnflow/ndn/mgmt"
)

func TestParseFaceURI(t *testing.T) {
	tests := []struct {
		in                     string
		scheme, host, port, pa string
	}{
		{"udp4://1.2.3.4:6363", "udp4", "1.2.3.4", "6363", ""},
		{"udp6://[::1]:6363", "udp6", "::1", "6363", ""},
		{"tcp4://192.0.2.1:6363", "tcp4", "192.0.2.1", "6363", ""},
		{"tcp6://[2001:db8::1]:6363", "tcp6", "2001:db8::1", "6363", ""},
		{"udp6://[fe80::1%eth0]:6363", "udp6", "fe80::1%eth0", "6363", ""},
		{"udp6://[::ffff:192.0.2.1]:6363", "udp6", "192.0.2.1", "6363", ""},
		{"udp://example.net", "udp", "example.net", "", ""},
		{"unix:///run/nfd/nfd.sock", "unix", "", "", "/run/nfd/nfd.sock"},
		{"ws://0.0.0.0:9696", "ws", "0.0.0.0", "9696", ""},
		{"wsclient://[::1]:54321", "wsclient", "::1", "54321", ""},
		{"dev://eth0", "dev", "eth0", "", ""},
		{"ether://[01:00:5e:00:17:aa]", "ether", "01:00:5e:00:17:aa", "", ""},
		{"udp4+dev://eth0:56363", "udp4+dev", "eth0", "56363", ""},
		{"fd://17", "fd", "17", "", ""},
		{"internal://", "internal", "", "", ""},
		{"contentstore://", "contentstore", "", "", ""},
		{"null://", "null", "", "", ""},
	}
	for _, tt := range tests {
		u, err := mgmt.ParseFaceURI(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if u.Scheme != tt.scheme || u.Host != tt.host || u.Port != tt.port || u.Path != tt.pa {
			t.Errorf("%s: got %+v", tt.in, u)
		}
		want := tt.in
		if tt.in == "udp6://[::ffff:192.0.2.1]:6363" {
			want = "udp6://192.0.2.1:6363" // as ndn-cxx prints it
		}
		if u.String() != want {
			t.Errorf("%s: String() = %s", tt.in, u)
		}
	}
	for _, bad := range []string{"", "udp4", "udp4:/1.2.3.4", "://1.2.3.4", "udp 4://x", "a+b+c://x",
		"udp4://1.2.3.4:port", "udp4://1.2.3.4:", "udp4://:6363", "udp6://[::1", "udp6://[::1]6363",
		"udp6://[zz::1]:6363", "unix:///a?b", "udp6://[fe80::1%]:1", "udp6://[::ffff:300.1.1.1]:1"} {
		if u, err := mgmt.ParseFaceURI(bad); !errors.Is(err, mgmt.ErrFaceURI) {
			t.Errorf("%q: got %+v, %v", bad, u, err)
		}
	}
}

func TestFaceURICanonical(t *testing.T) {
	tests := []struct {
		in        string
		canonical bool
		want      string // Canonical() result, "" for an error
	}{
		{"udp4://192.0.2.1:6363", true, "udp4://192.0.2.1:6363"},
		{"udp6://[2001:db8::1]:6363", true, "udp6://[2001:db8::1]:6363"},
		{"udp6://[fe80::1%eth0]:6363", true, "udp6://[fe80::1%eth0]:6363"},
		{"udp6://[fe80::1%25eth0]:6363", false, "udp6://[fe80::1%eth0]:6363"},
		{"udp6://[ff02::1234%eth0]:56363", true, "udp6://[ff02::1234%eth0]:56363"},
		{"udp6://[2001:db8::1%eth0]:6363", false, "udp6://[2001:db8::1]:6363"},
		{"tcp4://192.0.2.1:6363", true, "tcp4://192.0.2.1:6363"},
		{"udp4://224.0.23.170:56363", true, "udp4://224.0.23.170:56363"},
		{"udp4://192.0.2.1", false, "udp4://192.0.2.1:6363"},
		{"udp://192.0.2.1:7000", false, "udp4://192.0.2.1:7000"},
		{"udp://[2001:db8::1]", false, "udp6://[2001:db8::1]:6363"},
		{"udp4://224.0.23.170", false, "udp4://224.0.23.170:56363"},
		{"udp6://[2001:DB8:0:0::1]:6363", false, "udp6://[2001:db8::1]:6363"},
		{"udp6://[::ffff:192.0.2.1]:6363", false, ""}, // IPv4/v6 mismatch
		{"udp4://[2001:db8::1]:6363", false, ""},
		{"tcp4://224.0.23.170:6363", false, ""},
		{"tcp://192.0.2.1:99999", false, ""},
		{"tcp4://192.0.2.1:06363", false, "tcp4://192.0.2.1:6363"},
		{"udp4://example.net:6363", false, ""}, // needs Canonize
		{"udp4://192.0.2.1:6363/x", false, "udp4://192.0.2.1:6363"},
		{"ether://[01:00:5e:00:17:aa]", true, "ether://[01:00:5e:00:17:aa]"},
		{"ether://[01:00:5E:0:17:AA]", false, "ether://[01:00:5e:00:17:aa]"},
		{"ether://[01:00:5e:00:17]", false, ""},
		{"dev://eth0", true, "dev://eth0"},
		{"dev://eth0/", false, "dev://eth0"},
		{"dev://eth0:1", false, ""},
		{"udp4+dev://eth0:56363", true, "udp4+dev://eth0:56363"},
		{"udp4+dev://eth0", false, ""},
		{"unix:///run/nfd/nfd.sock", false, ""},
		{"fd://3", false, ""},
		{"ws://0.0.0.0:9696", false, ""},
		{"internal://", false, ""},
	}
	for _, tt := range tests {
		u := mgmt.MustParseFaceURI(tt.in)
		if got := u.IsCanonical(); got != tt.canonical {
			t.Errorf("%s: IsCanonical = %v", tt.in, got)
		}
		c, err := u.Canonical()
		switch {
		case tt.want == "" && !errors.Is(err, mgmt.ErrCanonize):
			t.Errorf("%s: Canonical = %s, %v; want ErrCanonize", tt.in, c, err)
		case tt.want != "" && (err != nil || c.String() != tt.want || !c.IsCanonical()):
			t.Errorf("%s: Canonical = %s, %v; want %s", tt.in, c, err, tt.want)
		}
	}
}

func TestFaceURICanonizeResolver(t *testing.T) {
	u := mgmt.MustParseFaceURI("udp4://localhost")
	c, err := u.Canonize(context.Background(), &net.Resolver{PreferGo: true})
	if err != nil {
		t.Skipf("no resolver for localhost: %v", err)
	}
	if c.String() != "udp4://127.0.0.1:6363" {
		t.Fatalf("Canonize(localhost) = %s", c)
	}
	// Numeric hosts need no lookup.
	if c, err := mgmt.MustParseFaceURI("tcp://[::1]").Canonize(context.Background(), nil); err != nil || c.String() != "tcp6://[::1]:6363" {
		t.Fatalf("Canonize(::1) = %s %v", c, err)
	}
}

func TestFaceURIConstructors(t *testing.T) {
	ap := netip.MustParseAddrPort("[::ffff:192.0.2.1]:6363")
	if got := mgmt.FaceURIFromAddrPort("udp", ap).String(); got != "udp4://192.0.2.1:6363" {
		t.Errorf("v4-mapped: %s", got)
	}
	if got := mgmt.FaceURIFromAddrPort("tcp", netip.MustParseAddrPort("[::1]:1")).String(); got != "tcp6://[::1]:1" {
		t.Errorf("tcp6: %s", got)
	}
	if got := mgmt.FaceURIFromAddrPort("ws", netip.MustParseAddrPort("127.0.0.1:9696")).String(); got != "ws://127.0.0.1:9696" {
		t.Errorf("ws: %s", got)
	}
	if got := mgmt.UnixFaceURI("/run/nfd/nfd.sock").String(); got != "unix:///run/nfd/nfd.sock" {
		t.Errorf("unix: %s", got)
	}
	if got := mgmt.FdFaceURI(17).String(); got != "fd://17" {
		t.Errorf("fd: %s", got)
	}
	if got := mgmt.DevFaceURI("eth0").String(); got != "dev://eth0" {
		t.Errorf("dev: %s", got)
	}
	if got := mgmt.EtherFaceURI(net.HardwareAddr{1, 0, 0x5e, 0, 0x17, 0xaa}).String(); got != "ether://[01:00:5e:00:17:aa]" {
		t.Errorf("ether: %s", got)
	}
	got, err := mgmt.MustParseFaceURI("udp6://[fe80::1%eth0]:6363").AddrPort()
	if err != nil || got.String() != "[fe80::1%eth0]:6363" {
		t.Errorf("AddrPort: %v %v", got, err)
	}
	if _, err := mgmt.MustParseFaceURI("unix:///x").AddrPort(); !errors.Is(err, mgmt.ErrFaceURI) {
		t.Errorf("AddrPort(unix): %v", err)
	}
}
