package segmented_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/apptest"
	"github.com/ndnflow/ndnflow/app/cc"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/app/store"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/trust"
)

// newFwd returns a test forwarder closed after the test's clients.
func newFwd(t testing.TB) *apptest.Forwarder {
	fwd := apptest.New()
	t.Cleanup(fwd.Close)
	return fwd
}

func memClient(t testing.TB, fwd *apptest.Forwarder, opt apptest.LinkOptions) *app.Client {
	t.Helper()
	c, err := app.Connect(context.Background(), "mem", app.Options{
		Dial: func(context.Context) (face.Transport, error) { return fwd.ConnectMem(opt), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// fastRTT makes timeouts short so lossy tests finish quickly.
var fastRTT = cc.RTTOptions{MinRTO: 20 * time.Millisecond, InitialRTO: 100 * time.Millisecond}

func TestPublishFetch(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	sizes := []int{0, 1, 1000, 1001, 5000, 300_000}
	for i, size := range sizes {
		content := randomBytes(size, uint64(i))
		name := ndn.MustParseName("/pub").Append(ndn.SequenceNumComponent(uint64(i)))
		pub, err := segmented.PublishBytes(ctxT(t, 5*time.Second), prod, name, content, segmented.PublishOptions{ChunkSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		// By RDR discovery and by the versioned name.
		for _, n := range []ndn.Name{name, pub.Name} {
			var out bytes.Buffer
			res, err := segmented.Fetch(ctxT(t, 10*time.Second), cons, n, &out, segmented.FetchOptions{Verifier: security.DigestSha256{}})
			if err != nil {
				t.Fatalf("size %d fetch %s: %v", size, n, err)
			}
			if !bytes.Equal(out.Bytes(), content) {
				t.Fatalf("size %d: got %d bytes, want %d (content differs)", size, out.Len(), size)
			}
			if want := uint64(max(1, (size+999)/1000)); res.Segments != want || !res.Name.Equal(pub.Name) {
				t.Errorf("size %d: %d segments of %s, want %d of %s", size, res.Segments, res.Name, want, pub.Name)
			}
		}
		pub.Close()
	}
}

func TestPublishFileAndReader(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	content := randomBytes(123_457, 7)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	pf, err := segmented.PublishFile(ctxT(t, 5*time.Second), prod, ndn.MustParseName("/file"), path, segmented.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	pr, err := segmented.Publish(ctxT(t, 5*time.Second), prod, ndn.MustParseName("/reader"), bytes.NewReader(content), segmented.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	for _, n := range []string{"/file", "/reader"} {
		var out bytes.Buffer
		if _, err := segmented.Fetch(ctxT(t, 10*time.Second), cons, ndn.MustParseName(n), &out, segmented.FetchOptions{}); err != nil {
			t.Fatal(n, err)
		}
		if !bytes.Equal(out.Bytes(), content) {
			t.Fatalf("%s: content differs", n)
		}
	}
}

// TestLossAndCongestion fetches over degraded links and checks the
// window reacted and the output is intact.
func TestLossAndCongestion(t *testing.T) {
	tests := []struct {
		name string
		link apptest.LinkOptions
		alg  cc.Algorithm
	}{
		{"loss-cubic", apptest.LinkOptions{Loss: 0.05, Seed: 3}, nil},
		{"loss-aimd", apptest.LinkOptions{Loss: 0.05, Seed: 4}, &cc.AIMD{}},
		{"marks-cubic", apptest.LinkOptions{MarkEvery: 20}, nil},
		{"marks-aimd", apptest.LinkOptions{MarkEvery: 20}, &cc.AIMD{}},
	}
	content := randomBytes(2_000_000, 9)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fwd := newFwd(t)
			prod := memClient(t, fwd, apptest.LinkOptions{})
			cons := memClient(t, fwd, tt.link)
			pub, err := segmented.PublishBytes(ctxT(t, 5*time.Second), prod, ndn.MustParseName("/lossy"), content, segmented.PublishOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			var out bytes.Buffer
			var progress int
			res, err := segmented.Fetch(ctxT(t, 60*time.Second), cons, pub.Name, &out, segmented.FetchOptions{
				Algorithm: tt.alg, RTT: fastRTT, Lifetime: time.Second,
				Progress: func(segmented.Progress) { progress++ },
			})
			if err != nil {
				t.Fatalf("%v (result %+v)", err, res)
			}
			if !bytes.Equal(out.Bytes(), content) {
				t.Fatal("content differs")
			}
			if res.WindowDecreases == 0 {
				t.Errorf("window never decreased: %+v", res)
			}
			if tt.link.Loss > 0 && (res.Retransmissions == 0 || res.Timeouts+res.FastRetransmits == 0) {
				t.Errorf("no retransmissions on a lossy link: %+v", res)
			}
			if tt.link.MarkEvery > 0 && res.CongestionMarks == 0 {
				t.Errorf("no congestion marks seen: %+v", res)
			}
			if progress == 0 {
				t.Error("progress callback never called")
			}
		})
	}
}

func TestFetchCancel(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/silent"),
		func(context.Context, *ndn.Interest) (*ndn.Data, error) { return nil, nil }, app.ServeOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := segmented.Fetch(ctx, cons, ndn.MustParseName("/silent/v=1"), &bytes.Buffer{}, segmented.FetchOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

// segHandler serves a fake object of n segments through make, which may
// misbehave.
func segHandler(make func(i *ndn.Interest, seg uint64) *ndn.Data) app.Handler {
	return func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
		seg, ok := i.Name.At(-1).Number()
		if i.Name.At(-1).Type != ndn.TtSegmentNameComponent || !ok {
			return nil, nil
		}
		return make(i, seg), nil
	}
}

type badSigner struct{ security.DigestSha256 }

func (badSigner) Sign(p []byte) ([]byte, error) { return make([]byte, 32), nil }

func TestBadProducers(t *testing.T) {
	tests := []struct {
		name    string
		h       app.Handler
		opts    app.ServeOptions
		wantErr error
	}{
		{"inconsistent-final", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			final := uint64(5)
			if seg == 3 {
				final = 7
			}
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("x"), FinalBlock: ndn.SegmentComponent(final)}
		}), app.ServeOptions{}, segmented.ErrFinalBlock},
		{"final-not-segment", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("x"), FinalBlock: ndn.GenericComponent("end")}
		}), app.ServeOptions{}, segmented.ErrFinalBlock},
		{"final-beyond-end", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			if seg > 4 {
				return nil // claims 10 segments, has 5
			}
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("x"), FinalBlock: ndn.SegmentComponent(10)}
		}), app.ServeOptions{}, app.ErrTimeout},
		{"oversized", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			return &ndn.Data{Name: i.Name.Clone(), Content: make([]byte, 8900), FinalBlock: ndn.SegmentComponent(2)}
		}), app.ServeOptions{}, segmented.ErrBadSegment},
		{"bad-signature", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("x"), FinalBlock: ndn.SegmentComponent(2)}
		}), app.ServeOptions{Signer: badSigner{}}, app.ErrValidation},
		{"app-nack", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			return &ndn.Data{Name: i.Name.Clone(), ContentType: ndn.ContentNack, FinalBlock: ndn.SegmentComponent(2)}
		}), app.ServeOptions{}, segmented.ErrBadSegment},
		{"nack-noroute", func(context.Context, *ndn.Interest) (*ndn.Data, error) {
			return nil, app.ReplyNack(ndn.NackNoRoute)
		}, app.ServeOptions{}, app.ErrNack},
		// Producers that die half way: tail-loss probes must not keep the
		// fetch alive forever.
		{"silent-after-half", segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
			if seg >= 20 {
				return nil
			}
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("x"), FinalBlock: ndn.SegmentComponent(39)}
		}), app.ServeOptions{}, app.ErrTimeout},
		{"noroute-after-half", func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
			seg, _ := i.Name.At(-1).Number()
			if seg >= 20 {
				return nil, app.ReplyNack(ndn.NackNoRoute)
			}
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("x"), FinalBlock: ndn.SegmentComponent(39)}, nil
		}, app.ServeOptions{}, app.ErrNack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fwd := newFwd(t)
			prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
			if _, err := prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/bad"), tt.h, tt.opts); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := segmented.Fetch(ctxT(t, 30*time.Second), cons, ndn.MustParseName("/bad/v=1"), &out,
				segmented.FetchOptions{Verifier: security.DigestSha256{}, MaxRetries: 2, RTT: fastRTT, Lifetime: 200 * time.Millisecond})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v (result %+v)", err, tt.wantErr, res)
			}
			if bytes.ContainsFunc(out.Bytes(), func(r rune) bool { return r != 'x' }) {
				t.Errorf("output has bytes no valid segment carried: %q", out.Bytes())
			}
			// What arrived in order before the failure reaches the writer.
			if int64(out.Len()) != res.Bytes {
				t.Errorf("writer got %d bytes, Result.Bytes says %d", out.Len(), res.Bytes)
			}
		})
	}
}

