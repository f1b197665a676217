package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// benchFast makes a bench run take about half a second on in-process targets.
var benchFast = []string{"--duration", "300ms", "--warmup", "100ms", "--flows", "2", "--window", "8"}

func TestBenchBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bench", "fwd", "--flows", "-1"}, "--flows -1"},
		{[]string{"bench", "fwd", "--payload", "100000"}, "--payload"},
		{[]string{"bench", "fwd", "--name-len", "2"}, "--name-len"},
		{[]string{"bench", "fwd", "--cs-hit", "2"}, "--cs-hit"},
		{[]string{"bench", "fwd", "--cs-hit", "1", "--cs-set", "4"}, "--cs-set 4"},
		{[]string{"bench", "fwd", "--transport", "carrier-pigeon"}, "--transport"},
		{[]string{"bench", "fwd", "--target", "ftp://x"}, "--target"},
		{[]string{"bench", "fwd", "--target", "unix:///x.sock", "--transport", "udp"}, "contradicts"},
		{[]string{"bench", "fwd", "--transport", "memory"}, "memory needs"},
		{[]string{"bench", "fetch", "--object-size", "lots"}, "--object-size"},
		{[]string{"bench", "fwd", "--duration", "soon"}, "invalid argument"},
		{[]string{"bench", "fwd", "extra"}, "unknown command"},
		{[]string{"bench", "nope"}, "unknown command"},
		{[]string{"bench", "report"}, "requires at least 1 arg"},
		{[]string{"bench", "report", "x.json"}, "-o FILE is required"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestBenchTableAndJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, append([]string{"bench", "fwd", "--target", "relay", "--transport", "memory"}, benchFast...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "Data/s") || !strings.Contains(lines[1], "relay") {
		t.Fatalf("table:\n%s", stdout)
	}

	jsonFile := filepath.Join(t.TempDir(), "runs.json")
	code, stdout, stderr = runCLI(t, nil, append([]string{"bench", "fwd", "--target", "inproc", "--transport", "memory",
		"--json", "--repeat", "2", "--json-out", jsonFile}, benchFast...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines = strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 2 runs and a summary, got:\n%s", stdout)
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if i < 2 && (m["data_per_s"].(float64) <= 0 || m["label"] != "ndnflow-inproc") {
			t.Errorf("run line %d: %s", i, l)
		}
		if i == 2 && (m["summary"] != true || m["stats"] == nil) {
			t.Errorf("summary line: %s", l)
		}
	}
	if b, err := os.ReadFile(jsonFile); err != nil || strings.TrimSpace(string(b)) != strings.TrimSpace(stdout) {
		t.Errorf("--json-out file differs from stdout (%v)", err)
	}

	dir := t.TempDir()
	for _, out := range []string{"r.html", "r.svg", "r.png"} {
		code, stdout, stderr := runCLI(t, nil, "bench", "report", jsonFile, "-o", filepath.Join(dir, out))
		if code != 0 || !strings.Contains(stdout, "wrote") {
			t.Fatalf("report %s: exit %d: %s", out, code, stderr)
		}
		if st, err := os.Stat(filepath.Join(dir, out)); err != nil || st.Size() < 1000 {
			t.Errorf("report %s: %v", out, err)
		}
	}
	if code, _, stderr := runCLI(t, nil, "bench", "report", jsonFile, "-o", filepath.Join(dir, "r.pdf")); code != 2 || !strings.Contains(stderr, ".html, .svg or .png") {
		t.Errorf("pdf: exit %d %q", code, stderr)
	}
}

// asBinaryEnv makes the test binary behave as the ndnflow binary, so that
// `bench` can start `ndnflow fw` and `bench relay-serve` children from a
// test: spawnSelf runs os.Executable(), which is the test binary here.
const asBinaryEnv = "NDNFLOW_TEST_AS_BINARY"

func TestMain(m *testing.M) {
	if os.Getenv(asBinaryEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := execute(ctx, newRootCmd(), os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestBenchInternalTarget runs every scenario against `ndnflow fw` started
// as a child process, with its prefixes registered through rib/register,
// and the relay as a child process.
func TestBenchInternalTarget(t *testing.T) {
	t.Setenv(asBinaryEnv, "1")
	for _, args := range [][]string{
		append([]string{"bench", "fwd", "--target", "internal", "--transport", "unix", "--fib-size", "20"}, benchFast...),
		append([]string{"bench", "fwd", "--target", "internal", "--transport", "udp"}, benchFast...),
		append([]string{"bench", "relay", "--target", "internal", "--transport", "tcp"}, benchFast...),
		{"bench", "fetch", "--target", "internal", "--object-size", "1MiB", "--flows", "2"},
	} {
		t.Run(strings.Join(args[1:6], " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, append(args, "--fail-on-loss")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "ndnflow") {
				t.Errorf("no ndnflow row:\n%s", stdout)
			}
		})
	}
}
