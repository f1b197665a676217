package tlv

import "errors"

// Sentinel errors returned by decoders in this package and, wrapped, by every
// packet decoder built on it. Compare with errors.Is.
var (
	// ErrTruncated means the input ended inside a TLV-TYPE, TLV-LENGTH or TLV-VALUE.
	ErrTruncated = errors.New("tlv: truncated")
	// ErrType means a TLV-TYPE is 0 or does not fit in 32 bits.
	ErrType = errors.New("tlv: invalid TLV-TYPE")
	// ErrNNI means a NonNegativeInteger value is not 1, 2, 4 or 8 octets long.
	ErrNNI = errors.New("tlv: invalid NonNegativeInteger length")
	// ErrCritical means an unrecognized or out-of-order element has a critical TLV-TYPE.
	ErrCritical = errors.New("tlv: unrecognized critical element")
	// ErrLength means an element's value has a length its definition forbids.
	ErrLength = errors.New("tlv: invalid TLV-LENGTH for element")
	// ErrTrailing means bytes remain after the element that should end the input.
	ErrTrailing = errors.New("tlv: trailing bytes")
)
