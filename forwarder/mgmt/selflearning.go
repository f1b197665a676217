package mgmt

import (
	"bytes"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// Self-learning announcement lifetimes, as NFD's RibEntry::getPrefixAnnouncement:
// a generated announcement's ExpirationPeriod is the entry's remaining
// lifetime within [annMinExpiration, annMaxExpiration].
const (
	annMinExpiration = 15 * time.Second
	annMaxExpiration = time.Hour
	// annCacheMax bounds the generated announcements kept, annReuse how
	// long one is reused before it is made and signed again.
	annCacheMax = 1024
	annReuse    = time.Minute
)

// selfLearning is the server's forwarder.Announcer: the RIB side of the
// self-learning strategy (NFD's RibManager slAnnounce, slRenew, slFindAnn).
// Announcement runs on the forwarding goroutines and only reads the RIB's
// lock-free mirror; route changes are queued to the worker, so the
// forwarder never waits for the RIB (which waits for the forwarder).
type selfLearning struct {
	s    *Server
	jobs chan slJob

	mu    sync.Mutex // protects cache
	cache map[string]cachedAnn
}

type slJob struct {
	learn bool
	pa    []byte   // learn: the announcement's Data wire (owned)
	name  ndn.Name // renew (owned)
	face  uint64
	life  time.Duration
}

type cachedAnn struct {
	wire  []byte
	until time.Time
}

func newSelfLearning(s *Server) *selfLearning {
	return &selfLearning{s: s, jobs: make(chan slJob, 256), cache: map[string]cachedAnn{}}
}

// Announcement returns the announcement of the longest RIB prefix of name:
// the one a route carries (rib/announce, or learned), else one made for
// the entry and signed with the server's Signer, as NFD signs it with its
// default identity. Generated announcements are reused for a minute.
func (sl *selfLearning) Announcement(name ndn.Name) []byte {
	info, ok := sl.s.rib.Announcement(name)
	if !ok {
		return nil
	}
	if info.Announcement != nil {
		return info.Announcement
	}
	now := sl.s.opts.Now()
	k := string(info.Name.Value())
	sl.mu.Lock()
	c, ok := sl.cache[k]
	sl.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.wire
	}
	exp := annMaxExpiration
	if !info.Expires.IsZero() {
		exp = min(max(info.Expires.Sub(now), annMinExpiration), annMaxExpiration)
	}
	pa := nfd.PrefixAnn{Announced: info.Name, Version: uint64(now.UnixMilli()), ExpirationPeriod: exp.Truncate(time.Millisecond)}
	wire, err := pa.Data().SignWith(sl.s.opts.Signer)
	if err != nil {
		sl.s.log.Debug("mgmt: cannot sign a prefix announcement", "prefix", info.Name, "err", err)
		return nil
	}
	sl.mu.Lock()
	if len(sl.cache) >= annCacheMax {
		clear(sl.cache)
	}
	sl.cache[k] = cachedAnn{wire: wire, until: now.Add(min(annReuse, exp/2))}
	sl.mu.Unlock()
	return wire
}

// LearnRoute queues the installation of the announcement's route; it is
// dropped when the worker is that far behind.
func (sl *selfLearning) LearnRoute(pa []byte, face uint64, maxLifetime time.Duration) {
	select {
	case sl.jobs <- slJob{learn: true, pa: bytes.Clone(pa), face: face, life: maxLifetime}:
	default:
	}
}

// RenewRoute queues the renewal (or, with 0, the removal) of a learned route.
func (sl *selfLearning) RenewRoute(name ndn.Name, face uint64, maxLifetime time.Duration) {
	select {
	case sl.jobs <- slJob{name: name.Clone(), face: face, life: maxLifetime}:
	default:
	}
}

// do runs a job on the worker goroutine.
func (sl *selfLearning) do(j slJob) {
	s := sl.s
	if !j.learn {
		s.rib.Renew(j.name, j.face, uint16(nfd.OriginPrefixAnn), j.life)
		return
	}
	var d ndn.Data
	if d.Decode(j.pa) != nil {
		return
	}
	pa, err := nfd.DecodePrefixAnn(&d)
	if err != nil || pa.Announced.Len() > maxDepth {
		return
	}
	now := s.opts.Now()
	if pa.HasValidity() && (now.Before(pa.NotBefore) || now.After(pa.NotAfter)) {
		return
	}
	annExp := pa.ExpiresAt(now)
	exp := now.Add(j.life)
	if annExp.Before(exp) {
		exp = annExp
	}
	if !exp.After(now) {
		return
	}
	rt := rib.Route{FaceID: j.face, Origin: uint16(nfd.OriginPrefixAnn), Cost: nfd.PrefixAnnCost,
		Flags: nfd.PrefixAnnFlags, Expires: exp, Announcement: j.pa, AnnExpires: annExp}
	if err := s.rib.Register(pa.Announced, rt); err == nil {
		s.watch(j.face)
	}
}
