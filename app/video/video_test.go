package video_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/apptest"
	"github.com/ndnflow/ndnflow/app/store"
	"github.com/ndnflow/ndnflow/app/video"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newFwd(t testing.TB) *apptest.Forwarder {
	fwd := apptest.New()
	t.Cleanup(fwd.Close)
	return fwd
}

func memClient(t testing.TB, fwd *apptest.Forwarder) *app.Client {
	c, err := app.Connect(context.Background(), "mem://", app.Options{
		Logger: quietLogger(),
		Dial:   func(context.Context) (face.Transport, error) { return fwd.ConnectMem(apptest.LinkOptions{}), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// tsFile returns n valid 188-octet MPEG-TS packets with random payload.
func tsFile(rng *rand.Rand, n int) []byte {
	b := make([]byte, 188*n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	for i := 0; i < len(b); i += 188 {
		b[i] = 0x47
	}
	return b
}

// mp4Box returns an ISO BMFF box of the given type and payload size.
func mp4Box(typ string, payload int) []byte {
	b := make([]byte, 8+payload)
	b[0], b[1], b[2], b[3] = byte((8+payload)>>24), byte((8+payload)>>16), byte((8+payload)>>8), byte(8+payload)
	copy(b[4:8], typ)
	for i := 8; i < len(b); i++ {
		b[i] = byte(i)
	}
	return b
}

func writeFile(t testing.TB, dir, rel string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mediaPlaylist(segs []string, ended bool) []byte {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n")
	for _, s := range segs {
		b.WriteString("#EXTINF:2.000000,\n" + s + "\n")
	}
	if ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return []byte(b.String())
}

// makeStream writes a synthetic two-rendition HLS stream and a DASH
// manifest (SegmentList) into a new directory and returns it with the
// files' contents.
func makeStream(t testing.TB) (string, map[string][]byte) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	files := map[string][]byte{}
	files["master.m3u8"] = []byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nv0/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\nv1/index.m3u8\n")
	for v, n := range []int{120, 50} { // ~22 KB and ~9 KB segments: several Data segments each
		var segs []string
		for i := range 3 {
			s := fmt.Sprintf("seg%03d.ts", i)
			segs = append(segs, s)
			files[fmt.Sprintf("v%d/%s", v, s)] = tsFile(rng, n+i)
		}
		files[fmt.Sprintf("v%d/index.m3u8", v)] = mediaPlaylist(segs, true)
	}
	files["dash/init.mp4"] = append(mp4Box("ftyp", 16), mp4Box("moov", 500)...)
	files["dash/chunk1.m4s"] = append(mp4Box("moof", 100), mp4Box("mdat", 9000)...)
	files["dash/manifest.mpd"] = []byte(`<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static"><Period><AdaptationSet><Representation id="0" bandwidth="1000">
<SegmentList><Initialization sourceURL="init.mp4"/><SegmentURL media="chunk1.m4s"/></SegmentList>
</Representation></AdaptationSet></Period></MPD>`)
	for rel, b := range files {
		writeFile(t, dir, rel, b)
	}
	return dir, files
}

var (
	streamPrefix = ndn.MustParseName("/lab/video/talk")
	labVideo     = ndn.MustParseName("/lab/video")
)

type rig struct {
	fwd  *apptest.Forwarder
	pub  *video.Publisher
	gw   *video.Gateway
	srv  *httptest.Server
	prod *app.Client
}

func newPublisher(t testing.TB, fwd *apptest.Forwarder, opts video.Options) *video.Publisher {
	t.Helper()
	if opts.Prefix.IsEmpty() {
		opts.Prefix = streamPrefix
	}
	opts.Logger = quietLogger()
	pub, err := video.NewPublisher(context.Background(), memClient(t, fwd), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	return pub
}

func newGateway(t testing.TB, fwd *apptest.Forwarder, opts video.GatewayOptions) (*video.Gateway, *httptest.Server) {
	t.Helper()
	opts.Logger = quietLogger()
	gw := video.NewGateway(memClient(t, fwd), opts)
	srv := httptest.NewServer(gw)
	t.Cleanup(func() {
		srv.Close()
		gw.Close()
	})
	return gw, srv
}

func get(t testing.TB, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading body: %v", url, err)
	}
	return resp, b
}

func TestGatewayServesPublishedDir(t *testing.T) {
	fwd := newFwd(t)
	dir, files := makeStream(t)
	pub := newPublisher(t, fwd, video.Options{})
	if err := pub.PublishDir(dir); err != nil {
		t.Fatal(err)
	}
	if got := len(pub.Files()); got != len(files) {
		t.Fatalf("published %d files, want %d", got, len(files))
	}
	_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	wantType := map[string]string{
		"master.m3u8": "application/vnd.apple.mpegurl", "v0/seg001.ts": "video/mp2t",
		"dash/manifest.mpd": "application/dash+xml", "dash/chunk1.m4s": "video/iso.segment", "dash/init.mp4": "video/mp4",
	}
	for rel, want := range files {
		resp, body := get(t, srv.URL+"/lab/video/talk/"+rel)
		if resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Fatalf("%s: status %d, %d octets (want 200, %d octets equal to the file)", rel, resp.StatusCode, len(body), len(want))
		}
		if ct, ok := wantType[rel]; ok && resp.Header.Get("Content-Type") != ct {
			t.Errorf("%s: Content-Type %q, want %q", rel, resp.Header.Get("Content-Type"), ct)
		}
		if resp.Header.Get("ETag") == "" || !strings.HasPrefix(resp.Header.Get("X-NDN-Name"), "/lab/video/talk/"+rel) {
			t.Errorf("%s: ETag %q X-NDN-Name %q", rel, resp.Header.Get("ETag"), resp.Header.Get("X-NDN-Name"))
		}
	}
	// Conditional and range requests.
	url := srv.URL + "/lab/video/talk/v0/seg000.ts"
	resp, _ := get(t, url)
	etag := resp.Header.Get("ETag")
	if resp, _ := get(t, url, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, resp.StatusCode)
	}
	resp, body := get(t, url, "Range", "bytes=100-8199")
	if want := files["v0/seg000.ts"][100:8200]; resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, want) {
		t.Errorf("Range: status %d, %d octets; want 206 and the 8100 octets", resp.StatusCode, len(body))
	}
	if cr := resp.Header.Get("Content-Range"); cr != fmt.Sprintf("bytes 100-8199/%d", len(files["v0/seg000.ts"])) {
		t.Errorf("Content-Range %q", cr)
	}
	// The player page lists the master playlist and the DASH manifest.
	_, page := get(t, srv.URL+"/")
	for _, want := range []string{"/?play=/lab/video/talk/master.m3u8", "/lab/video/talk/dash/manifest.mpd"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("player page does not link %s:\n%s", want, page)
		}
	}
	if strings.Contains(string(page), "v0/index.m3u8") {
		t.Errorf("player page lists a media playlist although there is a master")
	}
	_, page = get(t, srv.URL+"/?play=/lab/video/talk/master.m3u8")
	if !strings.Contains(string(page), video.DefaultPlayerJS) {
		t.Errorf("player page does not load hls.js from %s", video.DefaultPlayerJS)
	}
}

func TestGatewaySharesOneFetch(t *testing.T) {
	fwd := newFwd(t)
	dir := t.TempDir()
	big := tsFile(rand.New(rand.NewPCG(3, 4)), 3000) // 564 KB, 71 Data segments
	writeFile(t, dir, "big.ts", big)
	pub := newPublisher(t, fwd, video.Options{})
	if err := pub.PublishDir(dir); err != nil {
		t.Fatal(err)
	}
	gw, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	const viewers = 8
	var wg sync.WaitGroup
	errs := make(chan error, viewers)
	for range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/lab/video/talk/big.ts")
			if err != nil {
				errs <- err
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Equal(b, big) {
				errs <- fmt.Errorf("got %d octets, err %v", len(b), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	segs := uint64((len(big) + video.DefaultChunkSize - 1) / video.DefaultChunkSize)
	t.Logf("gateway: fetches %d shared %d cache hits %d; producer sent %d segments of %d",
		gw.Counters.Fetches.Load(), gw.Counters.Shared.Load(), gw.Counters.CacheHits.Load(), pub.Counters.Segments.Load(), segs)
	if gw.Counters.Fetches.Load() != 1 || gw.Counters.Shared.Load()+gw.Counters.CacheHits.Load() != viewers-1 {
		t.Errorf("%d viewers made %d fetches (shared %d, cache hits %d); want 1", viewers, gw.Counters.Fetches.Load(), gw.Counters.Shared.Load(), gw.Counters.CacheHits.Load())
	}
	if got := pub.Counters.Segments.Load(); got > segs+segs/10 {
		t.Errorf("producer sent %d segments for a %d-segment object", got, segs)
	}
}

func TestGatewayErrors(t *testing.T) {
	fwd := newFwd(t)
	dir, _ := makeStream(t)
	signer, _ := security.GenerateKey(security.KeyEd25519, ndn.MustParseName("/lab/KEY/a"))
	other, _ := security.GenerateKey(security.KeyEd25519, ndn.MustParseName("/lab/KEY/b"))
	pub := newPublisher(t, fwd, video.Options{Signer: signer})
	if err := pub.PublishDir(dir); err != nil {
		t.Fatal(err)
	}
	// A producer that never answers.
	silent := memClient(t, fwd)
	if _, err := silent.Serve(context.Background(), ndn.MustParseName("/silent"), func(context.Context, *ndn.Interest) (*ndn.Data, error) { return nil, nil }, app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: ndn.MustParseName("/"), Verifier: signer.Public(), DiscoveryLifetime: 100 * time.Millisecond})
	_, badSrv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo, Verifier: other.Public()})
	_, narrow := newGateway(t, fwd, video.GatewayOptions{Prefix: ndn.MustParseName("/lab/video/other")})
	tests := []struct {
		name, url string
		status    int
		kind      string
	}{
		{"ok", srv.URL + "/lab/video/talk/master.m3u8", 200, ""},
		{"not found", srv.URL + "/lab/video/talk/nope.ts", 404, "not-found"},
		{"no route", srv.URL + "/nowhere/x.ts", 502, "no-route"},
		{"timeout", srv.URL + "/silent/x.ts", 504, "timeout"},
		{"bad signature", badSrv.URL + "/lab/video/talk/master.m3u8", 502, "bad-signature"},
		{"outside prefix", narrow.URL + "/lab/video/talk/master.m3u8", 404, "outside-prefix"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, tc.url)
			if resp.StatusCode != tc.status || resp.Header.Get("X-NDN-Error") != tc.kind {
				t.Fatalf("status %d X-NDN-Error %q, want %d %q; body %s", resp.StatusCode, resp.Header.Get("X-NDN-Error"), tc.status, tc.kind, body)
			}
			if tc.status != 200 && !strings.Contains(string(body), "ndnflow gateway:") {
				t.Errorf("body does not explain: %s", body)
			}
			t.Logf("%d %s", resp.StatusCode, strings.TrimSpace(string(body))[:min(len(strings.TrimSpace(string(body))), 200)])
		})
	}
}

