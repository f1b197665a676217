package face

import (
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// Default NDN UDP multicast groups (ndn-protocols.md §3.6).
const (
	DefaultUDP4MulticastGroup = "224.0.23.170:56363"
	DefaultUDP6MulticastGroup = "[ff02::1234]:56363"
)

// UDPMulticastConfig configures NewUDPMulticast. Interface is required.
type UDPMulticastConfig struct {
	// Interface is the name of the network interface to use.
	Interface string
	// Group is the group address and port; default DefaultUDP4MulticastGroup.
	// An IPv6 group (DefaultUDP6MulticastGroup) makes an IPv6 face.
	Group string
	// SocketBuffer is the SO_RCVBUF/SO_SNDBUF size; default DefaultSocketBuffer.
	SocketBuffer int
}

// NewUDPMulticast opens a multi-access UDP face transport on one interface:
// it joins the group there, sends to the group from the interface's address
// and the group's port, and does not loop its own datagrams back. Its MTU is
// the interface MTU minus the IP and UDP headers. It implements
// EndpointReader. The socket belongs to the calling thread's network
// namespace. Reads call recvmmsg directly into the caller's buffers and lock
// the calling goroutine to its OS thread.
func NewUDPMulticast(cfg UDPMulticastConfig) (Transport, error) {
	if cfg.Group == "" {
		cfg.Group = DefaultUDP4MulticastGroup
	}
	if cfg.SocketBuffer == 0 {
		cfg.SocketBuffer = DefaultSocketBuffer
	}
	group, err := netip.ParseAddrPort(cfg.Group)
	if err != nil || !group.Addr().IsMulticast() {
		return nil, fmt.Errorf("face: multicast group %q: %w", cfg.Group, ErrURI)
	}
	ifi, err := net.InterfaceByName(cfg.Interface)
	if err != nil {
		return nil, fmt.Errorf("face: multicast interface %q: %w", cfg.Interface, err)
	}
	v4 := group.Addr().Is4()
	family, hdr := unix.AF_INET6, 48
	if v4 {
		family, hdr = unix.AF_INET, 28
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("face: udp multicast socket: %w", err)
	}
	fail := func(what string, err error) (Transport, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("face: udp multicast %s on %s: %s: %w", cfg.Group, cfg.Interface, what, err)
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	// Receive only what arrives on this interface, only for this group.
	unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, cfg.Interface)
	setSocketBuffers(fd, cfg.SocketBuffer)
	tv := unix.NsecToTimeval(int64(500 * time.Millisecond))
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	var local netip.AddrPort
	if v4 {
		unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_ALL, 0)
		if err := unix.Bind(fd, &unix.SockaddrInet4{Port: int(group.Port()), Addr: group.Addr().As4()}); err != nil {
			return fail("bind", err)
		}
		mreq := &unix.IPMreqn{Multiaddr: group.Addr().As4(), Ifindex: int32(ifi.Index)}
		if err := unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_ADD_MEMBERSHIP, mreq); err != nil {
			return fail("join", err)
		}
		if err := unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF, &unix.IPMreqn{Ifindex: int32(ifi.Index)}); err != nil {
			return fail("multicast interface", err)
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP, 0)
		unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_TTL, 1)
		local = netip.AddrPortFrom(interfaceAddr(ifi, true), group.Port())
	} else {
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_ALL, 0)
		if err := unix.Bind(fd, &unix.SockaddrInet6{Port: int(group.Port()), Addr: group.Addr().As16(), ZoneId: uint32(ifi.Index)}); err != nil {
			return fail("bind", err)
		}
		mreq := &unix.IPv6Mreq{Multiaddr: group.Addr().As16(), Interface: uint32(ifi.Index)}
		if err := unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, unix.IPV6_JOIN_GROUP, mreq); err != nil {
			return fail("join", err)
		}
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifi.Index); err != nil {
			return fail("multicast interface", err)
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, 0)
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS, 1)
		local = netip.AddrPortFrom(interfaceAddr(ifi, false), group.Port())
	}
	t := &mcastTransport{destTransport{
		sock: &rawSocket{fd: fd, v4: v4, local: local},
		wb:   newMmsgBatch(udpBatch),
		rb:   newMmsgBatch(udpBatch),
		info: TransportInfo{
			LocalURI:  udpURI(local),
			RemoteURI: udpURI(group),
			Scope:     ScopeNonLocal,
			LinkType:  LinkMultiAccess,
			MTU:       ifi.MTU - hdr,
		},
	}}
	if !v4 {
		t.info.RemoteURI = "udp6://[" + group.Addr().String() + "%" + cfg.Interface + "]:" + fmt.Sprint(group.Port())
	}
	t.destLen = sockaddrFromAddrPort(&t.dest, group, v4)
	if !v4 {
		t.dest.Scope_id = uint32(ifi.Index)
	}
	return t, nil
}

// interfaceAddr returns the interface's first IPv4 (or link-local IPv6)
// address, or the unspecified address.
func interfaceAddr(ifi *net.Interface, v4 bool) netip.Addr {
	addrs, _ := ifi.Addrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(ipn.IP)
		if !ok {
			continue
		}
		ip = ip.Unmap()
		if v4 && ip.Is4() || !v4 && ip.Is6() && ip.IsLinkLocalUnicast() {
			return ip
		}
	}
	if v4 {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

type mcastTransport struct {
	destTransport
}

var (
	_ Transport      = (*mcastTransport)(nil)
	_ EndpointReader = (*mcastTransport)(nil)
)

func (t *mcastTransport) Read(bufs [][]byte, sizes []int) (int, error) {
	return t.ReadFrom(bufs, sizes, nil)
}

// ReadFrom is Read plus each datagram's sender; from may be nil.
func (t *mcastTransport) ReadFrom(bufs [][]byte, sizes []int, from []Endpoint) (int, error) {
	for {
		n, err := t.recv(bufs, sizes)
		if err != nil {
			return 0, err
		}
		if n == 0 {
			continue
		}
		if from != nil {
			for i := range n {
				ap := addrPortFromSockaddr(&t.rb.names[i])
				from[i] = Endpoint{Addr: ap.Addr().As16(), Port: ap.Port()}
			}
		}
		return n, nil
	}
}
