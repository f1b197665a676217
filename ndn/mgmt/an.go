package mgmt

import "strconv"

// TLV-TYPE numbers of the NFD management protocol (ndn-protocols.md §4.2,
// §4.3, §4.5; ndn-cxx tlv-nfd.hpp). The same number means different things
// in different structures, so each constant is named after its structure.
const (
	TtControlParameters             = 0x68
	TtFaceID                        = 0x69
	TtURI                           = 0x72
	TtLocalURI                      = 0x81
	TtOrigin                        = 0x6F
	TtCost                          = 0x6A
	TtCapacity                      = 0x83
	TtCount                         = 0x84
	TtFlags                         = 0x6C
	TtMask                          = 0x70
	TtStrategy                      = 0x6B
	TtExpirationPeriod              = 0x6D
	TtFacePersistency               = 0x85
	TtBaseCongestionMarkingInterval = 0x87
	TtDefaultCongestionThreshold    = 0x88
	TtMtu                           = 0x89

	TtControlResponse = 0x65
	TtStatusCode      = 0x66
	TtStatusText      = 0x67

	// ForwarderStatus (status/general), directly in the Content.
	TtNfdVersion           = 0x80
	TtStartTimestamp       = 0x81
	TtCurrentTimestamp     = 0x82
	TtNNameTreeEntries     = 0x83
	TtNFibEntries          = 0x84
	TtNPitEntries          = 0x85
	TtNMeasurementsEntries = 0x86
	TtNCsEntries           = 0x87

	// Face management.
	TtFaceStatus            = 0x80
	TtChannelStatus         = 0x82
	TtURIScheme             = 0x83
	TtFaceScope             = 0x84
	TtLinkType              = 0x86
	TtFaceQueryFilter       = 0x96
	TtFaceEventNotification = 0xC0
	TtFaceEventKind         = 0xC1

	// Counters of ForwarderStatus and FaceStatus.
	TtNInInterests          = 0x90
	TtNInData               = 0x91
	TtNInNacks              = 0x97
	TtNOutInterests         = 0x92
	TtNOutData              = 0x93
	TtNOutNacks             = 0x98
	TtNInBytes              = 0x94
	TtNOutBytes             = 0x95
	TtNSatisfiedInterests   = 0x99
	TtNUnsatisfiedInterests = 0x9A

	// CS, FIB, strategy choice and RIB datasets.
	TtCsInfo         = 0x80
	TtNHits          = 0x81
	TtNMisses        = 0x82
	TtFibEntry       = 0x80
	TtNextHopRecord  = 0x81
	TtStrategyChoice = 0x80
	TtRibEntry       = 0x80
	TtRoute          = 0x81
)

// FacePersistency is a face's persistency, with NFD's numbering (not NDNts's,
// which swaps 0 and 1).
type FacePersistency uint8

// FacePersistency values.
const (
	PersistencyPersistent FacePersistency = 0
	PersistencyOnDemand   FacePersistency = 1
	PersistencyPermanent  FacePersistency = 2
)

// String returns the name nfdc prints: "persistent", "on-demand", "permanent".
func (p FacePersistency) String() string {
	switch p {
	case PersistencyPersistent:
		return "persistent"
	case PersistencyOnDemand:
		return "on-demand"
	case PersistencyPermanent:
		return "permanent"
	}
	return "unknown"
}

// FaceScope says whether a face is local (on the same host).
type FaceScope uint8

// FaceScope values.
const (
	ScopeNonLocal FaceScope = 0
	ScopeLocal    FaceScope = 1
)

// String returns "non-local" or "local".
func (s FaceScope) String() string {
	switch s {
	case ScopeNonLocal:
		return "non-local"
	case ScopeLocal:
		return "local"
	}
	return "unknown"
}

// LinkType is the kind of link under a face.
type LinkType uint8