func TestEncryptedStream(t *testing.T) {
	fwd := newFwd(t)
	dir, files := makeStream(t)
	keyDir := t.TempDir()
	key, err := video.GenerateKeyFile(filepath.Join(keyDir, "k"))
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := video.LoadKey(filepath.Join(keyDir, "k"))
	if err != nil || loaded.ID() != key.ID() {
		t.Fatalf("LoadKey: %v, id %s want %s", err, loaded.IDString(), key.IDString())
	}
	otherKey, _ := video.GenerateKeyFile(filepath.Join(keyDir, "other"))
	pub := newPublisher(t, fwd, video.Options{Key: key})
	if err := pub.PublishDir(dir); err != nil {
		t.Fatal(err)
	}
	// Every Data segment a cache would hold is ciphertext.
	c := memClient(t, fwd)
	seg := files["v0/seg000.ts"]
	for _, fi := range pub.Files() {
		if fi.KeyID != key.IDString() {
			t.Errorf("%s: key id %q, want %s", fi.Path, fi.KeyID, key.IDString())
		}
	}
	var ver uint64
	for _, fi := range pub.Files() {
		if fi.Path == "v0/seg000.ts" {
			ver = fi.Version
		}
	}
	name := streamPrefix.Append(ndn.GenericComponent("v0"), ndn.GenericComponent("seg000.ts"), ndn.VersionComponent(ver), ndn.SegmentComponent(0))
	d, err := c.Express(context.Background(), &ndn.Interest{Name: name}, app.ExpressOptions{Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(d.Content, seg[1:64]) || bytes.Contains(d.Wire(), seg[200:260]) {
		t.Fatalf("Data %s holds plaintext", d.Name)
	}
	_, withKey := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo, Key: key})
	_, noKey := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	_, wrongKey := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo, Key: otherKey})
	for rel, want := range files {
		resp, body := get(t, withKey.URL+"/lab/video/talk/"+rel)
		if resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Fatalf("with the key, %s: status %d, %d octets; want the %d plaintext octets", rel, resp.StatusCode, len(body), len(want))
		}
	}
	for _, tc := range []struct {
		url, kind string
	}{{noKey.URL, "encrypted"}, {wrongKey.URL, "wrong-key"}} {
		resp, body := get(t, tc.url+"/lab/video/talk/master.m3u8")
		if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("X-NDN-Error") != tc.kind {
			t.Errorf("status %d %q, want 502 %q: %s", resp.StatusCode, resp.Header.Get("X-NDN-Error"), tc.kind, body)
		}
		t.Logf("%s", body)
	}
}

func TestPublishDirRejectsBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tests := []struct {
		name  string
		files map[string][]byte
		want  error
	}{
		{"missing segment", map[string][]byte{
			"index.m3u8": mediaPlaylist([]string{"a.ts", "b.ts"}, true), "a.ts": tsFile(rng, 10),
		}, video.ErrMissingReference},
		{"missing rendition", map[string][]byte{
			"master.m3u8": []byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv9/index.m3u8\n"),
		}, video.ErrMissingReference},
		{"truncated ts", map[string][]byte{
			"index.m3u8": mediaPlaylist([]string{"a.ts"}, true), "a.ts": tsFile(rng, 10)[:1000],
		}, video.ErrIncomplete},
		{"truncated fmp4", map[string][]byte{
			"index.m3u8": mediaPlaylist([]string{"a.m4s"}, true), "a.m4s": mp4Box("mdat", 5000)[:3000],
		}, video.ErrIncomplete},
		{"not a playlist", map[string][]byte{"index.m3u8": []byte("hello")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fwd := newFwd(t)
			dir := t.TempDir()
			for rel, b := range tc.files {
				writeFile(t, dir, rel, b)
			}
			pub := newPublisher(t, fwd, video.Options{})
			err := pub.PublishDir(dir)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("PublishDir: %v, want %v", err, tc.want)
			}
			t.Logf("%v", err)
			if n := len(pub.Files()); n != 0 {
				t.Errorf("%d files published despite the error", n)
			}
		})
	}
	t.Run("missing directory", func(t *testing.T) {
		pub := newPublisher(t, newFwd(t), video.Options{})
		err := pub.PublishDir(filepath.Join(t.TempDir(), "nope"))
		if !errors.Is(err, video.ErrNoDirectory) {
			t.Fatalf("PublishDir: %v, want ErrNoDirectory", err)
		}
	})
}

