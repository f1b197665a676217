package mgmt

import (
	"math"
	"time"

	"github.com/ndnflow/ndnflow/tlv"
)

// FaceStatus is an item of the faces/list and faces/query datasets
// (ndn-protocols.md §4.5), encoded as FaceStatus (0x80).
type FaceStatus struct {
	FaceID   uint64
	URI      string
	LocalURI string
	// ExpirationPeriod is the time left before an on-demand face expires.
	ExpirationPeriod    time.Duration
	HasExpirationPeriod bool

	FaceScope       FaceScope
	FacePersistency FacePersistency
	LinkType        LinkType

	BaseCongestionMarkingInterval    time.Duration // nanoseconds on the wire
	HasBaseCongestionMarkingInterval bool
	DefaultCongestionThreshold       uint64 // bytes
	HasDefaultCongestionThreshold    bool
	Mtu                              uint64 // bytes
	HasMtu                           bool

	NInInterests  uint64
	NInData       uint64
	NInNacks      uint64
	NOutInterests uint64
	NOutData      uint64
	NOutNacks     uint64
	NInBytes      uint64
	NOutBytes     uint64

	// Flags holds the face flag bits (FaceBit*).
	Flags uint64
}

func (s *FaceStatus) counters() [8]nniField {
	return [8]nniField{
		{TtNInInterests, &s.NInInterests}, {TtNInData, &s.NInData}, {TtNInNacks, &s.NInNacks},
		{TtNOutInterests, &s.NOutInterests}, {TtNOutData, &s.NOutData}, {TtNOutNacks, &s.NOutNacks},
		{TtNInBytes, &s.NInBytes}, {TtNOutBytes, &s.NOutBytes},
	}
}

var faceCounterNames = [...]string{
	"NInInterests", "NInData", "NInNacks", "NOutInterests", "NOutData", "NOutNacks", "NInBytes", "NOutBytes",
}

func (s *FaceStatus) valueLen() int {
	n := tlv.NNIElementLen(TtFaceID, s.FaceID) + stringElemLen(TtURI, s.URI) + stringElemLen(TtLocalURI, s.LocalURI)
	if s.HasExpirationPeriod {
		n += tlv.NNIElementLen(TtExpirationPeriod, durationMs(s.ExpirationPeriod))
	}
	n += tlv.NNIElementLen(TtFaceScope, uint64(s.FaceScope)) +
		tlv.NNIElementLen(TtFacePersistency, uint64(s.FacePersistency)) +
		tlv.NNIElementLen(TtLinkType, uint64(s.LinkType))
	if s.HasBaseCongestionMarkingInterval {
		n += tlv.NNIElementLen(TtBaseCongestionMarkingInterval, durationNs(s.BaseCongestionMarkingInterval))
	}
	if s.HasDefaultCongestionThreshold {
		n += tlv.NNIElementLen(TtDefaultCongestionThreshold, s.DefaultCongestionThreshold)
	}
	if s.HasMtu {
		n += tlv.NNIElementLen(TtMtu, s.Mtu)
	}
	for _, c := range s.counters() {
		n += tlv.NNIElementLen(c.t, *c.v)
	}
	return n + tlv.NNIElementLen(TtFlags, s.Flags)
}

// Length returns the size of the FaceStatus element.
func (s *FaceStatus) Length() int { return tlv.ElementLen(TtFaceStatus, s.valueLen()) }

// Append appends the FaceStatus element to dst, fields in ndn-cxx order.
func (s *FaceStatus) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtFaceStatus, s.valueLen())
	dst = tlv.AppendNNIElement(dst, TtFaceID, s.FaceID)
	dst = appendString(dst, TtURI, s.URI)
	dst = appendString(dst, TtLocalURI, s.LocalURI)
	if s.HasExpirationPeriod {
		dst = tlv.AppendNNIElement(dst, TtExpirationPeriod, durationMs(s.ExpirationPeriod))
	}
	dst = tlv.AppendNNIElement(dst, TtFaceScope, uint64(s.FaceScope))
	dst = tlv.AppendNNIElement(dst, TtFacePersistency, uint64(s.FacePersistency))
	dst = tlv.AppendNNIElement(dst, TtLinkType, uint64(s.LinkType))
	if s.HasBaseCongestionMarkingInterval {
		dst = tlv.AppendNNIElement(dst, TtBaseCongestionMarkingInterval, durationNs(s.BaseCongestionMarkingInterval))
	}
	if s.HasDefaultCongestionThreshold {
		dst = tlv.AppendNNIElement(dst, TtDefaultCongestionThreshold, s.DefaultCongestionThreshold)
	}
	if s.HasMtu {
		dst = tlv.AppendNNIElement(dst, TtMtu, s.Mtu)
	}
	for _, c := range s.counters() {
		dst = tlv.AppendNNIElement(dst, c.t, *c.v)
	}
	return tlv.AppendNNIElement(dst, TtFlags, s.Flags)
}

