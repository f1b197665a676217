package segmented

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// TestReaderAtSourceWire checks that a file segment built in a pooled
// buffer is the packet makeSegment encodes, also after its buffer is
// released and reused, for every size at and around the chunk boundary
// and for digest and public-key signatures.
func TestReaderAtSourceWire(t *testing.T) {
	ecdsa, err := security.GenerateKey(security.KeyECDSA, ndn.MustParseName("/test/KEY/k"))
	if err != nil {
		t.Fatal(err)
	}
	signers := []struct {
		name string
		s    ndn.Signer
	}{{"digest", security.DigestSha256{}}, {"ecdsa", ecdsa}}
	content := make([]byte, 3*100+1)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	versioned := ndn.MustParseName("/test/file").Append(ndn.VersionComponent(7))
	for _, sg := range signers {
		for _, size := range []int{0, 1, 99, 100, 101, 300, 301} {
			opts := PublishOptions{Version: 7, ChunkSize: 100, Signer: sg.s, Freshness: 3 * time.Second}
			opts.applyDefaults()
			final := uint64(0)
			if size > 0 {
				final = uint64((size - 1) / 100)
			}
			src := newReaderAtSource(bytes.NewReader(content[:size]), int64(size), versioned, final, opts)
			for round := range 2 { // the second round reuses released buffers
				for seg := uint64(0); seg <= final; seg++ {
					d, err := src.segment(seg)
					if err != nil {
						t.Fatalf("%s size %d seg %d: %v", sg.name, size, seg, err)
					}
					lo := min(int(seg)*100, size)
					hi := min(lo+100, size)
					want, err := makeSegment(versioned, seg, content[lo:hi], final, true, &opts)
					if err != nil {
						t.Fatal(err)
					}
					if sg.name == "digest" && !bytes.Equal(d.Wire(), want) {
						t.Errorf("size %d seg %d round %d: wire differs from makeSegment's", size, seg, round)
					}
					if !bytes.Equal(d.Content, content[lo:hi]) || !d.Name.Equal(versioned.Append(ndn.SegmentComponent(seg))) {
						t.Errorf("%s size %d seg %d: name %s, %d content octets", sg.name, size, seg, d.Name, len(d.Content))
					}
					if fb, ok := d.FinalBlock.Number(); !ok || fb != final || d.Freshness != 3*time.Second {
						t.Errorf("%s size %d seg %d: FinalBlockId %s, freshness %v", sg.name, size, seg, d.FinalBlock, d.Freshness)
					}
					if err := ecdsa.Public().Verify(d.SigInfo.Type, d.SignedPortion(), d.SigValue); sg.name == "ecdsa" && err != nil {
						t.Errorf("size %d seg %d: signature: %v", size, seg, err)
					}
					src.release(d)
				}
			}
			if _, err := src.segment(final + 1); err != errNoSegment {
				t.Errorf("segment past the end: %v", err)
			}
			if len(src.live) != 0 {
				t.Errorf("%d segments never released", len(src.live))
			}
		}
	}
}

func BenchmarkReaderAtSource(b *testing.B) {
	content := make([]byte, 64*DefaultChunkSize)
	opts := PublishOptions{}
	opts.applyDefaults()
	versioned := ndn.MustParseName("/bench/file").Append(ndn.VersionComponent(1))
	src := newReaderAtSource(bytes.NewReader(content), int64(len(content)), versioned, 63, opts)
	b.ReportAllocs()
	b.SetBytes(DefaultChunkSize)
	for i := 0; b.Loop(); i++ {
		d, err := src.segment(uint64(i % 64))
		if err != nil {
			b.Fatal(err)
		}
		src.release(d)
	}
}
