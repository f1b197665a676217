package forwarder

import (
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/dnl"
	"github.com/ndnflow/ndnflow/forwarder/fib"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
)

// batchSize is the number of packets in one hand-off between goroutines.
const batchSize = 64

// tokenLen is the length of the PIT tokens the forwarder puts on the
// Interests it sends: shard (1), PIT slot (4), generation (2), check (1).
const tokenLen = 8

// inPacket is one packet handed to a shard. Its fields point into rx (or,
// in tests, into values the test owns, with rx nil).
type inPacket struct {
	rx       *face.RxPacket
	face     uint64
	kind     face.Kind
	lp       *ndn.LpPacket
	interest *ndn.Interest
	data     *ndn.Data
	// Token-less Data visits the shards of its prefixes from depth fbDepth
	// down to 1; matched records whether some shard had a PIT match.
	fbDepth int8
	matched bool
	// verified is set once a verifier accepted the Data; counted once it
	// was counted in InData.
	verified, counted bool
}

func (p *inPacket) release() {
	if p.rx != nil {
		p.rx.Release()
	}
	*p = inPacket{}
}

// batch is a hand-off unit: up to batchSize packets for one shard.
type batch struct {
	items [batchSize]inPacket
	n     int
}

// shard is one forwarding goroutine's state. Everything in it except ctr,
// in and ctrl is touched only by the shard goroutine (RoutineShard) or,
// before it starts, by tests.
type shard struct {
	fw   *Forwarder
	id   int
	pit  *pitcs.Table
	dnl  *dnl.List
	now  int64
	rng  uint64
	in   chan *batch
	ctrl chan func()
	ctr  shardCounters
	// tableStats are the table sizes, published after each batch.
	tableStats struct {
		pit, cs, csBytes atomic.Int64
	}

	strategies []strategy.Strategy // by strategy id
	faces      *faceMap
	fib        *fib.Table
	sc         *scTable

	hashes     []uint64
	hintHashes []uint64
	matches    []*pitcs.PitEntry
	down       []downstream
	scratch    []byte
	nonceBuf   []byte
	nackI      ndn.Interest
	tok        [tokenLen]byte
	lp         ndn.LpPacket
	handoff    []*batch // per destination shard, for token-less Data
}

type downstream struct {
	face  uint64
	token [32]byte
	n     uint8
}

func newShard(fw *Forwarder, id int, cfg pitcs.Config, now int64) *shard {
	return &shard{
		fw: fw, id: id,
		pit:     pitcs.New(cfg, now),
		dnl:     dnl.New(int64(fw.cfg.DeadNonceLifetime), fw.cfg.DeadNonceCapacity),
		now:     now,
		rng:     uint64(id)*0x9E3779B97F4A7C15 + uint64(now) | 1,
		in:      make(chan *batch, 256),
		ctrl:    make(chan func(), 16),
		hashes:  make([]uint64, 0, 64),
		handoff: make([]*batch, fw.cfg.Shards),
	}
}

// RoutineShard is the shard goroutine: it processes batches, control
// functions and PIT expiry until the forwarder closes.
func (s *shard) RoutineShard() {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case b := <-s.in:
			s.now = s.fw.now()
			s.process(b.items[:b.n])
			s.fw.putBatch(b)
			for k := 0; k < 64 && len(s.in) > 0 && len(s.ctrl) == 0; k++ {
				b = <-s.in
				s.now = s.fw.now()
				s.process(b.items[:b.n])
				s.fw.putBatch(b)
			}
			s.pit.Advance(s.now, s.expire)
		case fn := <-s.ctrl:
			s.now = s.fw.now()
			s.load()
			fn()
		case <-tick.C:
			s.now = s.fw.now()
			s.load()
			s.pit.Advance(s.now, s.expire)
			s.publishStats()
		case <-s.fw.done:
			for {
				select {
				case b := <-s.in:
					for i := range b.items[:b.n] {
						b.items[i].release()
					}
				default:
					return
				}
			}
		}
	}
}

// load takes the current table snapshots.
func (s *shard) load() {
	s.faces = s.fw.faces.Load()
	s.fib = s.fw.fib.Load()
	s.sc = s.fw.sc.Load()
}

