package pitcs_test

import (
	"crypto/sha256"
	"hash/maphash"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/ndn"
)

type digestSigner struct{}

func (digestSigner) SigType() ndn.SigType       { return ndn.SigDigestSha256 }
func (digestSigner) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }
func (digestSigner) Sign(p []byte) ([]byte, error) {
	s := sha256.Sum256(p)
	return s[:], nil
}

func makeData(t testing.TB, name string, fresh time.Duration, content string) *ndn.Data {
	d := &ndn.Data{Name: ndn.MustParseName(name), Freshness: fresh, Content: []byte(content)}
	w, err := d.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	var out ndn.Data
	if err := out.Decode(w); err != nil {
		t.Fatal(err)
	}
	return &out
}

var seed = maphash.MakeSeed()

func hashes(n ndn.Name) []uint64 { return n.PrefixHashes(seed, nil) }
func full(n ndn.Name) uint64     { hs := hashes(n); return hs[len(hs)-1] }

func TestPitKeyAndDataMatches(t *testing.T) {
	tb := pitcs.New(pitcs.Config{}, 0)
	a := ndn.MustParseName("/a")
	abc := ndn.MustParseName("/a/b/c")
	e1, isNew, _ := tb.InsertPit(abc, full(abc), false, false)
	e2, isNew2, _ := tb.InsertPit(abc, full(abc), false, true)
	e3, isNew3, _ := tb.InsertPit(abc, full(abc), false, false)
	if !isNew || !isNew2 || isNew3 || e1 == e2 || e1 != e3 {
		t.Fatalf("PIT key: new=%v,%v,%v same=%v", isNew, isNew2, isNew3, e1 == e3)
	}
	eA, _, _ := tb.InsertPit(a, full(a), true, false)
	eAx, _, _ := tb.InsertPit(a, full(a), false, false) // exact /a: no match for /a/b/c
	d := makeData(t, "/a/b/c", time.Second, "x")
	dg := d.Digest()
	fullName := d.FullName()
	eD, _, _ := tb.InsertPit(fullName, full(fullName), false, false)
	other := ndn.MustParseName("/a/b/c").Append(ndn.ImplicitDigestComponent([32]byte{1}))
	eO, _, _ := tb.InsertPit(other, full(other), false, false)

	got := tb.FindDataMatches(d, hashes(d.Name), func() uint64 { _ = dg; return full(fullName) }, nil)
	want := map[*pitcs.PitEntry]bool{e1: true, e2: true, eA: true, eD: true}
	if len(got) != len(want) {
		t.Fatalf("got %d matches, want %d", len(got), len(want))
	}
	for _, e := range got {
		if !want[e] || e == eAx || e == eO {
			t.Errorf("unexpected match %s cbp=%v", e.Name(), e.CanBePrefix)
		}
	}
	if tb.PitLen() != 6 {
		t.Fatalf("PitLen = %d", tb.PitLen())
	}
	for _, e := range []*pitcs.PitEntry{e1, e2, eA, eAx, eD, eO} {
		tb.RemovePit(e)
	}
	if tb.PitLen() != 0 || len(tb.FindDataMatches(d, hashes(d.Name), nil, nil)) != 0 {
		t.Fatal("entries left after RemovePit")
	}
}

func TestPitCapacityAndSlots(t *testing.T) {
	tb := pitcs.New(pitcs.Config{PitCapacity: 2}, 0)
	n1, n2, n3 := ndn.MustParseName("/1"), ndn.MustParseName("/2"), ndn.MustParseName("/3")
	e1, _, _ := tb.InsertPit(n1, full(n1), false, false)
	tb.InsertPit(n2, full(n2), false, false)
	if _, _, err := tb.InsertPit(n3, full(n3), false, false); err != pitcs.ErrPitFull {
		t.Fatalf("third insert err = %v", err)
	}
	s, g := e1.Slot()
	if tb.BySlot(s, g) != e1 {
		t.Fatal("BySlot did not find the entry")
	}
	tb.RemovePit(e1)
	if tb.BySlot(s, g) != nil {
		t.Fatal("BySlot found a removed entry")
	}
	if _, _, err := tb.InsertPit(n3, full(n3), false, false); err != nil {
		t.Fatal(err)
	}
}

