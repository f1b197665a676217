package face_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/face/facetest"
	"github.com/ndnflow/ndnflow/ndn"
)

// netnsPair is two network namespaces joined by a veth pair, with IPv4
// addresses 10.77.0.1/24 (A) and 10.77.0.2/24 (B).
type netnsPair struct {
	nsA, nsB string
	ifA, ifB string
}

func newNetnsPair(t testing.TB) *netnsPair {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: creating network namespaces needs root (CI runs as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipping: the ip command (iproute2) is not installed")
	}
	id := os.Getpid() % 100000
	p := &netnsPair{
		nsA: fmt.Sprintf("ndnfA%d", id), nsB: fmt.Sprintf("ndnfB%d", id),
		ifA: fmt.Sprintf("vA%d", id), ifB: fmt.Sprintf("vB%d", id),
	}
	run := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %v: %v: %s", args, err, out)
		}
		return nil
	}
	if err := run("netns", "add", p.nsA); err != nil {
		t.Skipf("skipping: this machine forbids network namespaces: %v", err)
	}
	t.Cleanup(func() { run("netns", "del", p.nsA) })
	if err := run("netns", "add", p.nsB); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run("netns", "del", p.nsB) })
	for _, args := range [][]string{
		{"link", "add", p.ifA, "netns", p.nsA, "type", "veth", "peer", "name", p.ifB, "netns", p.nsB},
		{"-n", p.nsA, "addr", "add", "10.77.0.1/24", "dev", p.ifA},
		{"-n", p.nsB, "addr", "add", "10.77.0.2/24", "dev", p.ifB},
		{"-n", p.nsA, "link", "set", p.ifA, "up"},
		{"-n", p.nsB, "link", "set", p.ifB, "up"},
	} {
		if err := run(args...); err != nil {
			t.Fatal(err)
		}
	}
	// Wait until both links have carrier and a usable (non-tentative)
	// IPv6 link-local address: frames sent earlier are lost.
	for _, nsIf := range [][2]string{{p.nsA, p.ifA}, {p.nsB, p.ifB}} {
		ready := false
		for i := 0; i < 200 && !ready; i++ {
			link, _ := exec.Command("ip", "-n", nsIf[0], "link", "show", "dev", nsIf[1]).CombinedOutput()
			addr, _ := exec.Command("ip", "-n", nsIf[0], "-6", "addr", "show", "dev", nsIf[1]).CombinedOutput()
			ready = bytes.Contains(link, []byte("LOWER_UP")) && bytes.Contains(addr, []byte("fe80")) && !bytes.Contains(addr, []byte("tentative"))
			if !ready {
				time.Sleep(25 * time.Millisecond)
			}
		}
		if !ready {
			t.Fatalf("veth %s in %s did not come up", nsIf[1], nsIf[0])
		}
	}
	return p
}

// inNetns runs fn on a thread switched into namespace ns; sockets fn opens
// stay in ns.
func inNetns(t testing.TB, ns string, fn func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			panic(err) // the thread would stay in the wrong namespace
		}
	}()
	fn()
}

func TestEthernet(t *testing.T) {
	p := newNetnsPair(t)
	var macA, macB net.HardwareAddr
	inNetns(t, p.nsA, func() {
		ifi, err := net.InterfaceByName(p.ifA)
		if err != nil {
			t.Fatal(err)
		}
		macA = ifi.HardwareAddr
	})
	inNetns(t, p.nsB, func() {
		ifi, err := net.InterfaceByName(p.ifB)
		if err != nil {
			t.Fatal(err)
		}
		macB = ifi.HardwareAddr
	})
	for _, tt := range []struct {
		name       string
		remA, remB net.HardwareAddr
		link       face.LinkType
	}{
		{"multicast", nil, nil, face.LinkMultiAccess},
		{"unicast", macB, macA, face.LinkPointToPoint},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ta, tb face.Transport
			var err error
			inNetns(t, p.nsA, func() { ta, err = face.NewEthernet(p.ifA, face.EthernetConfig{Remote: tt.remA}) })
			if err != nil {
				t.Fatal(err)
			}
			inNetns(t, p.nsB, func() { tb, err = face.NewEthernet(p.ifB, face.EthernetConfig{Remote: tt.remB}) })
			if err != nil {
				t.Fatal(err)
			}
			if info := ta.Info(); info.LinkType != tt.link || info.MTU != 1500 || info.LocalURI != "dev://"+p.ifA {
				t.Errorf("info %+v", info)
			}
			fa, fb, ra, rb := facePair(t, ta, tb, face.Config{}, face.Config{})
			var want [][]byte
			for i, size := range roundTripSizes {
				d := facetest.DataOfSize(fmt.Sprintf("/eth/%d", i), size)
				want = append(want, d)
				fa.Send(&ndn.LpPacket{Fragment: d})
			}
			got := rb.Wait(len(want), 10*time.Second)
			if len(got) != len(want) {
				t.Fatalf("received %d of %d: %v", len(got), len(want), counters(fb))
			}
			for i := range want {
				if !bytes.Equal(got[i].Wire, want[i]) {
					t.Errorf("packet %d differs", i)
				}
			}
			if fb.Counters().Reassembled.Load() == 0 {
				t.Error("8800-byte packets crossed a 1500-byte link without fragmentation")
			}
			in := facetest.Interest("/eth/back", 1, -1)
			fb.Send(&ndn.LpPacket{Fragment: in})
			if back := ra.Wait(1, 5*time.Second); len(back) != 1 || !bytes.Equal(back[0].Wire, in) {
				t.Errorf("reverse direction: %v", back)
			}
			if n := len(ra.Packets()); n != 1 {
				t.Errorf("sender received %d packets (its own frames?)", n)
			}
		})
	}
}

