// Package rib is the Routing Information Base: routes per (prefix, face,
// origin) with a cost, flags and an optional expiry, from which it computes
// the FIB exactly as NFD's RIB manager does (ndn-protocols.md §5.2):
//
//   - a RIB entry's own routes are all installed, the lowest cost winning
//     when several origins route to the same face;
//   - unless one of the entry's own routes has CAPTURE, routes with
//     CHILD_INHERIT of its ancestors are added for faces the entry has no
//     own route to, the nearest ancestor winning; the walk up stops after
//     an ancestor that has CAPTURE;
//   - a prefix without any next hop has no FIB entry.
//
// The RIB only changes the FIB next hops it installed itself, through the
// FIB interface, so next hops added directly (fib/add-nexthop, static
// routes given to the forwarder) are left alone unless the RIB later
// installs the same (prefix, face).
//
// A RIB is safe for concurrent use. Routes with an expiry are removed by one
// timer goroutine; Close stops it.
package rib

import (
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

// Route flags, as in NFD (ndn-protocols.md §4.2).
const (
	ChildInherit uint64 = 1
	Capture      uint64 = 2
)

// MaxDepth is the longest prefix, in components, the RIB accepts (NFD's
// FIB and name-tree depth limit).
const MaxDepth = 32

// ErrTooDeep means a prefix has more than MaxDepth components (NFD answers
// 414).
var ErrTooDeep = errors.New("rib: prefix longer than 32 components")

// FIB is what the RIB needs of the forwarder: *forwarder.Forwarder
// implements it. AddNextHop fails when the face does not exist; the RIB then
// drops that face's routes.
type FIB interface {
	AddNextHop(prefix ndn.Name, faceID, cost uint64) error
	RemoveNextHop(prefix ndn.Name, faceID uint64) bool
}

// Route is one route of a RIB entry.
type Route struct {
	FaceID uint64
	Origin uint16
	Cost   uint64
	// Flags holds ChildInherit and Capture.
	Flags uint64
	// Expires is when the route is removed; zero means never.
	Expires time.Time
	// Announcement is the wire of the Prefix Announcement Data the route
	// came from (rib/announce, self-learning), nil for other routes;
	// AnnExpires is when that announcement expires (the latest Expires a
	// renewal may give the route). The RIB does not modify Announcement.
	Announcement []byte
	AnnExpires   time.Time
}

// Entry is a RIB entry for listing: a prefix and its routes, sorted by
// FaceId then Origin.
type Entry struct {
	Name   ndn.Name
	Routes []Route
}

// Options configure a RIB. The zero value is usable except for FIB.
type Options struct {
	// FIB receives the computed next hops. Required.
	FIB FIB
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

type routeKey struct {
	face   uint64
	origin uint16
}

type entry struct {
	name   ndn.Name
	routes map[routeKey]Route
}

func (e *entry) hasCapture() bool {
	for _, r := range e.routes {
		if r.Flags&Capture != 0 {
			return true
		}
	}
	return false
}

// RIB is the routing information base. See the package doc.
type RIB struct {
	opts Options
	log  *slog.Logger

	mu sync.Mutex // protects everything below
	// entries is keyed by the Name TLV-VALUE.
	entries map[string]*entry
	// desc counts the entries strictly under each prefix key.
	desc map[string]int
	// expiring holds the entries that have a route with an expiry.
	expiring map[*entry]struct{}
	// installed is what the RIB put in the FIB: prefix key → face → cost.
	installed map[string]map[uint64]uint64
	timer     *time.Timer
	closed    bool

	// anns mirrors, for lock-free Announcement lookups, every entry:
	// Name TLV-VALUE (string) → *AnnInfo. It is written with mu held.
	anns sync.Map
}

// AnnInfo is what self-learning needs of a RIB entry to answer a discovery
// Interest with a Prefix Announcement.
type AnnInfo struct {
	Name ndn.Name
	// Announcement is the wire of the announcement of the route of the
	// entry that expires last among those that have one; nil if none has.
	Announcement []byte
	// Expires is the latest expiry of the entry's routes; zero when one
	// never expires.
	Expires time.Time
}

// publish refreshes the lock-free mirror of the entry of name. r.mu is held.
func (r *RIB) publish(name ndn.Name) {
	k := string(name.Value())
	e := r.entries[k]
	if e == nil {
		r.anns.Delete(k)
		return
	}
	info := &AnnInfo{Name: e.name}
	var annExp time.Time
	never := false
	for _, rt := range e.routes {
		if rt.Expires.IsZero() {
			never = true
		} else if rt.Expires.After(info.Expires) {
			info.Expires = rt.Expires
		}
		if rt.Announcement != nil && (info.Announcement == nil || rt.Expires.IsZero() || rt.Expires.After(annExp)) {
			info.Announcement, annExp = rt.Announcement, rt.Expires
		}
	}
	if never {
		info.Expires = time.Time{}
	}
	r.anns.Store(k, info)
}

// Announcement returns the entry of the longest prefix of name (name
// itself included) for self-learning. It takes no lock, so it may be
// called while the RIB updates the FIB; it reflects the RIB as of the last
// completed change.
func (r *RIB) Announcement(name ndn.Name) (AnnInfo, bool) {
	for l := name.Len(); l >= 0; l-- {
		if v, ok := r.anns.Load(string(name.Prefix(l).Value())); ok {
			return *v.(*AnnInfo), true
		}
	}
	return AnnInfo{}, false
}

// Renew finds the longest prefix of name whose entry has a route of
// faceID and origin that carries an announcement and makes it expire
// maxLifetime from now, or when its announcement expires if that is
// earlier; maxLifetime <= 0 removes the route. It reports whether there
// was such a route (NFD's slRenew).
func (r *RIB) Renew(name ndn.Name, faceID uint64, origin uint16, maxLifetime time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rk := routeKey{faceID, origin}
	for l := name.Len(); l >= 0; l-- {
		e := r.entries[string(name.Prefix(l).Value())]
		if e == nil {
			continue
		}
		rt, ok := e.routes[rk]
		if !ok || rt.Announcement == nil {
			continue
		}
		if maxLifetime <= 0 {
			delete(e.routes, rk)
		} else {
			rt.Expires = r.opts.Now().Add(maxLifetime)
			if !rt.AnnExpires.IsZero() && rt.AnnExpires.Before(rt.Expires) {
				rt.Expires = rt.AnnExpires
			}
			e.routes[rk] = rt
		}
		prefix := e.name
		r.noteExpiry(e)
		if len(e.routes) == 0 {
			r.dropEntry(e)
		}
		_ = r.update(prefix)
		r.publish(prefix)
		r.schedule()
		return true
	}
	return false
}

// addEntry creates the entry of name. r.mu is held.
func (r *RIB) addEntry(name ndn.Name) *entry {
	e := &entry{name: name.Clone(), routes: map[routeKey]Route{}}
	r.entries[string(e.name.Value())] = e
	for l := range e.name.Len() {
		r.desc[string(e.name.Prefix(l).Value())]++
	}
	return e
}

// dropEntry deletes an entry that has no routes left. r.mu is held.
func (r *RIB) dropEntry(e *entry) {
	delete(r.entries, string(e.name.Value()))
	delete(r.expiring, e)
	for l := range e.name.Len() {
		k := string(e.name.Prefix(l).Value())
		if r.desc[k]--; r.desc[k] <= 0 {
			delete(r.desc, k)
		}
	}
}

// noteExpiry keeps r.expiring up to date for e. r.mu is held.
func (r *RIB) noteExpiry(e *entry) {
	for _, rt := range e.routes {
		if !rt.Expires.IsZero() {
			r.expiring[e] = struct{}{}
			return
		}
	}
	delete(r.expiring, e)
}

// New returns an empty RIB that installs routes in o.FIB.
func New(o Options) *RIB {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &RIB{opts: o, log: o.Logger, entries: map[string]*entry{}, desc: map[string]int{},
		expiring: map[*entry]struct{}{}, installed: map[string]map[uint64]uint64{}}
}

// Close stops the expiry timer. The FIB is left as it is.
func (r *RIB) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.timer != nil {
		r.timer.Stop()
	}
}

// Register adds the route, or replaces the route of the same face and
// origin under prefix, and updates the FIB. If the FIB rejects the face
// (it does not exist) the face's routes are removed and the error is
// returned.
func (r *RIB) Register(prefix ndn.Name, rt Route) error {
	if prefix.Len() > MaxDepth {
		return ErrTooDeep
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[string(prefix.Value())]
	if e == nil {
		e = r.addEntry(prefix)
	}
	e.routes[routeKey{rt.FaceID, rt.Origin}] = rt
	r.noteExpiry(e)
	err := r.update(prefix)
	r.publish(prefix)
	r.schedule()
	return err
}

// Unregister removes the route of face and origin under prefix and reports
// whether there was one.
func (r *RIB) Unregister(prefix ndn.Name, faceID uint64, origin uint16) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := string(prefix.Value())
	e := r.entries[k]
	if e == nil {
		return false
	}
	rk := routeKey{faceID, origin}
	if _, ok := e.routes[rk]; !ok {
		return false
	}
	delete(e.routes, rk)
	r.noteExpiry(e)
	if len(e.routes) == 0 {
		r.dropEntry(e)
	}
	_ = r.update(prefix)
	r.publish(prefix)
	r.schedule()
	return true
}

// RemoveFace removes every route through faceID (its face closed) and
// returns how many there were.
func (r *RIB) RemoveFace(faceID uint64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.removeFaceLocked(faceID)
	r.schedule()
	return n
}

func (r *RIB) removeFaceLocked(faceID uint64) int {
	n := 0
	var touched []ndn.Name
	for _, e := range r.entries {
		hit := false
		for rk := range e.routes {
			if rk.face == faceID {
				delete(e.routes, rk)
				n++
				hit = true
			}
		}
		if hit {
			touched = append(touched, e.name)
			r.noteExpiry(e)
			if len(e.routes) == 0 {
				r.dropEntry(e)
			}
		}
	}
	// The face is gone: forget what was installed for it without asking
	// the FIB (the forwarder already dropped its next hops).
	for k, hops := range r.installed {
		delete(hops, faceID)
		if len(hops) == 0 {
			delete(r.installed, k)
		}
	}
	for _, p := range touched {
		_ = r.update(p)
		r.publish(p)
	}
	return n
}

// Entries returns every RIB entry sorted by name; routes carry their
// expiry (compare it with the clock for the time left).
func (r *RIB) Entries() []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Entry, 0, len(r.entries))
	for _, e := range r.entries {
		ent := Entry{Name: e.name}
		for _, rt := range e.routes {
			ent.Routes = append(ent.Routes, rt)
		}
		slices.SortFunc(ent.Routes, func(a, b Route) int {
			if a.FaceID != b.FaceID {
				return cmpU64(a.FaceID, b.FaceID)
			}
			return int(a.Origin) - int(b.Origin)
		})
		out = append(out, ent)
	}
	slices.SortFunc(out, func(a, b Entry) int { return a.Name.Compare(b.Name) })
	return out
}

