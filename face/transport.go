package face

// Transport moves frames (one TLV element each: an LpPacket or a bare
// Interest/Data) between this process and one remote peer, in batches.
//
// Read is called by one goroutine at a time (a face's routineReceive), Write
// by one goroutine at a time (routineSend); the two may run concurrently with
// each other and with Close and Info.
type Transport interface {
	// Read blocks until at least one frame is available, then stores up to
	// len(bufs) frames: frame i in bufs[i][:sizes[i]]. len(sizes) must be at
	// least len(bufs) and every bufs[i] must have been obtained from a Pool
	// (capacity BufferSize). A transport may exchange a buffer instead of
	// copying into it: it then sets bufs[i] to another BufferSize buffer,
	// takes ownership of the one the caller passed, and the caller owns the
	// new one. Read returns ErrClosed (possibly wrapped) after Close; any
	// other error means the transport failed and the face should close.
	Read(bufs [][]byte, sizes []int) (n int, err error)
	// Write sends every frame in frames, each at most MTU bytes on a
	// datagram transport. The transport does not retain the slices after
	// Write returns. An error means some frames may not have been sent;
	// ErrDown means the transport is waiting to reconnect and dropped them.
	Write(frames [][]byte) error
	// BatchSize is the number of frames one Read or Write moves at most in
	// a single system call; callers size their batches with it.
	BatchSize() int
	// Info describes the transport. It does not change over its lifetime.
	Info() TransportInfo
	// Close releases the transport and unblocks a pending Read. It is safe
	// to call more than once.
	Close() error
}

// TransportInfo describes a transport, as NFD reports it in the face dataset.
type TransportInfo struct {
	// LocalURI and RemoteURI are canonical FaceUris such as
	// "udp4://127.0.0.1:6363", "unix:///run/nfd/nfd.sock", "fd://12".
	LocalURI, RemoteURI string
	// Scope is ScopeLocal for Unix sockets and for loopback TCP/WebSocket peers.
	Scope Scope
	// LinkType is point-to-point for every unicast transport.
	LinkType LinkType
	// MTU is the largest frame the transport sends in one piece; the link
	// service fragments packets above it. 0 means unlimited (streams).
	MTU int
	// Stream is true for byte-stream transports (TCP, Unix): frames are
	// delimited by their TLV headers and garbage closes the face.
	Stream bool
	// OnDemand is true for transports a listener created when a peer
	// connected; their faces start with PersistencyOnDemand.
	OnDemand bool
}

// Scope says whether the peer is on this host (NFD FaceScope).
//
// Scope, LinkType and Persistency mirror ndn/mgmt's FaceScope, LinkType and
// FacePersistency, value for value, so that the management server converts
// them with a plain conversion. face keeps types of its own because it may
// not import ndn/mgmt (internal/depgraph): these drive a face's behaviour,
// ndn/mgmt's encode the management protocol.
type Scope uint8

// Scope values, numbered as in NFD management.
const (
	ScopeNonLocal Scope = 0
	ScopeLocal    Scope = 1
)

// String returns "local" or "non-local", as nfdc prints FaceScope.
func (s Scope) String() string {
	if s == ScopeLocal {
		return "local"
	}
	return "non-local"
}

// LinkType says how many peers share the link (NFD LinkType).
type LinkType uint8

// LinkType values, numbered as in NFD management.
const (
	LinkPointToPoint LinkType = 0
	LinkMultiAccess  LinkType = 1
	LinkAdHoc        LinkType = 2
)

// String returns "point-to-point", "multi-access" or "adhoc", as nfdc
// prints LinkType.
func (l LinkType) String() string {
	switch l {
	case LinkMultiAccess:
		return "multi-access"
	case LinkAdHoc:
		return "adhoc"
	}
	return "point-to-point"
}

// Persistency is a face's FacePersistency, numbered as in NFD (not NDNts).
type Persistency uint8

// Persistency values.
const (
	// PersistencyPersistent faces stay up until closed or a transport error.
	PersistencyPersistent Persistency = 0
	// PersistencyOnDemand faces were created by a listener and close after
	// an idle timeout.
	PersistencyOnDemand Persistency = 1
	// PersistencyPermanent faces survive transport errors (TCP reconnects);
	// other datagram faces close when a send reports the peer unreachable
	// (ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN), as
	// NFD's.
	PersistencyPermanent Persistency = 2
)

// String returns "persistent", "on-demand" or "permanent", as nfdc prints
// FacePersistency.
func (p Persistency) String() string {
	switch p {
	case PersistencyOnDemand:
		return "on-demand"
	case PersistencyPermanent:
		return "permanent"
	}
	return "persistent"
}

// State is a face's state.
type State uint8

// State values. A face starts Up; a permanent face whose transport
// disconnects goes Down until it reconnects; Closed is final.
const (
	StateUp State = iota
	StateDown
	StateClosed
)

// String returns "up", "down" or "closed".
func (s State) String() string {
	switch s {
	case StateDown:
		return "down"
	case StateClosed:
		return "closed"
	}
	return "up"
}

// LinkStateNotifier is implemented by transports that can go down and come
// back up without closing (permanent TCP). The face registers fn before its
// first Read; the transport calls it on every change, from any goroutine.
type LinkStateNotifier interface {
	NotifyLinkState(fn func(up bool))
}

// EndpointReader is implemented by multi-access transports (Ethernet, UDP
// multicast), where frames on one face come from several senders. ReadFrom
// is Read that also stores frame i's sender in from[i]; a face calls it
// instead of Read so that reassembly is kept apart per sender.
type EndpointReader interface {
	ReadFrom(bufs [][]byte, sizes []int, from []Endpoint) (n int, err error)
}

// Endpoint identifies a sender on a multi-access link: an IP address and
// port, or a MAC address (in Addr[:6], Port 0). It is comparable.
type Endpoint struct {
	Addr [16]byte
	Port uint16
}

// BufferExchanger is implemented by transports whose Read always exchanges
// buffers (the UDP listener's per-peer transports, the in-memory pair). A
// caller may then pass nil entries in bufs, so that an idle face holds no
// receive buffers; Read sets every bufs[i] it fills. For every buffer Read
// hands out that way, the caller gives one BufferSize buffer back with
// Recycle, so that the transport's pool does not run dry when it is not the
// caller's pool.
type BufferExchanger interface {
	Recycle(b []byte)
}