// process handles one batch and releases its packets.
func (s *shard) process(items []inPacket) {
	s.load()
	for i := range items {
		p := &items[i]
		switch p.kind {
		case face.KindInterest:
			s.ctr.inInterests.Add(1)
			s.onIncomingInterest(p)
		case face.KindData:
			if !p.counted { // not again after verification or hand-on
				p.counted = true
				s.ctr.inData.Add(1)
			}
			if !s.onIncomingData(p) {
				continue // handed to another shard, which releases it
			}
		case face.KindNack:
			s.ctr.inNacks.Add(1)
			s.onIncomingNack(p)
		}
		p.release()
	}
	s.flushHandoff()
	s.publishStats()
}

func (s *shard) publishStats() {
	c := s.pit.Counters()
	s.tableStats.pit.Store(int64(c.PitEntries))
	s.tableStats.cs.Store(int64(c.CsEntries))
	s.tableStats.csBytes.Store(c.CsBytes)
}

// Host implementation for strategies.

// Now implements strategy.Host.
func (s *shard) Now() int64 { return s.now }

// Rand implements strategy.Host (xorshift64).
func (s *shard) Rand() uint64 {
	x := s.rng
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	s.rng = x
	return x
}

// Face implements strategy.Host.
func (s *shard) Face(id uint64) (strategy.FaceInfo, bool) {
	fe, ok := s.faces.m[id]
	if !ok {
		return strategy.FaceInfo{}, false
	}
	return fe.info, true
}

// EachFace implements strategy.Host.
func (s *shard) EachFace(fn func(id uint64, info strategy.FaceInfo)) {
	for id, fe := range s.faces.m {
		fn(id, fe.info)
	}
}

// Announcement implements strategy.Host.
func (s *shard) Announcement(name ndn.Name) []byte {
	if a := s.fw.announcer.Load(); a != nil {
		return (*a).Announcement(name)
	}
	return nil
}

// LearnRoute implements strategy.Host.
func (s *shard) LearnRoute(pa []byte, face uint64, maxLifetime int64) {
	if a := s.fw.announcer.Load(); a != nil {
		(*a).LearnRoute(pa, face, time.Duration(maxLifetime))
	}
}

// RenewRoute implements strategy.Host.
func (s *shard) RenewRoute(name ndn.Name, face uint64, maxLifetime int64) {
	if a := s.fw.announcer.Load(); a != nil {
		(*a).RenewRoute(name, face, time.Duration(maxLifetime))
	}
}

func (s *shard) faceEntry(id uint64) *faceEntry { return s.faces.m[id] }

func isLocalhost(n ndn.Name) bool {
	c := n.At(0)
	return c.Type == ndn.TtGenericNameComponent && string(c.Value) == "localhost"
}

// onIncomingInterest is the incoming Interest pipeline (§5.1).
func (s *shard) onIncomingInterest(p *inPacket) {
	in := s.faceEntry(p.face)
	if in == nil {
		s.ctr.dropNoFace.Add(1)
		return
	}
	i := p.interest
	if !i.HasNonce {
		i.Nonce, i.HasNonce = uint32(s.Rand()), true
		// Re-encode with the Nonce into a shard buffer; the packet keeps
		// pointing there until it is released at the end of the batch
		// item, before the next use of the buffer.
		s.nonceBuf = i.Append(s.nonceBuf[:0])
		if i.Decode(s.nonceBuf) != nil {
			return
		}
	}
	if i.HasHopLimit {
		if i.HopLimit == 0 {
			s.ctr.dropHopLimit.Add(1)
			return
		}
		i.PatchHopLimit(i.HopLimit - 1)
	}
	if in.info.Scope != face.ScopeLocal && isLocalhost(i.Name) {
		s.ctr.dropLocalhost.Add(1)
		return
	}
	s.hashes = i.Name.PrefixHashes(s.fw.seed, s.hashes[:0])
	h := s.hashes[len(s.hashes)-1]
	if s.dnl.Has(dnl.Key(h, i.Nonce), s.now) {
		s.onInterestLoop(p, in)
		return
	}
	e := s.pit.FindPit(i.Name, h, i.CanBePrefix, i.MustBeFresh)
	if e != nil && s.hasDuplicateNonce(e, p.face, i.Nonce, in.info.LinkType) {
		s.onInterestLoop(p, in)
		return
	}
	if (e == nil || len(e.In) == 0) && !s.fw.csNoServe.Load() {
		if c := s.pit.FindCs(i.Name, s.hashes, i.CanBePrefix, i.MustBeFresh, s.now); c != nil {
			s.ctr.csHits.Add(1)
			s.onContentStoreHit(p, e, c)
			return
		}
		s.ctr.csMisses.Add(1)
	}
	if e == nil {
		var err error
		if e, _, err = s.pit.InsertPit(i.Name, h, i.CanBePrefix, i.MustBeFresh); err != nil {
			s.ctr.dropPitFull.Add(1)
			return
		}
	}
	s.onContentStoreMiss(p, e)
}