func TestStoreServesAfterRestart(t *testing.T) {
	fwd := newFwd(t)
	dir, files := makeStream(t)
	stDir := t.TempDir()
	st, err := store.Open(stDir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	pub := newPublisher(t, fwd, video.Options{Store: st})
	if err := pub.PublishDir(dir); err != nil {
		t.Fatal(err)
	}
	pub.Close()
	st.Close()
	mtimes := map[string]time.Time{}
	for rel := range files {
		fi, _ := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
		mtimes[rel] = fi.ModTime()
	}
	os.RemoveAll(dir) // the packaged files are gone: the store alone serves
	st, err = store.Open(stDir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pub = newPublisher(t, fwd, video.Options{Store: st})
	n, err := pub.LoadStore()
	if err != nil || n != len(files) {
		t.Fatalf("LoadStore: %d files, %v; want %d", n, err, len(files))
	}
	_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	for rel, want := range files {
		resp, body := get(t, srv.URL+"/lab/video/talk/"+rel)
		if resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Fatalf("%s after restart: status %d, %d octets", rel, resp.StatusCode, len(body))
		}
	}
	pub.Close()

	// The same files (same versions) published again with a key: the
	// stored plaintext versions are not reused, they are sealed.
	dir2 := t.TempDir()
	for rel, b := range files {
		writeFile(t, dir2, rel, b)
		os.Chtimes(filepath.Join(dir2, filepath.FromSlash(rel)), mtimes[rel], mtimes[rel])
	}
	key, _ := video.GenerateKeyFile(filepath.Join(t.TempDir(), "k"))
	pub = newPublisher(t, fwd, video.Options{Store: st, Key: key})
	if err := pub.PublishDir(dir2); err != nil {
		t.Fatal(err)
	}
	_, noKey := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	_, withKey := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo, Key: key})
	if resp, _ := get(t, noKey.URL+"/lab/video/talk/v0/seg000.ts"); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("after re-publishing with a key, a gateway without it gets status %d", resp.StatusCode)
	}
	if resp, body := get(t, withKey.URL+"/lab/video/talk/v0/seg000.ts"); resp.StatusCode != 200 || !bytes.Equal(body, files["v0/seg000.ts"]) {
		t.Errorf("with the key: status %d, %d octets", resp.StatusCode, len(body))
	}
}

