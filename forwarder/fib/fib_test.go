package fib_test

import (
	"hash/maphash"
	"testing"

	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestNextHopsSortedAndSnapshotsImmutable(t *testing.T) {
	seed := maphash.MakeSeed()
	f0 := fib.New(seed)
	p := ndn.MustParseName("/a")
	f1, _ := f0.AddNextHop(p, 300, 10)
	f2, _ := f1.AddNextHop(p, 301, 5)
	f3, _ := f2.AddNextHop(p, 302, 5)
	f4, _ := f3.AddNextHop(p, 300, 1) // update cost
	e, ok := f4.Lookup(ndn.MustParseName("/a/b"), ndn.MustParseName("/a/b").PrefixHashes(seed, nil))
	if !ok {
		t.Fatal("no match")
	}
	want := []fib.NextHop{{300, 1}, {301, 5}, {302, 5}}
	if len(e.NextHops) != 3 || e.NextHops[0] != want[0] || e.NextHops[1] != want[1] || e.NextHops[2] != want[2] {
		t.Errorf("next hops %v, want %v", e.NextHops, want)
	}
	if e1, _ := f1.Get(p); len(e1.NextHops) != 1 || e1.NextHops[0].Cost != 10 {
		t.Errorf("old snapshot changed: %v", e1.NextHops)
	}
	f5 := f4.RemoveFace(300)
	f6, ok := f5.RemoveNextHop(p, 301)
	f7, _ := f6.RemoveNextHop(p, 302)
	if !ok || f7.Len() != 0 || f6.Len() != 1 {
		t.Errorf("remove: ok=%v f6=%d f7=%d", ok, f6.Len(), f7.Len())
	}
	if _, ok := f7.RemoveNextHop(p, 302); ok {
		t.Error("RemoveNextHop on missing entry reported ok")
	}
}