func (s *shard) hasDuplicateNonce(e *pitcs.PitEntry, in uint64, nonce uint32, lt face.LinkType) bool {
	inSame, other := false, false
	for k := range e.In {
		if e.In[k].Nonce == nonce {
			if e.In[k].Face == in {
				inSame = true
			} else {
				other = true
			}
		}
	}
	for k := range e.Out {
		if e.Out[k].Nonce == nonce {
			other = true
		}
	}
	if lt == face.LinkPointToPoint {
		return other && !inSame
	}
	return other || inSame
}

// onInterestLoop drops the Interest, Nacking it DUPLICATE on a
// point-to-point face.
func (s *shard) onInterestLoop(p *inPacket, in *faceEntry) {
	s.ctr.dropLoop.Add(1)
	if in.info.LinkType != face.LinkPointToPoint {
		return
	}
	s.lp.Reset()
	s.lp.Fragment = p.interest.Wire()
	s.lp.IsNack, s.lp.NackReason = true, ndn.NackDuplicate
	s.lp.PitToken = p.lp.PitToken
	if in.f.Send(&s.lp) {
		s.ctr.outNacks.Add(1)
		s.ctr.nackDuplicateSent.Add(1)
	}
}

// onContentStoreHit sends cached Data to the Interest's face with its PIT
// token (the default afterContentStoreHit) and satisfies e, if any.
func (s *shard) onContentStoreHit(p *inPacket, e *pitcs.PitEntry, c *pitcs.CsEntry) {
	s.sendData(p.face, c.Wire(), p.lp.PitToken, nil, 0, ContentStoreFaceID)
	if e != nil {
		e.Satisfied = true
		e.DataFreshness = c.FreshUntil() - s.now
		s.pit.SetExpiry(e, s.now)
	}
}

// onContentStoreMiss records the downstream and asks the strategy.
func (s *shard) onContentStoreMiss(p *inPacket, e *pitcs.PitEntry) {
	i := p.interest
	life := int64(i.EffectiveLifetime())
	e.InsertInRecord(p.face, i.Nonce, p.lp.PitToken, s.now, life).NonDiscovery = p.lp.NonDiscovery
	e.NonDiscovery = p.lp.NonDiscovery
	hop := -1
	if i.HasHopLimit {
		hop = int(i.HopLimit)
	}
	e.SetInterest(i.Wire(), i.Nonce, hop, life)
	e.CongestionMark = p.lp.CongestionMark
	s.pit.SetExpiry(e, e.LastInExpiry())
	if p.lp.HasNextHopFaceID {
		if s.faceEntry(p.lp.NextHopFaceID) != nil {
			s.SendInterest(e, p.lp.NextHopFaceID)
		}
		return
	}
	st, prefix, hops := s.lookup(e, s.hashes)
	if len(i.ForwardingHint) > 0 {
		prefix, hops = s.lookupHint(i.ForwardingHint)
	}
	st.AfterReceiveInterest(s, e, p.face, prefix, hops)
}

// lookupHint looks the FIB up by each ForwardingHint delegation in turn
// and returns the first entry with next hops (ndn-protocols.md §5.2), or
// else the first delegation's entry, as NFD; the Interest name is not used.
// No network region is configured, so the hint is always followed.
func (s *shard) lookupHint(hint []ndn.Name) (ndn.Name, []fib.NextHop) {
	var prefix ndn.Name
	var hops []fib.NextHop
	for k, del := range hint {
		s.hintHashes = del.PrefixHashes(s.fw.seed, s.hintHashes[:0])
		fe, ok := s.fib.Lookup(del, s.hintHashes)
		if ok && len(fe.NextHops) > 0 {
			return fe.Prefix, fe.NextHops
		}
		if ok && k == 0 {
			prefix, hops = fe.Prefix, fe.NextHops
		}
	}
	return prefix, hops
}

