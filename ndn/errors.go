package ndn

import "errors"

// Sentinel errors of the packet decoders. Decoders wrap them, and errors from
// package tlv, with the element that failed; compare with errors.Is.
var (
	// ErrComponentType means a name component's TLV-TYPE is outside [1, 65535].
	ErrComponentType = errors.New("ndn: name component type out of range")
	// ErrDigestLength means a digest component is not 32 octets.
	ErrDigestLength = errors.New("ndn: digest component is not 32 octets")
	// ErrNonMinimal means a TLV-TYPE or TLV-LENGTH inside a name is not minimally encoded.
	ErrNonMinimal = errors.New("ndn: non-minimal VAR-NUMBER in name")
	// ErrURI means a name or component URI cannot be parsed.
	ErrURI = errors.New("ndn: invalid URI")
	// ErrEmptyName means an Interest has a Name with no components.
	ErrEmptyName = errors.New("ndn: Interest name is empty")
	// ErrMissing means a required element is absent.
	ErrMissing = errors.New("ndn: required element missing")
	// ErrParamsDigest means an Interest's ParametersSha256DigestComponent is missing,
	// repeated, present without ApplicationParameters, or does not match them.
	ErrParamsDigest = errors.New("ndn: bad ParametersSha256DigestComponent")
	// ErrPacketType means the outer TLV-TYPE is not the packet type expected.
	ErrPacketType = errors.New("ndn: unexpected packet type")
	// ErrLpField means an NDNLPv2 header violates ordering, repetition or the unknown-field rule.
	ErrLpField = errors.New("ndn: invalid NDNLPv2 header")
	// ErrTime means a ValidityPeriod time is not of the form YYYYMMDDThhmmss.
	ErrTime = errors.New("ndn: invalid ValidityPeriod time")
	// ErrUnsigned means a packet has no signature where one is needed.
	ErrUnsigned = errors.New("ndn: packet is not signed")
)
