package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app/apptest"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
)

// syncBuffer is a bytes.Buffer safe for a command goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// background runs a long-running subcommand until the returned stop is
// called; stop returns its exit status and output.
func background(t *testing.T, args ...string) (out *syncBuffer, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	errOut := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- execute(ctx, newRootCmd(), args, out, errOut) }()
	var once sync.Once
	code := -1
	stop = func() (int, string) {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("%v did not stop", args)
			}
		})
		return code, errOut.String()
	}
	t.Cleanup(func() { stop() })
	return out, stop
}

// waitFor polls f until it returns true or 10 s pass.
func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testForwarder starts an apptest forwarder on a Unix socket and returns
// the --uplink value.
func testForwarder(t *testing.T) string {
	t.Helper()
	fwd := apptest.New()
	sock := filepath.Join(t.TempDir(), "fw.sock")
	if err := fwd.ListenUnix(sock, apptest.LinkOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fwd.Close)
	return "unix://" + sock
}

func TestPutGet(t *testing.T) {
	uplink := testForwarder(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	content := bytes.Repeat([]byte("ndnflow put/get round trip\n"), 20000)
	if err := os.WriteFile(src, content, 0o600); err != nil {
		t.Fatal(err)
	}
	out, stop := background(t, "put", "--uplink", uplink, "/test/obj", src)
	waitFor(t, "put to print its name", func() bool { return strings.Contains(out.String(), "/test/obj/v=") })
	versioned := strings.TrimSpace(out.String())

	dst := filepath.Join(dir, "dst")
	code, stdout, stderr := runCLI(t, nil, "get", "--uplink", uplink, "/test/obj", "-o", dst, "--json")
	if code != 0 {
		t.Fatalf("get exit %d: %s", code, stderr)
	}
	got, err := os.ReadFile(dst)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("fetched file differs (%d bytes, err %v)", len(got), err)
	}
	var sum getSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("--json output %q: %v", stdout, err)
	}
	if sum.Name != versioned || sum.Bytes != int64(len(content)) || sum.Segments == 0 {
		t.Errorf("summary %+v; want name %s, %d bytes", sum, versioned, len(content))
	}

	// The versioned name to stdout, summary to stderr.
	code, stdout, stderr = runCLI(t, nil, "get", "--uplink", uplink, versioned)
	if code != 0 || stdout != string(content) || !strings.Contains(stderr, "bytes in") {
		t.Fatalf("get to stdout: exit %d, %d bytes, stderr %q", code, len(stdout), stderr)
	}

	// Failures: no route, and the temporary file is not left behind.
	missing := filepath.Join(dir, "missing")
	code, _, stderr = runCLI(t, nil, "get", "--uplink", uplink, "/nobody/home", "-o", missing)
	if code != 1 || !strings.Contains(stderr, "no route to /nobody/home") {
		t.Errorf("get of an unrouted name: exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d entries after a failed get, want 2 (src, dst)", len(entries))
	}
	if code, _ := stop(); code != 0 {
		t.Errorf("put exit %d after interrupt", code)
	}
}

// TestPutStore publishes into a store, stops, and serves the object again
// from the store alone.
func TestPutStore(t *testing.T) {
	uplink := testForwarder(t)
	dir := t.TempDir()
	storeDir := filepath.Join(dir, "store")
	content := bytes.Repeat([]byte{1, 2, 3, 4, 5}, 7000)
	src := filepath.Join(dir, "src")
	os.WriteFile(src, content, 0o600)

	out, stop := background(t, "put", "--uplink", uplink, "--store", storeDir, "/stored", src)
	waitFor(t, "put", func() bool { return strings.Contains(out.String(), "/stored/v=") })
	first := strings.TrimSpace(out.String())
	stop()
	os.Remove(src)

	out, stop = background(t, "put", "--uplink", uplink, "--store", storeDir, "/stored")
	waitFor(t, "put from the store", func() bool { return strings.Contains(out.String(), "/stored/v=") })
	if again := strings.TrimSpace(out.String()); again != first {
		t.Errorf("served %s from the store, want %s", again, first)
	}
	dst := filepath.Join(dir, "dst")
	if code, _, stderr := runCLI(t, nil, "get", "--uplink", uplink, "/stored", "-o", dst); code != 0 {
		t.Fatalf("get: %s", stderr)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, content) {
		t.Fatal("content from the store differs")
	}
	stop()

	// An empty store has nothing to serve.
	code, _, stderr := runCLI(t, nil, "put", "--uplink", uplink, "--store", filepath.Join(dir, "empty"), "/stored")
	if code != 1 || !strings.Contains(stderr, "no complete object") {
		t.Errorf("put from an empty store: exit %d, %q", code, stderr)
	}
}

func TestToolUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"get"},
		{"get", "/a", "--cc", "reno"},
		{"put", "/a/v=3", "f"},
		{"put", "/a", "f", "--chunk-size", "9000"},
		{"ping", "/a", "-i", "0s"},
		{"pingserver", "/a", "--size", "9000"},
		{"ping", "not a name%"},
	} {
		if code, _, stderr := runCLI(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	for _, cmd := range []string{"get", "put", "ping", "pingserver"} {
		code, stdout, _ := runCLI(t, nil, cmd, "--help")
		if code != 0 || !strings.Contains(stdout, "Examples:") || !strings.Contains(stdout, "--uplink") {
			t.Errorf("%s --help lacks examples or --uplink:\n%s", cmd, stdout)
		}
	}
}

// TestPutGetSigned signs with an Ed25519 key certified by a root key and
// validates up to the root: get fetches the producer's certificate (served
// by put) through the forwarder. A wrong anchor fails validation.
func TestPutGetSigned(t *testing.T) {
	uplink := testForwarder(t)
	dir := t.TempDir()
	kc, err := keychain.Open(filepath.Join(dir, "keychain"))
	if err != nil {
		t.Fatal(err)
	}
	root, rootCert, err := kc.Generate(ndn.MustParseName("/test"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	alice, _, err := kc.Generate(ndn.MustParseName("/test/alice"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	issued, err := cert.Issue(alice.Name(), alice.Public(), root.WithKeyLocator(ndn.KeyLocator{Name: root.Name()}), cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := kc.AddCert(issued); err != nil {
		t.Fatal(err)
	}
	_, otherCert, err := kc.Generate(ndn.MustParseName("/other"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	anchor, wrong := filepath.Join(dir, "root.cert"), filepath.Join(dir, "other.cert")
	os.WriteFile(anchor, cert.EncodeBase64(rootCert.Wire()), 0o644)
	os.WriteFile(wrong, cert.EncodeBase64(otherCert.Wire()), 0o644)
	src := filepath.Join(dir, "src")
	content := bytes.Repeat([]byte("signed "), 5000)
	os.WriteFile(src, content, 0o600)

	out, stop := background(t, "put", "--uplink", uplink, "--keychain", filepath.Join(dir, "keychain"),
		"--sign", "/test/alice", "/test/alice/doc", src)
	waitFor(t, "put", func() bool { return strings.Contains(out.String(), "/test/alice/doc/v=") })

	dst := filepath.Join(dir, "dst")
	code, _, stderr := runCLI(t, nil, "get", "--uplink", uplink, "/test/alice/doc", "-o", dst, "--trust-anchor", anchor)
	if code != 0 {
		t.Fatalf("get with the right anchor: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, content) {
		t.Fatal("content differs")
	}
	code, _, stderr = runCLI(t, nil, "get", "--uplink", uplink, "/test/alice/doc", "-o", filepath.Join(dir, "x"), "--trust-anchor", wrong)
	if code != 1 || !strings.Contains(stderr, "validation failed") {
		t.Errorf("get with a wrong anchor: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "get", "--uplink", uplink, "/test/alice/doc", "-o", filepath.Join(dir, "y"), "--verify", wrong)
	if code != 1 || !strings.Contains(stderr, "validation failed") {
		t.Errorf("get --verify with the wrong key: exit %d: %s", code, stderr)
	}
	stop()
}

// TestGetTimeout: when nothing answers, get ends with a timeout message
// after --timeout.
func TestGetTimeout(t *testing.T) {
	uplink := testForwarder(t)
	code, _, stderr := runCLI(t, nil, "get", "--uplink", uplink, "/mute/x/v=1", "--timeout", "300ms")
	if code != 1 || !strings.Contains(stderr, "timed out fetching /mute/x/v=1") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestGetToFIFO checks that -o naming a device or FIFO writes into it: a
// temporary file renamed over it would replace it (-o /dev/null once
// replaced /dev/null with a regular file).
func TestGetToFIFO(t *testing.T) {
	uplink := testForwarder(t)
	dir := t.TempDir()
	content := bytes.Repeat([]byte("into a pipe\n"), 5000)
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, content, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := background(t, "put", "--uplink", uplink, "/test/fifo", src)
	waitFor(t, "put to print its name", func() bool { return strings.Contains(out.String(), "/test/fifo/v=") })

	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until get opens it for writing
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	code, _, stderr := runCLI(t, nil, "get", "--uplink", uplink, "/test/fifo", "-o", fifo)
	if code != 0 {
		t.Fatalf("get exit %d: %s", code, stderr)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, content) {
			t.Errorf("read %d bytes from the FIFO, want %d", len(b), len(content))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing read from the FIFO")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v %v", fifo, fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d entries, want 2 (src, pipe)", len(entries))
	}
}
