package ndn

import (
	"encoding/binary"
	"fmt"

	"github.com/ndnflow/ndnflow/tlv"
)

// NackReason is the reason code of a network Nack (ndn-protocols.md §3.2).
type NackReason uint64

// NackReason values.
const (
	NackNone       NackReason = 0
	NackCongestion NackReason = 50
	NackDuplicate  NackReason = 100
	NackNoRoute    NackReason = 150
)

// String returns the reason's name as NFD prints it.
func (r NackReason) String() string {
	switch r {
	case NackNone:
		return "None"
	case NackCongestion:
		return "Congestion"
	case NackDuplicate:
		return "Duplicate"
	case NackNoRoute:
		return "NoRoute"
	}
	return fmt.Sprintf("Reason(%d)", uint64(r))
}

// Severity orders reasons for merging Nacks: NFD forwards the least severe
// one. None ranks last (least preferred).
func (r NackReason) Severity() int {
	switch r {
	case NackCongestion:
		return 1
	case NackDuplicate:
		return 2
	case NackNoRoute:
		return 3
	case NackNone:
		return 5
	}
	return 4
}

// LpPacket is one NDNLPv2 packet (ndn-protocols.md §3). Decode also accepts
// a bare Interest or Data, which becomes an LpPacket whose Fragment is the
// whole input. A nil Fragment means an IDLE packet.
//
// Encoding writes header fields in increasing TLV-TYPE order with the
// Fragment last, and writes the bare Fragment when no header is set.
type LpPacket struct {
	Sequence    uint64
	HasSequence bool
	FragIndex   uint64
	// HasFragIndex makes Append write a FragIndex of 0, which Decode sets
	// when the element is present; a nonzero FragIndex is always written.
	HasFragIndex bool
	// FragCount is the FragCount field; 0 means absent (one fragment).
	FragCount uint64
	PitToken  []byte
	// NackReason is meaningful when IsNack.
	NackReason        NackReason
	IsNack            bool
	IncomingFaceID    uint64
	HasIncomingFaceID bool
	NextHopFaceID     uint64
	HasNextHopFaceID  bool
	// CachePolicy is the CachePolicyType; 0 means absent.
	CachePolicy    uint64
	CongestionMark uint64
	// Acks lists the Ack fields in order; Decode reuses its capacity.
	Acks          []uint64
	TxSequence    uint64
	HasTxSequence bool
	NonDiscovery  bool
	// PrefixAnn is the wire of the Prefix Announcement Data.
	PrefixAnn []byte
	Fragment  []byte
	// IsBare reports that Decode was given a bare network packet.
	IsBare bool
}

// Reset clears p, keeping the capacity of Acks.
func (p *LpPacket) Reset() {
	acks := p.Acks[:0]
	*p = LpPacket{Acks: acks}
}

// IsIdle reports whether p carries no network packet.
func (p *LpPacket) IsIdle() bool { return p.Fragment == nil }

// IsFragmented reports whether p is one fragment of several.
func (p *LpPacket) IsFragmented() bool { return p.FragCount > 1 || p.FragIndex > 0 }

// HasHeaders reports whether any field besides Fragment is set, so the
// packet must travel as an LpPacket rather than bare.
func (p *LpPacket) HasHeaders() bool {
	return p.HasSequence || p.FragIndex != 0 || p.HasFragIndex || p.FragCount != 0 || len(p.PitToken) > 0 || p.IsNack ||
		p.HasIncomingFaceID || p.HasNextHopFaceID || p.CachePolicy != 0 || p.CongestionMark != 0 ||
		len(p.Acks) > 0 || p.HasTxSequence || p.NonDiscovery || len(p.PrefixAnn) > 0 || p.Fragment == nil
}

// lpIgnorable reports whether an unknown header field may be skipped (§3.1).
func lpIgnorable(t uint32) bool {
	return t >= 800 && t <= 959 && t%4 == 0
}