// LinkType values.
const (
	LinkPointToPoint LinkType = 0
	LinkMultiAccess  LinkType = 1
	LinkAdHoc        LinkType = 2
)

// String returns "point-to-point", "multi-access" or "adhoc".
func (l LinkType) String() string {
	switch l {
	case LinkPointToPoint:
		return "point-to-point"
	case LinkMultiAccess:
		return "multi-access"
	case LinkAdHoc:
		return "adhoc"
	}
	return "unknown"
}

// RouteOrigin says who installed a route. ndn-cxx limits it to 16 bits.
type RouteOrigin uint16

// RouteOrigin values.
const (
	OriginApp       RouteOrigin = 0
	OriginAutoreg   RouteOrigin = 64
	OriginClient    RouteOrigin = 65
	OriginAutoconf  RouteOrigin = 66
	OriginNLSR      RouteOrigin = 128
	OriginPrefixAnn RouteOrigin = 129
	OriginStatic    RouteOrigin = 255
)

// String returns the name nfdc uses ("app", "client", "nlsr", …) or the number.
func (o RouteOrigin) String() string {
	switch o {
	case OriginApp:
		return "app"
	case OriginAutoreg:
		return "autoreg"
	case OriginClient:
		return "client"
	case OriginAutoconf:
		return "autoconf"
	case OriginNLSR:
		return "nlsr"
	case OriginPrefixAnn:
		return "prefixann"
	case OriginStatic:
		return "static"
	}
	return strconv.FormatUint(uint64(o), 10)
}

// Route flags (Flags of rib/register and of Route).
const (
	// RouteChildInherit makes the route serve longer prefixes too.
	RouteChildInherit uint64 = 1
	// RouteCapture blocks routes inherited from shorter prefixes.
	RouteCapture uint64 = 2
)

// Face flag bits (bit numbers in Flags/Mask of faces commands and FaceStatus).
const (
	FaceBitLocalFields       = 0
	FaceBitLpReliability     = 1
	FaceBitCongestionMarking = 2
)

// CS flag bits (bit numbers in Flags/Mask of cs/config and CsInfo).
const (
	CsBitEnableAdmit = 0
	CsBitEnableServe = 1
)

// FaceEventKind is the kind of a FaceEventNotification.
type FaceEventKind uint8

// FaceEventKind values.
const (
	FaceEventCreated   FaceEventKind = 1
	FaceEventDestroyed FaceEventKind = 2
	FaceEventUp        FaceEventKind = 3
	FaceEventDown      FaceEventKind = 4
)

// String returns "created", "destroyed", "up" or "down".
func (k FaceEventKind) String() string {
	switch k {
	case FaceEventCreated:
		return "created"
	case FaceEventDestroyed:
		return "destroyed"
	case FaceEventUp:
		return "up"
	case FaceEventDown:
		return "down"
	}
	return "unknown"
}

// Status codes of ControlResponse (ndn-protocols.md §4.3).
const (
	StatusOK                 = 200
	StatusMalformed          = 400
	StatusUnauthorized       = 403
	StatusNotFound           = 404
	StatusNotAcceptable      = 406
	StatusConflict           = 409
	StatusFaceGone           = 410
	StatusPrefixTooLong      = 414
	StatusInternalError      = 500
	StatusNotImplemented     = 501
	StatusFaceCreationFailed = 504
)

// ValidationFailedText is the StatusText NFD (ndn-cxx Dispatcher) sends with
// 400 when a command's parameters fail validation.
const ValidationFailedText = "failed in validating parameters"

// MaxSegmentPayload is the largest Content ndn-cxx puts in one status dataset
// segment (MAX_NDN_PACKET_SIZE - 800).
const MaxSegmentPayload = 8000

// NfdPrefix is the management prefix of NFD on the local host; LocalhopPrefix
// is the RIB-only prefix for the next hop router.
const (
	NfdPrefix      = "/localhost/nfd"
	LocalhopPrefix = "/localhop/nfd"
)