// lookup returns the strategy and FIB entry for e, recording the strategy
// id in e. hashes are the prefix hashes of e's name.
func (s *shard) lookup(e *pitcs.PitEntry, hashes []uint64) (strategy.Strategy, ndn.Name, []fib.NextHop) {
	name := e.Name()
	ce, _ := s.sc.t.Lookup(name, hashes) // "/" is always present
	e.StrategyID = ce.Value.id
	var prefix ndn.Name
	var hops []fib.NextHop
	if fe, ok := s.fib.Lookup(name, hashes); ok {
		prefix, hops = fe.Prefix, fe.NextHops
	}
	return s.strategy(ce.Value), prefix, hops
}

func (s *shard) strategy(c *choice) strategy.Strategy {
	for int(c.id) >= len(s.strategies) {
		s.strategies = append(s.strategies, nil)
	}
	st := s.strategies[c.id]
	if st == nil {
		var err error
		if st, err = strategy.New(c.name); err != nil {
			st = strategy.BestRoute{} // names were checked by SetStrategy
		}
		s.strategies[c.id] = st
	}
	return st
}

func (s *shard) strategyByID(id int32) strategy.Strategy {
	if int(id) < len(s.strategies) && s.strategies[id] != nil {
		return s.strategies[id]
	}
	return strategy.BestRoute{}
}

// SendInterest implements strategy.Host: the outgoing Interest pipeline.
func (s *shard) SendInterest(e *pitcs.PitEntry, out uint64) bool {
	fe := s.faceEntry(out)
	if fe == nil {
		s.ctr.dropNoFace.Add(1)
		return false
	}
	if e.InterestHopLimit() == 0 && fe.info.Scope != face.ScopeLocal {
		s.ctr.dropHopLimit.Add(1)
		return false
	}
	e.InsertOutRecord(out, e.InterestNonce(), s.now, e.InterestLifetime()).NonDiscovery = e.NonDiscovery
	slot, gen := e.Slot()
	s.tok[0] = byte(s.id)
	binary.BigEndian.PutUint32(s.tok[1:5], slot)
	binary.BigEndian.PutUint16(s.tok[5:7], uint16(gen))
	s.tok[7] = s.fw.tokenCheck(s.tok[:7])
	s.lp.Reset()
	s.lp.Fragment = e.Interest()
	s.lp.PitToken = s.tok[:]
	s.lp.CongestionMark = e.CongestionMark
	s.lp.NonDiscovery = e.NonDiscovery
	// IncomingFaceId: the face delivers it only with local fields on.
	s.lp.IncomingFaceID, s.lp.HasIncomingFaceID = latestIn(e), true
	if !fe.f.Send(&s.lp) {
		return false
	}
	e.LastForwarded = s.now
	s.ctr.outInterests.Add(1)
	return true
}

// latestIn returns the face of the most recently renewed in-record.
func latestIn(e *pitcs.PitEntry) uint64 {
	var f uint64
	last := int64(-1 << 63)
	for k := range e.In {
		if e.In[k].LastRenewed > last {
			f, last = e.In[k].Face, e.In[k].LastRenewed
		}
	}
	return f
}

// SendNack implements strategy.Host: the outgoing Nack pipeline.
func (s *shard) SendNack(e *pitcs.PitEntry, to uint64, reason ndn.NackReason) {
	r := e.InRecord(to)
	if r == nil {
		return
	}
	fe := s.faceEntry(to)
	if fe == nil || fe.info.LinkType != face.LinkPointToPoint {
		e.DeleteInRecord(to)
		return
	}
	s.scratch = append(s.scratch[:0], e.Interest()...)
	if s.nackI.Decode(s.scratch) != nil {
		e.DeleteInRecord(to)
		return
	}
	s.nackI.PatchNonce(r.Nonce)
	s.lp.Reset()
	s.lp.Fragment = s.scratch
	s.lp.IsNack, s.lp.NackReason = true, reason
	var tok [32]byte
	n := copy(tok[:], r.PitToken())
	s.lp.PitToken = tok[:n]
	e.DeleteInRecord(to)
	if fe.f.Send(&s.lp) {
		s.ctr.outNacks.Add(1)
	}
}

// RejectPendingInterest implements strategy.Host.
func (s *shard) RejectPendingInterest(e *pitcs.PitEntry) {
	s.pit.SetExpiry(e, s.now)
}

