package topo_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/bench/topo"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// suite is what every scenario shares: the ndnflow binary, built once per
// test process.
type suite struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

var shared suite

// setup skips t unless namespaces are usable and returns the options for
// topo.Start.
func setup(t *testing.T) topo.Options {
	t.Helper()
	topo.SkipUnlessNetns(t)
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if shared.dir, shared.err = os.MkdirTemp("", "ndnflow-topo-bin-"); shared.err != nil {
			return
		}
		shared.bin, shared.err = topo.BuildNdnflow(ctx, shared.dir)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return topo.Options{Binary: shared.bin}
}

// randomFile writes size deterministic pseudo-random bytes and returns the
// path and SHA-256.
func randomFile(t *testing.T, size int64, seed uint64) (string, [32]byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), fmt.Sprintf("obj-%d.bin", seed))
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	var s [32]byte
	s[0] = byte(seed)
	h := sha256.New()
	r := rand.NewChaCha8(s)
	if _, err := io.CopyN(io.MultiWriter(f, h), r, size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return p, sum
}

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// getSummary is `ndnflow get --json` output.
type getSummary struct {
	Bytes           int64   `json:"bytes"`
	Segments        uint64  `json:"segments"`
	Seconds         float64 `json:"seconds"`
	GoodputMbps     float64 `json:"goodput_mbps"`
	Retransmissions uint64  `json:"retransmissions"`
	Timeouts        uint64  `json:"timeouts"`
	SRTTms          float64 `json:"srtt_ms"`
}

// publish starts `ndnflow put NAME FILE` at nd and waits for it to print
// the versioned name.
func publish(t *testing.T, nd *topo.NodeHandle, name, file string, extra ...string) (string, *topo.Proc) {
	t.Helper()
	p, err := nd.StartApp(append([]string{"put", name, file, "--log-level", "warn"}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if out := p.Stdout(); strings.Contains(out, "\n") {
			return strings.TrimSpace(out), p
		}
		select {
		case <-p.Done():
			t.Fatalf("put exited: %s", p.Stderr())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("put printed no name within 15 s: %s", p.Stderr())
	return "", nil
}

// fetch runs `ndnflow get NAME -o OUT --json` at nd.
func fetch(t *testing.T, ctx context.Context, nd *topo.NodeHandle, name, out string, extra ...string) getSummary {
	t.Helper()
	s, err := fetchErr(ctx, nd, name, out, extra...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fetchErr is fetch for other goroutines than the test's.
func fetchErr(ctx context.Context, nd *topo.NodeHandle, name, out string, extra ...string) (getSummary, error) {
	args := append([]string{"get", name, "-o", out, "--json", "--no-progress", "--log-level", "warn"}, extra...)
	var s getSummary
	stdout, err := nd.RunApp(ctx, args...)
	if err != nil {
		return s, fmt.Errorf("get at %s: %w", nd.Name, err)
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		return s, fmt.Errorf("get summary at %s %q: %w", nd.Name, stdout, err)
	}
	return s, nil
}

// figures logs one line of a scenario's figures, prefixed so that a CI
// log can be grepped and compared across commits.
func figures(t *testing.T, scenario string, kv ...any) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "FIGURES %s", scenario)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	t.Log(b.String())
	// NDNFLOW_TOPO_FIGURES=FILE also appends the line to FILE, so that runs
	// can be compared across commits without -v.
	if p := os.Getenv("NDNFLOW_TOPO_FIGURES"); p != "" {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Errorf("NDNFLOW_TOPO_FIGURES: %v", err)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "%s %s\n", time.Now().UTC().Format(time.RFC3339), b.String())
	}
}

// stallWriter hashes what it is given and records the longest gap between
// writes after the first: the longest time the application saw no new
// bytes.
type stallWriter struct {
	mu    sync.Mutex
	h     hash.Hash
	n     int64
	last  time.Time
	stall time.Duration
	// at is when the stall ended and how many bytes had arrived before it.
	stallAt    time.Duration
	stallBytes int64
	start      time.Time
	onWrite    func(n int64)
	times      []time.Time // of every write, for gapAfter
}

// gapAfter returns the longest time without new bytes that ended after t:
// the stall an event at t caused (the gap may have begun before t).
func (w *stallWriter) gapAfter(t time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var g time.Duration
	for i := 1; i < len(w.times); i++ {
		if w.times[i].After(t) {
			g = max(g, w.times[i].Sub(w.times[i-1]))
		}
	}
	return g
}

func newStallWriter() *stallWriter { return &stallWriter{h: sha256.New(), start: time.Now()} }

func (w *stallWriter) Write(p []byte) (int, error) {
	now := time.Now()
	w.mu.Lock()
	if !w.last.IsZero() && now.Sub(w.last) > w.stall {
		w.stall, w.stallAt, w.stallBytes = now.Sub(w.last), now.Sub(w.start), w.n
	}
	w.last = now
	if len(w.times) < 1<<20 {
		w.times = append(w.times, now)
	}
	w.h.Write(p)
	w.n += int64(len(p))
	n, f := w.n, w.onWrite
	w.mu.Unlock()
	if f != nil {
		f(n)
	}
	return len(p), nil
}

func (w *stallWriter) sum() [32]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	var s [32]byte
	copy(s[:], w.h.Sum(nil))
	return s
}

// fetchInProcess fetches name through nd's forwarder from this process
// (over nd's Unix socket, which is a file path reachable from outside the
// namespace), calling onWrite with the bytes received so far.
func fetchInProcess(ctx context.Context, nd *topo.NodeHandle, name string, onWrite func(int64)) (*segmented.Result, *stallWriter, error) {
	c, err := app.Connect(ctx, nd.URI(), app.Options{})
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	n, err := ndn.ParseName(name)
	if err != nil {
		return nil, nil, err
	}
	w := newStallWriter()
	w.onWrite = onWrite
	res, err := segmented.Fetch(ctx, c, n, w, segmented.FetchOptions{MaxRetries: 60, WriteBuffer: 8 << 10})
	return res, w, err
}
