package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
)

// childEnv makes the test binary act as the ndnflow binary for the child
// processes the benchmark starts (only `bench relay-serve` is supported).
const childEnv = "NDNFLOW_BENCH_TEST_CHILD"

// pidFileEnv names a file where a test child writes its process id.
const pidFileEnv = "NDNFLOW_BENCH_TEST_PIDFILE"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func runChild(args []string) int {
	if len(args) != 4 || args[0] != "bench" || args[1] != "relay-serve" || args[2] != "--listen" {
		fmt.Fprintf(os.Stderr, "test child: unsupported arguments %q\n", args)
		return 3
	}
	if f := os.Getenv(pidFileEnv); f != "" {
		os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o600)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	err := RunRelay(ctx, args[3], nil, func(uri string) { fmt.Printf("ready %s\n", uri) })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// testSpawn runs the test binary as a child; when pidFile is not empty the
// child writes its process id there, so a test can signal it.
func testSpawn(pidFile string) func(context.Context, ...string) *exec.Cmd {
	return func(_ context.Context, args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), childEnv+"=1", pidFileEnv+"="+pidFile)
		return cmd
	}
}
