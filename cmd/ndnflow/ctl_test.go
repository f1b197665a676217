package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
)

// runningFw is an `ndnflow fw` process started by a test.
type runningFw struct {
	uplink  string
	udpAddr string
	tcpAddr string
	sock    string
}

// buildNdnflow builds the binary into a temporary directory.
func buildNdnflow(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ndnflow")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startFw runs `bin fw` with a Unix socket in a temporary directory,
// loopback UDP and TCP, and the YAML config text (may be empty); it stops
// the process by its PID when the test ends.
func startFw(t *testing.T, bin, config string) *runningFw {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fw.yaml")
	if err := os.WriteFile(cfg, []byte(config+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &runningFw{sock: filepath.Join(dir, "nfd.sock"), udpAddr: fmt.Sprintf("127.0.0.1:%d", freePort(t, "udp"))}
	r.uplink = "unix://" + r.sock
	r.tcpAddr = fmt.Sprintf("127.0.0.1:%d", freePort(t, "tcp"))
	cmd := exec.Command(bin, "fw", "--config", cfg, "--unix", r.sock, "--udp", r.udpAddr, "--tcp", r.tcpAddr, "--ws", "", "--threads", "2")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
			<-exited
			t.Errorf("ndnflow fw did not exit on SIGTERM; stderr:\n%s", stderr.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if acceptsConn("unix", r.sock) && acceptsConn("tcp", r.tcpAddr) {
			break
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("ndnflow fw exited: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket after 10 s; stderr:\n%s", stderr.String())
		}
	}
	return r
}

// ctl runs `ndnflow ctl --uplink … args…` in-process.
func (r *runningFw) ctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, nil, append([]string{"ctl", "--uplink", r.uplink, "--timeout", "3s"}, args...)...)
}

// mustCtl runs ctl and fails the test unless it exits 0.
func (r *runningFw) mustCtl(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := r.ctl(t, args...)
	if code != 0 {
		t.Fatalf("ndnflow ctl %v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// ctlJSON runs ctl --json and decodes its output into v.
func (r *runningFw) ctlJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := r.mustCtl(t, append([]string{"--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("ndnflow ctl --json %v: %v\n%s", args, err, out)
	}
}

// ctlFails runs ctl and checks that it exits with code and that stderr
// contains want.
func (r *runningFw) ctlFails(t *testing.T, code int, want string, args ...string) {
	t.Helper()
	c, out, errOut := r.ctl(t, args...)
	if c != code || !strings.Contains(errOut, want) {
		t.Errorf("ndnflow ctl %v: exit %d, stderr %q (stdout %q); want exit %d and %q", args, c, errOut, out, code, want)
	}
}

func TestCtl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildNdnflow(t)
	fw := startFw(t, bin, "")
	prod := udpProducer(t)
	produri := "udp4://" + prod.LocalAddr().String()

	// status
	out := fw.mustCtl(t, "status")
	if !strings.Contains(out, "version=ndnflow") || !strings.Contains(out, "nInInterests=") {
		t.Errorf("status:\n%s", out)
	}
	var st map[string]any
	fw.ctlJSON(t, &st, "status")
	if st["nfd_version"] != "ndnflow" || st["n_in_interests"].(float64) < 1 {
		t.Errorf("status --json: %v", st)
	}

	// channel list
	out = fw.mustCtl(t, "channel", "list")
	if !strings.Contains(out, "unix://"+fw.sock) || !strings.Contains(out, "udp4://"+fw.udpAddr) {
		t.Errorf("channel list:\n%s", out)
	}
	var chans []map[string]string
	fw.ctlJSON(t, &chans, "channel", "list")
	if len(chans) != 3 || chans[0]["local_uri"] == "" {
		t.Errorf("channel list --json: %v", chans)
	}

	// face create (canonized from udp://), again (exists), show, list
	var created struct {
		FaceID uint64 `json:"face_id"`
		URI    string `json:"uri"`
		Exists bool   `json:"exists"`
	}
	fw.ctlJSON(t, &created, "face", "create", "udp://"+prod.LocalAddr().String())
	if created.FaceID < 256 || created.URI != produri || created.Exists {
		t.Fatalf("face create --json: %+v", created)
	}
	out = fw.mustCtl(t, "face", "create", produri, "--persistency", "persistent")
	if !strings.HasPrefix(out, fmt.Sprintf("face-exists id=%d ", created.FaceID)) {
		t.Errorf("second face create: %q", out)
	}
	id := fmt.Sprint(created.FaceID)
	var mtuFace struct {
		FaceID uint64 `json:"face_id"`
		Mtu    uint64 `json:"mtu"`
	}
	other := fmt.Sprintf("udp4://127.0.0.1:%d", freePort(t, "udp"))
	fw.ctlJSON(t, &mtuFace, "face", "create", other, "--mtu", "1400")
	if mtuFace.FaceID == created.FaceID || mtuFace.Mtu != 1400 {
		t.Errorf("face create --mtu 1400: %+v", mtuFace)
	}
	fw.mustCtl(t, "face", "destroy", other)
	out = fw.mustCtl(t, "face", "show", id)
	if !strings.Contains(out, "remote="+produri) || !strings.Contains(out, "persistency=persistent") {
		t.Errorf("face show:\n%s", out)
	}
	out = fw.mustCtl(t, "face", "list")
	if !strings.HasPrefix(out, "FACEID") || !strings.Contains(out, "internal://") || !strings.Contains(out, produri) {
		t.Errorf("face list:\n%s", out)
	}
	var faces []map[string]any
	fw.ctlJSON(t, &faces, "face", "list")
	found := false
	for _, f := range faces {
		if f["face_id"].(float64) == float64(created.FaceID) {
			found = f["uri"] == produri && f["face_scope"] == "non-local" && f["n_out_interests"] != nil && f["local_uri"] != ""
		}
	}
	if !found {
		t.Errorf("face list --json lacks the new face: %v", faces)
	}

	// route add by FaceId and by URI; the route carries traffic.
	out = fw.mustCtl(t, "route", "add", "/ctl", id, "--cost", "5")
	if out != fmt.Sprintf("route-add-accepted prefix=/ctl nexthop=%s origin=255 cost=5 flags=child-inherit expires=never\n", id) {
		t.Errorf("route add: %q", out)
	}
	out = fw.mustCtl(t, "route", "add", "/ctl2", produri, "--origin", "128", "--no-inherit", "--capture", "--expires", "1m")
	if !strings.Contains(out, "origin=128") || !strings.Contains(out, "flags=capture") || !strings.Contains(out, "expires=1m0s") {
		t.Errorf("route add by URI: %q", out)
	}
	var rib []struct {
		Name   string `json:"name"`
		Routes []struct {
			FaceID           uint64 `json:"face_id"`
			Origin           uint64 `json:"origin"`
			Cost             uint64 `json:"cost"`
			Flags            uint64 `json:"flags"`
			ExpirationPeriod *int64 `json:"expiration_period"`
		} `json:"routes"`
	}
	fw.ctlJSON(t, &rib, "route", "list")
	if len(rib) != 2 || rib[0].Name != "/ctl" || rib[0].Routes[0].Cost != 5 || rib[0].Routes[0].Flags != 1 ||
		rib[1].Routes[0].Origin != 128 || rib[1].Routes[0].ExpirationPeriod == nil || *rib[1].Routes[0].ExpirationPeriod > 60000 {
		t.Errorf("route list --json: %+v", rib)
	}
	out = fw.mustCtl(t, "route", "list")
	if !strings.Contains(out, "/ctl2") || !strings.Contains(out, "nlsr") {
		t.Errorf("route list:\n%s", out)
	}
	var fib []struct {
		Name     string `json:"name"`
		NextHops []struct {
			FaceID uint64 `json:"face_id"`
			Cost   uint64 `json:"cost"`
		} `json:"next_hops"`
	}
	fw.ctlJSON(t, &fib, "fib", "list")
	ok := false
	for _, e := range fib {
		if e.Name == "/ctl" && len(e.NextHops) == 1 && e.NextHops[0].FaceID == created.FaceID && e.NextHops[0].Cost == 5 {
			ok = true
		}
	}
	if !ok {
		t.Errorf("fib list --json: %+v", fib)
	}
	if out := fw.mustCtl(t, "fib", "list"); !strings.Contains(out, fmt.Sprintf("/ctl            %s (cost=5)", id)) && !strings.Contains(out, id+" (cost=5)") {
		t.Errorf("fib list:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr, err := face.DialUnix(ctx, fw.sock)
	if err != nil {
		t.Fatal(err)
	}
	in := ndn.Interest{Name: ndn.MustParseName("/ctl/data"), Nonce: 1, HasNonce: true, Lifetime: 2 * time.Second}
	w, _ := in.Encode()
	var d ndn.Data
	if err := d.Decode(fetch(t, tr, w)); err != nil || !d.Name.Equal(in.Name) {
		t.Fatalf("Data through the route: %s %v", d.Name, err)
	}
	tr.Close()

	// route remove
	out = fw.mustCtl(t, "route", "remove", "/ctl", id)
	if out != fmt.Sprintf("route-removed prefix=/ctl nexthop=%s origin=255\n", id) {
		t.Errorf("route remove: %q", out)
	}
	fw.ctlJSON(t, &rib, "route", "list")
	if len(rib) != 1 || rib[0].Name != "/ctl2" {
		t.Errorf("route list after remove: %+v", rib)
	}

	// strategy
	out = fw.mustCtl(t, "strategy", "set", "/ctl", "multicast")
	if out != "strategy-set prefix=/ctl strategy=/localhost/nfd/strategy/multicast/v=5\n" {
		t.Errorf("strategy set: %q", out)
	}
	fw.mustCtl(t, "strategy", "set", "/ctl3", "/localhost/nfd/strategy/asf/v=5/probing-interval~30000")
	var sc []map[string]string
	fw.ctlJSON(t, &sc, "strategy", "list")
	got := map[string]string{}
	for _, c := range sc {
		got[c["name"]] = c["strategy"]
	}
	if got["/ctl"] != "/localhost/nfd/strategy/multicast/v=5" || got["/ctl3"] != "/localhost/nfd/strategy/asf/v=5/probing-interval~30000" || got["/"] == "" {
		t.Errorf("strategy list --json: %v", got)
	}
	if out := fw.mustCtl(t, "strategy", "list"); !strings.Contains(out, "/ctl3") {
		t.Errorf("strategy list:\n%s", out)
	}
	if out := fw.mustCtl(t, "strategy", "unset", "/ctl"); out != "strategy-unset prefix=/ctl\n" {
		t.Errorf("strategy unset: %q", out)
	}
	fw.ctlFails(t, 1, "strategy-choice/set: 404 Strategy not registered", "strategy", "set", "/ctl", "no-such-strategy")
	fw.ctlFails(t, 2, "cannot be unset", "strategy", "unset", "/")

	// cs
	out = fw.mustCtl(t, "cs", "config", "--capacity", "100", "--admit", "off", "--serve", "on")
	if out != "cs-config-updated capacity=100 admit=off serve=on\n" {
		t.Errorf("cs config: %q", out)
	}
	var cs map[string]any
	fw.ctlJSON(t, &cs, "cs", "info")
	if cs["capacity"].(float64) != 100 || cs["admit"] != false || cs["serve"] != true {
		t.Errorf("cs info --json: %v", cs)
	}
	if out := fw.mustCtl(t, "cs", "info"); !strings.Contains(out, "capacity=100") {
		t.Errorf("cs info:\n%s", out)
	}
	if out := fw.mustCtl(t, "cs", "erase", "/ctl"); !strings.HasPrefix(out, "cs-erased prefix=/ctl count=") {
		t.Errorf("cs erase: %q", out)
	}
	fw.ctlFails(t, 2, "want on or off", "cs", "config", "--admit", "maybe")

	// face destroy, then the face is unknown
	out = fw.mustCtl(t, "face", "destroy", id)
	if !strings.HasPrefix(out, "face-destroyed id="+id+" ") {
		t.Errorf("face destroy: %q", out)
	}
	waitFor(t, "face gone", func() bool { c, _, _ := fw.ctl(t, "face", "show", id); return c == 1 })
	fw.ctlJSON(t, &rib, "route", "list")
	if len(rib) != 0 {
		t.Errorf("routes of the destroyed face remain: %+v", rib)
	}

	// error cases
	fw.ctlFails(t, 1, "face 99999 not found", "face", "show", "99999")
	fw.ctlFails(t, 1, "face 99999 not found", "face", "destroy", "99999")
	fw.ctlFails(t, 1, "face 99999 not found", "route", "add", "/x", "99999")
	fw.ctlFails(t, 1, `malformed FaceUri "not a uri"`, "face", "create", "not a uri")
	fw.ctlFails(t, 1, "faces/create: 406 Unsupported protocol", "face", "create", "ether://[01:00:5e:00:17:aa]")
	fw.ctlFails(t, 1, "no face with remote FaceUri udp4://192.0.2.1:6363", "route", "add", "/x", "udp4://192.0.2.1:6363")
	fw.ctlFails(t, 2, `"abc" is not a FaceId`, "face", "show", "abc")
	fw.ctlFails(t, 2, "want persistent or permanent", "face", "create", produri, "--persistency", "on-demand")
	fw.ctlFails(t, 2, "accepts 2 arg", "route", "add", "/x")
	code, _, errOut := runCLI(t, nil, "ctl", "--uplink", "unix://"+filepath.Join(t.TempDir(), "none.sock"), "status")
	if code != 1 || !strings.Contains(errOut, "cannot connect") {
		t.Errorf("unreachable forwarder: exit %d, %q", code, errOut)
	}
	// Loopback TCP is a local face: management works over it too.
	if code, out, errOut := runCLI(t, nil, "ctl", "--uplink", "tcp://"+fw.tcpAddr, "strategy", "set", "/tcp", "best-route"); code != 0 {
		t.Errorf("ctl over TCP: exit %d\n%s%s", code, out, errOut)
	}

	// An application (ndnflow pingserver, through the app library)
	// registers its prefix; the route goes when it stops (unregister and
	// face closed).
	psOut, stop := background(t, "pingserver", "--uplink", fw.uplink, "/app-route", "-q")
	waitFor(t, "pingserver", func() bool { return strings.Contains(psOut.String(), "PING SERVER") })
	hasRoute := func() bool {
		fw.ctlJSON(t, &rib, "route", "list")
		for _, e := range rib {
			if e.Name == "/app-route/ping" && len(e.Routes) == 1 && e.Routes[0].Origin == 0 {
				return true
			}
		}
		return false
	}
	waitFor(t, "route of the pingserver", hasRoute)
	if code, out, _ := runCLI(t, nil, "ping", "--uplink", fw.uplink, "/app-route", "-c", "1"); code != 0 {
		t.Errorf("ping through the registered route: %s", out)
	}
	stop()
	waitFor(t, "route of the stopped pingserver removed", func() bool { return !hasRoute() })
}

// TestCtlPermission runs a forwarder whose management requires signed
// commands even from local faces, with no trust anchor: every command is
// rejected with NFD's 403, datasets stay readable.
func TestCtlPermission(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildNdnflow(t)
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t, "tcp"))
	fw := startFw(t, bin, "management:\n  require_signed_local: true\nhttp: "+httpAddr)
	fw.ctlFails(t, 1, "rib/register: 403 authorization rejected", "route", "add", "/x", "1")
	fw.ctlFails(t, 1, "strategy-choice/set: 403 authorization rejected", "strategy", "set", "/x", "best-route")
	fw.ctlFails(t, 1, "cs/config: 403 authorization rejected", "cs", "config", "--capacity", "5")
	fw.ctlFails(t, 1, "faces/create: 403 authorization rejected", "face", "create", "udp4://127.0.0.1:9")
	if out := fw.mustCtl(t, "face", "list"); !strings.Contains(out, "internal://") {
		t.Errorf("face list:\n%s", out)
	}
	// The status page and metrics of the same process.
	for path, want := range map[string]string{"/status.json": `"uri": "internal://"`, "/metrics": "ndnflow_face_packets_total", "/": "<h2>Faces</h2>"} {
		resp, err := http.Get("http://" + httpAddr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %s, body lacks %q", path, resp.Status, want)
		}
	}
}

// TestCtlSigned runs a forwarder that trusts one operator certificate for
// every command: ctl --sign with the operator's key is accepted, another
// key gets 403, and a DigestSha256 command gets no answer (as from NFD).
func TestCtlSigned(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	kcDir := filepath.Join(dir, "keychain")
	kc, err := keychain.Open(kcDir)
	if err != nil {
		t.Fatal(err)
	}
	_, opCert, err := kc.Generate(ndn.MustParseName("/operator"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := kc.Generate(ndn.MustParseName("/stranger"), security.KeyEd25519, cert.Options{}); err != nil {
		t.Fatal(err)
	}
	anchor := filepath.Join(dir, "operator.ndncert")
	if err := os.WriteFile(anchor, opCert.Wire(), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := buildNdnflow(t)
	fw := startFw(t, bin, fmt.Sprintf("management:\n  require_signed_local: true\n  trust_anchors: [%q]", anchor))
	out := fw.mustCtl(t, "--keychain", kcDir, "--sign", "/operator", "strategy", "set", "/signed", "multicast")
	if !strings.HasPrefix(out, "strategy-set prefix=/signed") {
		t.Errorf("operator-signed: %q", out)
	}
	fw.ctlFails(t, 1, "strategy-choice/set: 403 authorization rejected", "--keychain", kcDir, "--sign", "/stranger", "strategy", "set", "/signed", "multicast")
	fw.ctlFails(t, 1, "no response from the forwarder's management", "--timeout", "500ms", "strategy", "set", "/signed", "multicast")
}

// TestCtlMgmtPrefix checks which management prefix ctl picks for an
// uplink and --mgmt-prefix.
func TestCtlMgmtPrefix(t *testing.T) {
	for _, tc := range []struct {
		flag, uri, want string
	}{
		{"", "unix:///run/nfd/nfd.sock", "/localhost/nfd"},
		{"", "tcp://127.0.0.1:6363", "/localhost/nfd"},
		{"", "tcp6://[::1]:6363", "/localhost/nfd"},
		{"", "tcp://localhost", "/localhost/nfd"},
		{"", "ws://127.0.0.1:9696/", "/localhost/nfd"},
		{"", "tcp://192.0.2.1:6363", "/localhop/nfd"},
		{"", "udp://127.0.0.1:6363", "/localhop/nfd"},
		{"", "udp4://192.0.2.1", "/localhop/nfd"},
		{"", "wss://hub.example.net/ws", "/localhop/nfd"},
		{"localhost", "udp://192.0.2.1:6363", "/localhost/nfd"},
		{"localhop", "unix:///run/nfd/nfd.sock", "/localhop/nfd"},
		{"/my/nfd", "unix:///run/nfd/nfd.sock", "/my/nfd"},
		{"nfd", "unix:///x", ""},
		{"/", "unix:///x", ""},
	} {
		got, err := mgmtPrefixFor(tc.flag, tc.uri)
		if tc.want == "" {
			if err == nil {
				t.Errorf("mgmtPrefixFor(%q, %q) = %s, want an error", tc.flag, tc.uri, got)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("mgmtPrefixFor(%q, %q) = %s, %v; want %s", tc.flag, tc.uri, got, err, tc.want)
		}
	}
}

// TestCtlLocalhop registers a route on the forwarder over UDP, where ctl
// picks /localhop/nfd, with FaceId 0: the forwarder fills in the UDP face
// ctl sent from. Loopback UDP counts as local for authorization, so no
// trust anchor is needed; /localhost/nfd over UDP is dropped by scope
// control, and non-RIB commands are not served under /localhop/nfd.
func TestCtlLocalhop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildNdnflow(t)
	fw := startFw(t, bin, "")
	udp := func(args ...string) (int, string, string) {
		return runCLI(t, nil, append([]string{"ctl", "--uplink", "udp://" + fw.udpAddr, "--timeout", "3s"}, args...)...)
	}
	code, out, errOut := udp("route", "add", "/hub", "0", "--cost", "7")
	var faceID uint64
	if _, err := fmt.Sscanf(out, "route-add-accepted prefix=/hub nexthop=%d origin=255 cost=7 flags=child-inherit expires=never\n", &faceID); code != 0 || err != nil || faceID < 256 {
		t.Fatalf("route add over UDP: exit %d, %q %q (%v)", code, out, errOut, err)
	}
	var faces []struct {
		FaceID uint64 `json:"face_id"`
		URI    string `json:"uri"`
	}
	fw.ctlJSON(t, &faces, "face", "list")
	var faceURI string
	for _, f := range faces {
		if f.FaceID == faceID {
			faceURI = f.URI
		}
	}
	if !strings.HasPrefix(faceURI, "udp4://127.0.0.1:") {
		t.Errorf("face %d of the route: %+v", faceID, faces)
	}
	hubRoutes := func() []uint64 {
		var rib []struct {
			Name   string `json:"name"`
			Routes []struct {
				FaceID uint64 `json:"face_id"`
			} `json:"routes"`
		}
		fw.ctlJSON(t, &rib, "route", "list")
		var ids []uint64
		for _, e := range rib {
			for _, r := range e.Routes {
				if e.Name == "/hub" {
					ids = append(ids, r.FaceID)
				}
			}
		}
		return ids
	}
	if ids := hubRoutes(); len(ids) != 1 || ids[0] != faceID {
		t.Errorf("routes of /hub: %v, want [%d]", ids, faceID)
	}
	if c, _, e := udp("--timeout", "500ms", "--mgmt-prefix", "localhost", "route", "add", "/x", "0"); c != 1 || !strings.Contains(e, "no response") {
		t.Errorf("/localhost/nfd over UDP: exit %d, %q; want no response", c, e)
	}
	if c, _, e := udp("--timeout", "500ms", "strategy", "set", "/x", "multicast"); c != 1 || !strings.Contains(e, "no response") {
		t.Errorf("strategy set under /localhop/nfd: exit %d, %q; want no response", c, e)
	}
	if c, _, e := udp("route", "add", "/x", "udp4://192.0.2.1:6363"); c != 1 || !strings.Contains(e, "FaceUri needs faces/list") {
		t.Errorf("route add by URI under /localhop/nfd: exit %d, %q", c, e)
	}
	// Each ctl run sends from a new UDP port, so a new face: remove the
	// route by FaceId (not looked up, datasets are not served here).
	code, out, errOut = udp("route", "remove", "/hub", fmt.Sprint(faceID))
	if want := fmt.Sprintf("route-removed prefix=/hub nexthop=%d origin=255\n", faceID); code != 0 || out != want {
		t.Errorf("route remove over UDP: exit %d, %q %q; want %q", code, out, errOut, want)
	}
	if ids := hubRoutes(); len(ids) != 0 {
		t.Errorf("routes of /hub after remove: %v", ids)
	}
}