// expire is the Interest finalize pipeline.
func (s *shard) expire(e *pitcs.PitEntry) {
	if !e.Satisfied {
		s.strategyByID(e.StrategyID).BeforeExpire(s, e)
		s.ctr.unsatisfied.Add(1)
		for k := range e.Out {
			s.dnl.Add(dnl.Key(e.NameHash(), e.Out[k].Nonce), s.now)
		}
	} else {
		s.ctr.satisfied.Add(1)
		if e.MustBeFresh && e.DataFreshness < int64(s.fw.cfg.DeadNonceLifetime) {
			for k := range e.Out {
				s.dnl.Add(dnl.Key(e.NameHash(), e.Out[k].Nonce), s.now)
			}
		}
	}
	s.pit.RemovePit(e)
}

// sendData is the outgoing Data pipeline; pa is the PrefixAnnouncement
// field to send with it (nil: none).
func (s *shard) sendData(to uint64, wire, token, pa []byte, mark, from uint64) {
	fe := s.faceEntry(to)
	if fe == nil {
		s.ctr.dropNoFace.Add(1)
		return
	}
	s.lp.Reset()
	s.lp.Fragment = wire
	s.lp.PitToken = token
	s.lp.PrefixAnn = pa
	s.lp.CongestionMark = mark
	s.lp.IncomingFaceID, s.lp.HasIncomingFaceID = from, true
	if fe.f.Send(&s.lp) {
		s.ctr.outData.Add(1)
	}
}

// onIncomingData is the incoming Data pipeline. It returns false when the
// packet was handed to another shard (which then owns it).
func (s *shard) onIncomingData(p *inPacket) bool {
	in := s.faceEntry(p.face)
	if in == nil {
		s.ctr.dropNoFace.Add(1)
		return true
	}
	d := p.data
	if in.info.Scope != face.ScopeLocal && isLocalhost(d.Name) {
		s.ctr.dropLocalhost.Add(1)
		return true
	}
	s.hashes = d.Name.PrefixHashes(s.fw.seed, s.hashes[:0])
	seed := s.fw.seed
	s.matches = s.pit.FindDataMatches(d, s.hashes, func() uint64 {
		dg := d.Digest()
		return fullNameHash(seed, d.Name, &dg)
	}, s.matches[:0])
	if len(s.matches) == 0 {
		if p.fbDepth > 0 && s.handOn(p) {
			return false
		}
		if !p.matched {
			return s.onDataUnsolicited(p, in)
		}
		return true
	}
	noCache := p.lp.CachePolicy == 1
	if !p.verified {
		if v := s.validatorFor(d.Name); v != nil {
			if !s.onlyExemptDownstreams() {
				// Verify before caching or forwarding; the verifier hands
				// the packet back to this shard, which matches it again.
				return !s.queueVerify(p, v)
			}
			noCache = true
		}
	}
	p.matched = true
	var c *pitcs.CsEntry
	if !s.fw.csNoAdmit.Load() && !noCache {
		c = s.pit.InsertCs(d, s.hashes[len(s.hashes)-1], s.now, false)
	}
	s.down = s.down[:0]
	var pa []byte
	for _, e := range s.matches {
		if c != nil && e.CanBePrefix {
			s.pit.AddIndirect(e, c)
		}
		st := s.strategyByID(e.StrategyID)
		a := p.lp.PrefixAnn
		if o, ok := st.(strategy.DataObserver); ok {
			a = o.AfterReceiveData(s, e, p.face, d.Name, a)
		}
		if pa == nil {
			pa = a
		}
		st.BeforeSatisfyInterest(s, e, p.face)
		for k := range e.In {
			r := &e.In[k]
			if r.Expiry <= s.now || (r.Face == p.face && in.info.LinkType != face.LinkAdHoc) {
				continue
			}
			s.addDownstream(r)
		}
		e.Satisfied = true
		e.DataFreshness = int64(d.Freshness)
		e.In = e.In[:0]
		s.expire(e) // expiry 0: finalize now (DNL handling included)
	}
	for k := range s.down {
		ds := &s.down[k]
		s.sendData(ds.face, d.Wire(), ds.token[:ds.n], pa, p.lp.CongestionMark, p.face)
	}
	if p.fbDepth > 0 && s.handOn(p) {
		return false
	}
	return true
}

// onlyExemptDownstreams reports whether every in-record of the current
// matches is on a verification-exempt face.
func (s *shard) onlyExemptDownstreams() bool {
	for _, e := range s.matches {
		for k := range e.In {
			if fe := s.faceEntry(e.In[k].Face); fe == nil || !fe.verifyExempt {
				return false
			}
		}
	}
	return true
}

