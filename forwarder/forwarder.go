package forwarder

import (
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/lpm"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
)

// Face is what the forwarder needs of a face to send through it.
// *face.Face implements it; Send must copy what it keeps and never block.
type Face interface {
	ID() uint64
	Info() face.TransportInfo
	Send(p *ndn.LpPacket) bool
}

var _ Face = (*face.Face)(nil)

type faceEntry struct {
	f    Face
	ff   *face.Face // nil for faces attached without a *face.Face
	info strategy.FaceInfo
	// verifyExempt: Data going only to this face is not verified (and
	// then not cached); see SetVerifyExempt.
	verifyExempt bool
}

// faceMap is an immutable face table snapshot.
type faceMap struct {
	m map[uint64]*faceEntry
}

// choice is one strategy choice: the canonical strategy name and the id
// of its per-shard instances.
type choice struct {
	prefix ndn.Name
	name   ndn.Name
	id     int32
}

// scTable is an immutable strategy-choice snapshot.
type scTable struct {
	t *lpm.Table[*choice]
}

// FirstFaceID is the first FaceId AddFace assigns (NFD reserves ≤ 255).
const FirstFaceID = 256

// ContentStoreFaceID is the FaceId Data served from the content store
// comes from (IncomingFaceId on Data sent to applications), as in NFD.
const ContentStoreFaceID = 254