// Len returns the number of RIB entries (prefixes).
func (r *RIB) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// NextHops returns the next hops (face → cost) the RIB computes for name,
// which need not be a RIB entry; for tests and diagnostics.
func (r *RIB) NextHops(name ndn.Name) map[uint64]uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.compute(name)
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compute returns the FIB next hops of name from the RIB.
func (r *RIB) compute(name ndn.Name) map[uint64]uint64 {
	hops := map[uint64]uint64{}
	e := r.entries[string(name.Value())]
	capture := false
	if e != nil {
		for _, rt := range e.routes {
			if c, ok := hops[rt.FaceID]; !ok || rt.Cost < c {
				hops[rt.FaceID] = rt.Cost
			}
		}
		capture = e.hasCapture()
	}
	if capture {
		return hops
	}
	inherited := map[uint64]bool{}
	for l := name.Len() - 1; l >= 0; l-- {
		a := r.entries[string(name.Prefix(l).Value())]
		if a == nil {
			continue
		}
		// Within one ancestor, the lowest-cost CHILD_INHERIT route per face.
		best := map[uint64]uint64{}
		for _, rt := range a.routes {
			if rt.Flags&ChildInherit == 0 {
				continue
			}
			if c, ok := best[rt.FaceID]; !ok || rt.Cost < c {
				best[rt.FaceID] = rt.Cost
			}
		}
		for f, c := range best {
			if _, ok := hops[f]; !ok && !inherited[f] {
				hops[f] = c
				inherited[f] = true
			}
		}
		if a.hasCapture() {
			break
		}
	}
	return hops
}

