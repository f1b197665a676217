package bench

import (
	"encoding/binary"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// TLV-TYPEs the generator writes and reads directly (ndn-protocols.md §1, §3).
const (
	ttLpPacket      = ndn.TtLpPacket
	ttLpPitToken    = ndn.TtPitToken
	ttLpNack        = ndn.TtNack
	ttLpFragment    = ndn.TtFragment
	ttLpSequence    = ndn.TtSequence
	ttLpFragIndex   = ndn.TtFragIndex
	ttLpFragCount   = ndn.TtFragCount
	ttInterest      = 0x05
	ttData          = 0x06
	ttName          = 0x07
	ttNonce         = 0x0A
	ttLifetime      = 0x0C
	ttMetaInfo      = 0x14
	ttFreshness     = 0x19
	ttContent       = 0x15
	ttSigInfo       = 0x16
	ttSigType       = 0x1B
	ttSigValue      = 0x17
	ttGenericComp   = 0x08
	ttSegmentComp   = 0x32
	seqLen          = 8 // the sequence component's value is always 8 octets
	seqCompLen      = 2 + seqLen
	maxBatch        = 64
	dataFreshnessMs = 10000
)

// interestTemplate is a pre-encoded Interest whose last name component is an
// 8-octet sequence number and whose Nonce are patched in place per packet.
type interestTemplate struct {
	wire     []byte
	seqOff   int // offset of the 8-octet sequence value
	nonceOff int // offset of the 4-octet Nonce value
}

// newInterestTemplate encodes an Interest named prefix + a component of
// type seqType with an 8-octet value, a Nonce and the given lifetime.
func newInterestTemplate(prefix ndn.Name, seqType uint16, lifetimeMs uint64) interestTemplate {
	var nameV []byte
	for _, c := range prefix.Components() {
		nameV = tlv.AppendTL(nameV, uint32(c.Type), len(c.Value))
		nameV = append(nameV, c.Value...)
	}
	nameV = tlv.AppendTL(nameV, uint32(seqType), seqLen)
	seqInName := len(nameV)
	nameV = append(nameV, make([]byte, seqLen)...)

	var body []byte
	body = tlv.AppendTL(body, ttName, len(nameV))
	seqOff := len(body) + seqInName
	body = append(body, nameV...)
	body = tlv.AppendTL(body, ttNonce, 4)
	nonceOff := len(body)
	body = append(body, 0, 0, 0, 0)
	body = tlv.AppendNNIElement(body, ttLifetime, lifetimeMs)

	wire := tlv.AppendTL(nil, ttInterest, len(body))
	hdr := len(wire)
	wire = append(wire, body...)
	return interestTemplate{wire: wire, seqOff: hdr + seqOff, nonceOff: hdr + nonceOff}
}

// put writes the template with seq and nonce into dst (len(dst) ≥ len(wire))
// and returns the Interest.
func (t *interestTemplate) put(dst []byte, seq uint64, nonce uint32) []byte {
	n := copy(dst, t.wire)
	binary.BigEndian.PutUint64(dst[t.seqOff:], seq)
	binary.BigEndian.PutUint32(dst[t.nonceOff:], nonce)
	return dst[:n]
}

// dataTail is what follows the Name in every Data the producer sends:
// MetaInfo (FreshnessPeriod), Content of the payload size and a DigestSha256
// SignatureInfo and SignatureValue. The value is constant, not a real
// digest (see the package documentation).
func dataTail(payload int) []byte {
	var b []byte
	meta := tlv.AppendNNIElement(nil, ttFreshness, dataFreshnessMs)
	b = tlv.AppendTL(b, ttMetaInfo, len(meta))
	b = append(b, meta...)
	b = tlv.AppendTL(b, ttContent, payload)
	for i := range payload {
		b = append(b, byte('a'+i%26))
	}
	b = tlv.AppendTL(b, ttSigInfo, 3)
	b = tlv.AppendNNIElement(b, ttSigType, uint64(ndn.SigDigestSha256))
	b = tlv.AppendTL(b, ttSigValue, 32)
	b = append(b, make([]byte, 32)...)
	return b
}

// dataLen returns the size of a Data with a name value of nameLen octets and
// the given tail.
func dataLen(nameLen, tailLen int) int {
	inner := tlv.TLLen(ttName, nameLen) + nameLen + tailLen
	return tlv.TLLen(ttData, inner) + inner
}

// appendData appends a Data named by the Name TLV-VALUE nameV with tail, in an
// LpPacket carrying token when token is not empty. dst must have room: the
// caller sizes it with dataLen plus lpOverhead, so append never reallocates.
func appendData(dst, nameV, tail, token []byte) []byte {
	inner := tlv.TLLen(ttName, len(nameV)) + len(nameV) + len(tail)
	if len(token) > 0 {
		dl := tlv.TLLen(ttData, inner) + inner
		lp := tlv.TLLen(ttLpPitToken, len(token)) + len(token) + tlv.TLLen(ttLpFragment, dl) + dl
		dst = tlv.AppendTL(dst, ttLpPacket, lp)
		dst = tlv.AppendTL(dst, ttLpPitToken, len(token))
		dst = append(dst, token...)
		dst = tlv.AppendTL(dst, ttLpFragment, dl)
	}
	dst = tlv.AppendTL(dst, ttData, inner)
	dst = tlv.AppendTL(dst, ttName, len(nameV))
	dst = append(dst, nameV...)
	return append(dst, tail...)
}

// lpOverhead bounds the LpPacket header appendData adds around a Data for a
// PIT token of up to 32 octets.
const lpOverhead = 4 + 2 + 32 + 4

// pktKind is what parseFrame found.
type pktKind uint8

const (
	pktOther pktKind = iota // IDLE, fragment, unknown or malformed
	pktInterest
	pktData
	pktNack
	pktFragment // one fragment of a larger packet; see reassembler
)

// frameInfo is what the generator needs from a received frame. Slices alias
// the frame.
type frameInfo struct {
	kind  pktKind
	nameV []byte // Name TLV-VALUE
	token []byte // PIT token, if any
	wire  []byte // the network packet; for pktFragment, the fragment
	// seq, fragIndex and fragCount describe a pktFragment.
	seq, fragIndex, fragCount uint64
}

// parseFrame reads an LpPacket or bare Interest/Data without allocating.
// Fragments and malformed frames come back as pktOther.
func parseFrame(frame []byte) (fi frameInfo) {
	top, _, err := tlv.ReadElement(frame)
	if err != nil {
		return fi
	}
	pkt := top
	nack := false
	if top.Type == ttLpPacket {
		var frag []byte
		hasFrag := false
		for v := top.Value; len(v) > 0; {
			e, n, err := tlv.ReadElement(v)
			if err != nil {
				return frameInfo{}
			}
			v = v[n:]
			switch e.Type {
			case ttLpPitToken:
				fi.token = e.Value
			case ttLpNack:
				nack = true
			case ttLpSequence:
				if len(e.Value) != 8 {
					return frameInfo{}
				}
				fi.seq = binary.BigEndian.Uint64(e.Value)
			case ttLpFragIndex, ttLpFragCount:
				n, err := e.NNI()
				if err != nil {
					return frameInfo{}
				}
				if e.Type == ttLpFragIndex {
					fi.fragIndex = n
				} else {
					fi.fragCount = n
				}
			case ttLpFragment:
				frag, hasFrag = e.Value, true
			}
		}
		if !hasFrag {
			return frameInfo{}
		}
		if fi.fragCount > 1 {
			if fi.fragIndex >= fi.fragCount || nack {
				return frameInfo{}
			}
			return frameInfo{kind: pktFragment, wire: frag, seq: fi.seq, fragIndex: fi.fragIndex, fragCount: fi.fragCount}
		}
		if pkt, _, err = tlv.ReadElement(frag); err != nil {
			return frameInfo{}
		}
	}
	switch pkt.Type {
	case ttInterest:
		fi.kind = pktInterest
		if nack {
			fi.kind = pktNack
		}
	case ttData:
		fi.kind = pktData
	default:
		return frameInfo{}
	}
	name, _, err := tlv.ReadElement(pkt.Value)
	if err != nil || name.Type != ttName {
		return frameInfo{}
	}
	fi.nameV, fi.wire = name.Value, pkt.Wire
	return fi
}

// lastSeq returns the 8-octet value of the last component of a Name
// TLV-VALUE, or false when the last component is not 8 octets long.
func lastSeq(nameV []byte) (uint64, bool) {
	if len(nameV) < seqCompLen || nameV[len(nameV)-seqCompLen+1] != seqLen {
		return 0, false
	}
	t := nameV[len(nameV)-seqCompLen]
	if t != ttGenericComp && t != ttSegmentComp {
		return 0, false
	}
	return binary.BigEndian.Uint64(nameV[len(nameV)-seqLen:]), true
}

// reassembler rebuilds a packet fragmented by NDNLPv2 (ndnd fragments Data
// larger than its UDP MTU) from fragments that arrive in order, as they do
// from one sender over loopback; anything else drops the partial packet.
// Its buffer is allocated once. Not safe for concurrent use.
type reassembler struct {
	buf               []byte
	base, next, count uint64
	active            bool
}

// add takes one fragment and returns the whole packet when fi completes it;
// the result is valid until the next call.
func (r *reassembler) add(fi frameInfo) []byte {
	switch {
	case fi.fragIndex == 0:
		if r.buf == nil {
			r.buf = make([]byte, 0, ndn.MaxPacketSize)
		}
		r.active, r.base, r.next, r.count = true, fi.seq, 1, fi.fragCount
		r.buf = r.buf[:0]
	case !r.active || fi.fragIndex != r.next || fi.seq != r.base+fi.fragIndex || fi.fragCount != r.count:
		r.active = false
		return nil
	default:
		r.next++
	}
	if len(r.buf)+len(fi.wire) > cap(r.buf) {
		r.active = false
		return nil
	}
	r.buf = append(r.buf, fi.wire...)
	if r.next < r.count {
		return nil
	}
	r.active = false
	return r.buf
}
