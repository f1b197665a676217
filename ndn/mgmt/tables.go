package mgmt

import (
	"fmt"
	"math"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// NextHopRecord is one nexthop of a FibEntry.
type NextHopRecord struct {
	FaceID uint64
	Cost   uint64
}

func (r NextHopRecord) valueLen() int {
	return tlv.NNIElementLen(TtFaceID, r.FaceID) + tlv.NNIElementLen(TtCost, r.Cost)
}

// FibEntry is an item of the fib/list dataset.
type FibEntry struct {
	Name     ndn.Name
	NextHops []NextHopRecord
}

func (f *FibEntry) valueLen() int {
	n := f.Name.TLVLength()
	for _, r := range f.NextHops {
		n += tlv.ElementLen(TtNextHopRecord, r.valueLen())
	}
	return n
}

// Length returns the size of the FibEntry element.
func (f *FibEntry) Length() int { return tlv.ElementLen(TtFibEntry, f.valueLen()) }

// Append appends the FibEntry element to dst.
func (f *FibEntry) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtFibEntry, f.valueLen())
	dst = f.Name.AppendTLV(dst)
	for _, r := range f.NextHops {
		dst = tlv.AppendTL(dst, TtNextHopRecord, r.valueLen())
		dst = tlv.AppendNNIElement(dst, TtFaceID, r.FaceID)
		dst = tlv.AppendNNIElement(dst, TtCost, r.Cost)
	}
	return dst
}

// Decode decodes one FibEntry element: a Name, then NextHopRecords. The
// Name aliases wire; NextHops reuses its capacity.
func (f *FibEntry) Decode(wire []byte) error {
	hops := f.NextHops[:0]
	*f = FibEntry{}
	v, err := decodeOuter(wire, TtFibEntry, "FibEntry")
	if err != nil {
		return err
	}
	q := newSeq(v, "FibEntry", ndn.TtName, TtNextHopRecord)
	e, err := q.req(ndn.TtName, "Name")
	if err != nil {
		return err
	}
	if f.Name, err = nameElem(e, "FibEntry Name"); err != nil {
		return err
	}
	for {
		e, ok := q.opt(TtNextHopRecord)
		if !ok {
			break
		}
		r := newSeq(e.Value, "NextHopRecord", TtFaceID, TtCost)
		var h NextHopRecord
		if h.FaceID, err = r.reqNNI(TtFaceID, "FaceId"); err != nil {
			return err
		}
		if h.Cost, err = r.reqNNI(TtCost, "Cost"); err != nil {
			return err
		}
		if err := r.finish(); err != nil {
			return err
		}
		hops = append(hops, h)
	}
	f.NextHops = hops
	return q.finish()
}

// Route is one route of a RibEntry.
type Route struct {
	FaceID uint64
	Origin RouteOrigin
	Cost   uint64
	// Flags holds the route flags (RouteChildInherit, RouteCapture).
	Flags uint64
	// ExpirationPeriod is the time left before the route expires; absent
	// means it never expires.
	ExpirationPeriod    time.Duration
	HasExpirationPeriod bool
}

func (r *Route) valueLen() int {
	n := tlv.NNIElementLen(TtFaceID, r.FaceID) + tlv.NNIElementLen(TtOrigin, uint64(r.Origin)) +
		tlv.NNIElementLen(TtCost, r.Cost) + tlv.NNIElementLen(TtFlags, r.Flags)
	if r.HasExpirationPeriod {
		n += tlv.NNIElementLen(TtExpirationPeriod, durationMs(r.ExpirationPeriod))
	}
	return n
}

// RibEntry is an item of the rib/list dataset.
type RibEntry struct {
	Name   ndn.Name
	Routes []Route
}

func (r *RibEntry) valueLen() int {
	n := r.Name.TLVLength()
	for i := range r.Routes {
		n += tlv.ElementLen(TtRoute, r.Routes[i].valueLen())
	}
	return n
}

// Length returns the size of the RibEntry element.
func (r *RibEntry) Length() int { return tlv.ElementLen(TtRibEntry, r.valueLen()) }

// Append appends the RibEntry element to dst.
func (r *RibEntry) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtRibEntry, r.valueLen())
	dst = r.Name.AppendTLV(dst)
	for i := range r.Routes {
		rt := &r.Routes[i]
		dst = tlv.AppendTL(dst, TtRoute, rt.valueLen())
		dst = tlv.AppendNNIElement(dst, TtFaceID, rt.FaceID)
		dst = tlv.AppendNNIElement(dst, TtOrigin, uint64(rt.Origin))
		dst = tlv.AppendNNIElement(dst, TtCost, rt.Cost)
		dst = tlv.AppendNNIElement(dst, TtFlags, rt.Flags)
		if rt.HasExpirationPeriod {
			dst = tlv.AppendNNIElement(dst, TtExpirationPeriod, durationMs(rt.ExpirationPeriod))
		}
	}
	return dst
}

// Decode decodes one RibEntry element: a Name, then Routes. The Name aliases
// wire; Routes reuses its capacity.
func (r *RibEntry) Decode(wire []byte) error {
	routes := r.Routes[:0]
	*r = RibEntry{}
	v, err := decodeOuter(wire, TtRibEntry, "RibEntry")
	if err != nil {
		return err
	}
	q := newSeq(v, "RibEntry", ndn.TtName, TtRoute)
	e, err := q.req(ndn.TtName, "Name")
	if err != nil {
		return err
	}
	if r.Name, err = nameElem(e, "RibEntry Name"); err != nil {
		return err
	}
	for {
		e, ok := q.opt(TtRoute)
		if !ok {
			break
		}
		var rt Route
		if err := rt.decodeValue(e.Value); err != nil {
			return err
		}
		routes = append(routes, rt)
	}
	r.Routes = routes
	return q.finish()
}

