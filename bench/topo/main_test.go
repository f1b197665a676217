package topo_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/bench/topo"
)

func TestMain(m *testing.M) { topo.Main(m) }

// suite is what every scenario shares: the ndnflow binary, built once per
// test process, and whether its `fw` serves management (else the nodes run
// the harness's node runner, which attaches the management server).
type suite struct {
	once   sync.Once
	dir    string
	bin    string
	runner bool
	err    error
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
		if shared.bin, shared.err = topo.BuildNdnflow(ctx, shared.dir); shared.err != nil {
			return
		}
		var has bool
		has, shared.err = topo.HasManagement(ctx, shared.bin, shared.dir)
		shared.runner = !has
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	if shared.runner {
		t.Log("ndnflow fw serves no management protocol yet: nodes run the daemon package through the topo node runner, which attaches forwarder/mgmt")
	}
	return topo.Options{Binary: shared.bin, UseRunner: shared.runner}
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
	args := append([]string{"get", name, "-o", out, "--json", "--no-progress", "--log-level", "warn"}, extra...)
	stdout, err := nd.RunApp(ctx, args...)
	if err != nil {
		t.Fatalf("get at %s: %v", nd.Name, err)
	}
	var s getSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("get summary %q: %v", stdout, err)
	}
	return s
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
}
