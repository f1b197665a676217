package interop

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ndnflowBin is the ndnflow binary TestMain builds; empty when node is
// missing (every test then skips in ndntspeer.Setup before using it).
var ndnflowBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if _, err := exec.LookPath("node"); err == nil {
		dir, err := os.MkdirTemp("", "ndnflow-interop-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ndnflowBin = filepath.Join(dir, "ndnflow")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		out, err := exec.CommandContext(ctx, "go", "build", "-o", ndnflowBin, "github.com/ndnflow/ndnflow/cmd/ndnflow").CombinedOutput()
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "interop: go build ndnflow: %v\n%s", err, out)
			return 1
		}
	}
	return m.Run()
}

// lockedBuffer is a bytes.Buffer safe for a process writer and a test reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a running ndnflow process.
type proc struct {
	cmd    *exec.Cmd
	stderr lockedBuffer
	done   chan struct{}
	// First is the first line the process wrote to stdout (fw: unused).
	First string
}

// env is the environment of ndnflow processes: no client transport from the
// user's environment, and the test's keychain.
func env(keychain string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NDN_CLIENT_TRANSPORT=") && !strings.HasPrefix(kv, "NDNFLOW_KEYCHAIN=") {
			out = append(out, kv)
		}
	}
	if keychain != "" {
		out = append(out, "NDNFLOW_KEYCHAIN="+keychain)
	}
	return out
}

// startNdnflow runs `ndnflow args...` and waits up to timeout for a line on
// stdout that contains want (any line when want is empty); with want "-" it
// does not wait. The process is stopped by PID when the test ends.
func startNdnflow(t *testing.T, keychain, want string, timeout time.Duration, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(ndnflowBin, args...), done: make(chan struct{})}
	p.cmd.Env = env(keychain)
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		_ = p.cmd.Wait()
		close(p.done)
	}()
	if want == "-" {
		return p
	}
	deadline := time.After(timeout)
	for {
		select {
		case line := <-lines:
			if strings.Contains(line, want) {
				p.First = line
				return p
			}
		case <-p.done:
			t.Fatalf("ndnflow %s exited before printing %q:\n%s", strings.Join(args, " "), want, p.stderr.String())
		case <-deadline:
			t.Fatalf("ndnflow %s printed no %q within %v:\n%s", strings.Join(args, " "), want, timeout, p.stderr.String())
		}
	}
}

// stop sends SIGTERM and SIGKILL after 5 s. It is idempotent.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// runNdnflow runs `ndnflow args...` to completion within timeout and returns
// its stdout and stderr.
func runNdnflow(t *testing.T, keychain string, timeout time.Duration, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ndnflowBin, args...)
	cmd.Env = env(keychain)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("ndnflow %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String(), err
}

// forwarder is a running `ndnflow fw` listening on a Unix socket in a
// temporary directory and on 127.0.0.1 UDP and TCP ports the kernel chose.
type forwarder struct {
	*proc
	// Uplinks are client URIs by transport: "unix", "tcp" and "udp".
	Uplinks map[string]string
	// UDPAddr is the UDP channel's HOST:PORT.
	UDPAddr string
}

// transports are the transports every test covers.
var transports = []string{"unix", "tcp", "udp"}

// startForwarder runs `ndnflow fw` with extra flags and waits until it
// listens on every transport.
func startForwarder(t *testing.T, extra ...string) *forwarder {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "nfd.sock")
	args := append([]string{"fw", "--unix", sock, "--udp", "127.0.0.1:0", "--tcp", "127.0.0.1:0", "--ws", "", "--threads", "2"}, extra...)
	p := startNdnflow(t, "", "-", 0, args...)
	f := &forwarder{proc: p, Uplinks: map[string]string{"unix": "unix://" + sock}}
	for deadline := time.Now().Add(20 * time.Second); len(f.Uplinks) < 3; time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(p.stderr.String(), "\n") {
			_, uri, ok := strings.Cut(line, "msg=listening uri=")
			if !ok {
				continue
			}
			for _, k := range []string{"udp", "tcp"} {
				if hostport, ok := strings.CutPrefix(uri, k+"4://"); ok {
					f.Uplinks[k] = k + "://" + hostport
					if k == "udp" {
						f.UDPAddr = hostport
					}
				}
			}
		}
		select {
		case <-p.done:
			t.Fatalf("ndnflow fw exited:\n%s", p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ndnflow fw not listening on unix, tcp and udp after 20 s:\n%s", p.stderr.String())
		}
	}
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("ndnflow fw socket: %v", err)
	}
	return f
}

// ctl runs `ndnflow ctl --json args...` against the forwarder's Unix socket.
func (f *forwarder) ctl(t *testing.T, args ...string) string {
	t.Helper()
	out, _, err := runNdnflow(t, "", 15*time.Second, append([]string{"ctl", "--json", "--uplink", f.Uplinks["unix"]}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// content writes n pseudo-random bytes (seeded by name) to a file in the
// test's temporary directory and returns its path and the bytes.
func content(t *testing.T, name string, n int) (string, []byte) {
	t.Helper()
	var seed [32]byte
	copy(seed[:], name)
	b := make([]byte, n)
	r := rand.NewChaCha8(seed)
	_, _ = r.Read(b)
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, b
}