func (rt *Route) decodeValue(v []byte) error {
	q := newSeq(v, "Route", TtFaceID, TtOrigin, TtCost, TtFlags, TtExpirationPeriod)
	var err error
	if rt.FaceID, err = q.reqNNI(TtFaceID, "FaceId"); err != nil {
		return err
	}
	o, err := q.reqNNIMax(TtOrigin, "Origin", math.MaxUint16)
	if err != nil {
		return err
	}
	rt.Origin = RouteOrigin(o)
	if rt.Cost, err = q.reqNNI(TtCost, "Cost"); err != nil {
		return err
	}
	if rt.Flags, err = q.reqNNI(TtFlags, "Flags"); err != nil {
		return err
	}
	ms, ok, err := q.optNNI(TtExpirationPeriod, "ExpirationPeriod")
	if err != nil {
		return err
	}
	rt.ExpirationPeriod, rt.HasExpirationPeriod = msToDuration(ms), ok
	return q.finish()
}

// StrategyChoice is an item of the strategy-choice/list dataset.
type StrategyChoice struct {
	Name     ndn.Name
	Strategy ndn.Name
}

func (s *StrategyChoice) valueLen() int {
	return s.Name.TLVLength() + tlv.ElementLen(TtStrategy, nestedNameLen(s.Strategy))
}

// Length returns the size of the StrategyChoice element.
func (s *StrategyChoice) Length() int { return tlv.ElementLen(TtStrategyChoice, s.valueLen()) }

// Append appends the StrategyChoice element to dst.
func (s *StrategyChoice) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtStrategyChoice, s.valueLen())
	dst = s.Name.AppendTLV(dst)
	return appendNested(dst, TtStrategy, s.Strategy)
}

// Decode decodes one StrategyChoice element. Names alias wire.
func (s *StrategyChoice) Decode(wire []byte) error {
	*s = StrategyChoice{}
	v, err := decodeOuter(wire, TtStrategyChoice, "StrategyChoice")
	if err != nil {
		return err
	}
	q := newSeq(v, "StrategyChoice", ndn.TtName, TtStrategy)
	e, err := q.req(ndn.TtName, "Name")
	if err != nil {
		return err
	}
	if s.Name, err = nameElem(e, "StrategyChoice Name"); err != nil {
		return err
	}
	if e, err = q.req(TtStrategy, "Strategy"); err != nil {
		return err
	}
	if s.Strategy, err = nestedName(e.Value, "StrategyChoice Strategy"); err != nil {
		return err
	}
	return q.finish()
}

// CsInfo is the single item of the cs/info dataset.
type CsInfo struct {
	Capacity uint64
	// Flags holds the CS flag bits (CsBitEnableAdmit, CsBitEnableServe).
	Flags      uint64
	NCsEntries uint64
	NHits      uint64
	NMisses    uint64
}

func (c *CsInfo) valueLen() int {
	return tlv.NNIElementLen(TtCapacity, c.Capacity) + tlv.NNIElementLen(TtFlags, c.Flags) +
		tlv.NNIElementLen(TtNCsEntries, c.NCsEntries) + tlv.NNIElementLen(TtNHits, c.NHits) +
		tlv.NNIElementLen(TtNMisses, c.NMisses)
}

// Length returns the size of the CsInfo element.
func (c *CsInfo) Length() int { return tlv.ElementLen(TtCsInfo, c.valueLen()) }

// Append appends the CsInfo element to dst.
func (c *CsInfo) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtCsInfo, c.valueLen())
	dst = tlv.AppendNNIElement(dst, TtCapacity, c.Capacity)
	dst = tlv.AppendNNIElement(dst, TtFlags, c.Flags)
	dst = tlv.AppendNNIElement(dst, TtNCsEntries, c.NCsEntries)
	dst = tlv.AppendNNIElement(dst, TtNHits, c.NHits)
	return tlv.AppendNNIElement(dst, TtNMisses, c.NMisses)
}

// Decode decodes one CsInfo element.
func (c *CsInfo) Decode(wire []byte) error {
	*c = CsInfo{}
	v, err := decodeOuter(wire, TtCsInfo, "CsInfo")
	if err != nil {
		return err
	}
	q := newSeq(v, "CsInfo", TtCapacity, TtFlags, TtNCsEntries, TtNHits, TtNMisses)
	for _, f := range []struct {
		t    uint32
		name string
		v    *uint64
	}{
		{TtCapacity, "Capacity", &c.Capacity}, {TtFlags, "Flags", &c.Flags},
		{TtNCsEntries, "NCsEntries", &c.NCsEntries}, {TtNHits, "NHits", &c.NHits}, {TtNMisses, "NMisses", &c.NMisses},
	} {
		if *f.v, err = q.reqNNI(f.t, f.name); err != nil {
			return err
		}
	}
	return q.finish()
}

// DecodeCsInfo decodes the reassembled cs/info payload, which holds exactly
// one CsInfo element.
func DecodeCsInfo(payload []byte) (CsInfo, error) {
	var c CsInfo
	e, err := tlv.Decode(payload)
	if err != nil {
		return c, fmt.Errorf("cs/info: %w", err)
	}
	return c, c.Decode(e.Wire)
}
