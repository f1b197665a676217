package forwarder

import "errors"

// Sentinel errors of the forwarder's management methods; compare with errors.Is.
var (
	// ErrNoFace means no face has the given FaceId.
	ErrNoFace = errors.New("forwarder: no such face")
	// ErrRootStrategy means the strategy choice of "/" cannot be unset.
	ErrRootStrategy = errors.New("forwarder: cannot unset the strategy of /")
	// ErrClosed means the forwarder has been closed.
	ErrClosed = errors.New("forwarder: closed")
)