// Decode decodes an LpPacket, or a bare Interest or Data, from wire, which
// must hold exactly one element. It enforces header order, the repetition
// rule, fixed-width fields and the unknown-field rule.
func (p *LpPacket) Decode(wire []byte) error {
	p.Reset()
	e, err := tlv.Decode(wire)
	if err != nil {
		return fmt.Errorf("LpPacket: %w", err)
	}
	switch e.Type {
	case TtInterest, TtData:
		p.Fragment, p.IsBare = wire, true
		return nil
	case TtLpPacket:
	default:
		return ErrPacketType
	}
	d := tlv.NewDecoder(e.Value)
	var last uint32
	for d.Next() {
		f := d.Element()
		if p.Fragment != nil {
			return fmt.Errorf("LpPacket: element %d after Fragment: %w", f.Type, ErrLpField)
		}
		if f.Type != TtFragment && (f.Type < last || f.Type == last && f.Type != TtAck) {
			return fmt.Errorf("LpPacket: element %d out of order: %w", f.Type, ErrLpField)
		}
		last = f.Type
		switch f.Type {
		case TtFragment:
			if len(f.Value) == 0 {
				return fmt.Errorf("LpPacket: empty Fragment: %w", ErrLpField)
			}
			p.Fragment = f.Value
		case TtSequence:
			p.Sequence, p.HasSequence, err = fixed8(f)
		case TtFragIndex:
			p.FragIndex, err = f.NNI()
			p.HasFragIndex = true
		case TtFragCount:
			p.FragCount, err = f.NNI()
		case TtPitToken:
			if len(f.Value) < 1 || len(f.Value) > 32 {
				err = tlv.ErrLength
			}
			p.PitToken = f.Value
		case TtNack:
			p.IsNack = true
			err = p.decodeNack(f.Value)
		case TtIncomingFaceID:
			p.IncomingFaceID, err = f.NNI()
			p.HasIncomingFaceID = true
		case TtNextHopFaceID:
			p.NextHopFaceID, err = f.NNI()
			p.HasNextHopFaceID = true
		case TtCachePolicy:
			var r tlv.Element
			r, err = tlv.Decode(f.Value)
			if err == nil {
				if r.Type != TtCachePolicyType {
					err = ErrLpField
				} else {
					p.CachePolicy, err = r.NNI()
				}
			}
		case TtCongestionMark:
			p.CongestionMark, err = f.NNI()
		case TtAck:
			var a uint64
			a, _, err = fixed8(f)
			p.Acks = append(p.Acks, a)
		case TtTxSequence:
			p.TxSequence, p.HasTxSequence, err = fixed8(f)
		case TtNonDiscovery:
			p.NonDiscovery = true
		case TtPrefixAnnouncement:
			p.PrefixAnn = f.Value
		default:
			if !lpIgnorable(f.Type) {
				return fmt.Errorf("LpPacket: unknown field %d: %w", f.Type, ErrLpField)
			}
		}
		if err != nil {
			return fmt.Errorf("LpPacket field %d: %w", f.Type, err)
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("LpPacket: %w", err)
	}
	if p.FragCount != 0 && p.FragIndex >= p.FragCount {
		return fmt.Errorf("LpPacket: FragIndex %d >= FragCount %d: %w", p.FragIndex, p.FragCount, ErrLpField)
	}
	return nil
}

// decodeNack decodes the Nack header's value: an optional NackReason, and
// unknown fields that the §3.1 rule lets a receiver ignore.
func (p *LpPacket) decodeNack(v []byte) error {
	d := tlv.NewDecoder(v)
	for d.Next() {
		r := d.Element()
		switch {
		case r.Type == TtNackReason:
			reason, err := r.NNI()
			if err != nil {
				return err
			}
			p.NackReason = NackReason(reason)
		case !lpIgnorable(r.Type):
			return ErrLpField
		}
	}
	return d.Err()
}

func fixed8(e tlv.Element) (uint64, bool, error) {
	if len(e.Value) != 8 {
		return 0, false, tlv.ErrLength
	}
	return binary.BigEndian.Uint64(e.Value), true, nil
}

func (p *LpPacket) valueLen() int {
	n := 0
	if p.HasSequence {
		n += 10
	}
	if p.FragIndex != 0 || p.HasFragIndex {
		n += tlv.NNIElementLen(TtFragIndex, p.FragIndex)
	}
	if p.FragCount != 0 {
		n += tlv.NNIElementLen(TtFragCount, p.FragCount)
	}
	if len(p.PitToken) > 0 {
		n += tlv.ElementLen(TtPitToken, len(p.PitToken))
	}
	if p.IsNack {
		n += tlv.ElementLen(TtNack, p.nackLen())
	}
	if p.HasIncomingFaceID {
		n += tlv.NNIElementLen(TtIncomingFaceID, p.IncomingFaceID)
	}
	if p.HasNextHopFaceID {
		n += tlv.NNIElementLen(TtNextHopFaceID, p.NextHopFaceID)
	}
	if p.CachePolicy != 0 {
		n += tlv.ElementLen(TtCachePolicy, tlv.NNIElementLen(TtCachePolicyType, p.CachePolicy))
	}
	if p.CongestionMark != 0 {
		n += tlv.NNIElementLen(TtCongestionMark, p.CongestionMark)
	}
	n += len(p.Acks) * tlv.ElementLen(TtAck, 8)
	if p.HasTxSequence {
		n += tlv.ElementLen(TtTxSequence, 8)
	}
	if p.NonDiscovery {
		n += tlv.ElementLen(TtNonDiscovery, 0)
	}
	if len(p.PrefixAnn) > 0 {
		n += tlv.ElementLen(TtPrefixAnnouncement, len(p.PrefixAnn))
	}
	if p.Fragment != nil {
		n += tlv.ElementLen(TtFragment, len(p.Fragment))
	}
	return n
}

func (p *LpPacket) nackLen() int {
	if p.NackReason == NackNone {
		return 0
	}
	return tlv.NNIElementLen(TtNackReason, uint64(p.NackReason))
}

// HeaderLength returns the size of the LpPacket encoding minus the Fragment value.
func (p *LpPacket) HeaderLength() int {
	return p.Length() - len(p.Fragment)
}

// Length returns the size of the encoding Append produces.
func (p *LpPacket) Length() int {
	if !p.HasHeaders() {
		return len(p.Fragment)
	}
	return tlv.ElementLen(TtLpPacket, p.valueLen())
}

// Append appends the encoding to dst: the bare Fragment when HasHeaders is
// false, an LpPacket otherwise.
func (p *LpPacket) Append(dst []byte) []byte {
	if !p.HasHeaders() {
		return append(dst, p.Fragment...)
	}
	dst = p.AppendHeader(dst)
	return append(dst, p.Fragment...)
}

// AppendHeader appends everything of the LpPacket encoding up to the
// Fragment value, so that a caller can write the fragment bytes itself
// (for example with a vectored write) without copying them here.
func (p *LpPacket) AppendHeader(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtLpPacket, p.valueLen())
	if p.HasSequence {
		dst = binary.BigEndian.AppendUint64(append(dst, TtSequence, 8), p.Sequence)
	}
	if p.FragIndex != 0 || p.HasFragIndex {
		dst = tlv.AppendNNIElement(dst, TtFragIndex, p.FragIndex)
	}
	if p.FragCount != 0 {
		dst = tlv.AppendNNIElement(dst, TtFragCount, p.FragCount)
	}
	if len(p.PitToken) > 0 {
		dst = tlv.AppendElement(dst, TtPitToken, p.PitToken)
	}
	if p.IsNack {
		dst = tlv.AppendTL(dst, TtNack, p.nackLen())
		if p.NackReason != NackNone {
			dst = tlv.AppendNNIElement(dst, TtNackReason, uint64(p.NackReason))
		}
	}
	if p.HasIncomingFaceID {
		dst = tlv.AppendNNIElement(dst, TtIncomingFaceID, p.IncomingFaceID)
	}
	if p.HasNextHopFaceID {
		dst = tlv.AppendNNIElement(dst, TtNextHopFaceID, p.NextHopFaceID)
	}
	if p.CachePolicy != 0 {
		dst = tlv.AppendTL(dst, TtCachePolicy, tlv.NNIElementLen(TtCachePolicyType, p.CachePolicy))
		dst = tlv.AppendNNIElement(dst, TtCachePolicyType, p.CachePolicy)
	}
	if p.CongestionMark != 0 {
		dst = tlv.AppendNNIElement(dst, TtCongestionMark, p.CongestionMark)
	}
	for _, a := range p.Acks {
		dst = binary.BigEndian.AppendUint64(tlv.AppendTL(dst, TtAck, 8), a)
	}
	if p.HasTxSequence {
		dst = binary.BigEndian.AppendUint64(tlv.AppendTL(dst, TtTxSequence, 8), p.TxSequence)
	}
	if p.NonDiscovery {
		dst = tlv.AppendTL(dst, TtNonDiscovery, 0)
	}
	if len(p.PrefixAnn) > 0 {
		dst = tlv.AppendElement(dst, TtPrefixAnnouncement, p.PrefixAnn)
	}
	if p.Fragment != nil {
		dst = tlv.AppendTL(dst, TtFragment, len(p.Fragment))
	}
	return dst
}
