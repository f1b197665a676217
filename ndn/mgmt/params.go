package mgmt

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// Field is a set of ControlParameters fields, one bit per field, used by the
// per-command validation table.
type Field uint32

// ControlParameters fields, in ndn-cxx encoding order.
const (
	FieldName Field = 1 << iota
	FieldFaceID
	FieldURI
	FieldLocalURI
	FieldOrigin
	FieldCost
	FieldCapacity
	FieldCount
	FieldFlags
	FieldMask
	FieldStrategy
	FieldExpirationPeriod
	FieldFacePersistency
	FieldBaseCongestionMarkingInterval
	FieldDefaultCongestionThreshold
	FieldMtu
)

var fieldNames = [...]string{
	"Name", "FaceId", "Uri", "LocalUri", "Origin", "Cost", "Capacity", "Count",
	"Flags", "Mask", "Strategy", "ExpirationPeriod", "FacePersistency",
	"BaseCongestionMarkingInterval", "DefaultCongestionThreshold", "Mtu",
}

// String returns the field names as ndn-cxx spells them, joined by "|".
func (f Field) String() string {
	var parts []string
	for i, n := range fieldNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

// ControlParameters is the parameter structure of NFD control commands
// (ndn-protocols.md §4.2). Every field has a presence flag; a field is
// encoded only when its flag is set. The zero value has no fields.
//
// Decode accepts the fields in any order and ignores unknown elements;
// Append writes them in ndn-cxx order.
type ControlParameters struct {
	Name    ndn.Name
	HasName bool

	FaceID    uint64
	HasFaceID bool

	// URI is the remote FaceUri; LocalURI the local one.
	URI         string
	HasURI      bool
	LocalURI    string
	HasLocalURI bool

	Origin    RouteOrigin
	HasOrigin bool

	Cost    uint64
	HasCost bool

	// Capacity is the CS capacity in packets.
	Capacity    uint64
	HasCapacity bool

	Count    uint64
	HasCount bool

	// Flags and Mask are bit fields; see FlagsWithMask.
	Flags    uint64
	HasFlags bool
	Mask     uint64
	HasMask  bool

	// Strategy is the strategy name (encoded nested: 6B LEN 07 LEN …).
	Strategy    ndn.Name
	HasStrategy bool

	// ExpirationPeriod travels in milliseconds; sub-millisecond parts are
	// dropped and decoded values saturate at the largest Duration.
	ExpirationPeriod    time.Duration
	HasExpirationPeriod bool

	FacePersistency    FacePersistency
	HasFacePersistency bool

	// BaseCongestionMarkingInterval travels in nanoseconds.
	BaseCongestionMarkingInterval    time.Duration
	HasBaseCongestionMarkingInterval bool

	// DefaultCongestionThreshold is in bytes.
	DefaultCongestionThreshold    uint64
	HasDefaultCongestionThreshold bool

	// Mtu is in bytes.
	Mtu    uint64
	HasMtu bool
}

// Fields returns the set of fields present.
func (p *ControlParameters) Fields() Field {
	var f Field
	set := func(b bool, x Field) {
		if b {
			f |= x
		}
	}
	set(p.HasName, FieldName)
	set(p.HasFaceID, FieldFaceID)
	set(p.HasURI, FieldURI)
	set(p.HasLocalURI, FieldLocalURI)
	set(p.HasOrigin, FieldOrigin)
	set(p.HasCost, FieldCost)
	set(p.HasCapacity, FieldCapacity)
	set(p.HasCount, FieldCount)
	set(p.HasFlags, FieldFlags)
	set(p.HasMask, FieldMask)
	set(p.HasStrategy, FieldStrategy)
	set(p.HasExpirationPeriod, FieldExpirationPeriod)
	set(p.HasFacePersistency, FieldFacePersistency)
	set(p.HasBaseCongestionMarkingInterval, FieldBaseCongestionMarkingInterval)
	set(p.HasDefaultCongestionThreshold, FieldDefaultCongestionThreshold)
	set(p.HasMtu, FieldMtu)
	return f
}

// Keep returns a copy of p with only the fields in f present (and the others
// zeroed), for example to build a response body from effective parameters.
func (p ControlParameters) Keep(f Field) ControlParameters {
	var q ControlParameters
	if f&FieldName != 0 && p.HasName {
		q.Name, q.HasName = p.Name, true
	}
	if f&FieldFaceID != 0 && p.HasFaceID {
		q.FaceID, q.HasFaceID = p.FaceID, true
	}
	if f&FieldURI != 0 && p.HasURI {
		q.URI, q.HasURI = p.URI, true
	}
	if f&FieldLocalURI != 0 && p.HasLocalURI {
		q.LocalURI, q.HasLocalURI = p.LocalURI, true
	}
	if f&FieldOrigin != 0 && p.HasOrigin {
		q.Origin, q.HasOrigin = p.Origin, true
	}
	if f&FieldCost != 0 && p.HasCost {
		q.Cost, q.HasCost = p.Cost, true
	}
	if f&FieldCapacity != 0 && p.HasCapacity {
		q.Capacity, q.HasCapacity = p.Capacity, true
	}
	if f&FieldCount != 0 && p.HasCount {
		q.Count, q.HasCount = p.Count, true
	}
	if f&FieldFlags != 0 && p.HasFlags {
		q.Flags, q.HasFlags = p.Flags, true
	}
	if f&FieldMask != 0 && p.HasMask {
		q.Mask, q.HasMask = p.Mask, true
	}
	if f&FieldStrategy != 0 && p.HasStrategy {
		q.Strategy, q.HasStrategy = p.Strategy, true
	}
	if f&FieldExpirationPeriod != 0 && p.HasExpirationPeriod {
		q.ExpirationPeriod, q.HasExpirationPeriod = p.ExpirationPeriod, true
	}
	if f&FieldFacePersistency != 0 && p.HasFacePersistency {
		q.FacePersistency, q.HasFacePersistency = p.FacePersistency, true
	}
	if f&FieldBaseCongestionMarkingInterval != 0 && p.HasBaseCongestionMarkingInterval {
		q.BaseCongestionMarkingInterval, q.HasBaseCongestionMarkingInterval = p.BaseCongestionMarkingInterval, true
	}
	if f&FieldDefaultCongestionThreshold != 0 && p.HasDefaultCongestionThreshold {
		q.DefaultCongestionThreshold, q.HasDefaultCongestionThreshold = p.DefaultCongestionThreshold, true
	}
	if f&FieldMtu != 0 && p.HasMtu {
		q.Mtu, q.HasMtu = p.Mtu, true
	}
	return q
}

// FlagsWithMask returns current with the bits that p's Mask selects replaced
// by the same bits of p's Flags, which is how NFD applies faces/update and
// cs/config. Without Flags, current is returned unchanged; with Flags but no
// Mask, Flags replaces current entirely (rib/register has no Mask).
func (p *ControlParameters) FlagsWithMask(current uint64) uint64 {
	switch {
	case !p.HasFlags:
		return current
	case !p.HasMask:
		return p.Flags
	}
	return current&^p.Mask | p.Flags&p.Mask
}

// SetFlagBit sets bit (0-63) of Flags to v and marks it specified in Mask,
// making both fields present, as ndn-cxx setFlagBit does.
func (p *ControlParameters) SetFlagBit(bit uint, v bool) {
	if bit >= 64 {
		return
	}
	if !p.HasFlags {
		p.Flags, p.HasFlags = 0, true
	}
	if v {
		p.Flags |= 1 << bit
	} else {
		p.Flags &^= 1 << bit
	}
	if !p.HasMask {
		p.Mask, p.HasMask = 0, true
	}
	p.Mask |= 1 << bit
}

// FlagBit reports bit (0-63) of Flags and whether Mask specifies it.
func (p *ControlParameters) FlagBit(bit uint) (v, specified bool) {
	if bit >= 64 {
		return false, false
	}
	return p.HasFlags && p.Flags&(1<<bit) != 0, p.HasMask && p.Mask&(1<<bit) != 0
}

func (p *ControlParameters) valueLen() int {
	n := 0
	if p.HasName {
		n += p.Name.TLVLength()
	}
	if p.HasFaceID {
		n += tlv.NNIElementLen(TtFaceID, p.FaceID)
	}
	if p.HasURI {
		n += stringElemLen(TtURI, p.URI)
	}
	if p.HasLocalURI {
		n += stringElemLen(TtLocalURI, p.LocalURI)
	}
	if p.HasOrigin {
		n += tlv.NNIElementLen(TtOrigin, uint64(p.Origin))
	}
	if p.HasCost {
		n += tlv.NNIElementLen(TtCost, p.Cost)
	}
	if p.HasCapacity {
		n += tlv.NNIElementLen(TtCapacity, p.Capacity)
	}
	if p.HasCount {
		n += tlv.NNIElementLen(TtCount, p.Count)
	}
	if p.HasFlags {
		n += tlv.NNIElementLen(TtFlags, p.Flags)
	}
	if p.HasMask {
		n += tlv.NNIElementLen(TtMask, p.Mask)
	}
	if p.HasStrategy {
		n += tlv.ElementLen(TtStrategy, nestedNameLen(p.Strategy))
	}
	if p.HasExpirationPeriod {
		n += tlv.NNIElementLen(TtExpirationPeriod, durationMs(p.ExpirationPeriod))
	}
	if p.HasFacePersistency {
		n += tlv.NNIElementLen(TtFacePersistency, uint64(p.FacePersistency))
	}
	if p.HasBaseCongestionMarkingInterval {
		n += tlv.NNIElementLen(TtBaseCongestionMarkingInterval, durationNs(p.BaseCongestionMarkingInterval))
	}
	if p.HasDefaultCongestionThreshold {
		n += tlv.NNIElementLen(TtDefaultCongestionThreshold, p.DefaultCongestionThreshold)
	}
	if p.HasMtu {
		n += tlv.NNIElementLen(TtMtu, p.Mtu)
	}
	return n
}

// Length returns the size of the ControlParameters element.
func (p *ControlParameters) Length() int {
	return tlv.ElementLen(TtControlParameters, p.valueLen())
}

// Append appends the ControlParameters element (68 LEN …) to dst, fields in
// ndn-cxx order.
func (p *ControlParameters) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtControlParameters, p.valueLen())
	if p.HasName {
		dst = p.Name.AppendTLV(dst)
	}
	if p.HasFaceID {
		dst = tlv.AppendNNIElement(dst, TtFaceID, p.FaceID)
	}
	if p.HasURI {
		dst = appendString(dst, TtURI, p.URI)
	}
	if p.HasLocalURI {
		dst = appendString(dst, TtLocalURI, p.LocalURI)
	}
	if p.HasOrigin {
		dst = tlv.AppendNNIElement(dst, TtOrigin, uint64(p.Origin))
	}
	if p.HasCost {
		dst = tlv.AppendNNIElement(dst, TtCost, p.Cost)
	}
	if p.HasCapacity {
		dst = tlv.AppendNNIElement(dst, TtCapacity, p.Capacity)
	}
	if p.HasCount {
		dst = tlv.AppendNNIElement(dst, TtCount, p.Count)
	}
	if p.HasFlags {
		dst = tlv.AppendNNIElement(dst, TtFlags, p.Flags)
	}
	if p.HasMask {
		dst = tlv.AppendNNIElement(dst, TtMask, p.Mask)
	}
	if p.HasStrategy {
		dst = appendNested(dst, TtStrategy, p.Strategy)
	}
	if p.HasExpirationPeriod {
		dst = tlv.AppendNNIElement(dst, TtExpirationPeriod, durationMs(p.ExpirationPeriod))
	}
	if p.HasFacePersistency {
		dst = tlv.AppendNNIElement(dst, TtFacePersistency, uint64(p.FacePersistency))
	}
	if p.HasBaseCongestionMarkingInterval {
		dst = tlv.AppendNNIElement(dst, TtBaseCongestionMarkingInterval, durationNs(p.BaseCongestionMarkingInterval))
	}
	if p.HasDefaultCongestionThreshold {
		dst = tlv.AppendNNIElement(dst, TtDefaultCongestionThreshold, p.DefaultCongestionThreshold)
	}
	if p.HasMtu {
		dst = tlv.AppendNNIElement(dst, TtMtu, p.Mtu)
	}
	return dst
}

