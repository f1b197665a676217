package face

import (
	"encoding/binary"
	"fmt"
	"net"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// EtherType is NDN's EtherType (ndn-protocols.md §3.6).
const EtherType = 0x8624

// EthernetMulticastGroup returns NDN's Ethernet multicast address,
// 01:00:5E:00:17:AA.
func EthernetMulticastGroup() net.HardwareAddr {
	return net.HardwareAddr{0x01, 0x00, 0x5E, 0x00, 0x17, 0xAA}
}

// EthernetConfig configures NewEthernet. The zero value is usable.
type EthernetConfig struct {
	// Remote is the peer's MAC address for a unicast face; nil makes a
	// multi-access face on the NDN multicast group 01:00:5E:00:17:AA.
	Remote net.HardwareAddr
	// SocketBuffer is the SO_RCVBUF/SO_SNDBUF size; default DefaultSocketBuffer.
	SocketBuffer int
}

// NewEthernet opens an AF_PACKET transport on interface ifname carrying
// EtherType 0x8624 (needs CAP_NET_RAW). The socket belongs to the network
// namespace of the calling thread. The MTU is the interface's; the link
// service fragments larger packets. A multicast transport receives frames
// sent to the group by other hosts and implements EndpointReader; a unicast
// transport receives only frames addressed to this host by Remote. Frames
// this host sent are never received.
//
// Reads call recvmmsg directly into the caller's buffers and lock the
// calling goroutine to its OS thread; Close takes up to 100 ms to unblock
// a Read (AF_PACKET sockets cannot be shut down).
func NewEthernet(ifname string, cfg EthernetConfig) (Transport, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("face: ethernet %s: %w", ifname, err)
	}
	if len(ifi.HardwareAddr) != 6 {
		return nil, fmt.Errorf("face: ethernet %s has no 6-octet MAC address: %w", ifname, ErrURI)
	}
	if cfg.SocketBuffer == 0 {
		cfg.SocketBuffer = DefaultSocketBuffer
	}
	proto := htons(EtherType)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return nil, fmt.Errorf("face: ethernet socket: %w", err)
	}
	fail := func(what string, err error) (Transport, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("face: ethernet %s %s: %w", ifname, what, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
		return fail("bind", err)
	}
	remote := cfg.Remote
	multicast := remote == nil
	if multicast {
		remote = EthernetMulticastGroup()
		mreq := unix.PacketMreq{Ifindex: int32(ifi.Index), Type: unix.PACKET_MR_MULTICAST, Alen: 6}
		copy(mreq.Address[:], remote)
		if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			return fail("join group", err)
		}
	} else if len(remote) != 6 {
		return fail("remote", ErrURI)
	}
	setSocketBuffers(fd, cfg.SocketBuffer)
	tv := unix.NsecToTimeval(int64(100 * time.Millisecond))
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)

	t := &etherTransport{
		destTransport: destTransport{
			sock: &rawSocket{fd: fd},
			wb:   newMmsgBatch(udpBatch),
			rb:   newMmsgBatch(udpBatch),
			info: TransportInfo{
				LocalURI:  "dev://" + ifname,
				RemoteURI: "ether://[" + remote.String() + "]",
				Scope:     ScopeNonLocal,
				LinkType:  LinkPointToPoint,
				MTU:       ifi.MTU,
			},
		},
		multicast: multicast,
	}
	if multicast {
		t.info.LinkType = LinkMultiAccess
	}
	copy(t.remote[:], remote)
	sll := (*unix.RawSockaddrLinklayer)(unsafe.Pointer(&t.dest))
	sll.Family = unix.AF_PACKET
	sll.Protocol = proto
	sll.Ifindex = int32(ifi.Index)
	sll.Halen = 6
	copy(sll.Addr[:], remote)
	t.destLen = unix.SizeofSockaddrLinklayer
	return t, nil
}

func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return *(*uint16)(unsafe.Pointer(&b[0]))
}

type etherTransport struct {
	destTransport // dest holds a sockaddr_ll
	multicast     bool
	remote        [6]byte
}

var (
	_ Transport      = (*etherTransport)(nil)
	_ EndpointReader = (*etherTransport)(nil)
)

func (t *etherTransport) Read(bufs [][]byte, sizes []int) (int, error) {
	return t.ReadFrom(bufs, sizes, nil)
}

// ReadFrom reads frames and keeps those meant for this transport (see
// NewEthernet), moving them to the front of bufs; from may be nil.
func (t *etherTransport) ReadFrom(bufs [][]byte, sizes []int, from []Endpoint) (int, error) {
	for {
		n, err := t.recv(bufs, sizes)
		if err != nil {
			return 0, err
		}
		k := 0
		for i := range n {
			sll := (*unix.RawSockaddrLinklayer)(unsafe.Pointer(&t.rb.names[i]))
			switch sll.Pkttype {
			case unix.PACKET_HOST:
				if t.multicast || [6]byte(sll.Addr[:6]) != t.remote {
					continue
				}
			case unix.PACKET_MULTICAST, unix.PACKET_BROADCAST:
				if !t.multicast {
					continue
				}
			default: // our own frames (PACKET_OUTGOING), frames for other hosts
				continue
			}
			size := sizes[i]
			// Short frames arrive padded to the 46-octet Ethernet minimum:
			// keep only the TLV.
			if fl, err := nextFrame(bufs[i][:size]); err == nil && fl > 0 {
				size = fl
			}
			bufs[i], bufs[k] = bufs[k], bufs[i]
			sizes[k] = size
			if from != nil {
				from[k] = Endpoint{}
				copy(from[k].Addr[:6], sll.Addr[:6])
			}
			k++
		}
		if k > 0 {
			return k, nil
		}
	}
}
