package pitcs_test

import (
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
	b.Run("cs", func(b *testing.B) {
		ds := make([]*ndn.Data, n)
		dataBytes := 0
		for i := range ds {
			d := &ndn.Data{Name: names[i], Content: make([]byte, 100), Freshness: time.Second}
			w, _ := d.SignWith(digestSigner{})
			var dd ndn.Data
			dd.Decode(w)
			ds[i] = &dd
			dataBytes += len(w)
		}
		for b.Loop() {
			before := heapInUse()
			tb := pitcs.New(pitcs.Config{CsCapacity: n}, 0)
			for i := range ds {
				tb.InsertCs(ds[i], hs[i], 0, false)
			}
			after := heapInUse()
			b.ReportMetric(float64(int(after-before)-dataBytes)/n, "bytes/entry-beyond-data")
			b.ReportMetric(float64(dataBytes)/n, "data-bytes/entry")
			runtime.KeepAlive(tb)
		}
	})
}