func (s *shard) addDownstream(r *pitcs.InRecord) {
	for k := range s.down {
		if s.down[k].face == r.Face {
			return
		}
	}
	s.down = append(s.down, downstream{face: r.Face})
	ds := &s.down[len(s.down)-1]
	ds.n = uint8(copy(ds.token[:], r.PitToken()))
}

// onDataUnsolicited applies the unsolicited-Data policy. It returns false
// when the packet went to the verifiers.
func (s *shard) onDataUnsolicited(p *inPacket, in *faceEntry) bool {
	admit := false
	switch s.fw.cfg.Unsolicited {
	case UnsolicitedAdmitAll:
		admit = true
	case UnsolicitedAdmitLocal:
		admit = in.info.Scope == face.ScopeLocal
	case UnsolicitedAdmitNetwork:
		admit = in.info.Scope != face.ScopeLocal
	}
	if !admit || s.fw.csNoAdmit.Load() || p.lp.CachePolicy == 1 {
		s.ctr.dropUnsolicited.Add(1)
		return true
	}
	if !p.verified {
		if v := s.validatorFor(p.data.Name); v != nil {
			return !s.queueVerify(p, v)
		}
	}
	s.pit.InsertCs(p.data, s.hashes[len(s.hashes)-1], s.now, true)
	return true
}

// onIncomingNack is the incoming Nack pipeline.
func (s *shard) onIncomingNack(p *inPacket) {
	in := s.faceEntry(p.face)
	if in == nil || in.info.LinkType != face.LinkPointToPoint {
		s.ctr.dropNack.Add(1)
		return
	}
	i := p.interest
	s.hashes = i.Name.PrefixHashes(s.fw.seed, s.hashes[:0])
	e := s.pit.FindPit(i.Name, s.hashes[len(s.hashes)-1], i.CanBePrefix, i.MustBeFresh)
	if e == nil {
		s.ctr.dropNack.Add(1)
		return
	}
	r := e.OutRecord(p.face)
	if r == nil || r.Nonce != i.Nonce {
		s.ctr.dropNack.Add(1)
		return
	}
	r.Nacked, r.Nack = true, p.lp.NackReason
	if !e.HasPendingOut(s.now) {
		s.pit.SetExpiry(e, s.now)
	}
	st, prefix, hops := s.lookup(e, s.hashes)
	st.AfterReceiveNack(s, e, p.face, p.lp.NackReason, prefix, hops)
}

// handOn passes token-less Data to the shard of its next shorter prefix
// (see the package doc). It returns false when there is none.
func (s *shard) handOn(p *inPacket) bool {
	for p.fbDepth > 0 {
		d := int(p.fbDepth)
		p.fbDepth--
		k := s.fw.shardOfHash(s.hashes[d])
		if k == s.id {
			continue
		}
		b := s.handoff[k]
		if b == nil {
			b = s.fw.getBatch()
			s.handoff[k] = b
		}
		b.items[b.n] = *p
		b.n++
		if b.n == batchSize {
			s.flushTo(k)
		}
		return true
	}
	return false
}

func (s *shard) flushTo(k int) {
	b := s.handoff[k]
	s.handoff[k] = nil
	select {
	case s.fw.shards[k].in <- b:
	default:
		// Never block on another shard (it may be blocked on us).
		for i := range b.items[:b.n] {
			b.items[i].release()
		}
		s.ctr.dispatchDrops.Add(uint64(b.n))
		s.fw.putBatch(b)
	}
}

func (s *shard) flushHandoff() {
	for k, b := range s.handoff {
		if b != nil {
			s.flushTo(k)
		}
	}
}

// afterNewNextHop notifies strategies of pending entries under prefix
// whose FIB entry is now prefix.
func (s *shard) afterNewNextHop(prefix ndn.Name, hop fib.NextHop) {
	s.pit.AllPit(func(e *pitcs.PitEntry) bool {
		name := e.Name()
		if e.Satisfied || len(e.In) == 0 || !prefix.IsPrefixOf(name) {
			return true
		}
		s.hashes = name.PrefixHashes(s.fw.seed, s.hashes[:0])
		fe, ok := s.fib.Lookup(name, s.hashes)
		if !ok || !fe.Prefix.Equal(prefix) {
			return true
		}
		st, _, _ := s.lookup(e, s.hashes)
		st.AfterNewNextHop(s, e, hop, prefix)
		return true
	})
}