// Encode returns the encoding in a new slice.
func (p *ControlParameters) Encode() []byte { return tlv.Encode(p) }

// Decode decodes a ControlParameters element (68 LEN …); wire must hold
// exactly one element. Fields may come in any order (the last of a repeated
// field wins); unknown elements are ignored whatever their type, as NDNts
// does. A malformed NNI, an Origin above 65535 or a FacePersistency above
// 255 (which ndn-cxx rejects) is an error. Names alias wire.
func (p *ControlParameters) Decode(wire []byte) error {
	*p = ControlParameters{}
	v, err := decodeOuter(wire, TtControlParameters, "ControlParameters")
	if err != nil {
		return err
	}
	d := tlv.NewDecoder(v)
	for d.Next() {
		e := d.Element()
		var err error
		switch e.Type {
		case ndn.TtName:
			p.Name, err = nameElem(e, "ControlParameters Name")
			p.HasName = true
		case TtFaceID:
			p.FaceID, err = nni(e, "ControlParameters FaceId")
			p.HasFaceID = true
		case TtURI:
			p.URI, p.HasURI = string(e.Value), true
		case TtLocalURI:
			p.LocalURI, p.HasLocalURI = string(e.Value), true
		case TtOrigin:
			var o uint64
			o, err = nniMax(e, "ControlParameters Origin", math.MaxUint16)
			p.Origin, p.HasOrigin = RouteOrigin(o), true
		case TtCost:
			p.Cost, err = nni(e, "ControlParameters Cost")
			p.HasCost = true
		case TtCapacity:
			p.Capacity, err = nni(e, "ControlParameters Capacity")
			p.HasCapacity = true
		case TtCount:
			p.Count, err = nni(e, "ControlParameters Count")
			p.HasCount = true
		case TtFlags:
			p.Flags, err = nni(e, "ControlParameters Flags")
			p.HasFlags = true
		case TtMask:
			p.Mask, err = nni(e, "ControlParameters Mask")
			p.HasMask = true
		case TtStrategy:
			p.Strategy, err = nestedName(e.Value, "ControlParameters Strategy")
			p.HasStrategy = true
		case TtExpirationPeriod:
			var ms uint64
			ms, err = nni(e, "ControlParameters ExpirationPeriod")
			p.ExpirationPeriod, p.HasExpirationPeriod = msToDuration(ms), true
		case TtFacePersistency:
			var fp uint64
			fp, err = nniMax(e, "ControlParameters FacePersistency", math.MaxUint8)
			p.FacePersistency, p.HasFacePersistency = FacePersistency(fp), true
		case TtBaseCongestionMarkingInterval:
			var ns uint64
			ns, err = nni(e, "ControlParameters BaseCongestionMarkingInterval")
			p.BaseCongestionMarkingInterval, p.HasBaseCongestionMarkingInterval = nsToDuration(ns), true
		case TtDefaultCongestionThreshold:
			p.DefaultCongestionThreshold, err = nni(e, "ControlParameters DefaultCongestionThreshold")
			p.HasDefaultCongestionThreshold = true
		case TtMtu:
			p.Mtu, err = nni(e, "ControlParameters Mtu")
			p.HasMtu = true
		}
		if err != nil {
			return err
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("ControlParameters: %w", err)
	}
	return nil
}

// String returns a readable summary such as
// "ControlParameters(Name=/example, FaceId=300, Cost=0)".
func (p *ControlParameters) String() string {
	var b strings.Builder
	b.WriteString("ControlParameters(")
	sep := ""
	add := func(k string, v any) {
		fmt.Fprintf(&b, "%s%s=%v", sep, k, v)
		sep = ", "
	}
	if p.HasName {
		add("Name", p.Name)
	}
	if p.HasFaceID {
		add("FaceId", p.FaceID)
	}
	if p.HasURI {
		add("Uri", p.URI)
	}
	if p.HasLocalURI {
		add("LocalUri", p.LocalURI)
	}
	if p.HasOrigin {
		add("Origin", uint64(p.Origin))
	}
	if p.HasCost {
		add("Cost", p.Cost)
	}
	if p.HasCapacity {
		add("Capacity", p.Capacity)
	}
	if p.HasCount {
		add("Count", p.Count)
	}
	if p.HasFlags {
		add("Flags", fmt.Sprintf("%#x", p.Flags))
	}
	if p.HasMask {
		add("Mask", fmt.Sprintf("%#x", p.Mask))
	}
	if p.HasStrategy {
		add("Strategy", p.Strategy)
	}
	if p.HasExpirationPeriod {
		add("ExpirationPeriod", p.ExpirationPeriod)
	}
	if p.HasFacePersistency {
		add("FacePersistency", p.FacePersistency)
	}
	if p.HasBaseCongestionMarkingInterval {
		add("BaseCongestionMarkingInterval", p.BaseCongestionMarkingInterval)
	}
	if p.HasDefaultCongestionThreshold {
		add("DefaultCongestionThreshold", p.DefaultCongestionThreshold)
	}
	if p.HasMtu {
		add("Mtu", p.Mtu)
	}
	b.WriteString(")")
	return b.String()
}
