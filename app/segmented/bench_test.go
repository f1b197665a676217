package segmented_test

import (
	"context"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/apptest"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/ndn"
)

// BenchmarkFetch measures fetch goodput from an in-memory publication
// through the test forwarder (one lock, no batching: a slow forwarder),
// over in-memory links and over Unix sockets. allocs/seg counts every
// allocation in the process (consumer, forwarder and producer) per segment.
func BenchmarkFetch(b *testing.B) {
	const size = 32 << 20
	content := randomBytes(size, 1)
	for _, link := range []string{"mem", "unix"} {
		b.Run(link, func(b *testing.B) {
			fwd := newFwd(b)
			var prod, cons *app.Client
			if link == "mem" {
				prod, cons = memClient(b, fwd, apptest.LinkOptions{}), memClient(b, fwd, apptest.LinkOptions{})
			} else {
				sock := filepath.Join(b.TempDir(), "fw.sock")
				if err := fwd.ListenUnix(sock, apptest.LinkOptions{}); err != nil {
					b.Fatal(err)
				}
				var err error
				if prod, err = app.Connect(context.Background(), "unix://"+sock, app.Options{}); err != nil {
					b.Fatal(err)
				}
				defer prod.Close()
				if cons, err = app.Connect(context.Background(), "unix://"+sock, app.Options{}); err != nil {
					b.Fatal(err)
				}
				defer cons.Close()
			}
			pub, err := segmented.PublishBytes(context.Background(), prod, ndn.MustParseName("/bench"), content, segmented.PublishOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer pub.Close()
			b.SetBytes(size)
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			var segs uint64
			var elapsed time.Duration
			var last *segmented.Result
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				res, err := segmented.Fetch(context.Background(), cons, pub.Name, io.Discard, segmented.FetchOptions{})
				if err != nil {
					b.Fatal(err)
				}
				segs += res.Segments
				last = res
				elapsed += res.Elapsed
			}
			runtime.ReadMemStats(&ms1)
			b.Logf("last fetch: %d segments, %d retransmissions, max window %.0f, srtt %v",
				segs/uint64(b.N), last.Retransmissions, last.MaxWindowUsed, last.SRTT)
			b.ReportMetric(float64(size)*8*float64(b.N)/elapsed.Seconds()/1e9, "Gbit/s")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(segs), "allocs/seg")
		})
	}
}
