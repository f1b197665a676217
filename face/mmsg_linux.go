package face

import (
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmsghdr mirrors struct mmsghdr from <sys/socket.h>; Go pads it to the C
// layout on every Linux architecture.
type mmsghdr struct {
	Hdr unix.Msghdr
	Len uint32
}

// mmsgBatch holds the kernel-facing arrays for one recvmmsg/sendmmsg call.
// It is allocated once per reader or writer and reused for every batch.
type mmsgBatch struct {
	hdrs  []mmsghdr
	iovs  []unix.Iovec
	names []unix.RawSockaddrInet6
}

func newMmsgBatch(n int) *mmsgBatch {
	b := &mmsgBatch{
		hdrs:  make([]mmsghdr, n),
		iovs:  make([]unix.Iovec, n),
		names: make([]unix.RawSockaddrInet6, n),
	}
	for i := range b.hdrs {
		b.hdrs[i].Hdr.Iov = &b.iovs[i]
		b.hdrs[i].Hdr.SetIovlen(1)
	}
	return b
}

// recvmmsg is recvmmsg(2) on a blocking socket; it blocks in the kernel
// (the goroutine should be locked to its OS thread for best latency).
func recvmmsg(fd int, hdrs []mmsghdr, flags int) (int, error) {
	n, _, e := unix.Syscall6(unix.SYS_RECVMMSG, uintptr(fd), uintptr(unsafe.Pointer(&hdrs[0])), uintptr(len(hdrs)), uintptr(flags), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// sendmmsg is sendmmsg(2).
func sendmmsg(fd int, hdrs []mmsghdr, flags int) (int, error) {
	n, _, e := unix.Syscall6(unix.SYS_SENDMMSG, uintptr(fd), uintptr(unsafe.Pointer(&hdrs[0])), uintptr(len(hdrs)), uintptr(flags), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// sockaddrFromAddrPort fills sa with ap and returns the length to pass to the
// kernel. IPv4 (and IPv4-mapped) addresses use sockaddr_in when v4 is true.
func sockaddrFromAddrPort(sa *unix.RawSockaddrInet6, ap netip.AddrPort, v4 bool) uint32 {
	*sa = unix.RawSockaddrInet6{}
	port := ap.Port()
	if v4 {
		s4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		s4.Family = unix.AF_INET
		putPort(&s4.Port, port)
		s4.Addr = ap.Addr().Unmap().As4()
		return unix.SizeofSockaddrInet4
	}
	sa.Family = unix.AF_INET6
	putPort(&sa.Port, port)
	sa.Addr = ap.Addr().As16()
	return unix.SizeofSockaddrInet6
}

// addrPortFromSockaddr decodes a sockaddr filled in by the kernel.
func addrPortFromSockaddr(sa *unix.RawSockaddrInet6) netip.AddrPort {
	switch sa.Family {
	case unix.AF_INET:
		s4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netip.AddrPortFrom(netip.AddrFrom4(s4.Addr), getPort(&s4.Port))
	case unix.AF_INET6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), getPort(&sa.Port))
	}
	return netip.AddrPort{}
}

// putPort stores a port in network byte order, whatever the host order.
func putPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	b[0], b[1] = byte(port>>8), byte(port)
}

func getPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// setSocketBuffers enlarges SO_RCVBUF and SO_SNDBUF to size bytes, using the
// *FORCE variants (which ignore net.core.[rw]mem_max) when privileged.
func setSocketBuffers(fd, size int) {
	if size <= 0 {
		return
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size) != nil {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, size)
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, size) != nil {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, size)
	}
}
