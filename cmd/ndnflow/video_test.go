package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// The video end-to-end tests need ffmpeg and ffprobe (to make and check the
// test stream) and Chromium (to play it with hls.js from
// app/video/testdata/player); scripts/setup-test-deps.sh installs them.

// videoBuffer is a bytes.Buffer safe for a child's writes and the test's reads.
type videoBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *videoBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *videoBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// child is a process the test started; stop ends it (SIGINT, then SIGKILL
// after 5 s) and is also registered as a cleanup.
type child struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr videoBuffer
	exited         chan struct{}
	err            error
	once           sync.Once
}

func startChild(t *testing.T, name, bin string, args ...string) *child {
	t.Helper()
	c := &child{name: name, cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() { c.stop(t) })
	return c
}

// stop interrupts the process (its group, for browsers) and waits for it.
func (c *child) stop(t *testing.T) {
	c.once.Do(func() {
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(5 * time.Second):
			t.Logf("%s did not exit 5 s after SIGINT; killing it", c.name)
			syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-c.exited
		}
	})
}

// waitOutput waits (at most limit) until the child's stdout matches re and
// returns the first submatch.
func (c *child) waitOutput(t *testing.T, re *regexp.Regexp, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if m := re.FindStringSubmatch(c.stdout.String()); m != nil {
			return m[len(m)-1]
		}
		select {
		case <-c.exited:
			t.Fatalf("%s exited (%v) before printing %q\nstdout:\n%s\nstderr:\n%s", c.name, c.err, re, c.stdout.String(), c.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no %q in %v\nstdout:\n%s\nstderr:\n%s", c.name, re, limit, c.stdout.String(), c.stderr.String())
		}
	}
}

// videoRig holds what the subtests share: the binary and the test stream.
type videoRig struct {
	bin, input, pkg string
}

// videoNode is one forwarder. Producers register their prefixes through
// its Unix socket, except one reached over UDP from prodAddr, to which a
// static route /lab/video/talk points (a producer on another host).
type videoNode struct {
	fw       *child
	sock     string
	fwUDP    string
	prodAddr string
}

