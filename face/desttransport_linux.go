package face

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// destTransport is what the Ethernet and UDP multicast transports share: a
// socket read with recvmmsg, sender addresses included, and written with
// sendmmsg to one fixed destination. Like a connected UDP transport, it
// locks its reading goroutine to that goroutine's OS thread on the first
// read.
type destTransport struct {
	sock    *rawSocket
	info    TransportInfo
	dest    unix.RawSockaddrInet6 // large enough for sockaddr_in, sockaddr_in6 and sockaddr_ll
	destLen uint32
	wb, rb  *mmsgBatch
	locked  bool
}

func (t *destTransport) Info() TransportInfo { return t.info }
func (t *destTransport) BatchSize() int      { return udpBatch }

func (t *destTransport) Write(frames [][]byte) error {
	return t.sock.send(t.wb, frames, &t.dest, t.destLen)
}

func (t *destTransport) Close() error {
	t.sock.close()
	return nil
}

// recv reads one batch into bufs, the senders' addresses into t.rb.names;
// see rawSocket.recv.
func (t *destTransport) recv(bufs [][]byte, sizes []int) (int, error) {
	if !t.locked {
		runtime.LockOSThread()
		t.locked = true
	}
	return t.sock.recv(t.rb, bufs, sizes, true)
}
