package rib_test

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestAnnouncementAndRenew covers the self-learning side of the RIB: the
// lock-free longest-prefix lookup and the renewal or removal of a learned
// route.
func TestAnnouncementAndRenew(t *testing.T) {
	now := time.Unix(1e9, 0)
	fib := newFakeFIB()
	r := rib.New(rib.Options{FIB: fib, Now: func() time.Time { return now }})
	defer r.Close()
	n := ndn.MustParseName

	if _, ok := r.Announcement(n("/p/a")); ok {
		t.Fatal("empty RIB has an announcement")
	}
	// An app registered /p (no announcement, never expires).
	if err := r.Register(n("/p"), rib.Route{FaceID: 300, Origin: 0}); err != nil {
		t.Fatal(err)
	}
	info, ok := r.Announcement(n("/p/a/b"))
	if !ok || info.Name.String() != "/p" || info.Announcement != nil || !info.Expires.IsZero() {
		t.Fatalf("registered /p: %+v %v", info, ok)
	}
	// A learned route for /p/a with an announcement, 10 min, announcement 1 h.
	pa := []byte("pa-wire")
	learned := rib.Route{FaceID: 301, Origin: 129, Cost: 2048, Flags: rib.ChildInherit,
		Expires: now.Add(10 * time.Minute), Announcement: pa, AnnExpires: now.Add(time.Hour)}
	if err := r.Register(n("/p/a"), learned); err != nil {
		t.Fatal(err)
	}
	info, ok = r.Announcement(n("/p/a/b"))
	if !ok || info.Name.String() != "/p/a" || string(info.Announcement) != "pa-wire" || !info.Expires.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("learned /p/a: %+v %v", info, ok)
	}
	if info, _ := r.Announcement(n("/p/x")); info.Name.String() != "/p" {
		t.Fatalf("/p/x resolves to %s", info.Name)
	}

	// Renewal by a Data name under /p/a, bounded by the announcement.
	now = now.Add(5 * time.Minute)
	if !r.Renew(n("/p/a/b/c"), 301, 129, 10*time.Minute) {
		t.Fatal("Renew found no route")
	}
	if info, _ := r.Announcement(n("/p/a")); !info.Expires.Equal(now.Add(10 * time.Minute)) {
		t.Fatalf("after renewal expires %v, want %v", info.Expires, now.Add(10*time.Minute))
	}
	now = now.Add(50 * time.Minute)
	r.Renew(n("/p/a/b"), 301, 129, 10*time.Minute)
	if info, _ := r.Announcement(n("/p/a")); !info.Expires.Equal(learned.AnnExpires) {
		t.Fatalf("renewal beyond the announcement: expires %v, want %v", info.Expires, learned.AnnExpires)
	}
	// Routes without an announcement, or of another face, are not renewed.
	if r.Renew(n("/p/q"), 300, 0, time.Minute) || r.Renew(n("/p/a/b"), 302, 129, time.Minute) {
		t.Fatal("Renew touched a route it should not")
	}
	// maxLifetime 0 removes the learned route and its next hop.
	if fib.get("/p/a")[301] != 2048 {
		t.Fatalf("FIB /p/a = %v", fib.get("/p/a"))
	}
	if !r.Renew(n("/p/a/b"), 301, 129, 0) {
		t.Fatal("removal found no route")
	}
	if _, ok := fib.get("/p/a")[301]; ok {
		t.Fatalf("FIB /p/a still has 301: %v", fib.get("/p/a"))
	}
	if info, _ := r.Announcement(n("/p/a/b")); info.Name.String() != "/p" {
		t.Fatalf("after removal /p/a/b resolves to %s", info.Name)
	}
	r.Unregister(n("/p"), 300, 0)
	if _, ok := r.Announcement(n("/p/a")); ok {
		t.Fatal("announcement left after the last route went")
	}
}