// Decode decodes one FaceStatus element; fields must be in ndn-cxx order.
func (s *FaceStatus) Decode(wire []byte) error {
	*s = FaceStatus{}
	v, err := decodeOuter(wire, TtFaceStatus, "FaceStatus")
	if err != nil {
		return err
	}
	q := newSeq(v, "FaceStatus", TtFaceID, TtURI, TtLocalURI, TtExpirationPeriod, TtFaceScope,
		TtFacePersistency, TtLinkType, TtBaseCongestionMarkingInterval, TtDefaultCongestionThreshold,
		TtMtu, TtNInInterests, TtNInData, TtNInNacks, TtNOutInterests, TtNOutData, TtNOutNacks,
		TtNInBytes, TtNOutBytes, TtFlags)
	if s.FaceID, err = q.reqNNI(TtFaceID, "FaceId"); err != nil {
		return err
	}
	if s.URI, err = q.reqString(TtURI, "Uri"); err != nil {
		return err
	}
	if s.LocalURI, err = q.reqString(TtLocalURI, "LocalUri"); err != nil {
		return err
	}
	ms, ok, err := q.optNNI(TtExpirationPeriod, "ExpirationPeriod")
	if err != nil {
		return err
	}
	s.ExpirationPeriod, s.HasExpirationPeriod = msToDuration(ms), ok
	if err := decodeScopePersistencyLink(&q, &s.FaceScope, &s.FacePersistency, &s.LinkType); err != nil {
		return err
	}
	ns, ok, err := q.optNNI(TtBaseCongestionMarkingInterval, "BaseCongestionMarkingInterval")
	if err != nil {
		return err
	}
	s.BaseCongestionMarkingInterval, s.HasBaseCongestionMarkingInterval = nsToDuration(ns), ok
	if s.DefaultCongestionThreshold, s.HasDefaultCongestionThreshold, err = q.optNNI(TtDefaultCongestionThreshold, "DefaultCongestionThreshold"); err != nil {
		return err
	}
	if s.Mtu, s.HasMtu, err = q.optNNI(TtMtu, "Mtu"); err != nil {
		return err
	}
	for i, c := range s.counters() {
		if *c.v, err = q.reqNNI(c.t, faceCounterNames[i]); err != nil {
			return err
		}
	}
	if s.Flags, err = q.reqNNI(TtFlags, "Flags"); err != nil {
		return err
	}
	return q.finish()
}

func decodeScopePersistencyLink(q *seq, sc *FaceScope, fp *FacePersistency, lt *LinkType) error {
	v, err := q.reqNNIMax(TtFaceScope, "FaceScope", math.MaxUint8)
	if err != nil {
		return err
	}
	*sc = FaceScope(v)
	if v, err = q.reqNNIMax(TtFacePersistency, "FacePersistency", math.MaxUint8); err != nil {
		return err
	}
	*fp = FacePersistency(v)
	if v, err = q.reqNNIMax(TtLinkType, "LinkType", math.MaxUint8); err != nil {
		return err
	}
	*lt = LinkType(v)
	return nil
}

// ChannelStatus is an item of the faces/channels dataset: one listening
// channel, identified by its local FaceUri.
type ChannelStatus struct {
	LocalURI string
}

// Length returns the size of the ChannelStatus element.
func (c *ChannelStatus) Length() int {
	return tlv.ElementLen(TtChannelStatus, stringElemLen(TtLocalURI, c.LocalURI))
}

// Append appends the ChannelStatus element to dst.
func (c *ChannelStatus) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtChannelStatus, stringElemLen(TtLocalURI, c.LocalURI))
	return appendString(dst, TtLocalURI, c.LocalURI)
}

// Decode decodes one ChannelStatus element.
func (c *ChannelStatus) Decode(wire []byte) error {
	*c = ChannelStatus{}
	v, err := decodeOuter(wire, TtChannelStatus, "ChannelStatus")
	if err != nil {
		return err
	}
	q := newSeq(v, "ChannelStatus", TtLocalURI)
	if c.LocalURI, err = q.reqString(TtLocalURI, "LocalUri"); err != nil {
		return err
	}
	return q.finish()
}

