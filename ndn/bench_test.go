package ndn_test

import (
	"hash/maphash"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
)

// benchName is a typical forwarded name: a video segment.
var benchName = ndn.MustParseName("/ndn/edu/ucla/video/stream1/720p/init.mp4/v=1700000000000/seg=42")

func BenchmarkNameHash(b *testing.B) {
	seed := maphash.MakeSeed()
	b.SetBytes(int64(len(benchName.Value())))
	b.ReportAllocs()
	for b.Loop() {
		_ = benchName.Hash(seed, 2)
	}
}

func BenchmarkNameHashFull(b *testing.B) {
	seed := maphash.MakeSeed()
	b.SetBytes(int64(len(benchName.Value())))
	b.ReportAllocs()
	for b.Loop() {
		_ = benchName.Hash(seed, 99)
	}
}

func BenchmarkNamePrefixHashes(b *testing.B) {
	seed := maphash.MakeSeed()
	dst := make([]uint64, 0, 16)
	b.SetBytes(int64(len(benchName.Value())))
	b.ReportAllocs()
	for b.Loop() {
		dst = benchName.PrefixHashes(seed, dst[:0])
	}
}

func BenchmarkNameCompare(b *testing.B) {
	other := benchName.Prefix(-1).Append(ndn.SegmentComponent(43))
	b.SetBytes(int64(len(benchName.Value())))
	b.ReportAllocs()
	for b.Loop() {
		_ = benchName.Compare(other)
	}
}

func BenchmarkNameString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = benchName.String()
	}
}

func benchDecode(b *testing.B, wire []byte, decode func([]byte) error) {
	b.Helper()
	if err := decode(wire); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if err := decode(wire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInterestDecode(b *testing.B) {
	var i ndn.Interest
	b.Run("I1", func(b *testing.B) { benchDecode(b, tv.Bytes(tv.I1Hex), i.Decode) })
	b.Run("I3", func(b *testing.B) { benchDecode(b, tv.Bytes(vectorHex("I3")), i.Decode) })
	b.Run("video", func(b *testing.B) {
		vi := ndn.Interest{Name: benchName, CanBePrefix: false, MustBeFresh: true, Nonce: 1, HasNonce: true,
			Lifetime: 4 * time.Second, HopLimit: 64, HasHopLimit: true}
		benchDecode(b, vi.Append(nil), i.Decode)
	})
}

// data4K is a signed Data with 4 KB of content under benchName.
func data4K(b *testing.B) []byte {
	d := ndn.Data{Name: benchName, Freshness: time.Second, Content: make([]byte, 4096)}
	w, err := d.SignWith(digestSigner{})
	if err != nil {
		b.Fatal(err)
	}
	return w
}

func BenchmarkDataDecode(b *testing.B) {
	var d ndn.Data
	b.Run("D1", func(b *testing.B) { benchDecode(b, tv.Bytes(tv.D1Hex), d.Decode) })
	b.Run("4KB", func(b *testing.B) { benchDecode(b, data4K(b), d.Decode) })
}

// BenchmarkDataDigest is the implicit digest a CS computes for full-name Interests.
func BenchmarkDataDigest(b *testing.B) {
	wire := data4K(b)
	var d ndn.Data
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Decode(wire)
		_ = d.Digest()
	}
}

func BenchmarkDataEncode(b *testing.B) {
	var d ndn.Data
	if err := d.Decode(data4K(b)); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, d.Length())
	b.SetBytes(int64(d.Length()))
	b.ReportAllocs()
	for b.Loop() {
		buf = d.Append(buf[:0])
	}
}

func BenchmarkInterestEncode(b *testing.B) {
	i := ndn.Interest{Name: benchName, MustBeFresh: true, Nonce: 1, HasNonce: true, Lifetime: 4 * time.Second}
	buf := make([]byte, 0, i.Length())
	b.SetBytes(int64(i.Length()))
	b.ReportAllocs()
	for b.Loop() {
		buf = i.Append(buf[:0])
	}
}

func BenchmarkLpDecode(b *testing.B) {
	var p ndn.LpPacket
	b.Run("L2", func(b *testing.B) { benchDecode(b, tv.Bytes(vectorHex("L2")), p.Decode) })
	b.Run("L5", func(b *testing.B) { benchDecode(b, tv.Bytes(vectorHex("L5")), p.Decode) })
	b.Run("4KB", func(b *testing.B) {
		lp := ndn.LpPacket{PitToken: []byte{1, 2, 3, 4, 5, 6}, CongestionMark: 1, Fragment: data4K(b)}
		benchDecode(b, lp.Append(nil), p.Decode)
	})
}

func BenchmarkLpEncodeHeader(b *testing.B) {
	lp := ndn.LpPacket{PitToken: []byte{1, 2, 3, 4, 5, 6}, Sequence: 1, HasSequence: true, Fragment: data4K(b)}
	buf := make([]byte, 0, lp.HeaderLength())
	b.ReportAllocs()
	for b.Loop() {
		buf = lp.AppendHeader(buf[:0])
	}
}
