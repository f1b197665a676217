package rib_test

import (
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
)

// fakeFIB records next hops per prefix; faces in gone do not exist.
type fakeFIB struct {
	mu   sync.Mutex
	hops map[string]map[uint64]uint64
	gone map[uint64]bool
}

func newFakeFIB() *fakeFIB {
	return &fakeFIB{hops: map[string]map[uint64]uint64{}, gone: map[uint64]bool{}}
}

var errNoFace = errors.New("no face")

func (f *fakeFIB) AddNextHop(p ndn.Name, face, cost uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[face] {
		return errNoFace
	}
	k := p.String()
	if f.hops[k] == nil {
		f.hops[k] = map[uint64]uint64{}
	}
	f.hops[k][face] = cost
	return nil
}

func (f *fakeFIB) RemoveNextHop(p ndn.Name, face uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := p.String()
	_, ok := f.hops[k][face]
	delete(f.hops[k], face)
	if len(f.hops[k]) == 0 {
		delete(f.hops, k)
	}
	return ok
}

func (f *fakeFIB) get(p string) map[uint64]uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.hops[ndn.MustParseName(p).String()])
}

type reg struct {
	prefix string
	rt     rib.Route
}

func TestFIBComputation(t *testing.T) {
	ci, cap := rib.ChildInherit, rib.Capture
	cases := []struct {
		name string
		regs []reg
		want map[string]map[uint64]uint64 // expected FIB entries (nil map: no entry)
	}{
		{"own route", []reg{{"/a", rib.Route{FaceID: 300, Cost: 5}}},
			map[string]map[uint64]uint64{"/a": {300: 5}}},
		{"lowest cost per face among origins",
			[]reg{{"/a", rib.Route{FaceID: 300, Origin: 0, Cost: 9}}, {"/a", rib.Route{FaceID: 300, Origin: 255, Cost: 3}}},
			map[string]map[uint64]uint64{"/a": {300: 3}}},
		{"child inherit", []reg{{"/a", rib.Route{FaceID: 300, Cost: 10, Flags: ci}}, {"/a/b", rib.Route{FaceID: 301, Cost: 1}}},
			map[string]map[uint64]uint64{"/a": {300: 10}, "/a/b": {300: 10, 301: 1}}},
		{"no inherit without the flag", []reg{{"/a", rib.Route{FaceID: 300, Cost: 10}}, {"/a/b", rib.Route{FaceID: 301, Cost: 1}}},
			map[string]map[uint64]uint64{"/a": {300: 10}, "/a/b": {301: 1}}},
		{"own route beats inherited cost", []reg{{"/a", rib.Route{FaceID: 300, Cost: 1, Flags: ci}}, {"/a/b", rib.Route{FaceID: 300, Cost: 50}}},
			map[string]map[uint64]uint64{"/a": {300: 1}, "/a/b": {300: 50}}},
		{"nearest ancestor wins", []reg{
			{"/", rib.Route{FaceID: 300, Cost: 1, Flags: ci}},
			{"/a", rib.Route{FaceID: 300, Cost: 7, Flags: ci}},
			{"/a/b/c", rib.Route{FaceID: 301, Cost: 1}}},
			map[string]map[uint64]uint64{"/": {300: 1}, "/a": {300: 7}, "/a/b/c": {300: 7, 301: 1}}},
		{"capture blocks ancestors", []reg{
			{"/a", rib.Route{FaceID: 300, Cost: 1, Flags: ci}},
			{"/a/b", rib.Route{FaceID: 301, Cost: 1, Flags: cap}}},
			map[string]map[uint64]uint64{"/a": {300: 1}, "/a/b": {301: 1}}},
		{"capturing ancestor still passes its own routes", []reg{
			{"/", rib.Route{FaceID: 299, Cost: 1, Flags: ci}},
			{"/a", rib.Route{FaceID: 300, Cost: 2, Flags: ci | cap}},
			{"/a/b", rib.Route{FaceID: 301, Cost: 1}}},
			map[string]map[uint64]uint64{"/": {299: 1}, "/a": {300: 2}, "/a/b": {300: 2, 301: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fib := newFakeFIB()
			r := rib.New(rib.Options{FIB: fib})
			defer r.Close()
			for _, g := range c.regs {
				if err := r.Register(ndn.MustParseName(g.prefix), g.rt); err != nil {
					t.Fatal(err)
				}
			}
			fib.mu.Lock()
			got := len(fib.hops)
			fib.mu.Unlock()
			if got != len(c.want) {
				t.Errorf("FIB has %d entries, want %d: %v", got, len(c.want), fib.hops)
			}
			for p, w := range c.want {
				if g := fib.get(p); !maps.Equal(g, w) {
					t.Errorf("FIB %s = %v, want %v", p, g, w)
				}
			}
		})
	}
}

func TestUnregisterRestoresInheritance(t *testing.T) {
	fib := newFakeFIB()
	r := rib.New(rib.Options{FIB: fib})
	defer r.Close()
	a, ab := ndn.MustParseName("/a"), ndn.MustParseName("/a/b")
	must(t, r.Register(a, rib.Route{FaceID: 300, Cost: 4, Flags: rib.ChildInherit}))
	must(t, r.Register(ab, rib.Route{FaceID: 301, Origin: 65, Cost: 0, Flags: rib.Capture}))
	if g := fib.get("/a/b"); !maps.Equal(g, map[uint64]uint64{301: 0}) {
		t.Fatalf("captured /a/b = %v", g)
	}
	if !r.Unregister(ab, 301, 65) {
		t.Fatal("Unregister found no route")
	}
	if r.Unregister(ab, 301, 65) {
		t.Fatal("second Unregister found a route")
	}
	if g := fib.get("/a/b"); g != nil {
		t.Fatalf("/a/b still in FIB after unregister: %v", g)
	}
	// Removing the parent route removes the inherited next hop of a child.
	must(t, r.Register(ab, rib.Route{FaceID: 301, Cost: 1}))
	if g := fib.get("/a/b"); !maps.Equal(g, map[uint64]uint64{300: 4, 301: 1}) {
		t.Fatalf("/a/b = %v", g)
	}
	r.Unregister(a, 300, 0)
	if g := fib.get("/a/b"); !maps.Equal(g, map[uint64]uint64{301: 1}) {
		t.Fatalf("/a/b after parent unregister = %v", g)
	}
	if g := fib.get("/a"); g != nil {
		t.Fatalf("/a = %v", g)
	}
}

func TestRemoveFace(t *testing.T) {
	fib := newFakeFIB()
	r := rib.New(rib.Options{FIB: fib})
	defer r.Close()
	must(t, r.Register(ndn.MustParseName("/a"), rib.Route{FaceID: 300, Flags: rib.ChildInherit}))
	must(t, r.Register(ndn.MustParseName("/a/b"), rib.Route{FaceID: 301}))
	must(t, r.Register(ndn.MustParseName("/c"), rib.Route{FaceID: 300, Origin: 255}))
	if n := r.RemoveFace(300); n != 2 {
		t.Fatalf("RemoveFace removed %d routes, want 2", n)
	}
	if r.Len() != 1 {
		t.Fatalf("RIB has %d entries, want 1 (/a/b)", r.Len())
	}
	// The forwarder drops a closed face's next hops itself; the RIB must
	// keep /a/b's own route.
	if g := fib.get("/a/b"); g[301] != 0 || len(g) == 0 {
		t.Fatalf("/a/b = %v", g)
	}
}

func TestRegisterUnknownFace(t *testing.T) {
	fib := newFakeFIB()
	fib.gone[999] = true
	r := rib.New(rib.Options{FIB: fib})
	defer r.Close()
	if err := r.Register(ndn.MustParseName("/x"), rib.Route{FaceID: 999}); !errors.Is(err, errNoFace) {
		t.Fatalf("Register on a missing face: %v", err)
	}
	if r.Len() != 0 {
		t.Fatalf("route to a missing face kept: %v", r.Entries())
	}
}

func TestTooDeep(t *testing.T) {
	r := rib.New(rib.Options{FIB: newFakeFIB()})
	defer r.Close()
	n := ndn.Name{}
	for range 33 {
		n = n.Append(ndn.GenericComponent("x"))
	}
	if err := r.Register(n, rib.Route{FaceID: 1}); !errors.Is(err, rib.ErrTooDeep) {
		t.Fatalf("33 components: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	fib := newFakeFIB()
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := rib.New(rib.Options{FIB: fib, Now: clock})
	defer r.Close()
	must(t, r.Register(ndn.MustParseName("/e"), rib.Route{FaceID: 300, Expires: now.Add(time.Hour)}))
	must(t, r.Register(ndn.MustParseName("/e"), rib.Route{FaceID: 301, Origin: 1}))
	ents := r.Entries()
	if len(ents) != 1 || len(ents[0].Routes) != 2 || !ents[0].Routes[0].Expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("entries = %+v", ents)
	}
	r.Expire()
	if g := fib.get("/e"); len(g) != 2 {
		t.Fatalf("expired too early: %v", g)
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	r.Expire()
	if g := fib.get("/e"); !maps.Equal(g, map[uint64]uint64{301: 0}) {
		t.Fatalf("after expiry /e = %v", g)
	}
}

// TestExpiryTimer checks that the RIB's own timer removes a route.
func TestExpiryTimer(t *testing.T) {
	fib := newFakeFIB()
	r := rib.New(rib.Options{FIB: fib})
	defer r.Close()
	must(t, r.Register(ndn.MustParseName("/t"), rib.Route{FaceID: 300, Expires: time.Now().Add(20 * time.Millisecond)}))
	deadline := time.Now().Add(5 * time.Second)
	for r.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("route did not expire within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if g := fib.get("/t"); g != nil {
		t.Fatalf("FIB kept an expired route: %v", g)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRegister measures registering and unregistering a route under a
// RIB of 1000 prefixes (the FIB is a no-op fake).
func BenchmarkRegister(b *testing.B) {
	r := rib.New(rib.Options{FIB: nopFIB{}})
	defer r.Close()
	for k := range 1000 {
		_ = r.Register(ndn.MustParseName("/bench/p").Append(ndn.NumberComponent(8, uint64(k))), rib.Route{FaceID: 300, Flags: rib.ChildInherit})
	}
	n := ndn.MustParseName("/bench/p/x/y")
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Register(n, rib.Route{FaceID: 301, Cost: 1})
		r.Unregister(n, 301, 0)
	}
}

type nopFIB struct{}

func (nopFIB) AddNextHop(ndn.Name, uint64, uint64) error { return nil }
func (nopFIB) RemoveNextHop(ndn.Name, uint64) bool       { return true }