// FaceQueryFilter selects faces in a faces/query dataset request; it travels
// as the last name component. Every field is optional; a face matches when
// it matches every field present.
type FaceQueryFilter struct {
	FaceID    uint64
	HasFaceID bool
	// URIScheme matches the scheme of the remote URI, for example "udp4".
	URIScheme    string
	HasURIScheme bool
	URI          string
	HasURI       bool
	LocalURI     string
	HasLocalURI  bool

	FaceScope          FaceScope
	HasFaceScope       bool
	FacePersistency    FacePersistency
	HasFacePersistency bool
	LinkType           LinkType
	HasLinkType        bool
}

func (f *FaceQueryFilter) valueLen() int {
	n := 0
	if f.HasFaceID {
		n += tlv.NNIElementLen(TtFaceID, f.FaceID)
	}
	if f.HasURIScheme {
		n += stringElemLen(TtURIScheme, f.URIScheme)
	}
	if f.HasURI {
		n += stringElemLen(TtURI, f.URI)
	}
	if f.HasLocalURI {
		n += stringElemLen(TtLocalURI, f.LocalURI)
	}
	if f.HasFaceScope {
		n += tlv.NNIElementLen(TtFaceScope, uint64(f.FaceScope))
	}
	if f.HasFacePersistency {
		n += tlv.NNIElementLen(TtFacePersistency, uint64(f.FacePersistency))
	}
	if f.HasLinkType {
		n += tlv.NNIElementLen(TtLinkType, uint64(f.LinkType))
	}
	return n
}

// Length returns the size of the FaceQueryFilter element.
func (f *FaceQueryFilter) Length() int { return tlv.ElementLen(TtFaceQueryFilter, f.valueLen()) }

// Append appends the FaceQueryFilter element (96 LEN …) to dst.
func (f *FaceQueryFilter) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtFaceQueryFilter, f.valueLen())
	if f.HasFaceID {
		dst = tlv.AppendNNIElement(dst, TtFaceID, f.FaceID)
	}
	if f.HasURIScheme {
		dst = appendString(dst, TtURIScheme, f.URIScheme)
	}
	if f.HasURI {
		dst = appendString(dst, TtURI, f.URI)
	}
	if f.HasLocalURI {
		dst = appendString(dst, TtLocalURI, f.LocalURI)
	}
	if f.HasFaceScope {
		dst = tlv.AppendNNIElement(dst, TtFaceScope, uint64(f.FaceScope))
	}
	if f.HasFacePersistency {
		dst = tlv.AppendNNIElement(dst, TtFacePersistency, uint64(f.FacePersistency))
	}
	if f.HasLinkType {
		dst = tlv.AppendNNIElement(dst, TtLinkType, uint64(f.LinkType))
	}
	return dst
}

// Decode decodes a FaceQueryFilter element; fields must be in ndn-cxx order.
// NFD answers a filter that fails to decode with a NACK "400 Malformed filter".
func (f *FaceQueryFilter) Decode(wire []byte) error {
	*f = FaceQueryFilter{}
	v, err := decodeOuter(wire, TtFaceQueryFilter, "FaceQueryFilter")
	if err != nil {
		return err
	}
	q := newSeq(v, "FaceQueryFilter", TtFaceID, TtURIScheme, TtURI, TtLocalURI, TtFaceScope, TtFacePersistency, TtLinkType)
	if f.FaceID, f.HasFaceID, err = q.optNNI(TtFaceID, "FaceId"); err != nil {
		return err
	}
	if e, ok := q.opt(TtURIScheme); ok {
		f.URIScheme, f.HasURIScheme = string(e.Value), true
	}
	if e, ok := q.opt(TtURI); ok {
		f.URI, f.HasURI = string(e.Value), true
	}
	if e, ok := q.opt(TtLocalURI); ok {
		f.LocalURI, f.HasLocalURI = string(e.Value), true
	}
	if e, ok := q.opt(TtFaceScope); ok {
		v, err := nniMax(e, "FaceQueryFilter FaceScope", math.MaxUint8)
		if err != nil {
			return err
		}
		f.FaceScope, f.HasFaceScope = FaceScope(v), true
	}
	if e, ok := q.opt(TtFacePersistency); ok {
		v, err := nniMax(e, "FaceQueryFilter FacePersistency", math.MaxUint8)
		if err != nil {
			return err
		}
		f.FacePersistency, f.HasFacePersistency = FacePersistency(v), true
	}
	if e, ok := q.opt(TtLinkType); ok {
		v, err := nniMax(e, "FaceQueryFilter LinkType", math.MaxUint8)
		if err != nil {
			return err
		}
		f.LinkType, f.HasLinkType = LinkType(v), true
	}
	return q.finish()
}

