package face_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run if goroutines started by the tests (faces,
// listeners, transports) are still running once every test has cleaned up.
func TestMain(m *testing.M) {
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			var leaked []string
			for _, g := range strings.Split(string(buf), "\n\n") {
				if strings.Contains(g, "ndnflow/face") && !strings.Contains(g, "TestMain") {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) > 0 {
				fmt.Fprintf(os.Stderr, "goroutines leaked (%d before, %d after):\n%s\n", before, n, strings.Join(leaked, "\n\n"))
				code = 1
			}
		}
	}
	os.Exit(code)
}