// update recomputes the FIB next hops of prefix and of every RIB entry
// under it, and applies the differences to the FIB. Every prefix whose
// entry was deleted is passed here itself, so its installed next hops go.
func (r *RIB) update(prefix ndn.Name) error {
	var errs []error
	targets := []ndn.Name{prefix}
	if r.desc[string(prefix.Value())] > 0 {
		for _, e := range r.entries {
			if e.name.Len() > prefix.Len() && prefix.IsPrefixOf(e.name) {
				targets = append(targets, e.name)
			}
		}
	}
	bad := map[uint64]bool{}
	for _, n := range targets {
		k := string(n.Value())
		want := map[uint64]uint64{}
		if _, ok := r.entries[k]; ok {
			want = r.compute(n)
		}
		have := r.installed[k]
		for f := range have {
			if _, ok := want[f]; !ok {
				r.opts.FIB.RemoveNextHop(n, f)
				delete(have, f)
			}
		}
		for f, c := range want {
			if hc, ok := have[f]; ok && hc == c {
				continue
			}
			if err := r.opts.FIB.AddNextHop(n, f, c); err != nil {
				errs = append(errs, err)
				bad[f] = true
				continue
			}
			if have == nil {
				have = map[uint64]uint64{}
				r.installed[k] = have
			}
			have[f] = c
		}
		if len(have) == 0 {
			delete(r.installed, k)
		}
	}
	for f := range bad {
		r.log.Debug("rib: face rejected by the FIB; removing its routes", "face", f)
		r.removeFaceLocked(f)
	}
	return errors.Join(errs...)
}

