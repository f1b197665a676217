package lpm_test

import (
	"errors"
	"hash/maphash"
	"strings"
	"testing"

	"github.com/ndnflow/ndnflow/forwarder/lpm"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestLongestPrefixMatch(t *testing.T) {
	seed := maphash.MakeSeed()
	tb := lpm.New[string](seed)
	for _, p := range []string{"/", "/a", "/a/b/c", "/x/y"} {
		var err error
		if tb, err = tb.With(ndn.MustParseName(p), p); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, want string }{
		{"/a/b", "/a"}, {"/a/b/c/d", "/a/b/c"}, {"/a/b/c", "/a/b/c"}, {"/x", "/"},
		{"/x/y/z", "/x/y"}, {"/ab", "/"}, {"/", "/"},
	}
	for _, tc := range tests {
		n := ndn.MustParseName(tc.name)
		e, ok := tb.Lookup(n, n.PrefixHashes(seed, nil))
		if !ok || e.Value != tc.want {
			t.Errorf("Lookup(%s) = %v %v, want %s", tc.name, e, ok, tc.want)
		}
	}
	old := tb
	tb, ok := tb.Without(ndn.MustParseName("/a/b/c"))
	if !ok || tb.Len() != 3 || old.Len() != 4 {
		t.Fatalf("Without: ok=%v len=%d old=%d", ok, tb.Len(), old.Len())
	}
	n := ndn.MustParseName("/a/b/c/d")
	if e, _ := tb.Lookup(n, n.PrefixHashes(seed, nil)); e.Value != "/a" {
		t.Errorf("after Without: %s", e.Value)
	}
	if e, _ := old.Lookup(n, n.PrefixHashes(seed, nil)); e.Value != "/a/b/c" {
		t.Errorf("old snapshot changed: %s", e.Value)
	}
	deep := ndn.MustParseName(strings.Repeat("/c", 33))
	if _, err := tb.With(deep, "x"); !errors.Is(err, lpm.ErrTooDeep) {
		t.Errorf("With(33 components) err = %v", err)
	}
	// Lookup of a name deeper than MaxDepth still finds shallower prefixes.
	if e, ok := tb.Lookup(deep, deep.PrefixHashes(seed, nil)); !ok || e.Value != "/" {
		t.Errorf("deep lookup = %v", e)
	}
}

func BenchmarkLookup(b *testing.B) {
	seed := maphash.MakeSeed()
	tb := lpm.New[int](seed)
	for i := range 1000 {
		tb, _ = tb.With(ndn.MustParseName("/net/site"+string(rune('a'+i%26))+"/"+strings.Repeat("x", i%7+1)), i)
	}
	n := ndn.MustParseName("/net/sitec/xxxx/file/v=1/seg=3")
	hs := n.PrefixHashes(seed, nil)
	b.ReportAllocs()
	for b.Loop() {
		tb.Lookup(n, hs)
	}
}
