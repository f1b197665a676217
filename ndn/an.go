package ndn

// TLV-TYPE numbers of NDN packet format v0.3 and NDNLPv2 (ndn-protocols.md §1.4, §3.2).
// Management structures reuse small numbers inside their own elements; their
// numbers live in package mgmt.
const (
	TtInterest = 0x05
	TtData     = 0x06
	TtName     = 0x07

	TtImplicitSha256DigestComponent   = 0x01
	TtParametersSha256DigestComponent = 0x02
	TtGenericNameComponent            = 0x08
	TtKeywordNameComponent            = 0x20
	TtSegmentNameComponent            = 0x32
	TtByteOffsetNameComponent         = 0x34
	TtVersionNameComponent            = 0x36
	TtTimestampNameComponent          = 0x38
	TtSequenceNumNameComponent        = 0x3A

	TtCanBePrefix            = 0x21
	TtMustBeFresh            = 0x12
	TtForwardingHint         = 0x1E
	TtNonce                  = 0x0A
	TtInterestLifetime       = 0x0C
	TtHopLimit               = 0x22
	TtApplicationParameters  = 0x24
	TtInterestSignatureInfo  = 0x2C
	TtInterestSignatureValue = 0x2E

	TtMetaInfo        = 0x14
	TtContent         = 0x15
	TtSignatureInfo   = 0x16
	TtSignatureValue  = 0x17
	TtContentType     = 0x18
	TtFreshnessPeriod = 0x19
	TtFinalBlockID    = 0x1A
	TtSignatureType   = 0x1B
	TtKeyLocator      = 0x1C
	TtKeyDigest       = 0x1D
	TtSignatureNonce  = 0x26
	TtSignatureTime   = 0x28
	TtSignatureSeqNum = 0x2A
	TtValidityPeriod  = 0xFD
	TtNotBefore       = 0xFE
	TtNotAfter        = 0xFF

	TtAdditionalDescription = 0x0102
	TtDescriptionEntry      = 0x0200
	TtDescriptionKey        = 0x0201
	TtDescriptionValue      = 0x0202

	// TtDelegation is the pre-2021 ForwardingHint delegation, still accepted on decode.
	TtDelegation = 0x1F
)

// NDNLPv2 TLV-TYPE numbers (ndn-protocols.md §3.2).
const (
	TtLpPacket           = 0x64
	TtFragment           = 0x50
	TtSequence           = 0x51
	TtFragIndex          = 0x52
	TtFragCount          = 0x53
	TtPitToken           = 0x62
	TtNack               = 0x0320
	TtNackReason         = 0x0321
	TtIncomingFaceID     = 0x032C
	TtNextHopFaceID      = 0x0330
	TtCachePolicy        = 0x0334
	TtCachePolicyType    = 0x0335
	TtCongestionMark     = 0x0340
	TtAck                = 0x0344
	TtTxSequence         = 0x0348
	TtNonDiscovery       = 0x034C
	TtPrefixAnnouncement = 0x0350
)

// ContentType values (ndn-protocols.md §1.4).
const (
	ContentBlob      = 0
	ContentLink      = 1
	ContentKey       = 2
	ContentNack      = 3
	ContentManifest  = 4
	ContentPrefixAnn = 5
)

// SigType is a SignatureType value (ndn-protocols.md §1.4).
type SigType uint64

// SignatureType values.
const (
	SigDigestSha256 SigType = 0
	SigRsaSha256    SigType = 1
	SigEcdsaSha256  SigType = 3
	SigHmacSha256   SigType = 4
	SigEd25519      SigType = 5
	SigNull         SigType = 200
)

// CachePolicyNoCache is the only CachePolicyType value NDNLPv2 defines.
const CachePolicyNoCache = 1

// MaxPacketSize is the largest network packet NDN nodes are expected to accept.
const MaxPacketSize = 8800

// DefaultInterestLifetime is the InterestLifetime implied when the element is absent.
const DefaultInterestLifetime = 4000 // milliseconds
