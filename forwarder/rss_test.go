package forwarder

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
)

// vmRSS returns the process's resident set size in bytes (Linux).
func vmRSS(b *testing.B) int64 {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for _, l := range bytes.Split(s, []byte("\n")) {
		if f := bytes.Fields(l); len(f) >= 2 && string(f[0]) == "VmRSS:" {
			kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	b.Skip("no VmRSS")
	return 0
}

// BenchmarkCsRSS fills a 256 MiB content store with 8 KB Data through the
// forwarder over in-memory faces (more Data than fits, so it evicts) and
// reports the growth of the process's RSS per byte of cached Data. A
// 1 GiB CS costs about this ratio times 1 GiB.
func BenchmarkCsRSS(b *testing.B) {
	const csBytes = 256 << 20
	for b.Loop() {
		runtime.GC()
		debug.FreeOSMemory()
		before := vmRSS(b)
		n := newBenchNetSized(b, Config{Shards: benchShards(), CsCapacity: 1 << 20, CsCapacityBytes: csBytes}, 8000)
		var nonce uint32
		n.exchange(b, 0, 40000, 512, &nonce)
		runtime.GC()
		debug.FreeOSMemory()
		after := vmRSS(b)
		c := n.fw.Counters()
		b.ReportMetric(float64(after-before)/float64(c.CsBytes), "rss/cs-bytes")
		b.ReportMetric(float64(c.CsBytes)/(1<<20), "cs-MiB")
		n.fw.Close()
	}
}

// newBenchNetSized is newBenchNet with Data of the given content size.
func newBenchNetSized(b testing.TB, cfg Config, content int) *benchNet {
	return newBenchNetContent(b, cfg, content)
}
