package inproc_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/inproc"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/ndn"
)

// setup runs a forwarder with a producer (routed by a direct FIB entry,
// since registration needs the management module) and a consumer.
func setup(tb testing.TB, content []byte) (cons *app.Client, pub *segmented.Publication) {
	fw := forwarder.New(forwarder.Config{CsCapacity: -1}) // every segment from the producer
	tb.Cleanup(func() { fw.Close() })
	prod, link, err := inproc.Connect(context.Background(), fw, app.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { prod.Close() })
	cons, _, err = inproc.Connect(context.Background(), fw, app.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cons.Close() })
	prefix := ndn.MustParseName("/inproc")
	if err := fw.AddNextHop(prefix, link.FaceID(), 0); err != nil {
		tb.Fatal(err)
	}
	pub, err = segmented.PublishBytes(context.Background(), prod, prefix, content,
		segmented.PublishOptions{Serve: app.ServeOptions{NoRegister: true}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pub.Close() })
	return cons, pub
}

func content(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestFetchThroughForwarder(t *testing.T) {
	c := content(1_000_000)
	cons, _ := setup(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	res, err := segmented.Fetch(ctx, cons, ndn.MustParseName("/inproc"), &out, segmented.FetchOptions{})
	if err != nil {
		t.Fatalf("%v (%+v)", err, res)
	}
	if !bytes.Equal(out.Bytes(), c) {
		t.Fatal("content differs")
	}
}

// BenchmarkFetchForwarder fetches through the real sharded forwarder over
// in-memory faces.
func BenchmarkFetchForwarder(b *testing.B) {
	const size = 64 << 20
	cons, pub := setup(b, content(size))
	b.SetBytes(size)
	b.ReportAllocs()
	var elapsed time.Duration
	var last *segmented.Result
	for b.Loop() {
		res, err := segmented.Fetch(context.Background(), cons, pub.Name, io.Discard, segmented.FetchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += res.Elapsed
		last = res
	}
	b.ReportMetric(float64(size)*8*float64(b.N)/elapsed.Seconds()/1e9, "Gbit/s")
	b.Logf("last: %d retx (%d fast, %d timeouts, %d spurious), %d marks, max window %.0f, srtt %v",
		last.Retransmissions, last.FastRetransmits, last.Timeouts, last.Spurious, last.CongestionMarks, last.MaxWindowUsed, last.SRTT)
}

// BenchmarkFetchForwarderUnix fetches through the real forwarder and its
// management server over Unix stream sockets, as `ndnflow put` and
// `ndnflow get` would through `ndnflow fw`, but in one process. The
// producer registers its prefix with rib/register.
func BenchmarkFetchForwarderUnix(b *testing.B) {
	const size = 64 << 20
	fw := forwarder.New(forwarder.Config{CsCapacity: -1})
	defer fw.Close()
	srv, err := mgmt.New(mgmt.Options{Forwarder: fw})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	sock := filepath.Join(b.TempDir(), "fw.sock")
	ln, err := face.ListenUnix(context.Background(), sock, face.StreamListenerConfig{
		Accept: func(t face.Transport) { fw.AddFace(t, face.Config{}) },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	prod, err := app.Connect(context.Background(), "unix://"+sock, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer prod.Close()
	cons, err := app.Connect(context.Background(), "unix://"+sock, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer cons.Close()
	pub, err := segmented.PublishBytes(context.Background(), prod, ndn.MustParseName("/unix"), content(size), segmented.PublishOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	var elapsed time.Duration
	var last *segmented.Result
	for b.Loop() {
		res, err := segmented.Fetch(context.Background(), cons, ndn.MustParseName("/unix"), io.Discard, segmented.FetchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += res.Elapsed
		last = res
	}
	b.ReportMetric(float64(size)*8*float64(b.N)/elapsed.Seconds()/1e9, "Gbit/s")
	b.Logf("last: %d retx (%d fast, %d timeouts, %d spurious), %d marks, %d decreases, %d slow-start exits, max window %.0f, srtt %v",
		last.Retransmissions, last.FastRetransmits, last.Timeouts, last.Spurious, last.CongestionMarks, last.WindowDecreases, last.SlowStartExits, last.MaxWindowUsed, last.SRTT)
}
