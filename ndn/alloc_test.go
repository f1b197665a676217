package ndn_test

import (
	"hash/maphash"
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
)

func vectorHex(id string) string {
	for _, v := range tv.Interests {
		if v.ID == id {
			return v.Hex
		}
	}
	for _, v := range tv.Datas {
		if v.ID == id {
			return v.Hex
		}
	}
	for _, v := range tv.LpPackets {
		if v.ID == id {
			return v.Hex
		}
	}
	panic("no vector " + id)
}

// TestDecodeAllocs checks that decoding into a reused packet value does not
// allocate (the forwarder decodes every packet this way).
func TestDecodeAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	var (
		i ndn.Interest
		d ndn.Data
		p ndn.LpPacket
	)
	for _, tc := range []struct {
		id     string
		decode func([]byte) error
	}{
		{"I1", i.Decode}, {"I3", i.Decode}, {"I4", i.Decode}, {"I7", i.Decode},
		{"D1", d.Decode}, {"D3", d.Decode},
		{"L2", p.Decode}, {"L4", p.Decode}, {"L5", p.Decode},
	} {
		wire := tv.Bytes(vectorHex(tc.id))
		if err := tc.decode(wire); err != nil { // warm up: grow reused slices
			t.Fatalf("%s: %v", tc.id, err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = tc.decode(wire) }); n != 0 {
			t.Errorf("%s: %v allocations per decode, want 0", tc.id, n)
		}
	}
	// Reading decoded fields does not allocate either.
	if err := d.Decode(tv.Bytes(tv.D1Hex)); err != nil {
		t.Fatal(err)
	}
	var seed = maphash.MakeSeed()
	hs := make([]uint64, 0, 8)
	if n := testing.AllocsPerRun(100, func() {
		_ = d.Digest()
		_ = d.Name.Hash(seed, 2)
		hs = d.Name.PrefixHashes(seed, hs[:0])
		_ = d.Name.At(-1)
		_ = d.Name.Len()
	}); n != 0 {
		t.Errorf("Digest/Hash/PrefixHashes/At: %v allocations, want 0", n)
	}
	if err := i.Decode(tv.Bytes(vectorHex("I3"))); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = i.MatchesData(&d); i.PatchHopLimit(3); i.PatchNonce(4) }); n != 0 {
		t.Errorf("MatchesData/Patch: %v allocations, want 0", n)
	}
}
