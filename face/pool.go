package face

import "sync"

// BufferSize is the capacity of every pooled packet buffer. It holds the
// largest NDN packet (MaxPacketLen), TxHeadroom bytes of NDNLPv2 header in
// front of it and txTail bytes behind it, where Send keeps the PitToken and
// PrefixAnnouncement until the header is written.
const BufferSize = MaxPacketLen + TxHeadroom + txTail

const txTail = 1024

// MaxPacketLen is the largest network-layer packet (Interest, Data) a face
// accepts or sends, as in NFD (MAX_NDN_PACKET_SIZE).
const MaxPacketLen = 8800

// TxHeadroom is the room in front of a packet that the link service reserves
// for its NDNLPv2 header, and the largest LP overhead a received frame may
// have on top of MaxPacketLen.
const TxHeadroom = 1024

// MaxFrameLen is the largest frame (LpPacket or bare packet) a transport
// accepts. A stream peer that announces a longer frame has its face closed.
const MaxFrameLen = MaxPacketLen + TxHeadroom

// Pool hands out fixed-size buffers of BufferSize bytes, and the RxPackets
// built on them. Buffers from any Pool
// are interchangeable, so a buffer may be returned to a different Pool than
// the one it came from. A Pool is safe for concurrent use; its zero value is
// ready to use.
type Pool struct {
	p  sync.Pool // *[BufferSize]byte
	rx sync.Pool // *RxPacket, each with a buffer
	tx sync.Pool // *txItem, each with a buffer
}

// NewPool returns an empty Pool.
func NewPool() *Pool { return new(Pool) }

// Get returns a buffer with len and cap BufferSize. The caller owns it until
// it passes it to Put (or hands ownership on, as documented where it does).
func (p *Pool) Get() []byte {
	if a, ok := p.p.Get().(*[BufferSize]byte); ok {
		return a[:]
	}
	return new([BufferSize]byte)[:]
}

// Put returns a buffer obtained from Get. b may have been resliced to a
// shorter length but must start where the Get result started; a buffer
// whose capacity is not BufferSize is left to the garbage collector.
// The caller must not touch b afterwards.
func (p *Pool) Put(b []byte) {
	if cap(b) != BufferSize {
		return
	}
	p.p.Put((*[BufferSize]byte)(b[:BufferSize]))
}
