package mgmt

import (
	"slices"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// storeLifetime is how long dataset segments and notifications are kept
// for consumers (ndn-cxx keeps them 1 s).
const storeLifetime = time.Second

// stored is a signed Data kept in the worker's in-memory store; wire is
// its encoding, sent as is every time.
type stored struct {
	data    *ndn.Data
	wire    []byte
	expires time.Time
	noCache bool
}

// pendingEvent is a faces/events Interest waiting for the next
// notification.
type pendingEvent struct {
	interest ndn.Interest
	token    []byte
	expires  time.Time
}

// workerState is the state of RoutineWorker.
type workerState struct {
	store   []stored
	pending []pendingEvent
	nextSeq uint64
	// known is the last face table seen, for faces/events.
	known map[uint64]nfd.FaceEventNotification
}

func (w *workerState) init() {
	w.known = map[uint64]nfd.FaceEventNotification{}
}

// maxStored bounds the store (dataset segments and notifications of the
// last second); the oldest go first.
const maxStored = 4096

func (w *workerState) trim() {
	if n := len(w.store) - maxStored; n > 0 {
		w.store = slices.Delete(w.store, 0, n)
	}
}

func (w *workerState) expire(now time.Time) {
	w.store = slices.DeleteFunc(w.store, func(s stored) bool { return !now.Before(s.expires) })
	w.pending = slices.DeleteFunc(w.pending, func(p pendingEvent) bool { return !now.Before(p.expires) })
}

// datasets maps module/verb to the dataset generators.
func (s *Server) dataset(module, verb string) func() []byte {
	switch module + "/" + verb {
	case "status/general":
		return s.statusGeneral
	case "faces/list":
		return func() []byte { return s.faceList(nil) }
	case "faces/channels":
		return s.channels
	case "fib/list":
		return s.fibList
	case "rib/list":
		return s.ribList
	case "strategy-choice/list":
		return s.strategyList
	case "cs/info":
		return s.csInfo
	}
	return nil
}

// serveDataset answers a status dataset or notification-stream Interest
// and reports whether name was one.
func (s *Server) serveDataset(r *request, prefix ndn.Name, module string) bool {
	name := r.interest.Name
	k := prefix.Len()
	if name.Len() < k+2 {
		return false
	}
	verb := string(name.At(k + 1).Value)
	dsPrefix := name.Prefix(k + 2)
	now := s.opts.Now()
	switch {
	case module == "faces" && verb == "events":
		s.serveEvent(r, now)
		return true
	case module == "faces" && verb == "query":
		if name.Len() == k+2 {
			return true // no filter: nothing to answer (NFD ignores it)
		}
		dsPrefix = name.Prefix(k + 3)
		if name.Len() > k+3 {
			s.serveStored(r, now)
			return true
		}
		f, ok, err := nfd.ParseFaceQueryName(name, prefix)
		if err != nil || !ok {
			resp := nfd.ControlResponse{Code: nfd.StatusMalformed, Text: "Malformed filter"}
			s.send(nfd.NackData(name, &resp), r.token, true)
			return true
		}
		s.publishDataset(r, dsPrefix, s.faceList(&f), now)
		return true
	}
	gen := s.dataset(module, verb)
	if gen == nil {
		return false
	}
	if name.Len() > dsPrefix.Len() {
		// A version or segment: only from the store (ndn-cxx does not
		// regenerate), ignored when absent.
		s.serveStored(r, now)
		return true
	}
	s.publishDataset(r, dsPrefix, gen(), now)
	return true
}

// publishDataset segments payload under dsPrefix/v=now, keeps the segments
// for storeLifetime and answers r with segment 0.
func (s *Server) publishDataset(r *request, dsPrefix ndn.Name, payload []byte, now time.Time) {
	segs := nfd.DatasetData(dsPrefix, nfd.DatasetVersion(now), payload, nfd.MaxSegmentPayload)
	var first []byte
	for i := range segs {
		d := &segs[i]
		wire, err := d.SignWith(s.opts.Signer)
		if err != nil {
			s.log.Warn("mgmt: cannot sign dataset", "name", d.Name, "err", err)
			return
		}
		if i == 0 {
			first = wire
		}
		s.w.store = append(s.w.store, stored{data: d, wire: wire, expires: now.Add(storeLifetime), noCache: true})
	}
	s.w.trim()
	s.sendWire(first, r.token, true)
}

// serveStored answers r from the store: the first stored Data that the
// Interest matches. It reports whether it found one.
func (s *Server) serveStored(r *request, now time.Time) bool {
	for i := range s.w.store {
		st := &s.w.store[i]
		if now.Before(st.expires) && r.interest.MatchesData(st.data) {
			s.sendWire(st.wire, r.token, st.noCache)
			return true
		}
	}
	return false
}

// serveEvent answers a faces/events Interest from the notifications of the
// last second, or keeps it until the next notification.
func (s *Server) serveEvent(r *request, now time.Time) {
	if s.serveStored(r, now) {
		return
	}
	life := r.interest.EffectiveLifetime()
	s.w.pending = append(s.w.pending, pendingEvent{interest: r.interest, token: r.token, expires: now.Add(life)})
	const maxPending = 1024
	if len(s.w.pending) > maxPending {
		s.w.pending = s.w.pending[len(s.w.pending)-maxPending:]
	}
}

// notify publishes a FaceEventNotification on the faces/events stream.
func (s *Server) notify(n nfd.FaceEventNotification) {
	now := s.opts.Now()
	name := nfd.NotificationName(ndn.NameFromComponents(compLocalhost, compNfd), s.w.nextSeq)
	s.w.nextSeq++
	d := &ndn.Data{Name: name, Freshness: storeLifetime, Content: n.Append(nil)}
	wire, err := d.SignWith(s.opts.Signer)
	if err != nil {
		return
	}
	s.w.store = append(s.w.store, stored{data: d, wire: wire, expires: now.Add(storeLifetime)})
	s.w.trim()
	s.w.pending = slices.DeleteFunc(s.w.pending, func(p pendingEvent) bool {
		if now.Before(p.expires) && p.interest.MatchesData(d) {
			s.sendWire(wire, p.token, false)
			return true
		}
		return false
	})
}

// --- dataset contents ---

func (s *Server) statusGeneral() []byte {
	c := s.fw.Counters()
	fibLen := uint64(s.fw.FIB().Len())
	st := nfd.ForwarderStatus{
		NfdVersion: s.opts.Version, StartTimestamp: s.start, CurrentTimestamp: s.opts.Now(),
		NNameTreeEntries: fibLen + uint64(c.PitEntries) + uint64(c.CsEntries),
		NFibEntries:      fibLen, NPitEntries: uint64(c.PitEntries), NCsEntries: uint64(c.CsEntries),
		NInInterests: c.InInterests, NInData: c.InData, NInNacks: c.InNacks,
		NOutInterests: c.OutInterests, NOutData: c.OutData, NOutNacks: c.OutNacks,
		NSatisfiedInterests: c.SatisfiedInterests, NUnsatisfiedInterests: c.UnsatisfiedInterests,
	}
	return st.Append(nil)
}

// FaceStatus returns the faces/list item of a face.
func FaceStatus(f *face.Face) nfd.FaceStatus {
	info := f.Info()
	c := f.Counters()
	st := nfd.FaceStatus{
		FaceID: f.ID(), URI: info.RemoteURI, LocalURI: info.LocalURI,
		FaceScope: nfd.FaceScope(info.Scope), FacePersistency: nfd.FacePersistency(f.Persistency()),
		LinkType:     nfd.LinkType(info.LinkType),
		NInInterests: c.InInterests.Load(), NInData: c.InData.Load(), NInNacks: c.InNacks.Load(),
		NOutInterests: c.OutInterests.Load(), NOutData: c.OutData.Load(), NOutNacks: c.OutNacks.Load(),
		NInBytes: c.InFrameBytes.Load(), NOutBytes: c.OutFrameBytes.Load(),
	}
	st.Mtu, st.HasMtu = faceMTU(info), true
	// NFD reports the time left before an on-demand face expires.
	st.ExpirationPeriod, st.HasExpirationPeriod = f.IdleRemaining()
	st.Flags = faceFlags(f)
	return st
}

func (s *Server) faceList(filter *nfd.FaceQueryFilter) []byte {
	var out []byte
	for _, f := range s.fw.Faces() {
		if f.State() == face.StateClosed {
			continue
		}
		st := FaceStatus(f)
		if filter != nil && !filter.Matches(&st) {
			continue
		}
		out = st.Append(out)
	}
	return out
}

func (s *Server) channels() []byte {
	var out []byte
	for _, u := range s.opts.Channels() {
		c := nfd.ChannelStatus{LocalURI: u}
		out = c.Append(out)
	}
	return out
}

func (s *Server) fibList() []byte {
	var out []byte
	for _, e := range s.fw.FIB().Entries() {
		fe := nfd.FibEntry{Name: e.Prefix}
		for _, h := range e.NextHops {
			fe.NextHops = append(fe.NextHops, nfd.NextHopRecord{FaceID: h.Face, Cost: h.Cost})
		}
		out = fe.Append(out)
	}
	return out
}

func (s *Server) ribList() []byte {
	now := s.opts.Now()
	var out []byte
	for _, e := range s.rib.Entries() {
		re := nfd.RibEntry{Name: e.Name}
		for _, rt := range e.Routes {
			r := nfd.Route{FaceID: rt.FaceID, Origin: nfd.RouteOrigin(rt.Origin), Cost: rt.Cost, Flags: rt.Flags}
			if !rt.Expires.IsZero() {
				r.ExpirationPeriod, r.HasExpirationPeriod = max(rt.Expires.Sub(now), 0), true
			}
			re.Routes = append(re.Routes, r)
		}
		out = re.Append(out)
	}
	return out
}

func (s *Server) strategyList() []byte {
	var out []byte
	for _, c := range s.fw.StrategyChoices() {
		sc := nfd.StrategyChoice{Name: c.Prefix, Strategy: c.Strategy}
		out = sc.Append(out)
	}
	return out
}

func (s *Server) csInfo() []byte {
	ci := s.fw.CsInfo()
	c := nfd.CsInfo{Capacity: uint64(ci.Capacity), Flags: csFlags(ci), NCsEntries: uint64(ci.Entries), NHits: ci.Hits, NMisses: ci.Misses}
	return c.Append(nil)
}
