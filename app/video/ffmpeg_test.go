package video_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app/video"
)

// needFFmpeg skips a test when ffmpeg is missing (scripts/setup-test-deps.sh
// installs it; these tests check real packager output).
func needFFmpeg(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/setup-test-deps.sh installs it): %v", tool, err)
		}
	}
}

// testInput writes a short test-pattern video with a tone.
func testInput(t *testing.T, seconds string) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.mp4")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", "testsrc=size=192x108:rate=25:duration="+seconds,
		"-f", "lavfi", "-i", "sine=frequency=440:duration="+seconds,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", in).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return in
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)], _ = os.ReadFile(p)
		}
		return nil
	})
	return files
}

// TestRealPackagers publishes what ffmpeg's HLS muxer (fMP4 segments, two
// renditions) and DASH muxer (SegmentTemplate) write, and reads every file
// back through the gateway.
func TestRealPackagers(t *testing.T) {
	needFFmpeg(t)
	in := testInput(t, "4")
	hls := filepath.Join(t.TempDir(), "hls")
	if err := video.Package(context.Background(), in, hls, video.PackageOptions{SegmentType: "fmp4", Preset: "ultrafast"}); err != nil {
		t.Fatal(err)
	}
	dash := filepath.Join(t.TempDir(), "dash")
	os.MkdirAll(dash, 0o755)
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", in,
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac",
		"-f", "dash", "-seg_duration", "2", "-use_template", "1", "-use_timeline", "1",
		filepath.Join(dash, "manifest.mpd")).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg dash: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name, dir, entry string
	}{{"hls-fmp4", hls, "master.m3u8"}, {"dash", dash, "manifest.mpd"}} {
		t.Run(tc.name, func(t *testing.T) {
			fwd := newFwd(t)
			files := readTree(t, tc.dir)
			if err := video.CheckDir(tc.dir); err != nil {
				t.Fatalf("CheckDir on ffmpeg's output: %v", err)
			}
			pub := newPublisher(t, fwd, video.Options{})
			if err := pub.PublishDir(tc.dir); err != nil {
				t.Fatal(err)
			}
			if e := pub.Entries(); len(e) != 1 || e[0].Path != tc.entry {
				t.Errorf("entries %+v, want only %s", e, tc.entry)
			}
			_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
			var m4s int
			for rel, want := range files {
				resp, body := get(t, srv.URL+"/lab/video/talk/"+rel)
				if resp.StatusCode != 200 || !bytes.Equal(body, want) {
					t.Fatalf("%s: status %d, %d octets, want %d", rel, resp.StatusCode, len(body), len(want))
				}
				if strings.HasSuffix(rel, ".m4s") {
					m4s++
				}
			}
			t.Logf("%d files (%d .m4s) published and read back", len(files), m4s)
			if m4s < 2 {
				t.Errorf("ffmpeg wrote %d .m4s files", m4s)
			}
		})
	}

	// Live DASH: the manifest names segments by template only, so each is
	// published once its size has been stable for Settle.
	t.Run("dash-live", func(t *testing.T) {
		fwd := newFwd(t)
		dir := t.TempDir()
		pub := newPublisher(t, fwd, video.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- pub.Watch(ctx, dir, video.WatchOptions{Settle: 200 * time.Millisecond}) }()
		defer func() {
			cancel()
			<-done
		}()
		_, srv := newGateway(t, fwd, video.GatewayOptions{Prefix: labVideo})
		files := readTree(t, dash)
		for rel, b := range files {
			if !strings.HasSuffix(rel, ".mpd") {
				writeFile(t, dir, rel, b)
			}
		}
		replaceFile(t, dir, "manifest.mpd", files["manifest.mpd"])
		for rel, want := range files {
			for i := 0; ; i++ {
				resp, body := get(t, srv.URL+"/lab/video/talk/"+rel)
				if resp.StatusCode == 200 && bytes.Equal(body, want) {
					break
				}
				if i == 60 {
					t.Fatalf("%s never published: status %d", rel, resp.StatusCode)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})
}