// Matches reports whether a face matches the filter, as NFD's faces/query
// does: URIScheme matches the scheme of either the remote or the local URI.
func (f *FaceQueryFilter) Matches(s *FaceStatus) bool {
	if f.HasFaceID && f.FaceID != s.FaceID {
		return false
	}
	if f.HasURIScheme {
		rs, _, _ := cutScheme(s.URI)
		ls, _, _ := cutScheme(s.LocalURI)
		if f.URIScheme != rs && f.URIScheme != ls {
			return false
		}
	}
	return (!f.HasURI || f.URI == s.URI) &&
		(!f.HasLocalURI || f.LocalURI == s.LocalURI) &&
		(!f.HasFaceScope || f.FaceScope == s.FaceScope) &&
		(!f.HasFacePersistency || f.FacePersistency == s.FacePersistency) &&
		(!f.HasLinkType || f.LinkType == s.LinkType)
}

// FaceEventNotification is one item of the faces/events notification stream.
type FaceEventNotification struct {
	Kind            FaceEventKind
	FaceID          uint64
	URI             string
	LocalURI        string
	FaceScope       FaceScope
	FacePersistency FacePersistency
	LinkType        LinkType
	Flags           uint64
}

func (n *FaceEventNotification) valueLen() int {
	return tlv.NNIElementLen(TtFaceEventKind, uint64(n.Kind)) +
		tlv.NNIElementLen(TtFaceID, n.FaceID) +
		stringElemLen(TtURI, n.URI) + stringElemLen(TtLocalURI, n.LocalURI) +
		tlv.NNIElementLen(TtFaceScope, uint64(n.FaceScope)) +
		tlv.NNIElementLen(TtFacePersistency, uint64(n.FacePersistency)) +
		tlv.NNIElementLen(TtLinkType, uint64(n.LinkType)) +
		tlv.NNIElementLen(TtFlags, n.Flags)
}

// Length returns the size of the FaceEventNotification element.
func (n *FaceEventNotification) Length() int {
	return tlv.ElementLen(TtFaceEventNotification, n.valueLen())
}

// Append appends the FaceEventNotification element (C0 LEN …) to dst.
func (n *FaceEventNotification) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtFaceEventNotification, n.valueLen())
	dst = tlv.AppendNNIElement(dst, TtFaceEventKind, uint64(n.Kind))
	dst = tlv.AppendNNIElement(dst, TtFaceID, n.FaceID)
	dst = appendString(dst, TtURI, n.URI)
	dst = appendString(dst, TtLocalURI, n.LocalURI)
	dst = tlv.AppendNNIElement(dst, TtFaceScope, uint64(n.FaceScope))
	dst = tlv.AppendNNIElement(dst, TtFacePersistency, uint64(n.FacePersistency))
	dst = tlv.AppendNNIElement(dst, TtLinkType, uint64(n.LinkType))
	return tlv.AppendNNIElement(dst, TtFlags, n.Flags)
}

// Decode decodes one FaceEventNotification element; all fields are required, in order.
func (n *FaceEventNotification) Decode(wire []byte) error {
	*n = FaceEventNotification{}
	v, err := decodeOuter(wire, TtFaceEventNotification, "FaceEventNotification")
	if err != nil {
		return err
	}
	q := newSeq(v, "FaceEventNotification", TtFaceEventKind, TtFaceID, TtURI, TtLocalURI,
		TtFaceScope, TtFacePersistency, TtLinkType, TtFlags)
	k, err := q.reqNNIMax(TtFaceEventKind, "FaceEventKind", math.MaxUint8)
	if err != nil {
		return err
	}
	n.Kind = FaceEventKind(k)
	if n.FaceID, err = q.reqNNI(TtFaceID, "FaceId"); err != nil {
		return err
	}
	if n.URI, err = q.reqString(TtURI, "Uri"); err != nil {
		return err
	}
	if n.LocalURI, err = q.reqString(TtLocalURI, "LocalUri"); err != nil {
		return err
	}
	if err := decodeScopePersistencyLink(&q, &n.FaceScope, &n.FacePersistency, &n.LinkType); err != nil {
		return err
	}
	if n.Flags, err = q.reqNNI(TtFlags, "Flags"); err != nil {
		return err
	}
	return q.finish()
}