func TestExpiryWheel(t *testing.T) {
	tb := pitcs.New(pitcs.Config{Tick: 1e6}, 0)
	n := ndn.MustParseName("/x")
	e, _, _ := tb.InsertPit(n, full(n), false, false)
	tb.SetExpiry(e, 100e6)
	var fired []*pitcs.PitEntry
	tb.Advance(99e6, func(e *pitcs.PitEntry) { fired = append(fired, e) })
	if len(fired) != 0 {
		t.Fatal("fired early")
	}
	tb.Advance(101e6, func(e *pitcs.PitEntry) { fired = append(fired, e); tb.RemovePit(e) })
	if len(fired) != 1 || tb.PitLen() != 0 {
		t.Fatalf("fired %d, PitLen %d", len(fired), tb.PitLen())
	}
}

func TestCsLookups(t *testing.T) {
	tb := pitcs.New(pitcs.Config{}, 0)
	d := makeData(t, "/a/b/c", 100*time.Millisecond, "x")
	c := tb.InsertCs(d, full(d.Name), 0, false)
	if c == nil {
		t.Fatal("not inserted")
	}
	abc, ab := d.Name, ndn.MustParseName("/a/b")
	fullName := d.FullName()
	wrong := abc.Append(ndn.ImplicitDigestComponent([32]byte{}))
	tests := []struct {
		name     string
		n        ndn.Name
		cbp, mbf bool
		now      time.Duration
		hit      bool
	}{
		{"exact", abc, false, false, 0, true},
		{"exact fresh", abc, false, true, 50 * time.Millisecond, true},
		{"exact stale", abc, false, true, 100 * time.Millisecond, false},
		{"stale ok without MustBeFresh", abc, false, false, time.Hour, true},
		{"prefix without CanBePrefix", ab, false, false, 0, false},
		{"prefix no indirect yet", ab, true, false, 0, false},
		{"implicit digest", fullName, false, false, 0, true},
		{"wrong digest", wrong, false, false, 0, false},
		{"CanBePrefix exact name", abc, true, false, 0, true},
	}
	for _, tc := range tests {
		got := tb.FindCs(tc.n, hashes(tc.n), tc.cbp, tc.mbf, int64(tc.now))
		if (got != nil) != tc.hit {
			t.Errorf("%s: hit=%v, want %v", tc.name, got != nil, tc.hit)
		}
	}
	// A CanBePrefix PIT entry /a/b satisfied by the Data adds an indirect link.
	e, _, _ := tb.InsertPit(ab, full(ab), true, false)
	tb.AddIndirect(e, c)
	tb.RemovePit(e)
	if got := tb.FindCs(ab, hashes(ab), true, false, 0); got != c {
		t.Fatal("indirect CanBePrefix lookup missed")
	}
	if got := tb.FindCs(ab, hashes(ab), false, false, 0); got != nil {
		t.Fatal("indirect entry served an exact Interest")
	}
	if n := tb.EraseCs(ndn.MustParseName("/a"), 0); n != 1 || tb.CsLen() != 0 {
		t.Fatalf("EraseCs removed %d, CsLen %d", n, tb.CsLen())
	}
	if got := tb.FindCs(ab, hashes(ab), true, false, 0); got != nil {
		t.Fatal("indirect link survived eviction")
	}
}

