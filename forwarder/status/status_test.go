package status_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/forwarder/status"
	"github.com/ndnflow/ndnflow/ndn"
)

// setup returns a forwarder with one in-memory application face, whose
// Interests (with no route) are Nacked, so counters move when send runs.
func setup(t *testing.T) (*forwarder.Forwarder, *rib.RIB, func(n int)) {
	t.Helper()
	fw := forwarder.New(forwarder.Config{Shards: 1})
	t.Cleanup(func() { fw.Close() })
	a, b := face.NewMemPair(face.MemPairConfig{URIA: "fd://42", URIB: "unix:///run/test.sock"})
	fwf := fw.AddFace(b, face.Config{})
	app := face.New(a, face.Config{ID: 1, Handler: func(batch []*face.RxPacket) {
		for _, p := range batch {
			p.Release()
		}
	}})
	t.Cleanup(func() { app.Close() })
	r := rib.New(rib.Options{FIB: fw})
	t.Cleanup(r.Close)
	if err := r.Register(ndn.MustParseName("/routed"), rib.Route{FaceID: fwf.ID(), Cost: 3, Flags: rib.ChildInherit}); err != nil {
		t.Fatal(err)
	}
	nonce := uint32(0)
	send := func(n int) {
		for range n {
			nonce++
			i := ndn.Interest{Name: ndn.MustParseName("/unrouted/x"), Nonce: nonce, HasNonce: true}
			w, _ := i.Encode()
			app.Send(&ndn.LpPacket{Fragment: w})
		}
	}
	return fw, r, send
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

func TestJSONAndMetrics(t *testing.T) {
	fw, r, send := setup(t)
	h, err := status.NewHandler(status.Options{Forwarder: fw, RIB: r, Version: "v-test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	send(5)
	var s status.Snapshot
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := json.Unmarshal([]byte(get(t, srv.URL+"/status.json")), &s); err != nil {
			t.Fatal(err)
		}
		if s.Counters.NInInterests >= 5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s.Version != "v-test" || s.Counters.NInInterests < 5 || len(s.Faces) != 1 || s.Faces[0].URI != "fd://42" ||
		len(s.Rib) != 1 || s.Rib[0].Prefix != "/routed" || len(s.Fib) != 1 || s.Fib[0].NextHops[0].Cost != 3 || len(s.Strategies) < 4 {
		t.Fatalf("snapshot %+v", s)
	}
	m := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`ndnflow_forwarder_packets_total{direction="in",type="interest"}`,
		`ndnflow_face_packets_total{direction="in",face="256",type="interest"} 5`,
		`ndnflow_face_info{face="256",link_type="point-to-point",local="unix:///run/test.sock",persistency="persistent",remote="fd://42",scope="local"} 1`,
		`ndnflow_rib_entries 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	page := get(t, srv.URL+"/")
	if !strings.Contains(page, "fd://42") || !strings.Contains(page, "/routed") {
		t.Fatalf("page lacks the face or route:\n%s", page)
	}
	if _, err := status.NewHandler(status.Options{}); err == nil {
		t.Fatal("NewHandler without forwarder succeeded")
	}
}

// TestPageInChromium loads the page in headless Chromium twice, with
// traffic in between: it shows the face, its script refreshes it from
// /status.json, and the counters change.
func TestPageInChromium(t *testing.T) {
	bin := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium is not installed (scripts/setup-test-deps.sh installs it); skipping the browser test")
	}
	fw, r, send := setup(t)
	srv, err := status.Listen(context.Background(), "127.0.0.1:0", status.Options{Forwarder: fw, RIB: r})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dump := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
			"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(),
			// Let the page's refresh timer fire before the DOM is dumped.
			"--virtual-time-budget=2500", "--dump-dom", srv.URL())
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		return string(out)
	}
	inInterests := func(dom string) string {
		_, rest, ok := strings.Cut(dom, `id="n_in_interests">`)
		if !ok {
			t.Fatalf("no n_in_interests cell in:\n%s", dom)
		}
		v, _, _ := strings.Cut(rest, "<")
		return v
	}
	send(3)
	first := dump()
	if !strings.Contains(first, "fd://42") || !strings.Contains(first, "unix:///run/test.sock") {
		t.Fatalf("page does not show the face:\n%s", first)
	}
	if strings.Contains(first, `id="refreshed">on load<`) || strings.Contains(first, `id="refreshed">failed`) {
		t.Fatalf("the page did not refresh itself from status.json:\n%s", first)
	}
	send(50)
	time.Sleep(100 * time.Millisecond)
	second := dump()
	a, b := inInterests(first), inInterests(second)
	if a == b {
		t.Fatalf("Interests-in counter did not change with traffic: %s then %s", a, b)
	}
	t.Logf("Interests in: %s, then %s after traffic", a, b)
}
