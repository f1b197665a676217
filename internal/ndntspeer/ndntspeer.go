// Package ndntspeer runs NDNts (the TypeScript NDN library, from npm) for
// ndnflow's tests: as an independent producer, consumer, ping and raw-socket
// peer (interop, forwarder/daemon), and as an independent codec that the
// ndn, ndn/mgmt and security tests cross-check against.
//
// Every NDNts script lives in the one Node project interop/ndnts (package.json,
// a committed package-lock.json, polyfill.mjs, peer.mjs, decode.mjs,
// mgmt-crosscheck.mjs, security.mjs). [Setup] installs it with `npm ci` when
// node_modules is missing or stale; [Start] and [Run] run peer.mjs
// subcommands, [Node] runs any script with a request on stdin, and every
// process they start is stopped by its PID when the test ends.
// [Decode] parses the JSON line a peer prints ([ConsumeResult], [PingResult],
// [RawResult]) and [ReadStats] the face counters it writes with --stats-out.
// Peers bind only loopback addresses or Unix socket paths.
package ndntspeer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ErrNotReady means a peer exited or timed out before printing READY.
var ErrNotReady = errors.New("ndntspeer: peer did not become ready")

// Dir returns the interop/ndnts directory of the repository.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "interop", "ndnts")
}

// Setup makes sure NDNts is installed and returns the interop/ndnts directory.
// It skips the test when node is absent, or when NDNts needs installing and
// npm is absent; it fails the test when the install fails.
func Setup(t testing.TB) string {
	t.Helper()
	return setup(t, t.Skip)
}

// Require is [Setup] for tests that CI must not skip: when the environment
// variable CI is set, a missing node or npm fails the test instead.
func Require(t testing.TB) string {
	t.Helper()
	if os.Getenv("CI") != "" {
		return setup(t, t.Fatal)
	}
	return setup(t, t.Skip)
}

func setup(t testing.TB, unavailable func(args ...any)) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		unavailable("ndntspeer: node is not installed; run `make test` to install test dependencies")
	}
	dir := Dir()
	if err := install(dir); errors.Is(err, errNoNpm) {
		unavailable("ndntspeer: NDNts is not installed and npm is missing; run `make test` to install test dependencies")
	} else if err != nil {
		t.Fatalf("ndntspeer: %v", err)
	}
	return dir
}

// errNoNpm means NDNts needs installing and npm is not on PATH.
var errNoNpm = errors.New("npm is not installed")

// install runs `npm ci` when the installed tree does not match
// package-lock.json. A file lock serializes test processes of different
// packages, which go test runs in parallel.
func install(dir string) error {
	lf, err := os.OpenFile(filepath.Join(dir, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lf.Fd()), syscall.LOCK_UN)
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	stamp := filepath.Join(dir, "node_modules", ".ndnflow-lock-sha256")
	if b, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(b)) == hex.EncodeToString(sum[:]) {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errNoNpm
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
	}
	return os.WriteFile(stamp, []byte(hex.EncodeToString(sum[:])+"\n"), 0o644)
}

// Peer is a running peer.mjs process.
type Peer struct {
	cmd *exec.Cmd
	// Ready is the text after READY on the peer's first READY line.
	Ready  string
	stderr lockedWriter
	done   chan struct{}
}

// Start runs `node peer.mjs args...`, waits up to timeout for its READY
// line, and registers a cleanup that stops it with SIGTERM (then SIGKILL).
func Start(t testing.TB, timeout time.Duration, args ...string) (*Peer, error) {
	t.Helper()
	dir := Setup(t)
	cmd := exec.Command("node", append([]string{"peer.mjs"}, args...)...)
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &Peer{cmd: cmd, done: make(chan struct{})}
	cmd.Stderr = &p.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(p.Stop)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- line
			}
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	select {
	case p.Ready = <-ready:
		return p, nil
	case <-p.done:
	case <-time.After(timeout):
	}
	p.Stop()
	return nil, fmt.Errorf("%w: node peer.mjs %s\n%s", ErrNotReady, strings.Join(args, " "), p.Stderr())
}

// Stderr returns what the peer has written to stderr so far.
func (p *Peer) Stderr() string {
	p.stderr.mu.Lock()
	defer p.stderr.mu.Unlock()
	return p.stderr.w.String()
}