// Forwarder is an NDN forwarder. Its methods are safe for concurrent use.
// Create it with New and stop it with Close.
type Forwarder struct {
	cfg   Config
	log   *slog.Logger
	seed  maphash.Seed
	epoch time.Time

	faces atomic.Pointer[faceMap]
	fib   atomic.Pointer[fib.Table]
	sc    atomic.Pointer[scTable]

	csNoAdmit, csNoServe atomic.Bool

	announcer atomic.Pointer[Announcer]

	verify    *lpm.Table[DataValidator] // nil: no verification
	verifyQ   chan verifyJob
	verifyCtr verifyCounters

	mgmt struct {
		sync.Mutex     // serializes table and face-table updates
		nextFace       uint64
		strategyIDs    map[string]int32
		csCapacity     int
		csCapacityByte int64
	}

	shards    []*shard
	batchPool sync.Pool
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New returns a running forwarder with the default strategy choices
// (ndn-protocols.md §5.3) and no faces.
func New(cfg Config) *Forwarder {
	fw := newForwarder(cfg)
	fw.startVerifiers()
	for _, s := range fw.shards {
		fw.wg.Add(1)
		go func() { defer fw.wg.Done(); s.RoutineShard() }()
	}
	return fw
}

// newForwarder builds a forwarder without starting its shards (tests drive
// shards directly).
func newForwarder(cfg Config) *Forwarder {
	cfg.applyDefaults()
	fw := &Forwarder{cfg: cfg, log: cfg.Logger, seed: maphash.MakeSeed(), epoch: time.Now(), done: make(chan struct{})}
	fw.batchPool.New = func() any { return new(batch) }
	fw.csNoAdmit.Store(cfg.CsNoAdmit)
	fw.csNoServe.Store(cfg.CsNoServe)
	fw.faces.Store(&faceMap{m: map[uint64]*faceEntry{}})
	fw.fib.Store(fib.New(fw.seed))
	fw.mgmt.nextFace = FirstFaceID
	fw.mgmt.strategyIDs = map[string]int32{}
	fw.sc.Store(&scTable{t: lpm.New[*choice](fw.seed)})
	fw.buildVerifyTable()
	for _, d := range [][2]string{
		{"/", "best-route"}, {"/localhost", "multicast"},
		{"/localhost/nfd", "best-route"}, {"/ndn/broadcast", "multicast"},
	} {
		sn, _ := strategy.ParseName(d[1])
		if _, err := fw.SetStrategy(ndn.MustParseName(d[0]), sn); err != nil {
			panic(err) // built-in names
		}
	}
	n := cfg.Shards
	csCap := cfg.CsCapacity
	if csCap > 0 {
		csCap = max(1, (csCap+n-1)/n)
	}
	fw.mgmt.csCapacity, fw.mgmt.csCapacityByte = cfg.CsCapacity, cfg.CsCapacityBytes
	pc := pitcs.Config{
		PitCapacity:     max(1, (cfg.PitCapacity+n-1)/n),
		CsCapacity:      csCap,
		CsCapacityBytes: max(1, cfg.CsCapacityBytes/int64(n)),
		Policy:          cfg.CsPolicy,
	}
	now := fw.now()
	for k := range n {
		fw.shards = append(fw.shards, newShard(fw, k, pc, now))
	}
	for _, s := range fw.shards {
		s.load()
	}
	return fw
}

// now returns the forwarder's monotonic time in nanoseconds.
func (fw *Forwarder) now() int64 { return int64(time.Since(fw.epoch)) }

// Close closes every face and stops the shards. It waits for the shard
// goroutines, not for the faces' goroutines.
func (fw *Forwarder) Close() error {
	fw.closeOnce.Do(func() {
		for _, fe := range fw.faces.Load().m {
			if fe.ff != nil {
				fe.ff.Close()
			}
		}
		close(fw.done)
	})
	fw.wg.Wait()
	return nil
}

// Shards returns the number of forwarding shards.
func (fw *Forwarder) Shards() int { return len(fw.shards) }

// Seed returns the hash seed of the forwarder's tables.
func (fw *Forwarder) Seed() maphash.Seed { return fw.seed }

func (fw *Forwarder) getBatch() *batch  { return fw.batchPool.Get().(*batch) }
func (fw *Forwarder) putBatch(b *batch) { b.n = 0; fw.batchPool.Put(b) }

// tokenCheck returns the check octet of a PIT token's first 7 octets.
func (fw *Forwarder) tokenCheck(b []byte) byte { return byte(maphash.Bytes(fw.seed, b)) }

// tokenShard returns the shard named by one of our PIT tokens.
func (fw *Forwarder) tokenShard(tok []byte) (int, bool) {
	if len(tok) != tokenLen || int(tok[0]) >= len(fw.shards) || fw.tokenCheck(tok[:7]) != tok[7] {
		return 0, false
	}
	return int(tok[0]), true
}

func (fw *Forwarder) shardOfHash(h uint64) int {
	return int((h >> 32) * uint64(len(fw.shards)) >> 32)
}

// --- faces ---

// AddFace wraps t in a face with the next free FaceId, registers it and
// starts it. cfg.ID, cfg.Handler and cfg.Pool are set by the forwarder.
// The face is removed from the face table and the FIB when it closes.
func (fw *Forwarder) AddFace(t face.Transport, cfg face.Config) *face.Face {
	fw.mgmt.Lock()
	id := fw.mgmt.nextFace
	fw.mgmt.nextFace++
	fw.mgmt.Unlock()
	d := newDispatcher(fw, id)
	cfg.ID = id
	// The face starts receiving in face.New, before attach puts it in the
	// face table; its first packets wait for attach, or a shard that has
	// not seen the face yet would drop them (DropNoFace).
	var ready atomic.Bool
	attached := make(chan struct{})
	cfg.Handler = func(batch []*face.RxPacket) {
		if !ready.Load() {
			<-attached
		}
		d.handle(batch)
	}
	cfg.Pool = fw.cfg.Pool
	if cfg.Logger == nil {
		cfg.Logger = fw.log
	}
	if cfg.QueueLen == 0 {
		cfg.QueueLen = fw.cfg.FaceQueueLen
	}
	f := face.New(t, cfg)
	fw.attach(f, f)
	ready.Store(true)
	close(attached)
	f.Subscribe(func(_ *face.Face, _, s face.State) {
		if s == face.StateClosed {
			fw.detach(id)
		}
	})
	if f.State() == face.StateClosed {
		fw.detach(id)
	}
	return f
}

// attach registers a face in the face table.
func (fw *Forwarder) attach(f Face, ff *face.Face) {
	fw.mgmt.Lock()
	defer fw.mgmt.Unlock()
	info := f.Info()
	old := fw.faces.Load().m
	m := make(map[uint64]*faceEntry, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[f.ID()] = &faceEntry{f: f, ff: ff, info: strategy.FaceInfo{Scope: info.Scope, LinkType: info.LinkType}}
	fw.faces.Store(&faceMap{m: m})
}

func (fw *Forwarder) detach(id uint64) {
	fw.mgmt.Lock()
	defer fw.mgmt.Unlock()
	old := fw.faces.Load().m
	if _, ok := old[id]; !ok {
		return
	}
	m := make(map[uint64]*faceEntry, len(old))
	for k, v := range old {
		if k != id {
			m[k] = v
		}
	}
	fw.faces.Store(&faceMap{m: m})
	fw.fib.Store(fw.fib.Load().RemoveFace(id))
}

// SetVerifyExempt marks a face whose Data needs no verification by the
// forwarder: the certificate fetcher of the forwarder's own validators,
// which checks what it fetches itself (verifying it in the queue would
// deadlock the workers waiting for it). Data whose downstreams are all
// exempt is forwarded unverified and not cached.
func (fw *Forwarder) SetVerifyExempt(id uint64, on bool) error {
	fw.mgmt.Lock()
	defer fw.mgmt.Unlock()
	old := fw.faces.Load().m
	fe, ok := old[id]
	if !ok {
		return ErrNoFace
	}
	m := make(map[uint64]*faceEntry, len(old))
	for k, v := range old {
		m[k] = v
	}
	nfe := *fe
	nfe.verifyExempt = on
	m[id] = &nfe
	fw.faces.Store(&faceMap{m: m})
	return nil
}

// Face returns the face with FaceId id.
func (fw *Forwarder) Face(id uint64) (*face.Face, bool) {
	fe, ok := fw.faces.Load().m[id]
	if !ok || fe.ff == nil {
		return nil, false
	}
	return fe.ff, true
}

// Faces returns every face, sorted by FaceId.
func (fw *Forwarder) Faces() []*face.Face {
	var out []*face.Face
	for _, fe := range fw.faces.Load().m {
		if fe.ff != nil {
			out = append(out, fe.ff)
		}
	}
	slices.SortFunc(out, func(a, b *face.Face) int { return int(a.ID()) - int(b.ID()) })
	return out
}

// RemoveFace closes the face with FaceId id; it leaves the face table and
// the FIB when closed.
func (fw *Forwarder) RemoveFace(id uint64) error {
	fe, ok := fw.faces.Load().m[id]
	if !ok {
		return ErrNoFace
	}
	if fe.ff != nil {
		fe.ff.Close()
	}
	fw.detach(id)
	return nil
}

// --- FIB ---

// FIB returns the current FIB snapshot (never modify it).
func (fw *Forwarder) FIB() *fib.Table { return fw.fib.Load() }

// AddNextHop adds (or updates the cost of) a next hop, publishes the new
// FIB and lets the strategies of pending Interests under prefix use it.
func (fw *Forwarder) AddNextHop(prefix ndn.Name, faceID, cost uint64) error {
	if _, ok := fw.faces.Load().m[faceID]; !ok {
		return ErrNoFace
	}
	fw.mgmt.Lock()
	t, err := fw.fib.Load().AddNextHop(prefix, faceID, cost)
	if err == nil {
		fw.fib.Store(t)
	}
	fw.mgmt.Unlock()
	if err != nil {
		return err
	}
	p := prefix.Clone()
	hop := fib.NextHop{Face: faceID, Cost: cost}
	fw.onShards(func(s *shard) { s.afterNewNextHop(p, hop) })
	return nil
}

// RemoveNextHop removes a next hop; it reports whether there was one.
func (fw *Forwarder) RemoveNextHop(prefix ndn.Name, faceID uint64) bool {
	fw.mgmt.Lock()
	defer fw.mgmt.Unlock()
	t, ok := fw.fib.Load().RemoveNextHop(prefix, faceID)
	fw.fib.Store(t)
	return ok
}

// onShards runs fn on every shard goroutine without waiting (or directly
// when the shards are not running).
func (fw *Forwarder) onShards(fn func(*shard)) {
	for _, s := range fw.shards {
		select {
		case s.ctrl <- func() { fn(s) }:
		case <-fw.done:
			return
		}
	}
}

// onShardsWait runs fn on every shard goroutine and waits for all.
func (fw *Forwarder) onShardsWait(fn func(*shard)) error {
	var wg sync.WaitGroup
	for _, s := range fw.shards {
		wg.Add(1)
		select {
		case s.ctrl <- func() { defer wg.Done(); fn(s) }:
		case <-fw.done:
			return ErrClosed
		}
	}
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return nil
	case <-fw.done:
		return ErrClosed
	}
}

// Announcer is the RIB side of the self-learning strategy (see
// strategy.SelfLearning and strategy.Host). Its methods are called on the
// forwarding goroutines: they must be safe for concurrent use, must not
// block and must not call back into the forwarder synchronously (queue the
// RIB work instead).
type Announcer interface {
	// Announcement returns the wire of a signed Prefix Announcement Data
	// for the longest RIB prefix of name, or nil. The caller does not
	// modify it.
	Announcement(name ndn.Name) []byte
	// LearnRoute installs the route of the Prefix Announcement pa (Data
	// wire; copy it) toward face for at most maxLifetime.
	LearnRoute(pa []byte, face uint64, maxLifetime time.Duration)
	// RenewRoute makes the learned route toward face of the longest
	// prefix of name expire after maxLifetime (0: remove it).
	RenewRoute(name ndn.Name, face uint64, maxLifetime time.Duration)
}

// SetAnnouncer attaches the RIB side of self-learning (nil detaches it);
// the management server does this for the RIB it manages.
func (fw *Forwarder) SetAnnouncer(a Announcer) {
	if a == nil {
		fw.announcer.Store(nil)
		return
	}
	fw.announcer.Store(&a)
}

// --- strategy choice ---

// StrategyChoice is one entry of the strategy-choice table.
type StrategyChoice struct {
	Prefix   ndn.Name
	Strategy ndn.Name
}

// SetStrategy makes the strategy named name (with or without version,
// with parameters; see strategy.Resolve) handle Interests under prefix,
// and returns its canonical name. Errors wrap strategy.ErrUnknown,
// strategy.ErrParams or lpm.ErrTooDeep.
func (fw *Forwarder) SetStrategy(prefix, name ndn.Name) (ndn.Name, error) {
	canon, _, _, err := strategy.Resolve(name)
	if err != nil {
		return ndn.Name{}, err
	}
	if _, err := strategy.New(canon); err != nil { // validate parameters
		return ndn.Name{}, err
	}
	fw.mgmt.Lock()
	defer fw.mgmt.Unlock()
	key := string(canon.Value())
	id, ok := fw.mgmt.strategyIDs[key]
	if !ok {
		id = int32(len(fw.mgmt.strategyIDs))
		fw.mgmt.strategyIDs[key] = id
	}
	p := prefix.Clone()
	t, err := fw.sc.Load().t.With(p, &choice{prefix: p, name: canon, id: id})
	if err != nil {
		return ndn.Name{}, fmt.Errorf("forwarder: strategy choice %s: %w", prefix, err)
	}
	fw.sc.Store(&scTable{t: t})
	return canon, nil
}

// UnsetStrategy removes the strategy choice of prefix (not of "/");
// Interests under it fall back to the choice of a shorter prefix.
func (fw *Forwarder) UnsetStrategy(prefix ndn.Name) error {
	if prefix.IsEmpty() {
		return ErrRootStrategy
	}
	fw.mgmt.Lock()
	defer fw.mgmt.Unlock()
	t, _ := fw.sc.Load().t.Without(prefix)
	fw.sc.Store(&scTable{t: t})
	return nil
}

// StrategyChoices returns the strategy-choice table sorted by prefix.
func (fw *Forwarder) StrategyChoices() []StrategyChoice {
	var out []StrategyChoice
	fw.sc.Load().t.All(func(e *lpm.Entry[*choice]) bool {
		out = append(out, StrategyChoice{Prefix: e.Value.prefix, Strategy: e.Value.name})
		return true
	})
	slices.SortFunc(out, func(a, b StrategyChoice) int { return a.Prefix.Compare(b.Prefix) })
	return out
}

// EffectiveStrategy returns the strategy that handles name.
func (fw *Forwarder) EffectiveStrategy(name ndn.Name) ndn.Name {
	e, _ := fw.sc.Load().t.Lookup(name, name.PrefixHashes(fw.seed, nil))
	return e.Value.name
}

// --- CS, PIT, counters ---

// CsInfo describes the content store.
type CsInfo struct {
	// Capacity is the configured capacity in packets (0: disabled);
	// CapacityBytes the byte limit.
	Capacity      int
	CapacityBytes int64
	Admit, Serve  bool
	Entries       int
	Bytes         int64
	Hits, Misses  uint64
}

// CsInfo returns the CS configuration and occupancy.
func (fw *Forwarder) CsInfo() CsInfo {
	fw.mgmt.Lock()
	ci := CsInfo{Capacity: max(fw.mgmt.csCapacity, 0), CapacityBytes: fw.mgmt.csCapacityByte}
	fw.mgmt.Unlock()
	ci.Admit, ci.Serve = !fw.csNoAdmit.Load(), !fw.csNoServe.Load()
	c := fw.Counters()
	ci.Entries, ci.Bytes, ci.Hits, ci.Misses = c.CsEntries, c.CsBytes, c.CsHits, c.CsMisses
	return ci
}

// SetCsConfig changes the CS capacity in packets (when capacity >= 0;
// 0 disables the CS) and the admit and serve switches (when not nil),
// as NFD's cs/config.
func (fw *Forwarder) SetCsConfig(capacity int, admit, serve *bool) error {
	if admit != nil {
		fw.csNoAdmit.Store(!*admit)
	}
	if serve != nil {
		fw.csNoServe.Store(!*serve)
	}
	if capacity < 0 {
		return nil
	}
	fw.mgmt.Lock()
	fw.mgmt.csCapacity = capacity
	fw.mgmt.Unlock()
	per := 0
	if capacity > 0 {
		per = max(1, (capacity+len(fw.shards)-1)/len(fw.shards))
	}
	return fw.onShardsWait(func(s *shard) { s.pit.SetCsCapacity(per, 0) })
}

// EraseCs erases up to limit cached Data under prefix (limit <= 0: all)
// and returns how many it erased.
func (fw *Forwarder) EraseCs(prefix ndn.Name, limit int) (int, error) {
	var n atomic.Int64
	p := prefix.Clone()
	err := fw.onShardsWait(func(s *shard) {
		l := limit
		if l > 0 {
			l -= int(n.Load())
			if l <= 0 {
				return
			}
		}
		n.Add(int64(s.pit.EraseCs(p, l)))
	})
	return int(n.Load()), err
}

// PitEntryInfo describes a PIT entry for listings.
type PitEntryInfo struct {
	Name                     ndn.Name
	CanBePrefix, MustBeFresh bool
	InFaces, OutFaces        []uint64
	ExpiresIn                time.Duration
}

// PitEntries lists up to limit PIT entries (limit <= 0: all).
func (fw *Forwarder) PitEntries(limit int) ([]PitEntryInfo, error) {
	var mu sync.Mutex
	var out []PitEntryInfo
	err := fw.onShardsWait(func(s *shard) {
		s.pit.AllPit(func(e *pitcs.PitEntry) bool {
			pi := PitEntryInfo{Name: e.Name().Clone(), CanBePrefix: e.CanBePrefix, MustBeFresh: e.MustBeFresh,
				ExpiresIn: time.Duration(e.Expiry - s.now)}
			for _, r := range e.In {
				pi.InFaces = append(pi.InFaces, r.Face)
			}
			for _, r := range e.Out {
				pi.OutFaces = append(pi.OutFaces, r.Face)
			}
			mu.Lock()
			defer mu.Unlock()
			if limit > 0 && len(out) >= limit {
				return false
			}
			out = append(out, pi)
			return true
		})
	})
	return out, err
}

// Counters returns the forwarder's counters. Table sizes are sampled from
// each shard without stopping it, so they are approximate under load.
func (fw *Forwarder) Counters() Counters {
	var c Counters
	for _, s := range fw.shards {
		c.add(&s.ctr)
		c.PitEntries += int(s.tableStats.pit.Load())
		c.CsEntries += int(s.tableStats.cs.Load())
		c.CsBytes += s.tableStats.csBytes.Load()
	}
	return c
}
