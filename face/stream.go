package face

import (
	"errors"
	"io"
	"net"
	"sync"

	"github.com/ndnflow/ndnflow/tlv"
)

// streamReadBufferSize is the size of a stream transport's read buffer; one
// read system call fills as much of it as the socket has.
const streamReadBufferSize = 128 << 10

// Outer TLV-TYPEs of frames (ndn-protocols.md §1.4, §3.1).
const (
	tlvInterest = 0x05
	tlvData     = 0x06
	tlvLpPacket = 0x64
)

// streamBatch is the BatchSize of stream transports.
const streamBatch = 64

// streamTransport carries back-to-back TLV frames over a net.Conn (TCP, Unix).
//
// Reading: one large buffer is filled by read(2); every frame that is whole
// in it is sliced out in place and copied once, straight into the caller's
// pooled buffer. Only a frame that spans two reads is moved, once, to the
// front of the read buffer. Writing: all frames of a batch go out in one
// writev(2) (net.Buffers).
type streamTransport struct {
	conn net.Conn
	info TransportInfo

	// read side, touched only by the Read goroutine
	rbuf []byte
	r, w int

	// write side, touched only by the Write goroutine
	iov net.Buffers
	vec [][]byte

	closeOnce sync.Once
	closed    chan struct{}
}

var _ Transport = (*streamTransport)(nil)

func newStreamTransport(conn net.Conn, info TransportInfo) *streamTransport {
	info.Stream = true
	info.MTU = 0
	return &streamTransport{
		conn:   conn,
		info:   info,
		rbuf:   make([]byte, streamReadBufferSize),
		vec:    make([][]byte, 0, streamBatch),
		closed: make(chan struct{}),
	}
}

func (t *streamTransport) Info() TransportInfo { return t.info }
func (t *streamTransport) BatchSize() int      { return streamBatch }

// nextFrame returns the length of the whole frame at t.rbuf[t.r:t.w], 0 if
// more bytes are needed, or an error if the bytes cannot start a valid frame.
func nextFrame(b []byte) (int, error) {
	typ, tn, err := tlv.ReadVarNum(b)
	if err != nil {
		return 0, nil // need more bytes
	}
	// Only the three frame types NDN puts on a link may start a frame; any
	// other byte means the peer is not speaking NDN and the stream is lost.
	if typ != tlvInterest && typ != tlvData && typ != tlvLpPacket {
		return 0, ErrFraming
	}
	l, ln, err := tlv.ReadVarNum(b[tn:])
	if err != nil {
		if tn+9 <= len(b) {
			return 0, ErrFraming
		}
		return 0, nil
	}
	total := uint64(tn+ln) + l
	if total > MaxFrameLen {
		return 0, ErrFrameTooLarge
	}
	if total > uint64(len(b)) {
		return 0, nil
	}
	return int(total), nil
}

func (t *streamTransport) Read(bufs [][]byte, sizes []int) (int, error) {
	n := 0
	for {
		for n < len(bufs) && t.r < t.w {
			fl, err := nextFrame(t.rbuf[t.r:t.w])
			if err != nil {
				return n, err
			}
			if fl == 0 {
				break
			}
			if cap(bufs[n]) < fl {
				return n, ErrBufferSize
			}
			sizes[n] = copy(bufs[n][:cap(bufs[n])], t.rbuf[t.r:t.r+fl])
			t.r += fl
			n++
		}
		if t.r == t.w {
			t.r, t.w = 0, 0
		}
		if n > 0 {
			return n, nil
		}
		if t.r > 0 && len(t.rbuf)-t.w < MaxFrameLen {
			t.w = copy(t.rbuf, t.rbuf[t.r:t.w])
			t.r = 0
		}
		m, err := t.conn.Read(t.rbuf[t.w:])
		t.w += m
		if err != nil && m == 0 {
			select {
			case <-t.closed:
				return 0, ErrClosed
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return 0, ErrClosed
			}
			if errors.Is(err, io.EOF) {
				return 0, io.EOF
			}
			return 0, err
		}
	}
}

func (t *streamTransport) Write(frames [][]byte) error {
	t.vec = append(t.vec[:0], frames...)
	t.iov = t.vec
	_, err := t.iov.WriteTo(t.conn)
	clear(t.vec)
	if err != nil {
		select {
		case <-t.closed:
			return ErrClosed
		default:
		}
	}
	return err
}

func (t *streamTransport) Close() error {
	t.closeOnce.Do(func() {
		close(t.closed)
		t.conn.Close()
	})
	return nil
}