func TestUDPMulticast(t *testing.T) {
	p := newNetnsPair(t)
	for _, tt := range []struct {
		name  string
		group string
		mtu   int
	}{
		{"ipv4", face.DefaultUDP4MulticastGroup, 1472},
		{"ipv6", face.DefaultUDP6MulticastGroup, 1452},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ta, tb face.Transport
			var err error
			inNetns(t, p.nsA, func() { ta, err = face.NewUDPMulticast(face.UDPMulticastConfig{Interface: p.ifA, Group: tt.group}) })
			if err != nil {
				t.Fatal(err)
			}
			inNetns(t, p.nsB, func() { tb, err = face.NewUDPMulticast(face.UDPMulticastConfig{Interface: p.ifB, Group: tt.group}) })
			if err != nil {
				t.Fatal(err)
			}
			if info := ta.Info(); info.LinkType != face.LinkMultiAccess || info.MTU != tt.mtu {
				t.Errorf("info %+v", info)
			}
			fa, fb, ra, rb := facePair(t, ta, tb, face.Config{}, face.Config{})
			var want [][]byte
			for i, size := range roundTripSizes {
				d := facetest.DataOfSize(fmt.Sprintf("/mc/%d", i), size)
				want = append(want, d)
				fa.Send(&ndn.LpPacket{Fragment: d})
			}
			got := rb.Wait(len(want), 10*time.Second)
			if len(got) != len(want) {
				t.Fatalf("received %d of %d: rx %v tx %v", len(got), len(want), counters(fb), counters(fa))
			}
			for i := range want {
				if !bytes.Equal(got[i].Wire, want[i]) {
					t.Errorf("packet %d differs", i)
				}
			}
			in := facetest.Interest("/mc/back", 1, -1)
			fb.Send(&ndn.LpPacket{Fragment: in})
			if back := ra.Wait(1, 5*time.Second); len(back) != 1 || !bytes.Equal(back[0].Wire, in) {
				t.Errorf("reverse direction: %v", back)
			}
		})
	}
}

// BenchmarkFacePairNetns runs the face-pair benchmark over a veth pair
// between two network namespaces (root only):
//
//	go test -run XXX -bench FacePairNetns -benchtime 100000x ./face/
func BenchmarkFacePairNetns(b *testing.B) {
	p := newNetnsPair(b)
	makers := []pairMaker{
		{"ether", func(tb testing.TB) (face.Transport, face.Transport) {
			var ta, tc face.Transport
			var err error
			inNetns(tb, p.nsA, func() { ta, err = face.NewEthernet(p.ifA, face.EthernetConfig{}) })
			if err != nil {
				tb.Fatal(err)
			}
			inNetns(tb, p.nsB, func() { tc, err = face.NewEthernet(p.ifB, face.EthernetConfig{}) })
			if err != nil {
				tb.Fatal(err)
			}
			return ta, tc
		}},
		{"udp4-multicast", func(tb testing.TB) (face.Transport, face.Transport) {
			var ta, tc face.Transport
			var err error
			inNetns(tb, p.nsA, func() { ta, err = face.NewUDPMulticast(face.UDPMulticastConfig{Interface: p.ifA}) })
			if err != nil {
				tb.Fatal(err)
			}
			inNetns(tb, p.nsB, func() { tc, err = face.NewUDPMulticast(face.UDPMulticastConfig{Interface: p.ifB}) })
			if err != nil {
				tb.Fatal(err)
			}
			return ta, tc
		}},
	}
	for _, pm := range makers {
		for _, size := range []int{100, 4000} {
			b.Run(fmt.Sprintf("%s/%dB", pm.name, size), func(b *testing.B) { benchPair(b, pm, size) })
		}
	}
}
