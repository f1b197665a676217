package pitcs

import "errors"

// ErrPitFull means the PIT holds its configured maximum of entries; the
// Interest that would have created a new entry must be dropped.
var ErrPitFull = errors.New("pitcs: PIT full")