var _ segmented.SegmentStore = (*store.Store)(nil)

// TestStore publishes into an on-disk store, stops, reopens the store and
// serves the object again without the source.
func TestStore(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	content := randomBytes(100_000, 5)
	name := ndn.MustParseName("/stored")
	pub, err := segmented.Publish(ctxT(t, 5*time.Second), prod, name, bytes.NewReader(content), segmented.PublishOptions{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	versioned := pub.Name
	pub.Close()
	st.Close()

	st, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	latest, ok := st.Latest(name)
	if !ok || !latest.Equal(versioned) {
		t.Fatalf("Latest %s %v, want %s", latest, ok, versioned)
	}
	pub, err = segmented.OpenStored(ctxT(t, 5*time.Second), prod, st, latest, segmented.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var out bytes.Buffer
	if _, err := segmented.Fetch(ctxT(t, 10*time.Second), cons, name, &out, segmented.FetchOptions{Verifier: security.DigestSha256{}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), content) {
		t.Fatal("content differs")
	}
}

// rejectSeg is a Validator that rejects one segment.
type rejectSeg uint64

func (r rejectSeg) ValidateData(_ context.Context, d *ndn.Data) error {
	if n, _ := d.Name.At(-1).Number(); n == uint64(r) {
		return errors.New("untrusted")
	}
	return nil
}

var _ app.Validator = (*trust.Validator)(nil)

func TestFetchValidator(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	content := randomBytes(50_000, 11)
	pub, err := segmented.PublishBytes(ctxT(t, 5*time.Second), prod, ndn.MustParseName("/val"), content, segmented.PublishOptions{ChunkSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var out bytes.Buffer
	_, err = segmented.Fetch(ctxT(t, 10*time.Second), cons, pub.Name, &out, segmented.FetchOptions{Validator: rejectSeg(30)})
	if !errors.Is(err, app.ErrValidation) || !strings.Contains(err.Error(), "segment 30") {
		t.Fatalf("err %v, want ErrValidation for segment 30", err)
	}
	if out.Len() > 30*1000 || !bytes.Equal(out.Bytes(), content[:out.Len()]) {
		t.Fatalf("wrote %d bytes; want at most the 30000 before the rejected segment, unchanged", out.Len())
	}
}

// TestDiscoveryWithoutRDR fetches from a producer that does not answer RDR
// metadata Interests, only CanBePrefix ones (as ndn-tools putchunks and
// NDNts serve without @ndn/rdr).
func TestDiscoveryWithoutRDR(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	versioned := ndn.MustParseName("/nordr/v=42")
	h := func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
		switch {
		case i.CanBePrefix && i.Name.Equal(versioned.Prefix(-1)):
			return &ndn.Data{Name: versioned.Append(ndn.SegmentComponent(0)), Content: []byte("a"), FinalBlock: ndn.SegmentComponent(1)}, nil
		case i.Name.Len() == 3 && versioned.IsPrefixOf(i.Name):
			seg, _ := i.Name.At(-1).Number()
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte{'a' + byte(seg)}, FinalBlock: ndn.SegmentComponent(1)}, nil
		}
		return nil, nil // no RDR
	}
	if _, err := prod.Serve(ctxT(t, 5*time.Second), versioned.Prefix(-1), h, app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := segmented.Fetch(ctxT(t, 20*time.Second), cons, versioned.Prefix(-1), &out, segmented.FetchOptions{DiscoveryRetries: -1})
	if err != nil || out.String() != "ab" || !res.Name.Equal(versioned) {
		t.Fatalf("got %q from %v, err %v", out.String(), res.Name, err)
	}
}

// TestOutOfOrder delays every fifth segment's reply so segments arrive out
// of order: the output must still be in order.
func TestOutOfOrder(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	const n = 200
	h := segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
		if seg >= n {
			return nil
		}
		if seg%5 == 0 {
			time.Sleep(3 * time.Millisecond)
		}
		return &ndn.Data{Name: i.Name.Clone(), Content: []byte{byte(seg)}, FinalBlock: ndn.SegmentComponent(n - 1)}
	})
	if _, err := prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/ooo"), h, app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := segmented.Fetch(ctxT(t, 20*time.Second), cons, ndn.MustParseName("/ooo/v=1"), &out, segmented.FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range out.Bytes() {
		if b != byte(i) {
			t.Fatalf("byte %d is %d: output out of order", i, b)
		}
	}
	if out.Len() != n || res.Segments != n {
		t.Fatalf("%d bytes, %d segments", out.Len(), res.Segments)
	}
}

// TestFetchNacks answers the first Interest for every tenth segment with a
// Nack (Congestion or Duplicate): the fetcher resends at once, cuts the
// window for Congestion, and completes.
func TestFetchNacks(t *testing.T) {
	for _, reason := range []ndn.NackReason{ndn.NackCongestion, ndn.NackDuplicate} {
		t.Run(reason.String(), func(t *testing.T) {
			fwd := newFwd(t)
			prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
			const n = 100
			var mu sync.Mutex
			nacked := map[uint64]bool{}
			h := func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
				seg, _ := i.Name.At(-1).Number()
				mu.Lock()
				first := seg%10 == 0 && !nacked[seg]
				nacked[seg] = true
				mu.Unlock()
				if first {
					return nil, app.ReplyNack(reason)
				}
				return &ndn.Data{Name: i.Name.Clone(), Content: []byte{byte(seg)}, FinalBlock: ndn.SegmentComponent(n - 1)}, nil
			}
			// Inline: replies in order, so no reordering can pass for loss.
			if _, err := prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/nacky"), h, app.ServeOptions{Inline: true}); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := segmented.Fetch(ctxT(t, 20*time.Second), cons, ndn.MustParseName("/nacky/v=1"), &out, segmented.FetchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// A Nack that arrives after its segment was already sent again
			// (declared lost) is stale and ignored, hence "at most 10".
			if out.Len() != n || res.Nacks == 0 || res.Nacks > 10 || res.Retransmissions < res.Nacks || res.Timeouts != 0 {
				t.Errorf("%d bytes, %d Nacks, %d retransmissions, %d timeouts; want %d, 1..10, >= Nacks, 0",
					out.Len(), res.Nacks, res.Retransmissions, res.Timeouts, n)
			}
			if reason == ndn.NackCongestion && res.WindowDecreases == 0 {
				t.Errorf("Nack Congestion did not shrink the window")
			}
		})
	}
}