func (r *videoRig) startFw(t *testing.T) *videoNode {
	t.Helper()
	dir := t.TempDir()
	n := &videoNode{
		sock:     filepath.Join(dir, "fw.sock"),
		fwUDP:    fmt.Sprintf("127.0.0.1:%d", freePort(t, "udp")),
		prodAddr: fmt.Sprintf("127.0.0.1:%d", freePort(t, "udp")),
	}
	cfg := filepath.Join(dir, "fw.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("forwarder:\n  threads: 2\nfaces:\n  - uri: udp4://%s\nroutes:\n  - prefix: /lab/video/udp\n    face: udp4://%s\n    cost: 1\n", n.prodAddr, n.prodAddr)), 0o644)
	n.fw = startChild(t, "fw", r.bin, "fw", "--config", cfg, "--unix", n.sock, "--udp", n.fwUDP, "--tcp", "", "--ws", "")
	for i := 0; ; i++ {
		if _, err := os.Stat(n.sock); err == nil {
			return n
		}
		if i == 500 {
			t.Fatalf("no forwarder socket after 5 s; stderr:\n%s", n.fw.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// publish starts `video publish` of /lab/video/talk, registered through
// the forwarder's Unix socket, and waits until it serves.
func (r *videoRig) publish(t *testing.T, n *videoNode, args ...string) *child {
	t.Helper()
	return r.startPublish(t, append([]string{"--prefix", "/lab/video/talk", "--uplink", "unix://" + n.sock}, args...))
}

// publishUDP starts `video publish` of /lab/video/udp/talk over UDP from
// the address the forwarder's static route points to.
func (r *videoRig) publishUDP(t *testing.T, n *videoNode, args ...string) *child {
	t.Helper()
	return r.startPublish(t, append([]string{"--prefix", "/lab/video/udp/talk", "--no-register",
		"--uplink", "udp://" + n.fwUDP, "--uplink-local", n.prodAddr}, args...))
}

func (r *videoRig) startPublish(t *testing.T, args []string) *child {
	t.Helper()
	all := append([]string{"video", "publish"}, args...)
	p := startChild(t, "publish", r.bin, all...)
	p.waitOutput(t, regexp.MustCompile(`(published|watching|serving) `), time.Minute)
	return p
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)/`)

// gateway starts `video gateway` on a free port and returns its base URL.
func (r *videoRig) gateway(t *testing.T, n *videoNode, args ...string) (*child, string) {
	t.Helper()
	all := append([]string{"video", "gateway", "--listen", "127.0.0.1:0", "--uplink", "unix://" + n.sock, "--prefix", "/lab/video"}, args...)
	g := startChild(t, "gateway", r.bin, all...)
	return g, g.waitOutput(t, listeningRE, 10*time.Second)
}

var statsRE = regexp.MustCompile(`stats: .*data_bytes=(\d+) .*stream_bytes=(\d+)`)

func httpGet(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp, b
}

// TestVideoEndToEnd packages a 20 s test pattern with ffmpeg and plays it
// through `ndnflow fw`, `ndnflow video publish` and `ndnflow video gateway`.
func TestVideoEndToEnd(t *testing.T) {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/setup-test-deps.sh installs it): %v", tool, err)
		}
	}
	dir := t.TempDir()
	r := &videoRig{bin: filepath.Join(dir, "ndnflow"), input: filepath.Join(dir, "input.mp4"), pkg: filepath.Join(dir, "hls")}
	if out, err := exec.Command("go", "build", "-o", r.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// 20 s of test pattern and a 440 Hz tone.
	mk := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", "testsrc=size=426x240:rate=25:duration=20",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=20",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", r.input)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}

	t.Run("vod", func(t *testing.T) { r.testVOD(t) })
	if _, err := os.Stat(filepath.Join(r.pkg, "master.m3u8")); err != nil {
		t.Fatalf("no packaged stream for the other tests: %v", err)
	}
	t.Run("caching", func(t *testing.T) { r.testCaching(t) })
	t.Run("encryption", func(t *testing.T) { r.testEncryption(t) })
	t.Run("store", func(t *testing.T) { r.testStore(t) })
	t.Run("live", func(t *testing.T) { r.testLive(t) })
	t.Run("bad input", func(t *testing.T) { r.testBadInput(t) })
}

// testVOD: publish --from packages the input (two renditions, 2 s
// segments); ffprobe through the gateway agrees on duration and
// renditions; headless Chromium plays the player page past 5 s.
func (r *videoRig) testVOD(t *testing.T) {
	n := r.startFw(t)
	pub := r.publish(t, n, "--from", r.input, r.pkg)
	if !strings.Contains(pub.stdout.String(), "hls /lab/video/talk/master.m3u8") {
		t.Fatalf("publish lists no master playlist:\n%s", pub.stdout.String())
	}
	hlsJS, _ := filepath.Abs("../../app/video/testdata/player/node_modules/hls.js/dist/hls.min.js")
	gwArgs := []string{}
	if _, err := os.Stat(hlsJS); err == nil {
		gwArgs = append(gwArgs, "--player-js", "/hls.js", "--player-js-file", hlsJS)
	}
	_, base := r.gateway(t, n, gwArgs...)
	master := base + "/lab/video/talk/master.m3u8"

	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration:program=program_id:stream=codec_type,height",
		"-of", "json", master).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", master, err)
	}
	var probe struct {
		Format   struct{ Duration string }
		Programs []struct {
			Streams []struct {
				CodecType string `json:"codec_type"`
				Height    int
			}
		}
	}
	if err := json.Unmarshal(out, &probe); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	dur, _ := strconv.ParseFloat(probe.Format.Duration, 64)
	heights := map[int]bool{}
	for _, p := range probe.Programs {
		for _, s := range p.Streams {
			if s.CodecType == "video" {
				heights[s.Height] = true
			}
		}
	}
	t.Logf("ffprobe through the gateway: duration %.2f s, %d renditions, heights %v", dur, len(probe.Programs), heights)
	if dur < 19.5 || dur > 20.5 || len(probe.Programs) != 2 || len(heights) != 2 {
		t.Errorf("ffprobe: duration %.2f s, %d renditions with heights %v; want 20 s and 2 renditions of different heights", dur, len(probe.Programs), heights)
	}

	browser := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("chromium is not installed (scripts/setup-test-deps.sh installs it): skipping the browser playback check")
	}
	if len(gwArgs) == 0 {
		t.Fatalf("hls.js is not installed at %s: run scripts/setup-test-deps.sh (npm ci in app/video/testdata/player)", hlsJS)
	}
	page := base + "/?play=/lab/video/talk/master.m3u8"
	cdp := startBrowser(t, browser, page)
	var last string
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		v, err := cdp.eval(ctx, `(function () {
			var v = document.getElementById('video'), s = document.getElementById('status');
			return JSON.stringify({t: v ? v.currentTime : -1, errors: window.ndnflowErrors || [],
				levels: window.ndnflowHls ? window.ndnflowHls.levels.length : 0, status: s ? s.textContent : location.href});
		})()`)
		cancel()
		if err != nil {
			t.Fatalf("evaluating in the page: %v", err)
		}
		var st struct {
			T      float64
			Errors []string
			Levels int
			Status string
		}
		json.Unmarshal([]byte(v), &st)
		last = v
		if len(st.Errors) > 0 {
			t.Fatalf("the player reported errors: %v", st.Errors)
		}
		if st.T > 5 {
			t.Logf("playback at %.2f s with %d renditions, no media error (%s)", st.T, st.Levels, st.Status)
			if st.Levels != 2 {
				t.Errorf("hls.js sees %d renditions, want 2", st.Levels)
			}
			return
		}
		if i == 120 {
			t.Fatalf("playback did not pass 5 s in 30 s; last state %s", last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// fetchStream fetches the master playlist, its media playlists and every
// segment they name from a gateway, and returns the octets received.
func fetchStream(base, stream string) (int64, error) {
	var total int64
	get := func(path string) ([]byte, error) {
		resp, err := http.Get(base + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("%s: %s: %s", path, resp.Status, b)
		}
		total += int64(len(b))
		return b, err
	}
	refs := func(b []byte) []string {
		var out []string
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		return out
	}
	m, err := get(stream + "/master.m3u8")
	if err != nil {
		return total, err
	}
	for _, pl := range refs(m) {
		b, err := get(stream + "/" + pl)
		if err != nil {
			return total, err
		}
		for _, seg := range refs(b) {
			if _, err := get(stream + "/" + filepath.Dir(pl) + "/" + seg); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

// testCaching: five viewers, each through its own gateway (its own face),
// fetch the whole stream at once through one forwarder from a producer
// behind a UDP link; the producer's counters show it sent each segment
// about once.
func (r *videoRig) testCaching(t *testing.T) {
	n := r.startFw(t)
	pub := r.publishUDP(t, n, r.pkg)
	const viewers = 5
	bases := make([]string, viewers)
	for i := range bases {
		_, bases[i] = r.gateway(t, n)
	}
	var wg sync.WaitGroup
	got := make([]int64, viewers)
	errs := make([]error, viewers)
	for i := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = fetchStream(bases[i], "/lab/video/udp/talk")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("viewer %d: %v", i, err)
		}
	}
	pub.stop(t)
	m := statsRE.FindStringSubmatch(pub.stdout.String())
	if m == nil {
		t.Fatalf("publish printed no stats:\n%s", pub.stdout.String())
	}
	upstream, _ := strconv.ParseInt(m[1], 10, 64)
	stream, _ := strconv.ParseInt(m[2], 10, 64)
	ratio := float64(upstream) / float64(stream)
	t.Logf("%d viewers received %v octets; producer sent %d Data octets for a %d-octet stream: ratio %.3f", viewers, got, upstream, stream, ratio)
	t.Logf("producer: %s", strings.TrimSpace(m[0]))
	if ratio > 1.1 {
		t.Errorf("upstream Data octets / stream octets = %.3f, want <= 1.1 (the forwarder should aggregate and cache)", ratio)
	}
}

// testEncryption: with --encrypt-key the forwarder's Content Store holds
// ciphertext; the gateway with the key serves the plaintext, without it a
// clear error.
func (r *videoRig) testEncryption(t *testing.T) {
	n := r.startFw(t)
	keyFile := filepath.Join(t.TempDir(), "video.key")
	if code, out, errOut := runCLI(t, nil, "video", "keygen", keyFile); code != 0 || !strings.Contains(out, "key id") {
		t.Fatalf("keygen: exit %d %s %s", code, out, errOut)
	}
	pub := r.publish(t, n, "--encrypt-key", keyFile, r.pkg)
	_, withKey := r.gateway(t, n, "--decrypt-key", keyFile)
	_, noKey := r.gateway(t, n)
	plain, err := os.ReadFile(filepath.Join(r.pkg, "v0", "seg001.ts"))
	if err != nil {
		t.Fatal(err)
	}
	resp, body := httpGet(t, withKey+"/lab/video/talk/v0/seg001.ts")
	if resp.StatusCode != 200 || !bytes.Equal(body, plain) {
		t.Fatalf("gateway with the key: status %d, %d octets; want the %d plaintext octets", resp.StatusCode, len(body), len(plain))
	}
	versioned := resp.Header.Get("X-NDN-Name")
	resp, body = httpGet(t, noKey+"/lab/video/talk/v0/seg001.ts")
	t.Logf("gateway without the key: %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("X-NDN-Error") != "encrypted" || !strings.Contains(string(body), "--decrypt-key") {
		t.Errorf("gateway without the key: status %d X-NDN-Error %q; want 502 encrypted and a hint", resp.StatusCode, resp.Header.Get("X-NDN-Error"))
	}
	// Stop the producer: what still answers comes from the forwarder's CS.
	pub.stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := app.Connect(ctx, "unix://"+n.sock, app.Options{Dial: func(ctx context.Context) (face.Transport, error) { return face.DialUnix(ctx, n.sock) }, NoReconnect: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	vn, err := ndn.ParseName(versioned)
	if err != nil {
		t.Fatalf("X-NDN-Name %q: %v", versioned, err)
	}
	var cached int
	for seg := uint64(0); ; seg++ {
		d, err := cl.Express(ctx, &ndn.Interest{Name: vn.Append(ndn.SegmentComponent(seg)), Lifetime: time.Second}, app.ExpressOptions{})
		if err != nil {
			t.Fatalf("segment %d of %s is not in the forwarder's CS: %v", seg, vn, err)
		}
		cached += len(d.Content)
		for off := 0; off+32 <= len(plain); off += 32 {
			if bytes.Contains(d.Wire(), plain[off:off+32]) && !bytes.Equal(plain[off:off+32], make([]byte, 32)) && !allSame(plain[off:off+32]) {
				t.Fatalf("cached segment %d holds plaintext (offset %d of the file)", seg, off)
			}
		}
		if fb, ok := d.FinalBlock.Number(); ok && fb == seg {
			break
		}
		if seg > 1000 {
			t.Fatal("no FinalBlockId")
		}
	}
	t.Logf("the forwarder's CS holds %d octets of ciphertext for the %d-octet segment, no plaintext", cached, len(plain))
}

// allSame reports whether every octet of b is the same (TS stuffing is
// 0xff runs, which ciphertext could match by chance in no way that matters).
func allSame(b []byte) bool {
	for _, c := range b {
		if c != b[0] {
			return false
		}
	}
	return true
}

// testStore: a publisher restarted with --store and no directory serves
// what it stored, without the packaged files.
func (r *videoRig) testStore(t *testing.T) {
	n := r.startFw(t)
	st := filepath.Join(t.TempDir(), "store")
	pub := r.publish(t, n, "--store", st, r.pkg)
	pub.stop(t)
	pub = r.publish(t, n, "--store", st)
	if !strings.Contains(pub.stdout.String(), "stored files") {
		t.Fatalf("restart: %s", pub.stdout.String())
	}
	_, base := r.gateway(t, n)
	for _, rel := range []string{"master.m3u8", "v1/index.m3u8", "v1/seg009.ts"} {
		want, _ := os.ReadFile(filepath.Join(r.pkg, filepath.FromSlash(rel)))
		if resp, body := httpGet(t, base+"/lab/video/talk/"+rel); resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Errorf("%s from the store: status %d, %d octets, want %d", rel, resp.StatusCode, len(body), len(want))
		}
	}
	t.Logf("restarted publisher: %s", strings.SplitN(pub.stdout.String(), "\n", 2)[0])
}

// testLive: a packager writes a 2 s segment every 2 s and rewrites the
// playlist; a viewer polling the playlist through the gateway sees each
// segment within one segment duration plus 1 s. Then a playlist naming a
// half-written segment is reported and not published.
func (r *videoRig) testLive(t *testing.T) {
	n := r.startFw(t)
	dir := t.TempDir()
	pub := r.publish(t, n, "--live", dir)
	_, base := r.gateway(t, n)
	src := filepath.Join(r.pkg, "v1")
	const segs = 4
	type seen struct {
		seg     int
		latency time.Duration
	}
	results := make(chan seen, segs)
	written := make([]time.Time, segs)
	var wmu sync.Mutex
	stopPoll := make(chan struct{})
	pollDone := make(chan struct{})
	var stopOnce sync.Once
	stopViewer := func() {
		stopOnce.Do(func() { close(stopPoll) })
		<-pollDone
	}
	defer stopViewer()
	go func() { // the viewer
		defer close(pollDone)
		next := 0
		for next < segs {
			select {
			case <-stopPoll:
				return
			case <-time.After(100 * time.Millisecond):
			}
			resp, err := http.Get(base + "/lab/video/talk/index.m3u8")
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for next < segs && strings.Contains(string(b), fmt.Sprintf("seg%03d.ts", next)) {
				wmu.Lock()
				results <- seen{next, time.Since(written[next])}
				wmu.Unlock()
				next++
			}
		}
	}()
	var names []string
	for i := range segs {
		if i > 0 {
			time.Sleep(2 * time.Second)
		}
		name := fmt.Sprintf("seg%03d.ts", i)
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
		names = append(names, name)
		var pl strings.Builder
		pl.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n")
		for _, s := range names {
			pl.WriteString("#EXTINF:2.000000,\n" + s + "\n")
		}
		wmu.Lock()
		written[i] = time.Now()
		wmu.Unlock()
		os.WriteFile(filepath.Join(dir, "index.m3u8.tmp"), []byte(pl.String()), 0o644)
		os.Rename(filepath.Join(dir, "index.m3u8.tmp"), filepath.Join(dir, "index.m3u8"))
	}
	deadline := time.After(10 * time.Second)
	for range segs {
		select {
		case s := <-results:
			t.Logf("segment %d in the viewer's playlist %v after it was written", s.seg, s.latency.Round(time.Millisecond))
			if s.latency > 3*time.Second {
				t.Errorf("segment %d took %v to reach the viewer, more than one segment duration + 1 s", s.seg, s.latency)
			}
		case <-deadline:
			stopViewer()
			t.Fatalf("the viewer did not see every segment; publisher stderr:\n%s", pub.stderr.String())
		}
	}
	stopViewer()

	// A half-written segment named by the playlist: reported, not published.
	b, _ := os.ReadFile(filepath.Join(src, "seg004.ts"))
	os.WriteFile(filepath.Join(dir, "seg004.ts"), b[:len(b)/2+100], 0o644)
	names = append(names, "seg004.ts")
	pl := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
	for _, s := range names {
		pl += "#EXTINF:2.000000,\n" + s + "\n"
	}
	os.WriteFile(filepath.Join(dir, "index.m3u8"), []byte(pl), 0o644)
	for i := 0; !strings.Contains(pub.stderr.String(), "not publishing this playlist version"); i++ {
		if i == 100 {
			t.Fatalf("no report of the half-written segment in 5 s; stderr:\n%s", pub.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, l := range strings.Split(pub.stderr.String(), "\n") {
		if strings.Contains(l, "not publishing") {
			t.Logf("publisher: %s", l)
		}
	}
	if _, body := httpGet(t, base+"/lab/video/talk/index.m3u8"); strings.Contains(string(body), "seg004") {
		t.Errorf("the playlist naming a half-written segment was published")
	}
	if resp, _ := httpGet(t, base+"/lab/video/talk/seg004.ts"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the half-written segment is served: status %d", resp.StatusCode)
	}
}

// testBadInput: a missing directory and a playlist naming a missing
// segment fail before anything is published, with messages that say so.
func (r *videoRig) testBadInput(t *testing.T) {
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "index.m3u8"), []byte("#EXTM3U\n#EXTINF:2,\nseg000.ts\n#EXTINF:2,\nseg001.ts\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "seg000.ts"), bytes.Repeat([]byte{0x47}, 188), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing directory", []string{filepath.Join(bad, "nope")}, "not a directory"},
		{"missing segment", []string{bad}, "index.m3u8 names seg001.ts, which does not exist"},
		{"missing --from input", []string{"--from", filepath.Join(bad, "nope.mp4")}, "nope.mp4: no such file"},
		{"ffmpeg not installed", []string{"--from", r.input}, "ffmpeg is not installed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "ffmpeg not installed" {
				t.Setenv("PATH", t.TempDir())
			}
			args := append([]string{"video", "publish", "--prefix", "/lab/video/bad", "--uplink", "unix:///nonexistent.sock"}, tc.args...)
			code, stdout, stderr := runCLI(t, nil, args...)
			t.Logf("exit %d: %s", code, strings.TrimSpace(stderr))
			if code != 1 || !strings.Contains(stderr, tc.want) || strings.Contains(stdout, "published") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and a message containing %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

// cdpPage is a minimal Chrome DevTools Protocol client for one page.
type cdpPage struct {
	conn *websocket.Conn
	id   int
}

// startBrowser runs headless Chromium on url and connects to its page.
func startBrowser(t *testing.T, bin, url string) *cdpPage {
	t.Helper()
	profile := t.TempDir()
	b := startChild(t, "chromium", bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
		"--user-data-dir="+profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", url)
	var port string
	for i := 0; ; i++ {
		if data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if lines := strings.SplitN(string(data), "\n", 2); len(lines) == 2 && lines[0] != "" {
				port = lines[0]
				break
			}
		}
		if i == 300 {
			t.Fatalf("chromium wrote no DevToolsActivePort in 30 s; stderr:\n%s", b.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	var wsURL string
	for i := 0; wsURL == ""; i++ {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err == nil {
			var targets []struct {
				Type, URL            string
				WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
			}
			json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
			for _, tg := range targets {
				if tg.Type == "page" && strings.HasPrefix(tg.URL, "http") {
					wsURL = tg.WebSocketDebuggerURL
				}
			}
		}
		if i == 100 {
			t.Fatalf("chromium shows no page target; stderr:\n%s", b.stderr.String())
		}
		if wsURL == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("DevTools websocket: %v", err)
	}
	conn.SetReadLimit(16 << 20)
	t.Cleanup(func() { conn.CloseNow() })
	return &cdpPage{conn: conn}
}

// eval evaluates a JavaScript expression returning a string.
func (p *cdpPage) eval(ctx context.Context, expr string) (string, error) {
	p.id++
	req, _ := json.Marshal(map[string]any{"id": p.id, "method": "Runtime.evaluate",
		"params": map[string]any{"expression": expr, "returnByValue": true}})
	if err := p.conn.Write(ctx, websocket.MessageText, req); err != nil {
		return "", err
	}
	for {
		_, msg, err := p.conn.Read(ctx)
		if err != nil {
			return "", err
		}
		var resp struct {
			ID     int
			Error  *struct{ Message string }
			Result struct {
				Result struct {
					Value any
				}
				ExceptionDetails *struct{ Text string }
			}
		}
		if json.Unmarshal(msg, &resp) != nil || resp.ID != p.id {
			continue // an event
		}
		if resp.Error != nil {
			return "", errors.New(resp.Error.Message)
		}
		if resp.Result.ExceptionDetails != nil {
			return "", errors.New(resp.Result.ExceptionDetails.Text)
		}
		s, _ := resp.Result.Result.Value.(string)
		return s, nil
	}
}
