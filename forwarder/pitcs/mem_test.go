package pitcs_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkMemoryPerEntry reports the heap bytes one PIT entry (one
// in-record, one out-record, a 4-component name) and one CS entry (a
// Data with 100 bytes of content) cost, beyond the Data bytes themselves.
func BenchmarkMemoryPerEntry(b *testing.B) {
	const n = 100000
	names := make([]ndn.Name, n)
	hs := make([]uint64, n)
	for i := range names {
		names[i] = ndn.MustParseName("/bench/flow/obj").Append(ndn.SequenceNumComponent(uint64(i) + 1<<40))
		hs[i] = full(names[i])
	}
	interest := make([]byte, 60)
	b.Run("pit", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			tb := pitcs.New(pitcs.Config{PitCapacity: n}, 0)
			for i := range names {
				e, _, _ := tb.InsertPit(names[i], hs[i], false, false)
				e.InsertInRecord(300, uint32(i), []byte{1, 2, 3, 4, 5, 6, 7, 8}, 0, 4e9)
				e.SetInterest(interest, uint32(i), -1, 4e9)
				e.InsertOutRecord(301, uint32(i), 0, 4e9)
				tb.SetExpiry(e, 4e9)
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/n, "bytes/entry")
			runtime.KeepAlive(tb)
		}
	})
	for _, content := range []int{100, 8000} {
		b.Run(fmt.Sprintf("cs-content-%d", content), func(b *testing.B) { csMemory(b, names, hs, content) })
	}
}

func csMemory(b *testing.B, names []ndn.Name, hs []uint64, content int) {
	n := len(names)
	if content > 1000 {
		n /= 10 // 10000 × 8 KB
	}
	{
		ds := make([]*ndn.Data, n)
		dataBytes := 0
		for i := range ds {
			d := &ndn.Data{Name: names[i], Content: make([]byte, content), Freshness: time.Second}
			w, _ := d.SignWith(digestSigner{})
			var dd ndn.Data
			dd.Decode(w)
			ds[i] = &dd
			dataBytes += len(w)
		}
		for b.Loop() {
			before := heapInUse()
			tb := pitcs.New(pitcs.Config{CsCapacity: n, CsCapacityBytes: 1 << 40}, 0)
			for i := range ds {
				tb.InsertCs(ds[i], hs[i], 0, false)
			}
			after := heapInUse()
			b.ReportMetric(float64(int(after-before)-dataBytes)/float64(n), "bytes/entry-beyond-data")
			b.ReportMetric(float64(dataBytes)/float64(n), "data-bytes/entry")
			b.ReportMetric(float64(after-before)/float64(dataBytes), "heap/data")
			runtime.KeepAlive(tb)
		}
	}
}