// replaceFile writes b to rel through a temporary file and a rename, as
// packagers write playlists.
func replaceFile(t testing.TB, dir, rel string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.WriteFile(p+".tmp", b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		t.Fatal(err)
	}
}

func TestLiveWatch(t *testing.T) {
	fwd := newFwd(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	pub := newPublisher(t, fwd, video.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	watchDone := make(chan error, 1)
	go func() { watchDone <- pub.Watch(ctx, dir, video.WatchOptions{RefWait: 300 * time.Millisecond}) }()
	defer func() {
		cancel()
		if err := <-watchDone; err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	url := srv.URL + "/lab/video/talk/index.m3u8"
	// waitFor polls the playlist until it names seg (bounded: 40 × 50 ms).
	waitFor := func(seg string) []byte {
		t.Helper()
		for range 40 {
			resp, body := get(t, url)
			if resp.StatusCode == 200 && strings.Contains(string(body), seg) {
				return body
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the playlist never named %s", seg)
		return nil
	}
	var segs []string
	contents := map[string][]byte{}
	for i := range 4 {
		s := fmt.Sprintf("seg%03d.ts", i)
		contents[s] = tsFile(rng, 60+i)
		writeFile(t, dir, s, contents[s])
		segs = append(segs, s)
		replaceFile(t, dir, "index.m3u8", mediaPlaylist(segs, false))
		waitFor(s)
		resp, body := get(t, srv.URL+"/lab/video/talk/"+s)
		if resp.StatusCode != 200 || !bytes.Equal(body, contents[s]) {
			t.Fatalf("%s: status %d, %d octets", s, resp.StatusCode, len(body))
		}
	}
	// A half-written segment named by a new playlist version: reported,
	// not published; viewers keep the previous playlist.
	half := tsFile(rng, 70)
	writeFile(t, dir, "seg004.ts", half[:5000])
	replaceFile(t, dir, "index.m3u8", mediaPlaylist(append(segs, "seg004.ts"), false))
	for i := 0; pub.Counters.Rejected.Load() == 0; i++ {
		if i == 60 {
			t.Fatal("the half-written segment was never reported")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp, body := get(t, url); resp.StatusCode != 200 || strings.Contains(string(body), "seg004") {
		t.Fatalf("the playlist naming a half-written segment was published: %s", body)
	}
	if resp, _ := get(t, srv.URL+"/lab/video/talk/seg004.ts"); resp.StatusCode != 404 {
		t.Fatalf("the half-written segment is served (status %d)", resp.StatusCode)
	}
	// Once complete, it and the playlist go out.
	writeFile(t, dir, "seg004.ts", half)
	waitFor("seg004.ts")
	if resp, body := get(t, srv.URL+"/lab/video/talk/seg004.ts"); resp.StatusCode != 200 || !bytes.Equal(body, half) {
		t.Fatalf("seg004.ts: status %d, %d octets", resp.StatusCode, len(body))
	}
	// A deleted segment stops being served.
	os.Remove(filepath.Join(dir, "seg000.ts"))
	for i := 0; ; i++ {
		if resp, _ := get(t, srv.URL+"/lab/video/talk/seg000.ts"); resp.StatusCode == 404 {
			break
		}
		if i == 40 {
			t.Fatal("a deleted segment is still served")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestWatchMissingDirectory(t *testing.T) {
	pub := newPublisher(t, newFwd(t), video.Options{})
	err := pub.Watch(context.Background(), filepath.Join(t.TempDir(), "nope"), video.WatchOptions{})
	if !errors.Is(err, video.ErrNoDirectory) {
		t.Fatalf("Watch: %v, want ErrNoDirectory", err)
	}
}

// slowProducer serves /lab/video/slow/x.ts/v=1 (segs Data segments of
// 8000 octets) with RDR metadata; segments from hold on are answered only
// after release is closed (never, if it stays open).
func slowProducer(t *testing.T, fwd *apptest.Forwarder, segs, hold uint64, release <-chan struct{}) []byte {
	t.Helper()
	name := ndn.MustParseName("/lab/video/slow/x.ts")
	vn := name.Append(ndn.VersionComponent(1))
	body := tsFile(rand.New(rand.NewPCG(9, 9)), int(segs)*8000/188+1)[:segs*8000]
	h := func(ctx context.Context, in *ndn.Interest) (*ndn.Data, error) {
		if in.Name.At(-1).Equal(ndn.KeywordComponent("metadata")) {
			return &ndn.Data{Name: in.Name.Append(ndn.VersionComponent(2), ndn.SegmentComponent(0)), Content: vn.AppendTLV(nil), Freshness: time.Millisecond}, nil
		}
		seg, ok := in.Name.At(-1).Number()
		if !ok || in.Name.At(-1).Type != ndn.TtSegmentNameComponent || seg >= segs {
			return nil, nil
		}
		if seg >= hold {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, nil
			}
		}
		return &ndn.Data{Name: in.Name, FinalBlock: ndn.SegmentComponent(segs - 1), Content: body[seg*8000 : (seg+1)*8000]}, nil
	}
	if _, err := memClient(t, fwd).Serve(context.Background(), name, h, app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	return body
}

// TestGatewayStreams checks that the first bytes reach the HTTP client
// while the rest of the object is still on its way, and that a fetch
// failing after the response started aborts it (no silent truncation).
func TestGatewayStreams(t *testing.T) {
	fwd := newFwd(t)
	release := make(chan struct{})
	body := slowProducer(t, fwd, 10, 3, release)
	_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
	resp, err := http.Get(srv.URL + "/lab/video/slow/x.ts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 3*8000)
	if _, err := io.ReadFull(resp.Body, first); err != nil || !bytes.Equal(first, body[:len(first)]) {
		t.Fatalf("the first three segments did not arrive before the rest was produced: %v", err)
	}
	close(release)
	rest, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(append(first, rest...), body) {
		t.Fatalf("the rest: %d octets, %v", len(rest), err)
	}

	fwd2 := newFwd(t)
	slowProducer(t, fwd2, 10, 3, make(chan struct{})) // segment 3 never comes
	_, srv2 := newGateway(t, fwd2, video.GatewayOptions{Prefix: labVideo, Timeout: time.Second})
	resp2, err := http.Get(srv2.URL + "/lab/video/slow/x.ts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	got, err := io.ReadAll(resp2.Body)
	if resp2.StatusCode != 200 || err == nil {
		t.Fatalf("status %d, %d octets, read error %v; want 200 and a response aborted after the first segments", resp2.StatusCode, len(got), err)
	}
	t.Logf("aborted after %d octets: %v", len(got), err)
}
