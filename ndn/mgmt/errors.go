package mgmt

import "errors"

// Sentinel errors of this package. Decoders wrap them, and the errors of
// packages tlv and ndn, with the element that failed; compare with errors.Is.
var (
	// ErrElementType means the outer TLV-TYPE is not the structure expected.
	ErrElementType = errors.New("mgmt: unexpected element type")
	// ErrMissing means a required field is absent or out of order.
	ErrMissing = errors.New("mgmt: required field missing or out of order")
	// ErrRange means a number does not fit the field (for example a
	// FacePersistency above 255, which ndn-cxx rejects).
	ErrRange = errors.New("mgmt: value out of range for field")
	// ErrInvalidParams means ControlParameters do not suit a command: a
	// required field is missing or a forbidden one is present. NFD answers
	// it with status 400.
	ErrInvalidParams = errors.New("mgmt: invalid parameters for command")
	// ErrUnknownCommand means a module/verb pair is not a control command.
	ErrUnknownCommand = errors.New("mgmt: unknown command")
	// ErrCommandName means an Interest name is not a command Interest under
	// the given prefix.
	ErrCommandName = errors.New("mgmt: not a command Interest name")
	// ErrNotPrefixAnn means a Data packet is not a Prefix Announcement object.
	ErrNotPrefixAnn = errors.New("mgmt: not a prefix announcement")
	// ErrFaceURI means a FaceUri cannot be parsed.
	ErrFaceURI = errors.New("mgmt: malformed FaceUri")
	// ErrCanonize means a FaceUri cannot be made canonical (wrong address
	// family, bad port, multicast TCP, unsupported scheme, failed lookup).
	ErrCanonize = errors.New("mgmt: cannot canonize FaceUri")
	// ErrSegment means a dataset segment does not belong where it arrived:
	// wrong prefix, version or segment number, or a missing FinalBlockId.
	ErrSegment = errors.New("mgmt: unexpected dataset segment")
)