// Stop ends the peer: SIGTERM, then SIGKILL after two seconds. It is idempotent.
func (p *Peer) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Run runs `node peer.mjs args...` to completion within timeout and returns
// its stdout; the error includes stderr.
func Run(t testing.TB, timeout time.Duration, args ...string) (string, error) {
	t.Helper()
	out, err := Node(t, timeout, nil, "peer.mjs", args...)
	return string(out), err
}

// Node runs `node script args...` in the interop/ndnts directory (after
// [Setup]) with stdin as its standard input, waits at most timeout for it to
// exit, and returns its stdout. The error includes stderr; on success a
// non-empty stderr is logged with t.Log. The process is killed at the
// timeout or when the test's context ends.
func Node(t testing.TB, timeout time.Duration, stdin []byte, script string, args ...string) ([]byte, error) {
	t.Helper()
	dir := Setup(t)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("node %s %s: %w\n%s", script, strings.Join(args, " "), err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("node %s %s stderr:\n%s", script, strings.Join(args, " "), stderr.String())
	}
	return stdout.Bytes(), nil
}

type lockedWriter struct {
	mu sync.Mutex
	w  bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// FaceStats are the counters peer.mjs keeps for its NDNts face, counted on
// the wire: frames as the transport carries them, before NDNts reassembles
// NDNLPv2 fragments and after it fragments. Consume and ping print them in
// their JSON line ("face"); produce and pingserver write them to --stats-out
// when they stop.
type FaceStats struct {
	RxFrames    int `json:"rxFrames"`
	RxFragments int `json:"rxFragments"` // frames with FragCount > 1
	RxIdle      int `json:"rxIdle"`      // LpPackets without a fragment
	RxData      int `json:"rxData"`      // whole or first-fragment Data
	// RxDataToken6 counts the received Data that carried a 6-byte PIT token
	// (NDNts' token size): the forwarder echoed the token of the Interest.
	RxDataToken6 int `json:"rxDataToken6"`
	RxNack       int `json:"rxNack"`
	RxErrors     int `json:"rxErrors"` // LpPackets NDNts could not decode

	TxFrames         int `json:"txFrames"`
	TxFragments      int `json:"txFragments"`
	TxIdle           int `json:"txIdle"`
	TxInterest       int `json:"txInterest"`
	TxInterestToken6 int `json:"txInterestToken6"`
	TxData           int `json:"txData"`
	TxDataToken      int `json:"txDataToken"`
	// FaceDown counts the times NDNts saw its face go down.
	FaceDown int `json:"faceDown"`
}

// ConsumeResult is the JSON line of `peer.mjs consume`.
type ConsumeResult struct {
	Name   string    `json:"name"`
	Bytes  int64     `json:"bytes"`
	Sha256 string    `json:"sha256"`
	Ms     float64   `json:"ms"`
	Face   FaceStats `json:"face"`
}

// PingResult is the JSON line of `peer.mjs ping`.
type PingResult struct {
	Sent     int       `json:"sent"`
	Received int       `json:"received"`
	Lost     int       `json:"lost"`
	RTTms    []float64 `json:"rtt_ms"`
	Face     FaceStats `json:"face"`
}

// RawResult is the JSON line of `peer.mjs raw`.
type RawResult struct {
	IdleSent int `json:"idleSent"`
	Replies  []struct {
		Kind        string `json:"kind"` // data, nack or timeout
		Name        string `json:"name"`
		TokenSent   string `json:"tokenSent"`
		TokenBack   string `json:"tokenBack"`
		TokenEchoed bool   `json:"tokenEchoed"`
		NackReason  int    `json:"nackReason"`
	} `json:"replies"`
	// Closed says whether the forwarder closed the connection.
	Closed bool `json:"closed"`
}

// Decode parses the last non-empty line of a peer's stdout as JSON into v.
func Decode(stdout string, v any) error {
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	last := lines[len(lines)-1]
	if err := json.Unmarshal([]byte(last), v); err != nil {
		return fmt.Errorf("ndntspeer: peer output %q: %w", stdout, err)
	}
	return nil
}

// ReadStats reads the file a peer wrote with --stats-out.
func ReadStats(file string) (FaceStats, error) {
	var s FaceStats
	b, err := os.ReadFile(file)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("ndntspeer: stats %s: %w", file, err)
	}
	return s, nil
}