// firstWriteWriter records what it is written and closes first on the
// first non-empty Write.
type firstWriteWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	once  sync.Once
	first chan struct{}
}

func (w *firstWriteWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.mu.Unlock()
	if len(p) > 0 {
		w.once.Do(func() { close(w.first) })
	}
	return len(p), nil
}

func (w *firstWriteWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf.Bytes())
}

// TestFetchStreams withholds every segment after the first few until the
// writer has seen bytes: Fetch must pass what it has in order to the writer
// while it waits (a live stream, a video gateway), not hold it until its
// output buffer fills or the object ends.
func TestFetchStreams(t *testing.T) {
	const n, early, segSize = 20, 3, 100
	content := randomBytes(n*segSize, 7)
	release := make(chan struct{})
	h := segHandler(func(i *ndn.Interest, seg uint64) *ndn.Data {
		if seg >= n {
			return nil
		}
		if seg >= early {
			<-release
		}
		return &ndn.Data{Name: i.Name.Clone(), Content: content[seg*segSize : (seg+1)*segSize], FinalBlock: ndn.SegmentComponent(n - 1)}
	})
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	if _, err := prod.Serve(ctxT(t, 20*time.Second), ndn.MustParseName("/live"), h, app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	w := &firstWriteWriter{first: make(chan struct{})}
	type result struct {
		res *segmented.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := segmented.Fetch(ctxT(t, 20*time.Second), cons, ndn.MustParseName("/live/v=1"), w, segmented.FetchOptions{})
		done <- result{res, err}
	}()
	released := false
	defer func() {
		if !released {
			close(release)
		}
		<-done // Fetch ends: released, or its ctx expires
	}()
	select {
	case <-w.first:
	case r := <-done:
		done <- r
		t.Fatalf("Fetch ended (%v) before the writer saw a byte", r.err)
	case <-time.After(10 * time.Second):
		t.Fatal("the writer saw nothing of the first segments while later ones were withheld")
	}
	got := w.bytes()
	if len(got) == 0 || len(got) > early*segSize || !bytes.Equal(got, content[:len(got)]) {
		t.Fatalf("before the withheld segments, the writer saw %d bytes (want 1..%d of the object's start)", len(got), early*segSize)
	}
	close(release)
	released = true
	r := <-done
	done <- r
	if r.err != nil {
		t.Fatal(r.err)
	}
	if out := w.bytes(); !bytes.Equal(out, content) || r.res.Bytes != int64(len(content)) {
		t.Fatalf("fetched %d bytes (result says %d), want the %d-byte object", len(out), r.res.Bytes, len(content))
	}
}