// schedule arms the timer for the earliest expiry. r.mu is held.
func (r *RIB) schedule() {
	if r.closed {
		return
	}
	var next time.Time
	for e := range r.expiring {
		for _, rt := range e.routes {
			if !rt.Expires.IsZero() && (next.IsZero() || rt.Expires.Before(next)) {
				next = rt.Expires
			}
		}
	}
	if next.IsZero() {
		if r.timer != nil {
			r.timer.Stop()
		}
		return
	}
	d := max(next.Sub(r.opts.Now()), 0)
	if r.timer == nil {
		r.timer = time.AfterFunc(d, r.Expire)
	} else {
		r.timer.Reset(d)
	}
}

// Expire removes the routes whose expiry has passed; the timer calls it,
// and tests with a fake clock may call it directly.
func (r *RIB) Expire() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opts.Now()
	var touched []ndn.Name
	for e := range r.expiring {
		hit := false
		for rk, rt := range e.routes {
			if !rt.Expires.IsZero() && !rt.Expires.After(now) {
				delete(e.routes, rk)
				hit = true
			}
		}
		if hit {
			touched = append(touched, e.name)
			r.noteExpiry(e)
			if len(e.routes) == 0 {
				r.dropEntry(e)
			}
		}
	}
	for _, p := range touched {
		_ = r.update(p)
		r.publish(p)
	}
	r.schedule()
}
