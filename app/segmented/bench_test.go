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
	"github.com/ndnflow/ndnflow/face"
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

// BenchmarkFetchDirect measures the library alone: the consumer's Client
// talks straight to the producer's Client (no forwarder), over an
// in-memory pair or a Unix stream socket. It is the ceiling the library
// puts on any forwarder.
func BenchmarkFetchDirect(b *testing.B) {
	const size = 64 << 20
	content := randomBytes(size, 2)
	for _, link := range []string{"mem", "unix"} {
		b.Run(link, func(b *testing.B) {
			var prodT, consT face.Transport
			if link == "mem" {
				prodT, consT = face.NewMemPair(face.MemPairConfig{Queue: 4096})
			} else {
				sock := filepath.Join(b.TempDir(), "direct.sock")
				accepted := make(chan face.Transport, 1)
				ln, err := face.ListenUnix(context.Background(), sock, face.StreamListenerConfig{
					Accept: func(t face.Transport) { accepted <- t },
				})
				if err != nil {
					b.Fatal(err)
				}
				defer ln.Close()
				if consT, err = face.DialUnix(context.Background(), sock); err != nil {
					b.Fatal(err)
				}
				prodT = <-accepted
			}
			once := func(t face.Transport) app.Options {
				return app.Options{NoReconnect: true, Dial: func(context.Context) (face.Transport, error) { return t, nil }}
			}
			prod, err := app.Connect(context.Background(), "direct", once(prodT))
			if err != nil {
				b.Fatal(err)
			}
			defer prod.Close()
			cons, err := app.Connect(context.Background(), "direct", once(consT))
			if err != nil {
				b.Fatal(err)
			}
			defer cons.Close()
			pub, err := segmented.PublishBytes(context.Background(), prod, ndn.MustParseName("/direct"), content,
				segmented.PublishOptions{Serve: app.ServeOptions{NoRegister: true}})
			if err != nil {
				b.Fatal(err)
			}
			defer pub.Close()
			b.SetBytes(size)
			b.ReportAllocs()
			var elapsed time.Duration
			var segs uint64
			var last *segmented.Result
			var ms0, ms1 runtime.MemStats
			var w countingWriter
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				res, err := segmented.Fetch(context.Background(), cons, pub.Name, &w, segmented.FetchOptions{})
				if err != nil {
					b.Fatal(err)
				}
				elapsed += res.Elapsed
				segs += res.Segments
				last = res
			}
			runtime.ReadMemStats(&ms1)
			b.Logf("last fetch: %d retransmissions (%d fast, %d timeouts, %d dup), %d window decreases, max window %.0f, srtt %v, min rtt %v",
				last.Retransmissions, last.FastRetransmits, last.Timeouts, last.Duplicates, last.WindowDecreases, last.MaxWindowUsed, last.SRTT, last.MinRTT)
			b.ReportMetric(float64(size)*8*float64(b.N)/elapsed.Seconds()/1e9, "Gbit/s")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(segs), "allocs/seg")
			b.ReportMetric(float64(size)*float64(b.N)/float64(w.writes), "B/write")
		})
	}
}

// countingWriter discards what it is written and counts the Write calls:
// how well Fetch batches its output.
type countingWriter struct{ writes int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return len(p), nil
}

// patternReader is an io.ReaderAt of size bytes whose byte at offset o is
// byte(o*7 + o>>13): large objects without large memory.
type patternReader struct{ size int64 }

func patternByte(o int64) byte { return byte(o*7 + o>>13) }

func (r patternReader) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for ; n < len(p) && off+int64(n) < r.size; n++ {
		p[n] = patternByte(off + int64(n))
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// patternChecker checks that what it is written is the pattern.
type patternChecker struct {
	off int64
	bad bool
}

func (w *patternChecker) Write(p []byte) (int, error) {
	for i, c := range p {
		if c != patternByte(w.off+int64(i)) {
			w.bad = true
		}
	}
	w.off += int64(len(p))
	return len(p), nil
}

// BenchmarkFetchLarge publishes a 1 GB object from an io.ReaderAt (signed on
// demand) and fetches it over a direct Unix socket, reporting the peak heap
// in use: memory must not grow with the object.
func BenchmarkFetchLarge(b *testing.B) {
	const size = 1 << 30
	sock := filepath.Join(b.TempDir(), "large.sock")
	accepted := make(chan face.Transport, 1)
	ln, err := face.ListenUnix(context.Background(), sock, face.StreamListenerConfig{Accept: func(t face.Transport) { accepted <- t }})
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	consT, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		b.Fatal(err)
	}
	prodT := <-accepted
	once := func(t face.Transport) app.Options {
		return app.Options{NoReconnect: true, Dial: func(context.Context) (face.Transport, error) { return t, nil }}
	}
	prod, _ := app.Connect(context.Background(), "direct", once(prodT))
	defer prod.Close()
	cons, _ := app.Connect(context.Background(), "direct", once(consT))
	defer cons.Close()
	pub, err := segmented.PublishReaderAt(context.Background(), prod, ndn.MustParseName("/large"), patternReader{size}, size,
		segmented.PublishOptions{Serve: app.ServeOptions{NoRegister: true}})
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	b.SetBytes(size)
	var peak uint64
	var ms runtime.MemStats
	var elapsed time.Duration
	for b.Loop() {
		w := &patternChecker{}
		res, err := segmented.Fetch(context.Background(), cons, pub.Name, w, segmented.FetchOptions{
			Progress: func(segmented.Progress) {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		if w.bad || w.off != size {
			b.Fatalf("fetched %d bytes, pattern ok=%v", w.off, !w.bad)
		}
		elapsed += res.Elapsed
	}
	b.ReportMetric(float64(size)*8*float64(b.N)/elapsed.Seconds()/1e9, "Gbit/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
