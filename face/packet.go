package face

import "github.com/ndnflow/ndnflow/ndn"

// Kind is the network-layer type of a packet a face delivers or sends.
type Kind uint8

// Kind values.
const (
	KindInterest Kind = iota
	KindData
	KindNack
	numKinds
)

// String returns "Interest", "Data" or "Nack".
func (k Kind) String() string {
	switch k {
	case KindData:
		return "Data"
	case KindNack:
		return "Nack"
	}
	return "Interest"
}

// RxPacket is one received network-layer packet, decoded in place in the
// pooled buffer it owns.
//
// Ownership: a face hands RxPackets to its Handler; from then on the handler
// owns each one and must call Release exactly once, from any goroutine, when
// it no longer needs the packet or any slice into it (Lp.Fragment, Lp.PitToken,
// the names and values of Interest and Data). Using a packet after Release is
// a bug: the buffer is reused for another packet.
type RxPacket struct {
	// Face is the face the packet arrived on.
	Face *Face
	// Kind says which of Interest (KindInterest, KindNack) or Data is valid.
	Kind Kind
	// Lp holds the NDNLPv2 header fields as received (for a reassembled
	// packet, those of fragment 0); Lp.Fragment is the whole network packet.
	// Sequence and fragmentation fields are cleared. IncomingFaceID and
	// NextHopFaceID are set only when the face has local fields enabled.
	Lp ndn.LpPacket
	// Interest is the decoded Interest (also for a Nack: the nacked Interest).
	Interest ndn.Interest
	// Data is the decoded Data.
	Data ndn.Data

	buf  []byte // pooled, len BufferSize
	pool *Pool
}

// Wire returns the network packet: an Interest or Data TLV.
func (p *RxPacket) Wire() []byte { return p.Lp.Fragment }

// Release returns the packet and its buffer for reuse. See RxPacket.
func (p *RxPacket) Release() {
	p.pool.put(p)
}

// getRx returns an RxPacket with a buffer attached, so that a received
// packet costs one pool operation.
func (pl *Pool) getRx() *RxPacket {
	if p, ok := pl.rx.Get().(*RxPacket); ok {
		return p
	}
	return &RxPacket{buf: pl.Get(), pool: pl}
}

func (pl *Pool) put(p *RxPacket) {
	p.Face = nil
	p.Kind = 0
	p.Lp.Reset()
	p.Interest.Reset()
	p.Data = ndn.Data{}
	if cap(p.buf) != BufferSize {
		p.buf = pl.Get()
	}
	p.buf = p.buf[:BufferSize]
	p.pool = pl
	pl.rx.Put(p)
}