func TestCsCapacity(t *testing.T) {
	tb := pitcs.New(pitcs.Config{CsCapacity: 3}, 0)
	var ds []*ndn.Data
	for _, n := range []string{"/1", "/2", "/3", "/4"} {
		d := makeData(t, n, 0, "0123456789")
		ds = append(ds, d)
		tb.InsertCs(d, full(d.Name), 0, false)
		if n == "/3" {
			tb.FindCs(ds[0].Name, hashes(ds[0].Name), false, false, 0) // touch /1
		}
	}
	if tb.CsLen() != 3 || tb.FindCs(ds[1].Name, hashes(ds[1].Name), false, false, 0) != nil {
		t.Fatalf("LRU: len=%d, /2 should be evicted", tb.CsLen())
	}
	size := int64(len(ds[0].Wire()))
	tb.SetCsCapacity(100, 2*size)
	if tb.CsLen() != 2 || tb.Counters().CsBytes != 2*size {
		t.Fatalf("byte limit: len=%d bytes=%d", tb.CsLen(), tb.Counters().CsBytes)
	}
	tb.SetCsCapacity(0, 0)
	if tb.CsLen() != 0 || tb.InsertCs(ds[0], full(ds[0].Name), 0, false) != nil {
		t.Fatal("capacity 0 should disable the CS")
	}
}

func BenchmarkPitInsertRemove(b *testing.B) {
	tb := pitcs.New(pitcs.Config{}, 0)
	names := make([]ndn.Name, 1024)
	hs := make([]uint64, len(names))
	for i := range names {
		names[i] = ndn.MustParseName("/bench/prefix/flow/" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
		hs[i] = full(names[i])
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i & 1023
		e, _, _ := tb.InsertPit(names[k], hs[k], false, false)
		e.InsertInRecord(1, uint32(i), nil, 0, 4e9)
		e.SetInterest(names[k].Value(), uint32(i), -1, 4e9)
		tb.SetExpiry(e, 4e9)
		tb.RemovePit(e)
	}
}

func TestBufferClasses(t *testing.T) {
	prev := 0
	for n := 1; n <= 9000; n++ {
		idx, size, ok := pitcs.ClassOf(n)
		if !ok || size < n || (n > 1024 && size > n+n/8+1) || idx <= 0 || idx >= pitcs.NumClasses {
			t.Fatalf("classOf(%d) = %d %d %v", n, idx, size, ok)
		}
		if i2, s2, _ := pitcs.ClassOf(size); i2 != idx || s2 != size {
			t.Fatalf("class of size %d is %d/%d, want %d", size, i2, s2, idx)
		}
		if idx < prev {
			t.Fatalf("classes not monotonic at %d", n)
		}
		prev = idx
	}
}

// TestARCResistsScan: a hot set used repeatedly survives a one-time scan
// over many other names with ARC, not with LRU.
func TestARCResistsScan(t *testing.T) {
	for _, tc := range []struct {
		policy  pitcs.Policy
		hotKept bool
	}{{pitcs.PolicyLRU, false}, {pitcs.PolicyARC, true}} {
		tb := pitcs.New(pitcs.Config{CsCapacity: 100, Policy: tc.policy}, 0)
		var hot []*ndn.Data
		for i := range 50 {
			hot = append(hot, makeData(t, "/hot/"+string(rune('a'+i%26))+string(rune('a'+i/26)), time.Hour, "h"))
		}
		for range 3 { // insert and use the hot set
			for _, d := range hot {
				if tb.FindCs(d.Name, hashes(d.Name), false, false, 0) == nil {
					tb.InsertCs(d, full(d.Name), 0, false)
				}
			}
		}
		for i := range 500 { // scan
			d := makeData(t, "/scan/"+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)), time.Hour, "s")
			if tb.FindCs(d.Name, hashes(d.Name), false, false, 0) == nil {
				tb.InsertCs(d, full(d.Name), 0, false)
			}
		}
		kept := 0
		for _, d := range hot {
			if tb.FindCs(d.Name, hashes(d.Name), false, false, 0) != nil {
				kept++
			}
		}
		if got := kept >= 40; got != tc.hotKept || tb.CsLen() > 100 {
			t.Errorf("%v: %d of 50 hot entries kept after the scan; CsLen %d", tc.policy, kept, tb.CsLen())
		}
		n := 0
		tb.AllCs(func(*pitcs.CsEntry) bool { n++; return true })
		if n != tb.CsLen() {
			t.Errorf("%v: AllCs saw %d of %d", tc.policy, n, tb.CsLen())
		}
	}
}
