package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a forwarder or relay process the benchmark started.
type child struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	err    error         // Wait's result; set before exited closes
	stderr tailBuffer
	stopMu sync.Mutex
	stop   bool
}

// tailBuffer keeps the last 4 KB written to it, to quote a dead child.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = append(t.b[:0], t.b[len(t.b)-4096:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

// startChild starts cmd; stdout lines go to onLine (if any) until EOF.
func startChild(name string, cmd *exec.Cmd, onLine func(string)) (*child, error) {
	c := &child{name: name, cmd: cmd, exited: make(chan struct{})}
	cmd.Stderr = &c.stderr
	var stdout io.ReadCloser
	if onLine != nil {
		var err error
		if stdout, err = cmd.StdoutPipe(); err != nil {
			return nil, err
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: starting %s: %w", name, err)
	}
	var wg sync.WaitGroup
	if stdout != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				onLine(sc.Text())
			}
			io.Copy(io.Discard, stdout)
		}()
	}
	go func() {
		wg.Wait() // Wait must follow the last read of the pipe
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// diedError describes an unexpected exit.
func (c *child) diedError() error {
	msg := fmt.Sprintf("%v: %s exited during the run (%v)", ErrTargetDied, c.name, c.err)
	if tail := c.stderr.String(); tail != "" {
		if i := strings.LastIndexByte(tail, '\n'); i >= 0 {
			tail = tail[i+1:]
		}
		msg += "; last stderr line: " + tail
	}
	return &wrapErr{msg: msg, err: ErrTargetDied}
}

type wrapErr struct {
	msg string
	err error
}

func (e *wrapErr) Error() string { return e.msg }
func (e *wrapErr) Unwrap() error { return e.err }

// terminate sends SIGTERM, waits up to 3 s, then kills.
func (c *child) terminate() {
	c.stopMu.Lock()
	c.stop = true
	c.stopMu.Unlock()
	select {
	case <-c.exited:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(3 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
}

// startRelayChild runs `bench relay-serve --listen listen` and returns the
// URI it listens on.
func startRelayChild(ctx context.Context, spawn func(context.Context, ...string) *exec.Cmd, listen string) (*child, string, error) {
	ready := make(chan string, 1)
	cmd := spawn(ctx, "bench", "relay-serve", "--listen", listen)
	c, err := startChild("relay", cmd, func(line string) {
		if uri, ok := strings.CutPrefix(line, "ready "); ok {
			select {
			case ready <- uri:
			default:
			}
		}
	})
	if err != nil {
		return nil, "", err
	}
	select {
	case uri := <-ready:
		return c, uri, nil
	case <-c.exited:
		return nil, "", fmt.Errorf("%w: the relay exited at start (%v): %s", ErrTargetDied, c.err, c.stderr.String())
	case <-time.After(10 * time.Second):
		c.terminate()
		return nil, "", fmt.Errorf("%w: the relay did not start within 10s: %s", ErrTargetDied, c.stderr.String())
	case <-ctx.Done():
		c.terminate()
		return nil, "", ctx.Err()
	}
}

// startForwarderChild runs `ndnflow fw` listening on a Unix socket in dir
// and, for tcp and udp, on a free loopback port, and waits until its Unix
// socket accepts connections. It returns the endpoint to measure.
func startForwarderChild(ctx context.Context, spawn func(context.Context, ...string) *exec.Cmd, dir, transport string, extra []string) (*child, endpoint, error) {
	sock := dir + "/nfd.sock"
	args := []string{"fw", "--unix", sock, "--udp", "", "--tcp", "", "--ws", ""}
	ep := endpoint{kind: "unix", addr: sock}
	switch transport {
	case "udp", "tcp":
		port, err := freePort(transport)
		if err != nil {
			return nil, endpoint{}, err
		}
		ep = endpoint{kind: transport, addr: fmt.Sprintf("127.0.0.1:%d", port)}
		for i, a := range args {
			if a == "--"+transport {
				args[i+1] = ep.addr
			}
		}
	}
	args = append(args, extra...)
	c, err := startChild("ndnflow fw", spawn(ctx, args...), nil)
	if err != nil {
		return nil, endpoint{}, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if nc, err := net.DialTimeout("unix", sock, time.Second); err == nil {
			nc.Close()
			if transport == "tcp" { // the TCP listener may open just after
				if tc, err := net.DialTimeout("tcp", ep.addr, time.Second); err == nil {
					tc.Close()
					return c, ep, nil
				}
			} else {
				return c, ep, nil
			}
		}
		select {
		case <-c.exited:
			return nil, endpoint{}, fmt.Errorf("%w: `ndnflow fw` exited at start (%v): %s", ErrTargetDied, c.err, c.stderr.String())
		case <-ctx.Done():
			c.terminate()
			return nil, endpoint{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.terminate()
			return nil, endpoint{}, fmt.Errorf("%w: `ndnflow fw` did not listen on %s within 10s: %s", ErrTargetDied, sock, c.stderr.String())
		}
	}
}

// freePort asks the kernel for a free loopback port of the given kind.
func freePort(kind string) (int, error) {
	if kind == "udp" {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		defer pc.Close()
		return pc.LocalAddr().(*net.UDPAddr).Port, nil
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
