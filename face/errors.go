package face

import "errors"

// Sentinel errors of this package. Compare with errors.Is.
var (
	// ErrClosed means the transport, face or listener has been closed.
	ErrClosed = errors.New("face: closed")
	// ErrFrameTooLarge means a stream peer announced a frame longer than MaxFrameLen.
	ErrFrameTooLarge = errors.New("face: frame too large")
	// ErrFraming means a stream carried bytes that are not a TLV element.
	ErrFraming = errors.New("face: stream framing error")
	// ErrAddrInUse means a live listener already serves the address or socket path.
	ErrAddrInUse = errors.New("face: address in use by a live listener")
	// ErrDown means a transport is (temporarily) disconnected, e.g. a permanent
	// TCP face waiting to reconnect.
	ErrDown = errors.New("face: transport down")
	// ErrURI means a FaceUri could not be parsed or is not supported.
	ErrURI = errors.New("face: invalid or unsupported FaceUri")
	// ErrBufferSize means a buffer handed to a transport or pool does not
	// have capacity BufferSize.
	ErrBufferSize = errors.New("face: buffer capacity is not BufferSize")
)

// ErrExists is returned by UDPListener.Dial when a transport for that remote
// endpoint already exists (typically an on-demand one); the existing
// transport is returned with it.
var ErrExists = errors.New("face: a transport for this remote endpoint exists")

// ErrNonLocal is returned when local fields are enabled on a non-local face
// (NFD allows them only on local-scope faces).
var ErrNonLocal = errors.New("face: local fields need a local-scope face")

// ErrMTUFixed is returned by SetMTU on a face whose transport does not
// fragment: streams and transports without an MTU limit (NFD refuses MTU
// overrides on them).
var ErrMTUFixed = errors.New("face: transport does not support MTU changes")

// ErrMTUTooSmall is returned by SetMTU for an MTU below MinMTU.
var ErrMTUTooSmall = errors.New("face: MTU below the minimum")
